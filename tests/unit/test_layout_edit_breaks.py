"""Eighth attack, on how ListFile finds an entry's lines and its keys' places in unusual
but valid block layouts (comments, explicit keys, block scalars, odd indentation).

All nine breaks are older than this round (they happen at cb41807 too); each test failed
at 8bf2f7c. The first three changed a value without a word:

1, 2. A '|+' block as an entry's last value: its own blank lines were taken for lines
   between entries, and a key or an entry added went above them (``_keeps_blanks``).
3. A file without a line break at its end, its last value a '|' block: any edit wrote
   one, and the value gained a line break. The end is now left as it was; an edit that
   writes after it is refused when the line break would change that value.
4, 5. A quoted key (``"group":``) or an explicit one (``? country``) with its value on
   the next line was rewritten inside the quotes, or as a mapping key.
6. An entry added after one written ``-`` alone with its keys one space in: its keys
   went where no key can stand.
7. Taking out an entry's first key named the wrong key ('name'), or raised a bare
   ValueError through the API.
8. A bare explicit key (``? notes``) ending an entry took the comment above the next
   entry into the entry's lines: removed with it, or the new key written below it.
9. A comment indented deeper than the keys, right after the entry: a text of two lines
   added above it read the comment as its third line. Refused as a bug in campaign,
   nothing written; left (xfail).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from campaign.errors import ProblemsFound
from campaign.lists.edit import set_fields

from conftest import list_edited, list_entries, list_refused, list_written


def _with(entries: list[dict[str, Any]], index: int, **values: Any) -> list[dict[str, Any]]:
    """``entries`` with entry ``index``'s ``values`` set (taken out where None)."""
    out = [dict(e) for e in entries]
    for key, value in values.items():
        if value is None:
            out[index].pop(key, None)
        else:
            out[index][key] = value
    return out


_C = {"name": "Cy Do", "type": "individual", "group": "g"}

# -- 1, 2: a '|+' (keep) block scalar as an entry's last value ---------------------------

_KEEP = (
    "signatories:\n"
    "- name: Ann Lee\n"
    "  type: individual\n"
    "  group: g\n"
    "  motto: |+\n"
    "    first line\n"
    "\n"
    "\n"
    "- name: Bo Ek\n"
    "  type: individual\n"
    "  group: h\n"
)


def test_1_a_key_added_to_an_entry_ending_in_a_keep_block_keeps_its_value(tmp_path: Path) -> None:
    """A key added after a '|+' last value goes above the value's own trailing blank
    lines: 'first line\\n\\n\\n' silently becomes 'first line\\n'."""
    new = list_edited(tmp_path, _KEEP, lambda lf: lf.update(0, country="FR"))
    assert list_entries(new) == _with(list_entries(_KEEP), 0, country="FR")


def test_2_an_entry_added_after_a_keep_block_leaves_it_alone(tmp_path: Path) -> None:
    """'sig add' after an entry whose last value is '|+' puts the new entry above the
    value's trailing blank lines: the other entry's value silently changes."""
    new = list_edited(tmp_path, _KEEP, lambda lf: lf.add(dict(_C)))
    old = list_entries(_KEEP)
    assert list_entries(new) == [old[0], _C, old[1]]


# -- 3: no line break at the end, the last entry ending in a '|' block --------------------

_NO_EOL = (
    "signatories:\n"
    "- name: Bo Ek\n"
    "  type: individual\n"
    "  group: g\n"
    "- name: Ann Lee\n"
    "  type: individual\n"
    "  group: g\n"
    "  motto: |\n"
    "    line one\n"
    "    line two"  # no line break at the end of the file
)


def test_3_an_edit_of_another_entry_keeps_the_last_block_value(tmp_path: Path) -> None:
    """Setting a key of the first entry adds a line break at the end of the file, which
    silently turns the last entry's '|' value 'line one\\nline two' into '...two\\n'."""
    new = list_edited(tmp_path, _NO_EOL, lambda lf: lf.update(0, country="FR"))
    assert list_entries(new) == _with(list_entries(_NO_EOL), 0, country="FR")


# -- 4: a quoted key whose value is on the next line -------------------------------------

_QUOTED_KEY = (
    "signatories:\n"
    "- name: Ann Lee\n"
    "  type: individual\n"
    '  "group":\n'
    "    g\n"
    "- name: Bo Ek\n"
    "  type: individual\n"
    "  group: g\n"
)


def test_4_a_quoted_key_with_its_value_below_is_set(tmp_path: Path) -> None:
    """The key's line is rewritten from ``line.index(key)``, inside the quotes: the new
    line is '  "group: h', and the edit is refused as 'the file ends inside a quoted text'."""
    new = list_edited(tmp_path, _QUOTED_KEY, lambda lf: lf.update(0, group="h"))
    assert list_entries(new) == _with(list_entries(_QUOTED_KEY), 0, group="h")


# -- 5: an explicit key ('? key' then ': value') -----------------------------------------

_EXPLICIT = (
    "signatories:\n"
    "- name: Ann Lee\n"
    "  type: individual\n"
    "  group: g\n"
    "  ? country\n"
    "  : FR\n"
    "- name: Bo Ek\n"
    "  type: individual\n"
    "  group: g\n"
)


def test_5_an_explicit_key_is_set(tmp_path: Path) -> None:
    """'? country' / ': FR' set to DE is written '? country: DE' (a mapping as the key),
    and refused as 'a key must be a word, not a list or mapping'."""
    new = list_edited(tmp_path, _EXPLICIT, lambda lf: lf.update(0, country="DE"))
    assert list_entries(new) == _with(list_entries(_EXPLICIT), 0, country="DE")


# -- 6: the '-' alone on its line, the mapping indented by one space ---------------------

_DASH_ONE = "signatories:\n-\n name: Ann Lee\n type: individual\n group: g\n"


def test_6_an_entry_added_after_a_one_space_entry(tmp_path: Path) -> None:
    """The new entry is written '- name: Cy Do' then ' type: ...' at the anchor's key
    column (1), less than its own first key's (2): refused as YAML syntax at line 7,
    a line the file does not even have."""
    new = list_edited(tmp_path, _DASH_ONE, lambda lf: lf.add(dict(_C)))
    assert list_entries(new) == [*list_entries(_DASH_ONE), _C]


# -- 7: an entry whose first key is not 'name' -------------------------------------------

_FIRST_COUNTRY = "signatories:\n- country: FR\n  name: Ann Lee\n  type: individual\n  group: g\n"


def test_7_the_first_key_of_an_entry_is_named_right_when_refused(tmp_path: Path) -> None:
    """'sig set people Ann country=' on '- country: FR' then 'name: ...' is refused
    saying "'name' is the first field of the entry": the field named is the first of
    SIGNATORY_KEYS's order, not the file's ('country')."""
    path = list_written(tmp_path, _FIRST_COUNTRY)
    with pytest.raises(ProblemsFound) as raised:
        set_fields(path, "Ann Lee", {"country": None}, (), False)
    assert [(p.line, p.message) for p in raised.value.problems] == [
        (
            2,
            "'country' is the first field of 'Ann Lee' (it stands on the entry's '-' "
            "line) and cannot be taken out",
        )
    ]
    assert path.read_text(encoding="utf-8") == _FIRST_COUNTRY


def test_7_the_first_key_of_an_entry_taken_out_through_the_api(tmp_path: Path) -> None:
    """ListFile.update(i, country=None) on an entry whose first key is 'country' ends in
    a bare ValueError from save(), not a ProblemsFound/CampaignError (nor the edit)."""
    refused = list_refused(tmp_path, _FIRST_COUNTRY, lambda lf: lf.update(0, country=None))
    assert [line for line, _ in refused] == [2]


# -- 8: an explicit key with no value, last in its entry, then a comment -----------------

_KEY_ONLY = (
    "signatories:\n"
    "- name: Ann Lee\n"
    "  type: individual\n"
    "  group: g\n"
    "  ? notes\n"
    "# Bo joined in May\n"
    "- name: Bo Ek\n"
    "  type: individual\n"
    "  group: g\n"
)


def test_8_removing_an_entry_ending_in_a_bare_explicit_key_keeps_the_comment(
    tmp_path: Path,
) -> None:
    """The empty value of '? notes' is marked at the next token ('- name: Bo Ek'), so the
    entry's span takes the comment above Bo: removing Ann removes '# Bo joined in May'."""
    new = list_edited(tmp_path, _KEY_ONLY, lambda lf: lf.remove(0))
    assert list_entries(new) == list_entries(_KEY_ONLY)[1:]
    assert "# Bo joined in May\n" in new


def test_8_deleting_a_bare_explicit_key_keeps_the_comment_below(tmp_path: Path) -> None:
    """'sig set people Ann notes=' on '? notes' takes the comment line below with it."""
    new = list_edited(tmp_path, _KEY_ONLY, lambda lf: lf.update(0, notes=None))
    assert list_entries(new) == _with(list_entries(_KEY_ONLY), 0, notes=None)
    assert "# Bo joined in May\n" in new


def test_8_a_key_added_to_an_entry_ending_in_a_bare_explicit_key(tmp_path: Path) -> None:
    """A key added to that entry is written below the next entry's comment."""
    new = list_edited(tmp_path, _KEY_ONLY, lambda lf: lf.update(0, country="FR"))
    assert list_entries(new) == _with(list_entries(_KEY_ONLY), 0, country="FR")
    assert new.index("country: FR") < new.index("# Bo joined in May")


# -- 9: a comment indented deeper than the keys after an entry's last value --------------

_DEEP_COMMENT = (
    "signatories:\n"
    "- name: Ann Lee\n"
    "  type: individual\n"
    "  group: g\n"
    "      # see the letter of 3 May\n"
    "- name: Bo Ek\n"
    "  type: individual\n"
    "  group: g\n"
)


@pytest.mark.xfail(
    strict=True,
    reason="left alone: refused as a bug in campaign, nothing written; the new key would "
    "have to go below the comment, which the edit's piece of lines does not reach",
)
def test_9_a_text_of_two_lines_added_above_a_deep_comment(tmp_path: Path) -> None:
    """notes='x\\ny' is appended as a '|-' block above the deeper comment, which becomes
    the block's third line: the edit stops as 'a bug in campaign'."""
    new = list_edited(tmp_path, _DEEP_COMMENT, lambda lf: lf.update(0, notes="x\ny"))
    assert list_entries(new) == _with(list_entries(_DEEP_COMMENT), 0, notes="x\ny")
    assert "# see the letter of 3 May" in new
