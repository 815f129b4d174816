"""What a writer killed half way leaves beside a file: gone with the next write, a live one kept."""

from __future__ import annotations

import fcntl
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from campaign.files import atomic
from campaign.files.atomic import remove_atomic, write_atomic, write_staged

from conftest import kinds

# A process that starts writing ``path`` atomically and stops before the rename.
WRITER = """
import sys, time
from pathlib import Path
from campaign.files import atomic
fd, tmp = atomic._temporary(Path(sys.argv[1]))
print(tmp, flush=True)
time.sleep(60)
"""


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], Path]]:
    """Another process half way through writing tmp_path/list.yaml: it and its temporary file."""
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(tmp_path / "list.yaml")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    tmp = Path(proc.stdout.readline().strip())
    try:
        yield proc, tmp
    finally:
        proc.kill()
        proc.wait()


def hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_a_killed_writers_temporary_file_goes_with_the_next_write(
    tmp_path: Path, writer: tuple[subprocess.Popen[str], Path]
) -> None:
    proc, tmp = writer
    assert tmp.parent == tmp_path and tmp.name.startswith(".list.yaml.")
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    write_atomic(tmp_path / "list.yaml", "signatories:\n")
    assert hidden(tmp_path) == []
    assert (tmp_path / "list.yaml").read_text() == "signatories:\n"


def test_a_live_writers_temporary_file_is_left_alone(
    tmp_path: Path, writer: tuple[subprocess.Popen[str], Path]
) -> None:
    _, tmp = writer
    write_atomic(tmp_path / "list.yaml", "signatories:\n")
    assert hidden(tmp_path) == [tmp.name]
    assert (tmp_path / "list.yaml").read_text() == "signatories:\n"


def test_only_the_written_files_own_leftovers_go(tmp_path: Path) -> None:
    # Another file's, and a user's files of like names, are not this write's to judge.
    for name in (".other.yaml.k1ll3d_x.tmp", ".list.yaml.notes", "list.yaml.k1ll3d_x.tmp"):
        (tmp_path / name).write_text("kept")
    (tmp_path / ".list.yaml.k1ll3d_x.tmp").write_text("half")
    write_atomic(tmp_path / "list.yaml", "signatories:\n")
    assert hidden(tmp_path) == [".list.yaml.notes", ".other.yaml.k1ll3d_x.tmp"]
    assert (tmp_path / "list.yaml.k1ll3d_x.tmp").read_text() == "kept"


def test_a_fifo_or_a_link_named_like_a_temporary_file_is_neither_waited_on_nor_followed(
    tmp_path: Path,
) -> None:
    # A workspace handed over may hold either: a FIFO would hang the open, a link
    # would lead the removal (or the lock) to a file elsewhere.
    os.mkfifo(tmp_path / ".list.yaml.f1f0f1f0.tmp")
    elsewhere = tmp_path / "elsewhere.yaml"
    elsewhere.write_text("someone's")
    (tmp_path / ".list.yaml.l1nkl1nk.tmp").symlink_to(elsewhere)
    write_atomic(tmp_path / "list.yaml", "signatories:\n")
    assert hidden(tmp_path) == [".list.yaml.f1f0f1f0.tmp", ".list.yaml.l1nkl1nk.tmp"]
    assert elsewhere.read_text() == "someone's"


def test_a_temporary_file_taken_for_dead_before_it_was_locked_is_made_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Between mkstemp and flock a sweeping process may find it unlocked and remove it:
    # written on, it would never reach its name.
    real_flock = fcntl.flock
    swept: list[str] = []

    def flock(fd: int, operation: int) -> None:
        if not swept:
            for entry in os.scandir(tmp_path):
                if entry.name.endswith(".tmp"):
                    swept.append(entry.name)
                    atomic._remove_if_dead(entry.path)  # as another process would
        real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    write_atomic(tmp_path / "list.yaml", "signatories:\n")
    assert len(swept) == 1
    assert (tmp_path / "list.yaml").read_text() == "signatories:\n"
    assert hidden(tmp_path) == []


def test_a_temporary_file_a_sweeper_holds_is_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The writer waited for the lock: a sweeping process stopped while it held the
    # new temporary file's lock (SIGSTOP, a debugger) stopped the write with it.
    real_flock = fcntl.flock
    held: list[int] = []

    def flock(fd: int, operation: int) -> None:
        if not held:
            tmp = next(e.path for e in os.scandir(tmp_path) if e.name.endswith(".tmp"))
            held.append(os.open(tmp, os.O_RDONLY))  # as a sweeper that stopped there
            real_flock(held[0], fcntl.LOCK_EX | fcntl.LOCK_NB)
        real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", flock)
    try:
        write_atomic(tmp_path / "list.yaml", "signatories:\n")
    finally:
        monkeypatch.undo()
        for fd in held:
            os.close(fd)
    assert (tmp_path / "list.yaml").read_text() == "signatories:\n"
    assert len(hidden(tmp_path)) == 1  # the one the sweeper holds: its to remove
    write_atomic(tmp_path / "list.yaml", "signatories: []\n")  # let go now: dead
    assert hidden(tmp_path) == []


def test_a_device_named_like_a_temporary_file_is_never_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = tmp_path / ".list.yaml.d3v1ce_x.tmp"
    try:
        os.mknod(device, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # as /dev/null
    except PermissionError:
        pytest.skip("making a device takes root")
    opened: list[str] = []
    real_open = os.open

    def spy(path: Any, *args: Any, **kwargs: Any) -> int:
        opened.append(os.fspath(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    write_atomic(tmp_path / "list.yaml", "signatories:\n")
    monkeypatch.undo()
    assert str(device) not in opened
    assert hidden(tmp_path) == [device.name]


def test_a_file_removed_goes_with_its_dead_writers_leftovers(tmp_path: Path) -> None:
    (tmp_path / ".moving.json").write_text("[]\n")
    (tmp_path / "..moving.json.k1ll3d_x.tmp").write_text("[")
    remove_atomic(tmp_path / ".moving.json")
    remove_atomic(tmp_path / ".moving.json")  # gone already: nothing to say
    assert hidden(tmp_path) == []


def test_a_staged_file_is_written_in_place_and_flushed(
    tmp_path: Path, fsynced: list[os.stat_result]
) -> None:
    staging = tmp_path / ".test.staging"
    write_staged(staging / "to" / "a.pdf", b"%PDF-1.7 long" * 1000)
    write_staged(staging / "to" / "a.pdf", b"%PDF-1.7 short")  # written again: whole
    assert kinds(fsynced) == ["file", "file"]
    assert (staging / "to" / "a.pdf").read_bytes() == b"%PDF-1.7 short"
    assert sorted(p.name for p in (staging / "to").iterdir()) == ["a.pdf"]


@pytest.mark.parametrize("way", ["write_staged", "written_together"])
def test_a_file_written_in_place_never_writes_through_a_link(tmp_path: Path, way: str) -> None:
    staging = tmp_path / ".test.staging"
    staging.mkdir()
    elsewhere = tmp_path / "campaign.yaml"
    elsewhere.write_text("title: kept\n")
    (staging / "a.pdf").symlink_to(elsewhere)
    with pytest.raises(OSError):
        if way == "write_staged":
            write_staged(staging / "a.pdf", b"%PDF-1.7")
        else:
            with atomic.written_together() as put:
                put(staging / "a.pdf", b"%PDF-1.7")
    assert elsewhere.read_text() == "title: kept\n"
    assert (staging / "a.pdf").is_symlink()  # what this command did not make, it leaves
