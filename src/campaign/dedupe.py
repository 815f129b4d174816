"""Likely duplicates on a sign-on list, found by blocking on normalised keys."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from campaign.model import PRIVATE_FIELDS, Signatory
from campaign.names import fold

_LEADING_THE = re.compile(r"^the\s+")
_BRACKETED = re.compile(r"^(?P<rest>.+?)\s*[(\[](?P<acronym>[^()\[\]]+)[)\]]$")
_DASH_FIRST = re.compile(r"^(?P<acronym>\S+)\s+[-–—:]\s+(?P<rest>.+)$")
_DASH_LAST = re.compile(r"^(?P<rest>.+?)\s+[-–—]\s+(?P<acronym>\S+)$")
_MERGED_FIELDS = ("name", "type", "affiliation", "country", "sort_as", "group")


def name_key(name: str) -> str:
    """A name as compared for duplicates: no case, accents, punctuation or leading 'The'."""
    return _LEADING_THE.sub("", fold(unicodedata.normalize("NFKC", name)))


def is_acronym(word: str) -> bool:
    """Whether ``word`` reads as an acronym such as FIDH, HRNK or PSCORE."""
    letters = [c for c in word if c.isalpha()]
    upper = sum(1 for c in letters if c.isupper())
    return 2 <= len(word) <= 15 and " " not in word and upper >= 2 and upper * 2 > len(letters)


def split_acronym(name: str) -> tuple[str, str]:
    """``(name without its acronym, acronym)``; the acronym is '' when there is none."""
    name = unicodedata.normalize("NFKC", name).strip()
    for pattern in (_BRACKETED, _DASH_FIRST, _DASH_LAST):
        match = pattern.match(name)
        if match and is_acronym(match["acronym"].strip()):
            return match["rest"].strip(), match["acronym"].strip()
    return name, ""


def _keys(entry: Signatory) -> list[tuple[str, str]]:
    """The blocking keys of an entry, each with the reason two entries sharing it match."""
    keys = [(f"name:{name_key(entry.name)}", "same name")]
    if entry.name_latin:  # the same name in Latin letters
        keys.append((f"name:{name_key(entry.name_latin)}", "same name"))
    rest, acronym = split_acronym(entry.name_latin or entry.name)
    if acronym:
        keys.append((f"name:{name_key(rest)}", "same name with and without its acronym"))
        keys.append((f"acronym:{fold(acronym)}", "acronym and full name"))
    elif is_acronym(entry.name.strip()):
        keys.append((f"acronym:{fold(entry.name)}", "acronym and full name"))
    if entry.email:
        keys.append((f"email:{entry.email.casefold()}", "same e-mail address"))
    return keys


def identity_keys(entry: Signatory) -> set[str]:
    """Keys under which two versions of one entry are taken to be the same signatory."""
    return {key for key, _ in _keys(entry) if not key.startswith("acronym:")}


@dataclass(frozen=True)
class DuplicateGroup:
    """Entries (indexes into the list) that are probably the same signatory."""

    members: tuple[int, ...]
    reasons: tuple[str, ...]


def find_duplicates(entries: list[Signatory]) -> list[DuplicateGroup]:
    """Groups of likely duplicates; withdrawn entries are left out.

    Entries are only ever compared within a block of one normalised key, so the
    cost grows with the list, not with the square of it.
    """
    blocks: dict[str, list[int]] = defaultdict(list)
    reason_of: dict[str, str] = {}
    for index, entry in enumerate(entries):
        if entry.status == "withdrawn":
            continue
        for key, reason in dict(_keys(entry)).items():
            blocks[key].append(index)
            reason_of[key] = reason
    parent = list(range(len(entries)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    used: list[tuple[str, list[int]]] = []
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if key.startswith("acronym:") and not any(
            is_acronym(entries[i].name.strip()) for i in members
        ):
            # Two long names sharing an acronym can be different organisations;
            # only a bare acronym is taken to mean the one it abbreviates.
            continue
        used.append((key, members))
        for other in members[1:]:
            parent[root(other)] = root(members[0])
    groups: dict[int, list[int]] = defaultdict(list)
    reasons: dict[int, list[str]] = defaultdict(list)
    for key, members in used:
        reason = reason_of[key]
        if reason not in reasons[root(members[0])]:
            reasons[root(members[0])].append(reason)
    for index in sorted({i for _, members in used for i in members}):
        groups[root(index)].append(index)
    return [
        DuplicateGroup(tuple(members), tuple(reasons[r]))
        for r, members in sorted(groups.items(), key=lambda item: item[1][0])
    ]


def _filled(entry: Signatory) -> int:
    return sum(1 for key in (*_MERGED_FIELDS, "signed", *PRIVATE_FIELDS) if getattr(entry, key))


def merge_plan(entries: list[Signatory], group: DuplicateGroup) -> tuple[int, dict[str, Any]]:
    """Which entry to keep and its merged fields: the earliest signature, the fullest record."""
    members = [entries[i] for i in group.members]
    by_date = sorted(
        group.members, key=lambda i: (entries[i].signed or dt.date.max, entries[i].line)
    )
    keep = by_date[0]
    fullest = max(members, key=lambda e: (_filled(e), -e.line))
    order = [fullest] + [entries[i] for i in by_date if entries[i] is not fullest]
    merged: dict[str, Any] = {}
    for key in (*_MERGED_FIELDS, *PRIVATE_FIELDS):
        merged[key] = next((getattr(e, key) for e in order if getattr(e, key)), "")
    dates = [e.signed for e in members if e.signed]
    merged["signed"] = min(dates) if dates else None
    merged["status"] = "signed" if any(e.status == "signed" for e in members) else "pending"
    return keep, merged
