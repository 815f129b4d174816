"""The files of a workspace that a template or a letter's layout may never read."""

from __future__ import annotations

import io
import os
from pathlib import Path

from campaign.paths import NotAFile, check_regular, open_fd, read_all, resolved, where_opened

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

    def __init__(self, path: Path, why: str, hint: str = "") -> None:
        super().__init__(why)
        self.path = path
        self.why = why
        self.hint = hint  # when what stands there is the fault, not where it leads


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
        fd = open_fd(path)
    except NotAFile as exc:  # a link to nothing, or back to itself; a socket
        raise Confined(path, str(exc.strerror), exc.hint) from exc
    try:
        real = where_opened(fd, path)
        inside = resolved(folder)
        if not real.is_relative_to(inside):
            raise Confined(path, f"it leads to {real}, outside {folder.name}/")
        why = off_limits(real, inside) if public else ""
        if why:
            raise Confined(path, f"it leads to {real.name}, {why}")
        try:
            size = check_regular(fd, path)
        except NotAFile as exc:
            what = str(exc.strerror)  # "it is a named pipe, not a file"
            if real != resolved(path.parent) / path.name:  # a link: where it leads too
                what = f"it leads to {real.name}, which {what.removeprefix('it ')}"
            raise Confined(path, what, exc.hint) from exc
        handle = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with handle:
        data = read_all(handle, path, size)  # no further than it said it had
    # As Path.read_text reads it: the BOM dropped, line ends made \n.
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig").read()
