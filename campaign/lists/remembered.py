"""What reading a sign-on list found, remembered in .campaign/ and keyed by the file's bytes.

Reading a 10,000-entry list (YAML with the line of every key, then every field
checked) takes seconds; an edit changes one entry. So after each read or write the
entries, the warnings and where each entry stands in the text are kept in
``.campaign/lists/<file>.json``, with the SHA-256 of the file's bytes and of the
code that reads it. The next command takes them when both still match: any change
to the file, by hand or by another tool, or to campaign itself, means a full read.

A workspace can come from someone else with its .campaign/ in it, so what is kept
there is trusted only when this user's campaign wrote it: each file is sealed with
an HMAC whose key lives outside every workspace (the user's cache folder), checked
before a byte of it is parsed; only a regular file of bounded size is read, and a
reading is only written where .campaign/lists/ is inside the workspace.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import hmac
import importlib
import json
import operator
import os
import secrets
import stat
from importlib import metadata
from pathlib import Path
from typing import Any

from campaign.errors import Problem
from campaign.files.atomic import read_regular, write_atomic
from campaign.model.fields import CHOICE, DATE, EMAIL, NOTE, SIGNATORY, TEXT, Signatory
from campaign.paths import read_bytes, resolved

FOLDER = Path(".campaign") / "lists"
_DATES = frozenset(f.key for f in SIGNATORY if f.kind == DATE)
# The modules whose code decides what a list's text means; a change to any is a new key.
_READERS = (
    "campaign.load.yamlfile",
    "campaign.load.records",
    "campaign.load.schema",
    "campaign.model.fields",
    "campaign.lists.listfile",
    "campaign.lists.remembered",
    "campaign.model.limits",
    "campaign.text.names",
    "campaign.text.scripts",  # what is invisible in a name (load/schema.py, text/names.py)
)


@dataclasses.dataclass(frozen=True)
class Reading:
    """A list's entries, its warnings, and where each entry and the list stand in the text."""

    entries: list[Signatory]
    warnings: list[Problem]
    spans: list[Any]  # listfile._Span, one per entry
    list_line: int
    list_end: int


def place(path: Path) -> Path | None:
    """Where the reading of ``path`` is kept: only for a list in a workspace's signatories/."""
    if path.parent.name != "signatories":
        return None
    return path.parent.parent / FOLDER / f"{path.name}.json"


# The libraries those modules read with: YAML, country names (CLDR), addresses, ICU.
_LIBRARIES = ("PyYAML", "babel", "email-validator", "PyICU")

_code: str | None = None


def _code_key() -> str:
    global _code
    if _code is None:
        digest = hashlib.sha256()
        for name in _READERS:  # imported here if not yet: the key is the same for every command
            source = getattr(importlib.import_module(name), "__file__", None)
            digest.update(read_bytes(Path(source)) if source else name.encode())
        for library in _LIBRARIES:  # an upgrade may read, check or normalize differently
            try:
                digest.update(f"{library}={metadata.version(library)}\0".encode())
            except metadata.PackageNotFoundError:
                digest.update(f"{library}=?\0".encode())
        _code = digest.hexdigest()
    return _code


# A reading is some times its list's size (spans, lines); beyond this it was not ours.
_MAX_FACTOR = 16
_MAX_EXTRA = 1 << 20


def _key_file() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "campaign" / "readings.key"


_secret: bytes | None = None


def _seal_key(make: bool = True) -> bytes | None:
    """This user's key for sealing readings (made on first use, private), or None.

    Only a command that keeps a reading makes it (``make``): one that only looks for a
    reading (check) writes nothing, in the workspace or out of it.
    """
    global _secret
    if _secret is None:
        path = _key_file()
        try:
            if make:
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                try:
                    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                    fd = os.open(path, flags, 0o600)
                except FileExistsError:
                    pass
                else:
                    with os.fdopen(fd, "w") as out:
                        out.write(secrets.token_hex(32) + "\n")
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
            with os.fdopen(fd, "rb") as handle:
                info = os.fstat(handle.fileno())
                if not stat.S_ISREG(info.st_mode) or info.st_uid != os.getuid():
                    return None
                if info.st_mode & 0o077:
                    return None  # others can read it: others can forge a reading
                found = handle.read(128).strip()
        except OSError:
            return None  # no key, no readings kept: every command reads the list
        if len(found) < 32:
            return None  # another process is still writing it
        _secret = found
    return _secret


def _seal(secret: bytes, body: bytes) -> bytes:
    return hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii")


def _read_sealed(kept: Path, raw: bytes) -> bytes | None:
    """The body of the reading kept at ``kept`` if this user's campaign sealed it."""
    sealed = read_regular(kept, _MAX_FACTOR * len(raw) + _MAX_EXTRA)
    if sealed is None:
        return None
    secret = _seal_key(make=False)  # no key: nothing this user kept, none made to look
    if secret is None:
        return None
    seal, _, body = sealed.partition(b"\n")
    return body if hmac.compare_digest(seal, _seal(secret, body)) else None


def key(raw: bytes) -> str:
    """The key a reading of these bytes is kept under."""
    return f"{hashlib.sha256(raw).hexdigest()}:{_code_key()}"


_NAMES = tuple(f.key for f in SIGNATORY)
_DATE_AT = tuple(n for n, name in enumerate(_NAMES) if name in _DATES)


# Filling an entry's __dict__ makes what __init__ makes only while every field but line is
# in the table and __init__ is dataclasses' own, doing nothing more; should any of this
# change, __init__ is called (slower, never wrong; tests/unit/test_list_remembered.py
# holds that the quick way is the one taken).
def _fillable(cls: type) -> bool:
    """Whether filling the ``__dict__`` of a ``cls`` makes what its ``__init__`` makes."""
    fields = dataclasses.fields(cls)
    return (
        {f.name for f in fields} == {"line", *_NAMES}
        and all(f.init for f in fields)
        and not hasattr(cls, "__post_init__")
        and "__slots__" not in vars(cls)
        and getattr(cls, "__new__", None) is object.__new__
        # The __init__ dataclasses wrote (compiled from a string), not one of the class's own.
        and getattr(getattr(vars(cls).get("__init__"), "__code__", None), "co_filename", "")
        == "<string>"
    )


_FILLABLE = _fillable(Signatory)


def _restored(line: int, values: list[Any]) -> Signatory:
    """The entry whose line and field values (in the table's order) were kept.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``,
    which was two thirds of taking back a 10,000-entry reading; the entry is filled in
    as ``__init__`` fills it, the same object (``test_remembered``).
    """
    if not _FILLABLE:
        return Signatory(line=line, **dict(zip(_NAMES, values, strict=True)))
    entry = object.__new__(Signatory)
    entry.__dict__.update(zip(_NAMES, values, strict=True), line=line)
    return entry


def recall(path: Path, raw: bytes, span: type) -> Reading | None:
    """The reading kept for ``path`` if it was made of these very bytes, else None."""
    kept = place(path)
    if kept is None:
        return None
    try:
        body = _read_sealed(kept, raw)
        if body is None:
            return None
        data = json.loads(body)
        if data["key"] != key(raw) or tuple(data["fields"]) != _NAMES:
            return None
        entries = []
        for line, *values in data["entries"]:
            for n in _DATE_AT:
                if values[n] is not None:
                    values[n] = dt.date.fromisoformat(values[n])
            entries.append(_restored(line, values))
        warnings = [
            Problem(path, line, message, hint, True) for line, message, hint in data["warnings"]
        ]
        # Where each key of an entry stands is found again for the entry an edit changes.
        spans = [span(*fields[:5], None, *fields[5:]) for fields in data["spans"]]
        return Reading(entries, warnings, spans, data["list_line"], data["list_end"])
    except (OSError, ValueError, KeyError, TypeError, IndexError, AttributeError, RecursionError):
        return None  # none kept, or kept by an older campaign: read the file


_values = operator.attrgetter("line", *_NAMES)
# Every field is text or a date; should a field of another kind come, nothing is kept.
_KEPT = all(f.kind in (TEXT, NOTE, CHOICE, EMAIL, DATE) for f in SIGNATORY)


def _row(entry: Signatory) -> list[Any]:
    """An entry as JSON holds it: its line, then each field's value in the table's order."""
    row = list(_values(entry))
    for n in _DATE_AT:
        if row[n + 1] is not None:
            row[n + 1] = row[n + 1].isoformat()
    return row


def keep(path: Path, raw: bytes, reading: Reading) -> None:
    """Remember ``reading`` as what the bytes ``raw`` of ``path`` hold; quietly, if at all."""
    body = written(raw, reading)
    if body is not None:
        store(path, body)


def written(raw: bytes, reading: Reading) -> bytes | None:
    """``reading`` of the bytes ``raw`` as it is kept (None: it cannot be): one text.

    A build keeps a list's reading only once it has made its files; held as this text
    meanwhile, the entries' places (a table of keys for each) are not held at all.
    """
    data = {
        "key": key(raw),
        "fields": _NAMES,
        "entries": [_row(entry) for entry in reading.entries],
        "warnings": [(p.line, p.message, p.hint) for p in reading.warnings],
        "spans": [(s.start, s.end, s.dash_col, s.key_col, s.flow, s.alias) for s in reading.spans],
        "list_line": reading.list_line,
        "list_end": reading.list_end,
    }
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError):
        return None  # a cache: a full read next time is slower, never wrong


def store(path: Path, body: bytes) -> None:
    """Keep ``body`` (``written``) as the reading of ``path``; quietly, if at all."""
    kept = place(path)
    if kept is None or not _KEPT or not kept.parent.parent.parent.is_dir():
        return
    secret = _seal_key()
    if secret is None:
        return
    try:
        workspace = resolved(kept.parent.parent.parent)
        if not resolved(kept.parent).is_relative_to(workspace):
            return  # .campaign/ or its lists/ lead out of the workspace: nothing written there
        write_atomic(kept, _seal(secret, body) + b"\n" + body)
    except OSError:
        pass  # a cache: a full read next time is slower, never wrong
