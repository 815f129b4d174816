"""Edits of an entry written in ``{ }`` flow style, and the check that every edit reads as meant.

Found on 7 December: ``sig set`` on a ``{ }`` entry rewrote it as a block entry from the
fields campaign knows, so a key it does not know (a warning, which check allows) and
the comments inside the braces were lost without a word, and ``sig set`` said
``changed:``. An edit is now made inside the braces, and before anything is written,
each entry an edit makes is read back and must hold what the entry held with the edit
applied, every key included (``ListFile._as_wanted``): a valid list is not enough.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.errors import CampaignError
from campaign.lists import listfile
from campaign.lists.listfile import ListFile
from campaign.load.yamlfile import compose_as_read, data_as_read

from conftest import copy_example, list_saved, list_written, run

_HEAD = "signatories:\n  - name: A\n    type: individual\n    group: a\n"
_FLOW = (
    "  - {name: B, type: individual,  # asked to be listed\n"
    "     group: b, notes: call back, shoe: 42}  # sic\n"
)
_TAIL = "  - name: C\n    type: individual\n    group: c\n"


def test_a_field_set_on_a_flow_entry_keeps_its_other_keys_and_comments(tmp_path: Path) -> None:
    """It was rewritten as a block entry of the known fields: 'shoe' and both comments gone."""
    path = list_written(tmp_path, _HEAD + _FLOW + _TAIL)
    assert (
        list_saved(path, 1, country="Serbia")
        == _HEAD
        + (
            "  - {name: B, type: individual,  # asked to be listed\n"
            "     group: b, notes: call back, shoe: 42, country: Serbia}  # sic\n"
        )
        + _TAIL
    )


@pytest.mark.parametrize(
    ("values", "flow"),
    [
        # a value replaced where it stands, quoted when it needs to be
        (
            {"group": "b, c"},
            "  - {name: B, type: individual,  # asked to be listed\n"
            "     group: 'b, c', notes: call back, shoe: 42}  # sic\n",
        ),
        # a key in the middle taken out with the comma after it
        (
            {"notes": None},
            "  - {name: B, type: individual,  # asked to be listed\n"
            "     group: b, shoe: 42}  # sic\n",
        ),
        # the last key of a line, before a comment: the comment stays
        (
            {"type": None},
            "  - {name: B,  # asked to be listed\n"
            "     group: b, notes: call back, shoe: 42}  # sic\n",
        ),
        # text of several lines, written on one (a { } entry holds no '|' block)
        (
            {"notes": "call\nback"},
            "  - {name: B, type: individual,  # asked to be listed\n"
            '     group: b, notes: "call\\nback", shoe: 42}  # sic\n',
        ),
    ],
    ids=["replaced", "middle-removed", "before-a-comment", "lines"],
)
def test_flow_edits_change_only_what_they_change(
    tmp_path: Path, values: dict[str, Any], flow: str
) -> None:
    path = list_written(tmp_path, _HEAD + _FLOW + _TAIL)
    listed = ListFile.load(path)
    listed.update(1, **values)
    # 'type' is required: its removal is refused by the check (nothing written), so it
    # is asked of the edit's text alone.
    assert listed.render() == _HEAD + flow + _TAIL


def test_the_last_key_removed_takes_the_comma_before_it(tmp_path: Path) -> None:
    text = "signatories:\n  - {name: B, type: individual, group: b, notes: x}\n"
    path = list_written(tmp_path, text)
    assert list_saved(path, 0, notes=None) == (
        "signatories:\n  - {name: B, type: individual, group: b}\n"
    )


def test_an_empty_value_is_set_where_it_stands(tmp_path: Path) -> None:
    """libyaml places ``country: ,``'s empty value at the comma."""
    text = "signatories:\n  - {name: B, type: individual, group: b, country: , notes: x}\n"
    path = list_written(tmp_path, text)
    assert list_saved(path, 0, country="Chile") == (
        "signatories:\n  - {name: B, type: individual, group: b, country: Chile, notes: x}\n"
    )


@pytest.mark.parametrize(
    ("flow", "edited"),
    [
        ("{name: B, type: individual, group: b, country}", "country: Chile}"),
        ("{name: B, type: individual, group: b, country: }", "country: Chile}"),
    ],
    ids=["no-colon", "colon"],
)
def test_a_key_of_no_value_gets_its_value_after_a_colon(
    tmp_path: Path, flow: str, edited: str
) -> None:
    """With no ':' the value's place is the key's end: ``countryChile`` was one word."""
    path = list_written(tmp_path, f"signatories:\n  - {flow}\n")
    assert list_saved(path, 0, country="Chile") == (
        f"signatories:\n  - {{name: B, type: individual, group: b, {edited}\n"
    )


def test_sig_set_on_a_flow_entry_says_what_it_changed_and_keeps_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = copy_example(tmp_path / "ws")
    monkeypatch.chdir(root)
    path = root / "signatories" / "japan-hrc-2020.yaml"
    text = path.read_text(encoding="utf-8")
    block = "  - name: David Alton\n    type: individual\n"
    start = text.index(block)
    end = text.index("  - name:", start + len(block))
    flow = (
        "  - {name: David Alton, type: individual,  # as he signs\n"
        "     affiliation: Independent Crossbench Member of the House of Lords,\n"
        "     country: U.K., group: international, signed: 2020-02-03, status: signed}\n"
    )
    path.write_text(text[:start] + flow + text[end:], encoding="utf-8")
    result = run("sig", "set", "japan-hrc-2020", "David Alton", "country=United Kingdom")
    assert (result.exit_code, result.stdout) == (
        0,
        "changed: David Alton (signatories/japan-hrc-2020.yaml:10): "
        "country U.K. -> United Kingdom\n",
    )
    assert (
        path.read_text(encoding="utf-8")
        == text[:start] + flow.replace("country: U.K.", "country: United Kingdom") + text[end:]
    )


# -- the check of what an edit made --------------------------------------------------


def _refused_unchanged(path: Path, index: int, **values: Any) -> str:
    before = path.read_bytes()
    listed = ListFile.load(path)
    listed.update(index, **values)
    with pytest.raises(CampaignError) as caught:
        listed.save()
    assert path.read_bytes() == before
    return str(caught.value)


@pytest.mark.parametrize("tied", [False, True], ids=["windows", "whole"])
def test_an_edit_that_reads_as_valid_but_wrong_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tied: bool
) -> None:
    """The old flow rewrite, put back: a valid list, but 'shoe' is gone. Either check
    (the edit's lines with their neighbours, or the whole text when an 'R&D' ties it)
    refuses it."""

    def rewritten(self: ListFile, index: int, span: Any, values: dict[str, Any]) -> list[str]:
        record = listfile.entry_record(self.entries[index]) | values
        return self._new_entry({k: v for k, v in record.items() if v is not None}, span)

    monkeypatch.setattr(ListFile, "_flow_edited", rewritten)
    head = _HEAD.replace("group: a", "group: a\n    affiliation: R&D") if tied else _HEAD
    path = list_written(tmp_path, head + _FLOW + _TAIL)
    assert _refused_unchanged(path, 1, country="Serbia").endswith(
        "/signatories/people.yaml did not come out as expected "
        "(this is a bug in campaign); nothing was written"
    )


@pytest.mark.parametrize("tied", [False, True], ids=["windows", "whole"])
def test_a_value_written_under_the_next_entry_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tied: bool
) -> None:
    """The fault the second attack of 4 December found, made on purpose: the value set
    goes to the entry below, and both entries are valid."""
    real = ListFile._edited

    def misplaced(self: ListFile, index: int, values: dict[str, Any]) -> list[str]:
        lines = real(self, index, {})
        nxt = self._spans[index + 1]
        return lines + self.lines[self._spans[index].end : nxt.start]

    monkeypatch.setattr(ListFile, "_edited", misplaced)
    head = _HEAD.replace("group: a", "group: a\n    affiliation: R&D") if tied else _HEAD
    path = list_written(tmp_path, head + _TAIL)
    assert "did not come out as expected" in _refused_unchanged(path, 0, country="Peru")


def test_an_entry_added_before_an_edited_next_one_lands_where_a_plain_one_would(
    tmp_path: Path,
) -> None:
    """An entry added after the last of group a went below the next entry when that
    one was edited in the same save, and above it when it was not."""
    text = _HEAD + _TAIL
    path = list_written(tmp_path, text)
    added = "  - name: D\n    type: individual\n    group: a\n"
    for edit in (False, True):
        path.write_text(text, encoding="utf-8")
        listed = ListFile.load(path)
        listed.add({"name": "D", "type": "individual", "group": "a"})
        if edit:
            listed.update(1, country="Chile")
        listed.save()
        tail = _TAIL + ("    country: Chile\n" if edit else "")
        assert path.read_text(encoding="utf-8") == _HEAD + added + tail


# -- every edit of a flow entry, against what it must read as --------------------------

_KNOWN = ("affiliation", "country", "notes", "phone", "name_latin")
_CHARS = string.ascii_letters + " ,:#'\"{}[]-&*!|>%@`?\u00e9\u3000"
_WORDS = st.text(_CHARS, min_size=1, max_size=12)


@st.composite
def _flow_entries(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A { } entry over one to three lines, comments after its commas, unknown keys too."""
    pairs = [("name", "B"), ("type", "individual"), ("group", "b")]
    for key in draw(st.lists(st.sampled_from((*_KNOWN, "shoe", "x_tra")), unique=True)):
        pairs.append((key, draw(_WORDS)))
    order = draw(st.permutations(pairs[1:]))
    pairs = [pairs[0], *order]
    parts = [listfile._flow_pair(k, v) for k, v in pairs]
    text = "  - {"
    for n, part in enumerate(parts):
        text += part
        if n < len(parts) - 1:
            text += ","
            if draw(st.booleans()):
                comment = f"  # c{n}" if draw(st.booleans()) else ""
                text += comment + "\n     "
            else:
                text += " "
    text += ("," if draw(st.booleans()) else "") + "}"  # a trailing comma, or none
    text += ("  # end" if draw(st.booleans()) else "") + "\n"
    return text, dict(pairs)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    entry=_flow_entries(),
    edits=st.dictionaries(
        st.sampled_from((*_KNOWN, "group")), st.one_of(st.none(), _WORDS), min_size=1, max_size=3
    ),
)
def test_any_edit_of_a_flow_entry_reads_as_meant_and_keeps_every_comment(
    tmp_path: Path, entry: tuple[str, dict[str, Any]], edits: dict[str, Any]
) -> None:
    flow, data = entry
    edits = {k: v for k, v in edits.items() if not (k == "group" and v is None)}
    text = _HEAD + flow + _TAIL
    path = list_written(tmp_path, text)
    listed = ListFile.load(path)
    listed.update(1, **edits)
    new = listed.render()
    # What a reader of the list makes of it: the entry holds the edits and all else.
    want = dict(data)
    for key, value in edits.items():
        if value is None:
            want.pop(key, None)
        else:
            want[key] = value
    read = data_as_read(compose_as_read(new))["signatories"]
    assert [dict(e) for e in read] == [
        {"name": "A", "type": "individual", "group": "a"},
        want,
        {"name": "C", "type": "individual", "group": "c"},
    ]
    for line in flow.splitlines():
        if "#" in line and "'" not in line and '"' not in line:
            comment = line[line.index("  #") :] if "  #" in line else ""
            assert comment in new
    assert new.startswith(_HEAD) and new.endswith(_TAIL)


@pytest.mark.parametrize("flow", [False, True], ids=["block", "flow"])
def test_a_file_of_lone_crs_gets_lone_crs(tmp_path: Path, flow: bool) -> None:
    """A key appended to an entry of such a file came with a '\\n' of its own."""
    entry = (
        "  - {name: B, type: individual, group: b}\r"
        if flow
        else ("  - name: B\r    type: individual\r    group: b\r")
    )
    path = list_written(tmp_path, "signatories:\r" + entry)
    listed = ListFile.load(path)
    listed.update(0, country="Chile")
    listed.add({"name": "D", "type": "individual", "group": "b"})
    listed.save()
    new = path.read_bytes().decode()
    assert "\n" not in new
    assert new.endswith("  - name: D\r    type: individual\r    group: b\r")


# -- an edit that would change another entry too ---------------------------------------


@pytest.mark.parametrize(
    "anchored",
    [
        "  - &base {name: A Person, type: individual, group: international}\n",
        "  - &base\n    name: A Person\n    type: individual\n    group: international\n",
    ],
    ids=["flow", "block"],
)
def test_an_edit_that_changes_an_entry_merged_from_it_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, anchored: str
) -> None:
    """B takes A's values through '<<': a country set on A was B's too, and only A was
    said to have changed."""
    root = copy_example(tmp_path / "ws")
    monkeypatch.chdir(root)
    path = root / "signatories" / "japan-hrc-2020.yaml"
    text = path.read_text(encoding="utf-8")
    at = text.index("  - name: David Alton")
    merged = "  - {<<: *base, name: B Person}\n"
    path.write_text(text[:at] + anchored + merged + text[at:], encoding="utf-8")
    before = path.read_bytes()
    line = 10 + anchored.count("\n")
    result = run("sig", "set", "japan-hrc-2020", "A Person", "country=Peru")
    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        f"signatories/japan-hrc-2020.yaml:{line}: this edit would also change 'B Person', "
        "which takes values from an entry it changes (through an alias or '<<')\n"
        "  hint: write that entry's values out in full, then run the command again\n"
        "Error: 1 problem in 1 file; nothing was written\n",
    )
    assert path.read_bytes() == before
    # B itself is edited as any { } entry is.
    result = run("sig", "set", "japan-hrc-2020", "B Person", "country=Peru")
    assert result.exit_code == 0
    assert path.read_text(encoding="utf-8") == (
        text[:at] + anchored + "  - {<<: *base, name: B Person, country: Peru}\n" + text[at:]
    )
