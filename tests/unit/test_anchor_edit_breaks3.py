"""Seventh attack, on ListFile's places of aliases (_alias_value, _items) and _left_without.

Both breaks are older than this round (they happen at cb41807 too). Mended: a '*' in a
comment is no alias, an alias value on a later line keeps its key's line as the line
its edit is made at, and a '-' followed by a comment only stands alone.

1. A value that is an alias written on the line after its key, below a comment that
   holds a '*' (``group: # as for *Ann`` then ``*g``): the comment's '*Ann' is taken
   for the alias, so the entry's span stops a line short. Removing the entry is
   refused as changing another entry; setting the key stops as "a bug in campaign";
   adding a key is refused as "has no 'group'"; an entry added after it stops as a bug.
2. An entry that is only an alias, written with a comment after its '-' and the alias
   on the next line (``- # the chair`` then ``*c``): removing it (which the docs allow)
   leaves the '*c' line behind, and is refused as YAML syntax at that line.
"""

from __future__ import annotations

from pathlib import Path

from conftest import list_edited, list_entries

_COMMENTED = (
    "signatories:\n"
    "  - name: Ann Lee\n"
    "    type: individual\n"
    "    group: &g g\n"
    "  - name: Bo Ek\n"
    "    type: individual\n"
    "    group: # as for *Ann\n"
    "      *g\n"
    "  - name: Cy Do\n"
    "    type: individual\n"
    "    group: g\n"
)


def test_1_an_entry_whose_alias_value_follows_a_comment_with_a_star_can_be_removed(
    tmp_path: Path,
) -> None:
    """sig remove 'Bo Ek' (group: # as for *Ann / *g) is refused as changing 'Ann Lee'."""
    text = list_edited(tmp_path, _COMMENTED, lambda listed: listed.remove(1))
    assert [e["name"] for e in list_entries(text)] == ["Ann Lee", "Cy Do"]
    assert "*g" not in text and "Bo Ek" not in text


def test_1b_a_key_set_where_the_alias_value_follows_a_comment_with_a_star(tmp_path: Path) -> None:
    """sig set 'Bo Ek' group=h stops as 'a bug in campaign' (the '*g' line is not its value's)."""
    text = list_edited(tmp_path, _COMMENTED, lambda listed: listed.update(1, group="h"))
    assert [e["group"] for e in list_entries(text)] == ["g", "h", "g"]


def test_1c_a_key_added_where_the_alias_value_follows_a_comment_with_a_star(tmp_path: Path) -> None:
    """sig set 'Bo Ek' country=Peru is refused as "signatory 'Bo Ek' has no 'group'"."""
    text = list_edited(tmp_path, _COMMENTED, lambda listed: listed.update(1, country="Peru"))
    bo = list_entries(text)[1]
    assert (bo["group"], bo["country"]) == ("g", "Peru")


def test_1d_an_entry_added_after_one_whose_alias_value_follows_a_comment(tmp_path: Path) -> None:
    """sig add after a last entry ending 'country: # c *zz / *g' stops as 'a bug in campaign'."""
    start = _COMMENTED.replace("    group: g\n", "    group: g\n    country: # c *zz\n      *g\n")
    start = start.replace("group: # as for *Ann\n      *g\n", "group: g\n")
    new = {"name": "Di Fa", "type": "individual", "group": "g"}
    text = list_edited(tmp_path, start, lambda listed: listed.add(new))
    entries = list_entries(text)
    assert [e["name"] for e in entries] == ["Ann Lee", "Bo Ek", "Cy Do", "Di Fa"]
    assert entries[2]["country"] == "g"


_CHAIR = (
    "chair: &c\n"
    "  name: Ann Lee\n"
    "  type: individual\n"
    "  group: g\n"
    "signatories:\n"
    "  - name: Bo Ek\n"
    "    type: individual\n"
    "    group: g\n"
    "  - # the chair, as above\n"
    "    *c\n"
    "  - name: Cy Do\n"
    "    type: individual\n"
    "    group: g\n"
)


def test_2_an_alias_entry_with_a_comment_after_its_dash_can_be_removed(tmp_path: Path) -> None:
    """sig remove 'Ann Lee' (- # the chair / *c) leaves '*c' behind: refused as YAML syntax."""
    text = list_edited(tmp_path, _CHAIR, lambda listed: listed.remove(1))
    assert [e["name"] for e in list_entries(text)] == ["Bo Ek", "Cy Do"]
    assert "*c" not in text
