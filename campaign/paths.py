"""Where a path's links lead, and reading what it leads to, for files anyone may have made.

A workspace is often handed over (a zip, a shared folder, a repository): any file in
it may be a link, a named pipe or a device. Every read of a file campaign did not
write itself goes through :func:`read_bytes` or :func:`read_text`, which open without
waiting and read only a regular file (`tests/attacks/test_reading.py` holds every
module to it). Imports nothing of campaign: every layer may use it (the last of the
layers contract).
"""

from __future__ import annotations

import errno
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
    reads there), nor one back to a folder already walked.
    """
    inside = resolved(folder)
    seen: set[Path] = set()
    found = []
    for top, dirs, names in os.walk(folder, followlinks=True):
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
    """The path leads to something that is there but is not a file's text to read."""


_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def kind(mode: int) -> str:
    """What a file of ``mode`` (``st_mode``) is, said for a message: 'a named pipe', ..."""
    return next((name for test, name in _KINDS if test(mode)), "not a file")


@contextmanager
def opened(path: Path | str) -> Iterator[io.BufferedReader]:
    """``path`` open for reading, if it leads to a regular file; else :class:`NotAFile`.

    Opened without waiting (a named pipe's open would wait for a writer for ever), and
    what was opened is what is checked, so a link changed in between cannot slip a
    pipe or a device in; a device's read would never end.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotAFile(errno.EINVAL, f"it is {kind(mode)}, not a file", str(path))
        yield handle


def read_bytes(path: Path | str) -> bytes:
    """The bytes of the regular file ``path`` leads to (:class:`NotAFile` for any other)."""
    with opened(path) as handle:
        return handle.read()


def read_text(path: Path | str, encoding: str = "utf-8", errors: str = "strict") -> str:
    """The text of the regular file ``path`` leads to, line ends made ``\\n`` (as Path's)."""
    with opened(path) as handle:
        return io.TextIOWrapper(handle, encoding=encoding, errors=errors).read()
