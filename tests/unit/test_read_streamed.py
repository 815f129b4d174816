"""A long list read an entry at a time (listfile._read_streamed) reads as read whole.

The child that reads a long list held the whole parse's nodes until it ended (76 MB
for 20,000 entries). It now lets each entry's go once read: for any text, it gives
exactly what the whole read gives (entries, warnings, the reading kept), or leaves the
text to the whole read (NotStreamed), which says its errors as it always has.
"""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.errors import Problem, ProblemsFound
from campaign.lists import listfile
from campaign.lists.listfile import Kept, read_list
from campaign.load.yamlfile import NotStreamed

# Entries a list is read an entry at a time with: block and flow, a note in a block,
# keys no entry has (warnings) with lists, mappings, numbers and nothing for values, a
# date, quoted text, blank lines and comments.
_PLAIN = (
    "- name: {name}\n  type: individual\n  group: {group}\n",
    "- {{name: {name}, type: organization, group: {group}}}\n",
    "- name: {name}\n  type: individual\n  group: {group}\n  notes: |\n    met at\n"
    "    the forum\n\n",
    "# a comment\n- name: {name}\n  group: {group}\n  colour: red\n  type: organization\n",
    "- name: '{name}'\n  type: individual\n  group: \"{group}\"\n  signed: 2024-04-02\n"
    "  email: someone@example.org\n",
    "-\n  name: {name}\n  type: individual\n\n\n  group: {group}\n",
    "- name: {name}\n  type: individual\n  group: {group}\n  tags:\n    - one\n    - 2\n"
    "  extra:\n  count: 3\n  also: {{a: [1, yes]}}\n",
    "- {{name: {name}, type: individual, group: {group}, signed: 2024-01-05}}\n",
)
# Entries that leave the text to the whole read: an anchor and its alias, a merge, a
# key twice, a tag, an error in an entry, a value that cannot be read, a syntax error,
# an entry that is not a mapping.
_OTHER = (
    "- &p{n} {{name: {name}, type: individual, group: {group}}}\n- *p{n}\n",
    "- <<: {{type: individual}}\n  name: {name}\n  group: {group}\n",
    "- name: {name}\n  name: {name} Again\n  type: individual\n  group: {group}\n",
    "- !!map {{name: {name}, type: individual, group: {group}}}\n",
    "- name: {name}\n  type: robot\n  group: {group}\n",
    "- name: {name}\n  type: individual\n  group: {group}\n  signed: !!int soon\n",
    "- name: {name}\n  type: individual\n group: {group}\n",
    "- just a name\n",
)
_HEADS = ("signatories:\n", "# A list.\n\nsignatories:\n", "---\nsignatories:\n")
_TAILS = ("", "# the end\n", "...\n", "other: 1\n", "---\nsignatories: []\n")


def _text(forms: list[int], head: int, tail: int) -> str:
    entries = (_PLAIN + _OTHER)[0:0]
    for n, form in enumerate(forms):
        entries += (((_PLAIN + _OTHER)[form]).format(n=n, name=f"Person {n}", group="ab"[n % 2]),)
    return _HEADS[head] + "".join(entries) + _TAILS[tail]


def _both(path: Path) -> tuple[Any, Any]:
    """What the whole read gives, and what the read an entry at a time gives (or NotStreamed)."""
    raw, before = path.read_bytes(), os.stat(path)
    whole_problems: list[Problem] = []
    whole_kept: list[Kept] = []
    whole = listfile._read_whole(path, raw, before, whole_problems, whole_kept)
    problems: list[Problem] = []
    kept: list[Kept] = []
    try:
        streamed: Any = listfile._read_streamed(path, raw, before, problems, kept)
    except NotStreamed:
        assert (problems, kept) == ([], [])  # nothing said or kept by a read left whole
        streamed = NotStreamed
    return (whole, whole_problems, whole_kept), (
        streamed if streamed is NotStreamed else (streamed, problems, kept)
    )


def _written(root: Path, text: str, crlf: bool, bom: bool) -> Path:
    (root / "signatories").mkdir(parents=True, exist_ok=True)
    path = root / "signatories" / "people.yaml"
    data = (text.replace("\n", "\r\n") if crlf else text).encode()
    path.write_bytes(b"\xef\xbb\xbf" + data if bom else data)
    return path


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    forms=st.lists(st.integers(0, len(_PLAIN) + len(_OTHER) - 1), min_size=1, max_size=6),
    head=st.integers(0, len(_HEADS) - 1),
    tail=st.integers(0, len(_TAILS) - 1),
    crlf=st.booleans(),
    bom=st.booleans(),
    cut=st.booleans(),
)
def test_a_list_read_an_entry_at_a_time_reads_as_read_whole_or_is_left_to_it(
    tmp_path_factory: pytest.TempPathFactory,
    forms: list[int],
    head: int,
    tail: int,
    crlf: bool,
    bom: bool,
    cut: bool,
) -> None:
    text = _text(forms, head, tail)
    if cut:  # no line break at the end
        text = text.rstrip("\n")
    path = _written(tmp_path_factory.mktemp("ws"), text, crlf, bom)
    whole, streamed = _both(path)
    plain = all(f < len(_PLAIN) for f in forms) and tail < 3
    erred = any(not p.warning for p in whole[1])
    if plain:
        assert streamed == whole  # read an entry at a time, and the same
        assert whole[2]  # its reading kept
    elif erred:
        assert streamed is NotStreamed  # its errors said by the whole read
    else:
        assert streamed in (NotStreamed, whole)


def test_a_list_read_an_entry_at_a_time_holds_a_fraction_of_the_whole_parse(
    tmp_path: Path,
) -> None:
    """At its largest, the read holds the entries and their reading, not every node of the text."""
    forms = [n % len(_PLAIN) for n in range(3000)]
    path = _written(tmp_path, _text(forms, 0, 0), crlf=False, bom=False)
    raw, before = path.read_bytes(), os.stat(path)
    peaks = {}
    for name, read in (("whole", listfile._read_whole), ("streamed", listfile._read_streamed)):
        tracemalloc.start()
        try:
            read(path, raw, before, [], [])
            peaks[name] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peaks["streamed"] * 2 < peaks["whole"], peaks


def test_a_long_list_with_errors_is_read_whole_in_its_child(tmp_path: Path) -> None:
    """A value that cannot be read early on, and a syntax error further down: the
    syntax error is what is said, as a whole parse finds it first."""
    forms = [n % len(_PLAIN) for n in range(listfile.RENEWED + 5)]
    text = _text(forms, 0, 0)
    text = text.replace("  signed: 2024-04-02\n", "  signed: !!int soon\n", 1)
    text += "- name: Last\n  type: individual\n group: a\n"
    path = _written(tmp_path, text, crlf=False, bom=False)
    assert path.stat().st_size >= listfile.APART  # read in a child
    problems: list[Problem] = []
    kept: list[Kept] = []
    assert read_list(path, problems, kept) is None
    assert [(p.line, p.message) for p in problems] == [
        (
            text.count("\n"),
            "YAML syntax: " + "this line is indented differently from the lines around it",
        )
    ]
    assert kept == []


def _whole_only(cls: Any, path: Path, raw: bytes) -> Any:
    raise NotStreamed


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    forms=st.lists(st.integers(0, len(_PLAIN) - 1), min_size=2, max_size=6),
    crlf=st.booleans(),
    bom=st.booleans(),
    cut=st.booleans(),
    edit=st.integers(0, 2),
    which=st.integers(0, 5),
)
def test_a_list_loaded_an_entry_at_a_time_is_edited_as_one_loaded_whole(
    tmp_path_factory: pytest.TempPathFactory,
    forms: list[int],
    crlf: bool,
    bom: bool,
    cut: bool,
    edit: int,
    which: int,
) -> None:
    """``sig`` commands load a list for editing (ListFile.load) an entry at a time too:
    the same edit makes the same file (or the same refusal) as on the list loaded whole."""
    text = _text(forms, 1, 1)
    if cut:
        text = text.rstrip("\n")
    root = tmp_path_factory.mktemp("ws")
    path = _written(root, text, crlf, bom)
    raw = path.read_bytes()
    made = {}
    for way in ("streamed", "whole"):
        with pytest.MonkeyPatch.context() as patch:
            if way == "whole":
                patch.setattr(listfile.ListFile, "streamed", classmethod(_whole_only))
            listed = listfile.ListFile.load(path)
            # Read an entry at a time, an entry's keys are found when an edit needs them.
            assert {span.keys is None for span in listed._spans} == {way == "streamed"}
            index = which % len(listed.entries)
            if edit == 0:
                listed.update(index, name="Someone Else", notes="two\nlines")
            elif edit == 1:
                listed.remove(index)
            else:
                listed.add({"name": "New Person", "type": "individual", "group": "a"})
            warned = [(p.line, p.message) for p in listed.warnings]
            try:
                listed.save()  # its edits checked, as the sig commands save them
                made[way] = (path.read_bytes(), warned)
            except ProblemsFound as refused:
                made[way] = (refused.problems, warned)
            path.write_bytes(raw)  # as it was, for the other way
    assert made["streamed"] == made["whole"]
