"""``campaign sig audit``: each printed signature with where it came from.

An entry's ``source:`` says how it came (provenance.py). One without was typed into
the file by hand: in a git repository git's blame of HEAD (files/git.py) says who
committed its first line and when, and a line not in HEAD is not committed yet;
outside one nobody can tell, and the audit says so.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from campaign.errors import CampaignError, Problem, ProblemsFound, display_path, shown
from campaign.files import git
from campaign.files.tables import csv_text
from campaign.lists.provenance import described
from campaign.load.records import load_signature_list
from campaign.paths import read_bytes

COLUMNS = ("line", "name", "source", "flag")


@dataclass(frozen=True)
class Audited:
    """One printed signature: where it is, who, its source, and why it is flagged ('' if not)."""

    line: int
    name: str
    source: str
    flag: str


def audit(path: Path) -> tuple[list[Audited], bool]:
    """The printed signatures of the list at ``path``, and whether git could be asked."""
    problems: list[Problem] = []
    try:
        before = read_bytes(path)
    except OSError:
        before = None  # the reading says why, in the project's words
    loaded = load_signature_list(path, problems)
    if loaded is None or any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    # The entries' lines, git's pairing and each entry's span must all be of one text: an
    # edit made meanwhile (the audit takes no lock) would put flags on the wrong names.
    raw = read_bytes(path)
    if raw != before:
        raise CampaignError(
            f"{display_path(path)} changed while it was being audited\n"
            "  hint: run the audit again once the edit is done"
        )
    try:
        blame = git.blame(path, raw)
    except git.GitError as exc:
        raise CampaignError(
            f"git cannot say who committed the lines of {display_path(path)}: {shown(str(exc))}\n"
            f"  hint: {exc.hint or git.NOT_FETCHED}"
        ) from None
    spans = _spans(raw, [entry.line for entry in loaded.entries])
    found = []
    for entry in loaded.entries:
        if entry.status != "signed":
            continue
        # A source in the coordinator's own words is theirs to vouch for: not flagged.
        flag = "" if entry.source else _hand_edit(blame, spans[entry.line])
        source = described(entry.source, entry.confirmed)
        found.append(Audited(entry.line, entry.name, source, flag))
    return found, blame is not None


def _spans(raw: bytes, starts: list[int]) -> dict[int, range]:
    """The lines of each entry, by the line it starts on: up to the next entry's first
    line (or the end of the file), comments and blank lines after it left out."""
    lines = raw.split(b"\n")
    ends = [*sorted(starts)[1:], len(lines) + 1]
    spans = {}
    for start, end in zip(sorted(starts), ends, strict=True):
        last = end - 1
        while last > start and (
            not lines[last - 1].strip() or lines[last - 1].lstrip().startswith(b"#")
        ):
            last -= 1
        spans[start] = range(start, last + 1)
    return spans


def _hand_edit(blame: dict[int, git.Blamed] | None, span: range) -> str:
    """Why an entry without a source is flagged: who typed it, as far as git knows.

    An entry is committed when every line of it is, one after another in HEAD as they
    are in the file: its first line alone may be the same as another entry's (say
    '  - type: organization'), and be paired with that one's.
    """
    if blame is None:
        return "no source"
    known = [blame.get(line) for line in span]
    first = known[0]
    if first is None or any(
        line is None or line.line != first.line + k for k, line in enumerate(known)
    ):
        return "hand edit only (not committed yet)"
    return f"hand edit only ({first.author}, {first.day}, commit {first.commit[:7]})"


def formatted(path: Path, audited: list[Audited], in_git: bool, fmt: str) -> str:
    """The audit as text (a summary, then a line per signature), CSV or JSON."""
    if fmt == "csv":
        return csv_text(COLUMNS, [[a.line, a.name, a.source, a.flag] for a in audited])
    if fmt == "json":
        return json.dumps([asdict(a) for a in audited], ensure_ascii=False, indent=1) + "\n"
    flagged = sum(1 for a in audited if a.flag)
    sourced = sum(1 for a in audited if a.source)
    lines = [
        f"{display_path(path)}: {len(audited)} printed signatures, {sourced} with a source, "
        f"{flagged} flagged"
    ]
    for a in audited:
        said = f"flagged: {a.flag}" if a.flag else a.source
        lines.append(f"line {a.line}: {a.name}: {said}")
    if flagged and not in_git:
        lines.append(
            "note: the list is not in a git repository, so who typed an entry without "
            "a source cannot be told"
        )
    return "\n".join(lines) + "\n"
