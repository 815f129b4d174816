"""A command run from a folder deleted since the shell entered it says so, not a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from conftest import run


@pytest.mark.parametrize("command", [["check"], ["build", "--jobs", "1"], ["sig", "list"]])
def test_a_deleted_current_folder_is_said_plainly(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    result = run(*command, workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the current folder no longer exists (it was deleted or moved after the shell "
        "entered it)\n"
        "  hint: cd to a folder that exists, such as the workspace, and run the command again\n"
    )
    assert not (minimal / "build").exists()
    assert os.path.isdir(minimal)
