"""Files written together (a batch of letters in staging): all on disk at the end, or none left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from campaign.files.atomic import written_together


def test_each_file_and_its_folder_are_flushed_once_all_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync = os.fsync

    def spy(fd: int) -> None:
        info = os.fstat(fd)
        events.append("folder" if stat.S_ISDIR(info.st_mode) else f"file of {info.st_size}")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    with written_together() as write:
        for n in range(3):
            write(tmp_path / "to" / f"{n}.pdf", b"%PDF" * (n + 1))
            events.append(f"wrote {n}")
    assert events == [
        "wrote 0",
        "wrote 1",
        "wrote 2",
        "file of 4",
        "file of 8",
        "file of 12",
        "folder",
    ]
    assert [(tmp_path / "to" / f"{n}.pdf").read_bytes() for n in range(3)] == [
        b"%PDF",
        b"%PDF%PDF",
        b"%PDF%PDF%PDF",
    ]
    assert oct(stat.S_IMODE((tmp_path / "to" / "0.pdf").stat().st_mode)) == oct(0o666 & ~_umask())


def test_a_block_that_fails_leaves_none_of_its_files(tmp_path: Path) -> None:
    (tmp_path / "kept.pdf").write_bytes(b"someone else's")
    with pytest.raises(RuntimeError, match="the layout failed"), written_together() as write:
        write(tmp_path / "0.pdf", b"%PDF-1.7 whole")
        write(tmp_path / "1.pdf", b"%PDF-1.7 whole")
        raise RuntimeError("the layout failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.pdf"]


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
