"""Where a path's links lead, and reading what it leads to, for files anyone may have made.

A workspace is often handed over (a zip, a shared folder, a repository): any file in
it may be a link, a named pipe or a device. Every read of a file campaign did not
write itself goes through this module (read_bytes, read_text, fingerprint, copy_file,
or opened and read_all; a PDF library is given what opened checked, or bytes), which
opens without waiting and reads only a regular file, no further than the size it said
it had (`tests/attacks/test_reading.py` holds every module to it). Imports nothing of
campaign: every layer may use it (the last of the layers contract).
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def resolved(path: Path | str) -> Path:
    """``path`` made absolute with every link on the way followed, as far as they lead.

    ``Path.resolve`` of Python 3.11 raises RuntimeError at a link that leads back to
    itself, which nothing that looks at a file expects; a workspace passed on by
    someone else may hold one anywhere (a letter's text, templates/, .campaign/).
    Followed as far as it leads, such a link is a file that is not there, or that
    cannot be read, and each caller says so at its own path, as Python 3.13 does.
    """
    return Path(os.path.realpath(path))


def files_below(folder: Path) -> list[Path]:
    """Every file below ``folder``, in order, through links to folders that stay inside it.

    A letter may show a picture from a folder that is a link (``pics`` to ``pics-red``):
    what it shows must be in the key, or a link turned to another folder would leave
    the letters as they were. A link out of the folder is not followed (a letter never
    reads there), nor one back to a folder already walked. A link to a folder, and a
    folder that cannot be listed, are in the list themselves.
    """
    inside = resolved(folder)
    seen: set[Path] = set()
    found: list[Path] = []

    def unlisted(error: OSError) -> None:
        # A folder that cannot be listed (entered, but not read) is listed itself: what
        # it holds cannot be known, and callers must not take it for empty.
        if not isinstance(error, FileNotFoundError):  # gone meanwhile: nothing to list
            found.append(Path(os.fsdecode(error.filename)))

    for top, dirs, names in os.walk(folder, followlinks=True, onerror=unlisted):
        if os.path.islink(top):
            found.append(Path(top))  # where it leads is hashed: a link turned elsewhere
        real = resolved(top)
        if real in seen or not real.is_relative_to(inside):
            dirs.clear()
            continue
        seen.add(real)
        found += [Path(top, name) for name in names]
    return sorted(found)


class NotAFile(OSError):
    """The path leads to something that is not a file's text to read; ``strerror`` says what."""

    hint = "put the file itself there: campaign reads files, never a pipe or a device"


# What campaign reads whole. A text (a list, settings, a letter, a CSV) is held three
# times while it is parsed: its bytes, its text and the parser's objects, many times its
# size; the benchmark's list of 20,000 names is 5 MB. A picture, a font, an enclosure
# or a built PDF is held once. Anything bigger is taken for a mistake (a recording left
# beside the letter, a disk image), not read into memory.
MAX_READ = 64 << 20
MAX_BINARY = 512 << 20

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)
_LINK_HINT = "put the file itself there, or remove the link"
_SIZE_HINT = "a letter's files are far smaller: check that this is the file you meant"
_GREW_HINT = "read it again once nothing writes to it; campaign reads files, not /proc"
_FAILED_HINT = "copy the file again from where it came from"


def kind(mode: int) -> str:
    """What a file of ``mode`` (``st_mode``) is, said for a message: 'a named pipe', ..."""
    return next((name for test, name in _KINDS if test(mode)), "not a file")


def _not_a_file(path: Path | str, why: str, hint: str = "", code: int = errno.EINVAL) -> NotAFile:
    refused = NotAFile(code, why, str(path))
    if hint:
        refused.hint = hint
    return refused


def open_fd(path: Path | str) -> int:
    """``path`` opened for reading without waiting, whatever it leads to; a raw descriptor.

    A named pipe's open would wait for a writer for ever; O_NONBLOCK makes it return.
    What cannot be opened as a file at all is :class:`NotAFile`, said as it is: a
    socket, a link to nothing, a link that leads back to itself.
    """
    try:
        return os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _not_a_file(path, "it is a link that leads back to itself", _LINK_HINT) from None
        if exc.errno == errno.ENOENT and os.path.islink(path):
            raise _not_a_file(path, "it is a link to nothing", _LINK_HINT) from None
        if exc.errno == errno.ENXIO:  # what opening a socket gives
            try:
                mode = os.stat(path).st_mode
            except OSError:
                mode = 0
            if mode:
                raise _not_a_file(path, f"it is {kind(mode)}, not a file") from None
        raise


def where_opened(fd: int, path: Path | str) -> Path:
    """Where the file open as ``fd`` (opened by ``path``) really is, every link followed.

    A link changed after the open cannot move what was opened: what a check of this
    path allows is what is read.
    """
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))  # Linux: the file itself
    except OSError:
        return resolved(path)  # elsewhere: where the name leads now


def check_regular(fd: int, path: Path | str, limit: int = MAX_READ) -> int:
    """The size of the open ``fd``, a regular file of ``limit`` bytes at most; else NotAFile."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        raise _not_a_file(path, f"it is {kind(info.st_mode)}, not a file")
    if info.st_size > limit:
        size, most = _size(info.st_size), _size(limit)
        if size == most:  # just over: said in bytes, not rounded to the limit itself
            size, most = f"{info.st_size:,} bytes", f"{limit:,} bytes"
        raise _not_a_file(path, f"it is {size}, more than campaign reads ({most})", _SIZE_HINT)
    return info.st_size


def _size(count: int) -> str:
    """A size in bytes, said as people say it: '20 GB', '512 MB'."""
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= scale:
            return f"{count / scale:.3g} {unit}"
    return f"{count} bytes"


@contextmanager
def opened(path: Path | str, limit: int = MAX_READ) -> Iterator[tuple[io.BufferedReader, int]]:
    """``path`` open for reading, and its size, if it is a regular file; else NotAFile.

    What was opened is what is checked, so a link changed in between cannot slip a
    pipe or a device in: a device's read would never end.
    """
    fd = open_fd(path)
    try:
        size = check_regular(fd, path, limit)
    except BaseException:
        os.close(fd)
        raise
    # From here the file object owns the descriptor: closed here too, a Ctrl+C inside
    # fdopen closed it twice (EBADF, a traceback, or another file's descriptor closed).
    with os.fdopen(fd, "rb") as handle:
        yield handle, size


def read_all(handle: io.BufferedReader, path: Path | str, size: int) -> bytes:
    """The bytes of ``handle``, ``path`` opened by :func:`opened` with its ``size``."""
    return b"".join(_chunks(handle, path, size))


def _chunks(handle: io.BufferedReader, path: Path | str, size: int) -> Iterator[bytes]:
    """The file's bytes, a piece at a time, no more than the ``size`` it said it had.

    A file that gives more grew while it was read, or is one of the system's (a
    /proc file says it holds nothing, and some never end). A read that fails is said
    at the file's path, which Python's error for it does not name.
    """
    left = size + 1
    try:
        while left > 0 and (piece := handle.read(min(left, 1 << 20))):
            left -= len(piece)
            if left == 0:
                raise _not_a_file(path, "it grew while it was read", _GREW_HINT)
            yield piece
    except NotAFile:
        raise
    except OSError as exc:
        why = f"reading it failed ({exc.strerror or exc})"
        raise _not_a_file(path, why, _FAILED_HINT, exc.errno or errno.EIO) from None


def unreadable(path: Path | str, limit: int = MAX_READ) -> tuple[str, str] | None:
    """Why ``path`` cannot be read as a file, and a hint, said for a message; None if it can."""
    try:
        with opened(path, limit):
            return None
    except NotAFile as exc:
        return str(exc.strerror), exc.hint
    except OSError as exc:
        return str(exc.strerror or "it cannot be read"), ""


def read_bytes(path: Path | str, limit: int = MAX_READ) -> bytes:
    """The bytes of the regular file ``path`` leads to (:class:`NotAFile` for any other).

    ``limit``: MAX_READ for a text, MAX_BINARY for a picture, a font or a PDF.
    """
    with opened(path, limit) as (handle, size):
        return read_all(handle, path, size)


def read_text(
    path: Path | str, encoding: str = "utf-8", errors: str = "strict", newline: str | None = None
) -> str:
    """The text of the regular file ``path`` leads to, line ends made ``\\n`` (as Path's)."""
    data = io.BytesIO(read_bytes(path))
    return io.TextIOWrapper(data, encoding=encoding, errors=errors, newline=newline).read()


def fingerprint(path: Path | str) -> bytes:
    """What a file is, for a key: its bytes' hash, or what it is when it cannot be read.

    A file too big to read, or one that cannot be read whole, is known by its size,
    time and inode: no command reads it, and hashing it (a sparse terabyte, a /proc
    file) would never end.
    """
    try:
        digest = hashlib.sha256()
        with opened(path, MAX_BINARY) as (handle, size):
            for piece in _chunks(handle, path, size):
                digest.update(piece)
        return digest.digest()
    except NotAFile as exc:
        try:
            info = os.stat(path)
        except OSError:
            return f"{exc.strerror}\0".encode()
        return f"{exc.strerror}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\0".encode()
    except OSError as exc:  # unreadable: said where it is read
        return f"unread {exc.errno}\0".encode()


def copy_file(source: Path | str, target: Path | str) -> None:
    """Copy the regular file ``source`` leads to into ``target`` (NotAFile for any other).

    shutil.copyfile would copy a link to /dev/zero until the disk is full.
    """
    with opened(source, MAX_BINARY) as (handle, size), open(target, "wb") as out:
        for piece in _chunks(handle, source, size):
            out.write(piece)
