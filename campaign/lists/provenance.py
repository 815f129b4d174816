"""Where each entry of a list came from: its private ``source:`` line, written and read.

One line of text a coordinator can read in the list, starting with how the entry came:

- ``sig add by Ada Lovelace, 2026-12-03 11:30 UTC`` (who ran it: git's user.name, else $USER)
- ``sig import form.csv row 12, 2026-12-03 11:30 UTC``
- ``signon`` (the sign-on page: ``sig pull`` writes it, and the time in ``confirmed:``)
- ``merge of NAME (SOURCE) + NAME (SOURCE)`` (``sig dedupe --merge``)

An entry without one was typed into the file by hand; ``sig audit`` says by whom
when the workspace is a git repository.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path

from campaign.files import git

KINDS = ("sig add", "sig import", "signon", "merge of")


def stamp(now: dt.datetime | None = None) -> str:
    """A time as sources write it: '2026-12-03 11:30 UTC'.

    ``SOURCE_DATE_EPOCH``, when set, is the time, as it is the date of every PDF: an
    edit run again (after a crash, or to reproduce a list) writes the same file.
    """
    if now is None:
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
        now = dt.datetime.fromtimestamp(int(epoch), dt.UTC) if epoch.isdigit() else None
    return (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def who(folder: Path, environ: Mapping[str, str]) -> str:
    """Who runs the command: git's user.name for the folder, else $USER, else 'unknown'."""
    name = git.config(folder, "user.name")
    return name or environ.get("USER", "") or environ.get("USERNAME", "") or "unknown"


def added(folder: Path, environ: Mapping[str, str], now: dt.datetime | None = None) -> str:
    """The source of an entry ``sig add`` writes."""
    return f"sig add by {who(folder, environ)}, {stamp(now)}"


def imported(csv_name: str, row: int, when: str) -> str:
    """The source of an entry ``sig import`` takes from row ``row`` of a file at ``when``."""
    return f"sig import {csv_name} row {row}, {when}"


def merged(parts: list[tuple[str, str]]) -> str:
    """The source of an entry merged from others: each one's name and source."""
    return "merge of " + " + ".join(f"{name} ({source or 'no source'})" for name, source in parts)


def kind(source: str) -> str:
    """How an entry came: 'sig add', 'sig import', 'signon', 'merge of', or '' if untold."""
    return next((k for k in KINDS if source.startswith(k)), "")


def described(source: str, confirmed: str) -> str:
    """An entry's source as ``sig audit`` shows it: with its confirmation time, if any."""
    return f"{source}, confirmed {confirmed}" if source == "signon" and confirmed else source
