"""Who is printed, in which group, in which order, with which counts."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from campaign.model.fields import PUBLISHED_FIELDS, SIGNATORY
from campaign.model.records import GroupSpec, Signatory
from campaign.text.collation import sort_key
from campaign.text.names import family_name
from campaign.text.scripts import is_latin, printed_name, suits


def _details(self: Any) -> str:
    """Affiliation and country, as printed after the name."""
    return ", ".join(part for part in (self.affiliation, self.country) if part)


def _line(self: Any) -> str:
    """The whole line the list prints (and ``notify`` shows the signer)."""
    return ", ".join(part for part in (self.name, _details(self)) if part)


# The fields of a signatory that may be printed or published, as the field table says:
# nothing private. Its name is the one the letter's language prints.
PublicSignatory = dataclasses.make_dataclass(
    "PublicSignatory",
    [(f.key, f.python_type) for f in SIGNATORY if f.published],
    frozen=True,
    namespace={
        "__doc__": "The fields of a signatory that may be printed or published: nothing private.",
        "__module__": __name__,
        "details": property(_details),
        "line": property(_line),
    },
)


@dataclass(frozen=True)
class PrintedGroup:
    """One group of the signature block."""

    key: str
    heading: str
    members: tuple[Any, ...]  # PublicSignatory records

    @property
    def count(self) -> int:
        """How many signatories the group prints."""
        return len(self.members)


@dataclass(frozen=True)
class SignatureBlock:
    """The signature block of a letter as of a date."""

    as_of: dt.date
    groups: tuple[PrintedGroup, ...]

    @property
    def count(self) -> int:
        """How many signatories print in all."""
        return sum(g.count for g in self.groups)

    @property
    def group(self) -> dict[str, PrintedGroup]:
        """Groups by key, for ``signatories.group.international.count`` in a body."""
        return {g.key: g for g in self.groups}


def is_printed(entry: Signatory, as_of: dt.date) -> bool:
    """Signed, not withdrawn or pending, and not signed after the as-of date."""
    return entry.status == "signed" and (entry.signed is None or entry.signed <= as_of)


def alphabetical_key(entry: Signatory, language: str) -> tuple[bytes, bytes]:
    """Organisations by name, individuals by family name (or ``sort_as``).

    The name is the one the letter prints. ``sort_as`` is its reading, so it counts
    only when written in the same kind of script: a kana reading orders a name printed
    in kanji, not the Latin spelling an English letter prints instead. And only in a
    language whose readers read it: a kana reading serves Japanese order, while a
    Korean letter files the same kanji by their Hanja reading, as ICU's Korean
    order does.
    """
    name = printed_name(entry.name, entry.name_latin, language)
    reading = entry.sort_as
    if reading and is_latin(reading) == is_latin(name) and suits(reading, language):
        primary = reading
    elif entry.type == "individual":
        primary = family_name(name)
    else:
        primary = name
    return sort_key(primary, language), sort_key(name, language)


def signature_block(
    entries: tuple[Signatory, ...], groups: tuple[GroupSpec, ...], as_of: dt.date, language: str
) -> SignatureBlock:
    """Select, group and sort the printed signatories."""
    printed = [e for e in entries if is_printed(e, as_of)]
    result = []
    for spec in groups:
        members = sorted(
            (e for e in printed if e.group == spec.key),
            key=lambda e: alphabetical_key(e, language),
        )
        result.append(
            PrintedGroup(
                spec.key,
                spec.heading,
                tuple(public_signatory(e, language) for e in members),
            )
        )
    return SignatureBlock(as_of, tuple(result))


def public_signatory(entry: Signatory, language: str) -> Any:
    """``entry`` as a letter in ``language`` prints it: public fields, the name it prints."""
    return PublicSignatory(
        **{key: getattr(entry, key) for key in PUBLISHED_FIELDS}
        | {"name": printed_name(entry.name, entry.name_latin, language)}
    )
