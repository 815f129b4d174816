"""Third attack on the in-brace edit of ``{ }`` entries (30b0c04): what broke.

1. An empty value with a comment after it (``country: # b`` then ``}`` below) taken
   out: the cut leaves an empty piece last, so ``_apart`` sees no character before the
   comment and glues it to the value before (``group: b# b``, one plain text): a fine
   ``sig set B country=`` is refused as a bug in campaign. The same with a trailing
   comma (``notes: x# b`` then ``,}``), with another key's value set in the same
   command, and with the key before taken out too.
2. An empty last value whose ':' ends its line (``affiliation:`` then ``}`` below),
   a key added: written ``affiliation:, email: e@x.org``, a YAML syntax error
   (``found unexpected ':'``), refused as a problem of line 5, which the file has right.
3. An entry that is an alias (``- *alton``) of a block mapping anchored outside the
   list (an item of ``others:``): ``sig set`` is written, without a word, into the
   ``others:`` mapping; the same alias of a ``{ }`` mapping is refused at its line.
4. An alias entry taken out (``sig rm``): its span is the anchored node's, so the
   anchored lines go instead of ``  - *alton`` (an unknown alias, or 'signatories'
   twice when the anchor is the file's first line: a span starting at line -1):
   refused as a YAML problem of a line the file has right.
5. An entry taking a value only through ``<<`` (``{<<: *peer, name: B}``), that key
   taken out (``sig set B country=``): nothing in the braces to cut, the read-back
   differs: refused as a bug in campaign instead of a said problem.
6. An entry merging another (``<<: *peer``), both edited in one save, the other's edit
   changing a value the merging one takes: refused as a bug in campaign, where an
   edit of the other alone says 'this edit would also change 'B'' at B's line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from campaign.errors import CampaignError, ProblemsFound
from campaign.lists.listfile import ListFile

from conftest import list_saved, list_written


def _entries(text: str) -> list[dict[str, Any]]:
    return [dict(e) for e in yaml.load(text, Loader=yaml.CSafeLoader)["signatories"]]


_HEAD = "signatories:\n  - name: A\n    type: individual\n    group: a\n"
_TAIL = "  - name: C\n    type: individual\n    group: c\n"
_PEER = "  - &peer {name: A, type: individual, group: a, status: signed, country: Chile}\n"


@pytest.mark.parametrize(
    ("flow", "values", "entry"),
    [
        (
            "  - {name: B, type: individual, group: b, country: # b\n    }\n",
            {"country": None},
            {"name": "B", "type": "individual", "group": "b"},
        ),
        (
            "  - {name: B, type: individual, group: b, notes: x, country: # b\n    ,}\n",
            {"country": None},
            {"name": "B", "type": "individual", "group": "b", "notes": "x"},
        ),
        (
            "  - {name: B, type: individual, group: b, notes: x, country: # b\n    }\n",
            {"country": None, "notes": "y"},
            {"name": "B", "type": "individual", "group": "b", "notes": "y"},
        ),
        (
            "  - {name: B, type: individual, group: b, notes: x, country: # b\n    }\n",
            {"notes": None, "country": None},
            {"name": "B", "type": "individual", "group": "b"},
        ),
        (
            "  - {name: B, type: individual, group: b, notes: # a\n    , country: # b\n"
            "    , email: # c\n    }\n",
            {"notes": None, "country": None, "email": None},
            {"name": "B", "type": "individual", "group": "b"},
        ),
    ],
    ids=["alone", "trailing-comma", "with-a-value-set", "two-out", "three-empty-out"],
)
def test_1_an_empty_value_with_a_comment_taken_out_keeps_the_comment_apart(
    tmp_path: Path, flow: str, values: dict[str, Any], entry: dict[str, Any]
) -> None:
    path = list_written(tmp_path, _HEAD + flow + _TAIL)
    text = list_saved(path, 1, **values)
    assert _entries(text)[1] == entry
    assert text.count(" # ") == flow.count(" # ")
    assert text.startswith(_HEAD) and text.endswith(_TAIL)


def test_2_a_key_added_after_an_empty_value_ending_its_line(tmp_path: Path) -> None:
    flow = "  - {name: B, type: individual, group: b, affiliation:\n    }\n"
    path = list_written(tmp_path, _HEAD + flow + _TAIL)
    text = list_saved(path, 1, email="e@x.org")
    assert _entries(text)[1] == {
        "name": "B",
        "type": "individual",
        "group": "b",
        "affiliation": None,
        "email": "e@x.org",
    }
    assert text.startswith(_HEAD) and text.endswith(_TAIL)


_OTHERS = (
    "others:\n  - &alton\n    name: A\n    type: individual\n    group: a\n"
    "signatories:\n  - *alton\n" + _TAIL
)


def test_3_an_alias_entry_of_a_block_mapping_is_refused_not_written_elsewhere(
    tmp_path: Path,
) -> None:
    path = list_written(tmp_path, _OTHERS)
    listed = ListFile.load(path)
    listed.update(0, country="Chile")
    with pytest.raises(ProblemsFound) as raised:
        listed.save()
    assert [p.line for p in raised.value.problems] == [7]
    assert path.read_text(encoding="utf-8") == _OTHERS


@pytest.mark.parametrize(
    "text",
    [
        _OTHERS,
        "alton: &alton\n  name: A\n  type: individual\n  group: a\n"
        "signatories:\n  - *alton\n" + _TAIL,
        "alton: &alton {name: A, type: individual, group: a}\nsignatories:\n  - *alton\n" + _TAIL,
    ],
    ids=["anchor-in-another-list", "block-anchor-first-line", "flow-anchor-first-line"],
)
def test_4_an_alias_entry_taken_out_is_its_own_line(tmp_path: Path, text: str) -> None:
    path = list_written(tmp_path, text)
    listed = ListFile.load(path)
    listed.remove(0)
    listed.save()
    assert path.read_text(encoding="utf-8") == text.replace("  - *alton\n", "")


def test_5_a_key_only_merged_in_taken_out_is_a_said_refusal(tmp_path: Path) -> None:
    text = "signatories:\n" + _PEER + "  - {<<: *peer, name: B}\n" + _TAIL
    path = list_written(tmp_path, text)
    listed = ListFile.load(path)
    listed.update(1, country=None)
    with pytest.raises(CampaignError) as raised:
        listed.save()
    assert "bug in campaign" not in str(raised.value)
    assert isinstance(raised.value, ProblemsFound)
    assert [p.line for p in raised.value.problems] == [3]
    assert path.read_text(encoding="utf-8") == text


def test_6_both_edited_the_merged_one_changed_beyond_its_edit_is_said(
    tmp_path: Path,
) -> None:
    text = "signatories:\n" + _PEER + "  - {<<: *peer, name: B}\n" + _TAIL
    path = list_written(tmp_path, text)
    listed = ListFile.load(path)
    listed.update(0, country="Peru")
    listed.update(1, notes="x")
    with pytest.raises(CampaignError) as raised:
        listed.save()
    assert "bug in campaign" not in str(raised.value)
    assert isinstance(raised.value, ProblemsFound)
    assert [p.line for p in raised.value.problems] == [3]
    assert "'B'" in raised.value.problems[0].message
    assert path.read_text(encoding="utf-8") == text
