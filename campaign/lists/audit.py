"""``campaign sig audit``: each printed signature with where it came from.

An entry's ``source:`` says how it came (provenance.py). One without was typed into
the file by hand: in a git repository ``git blame`` says who committed its first
line and when; outside one nobody can tell, and the audit says so.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from campaign.errors import Problem, ProblemsFound, display_path
from campaign.files.tables import csv_text
from campaign.lists.provenance import described
from campaign.load.records import load_signature_list

COLUMNS = ("line", "name", "source", "flag")


@dataclass(frozen=True)
class Audited:
    """One printed signature: where it is, who, its source, and why it is flagged ('' if not)."""

    line: int
    name: str
    source: str
    flag: str


@dataclass(frozen=True)
class _Blame:
    commit: str
    author: str
    day: str
    summary: str


def _blame(path: Path) -> dict[int, _Blame] | None:
    """The commit of each line of ``path``; None when it is not in a git repository."""
    try:
        done = subprocess.run(
            ["git", "-C", str(path.parent), "blame", "--porcelain", "--", path.name],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        # Not a repository, or a list git does not track yet: every line is unwritten.
        inside = subprocess.run(
            ["git", "-C", str(path.parent), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            text=True,
            check=False,
        )
        if inside.returncode != 0:
            return None
        return {}
    lines: dict[int, _Blame] = {}
    commits: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    number = 0
    for text in done.stdout.splitlines():
        if text.startswith("\t"):
            info = commits.setdefault(current["commit"], current)
            lines[number] = _Blame(
                info["commit"], info.get("author", ""), info.get("day", ""), info.get("summary", "")
            )
            continue
        head, _, rest = text.partition(" ")
        if len(head) == 40 and all(c in "0123456789abcdef" for c in head):
            number = int(rest.split()[1])
            current = dict(commits.get(head, {"commit": head}))
        elif head == "author":
            current["author"] = rest
        elif head == "author-time":
            current["day"] = dt.datetime.fromtimestamp(int(rest), dt.UTC).date().isoformat()
        elif head == "summary":
            current["summary"] = rest
    return lines


def audit(path: Path) -> tuple[list[Audited], bool]:
    """The printed signatures of the list at ``path``, and whether git could be asked."""
    problems: list[Problem] = []
    loaded = load_signature_list(path, problems)
    if loaded is None or any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    blame = _blame(path)
    found = []
    for entry in loaded.entries:
        if entry.status != "signed":
            continue
        # A source in the coordinator's own words is theirs to vouch for: not flagged.
        flag = "" if entry.source else _hand_edit(blame, entry.line)
        source = described(entry.source, entry.confirmed)
        found.append(Audited(entry.line, entry.name, source, flag))
    return found, blame is not None


def _hand_edit(blame: dict[int, _Blame] | None, line: int) -> str:
    """Why an entry without a source is flagged: who typed it, as far as git knows."""
    if blame is None:
        return "no source"
    known = blame.get(line)
    if known is None or set(known.commit) == {"0"}:
        return "hand edit only (not committed yet)"
    return f"hand edit only ({known.author}, {known.day}, commit {known.commit[:7]})"


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
