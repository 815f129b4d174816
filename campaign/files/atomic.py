"""Writing files so that a crash leaves either the old file or the new one, never half."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import functools
import os
import re
import shutil
import stat
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from campaign.paths import NotAFile, read_bytes

TMP_SUFFIX = ".tmp"
# What tempfile.mkstemp puts between the prefix and the suffix.
_RANDOM = "[a-z0-9_]{8}"
# What a temporary file's name adds to the name it is for: '.', '.', the 8 and '.tmp'.
_ADDED = 2 + 8 + len(TMP_SUFFIX)


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    What an earlier writer of ``path`` killed half way left beside it is removed first
    (:func:`_remove_dead_temporaries`), so no caller has to remember to.
    """

    def replace(tmp: str) -> bool:
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
        return True

    _written_beside(path, data, replace)


def create_atomic(path: Path, data: bytes | str) -> bool:
    """Make ``path`` holding ``data`` whole, unless it exists; whether this call made it.

    Written beside it first, then linked into place, which fails where a file is
    there already: no process ever sees it half written, or empty (a key made with
    O_EXCL and then written was left empty by a Ctrl+C in between, and refused for
    ever after), and of two at once one makes it and the other reads it. It keeps
    the temporary file's mode, mkstemp's 0600: private.
    """

    def link(tmp: str) -> bool:
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        finally:
            Path(tmp).unlink(missing_ok=True)
        return True

    return _written_beside(path, data, link)


def _written_beside(path: Path, data: bytes | str, place: Callable[[str], bool]) -> bool:
    """``data`` written whole beside ``path``, then ``place(temporary)``: whether it placed it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    _remove_dead_temporaries(path)
    fd, tmp = _temporary(path)  # private (mkstemp's 0600) and locked while written
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
            placed = place(tmp)  # still locked: a sweeper never takes a live one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if placed:
        # The new name is only on disk once the folder is: without this, a power cut
        # can bring back the old file (or no file) after the command said it was written.
        fsync_dir(path.parent)
    return placed


def remove_atomic(path: Path) -> None:
    """Remove a file :func:`write_atomic` wrote, with what its writers killed half way left."""
    path.unlink(missing_ok=True)
    _remove_dead_temporaries(path)


def _temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path``, open and locked for as long as it is written.

    The lock is what tells a live writer's temporary file from a dead one's: the
    kernel drops it when the writer's process ends, killed or not.
    """
    while True:
        fd, tmp = tempfile.mkstemp(prefix=_prefix(path), suffix=TMP_SUFFIX, dir=path.parent)
        try:
            # Another process sweeping may have taken it for dead between its making
            # and its locking: locked by it (never waited for: a sweeper stopped
            # there would stop this write too), or removed. Then start again.
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if os.path.samestat(os.stat(tmp), os.fstat(fd)):
                return fd, tmp
        except (BlockingIOError, FileNotFoundError):
            pass
        except BaseException:
            os.close(fd)
            Path(tmp).unlink(missing_ok=True)
            raise
        os.close(fd)


def _prefix(path: Path) -> str:
    """'.NAME.' for the temporary files of ``path``, NAME cut short if they would be too long.

    A name of 242 bytes or more (255 is the most a folder takes) would leave no room
    for what mkstemp adds. Two long names cut alike share a prefix: each one's live
    temporary file is still told apart by its lock, and a dead one goes either way.
    """
    try:
        room = os.pathconf(path.parent, "PC_NAME_MAX") - _ADDED
    except (OSError, ValueError):
        room = 255 - _ADDED
    name = os.fsencode(path.name)
    if len(name) > room:  # cut at a character, not in the middle of one
        return f".{name[:room].decode(sys.getfilesystemencoding(), 'ignore')}."
    return f".{path.name}."


def _remove_dead_temporaries(path: Path) -> None:
    """Delete the temporary files of :func:`write_atomic` writers of ``path`` that died.

    One is dead when nothing holds its lock. A live one (another process writing
    ``path`` right now) is left alone, so this is safe without any other lock.
    """
    # Only names as mkstemp makes them: a user's own '.list.yaml.old.tmp' is not ours.
    ours = re.compile(re.escape(_prefix(path)) + _RANDOM + re.escape(TMP_SUFFIX))
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent):
            # A device or a FIFO is never opened: opening one may act on it.
            if ours.fullmatch(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(OSError):
                    _remove_if_dead(entry.path)


def _remove_if_dead(tmp: str) -> None:
    """Delete ``tmp`` if it is a regular file no process holds locked."""
    # Not following links, not waiting on a FIFO: a workspace handed over may hold either.
    fd = os.open(tmp, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # a live writer's
        if os.path.samestat(os.lstat(tmp), info):
            os.unlink(tmp)
    finally:
        os.close(fd)  # drops the lock: a writer that lost the race starts again


def write_staged(path: Path, data: bytes | str) -> None:
    """Write a file in a staging folder: in place, then flushed to disk.

    For a folder a command made afresh, which it renames into place, or moves files
    out of, only once all of it is written, and removes whole otherwise: no one ever
    reads a file there half written, so it needs no temporary file, rename and
    folder flush of its own (which :func:`write_atomic` would also pay by listing
    the folder, once per file, for dead writers' leftovers).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _opened_in_place(path)
    try:
        _write_all(fd, data.encode("utf-8") if isinstance(data, str) else data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _opened_in_place(path: Path) -> int:
    """``path`` created, or emptied, for writing in place."""
    # Never through a link: a staging folder's files are its own, made by this command.
    return os.open(
        path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666
    )


def _write_all(fd: int, data: bytes) -> None:
    """Write ``data`` whole to ``fd`` (one os.write may take less than it is given)."""
    with memoryview(data) as left:
        while left:
            left = left[os.write(fd, left) :]


@contextlib.contextmanager
def written_together() -> Iterator[Callable[[Path, bytes], None]]:
    """``write(path, data)`` for new files nobody reads before the block ends: on disk when it ends.

    For a build's staging folder, whose files are moved into place only once the whole
    build has succeeded, and removed if it fails: a file there need not appear whole in
    one step, as :func:`write_atomic` makes one appear. Each is written in place, and
    all are flushed to disk at the end (each file, then each folder once): a third of
    the CPU of a temporary file, a rename and two flushes per file. A block that fails
    removes the files it wrote. Every file stays open until the end: for batches (a
    hundred letters), not for thousands of files.
    """
    opened: list[tuple[Path, int]] = []
    folders: set[Path] = set()

    def write(path: Path, data: bytes) -> None:
        if path.parent not in folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        fd = _opened_in_place(path)
        opened.append((path, fd))
        _write_all(fd, data)

    try:
        yield write
        for _, fd in opened:
            os.fsync(fd)
        for folder in folders:
            fsync_dir(folder)
    except BaseException:
        for path, _ in opened:
            path.unlink(missing_ok=True)
        raise
    finally:
        for _, fd in opened:
            os.close(fd)


def read_regular(path: Path, limit: int) -> bytes | None:
    """The bytes of ``path`` if it is a regular file of at most ``limit`` bytes, else None.

    For what a command keeps for itself in a workspace's .campaign/, which a workspace
    handed over brings along: a FIFO planted there must not hang the command, nor a
    link to a device fill its memory. A missing file raises OSError, as open() does.
    """
    try:
        return read_bytes(path, limit)
    except NotAFile:
        return None


def _mode_for(path: Path) -> int:
    """The permissions a rewritten file keeps (a list kept private stays private)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_umask()


@functools.cache
def _umask() -> int:
    # os.umask can only be read by setting it; it is set straight back.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def fsync_dir(folder: Path) -> None:
    """Flush a folder's entries (renames, new and removed files) to disk."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # a folder that cannot be opened has nothing of ours to flush
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.EBADF):  # file systems without dir fsync
            raise
    finally:
        os.close(fd)


@contextlib.contextmanager
def folder_locked(folder: Path, timeout: float, busy: Callable[[], Exception]) -> Iterator[None]:
    """Hold an exclusive lock on ``folder``; raise ``busy()`` after waiting ``timeout`` seconds.

    A lock on the folder, not a lock file: files in it are replaced whole, and a lock
    file would be left lying in the user's workspace. The kernel drops the lock when
    the process ends, killed or not, so a lock is never stale.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise busy() from None
                time.sleep(0.02)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


_RENAME_EXCHANGE = 2  # linux/fs.h


def exchange(first: Path, second: Path) -> None:
    """Swap two folders in one step (Linux), or as two renames where that is not possible.

    After a crash there is always a folder at ``second``: the old one or the new one.
    The two-rename fallback leaves a moment where ``second`` is missing; callers
    repair that with :func:`restore_swapped` before their next swap.
    """
    renameat2 = _renameat2()
    if renameat2 is not None and second.exists():
        at_cwd = -100  # AT_FDCWD: the paths are taken as given
        done = renameat2(at_cwd, os.fsencode(first), at_cwd, os.fsencode(second), _RENAME_EXCHANGE)
        if done == 0:
            fsync_dir(second.parent)
            return
        code = ctypes.get_errno()
        if code not in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
            raise OSError(code, os.strerror(code), str(first))
    parked = _parked(second)
    shutil.rmtree(parked, ignore_errors=True)
    if second.exists():
        second.rename(parked)
    first.rename(second)
    fsync_dir(second.parent)
    if parked.exists():  # what was at ``second`` goes to ``first``, as in a real exchange
        parked.rename(first)


def _renameat2() -> Any:
    """The C library's renameat2 (glibc 2.28 and later), or None."""
    try:
        return getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    except OSError:
        return None


def _parked(path: Path) -> Path:
    return path.parent / f".{path.name}.old"


def restore_swapped(path: Path) -> None:
    """Put back the folder a two-rename :func:`exchange` had moved aside when it was cut short."""
    parked = _parked(path)
    if parked.exists() and not path.exists():
        parked.rename(path)
    shutil.rmtree(parked, ignore_errors=True)
