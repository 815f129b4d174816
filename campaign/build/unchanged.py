"""A build with nothing changed, told without loading or composing anything.

Finding that every output is up to date takes composing every letter to hash it:
seconds for hundreds of addressees. So a build that finishes records what it was
made from (the bytes of every input file, campaign's own files, the options, the
day and the environment it reads) and what it left in ``build/`` (the name, size and
time of every file), with what it printed. The next build with the same inputs,
finding ``build/`` exactly as left, prints the same again and stops. Any change to
an input, any file of ``build/`` touched, added or removed, means the full check
and build.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import campaign
from campaign.errors import Problem
from campaign.files.atomic import read_regular, write_atomic
from campaign.paths import fingerprint

RECORD = Path(".campaign") / "unchanged.json"
# Far more than any build's record; a bigger file is not one campaign wrote.
_MAX_RECORD = 64 << 20
# Where a workspace's inputs are: what a letter may read (load/confine.py keeps it in
# its folder, the templates and the lists) and the settings.
INPUTS = ("campaign.yaml", "letters", "signatories", "templates")
# The environment a build reads: the PDFs' date, the local day and the language.
ENVIRONMENT = ("SOURCE_DATE_EPOCH", "TZ", "LANG", "LC_ALL", "LC_COLLATE", "LC_TIME")
# Where fonts are installed: check warns of characters no font draws (checks/fonts.py).
# A font added or removed changes the time of the folder it is in.
FONT_FOLDERS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local" / "share" / "fonts",
    Path.home() / ".fonts",
)


@dataclass(frozen=True)
class Replay:
    """What the last build printed: its warnings, the progress bar's length, its lines."""

    problems: list[Problem]
    total: int
    lines: list[str]


def _files(folder: Path, linked: list[str] | None = None) -> list[Path]:
    """Every file below ``folder`` (or ``folder`` itself), in a stable order.

    ``linked`` gets each folder below that is a link: os.walk lists it, never enters it.
    """
    if linked is not None and folder.is_symlink() and folder.is_dir():
        # A workspace's input linked to a folder is not walked, as no folder link below
        # is: it may lead anywhere (campaign.yaml to a folder of archives).
        linked.append(str(folder))
        return []
    if not folder.is_dir():
        return [folder] if os.path.lexists(folder) else []
    found = []

    def unlisted(error: OSError) -> None:
        # A folder that cannot be listed holds what the key cannot know: never replayed.
        if linked is not None and not isinstance(error, FileNotFoundError):
            linked.append(os.fsdecode(error.filename))

    for top, dirs, names in os.walk(folder, onerror=unlisted):
        dirs.sort()
        if linked is not None:
            linked += [os.path.join(top, d) for d in dirs if os.path.islink(os.path.join(top, d))]
        found += [Path(top, name) for name in sorted(names)]
    return found


def inputs(root: Path, options: tuple[object, ...]) -> str:
    """The hash of everything a build of the workspace at ``root`` is made from."""
    digest = hashlib.sha256(repr(options).encode())
    digest.update(dt.date.today().isoformat().encode())  # 'date: today' letters
    for name in ENVIRONMENT:
        digest.update(f"{name}={os.environ.get(name)}\0".encode())
    # campaign itself, its built-in templates included: a new version, or a file of
    # it edited in place, may make or check anything differently.
    package = Path(campaign.__file__).parent
    for path in _files(package):
        if path.suffix != ".pyc":
            stat = path.stat()
            digest.update(
                f"{path.relative_to(package)}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode()
            )
    for folder in FONT_FOLDERS:
        for top, _dirs, _names in os.walk(folder):
            digest.update(f"{top}\0{os.stat(top).st_mtime_ns}\0".encode())
    linked: list[str] = []
    for name in INPUTS:
        for path in _files(root / name, linked):
            digest.update(f"{path.relative_to(root)}\0".encode())
            digest.update(fingerprint(path))
    if linked:
        # A folder reached through a link may lead anywhere (or back to itself): it is
        # not walked, so what it holds is not in the key, and such a workspace is built
        # anew every time, never replayed.
        digest.update(os.urandom(16))
    return digest.hexdigest()


def _outputs(root: Path) -> list[tuple[str, int, int]]:
    """Each file below build/: its name, size and modification time."""
    found = []
    for path in _files(root / "build"):
        stat = path.stat()
        found.append((str(path.relative_to(root)), stat.st_size, stat.st_mtime_ns))
    return found


def replay(root: Path, key: str) -> Replay | None:
    """What to print again if the last build had these inputs and left build/ as it is."""
    try:
        kept = read_regular(root / RECORD, _MAX_RECORD)
        if kept is None:
            return None
        data = json.loads(kept)
        if data["inputs"] != key:
            return None
        if [tuple(row) for row in data["outputs"]] != _outputs(root):
            return None
        problems = [
            Problem(root / path, line, message, hint, warning)
            for path, line, message, hint, warning in data["problems"]
        ]
        return Replay(problems, int(data["total"]), [str(line) for line in data["lines"]])
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return None  # none recorded, or by an older campaign: build


def record(root: Path, key: str, replayed: Replay) -> None:
    """Remember a finished build's inputs, what it left in build/ and what it printed."""
    data = {
        "inputs": key,
        "outputs": _outputs(root),
        "problems": [
            (os.path.relpath(p.path, root), p.line, p.message, p.hint, p.warning)
            for p in replayed.problems
        ],
        "total": replayed.total,
        "lines": replayed.lines,
    }
    with contextlib.suppress(OSError):  # if it cannot be written, the shortcut is lost
        write_atomic(root / RECORD, json.dumps(data, ensure_ascii=False))
