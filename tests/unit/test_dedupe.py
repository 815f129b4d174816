"""What ``sig dedupe --merge`` may merge: only entries sure to be one signatory."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.lists.dedupe import Present, find_duplicates, merge_plan, name_key
from campaign.model.records import Signatory

# Organisations that share acronyms, and two of one full name in different countries.
ORGS = (
    ("Network for Korean Human Rights", "NKHR", "Japan"),
    ("North Korea Hunger Relief", "NKHR", "Canada"),
    ("Centre for Housing Rights and Evictions", "COHRE", ""),
    ("Committee on Housing Rights in Europe", "COHRE", "Belgium"),
    ("International Federation for Human Rights", "FIDH", "France"),
    ("Amnesty International", "AI", "Japan"),
    ("Amnesty International", "AIUK", "United Kingdom"),
    ("Open Society", "", ""),
)
# How a form or a coordinator might write each one.
SPELLINGS = (
    "{full} ({acronym})",
    "{acronym} - {full}",
    "{full} – {acronym}",
    "{acronym}",
    "{full}",
    "The {full}",
    "{lower}",
)
EMAILS = ("", "", "office@a.example", "info@b.example")


@dataclass(frozen=True)
class Made:
    """A generated entry and the organisation it was written for."""

    entry: Signatory
    org: int
    spelling: str

    @property
    def bare(self) -> bool:
        """Written as the acronym alone."""
        return self.spelling == "{acronym}"

    @property
    def both(self) -> bool:
        """Written as the full name with its acronym."""
        return "{full}" in self.spelling and "{acronym}" in self.spelling


@st.composite
def entries(draw: st.DrawFn) -> list[Made]:
    made = []
    for line in range(draw(st.integers(2, 9))):
        org = draw(st.integers(0, len(ORGS) - 1))
        full, acronym, country = ORGS[org]
        spelling = draw(st.sampled_from(SPELLINGS if acronym else SPELLINGS[4:]))
        name = spelling.format(full=full, acronym=acronym, lower=full.lower())
        entry = Signatory(
            name=name,
            type="organization",
            group="orgs",
            status=draw(st.sampled_from(("signed", "signed", "pending", "withdrawn"))),
            country=draw(st.sampled_from(("", country))),
            email=draw(st.sampled_from(EMAILS)),
            signed=dt.date(2024, 4, 1) + dt.timedelta(days=draw(st.integers(0, 5))),
            line=line * 10 + 2,
        )
        made.append(Made(entry, org, spelling))
    return made


def _carriers(made: list[Made], acronym: str) -> set[str]:
    """The full names written with ``acronym`` on the list (withdrawn entries aside)."""
    return {
        name_key(ORGS[m.org][0])
        for m in made
        if m.both and ORGS[m.org][1] == acronym and m.entry.status != "withdrawn"
    }


@settings(max_examples=150)
@given(entries())
def test_no_two_entries_with_different_full_names_are_ever_merged(made: list[Made]) -> None:
    listed = [m.entry for m in made]
    for group in find_duplicates(listed):
        for members in group.merges:
            merged = [made[i] for i in members]
            assert all(m.entry.status != "withdrawn" for m in merged)
            written = {name_key(ORGS[m.org][0]) for m in merged if not m.bare}
            assert len(written) <= 1, [m.entry.name for m in merged]
            for m in merged:
                if m.bare and written:  # with a full name only when it stands for that one
                    carriers = _carriers(made, ORGS[m.org][1])
                    assert len(carriers) == 1 and written <= carriers, (
                        [x.entry.name for x in merged],
                        carriers,
                    )
            # nothing told apart is lost: every value given by a member is the merged one
            for key in ("country", "email"):
                given_values = {getattr(m.entry, key) for m in merged} - {""}
                assert len(given_values) <= 1, (key, given_values)


@settings(max_examples=150)
@given(entries())
def test_merging_keeps_every_signature_name_and_address(made: list[Made]) -> None:
    listed = [m.entry for m in made]
    after = list(listed)
    removed: set[int] = set()
    for group in find_duplicates(listed):
        for members in group.merges:
            keep, fields = merge_plan(listed, members)
            after[keep] = Signatory(**{**vars(listed[keep]), **fields})
            removed |= set(members) - {keep}
            # the fullest name survives: full with its acronym, else full, else the acronym
            for best in ("both", "full", "any"):
                names = [
                    listed[i].name
                    for i in members
                    if best == "any" or (made[i].both if best == "both" else not made[i].bare)
                ]
                if names:
                    assert fields["name"] in names
                    break
    kept = [e for i, e in enumerate(after) if i not in removed]
    standing = [e for e in listed if e.status != "withdrawn"]
    assert {e.email for e in standing} - {""} <= {e.email for e in kept}
    present = Present(kept)
    assert all(e in present for e in standing)
    # and the list as merged is still the list it was, for 'sig diff'
    assert all(e in Present(standing) for e in kept if e.status != "withdrawn")


def test_one_full_name_in_two_countries_is_reported_not_merged() -> None:
    amnesty = [
        Signatory("Amnesty International", "organization", "orgs", country="Japan", line=2),
        Signatory("amnesty international", "organization", "orgs", country="Canada", line=6),
        Signatory("Amnesty International", "organization", "orgs", email="a@b.example", line=10),
    ]
    [group] = find_duplicates(amnesty)
    assert (group.members, group.reasons, group.merges) == ((0, 1, 2), ("same name",), ((0, 2),))
    assert [(d.index, d.message, d.hint) for d in group.doubts] == [
        (
            1,
            "not merged with 'Amnesty International': the country ('Canada', 'Japan') differs",
            "if they are one signatory, make the country agree and merge again",
        )
    ]
