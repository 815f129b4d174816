"""The sessions of the README and the docs run exactly as printed: every `$ ` line replayed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
MARK = "@@@ campaign readme step @@@"
# How many sessions each page replays: a session that stops being found (a fence
# written differently, a page renamed) fails here rather than passing unseen.
EXPECTED = {"README.md": 1, "docs/guides/import.md": 1, "docs/tutorial.md": 1}


def sessions_in(page: Path) -> list[str]:
    """A page's code blocks that start a workspace from nothing (`$ campaign init ...`)."""
    blocks = re.findall(r"^```\n(.*?)^```$", page.read_text(encoding="utf-8"), re.M | re.S)
    return [block for block in blocks if block.startswith("$ campaign init")]


def sessions() -> list[str]:
    """Every replayed session of the README and of the pages under docs/."""
    return [block for page in PAGES for block in sessions_in(page)]


def test_every_page_with_a_session_is_replayed() -> None:
    found = {
        str(page.relative_to(ROOT)): len(sessions_in(page)) for page in PAGES if sessions_in(page)
    }
    assert found == EXPECTED


def steps(block: str) -> list[tuple[str, str]]:
    """Each command (with its here-document, if any) and the output printed under it."""
    found: list[tuple[str, list[str]]] = []
    lines = iter(block.splitlines())
    for line in lines:
        if not line.startswith("$ "):
            found[-1][1].append(line)
            continue
        command = [line[2:]]
        if end := re.search(r"<<'(\w+)'$", line):
            for text in lines:
                command.append(text)
                if text == end.group(1):
                    break
        found.append(("\n".join(command), []))
    return [(command, "".join(f"{o}\n" for o in output)) for command, output in found]


def shown(output: str) -> str:
    """What the README prints of an output.

    A PDF's size in KB changes with every tweak of the layout and is not the point of
    the session; the progress bar's label appears only where there is no terminal;
    a CSV file's byte-order mark shows as nothing.
    """
    output = re.sub(r"\(\d+ KB\)", "(… KB)", output).replace("\ufeff", "")
    return "".join(line for line in output.splitlines(True) if line != "Building\n")


@pytest.mark.parametrize("block", sessions(), ids=lambda b: b.split("\n", 1)[0][2:])
def test_a_session_runs_exactly_as_printed(tmp_path: Path, block: str) -> None:
    script = "set -e\n" + "".join(f"echo '{MARK}'\n{command}\n" for command, _ in steps(block))
    env = os.environ | {
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "PYTHONUNBUFFERED": "1",  # stdout and stderr in the order they were written
    }
    env.pop("CAMPAIGN_WORKSPACE", None)
    result = subprocess.run(
        ["bash", "-c", script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=900,
    )
    got = result.stdout.split(MARK + "\n")[1:]
    assert result.returncode == 0, result.stderr
    for (command, printed), output in zip(steps(block), got, strict=True):
        assert (command, shown(output)) == (command, shown(printed))
