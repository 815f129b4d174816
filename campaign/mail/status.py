"""``campaign log`` and ``campaign status``: what happened to a letter once it was sent.

The log of replies and events is ``letters/<slug>/log.yaml`` (kept in git, as the
letter is); how each letter left is read from what the build and ``send`` wrote:
``sent.jsonl`` for e-mail, ``print.pdf`` and ``mailing.csv`` for the post.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campaign.errors import CampaignError, Problem, ProblemsFound, display_path, shown
from campaign.files.atomic import folder_locked, write_atomic
from campaign.lists.listfile import LOCK_TIMEOUT, dump_value
from campaign.load.records import load_recipients
from campaign.load.replies import LOG_FILE, LOG_HEADER, LogEntry, load_log
from campaign.load.schema import close_match
from campaign.mail.send import NOT_SENT, SENDING, log_key, log_lines, state_of
from campaign.model.records import Recipient
from campaign.paths import MAX_BINARY, copy_file, fingerprint, opened, read_text, resolved
from campaign.text.names import fold, slugify

REPLIES = "replies"  # the letter's folder for the files of replies


def _recipients(folder: Path) -> tuple[list[Recipient], list[Recipient]]:
    problems: list[Problem] = []
    to, cc = load_recipients(folder, problems)
    if any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    return to, cc


def _letter_folder(root: Path, slug: str) -> Path:
    folder = root / "letters" / slug
    if not os.path.lexists(folder / "letter.yaml"):
        letters = root / "letters"
        known = sorted(p.name for p in letters.iterdir() if p.is_dir()) if letters.is_dir() else []
        hint = close_match(slug, known) or "'campaign check' lists the letters"
        raise CampaignError(f"no letter '{shown(slug)}' in {display_path(letters)}\n  hint: {hint}")
    return folder


def _sender(given: str, names: list[str]) -> str:
    """The recipient ``given`` names: the whole name or whole words of it, whatever the
    case and accents; did-you-mean otherwise."""
    key = fold(given)
    found = [name for name in names if fold(name) == key]
    found = found or [name for name in names if key and f" {key} " in f" {fold(name)} "]
    if len(set(found)) == 1:
        return found[0]
    if found:
        raise CampaignError(
            f"--from '{shown(given)}' could be {', '.join(sorted(set(found)))}; "
            "nothing was logged\n"
            "  hint: give the whole name"
        )
    hint = close_match(given, names) or (
        "--from names an addressee or a person in cc as recipients.yaml writes them"
    )
    raise CampaignError(
        f"--from '{shown(given)}' is not a recipient of this letter; nothing was logged\n"
        f"  hint: {hint}"
    )


def add_to_log(
    root: Path, slug: str, text: str, sender: str, file: Path | None, date: dt.date
) -> list[str]:
    """Add one entry to the letter's log.yaml; what was done, as lines to show."""
    folder = _letter_folder(root, slug)
    to, cc = _recipients(folder)
    names = [r.name for r in (*to, *cc)]
    if sender:
        sender = _sender(sender, names)
    if not text.strip():
        raise CampaignError("the log entry has no text; nothing was logged")
    if file is not None:
        if not os.path.lexists(file):
            raise CampaignError(f"--file {display_path(file)}: no such file; nothing was logged")
        with opened(file, MAX_BINARY):  # a pipe or a device is said at its path (NotAFile)
            pass
    said: list[str] = []
    path = folder / LOG_FILE
    with folder_locked(folder, LOCK_TIMEOUT, lambda: _busy(path)):
        relative = ""
        copy_to: Path | None = None
        if file is not None:
            relative, copy_to = _place(folder, file, date, sender)
        before = read_text(path, "utf-8-sig") if path.exists() else LOG_HEADER
        problems: list[Problem] = []
        old = load_log(folder, tuple(names), problems, text=before) if path.exists() else []
        if any(not p.warning for p in problems):
            raise ProblemsFound(problems)
        record: dict[str, Any] = {"date": date, "from": sender, "text": text.strip()}
        record["file"] = relative
        entry = [
            ("  - " if n == 0 and m == 0 else "    ") + line + "\n"
            for n, (key, value) in enumerate((k, v) for k, v in record.items() if v)
            for m, line in enumerate(dump_value(key, value))
        ]
        after = before + ("" if before.endswith("\n") else "\n") + "".join(entry)
        if copy_to is not None:  # the file first: the log must not name a missing one
            copy_to.parent.mkdir(exist_ok=True)
            copy_file(file, copy_to)  # type: ignore[arg-type]
        checked: list[Problem] = []
        new = load_log(folder, tuple(names), checked, text=after)
        if any(not p.warning for p in checked) or len(new) != len(old) + 1:
            if copy_to is not None:
                copy_to.unlink(missing_ok=True)
            raise CampaignError(
                f"{display_path(path)}: the new entry would not read back as one more entry "
                "(is 'log:' the last key, written as a block list?); nothing was logged"
            )
        write_atomic(path, after)
    who = f" from {sender}" if sender else ""
    said.append(f"logged{who} on {date.isoformat()}: {shown(text.strip())}")
    if copy_to is not None:
        said.append(f"  copied {display_path(file)} to {display_path(copy_to)}")  # type: ignore[arg-type]
    elif relative:
        said.append(f"  file: {relative}")
    return said


def _busy(path: Path) -> CampaignError:
    return CampaignError(f"{display_path(path)} is being changed by another campaign command")


def _place(folder: Path, file: Path, date: dt.date, sender: str) -> tuple[str, Path | None]:
    """Where a reply's file is kept: as it is if in the letter's folder, else copied in."""
    real, inside = resolved(file), resolved(folder)
    if real.is_relative_to(inside):
        return real.relative_to(inside).as_posix(), None
    stem = "-".join(part for part in (date.isoformat(), slugify(sender) if sender else "") if part)
    suffix = file.suffix.lower() if file.suffix.isascii() else ""
    target = folder / REPLIES / f"{stem}{suffix}"
    number = 1
    while target.exists():
        if fingerprint(target) == fingerprint(file):  # the same file logged again
            return target.relative_to(folder).as_posix(), None
        number += 1
        target = folder / REPLIES / f"{stem}-{number}{suffix}"
    return target.relative_to(folder).as_posix(), target


@dataclass(frozen=True)
class Posted:
    """A letter's place in print.pdf, from mailing.csv."""

    order: str
    first_page: int
    pages: int


def _sent(folder: Path) -> dict[str, dict[str, Any]]:
    """The send log's entries by key (the last one of each); unreadable lines are skipped."""
    path = folder / "sent.jsonl"
    found: dict[str, dict[str, Any]] = {}
    if not path.exists():
        return found
    for _, line in log_lines(path):  # read as 'campaign send' reads it
        try:
            entry = json.loads(line)
            role = entry.get("role") or entry["file"].split("/")[0]
            key = log_key(role, entry["to"], entry.get("letter", folder.name))
            state = state_of(entry)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # 'campaign send' says which line is unreadable; status reports the rest
        if state == NOT_SENT:  # the mark before it taken back
            found.pop(key, None)
        else:
            found[key] = entry  # accepted, or marked as being sent and not answered
    return found


def _posted(folder: Path) -> dict[tuple[str, str], Posted]:
    """mailing.csv's rows by role and recipient's name (the first row of each)."""
    path = folder / "mailing.csv"
    found: dict[tuple[str, str], Posted] = {}
    if not (path.exists() and (folder / "print.pdf").exists()):
        return found
    text = read_text(path, "utf-8-sig", newline="")
    for row in csv.DictReader(io.StringIO(text)):
        try:
            posted = Posted(row["order"], int(row["first_page"]), int(row["pages"]))
        except (KeyError, ValueError, TypeError):
            continue
        found.setdefault((row.get("role", ""), row.get("recipient", "")), posted)
    return found


def _utc(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC)


def status(root: Path, slug: str) -> list[str]:
    """Per addressee and person in cc: how their letter left, when, and any reply."""
    folder = _letter_folder(root, slug)
    to, cc = _recipients(folder)
    names = tuple(r.name for r in (*to, *cc))
    problems: list[Problem] = []
    entries = load_log(folder, names, problems)
    if any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    built = root / "build" / slug
    sent, posted = _sent(built), _posted(built)
    made = _utc((built / "print.pdf").stat().st_mtime).date() if posted else None
    lines: list[str] = []
    mailed = printed = replied = 0
    for person in (*to, *cc):
        entry = sent.get(log_key(person.role, person.email, slug)) if person.email else None
        place = posted.get((person.role, person.name))
        if entry is not None and entry.get("state") == SENDING:
            when = _when(str(entry.get("time", "")))
            how = (
                f"e-mail, may have gone out: a run stopped while sending it, "
                f"{when} (see sent.jsonl)"
            )
        elif entry is not None:
            mailed += 1
            when = _when(str(entry.get("time", "")))
            how = f"e-mail, {when} ({entry.get('file', '')})"
        elif place is not None:
            printed += 1
            last = place.first_page + place.pages - 1
            first = place.first_page
            pages = f"page {last}" if last == first else f"pages {first}–{last}"
            how = f"post, print.pdf {pages} (mailing.csv order {place.order}), made {made}"
        else:
            how = "not sent: not in sent.jsonl, no print.pdf (run 'campaign build' or 'send')"
        lines.append(f"{person.name} ({person.role}): {how}")
        answers = [e for e in entries if e.sender == person.name]
        replied += bool(answers)
        lines.extend(_entry(e, "reply") for e in answers)
        if not answers:
            lines.append("  no reply")
    others = [e for e in entries if not e.sender]
    if others:
        lines.append("Other events:")
        lines.extend(_entry(e, "") for e in others)
    people = len(to) + len(cc)
    lines.insert(
        0,
        f"{slug}: {len(to)} to, {len(cc)} in cc; {mailed} of {people} sent by e-mail, "
        f"{printed} printed for the post; {replied} replied",
    )
    return [shown(line) for line in lines]


def _when(stamp: str) -> str:
    """A send log's time as 'YYYY-MM-DD HH:MM UTC'."""
    try:
        return _utc(dt.datetime.fromisoformat(stamp).timestamp()).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return stamp or "(no time)"


def _entry(entry: LogEntry, what: str) -> str:
    file = f" [{entry.file}]" if entry.file else ""
    return f"  {what + ' ' if what else ''}{entry.date.isoformat()}: {entry.text}{file}"
