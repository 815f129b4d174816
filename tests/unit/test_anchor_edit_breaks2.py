"""Sixth attack, on ListFile._left_without / _Tree (19c3739) and the read-back after it.

All four breaks were older than 19c3739 (they happen at cb41807 too):

1. A key added to an entry that a place outside the list names (``copy: *a``, ``copy:
   *list``, ``<<: *a``) changed that place too, without a word.
2. An entry added to a list named whole outside it (``copy: *list``): the same.
3. A key written as an alias of another entry's key (``*st : pending``): an edit of it
   stopped as "a bug in campaign", or "key 'status' appears twice" in a ``{ }`` entry.
   Now refused at the entry's line as a key campaign cannot edit (its place is the
   named key's); editing it in place is not built.
4. The read-back compared entries of nested aliases (each naming the one before twice)
   whole: minutes for 30 levels, where ``check`` takes a quarter of a second.
5. An edit in a chain of 1,000 merges (each entry ``<<: *`` the one before) ended in a
   RecursionError's traceback: an entry read alone goes down its chain. Now refused
   at the edited entry's line when the chain is too deep to read back (tested at 5,000);
   chains of a few hundred are edited as ever.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import list_entries, list_refused, list_saved, list_written

# -- 1. A key added to an entry that a part of the file outside the list names --------

_COPIED = (
    "signatories: &list\n"
    "  - &a\n"
    "    name: Ann Lee\n"
    "    type: individual\n"
    "    group: g\n"
    "  - name: Bo Ek\n"
    "    type: individual\n"
    "    group: g\n"
    "copy: *a\n"
)


def test_1_a_new_key_in_an_entry_named_outside_the_list_is_refused(tmp_path: Path) -> None:
    """sig set 'Ann Lee' country=Peru (a key she lacks) silently changes 'copy: *a' too."""
    problems = list_refused(tmp_path, _COPIED, lambda listed: listed.update(0, country="Peru"))
    assert problems == [
        (
            2,
            "'Ann Lee' holds values that another part of the file names (through an alias "
            "or '<<'), which this edit would take from it",
        )
    ]


def test_1b_a_new_key_in_an_entry_of_a_list_named_outside_it_is_refused(tmp_path: Path) -> None:
    """sig set 'Bo Ek' country=Peru silently changes 'copy: *list' (refused for group=h)."""
    text = _COPIED.replace("copy: *a", "copy: *list")
    problems = list_refused(tmp_path, text, lambda listed: listed.update(1, country="Peru"))
    assert [line for line, _ in problems] == [6]


def test_1c_a_new_key_in_an_entry_merged_outside_the_list_is_refused(tmp_path: Path) -> None:
    """sig set 'Ann Lee' country=Peru changed 'templates: t: {<<: *a}' (group=h was refused)."""
    text = _COPIED.replace("copy: *a\n", "templates:\n  t: {<<: *a, x: 1}\n")
    problems = list_refused(tmp_path, text, lambda listed: listed.update(0, country="Peru"))
    assert [line for line, _ in problems] == [2]


# -- 2. An entry added to a list that a part of the file outside it names --------------


def test_2_an_entry_added_to_a_list_named_outside_it_is_refused(tmp_path: Path) -> None:
    """sig add to a list that 'copy: *list' names silently adds the entry to 'copy' too."""
    text = _COPIED.replace("copy: *a", "copy: *list")
    record = {"name": "Cy Do", "type": "individual", "group": "g"}
    assert list_refused(tmp_path, text, lambda listed: listed.add(record)) == [
        (
            1,
            "the list is named whole elsewhere in the file (through an alias), which an "
            "entry added would change too",
        )
    ]


# -- 3. A key of an entry written as an alias of another entry's key ------------------

_KEY_NAMED = (
    "signatories:\n"
    "  - name: Ann Lee\n"
    "    type: individual\n"
    "    group: g\n"
    "    &st status: pending\n"
    "  - name: Bo Ek\n"
    "    type: individual\n"
    "    group: g\n"
    "    *st : pending\n"
)


_KEY_REFUSED = (
    8,
    "'status' of 'Bo Ek' is written as an alias ('*name') of a key written elsewhere in "
    "the file, which campaign cannot edit here",
)


def test_3_a_value_under_an_aliased_key_is_refused_at_its_entry(tmp_path: Path) -> None:
    """sig set 'Bo Ek' status=signed ('*st : pending') stopped as 'a bug in campaign'."""
    refused = list_refused(tmp_path, _KEY_NAMED, lambda listed: listed.update(1, status="signed"))
    assert refused == [(6, _KEY_REFUSED[1])]


def test_3b_a_key_that_is_an_alias_deleted_is_refused_at_its_entry(tmp_path: Path) -> None:
    """sig set 'Bo Ek' status= ('*st : pending' deleted) stopped as 'a bug in campaign'."""
    refused = list_refused(tmp_path, _KEY_NAMED, lambda listed: listed.update(1, status=None))
    assert refused == [(6, _KEY_REFUSED[1])]


def test_3c_an_aliased_key_of_a_flow_entry_is_refused_at_its_entry(tmp_path: Path) -> None:
    """In '{..., *st : pending}' sig set status=signed said "key 'status' appears twice"."""
    text = (
        "signatories:\n"
        "  - {name: Ann Lee, type: individual, group: g, &st status: pending}\n"
        "  - {name: Bo Ek, type: individual, group: g, *st : pending}\n"
    )
    refused = list_refused(tmp_path, text, lambda listed: listed.update(1, status="signed"))
    assert refused == [(3, _KEY_REFUSED[1])]


def test_3_the_entry_whose_key_is_named_can_be_edited_otherwise(tmp_path: Path) -> None:
    """Ann's other keys, and Bo's, are edited as ever."""
    path = list_written(tmp_path, _KEY_NAMED)
    entries = list_entries(list_saved(path, 1, group="h"))
    assert entries[1]["group"] == "h"
    assert entries[1]["status"] == "pending"


# -- 4. The read-back compares other entries' values expanded through their aliases --


def _nested(levels: int) -> str:
    """A list whose second entry holds ``levels`` values, each naming the one before twice."""
    text = (
        "signatories:\n"
        "  - name: Ann Lee\n    type: individual\n    group: g\n    status: pending\n"
        "  - name: Bo Ek\n    type: individual\n    group: g\n    x0: &a0 [z, z]\n"
    )
    return text + "".join(f"    x{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n" for i in range(1, levels))


def test_4_entries_of_nested_aliases_are_compared_a_pair_of_values_once() -> None:
    """Two readings of 34 levels (2**34 paths) compared through each pair of lists once."""
    from campaign.lists.listfile import _same_data
    from campaign.load.yamlfile import compose_as_read, data_as_read

    old, new = (data_as_read(compose_as_read(_nested(34))) for _ in range(2))
    assert old is not new
    seen: set[tuple[int, int]] = set()
    assert _same_data(old, new, seen)
    assert len(seen) < 100  # the lists, the entries and the list of entries, once each
    changed = data_as_read(compose_as_read(_nested(34).replace("[z, z]", "[z, y]")))
    assert not _same_data(old, changed)


def test_4_an_edit_next_to_an_entry_of_nested_aliases_ends(tmp_path: Path) -> None:
    """sig approve 'Ann Lee' beside an entry of 34 nested aliases ran for minutes."""
    from campaign.lists.listfile import _same_data

    path = list_written(tmp_path, _nested(34))
    code = (
        "import sys; from campaign.lists.listfile import ListFile\n"
        "listed = ListFile.load(__import__('pathlib').Path(sys.argv[1]))\n"
        "listed.update(0, status='signed'); listed.save()\n"
    )
    # In a process of its own, so that a comparison gone exponential again fails the
    # test rather than hang the run (the edit itself takes a fraction of a second).
    subprocess.run([sys.executable, "-c", code, str(path)], timeout=300, check=True)
    entries = list_entries(path.read_text(encoding="utf-8"))
    assert entries[0]["status"] == "signed"
    assert _same_data(entries[1], list_entries(_nested(34))[1])  # '==' walks 2**34 paths


# -- 5. A chain of 1,000 merges: a RecursionError's traceback when saved ---------------


def _chain(links: int) -> str:
    """A list whose every entry merges the one before ('<<'), ``links`` entries long."""
    lines = ["signatories:\n", "  - &a0 {name: Ann Lee, type: individual, group: g}\n"]
    lines += [f"  - &a{i} {{<<: *a{i - 1}, name: P{i}}}\n" for i in range(1, links)]
    return "".join(lines)


def test_5_an_edit_in_a_chain_of_merges_too_deep_is_refused_at_its_entry(
    tmp_path: Path,
) -> None:
    """sig approve in a chain of 1,000 merges ended in a RecursionError's traceback.

    Under Python's own recursion limit, set here: a test run before this one may have
    raised it (a CI run then read 5,000 back, and made the edit, which is right too).
    """
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    try:
        refused = list_refused(
            tmp_path, _chain(5000), lambda listed: listed.update(4999, country="Peru")
        )
    finally:
        sys.setrecursionlimit(limit)
    assert refused == [
        (
            5001,
            "the list's entries take values from one another through a chain of merges "
            "('<<') or aliases too long for campaign to edit and check",
        )
    ]


def test_5_an_edit_in_a_chain_of_a_hundred_merges_goes(tmp_path: Path) -> None:
    """A chain of a hundred merges is edited as ever."""
    path = list_written(tmp_path, _chain(100))
    entries = list_entries(list_saved(path, 99, country="Peru"))
    assert entries[99]["country"] == "Peru"
    assert entries[98] == list_entries(_chain(100))[98]
