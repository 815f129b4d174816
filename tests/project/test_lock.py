"""requirements.lock pins, with hashes, a version inside every range pyproject.toml asks for."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s\\;]+)", re.MULTILINE)


def locked(text: str) -> dict[str, Version]:
    """Each package the lock installs, and its exact version."""
    return {canonicalize_name(name): Version(version) for name, version in PIN.findall(text)}


def disagreements(pyproject: str, lock: str) -> list[str]:
    """What pyproject asks for that the lock does not pin, or pins outside the range."""
    project = tomllib.loads(pyproject)["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    pins = locked(lock)
    found = []
    for line in wanted:
        requirement = Requirement(line)
        name = canonicalize_name(requirement.name)
        if name not in pins:
            found.append(f"{requirement.name} is not in requirements.lock")
        elif not requirement.specifier.contains(pins[name], prereleases=True):
            found.append(f"requirements.lock pins {name}=={pins[name]}, outside '{line}'")
    return found


def unhashed(lock: str) -> list[str]:
    """Pins in the lock without a hash (pip would refuse the whole file)."""
    entries = re.split(r"\n(?=[A-Za-z0-9])", lock)
    return [m.group(1) for e in entries if (m := PIN.match(e)) and "--hash=sha256:" not in e]


def test_the_lock_pins_every_range_pyproject_asks_for() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    lock = (ROOT / "requirements.lock").read_text()
    assert disagreements(pyproject, lock) == []
    assert unhashed(lock) == []
    assert len(locked(lock)) > 40  # the dependencies of the dependencies are pinned too


def test_a_lock_that_disagrees_is_caught() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text()
    lock = (ROOT / "requirements.lock").read_text()
    older = re.sub(r"^click==\S+", "click==7.0", lock, flags=re.MULTILINE)
    assert disagreements(pyproject, older) == [
        "requirements.lock pins click==7.0, outside 'click>=8.1'"
    ]
    missing = re.sub(r"^pyyaml==", "pyyaml-gone==", lock, flags=re.MULTILINE)
    assert disagreements(pyproject, missing) == ["pyyaml is not in requirements.lock"]
    bare = lock.replace("babel==", "babel==2.19.0\nnothing==", 1)
    assert "babel" in unhashed(bare)
