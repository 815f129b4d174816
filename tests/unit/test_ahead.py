"""The shared pages a build lays out ahead: taken, or laid out again; what killed builds left."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest

from campaign.build import run
from campaign.pdf.workers import MasterDone


class _Done:
    """A finished job: its result, or the error it raised."""

    def __init__(self, result: Any = None, error: Exception | None = None) -> None:
        self._result, self._error = result, error

    def result(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._result


def test_a_master_laid_out_ahead_is_copied_into_the_staging_folder(tmp_path: Path) -> None:
    ahead, master = tmp_path / "0.pdf", tmp_path / "staging" / ".shared-0.pdf"
    master.parent.mkdir()
    ahead.write_bytes(b"%PDF-1.7 the pages")
    done = MasterDone((), 3)
    assert run._taken(_Done(done), ahead, master) is done
    assert master.read_bytes() == b"%PDF-1.7 the pages"


@pytest.mark.parametrize(
    "laying",
    [
        _Done(error=OSError(28, "No space left on device")),  # its folder was full
        _Done(MasterDone((), 3)),  # its folder was emptied: no PDF to copy
    ],
)
def test_a_master_that_failed_ahead_is_left_to_the_build(tmp_path: Path, laying: _Done) -> None:
    master = tmp_path / ".shared-0.pdf"
    assert run._taken(laying, tmp_path / "gone" / "0.pdf", master) is None
    assert not master.exists()


def test_a_master_that_did_not_fit_is_said_and_nothing_is_copied(tmp_path: Path) -> None:
    done = MasterDone(("the address",))
    master = tmp_path / ".shared-0.pdf"
    assert run._taken(_Done(done), tmp_path / "none.pdf", master) is done
    assert not master.exists()


def test_only_the_folders_of_this_users_ended_processes_are_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], check=True,
                           capture_output=True, text=True)  # fmt: skip
    dead = int(ended.stdout)
    names = [
        f"{run.AHEAD_PREFIX}{dead}-abc",  # a build killed outright
        f"{run.AHEAD_PREFIX}{os.getpid()}-def",  # a build still running (this process)
        f"{run.AHEAD_PREFIX}{os.getppid()}-ghi",  # another one
        f"{run.AHEAD_PREFIX}x-jkl",  # not one of ours
        "pymp-abc",
    ]
    for name in names:
        (tmp_path / name).mkdir()
        (tmp_path / name / "0.pdf").write_bytes(b"%PDF")
    run._remove_left_ahead()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])
