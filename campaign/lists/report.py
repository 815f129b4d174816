"""Read-only views of a sign-on list: list, export, stats and diff."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from campaign.errors import CampaignError, Problem, ProblemsFound, display_path, shown
from campaign.files import git
from campaign.files.tables import csv_text, json_text, text_table
from campaign.lists.dedupe import Present
from campaign.load.records import load_signature_list
from campaign.model.fields import SIGNATORY
from campaign.model.records import STATUSES, TYPES, Signatory
from campaign.text.names import fold

# Columns of 'sig export' and their fields: the public ones, then (--private) the others.
PUBLIC_COLUMNS = tuple(f.column for f in SIGNATORY if not f.private)
PRIVATE_COLUMNS = tuple(f.column for f in SIGNATORY if f.private)
_FIELD_OF = {f.column: f.key for f in SIGNATORY}


def read_list(path: Path, text: str | None = None) -> tuple[list[Signatory], list[Problem]]:
    """Every entry of a list, and the problems found reading it."""
    problems: list[Problem] = []
    loaded = load_signature_list(path, problems, text=text, allow_empty=True)
    if loaded is None or any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    return list(loaded.entries), problems


def counts_on(entry: Signatory, day: dt.date) -> bool:
    """Whether ``entry``'s signature stood on ``day``: signed by then, not yet withdrawn."""
    if entry.signed is None or entry.signed > day or entry.status == "pending":
        return False
    return entry.status != "withdrawn" or (entry.withdrawn is not None and entry.withdrawn > day)


def select(
    entries: Iterable[Signatory],
    group: str | None = None,
    status: str | None = None,
    as_of: dt.date | None = None,
) -> list[Signatory]:
    """The entries matching every filter given."""
    return [
        e
        for e in entries
        if (group is None or e.group == group)
        and (status is None or e.status == status)
        and (as_of is None or counts_on(e, as_of))
    ]


def rows(
    entries: Iterable[Signatory], private: bool = False
) -> tuple[tuple[str, ...], list[list[object]]]:
    """Header and rows of the public (and, if asked, private) fields."""
    header = PUBLIC_COLUMNS + (PRIVATE_COLUMNS if private else ())
    keys = [_FIELD_OF[column] for column in header]
    return header, [[getattr(e, key) for key in keys] for e in entries]


def formatted(entries: list[Signatory], fmt: str, private: bool = False) -> str:
    """The entries as a table, CSV or JSON."""
    header, data = rows(entries, private)
    if fmt == "csv":
        return csv_text(header, data)
    if fmt == "json":
        return json_text(header, data)
    shown = ("line", "name", "type", "group", "country", "signed", "status")
    table = [[e.line, e.name, e.type, e.group, e.country, e.signed, e.status] for e in entries]
    return text_table(shown, table)


def summary(entries: list[Signatory], shown: list[Signatory]) -> str:
    """'12 of 51 entries shown (10 signed, 1 pending, 1 withdrawn)'."""
    by_status = Counter(e.status for e in shown)
    parts = ", ".join(f"{by_status[s]} {s}" for s in STATUSES if by_status[s])
    return f"{len(shown)} of {len(entries)} entries shown" + (f" ({parts})" if parts else "")


def stats(path: Path, entries: list[Signatory]) -> str:
    """Counts by status, group, type and country, and signatures per day."""
    signed = [e for e in entries if e.status == "signed"]
    out = [f"{display_path(path)}: {len(entries)} entries, {len(signed)} signed", ""]
    status_counts = Counter(e.status for e in entries)
    sections = [
        ("Status", [(s, status_counts[s]) for s in STATUSES]),
        ("Signed, by group", _by(signed, lambda e: e.group)),
        ("Signed, by type", [(t, sum(1 for e in signed if e.type == t)) for t in TYPES]),
        ("Signed, by country", _by(signed, lambda e: e.country or "(none given)")),
    ]
    for title, counts in sections:
        out.append(text_table((title, "count"), counts).rstrip("\n"))
        out.append("")
    days = Counter(e.signed for e in signed if e.signed)
    per_day = []
    running = 0
    for day in sorted(days):
        running += days[day]
        per_day.append((day, days[day], running, "#" * min(days[day], 40)))
    out.append(text_table(("Signatures per day", "new", "total", ""), per_day).rstrip("\n"))
    undated = sum(1 for e in signed if not e.signed)
    if undated:
        out.append(f"({undated} signed without a date)")
    return "\n".join(out) + "\n"


def _by(entries: list[Signatory], key: object) -> list[tuple[str, int]]:
    counts = Counter(key(e) for e in entries)  # type: ignore[operator]
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


_SINCE_HINT = "give --since a date (YYYY-MM-DD) or a git revision such as HEAD~3 or a tag"


def old_version(path: Path, rev: str) -> str:
    """The text of ``path`` as it was at git revision ``rev`` ('' if it did not exist)."""
    if not rev.strip() or rev.startswith("-"):
        raise CampaignError(
            f"--since '{shown(rev)}' is neither a date nor a git revision\n"
            "  hint: give a date (YYYY-MM-DD) or a revision such as HEAD~3 or a tag"
        )
    try:
        old = git.show(path.parent, rev, path.name)
    except git.GitError as exc:
        raise CampaignError(
            f"cannot read {display_path(path)} at '{shown(rev)}': {shown(str(exc))}\n"
            f"  hint: {exc.hint or _SINCE_HINT}"
        ) from None
    if old is None:
        return ""  # the list is younger than the revision: everyone on it is new
    try:
        return old.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CampaignError(f"{display_path(path)} at '{shown(rev)}' is not UTF-8 text") from None


def diff(path: Path, entries: list[Signatory], since: str) -> str:
    """Who signed and who withdrew since a date or a git revision, ready to paste."""
    now = [e for e in entries if e.status == "signed"]
    try:
        day: dt.date | None = dt.date.fromisoformat(since)
    except ValueError:
        day = None
    if day is not None:
        joined = [e for e in now if e.signed and e.signed > day]
        left = [
            e
            for e in entries
            if e.status == "withdrawn"
            and (e.withdrawn is None or e.withdrawn > day)
            and e.signed is not None
            and e.signed <= day
        ]
        label = day.isoformat()
    else:
        text = old_version(path, since)
        # Problems name the old version; a revision may hold a slash (origin/main).
        label_path = path.parent / f"{path.name}@{since}"
        old = read_list(label_path, text)[0] if text.strip() else []
        # Matched on name, e-mail or an acronym sure to mean the name, so that an entry
        # merged or corrected since is neither "new" nor "withdrawn".
        signed_before = [e for e in old if e.status == "signed"]
        before, current = Present(signed_before), Present(now)
        joined = [e for e in now if e not in before]
        left = [e for e in signed_before if e not in current]
        label = since
    out = [
        f"Since {label}: {_count(len(joined), 'new signatory', 'new signatories')}, "
        f"{_count(len(left), 'withdrawal', 'withdrawals')}; "
        f"{_count(len(now), 'signatory', 'signatories')} in all.",
    ]
    for title, people in (("New signatories", joined), ("Withdrawn", left)):
        if people:
            out += ["", f"{title} ({len(people)}):"]
            out += [f"- {_line(e)}" for e in sorted(people, key=lambda e: fold(e.name))]
    return "\n".join(out) + "\n"


def _line(entry: Signatory) -> str:
    details = ", ".join(part for part in (entry.affiliation, entry.country) if part)
    return entry.name + (f" ({details})" if details else "")


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
