"""Likely duplicates on a sign-on list, found by blocking on normalised keys."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from campaign.model.fields import NOTE, SIGNATORY
from campaign.model.records import PRIVATE_FIELDS, Signatory
from campaign.text.names import fold

_LEADING_THE = re.compile(r"^the\s+")
_BRACKETED = re.compile(r"^(?P<rest>.+?)\s*[(\[](?P<acronym>[^()\[\]]+)[)\]]$")
_DASH_FIRST = re.compile(r"^(?P<acronym>\S+)\s+[-–—:]\s+(?P<rest>.+)$")
_DASH_LAST = re.compile(r"^(?P<rest>.+?)\s+[-–—]\s+(?P<acronym>\S+)$")
# The fields a merge takes from the fullest entry (the field table's 'merged'); a note
# is joined from every entry instead.
_MERGED_FIELDS = tuple(f.key for f in SIGNATORY if f.merged)
_JOINED = tuple(f.key for f in SIGNATORY if f.merged and f.kind == NOTE)


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


def _acronym(entry: Signatory) -> tuple[str, bool]:
    """The entry's folded acronym ('' if none), and whether its name is that acronym alone."""
    _, acronym = split_acronym(entry.name_latin or entry.name)
    if acronym:
        return fold(acronym), False
    bare = entry.name.strip()
    return (fold(bare), True) if is_acronym(bare) else ("", False)


def _full_names(entries: Iterable[Signatory]) -> dict[str, dict[str, str]]:
    """For each acronym, the full names written with it: folded key -> the name as written."""
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for entry in entries:
        rest, acronym = split_acronym(entry.name_latin or entry.name)
        if acronym and entry.status != "withdrawn":
            found[fold(acronym)].setdefault(name_key(rest), rest)
    return found


def _name_keys(entry: Signatory, full_names: dict[str, dict[str, str]]) -> set[str]:
    """The names an entry is known by, folded; a bare acronym also by the one it stands for."""
    keys = {name_key(entry.name)} | ({name_key(entry.name_latin)} if entry.name_latin else set())
    rest, acronym = split_acronym(entry.name_latin or entry.name)
    if acronym:
        keys.add(name_key(rest))
    else:
        short, bare = _acronym(entry)
        meanings = full_names.get(short, {}) if bare else {}
        if len(meanings) == 1:  # an acronym that could stand for two names stands for neither
            keys |= set(meanings)
    return keys


# The fields that tell two signatories apart: entries merge only where each is the same
# or given on one side alone, so that merging loses nothing but the repetition.
# (The field table's 'differs'; a private field's values are never shown.)
_TOLD_APART = {f.key: f.differs for f in SIGNATORY if f.differs}


def _told(entry: Signatory, key: str) -> str:
    value = str(getattr(entry, key))
    return value.casefold().strip() if key in PRIVATE_FIELDS else fold(value)


_TRIED = 20  # sets of sure duplicates an entry is compared with, at most


@dataclass
class _Cluster:
    """Entries sure to be one signatory: one full name in common, no field told apart."""

    members: list[int]
    names: set[str]
    fields: dict[str, str]
    acronym: str

    def why_not(self, told: dict[str, str], names: set[str], acronym: str) -> str:
        """Why an entry cannot be the same signatory as the members ('' if it can)."""
        if not self.names & names:
            return "names"
        if self.acronym and acronym and self.acronym != acronym:
            return "acronym"
        for key, value in told.items():
            if self.fields.get(key, value) != value:
                return key
        return ""

    def join(self, index: int, told: dict[str, str], names: set[str], acronym: str) -> None:
        """Add an entry: the names left in common, and the fields it gives."""
        self.members.append(index)
        self.names &= names
        self.acronym = self.acronym or acronym
        for key, value in told.items():
            self.fields.setdefault(key, value)


@dataclass(frozen=True)
class Doubt:
    """An entry that looks like a duplicate but is not sure to be one, and why."""

    index: int
    message: str
    hint: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Entries (indexes into the list) that are probably the same signatory.

    ``merges`` are the sets of members sure to be one signatory (what ``--merge``
    merges); ``doubts`` say why the other members are left apart.
    """

    members: tuple[int, ...]
    reasons: tuple[str, ...]
    merges: tuple[tuple[int, ...], ...] = ()
    doubts: tuple[Doubt, ...] = ()


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
    full_names = _full_names(entries)
    return [
        _sure(entries, tuple(members), tuple(reasons[r]), full_names)
        for r, members in sorted(groups.items(), key=lambda item: item[1][0])
    ]


def _sure(
    entries: list[Signatory],
    members: tuple[int, ...],
    reasons: tuple[str, ...],
    full_names: dict[str, dict[str, str]],
) -> DuplicateGroup:
    """The group, with the members sure to be one signatory gathered for merging."""
    # Looking alike (a shared e-mail address, an acronym) only makes a candidate. Sure
    # means one full name shared by every member and no field that tells two apart;
    # gathered in list order, each entry joining the first set it is sure to belong to.
    clusters: list[_Cluster] = []
    doubts: list[Doubt] = []
    for index in members:
        entry = entries[index]
        names = _name_keys(entry, full_names)
        acronym = _acronym(entry)[0]
        given = [key for key in _TOLD_APART if getattr(entry, key)]
        told = {key: value for key in given if (value := _told(entry, key))}
        why = ""
        # A hostile list of one name thousands of times, each told apart, would try
        # every pair: past the first sets, an entry is left apart (never merged wrongly).
        for cluster in clusters[:_TRIED]:
            if not (reason := cluster.why_not(told, names, acronym)):
                cluster.join(index, told, names, acronym)
                break
            why = why or reason
        else:
            if clusters:
                first = entries[clusters[0].members[0]]
                doubts.append(_doubt(index, entry, first, why, full_names))
            clusters.append(_Cluster([], set(names), {}, ""))
            clusters[-1].join(index, told, names, acronym)
    merges = tuple(tuple(c.members) for c in clusters if len(c.members) > 1)
    return DuplicateGroup(members, reasons, merges, tuple(doubts))


def _doubt(
    index: int, entry: Signatory, first: Signatory, why: str, full_names: dict[str, dict[str, str]]
) -> Doubt:
    """Why ``entry`` is not merged with ``first``, and what would let it be."""
    short, bare = _acronym(entry)
    meanings = sorted(full_names.get(short, {}).values(), key=fold)
    if why == "names" and bare and len(meanings) > 1:
        could = ", ".join(meanings[:-1]) + f" or {meanings[-1]}"
        return Doubt(
            index,
            f"not merged: '{entry.name}' could stand for {could}",
            "write its full name with the acronym, e.g. "
            f"'{meanings[0]} ({entry.name.strip()})', and merge again",
        )
    if why == "names":
        return Doubt(
            index,
            f"not merged: '{entry.name}' and '{first.name}' are different names",
            "if they are one signatory, give both the same name and merge again",
        )
    if why == "acronym":
        return Doubt(
            index,
            f"not merged: '{entry.name}' and '{first.name}' have different acronyms",
            "if they are one signatory, give both the same name and merge again",
        )
    what = _TOLD_APART[why]
    if why not in PRIVATE_FIELDS:
        what += f" ('{getattr(entry, why)}', '{getattr(first, why)}')"
    return Doubt(
        index,
        f"not merged with '{first.name}': {what} differ{'' if what.endswith('s') else 's'}",
        f"if they are one signatory, make {_TOLD_APART[why]} agree and merge again",
    )


class Present:
    """Who is on one version of a list, to tell whether an entry of another is still there."""

    def __init__(self, entries: Iterable[Signatory]) -> None:
        entries = list(entries)
        self.keys = set().union(*(identity_keys(e) for e in entries))
        self.full_names = _full_names(entries)
        self.bare = {short for e in entries for short, bare in [_acronym(e)] if bare}

    def __contains__(self, entry: Signatory) -> bool:
        """Whether ``entry`` is here: by name or e-mail, or by an acronym sure to mean it."""
        if identity_keys(entry) & self.keys:
            return True
        short, bare = _acronym(entry)
        if not short:
            return False
        meanings = self.full_names.get(short, {})
        if bare:  # here written out in full, under the one name it abbreviates
            return len(meanings) == 1
        # here as the bare acronym alone, which nothing else here could stand for
        rest = split_acronym(entry.name_latin or entry.name)[0]
        return short in self.bare and set(meanings) <= {name_key(rest)}


def _filled(entry: Signatory) -> int:
    return sum(1 for key in (*_MERGED_FIELDS, "signed") if getattr(entry, key))


def _fullness(name: str) -> tuple[bool, bool]:
    """How much a name says: a full name over a bare acronym, with its acronym over without."""
    acronym = split_acronym(name)[1]
    return not (not acronym and is_acronym(name.strip())), bool(acronym)


def merge_plan(entries: list[Signatory], members: tuple[int, ...]) -> tuple[int, dict[str, Any]]:
    """Which entry to keep and its merged fields: the earliest signature, the fullest record.

    The name kept is the fullest of the members' names ("Centre on Housing Rights and
    Evictions (COHRE)" over "COHRE"); notes are joined, every other field is the same
    in all members or given by one (:func:`find_duplicates` merges nothing else).
    """
    by_date = sorted(members, key=lambda i: (entries[i].signed or dt.date.max, entries[i].line))
    keep = by_date[0]
    fullest = max((entries[i] for i in members), key=lambda e: (_filled(e), -e.line))
    order = [fullest] + [entries[i] for i in by_date if entries[i] is not fullest]
    merged: dict[str, Any] = {}
    for key in _MERGED_FIELDS:
        merged[key] = next((getattr(e, key) for e in order if getattr(e, key)), "")
    named = max(order, key=lambda e: _fullness(e.name))  # the first of the fullest names
    merged["name"] = named.name
    for key in _JOINED:
        texts = dict.fromkeys(str(getattr(e, key)).strip() for e in order)
        merged[key] = "\n".join(text for text in texts if text)
    dates = [day for i in members if (day := entries[i].signed)]
    merged["signed"] = min(dates) if dates else None
    statuses = {entries[i].status for i in members}
    merged["status"] = "signed" if "signed" in statuses else "pending"
    return keep, merged
