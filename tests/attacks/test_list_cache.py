"""Hostile .campaign/lists/ in a workspace handed over: never taken, never followed out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from campaign.lists import remembered
from campaign.lists.edit import add
from campaign.lists.listfile import ListFile

_LIST = "signatories:\n- name: Person 0\n  type: individual\n  group: a\n"


@pytest.fixture
def people(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace's list with its reading kept; this user's key in a cache folder of its own."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(remembered, "_secret", None)
    (tmp_path / "ws" / ".campaign").mkdir(parents=True)
    (tmp_path / "ws" / "signatories").mkdir()
    path = tmp_path / "ws" / "signatories" / "people.yaml"
    path.write_text(_LIST)
    add(path, {"name": "Second", "type": "individual", "group": "a"})
    return path


def _planted(path: Path) -> bytes:
    """A reading of the list's very bytes (its key right) whose first name is not the file's."""
    kept = remembered.place(path)
    assert kept is not None
    body = kept.read_bytes().partition(b"\n")[2]
    data = json.loads(body)
    assert data["key"] == remembered.key(path.read_bytes())
    data["entries"][0][1] = "Planted"
    return json.dumps(data).encode()


def test_a_reading_planted_with_the_lists_key_is_not_taken(people: Path) -> None:
    kept = remembered.place(people)
    assert kept is not None
    planted = _planted(people)
    assert ListFile.load(people).entries[0].name == "Person 0"
    for form in (planted, b"0" * 64 + b"\n" + planted, kept.read_bytes()[:64] + b"\n" + planted):
        kept.write_bytes(form)
        assert [e.name for e in ListFile.load(people).entries] == ["Person 0", "Second"]


def test_a_reading_sealed_with_another_users_key_is_not_taken(
    people: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = remembered.place(people)
    assert kept is not None
    sealed = kept.read_bytes()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "someone-else"))
    monkeypatch.setattr(remembered, "_secret", None)
    assert remembered.recall(people, people.read_bytes(), object) is None
    assert kept.read_bytes() == sealed
    key_file = tmp_path / "cache" / "campaign" / "readings.key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_a_key_others_can_read_keeps_nothing(people: Path, tmp_path: Path) -> None:
    key_file = tmp_path / "cache" / "campaign" / "readings.key"
    key_file.chmod(0o644)
    remembered._secret = None
    kept = remembered.place(people)
    assert kept is not None
    kept.unlink()
    add(people, {"name": "Third", "type": "individual", "group": "a"})
    assert not kept.exists()


def test_a_reading_nested_too_deep_is_read_past(people: Path) -> None:
    kept = remembered.place(people)
    assert kept is not None
    kept.write_bytes(b"[" * 200_000)
    assert [e.name for e in ListFile.load(people).entries] == ["Person 0", "Second"]


def test_a_fifo_in_place_of_the_reading_does_not_hang(people: Path, tmp_path: Path) -> None:
    kept = remembered.place(people)
    assert kept is not None
    kept.unlink()
    os.mkfifo(kept)
    code = (
        "import sys; from pathlib import Path; from campaign.lists.listfile import ListFile; "
        "print([e.name for e in ListFile.load(Path(sys.argv[1])).entries])"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-c", code, str(people)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "['Person 0', 'Second']\n", "")


def test_a_reading_too_large_to_be_ours_is_not_read(people: Path) -> None:
    kept = remembered.place(people)
    assert kept is not None
    sealed = kept.read_bytes()
    kept.write_bytes(sealed + b" " * (1 << 21))
    assert remembered.recall(people, people.read_bytes(), object) is None


@pytest.mark.parametrize("link", [".campaign", ".campaign/lists"])
def test_a_campaign_folder_leading_out_of_the_workspace_is_not_written(
    people: Path, tmp_path: Path, link: str
) -> None:
    workspace = people.parent.parent
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "lists").mkdir()
    kept = remembered.place(people)
    assert kept is not None
    kept.unlink()
    target = workspace / link
    if link == ".campaign/lists":
        target.rmdir()
        target.symlink_to(outside / "lists")
    else:
        (workspace / ".campaign" / "lists").rmdir()
        (workspace / ".campaign").rmdir()
        target.symlink_to(outside)
    add(people, {"name": "Third", "type": "individual", "group": "a"})
    assert [p.name for p in outside.rglob("*")] == ["lists"]
    assert [e.name for e in ListFile.load(people).entries] == ["Person 0", "Second", "Third"]


def test_a_reading_made_under_another_version_of_a_library_is_not_taken(
    people: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = people.read_bytes()
    before = remembered.key(raw)
    real = remembered.metadata.version
    monkeypatch.setattr(remembered, "_code", None)
    monkeypatch.setattr(
        remembered.metadata,
        "version",
        lambda name: "99.0" if name == "email-validator" else real(name),
    )
    assert remembered.key(raw) != before
    assert remembered.recall(people, raw, object) is None
