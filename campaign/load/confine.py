"""The files of a workspace that a template or a letter's layout may never read."""

from __future__ import annotations

import errno
import io
import os
import stat
from pathlib import Path

from campaign.paths import kind, resolved

# What a letter may show is public; these hold what is not (e-mail addresses, phone
# numbers, notes, the send log) or settings no letter needs. Suffixes cover a file
# copied or linked anywhere in the workspace under another name.
_PRIVATE_SUFFIXES = {
    ".yaml": "a YAML file",
    ".yml": "a YAML file",
    ".jsonl": "a log",
    ".db": "a database",
    ".sqlite": "a database",
    ".sqlite3": "a database",
}


def off_limits(path: Path, root: Path) -> str:
    """Why the resolved ``path`` is never read for a letter, or '' if it may be.

    ``root`` is the workspace folder, resolved.
    """
    if path.is_relative_to(root / "signatories"):
        return "a sign-on list"
    if path.is_relative_to(root / "build"):
        return "a build output"
    suffix = path.suffix.lower()
    if path.name == "campaign.yaml":
        return "the workspace's settings"
    if path.name.startswith("recipients") and suffix in (".yaml", ".yml"):
        return "a list of recipients"
    return _PRIVATE_SUFFIXES.get(suffix, "")


class Confined(Exception):
    """A file to be read leads somewhere it may not: ``why`` says where."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(why)
        self.path = path
        self.why = why


def read_confined(path: Path, folder: Path, public: bool = False) -> str:
    """The text of ``path``, which must really be a file inside ``folder``.

    A body, a message or a starter file may be a link (an editor's, a shared
    template's), but never one that leads out of the folder it stands in: a letter
    folder passed on by someone else could otherwise print any file of the machine.
    ``public``: the text will be printed, so a private file inside the folder (a
    recipients list, any YAML) is refused too. The file is opened first and what was
    opened is checked (a link changed in between cannot lead the read elsewhere), and
    only a regular file is read: a named pipe would wait for ever, a device never end.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise Confined(path, "it is a link that leads back to itself") from exc
        if exc.errno == errno.ENOENT and path.is_symlink():
            raise Confined(path, "it is a link to nothing") from exc
        raise
    with os.fdopen(fd, "rb") as handle:
        real = _opened(fd, path)
        inside = resolved(folder)
        if not real.is_relative_to(inside):
            raise Confined(path, f"it leads to {real}, outside {folder.name}/")
        why = off_limits(real, inside) if public else ""
        if why:
            raise Confined(path, f"it leads to {real.name}, {why}")
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise Confined(path, f"it leads to {real.name}, which is {kind(mode)}, not a file")
        # As Path.read_text reads it: the BOM dropped, line ends made \n.
        return io.TextIOWrapper(handle, encoding="utf-8-sig").read()


def _opened(fd: int, path: Path) -> Path:
    """Where the file open as ``fd`` really is, every link followed."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))  # Linux: the file itself
    except OSError:
        return resolved(path)  # elsewhere: where the name leads now
