"""Breaks of a4211d9 (sig commands load a list an entry at a time: ListFile.streamed,
its keys found later by ListFile._keyed in the entry's lines alone).

New with the streamed load (the same edit on the list loaded whole does not crash):

1. A %TAG directive after a line that ends in a lone CR, NEL or U+2028: ``_TIED``'s
   ``^%`` (re.MULTILINE) sees a line start only after '\\n', so the entry's lines are
   read alone, without the directive, and ``sig set`` crashes with a YAML traceback
   ("found undefined tag handle"). Loaded whole, the edit is refused instead (also wrong).
2. An entry of an indented list whose last value is a nested block list or mapping: its
   span ends one line too far down (libyaml ends the block at the next entry's '-',
   column 2: ``_end_line`` counts that line). Read alone, the entry's lines take the
   next entry's first line with them; when that entry is written over several lines
   ({ } flow, a quoted text), they do not read, and ``sig set`` crashes with a YAML
   traceback. Loaded whole, the edit is refused ("did not find expected ',' or '}'").

Older, on both loads (the same overlap, 2.), and worse: the edit is written wrong.

3. Removing such an entry takes the next entry's first line with it: a one-line next
   entry disappears silently; a longer one leaves a file that does not read.
4. A field set on such an entry goes to the next entry when the list's edit is checked
   whole (any '&x', '*x', '<<' or '%' directive in the file: an 'R&D' in an
   affiliation): ``sig set`` says "changed: A" and B has A's new value. Otherwise the
   right edit is refused, with errors about B or "this is a bug in campaign".

(5., a stop while the console script loads what takes the stops over, is a case of
tests/e2e/test_stopped_while_loading.py.)

A third attack, on the mending of 2. to 4. (a mark with nothing but blanks before it on
its line ends the node at the line above):

6. Blanks were found with ``str.strip()``, which takes U+3000 and U+00A0 for blanks; to
   YAML they are text. A value continued on a line holding only such a character ended
   a line short, and taking it out, or writing it quoted, was refused.
7. (older) The last entry of the file ending so: a quoted value written on it left the
   line below it, and a file that check refuses was written.
8. (older, at column 0 too) An entry ending in a nested block list or mapping took the
   comments above the next entry as its own: removing it removed them. Its end is now
   where its last value ends (yamlfile.content_end).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from campaign.errors import CampaignError, ProblemsFound
from campaign.lists.listfile import ListFile
from campaign.load.records import load_signature_list
from campaign.load.yamlfile import NotStreamed

from conftest import copy_example, list_written, run


def _whole_only(cls: Any, path: Path, raw: bytes) -> Any:
    raise NotStreamed


def _edited(tmp_path: Path, text: str, edits: list[tuple[Any, ...]], whole: bool) -> Any:
    """The edits made on a list of ``text`` loaded as ``sig`` commands load it (or
    whole), then saved: ("written", the file's bytes), ("refused", why) or ("crashed",
    the exception a user would see as a traceback)."""
    path = list_written(tmp_path, text)
    with pytest.MonkeyPatch.context() as patch:
        if whole:
            patch.setattr(ListFile, "streamed", classmethod(_whole_only))
        try:
            listed = ListFile.load(path)
            for edit in edits:
                if edit[0] == "update":
                    listed.update(edit[1], **edit[2])
                elif edit[0] == "remove":
                    listed.remove(edit[1])
            listed.save()
        except ProblemsFound as exc:
            return ("refused", [(p.line, p.message) for p in exc.problems])
        except CampaignError as exc:
            return ("refused", str(exc).replace(str(path.parent.parent), "ws"))
        except Exception as exc:  # a traceback for the user
            return ("crashed", f"{type(exc).__name__}: {exc}")
    return ("written", path.read_bytes())


def _read_back(tmp_path: Path, raw: bytes) -> list[tuple[str, str, str, str]]:
    """The entries a file of ``raw`` holds (name, type, group, country), as check reads them."""
    probe = list_written(tmp_path, "")
    probe.write_bytes(raw)
    problems: list[Any] = []
    loaded = load_signature_list(probe, problems, allow_empty=True)
    assert loaded is not None, problems
    assert not [p for p in problems if not p.warning], problems
    return [(e.name, e.type, e.group, e.country) for e in loaded.entries]


# -- 1. a %TAG directive after a lone CR / NEL / U+2028 line break (new: a traceback) --

_TAGGED = (
    "# A list.{nl}%TAG !e! tag:yaml.org,2002:{nl}---{nl}signatories:{nl}"
    "- name: A{nl}  type: individual{nl}  group: a{nl}  links: [!e!str x, y]{nl}"
    "- name: B{nl}  type: individual{nl}  group: b{nl}"
)


@pytest.mark.parametrize("nl", ["\r", "\x85", "\u2028"], ids=["cr", "nel", "ls"])
def test_an_entry_tagged_by_a_directive_after_a_lone_cr_is_edited_as_loaded_whole(
    tmp_path: Path, nl: str
) -> None:
    """The streamed load crashes ("ParserError: found undefined tag handle") where the
    whole load refuses: not the same answer, and a traceback."""
    text = _TAGGED.format(nl=nl)
    edits = [("update", 0, {"name": "Ay"})]
    streamed = _edited(tmp_path, text, edits, whole=False)
    whole = _edited(tmp_path, text, edits, whole=True)
    assert streamed[0] != "crashed", streamed
    assert streamed == whole


@pytest.mark.parametrize("which", [0, 1], ids=["tagged-entry", "its-neighbour"])
@pytest.mark.parametrize("nl", ["\r", "\x85", "\u2028"], ids=["cr", "nel", "ls"])
def test_an_edit_next_to_a_tag_named_by_a_directive_after_a_lone_cr_is_written(
    tmp_path: Path, nl: str, which: int
) -> None:
    """As test_read_streamed_breaks' directive case, with the file's lines ending in a
    lone CR (old Mac editors), NEL or U+2028: both loads fail (streamed: a traceback for
    the tagged entry; whole, and streamed for its neighbour: "YAML syntax: found
    undefined tag handle", a right edit refused)."""
    text = _TAGGED.format(nl=nl)
    name = "AB"[which]
    for whole in (False, True):
        outcome = _edited(tmp_path, text, [("update", which, {"name": name + "y"})], whole)
        assert outcome[0] == "written", (whole, outcome)
        assert outcome[1].decode() == text.replace(f"name: {name}{nl}", f"name: {name}y{nl}")


# -- 2. the entry's lines read alone take the next entry's first line (new: a traceback) --

# An entry whose last value is a nested block (an unknown key: warned, allowed), then
# an entry written over several lines, in a list indented as the example's is.
_NESTED_LAST = (
    "    extra:\n      k: 1\n",  # a mapping
    "    tags:\n      - x\n",  # a list
    "    tags:\n    - x\n",  # a list, unindented
)
_LONG_NEXT = (
    "  - {name: B,\n     type: individual, group: b}\n",
    '  - name: "B\n      Bee"\n    type: individual\n    group: b\n',
)


def _nested_then(last: str, following: str) -> str:
    return "signatories:\n  - name: A\n    type: individual\n    group: a\n" + last + following


@pytest.mark.parametrize("following", _LONG_NEXT, ids=["flow", "quoted"])
@pytest.mark.parametrize("last", _NESTED_LAST, ids=["mapping", "list", "list-unindented"])
def test_an_entry_ending_in_a_nested_block_before_a_long_entry_is_edited_as_loaded_whole(
    tmp_path: Path, last: str, following: str
) -> None:
    """Streamed: "ParserError: did not find expected node content" / "ScannerError:
    while scanning a quoted scalar" (a traceback from ``sig set``); whole: refused."""
    text = _nested_then(last, following)
    for edit in ({"country": "Chile"}, {"name": "Ay"}):
        streamed = _edited(tmp_path, text, [("update", 0, edit)], whole=False)
        whole = _edited(tmp_path, text, [("update", 0, edit)], whole=True)
        assert streamed[0] != "crashed", streamed
        assert streamed == whole


@pytest.mark.parametrize("following", _LONG_NEXT, ids=["flow", "quoted"])
@pytest.mark.parametrize("last", _NESTED_LAST, ids=["mapping", "list", "list-unindented"])
def test_an_entry_ending_in_a_nested_block_before_a_long_entry_is_edited(
    tmp_path: Path, last: str, following: str
) -> None:
    text = _nested_then(last, following)
    b = "B" if following.startswith("  - {") else "B Bee"
    for whole in (False, True):
        outcome = _edited(tmp_path, text, [("update", 0, {"country": "Chile"})], whole)
        assert outcome[0] == "written", (whole, outcome)
        assert _read_back(tmp_path, outcome[1]) == [
            ("A", "individual", "a", "Chile"),
            (b, "individual", "b", ""),
        ]


# -- 3. removing such an entry takes the next entry's first line (older: wrong files) --

_ANY_NEXT = (
    "  - {name: B, type: individual, group: b}\n",  # silently deleted with A
    "  - {name: B,\n     type: individual, group: b}\n",  # a file that does not read
    "  - name: B\n    type: individual\n    group: b\n",  # 'signatories' a mapping
)


@pytest.mark.parametrize("following", _ANY_NEXT, ids=["flow", "flow-long", "block"])
@pytest.mark.parametrize("last", _NESTED_LAST, ids=["mapping", "list", "list-unindented"])
def test_removing_an_entry_ending_in_a_nested_block_keeps_the_next_one(
    tmp_path: Path, last: str, following: str
) -> None:
    """``sig remove A`` wrote 'signatories:' alone (B gone, no word), or a file
    that check refuses; nothing refused it."""
    text = _nested_then(last, following)
    for whole in (False, True):
        outcome = _edited(tmp_path, text, [("remove", 0)], whole)
        assert outcome[0] == "written", (whole, outcome)
        assert _read_back(tmp_path, outcome[1]) == [("B", "individual", "b", "")]
        assert outcome[1] == ("signatories:\n" + following).encode()


# -- 4. a field set on such an entry goes to the next one (older: wrong data, silently) --


@pytest.mark.parametrize("tied", [False, True], ids=["checked-in-windows", "checked-whole"])
@pytest.mark.parametrize("last", _NESTED_LAST, ids=["mapping", "list", "list-unindented"])
def test_a_field_set_on_an_entry_ending_in_a_nested_block_is_its_own(
    tmp_path: Path, last: str, tied: bool
) -> None:
    """With an 'R&D' in the file (the edit checked whole), 'country: Chile' is written
    under B's '- name: B' and the save goes through: B is from Chile, A is not. Without
    it, the right edit is refused: "signatory 'B' has no 'type'"."""
    affiliation = "    affiliation: R&D lab\n" if tied else ""
    text = (
        "signatories:\n  - name: A\n    type: individual\n    group: a\n"
        + affiliation
        + last
        + "  - name: B\n    type: individual\n    group: b\n"
    )
    for whole in (False, True):
        outcome = _edited(tmp_path, text, [("update", 0, {"country": "Chile"})], whole)
        assert outcome[0] == "written", (whole, outcome)
        assert _read_back(tmp_path, outcome[1]) == [
            ("A", "individual", "a", "Chile"),
            ("B", "individual", "b", ""),
        ]


def test_sig_set_on_the_example_sets_the_entry_it_names(tmp_path: Path) -> None:
    """End to end, on the example list (indented): an unknown key holding a list in one
    entry, and an 'R&D' in another's affiliation. ``sig set ... "Yanghee Lee"
    country=Korea`` says "changed: Yanghee Lee ... country (none) -> Korea", exit 0, and
    writes 'country: Korea' under Vitit Muntarbhorn."""
    ws = copy_example(tmp_path / "ws")
    path = ws / "signatories" / "japan-hrc-2020.yaml"
    text = path.read_text()
    text = text.replace(
        "    signed: 2020-02-13\n    status: signed\n  - name: Vitit Muntarbhorn",
        "    signed: 2020-02-13\n    status: signed\n    languages:\n      - en\n      - ko\n"
        "  - name: Vitit Muntarbhorn",
        1,
    )
    text = text.replace("affiliation: Independent Crossbench", "affiliation: R&D Crossbench")
    assert "languages:" in text and "R&D" in text
    path.write_text(text)
    result = run("sig", "set", "japan-hrc-2020", "Yanghee Lee", "country=Korea", workspace=ws)
    assert result.exit_code == 0, result.output
    problems: list[Any] = []
    loaded = load_signature_list(path, problems)
    assert loaded is not None
    countries = {e.name: e.country for e in loaded.entries}
    assert (countries["Yanghee Lee"], countries["Vitit Muntarbhorn"]) == ("Korea", "")


# -- 6. a value ending in a line of U+3000 / U+00A0, followed by another key -----------


@pytest.mark.parametrize("space", ["\u3000", "\xa0"], ids=["ideographic", "nbsp"])
@pytest.mark.parametrize(
    "edit",
    [{"notes": None}, {"notes": "x: y"}],
    ids=["notes-taken-out", "notes-quoted"],
)
def test_a_value_ending_in_a_unicode_space_line_is_rewritten_whole(
    tmp_path: Path, space: str, edit: dict[str, Any]
) -> None:
    """Before c9f7175 both were written right; now refused: (5 or 6, 'YAML syntax: this
    line is indented differently from the lines around it')."""
    text = (
        "signatories:\n"
        "  - name: A\n"
        "    type: individual\n"
        '    group: "a"\n'
        "    notes: first\n"
        f"      {space}\n"
        "    country: Peru\n"
        "  - name: B\n"
        "    type: individual\n"
        "    group: b\n"
    )
    for whole in (False, True):
        outcome = _edited(tmp_path, text, [("update", 0, edit)], whole)
        assert outcome[0] == "written", (whole, outcome)
        assert _read_back(tmp_path, outcome[1]) == [
            ("A", "individual", "a", "Peru"),
            ("B", "individual", "b", ""),
        ]
        assert space not in outcome[1].decode()  # the old value went, all of it


# -- 7. the last entry ending so: a file check refuses is written (older) -------------

_LAST_ENDS_IN_SPACE_LINE = (
    "signatories:\n"
    "  - name: A\n"
    "    type: individual\n"
    "    group: a\n"
    "  - name: B\n"
    "    type: individual\n"
    "    group: b\n"
    "    notes: first\n"
    "      \u3000\n"
)


@pytest.mark.parametrize(
    "edit",
    [{"notes": "x: y"}, {"affiliation": "Human Rights Now: Tokyo"}],
    ids=["its-value-quoted", "a-quoted-value-added"],
)
def test_an_edit_of_the_last_entry_ending_in_a_unicode_space_line_writes_a_list_that_reads(
    tmp_path: Path, edit: dict[str, Any]
) -> None:
    """Written: "    notes: 'x: y'\\n      \\u3000\\n" (or the affiliation line above
    the U+3000 line), which check refuses: (9, 'YAML syntax: this line is indented
    differently from the lines around it'). Nothing refused the save."""
    for whole in (False, True):
        outcome = _edited(tmp_path, _LAST_ENDS_IN_SPACE_LINE, [("update", 1, edit)], whole)
        if outcome[0] == "written":
            _read_back(tmp_path, outcome[1])  # AssertionError: the file does not read
        else:  # refusing would at least write nothing wrong; but it is a right edit
            pytest.fail(f"right edit not written: {outcome}")


def test_removing_the_first_entry_ending_in_a_unicode_space_line(tmp_path: Path) -> None:
    """Refused: (3, "YAML syntax: a ':' where YAML did not expect one"): the U+3000
    line is left under 'signatories:'."""
    text = (
        "signatories:\n"
        "  - name: A\n"
        "    type: individual\n"
        "    group: a\n"
        "    notes: first\n"
        "      \u3000\n"
        "  - name: B\n"
        "    type: individual\n"
        "    group: b\n"
    )
    for whole in (False, True):
        outcome = _edited(tmp_path, text, [("remove", 0)], whole)
        assert outcome[0] == "written", (whole, outcome)
        assert outcome[1] == b"signatories:\n  - name: B\n    type: individual\n    group: b\n"


# -- 8. comments after an entry ending in a nested block go with it --------------------


@pytest.mark.parametrize("indent", [0, 2, 4])
@pytest.mark.parametrize(
    "last",
    ["{k}tags:\n{k}  - x\n", "{k}tags:\n{k}- x\n", "{k}extra:\n{k}  x: 1\n"],
    ids=["list", "list-unindented", "mapping"],
)
def test_removing_an_entry_ending_in_a_nested_block_keeps_the_comment_below_it(
    tmp_path: Path, indent: int, last: str
) -> None:
    """'# B signed on paper ...' is removed with A; with A's last value on one line
    ('country: Peru') it stays, as remove's docstring says."""
    d, k = " " * indent, " " * (indent + 2)
    text = (
        f"signatories:\n{d}- name: A\n{k}type: individual\n{k}group: a\n"
        + last.format(k=k)
        + f"{d}# B signed on paper; keep the scan\n"
        + f"{d}- name: B\n{k}type: individual\n{k}group: b\n"
    )
    for whole in (False, True):
        outcome = _edited(tmp_path, text, [("remove", 0)], whole)
        assert outcome[0] == "written", (whole, outcome)
        assert outcome[1].decode() == (
            f"signatories:\n{d}# B signed on paper; keep the scan\n"
            f"{d}- name: B\n{k}type: individual\n{k}group: b\n"
        )
