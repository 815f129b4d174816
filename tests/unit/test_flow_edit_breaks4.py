"""Fourth attack, on the mending of the third (d55deca): what broke.

1. An alias item written with its '-' alone on a line (``  -`` then ``    *a`` below):
   its span is the '-' line only. Taken out (``sig remove``), ``    *a`` stays behind
   and the edit is refused as a YAML syntax problem; an entry added after it (the last
   of its group, ``sig add``) goes between the '-' and ``*a`` and is refused as a YAML
   problem of a line past the file's end (``sig add``: line 15 of an 11-line file).
2. An alias item's entry has the line of the mapping it names, not its own: ``sig
   remove`` says "was at people.yaml:2" (the anchor in ``others:``) of ``- *a`` at line
   7, and two alias items of one anchor are both listed at the anchor's line.
3. An edit of an anchored entry that an alias item later repeats is refused (right)
   at the anchored entry's own line, as changing itself ('A' at line 5), not at the
   alias item's line 9.
4. The anchored entry taken out while an alias item still names it: an unknown alias
   said at line 8 of the new text, which in the file is ``    group: c``; the alias is
   at line 9 (the anchored entry at line 5). Mended in the twenty-second session: an
   entry taken out that another part of the file names is refused before the new text
   is made (``ListFile._left_without``), at the line of what names it.
5. An alias item of a mapping that merges another (``&q {<<: *p, name: Q}`` under
   ``others:``), a merged key taken out: refused by the '<<' check at line 3 (the
   mapping under ``others:``) before the alias refusal, which says line 8.
6. A merging entry's own key that overrides a merged one (``{<<: *a, name: B,
   country: Peru}``) taken out: refused as "this edit would also change 'B', which
   takes values from an entry it changes", though no other entry is changed; the key
   is not named.
7. A block entry whose last value is an alias of a scalar (``group: *g`` with ``&g``
   before the list, ``sort_as: *n`` with ``&n`` on its name): its span ends at the
   aliased scalar's marks, so it is its first line only. Taken out, the rest of its
   lines join the entry before ("key 'type' appears twice"); that value set is
   refused as a bug in campaign.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.errors import CampaignError
from campaign.lists.edit import remove
from campaign.lists.listfile import ListFile

from conftest import list_refused, list_saved, list_written

_OTHERS = "others:\n  - &a {name: Alton Ames, type: individual, group: a}\n"
_B = "  - name: Bea Bird\n    type: individual\n    group: b\n"
_C = "  - name: Cy Cole\n    type: individual\n    group: c\n"
_DASH_ALONE = _OTHERS + "signatories:\n" + _B + "  -\n    *a\n" + _C


def test_1_an_alias_item_with_its_dash_alone_taken_out(tmp_path: Path) -> None:
    path = list_written(tmp_path, _DASH_ALONE)
    listed = ListFile.load(path)
    listed.remove(1)
    listed.save()
    assert path.read_text(encoding="utf-8") == _DASH_ALONE.replace("  -\n    *a\n", "")


def test_1_an_entry_added_after_an_alias_item_with_its_dash_alone(tmp_path: Path) -> None:
    path = list_written(tmp_path, _DASH_ALONE)
    listed = ListFile.load(path)
    listed.add({"name": "Dee Dunn", "type": "individual", "group": "a"})
    listed.save()
    added = "  - name: Dee Dunn\n    type: individual\n    group: a\n"
    assert path.read_text(encoding="utf-8") == _DASH_ALONE.replace("    *a\n", "    *a\n" + added)


def test_2_an_alias_item_is_said_at_its_own_line(tmp_path: Path) -> None:
    text = _OTHERS + "signatories:\n" + _B + "  - *a\n"
    path = list_written(tmp_path, text)
    assert ListFile.load(path).entries[1].line == 7
    outcome = remove(path, "Alton Ames", lambda _q: True)
    assert len(outcome.changes) == 1
    assert outcome.changes[0].startswith("removed: Alton Ames (a, signed), was at ")
    assert outcome.changes[0].endswith("people.yaml:7")


def test_2_two_alias_items_of_one_anchor_have_their_own_lines(tmp_path: Path) -> None:
    text = _OTHERS + "signatories:\n  - *a\n" + _B + "  - *a\n"
    path = list_written(tmp_path, text)
    assert [e.line for e in ListFile.load(path).entries] == [4, 5, 8]


_ANCHORED = (
    "signatories:\n"
    + _B
    + "  - &a {name: A, type: individual, group: a, country: Chile}\n"
    + _C
    + "  - *a\n"
)


def test_3_an_edit_repeated_by_an_alias_item_is_said_at_the_alias(tmp_path: Path) -> None:
    refused = list_refused(tmp_path, _ANCHORED, lambda listed: listed.update(1, country="Peru"))
    assert [line for line, _ in refused] == [9]


def test_4_an_anchored_entry_taken_out_is_said_at_the_alias_naming_it(tmp_path: Path) -> None:
    # Said before the new text is made: at the alias item's line in the file as it is.
    assert list_refused(tmp_path, _ANCHORED, lambda listed: listed.remove(1)) == [
        (
            9,
            "this edit would also change 'A', which takes values from an entry it takes "
            "out (through an alias or '<<')",
        )
    ]


def test_4_an_anchored_entry_taken_out_with_its_alias_goes(tmp_path: Path) -> None:
    path = list_written(tmp_path, _ANCHORED)
    listed = ListFile.load(path)
    listed.remove(1)
    listed.remove(3)
    listed.save()
    assert path.read_text(encoding="utf-8") == "signatories:\n" + _B + _C


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # An entry another merges ('<<: *a'), said at the merging entry's line.
        (
            "signatories:\n  - &a {name: A, type: individual, group: a, country: Chile}\n"
            + _B
            + "  - <<: *a\n    name: D\n",
            6,
        ),
        # An entry holding a value another entry names ('group: *g').
        (
            "signatories:\n  - name: A\n    type: individual\n    group: &g a\n"
            + _B
            + "  - name: D\n    type: individual\n    group: *g\n",
            8,
        ),
    ],
)
def test_4_an_entry_another_names_taken_out_is_said_at_that_one(
    tmp_path: Path, text: str, line: int
) -> None:
    refused = list_refused(tmp_path, text, lambda listed: listed.remove(0))
    assert [(n, "'D'" in message) for n, message in refused] == [(line, True)]


def test_4_an_entry_named_outside_the_list_is_said_at_its_own_line(tmp_path: Path) -> None:
    text = (
        "signatories:\n"
        + _B
        + "  - &a {name: A, type: individual, group: a}\nnotes:\n  first: *a\n"
    )
    assert list_refused(tmp_path, text, lambda listed: listed.remove(1)) == [
        (
            5,
            "'A' holds values that another part of the file names (through an alias or "
            "'<<'), which this edit would take from it",
        )
    ]


def test_4_an_entry_that_names_an_anchor_elsewhere_goes(tmp_path: Path) -> None:
    # It takes values from 'others:'; taking it out leaves every other entry as it was.
    text = _OTHERS + "signatories:\n" + _B + "  - <<: *a\n    name: D\n" + _C
    path = list_written(tmp_path, text)
    listed = ListFile.load(path)
    listed.remove(1)
    listed.save()
    assert path.read_text(encoding="utf-8") == _OTHERS + "signatories:\n" + _B + _C


def test_5_an_alias_item_of_a_merging_mapping_is_refused_as_an_alias(tmp_path: Path) -> None:
    text = (
        "others:\n  - &p {name: P, type: individual, group: a, country: Chile}\n"
        "  - &q {<<: *p, name: Q}\nsignatories:\n" + _B + "  - *q\n" + _C
    )
    refused = list_refused(tmp_path, text, lambda listed: listed.update(1, country=None))
    assert [line for line, _ in refused] == [8]
    assert "alias" in refused[0][1]


def test_6_an_overriding_key_taken_out_is_said_as_such(tmp_path: Path) -> None:
    text = (
        "signatories:\n  - &a {name: A, type: individual, group: a, country: Chile}\n"
        "  - {<<: *a, name: B, country: Peru}\n" + _C
    )
    refused = list_refused(tmp_path, text, lambda listed: listed.update(1, country=None))
    assert [line for line, _ in refused] == [3]
    assert "'country'" in refused[0][1]
    assert "would also change" not in refused[0][1]


_VALUE_ALIAS = (
    "x: &g b\n"
    + _OTHERS
    + "signatories:\n"
    + _C
    + "  - name: Bea Bird\n    type: individual\n    group: *g\n  - *a\n"
)


def test_7_an_entry_ending_with_an_alias_value_taken_out(tmp_path: Path) -> None:
    path = list_written(tmp_path, _VALUE_ALIAS)
    listed = ListFile.load(path)
    listed.remove(1)
    listed.save()
    assert path.read_text(encoding="utf-8") == _VALUE_ALIAS.replace(
        "  - name: Bea Bird\n    type: individual\n    group: *g\n", ""
    )


def test_7_a_last_value_that_is_an_alias_set(tmp_path: Path) -> None:
    text = (
        "signatories:\n"
        + _C
        + "  - name: &n Bea Bird\n    type: individual\n    group: b\n    sort_as: *n\n"
    )
    path = list_written(tmp_path, text)
    try:
        saved = list_saved(path, 1, sort_as="Bird")
    except CampaignError as error:
        pytest.fail(f"refused: {error}")
    assert saved == text.replace("sort_as: *n", "sort_as: Bird")
