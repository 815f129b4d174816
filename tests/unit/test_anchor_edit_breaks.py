"""Fifth attack, on ListFile._left_without as first written (8650a09): what broke.

Breaks 1 to 3 refused edits that were right (an alias of another key of the entry, a
key a merging entry overrides, an alias the same edit replaces); 4 to 8 missed what an
edit takes out (a key's anchor, an alias in the edited entry itself, the whole list or
a key of the file named elsewhere, a value set to what it was). Mended by reading which
place names a node through an alias from where the nodes are written (``_Tree``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from campaign.errors import ProblemsFound
from campaign.lists.edit import approve
from campaign.lists.listfile import ListFile

from conftest import list_entries, list_refused, list_saved, list_written

_DAY = dt.date(2026, 12, 1)


# -- 1. An alias to an anchor on another key of the same entry counts as that key's own --

_SAME_ENTRY = (
    "signatories:\n"
    "  - name: &n Acme\n"
    "    type: organization\n"
    "    group: orgs\n"
    "    sort_as: *n\n"
    "  - name: Bob Ek\n"
    "    type: individual\n"
    "    group: people\n"
    "    sort_as: *n\n"
)


def test_1_a_value_that_is_an_alias_of_its_own_entrys_name_can_be_set(tmp_path: Path) -> None:
    """sig set Acme sort_as=Zed refused as changing 'Bob Ek', whose *n (Acme's name) stays."""
    path = list_written(tmp_path, _SAME_ENTRY)
    text = list_saved(path, 0, sort_as="Zed")
    old, new = "    sort_as: *n\n  - name: Bob", "    sort_as: Zed\n  - name: Bob"
    assert text == _SAME_ENTRY.replace(old, new)


# -- 2. A merging entry that overrides the key changed is said to change ------------------

_TEMPLATE = (
    "signatories:\n"
    "  - &a\n"
    "    name: Andes Trust\n"
    "    type: organization\n"
    "    group: orgs\n"
    "    country: Chile\n"
    "  - <<: *a\n"
    "    name: Bosque Verde\n"
    "    country: Peru\n"
)


def test_2_a_key_that_a_merging_entry_overrides_can_be_set(tmp_path: Path) -> None:
    """sig set 'Andes Trust' country=Argentina refused as changing 'Bosque Verde' (own country)."""
    path = list_written(tmp_path, _TEMPLATE)
    text = list_saved(path, 0, country="Argentina")
    assert text == _TEMPLATE.replace("Chile", "Argentina")
    assert list_entries(text)[1] == list_entries(_TEMPLATE)[1]


# -- 3. An entry whose aliased value is itself replaced by the same edit ------------------

_SHARED_STATUS = (
    "signatories:\n"
    "  - name: Ann Lee\n"
    "    type: individual\n"
    "    group: g\n"
    "    status: &p pending\n"
    "  - name: Bo Ek\n"
    "    type: individual\n"
    "    group: g\n"
    "    status: *p\n"
)


def test_3_approve_all_pending_where_one_status_is_an_alias_of_another(tmp_path: Path) -> None:
    """sig approve --all-pending refused as changing 'Bo Ek', though Bo Ek's *p is replaced too."""
    path = list_written(tmp_path, _SHARED_STATUS)
    approve(path, None, _DAY)
    entries = list_entries(path.read_text(encoding="utf-8"))
    assert [e["status"] for e in entries] == ["signed", "signed"]


def test_3_an_entry_taken_out_whose_anchor_the_other_edit_replaces(tmp_path: Path) -> None:
    """Remove A and set B's group (B's group: *g names A's): refused, though *g goes too."""
    text = (
        "signatories:\n  - name: A\n    type: individual\n    group: &g a\n"
        "  - name: B\n    type: individual\n    group: *g\n"
    )
    path = list_written(tmp_path, text)
    listed = ListFile.load(path)
    listed.remove(0)
    listed.update(1, group="b")
    listed.save()
    assert path.read_text(encoding="utf-8") == (
        "signatories:\n  - name: B\n    type: individual\n    group: b\n"
    )


# -- 4. An anchor on a key taken out: not checked, a YAML error said at a wrong line ------

_KEY_ANCHOR = (
    "signatories:\n"
    "  - name: A\n"
    "    type: individual\n"
    "    group: g\n"
    "    &k email: a@example.org\n"
    "  - name: B\n"
    "    type: individual\n"
    "    group: g\n"
    "    *k : b@example.org\n"
)


def test_4_a_key_another_entry_names_taken_out_is_said_at_a_line_of_the_file(
    tmp_path: Path,
) -> None:
    """sig set A email= (its key anchored &k, B's key *k): unknown alias at 8, B's 'group: g'."""
    problems = list_refused(tmp_path, _KEY_ANCHOR, lambda listed: listed.update(0, email=None))
    # B's entry, in the file as it is; not line 8 of the new text.
    assert [line for line, _ in problems] == [6]
    assert not any(message.startswith("YAML syntax") for _, message in problems)


# -- 5. An alias in the entry changed itself: a YAML error at a line of the new text ------

_SELF = (
    "signatories:\n"
    "  - name: Acme\n"
    "    type: organization\n"
    "    group: orgs\n"
    "    affiliation: &f >-\n"
    "      Some long\n"
    "      folded text\n"
    "    sort_as: *f\n"
    "  - name: Bob Ek\n"
    "    type: individual\n"
    "    group: people\n"
)


def test_5_a_value_its_own_entry_names_replaced_is_said_at_a_line_of_the_file(
    tmp_path: Path,
) -> None:
    """sig set Acme affiliation=X (its sort_as: *f): unknown alias at 6, 'Some long'."""
    problems = list_refused(tmp_path, _SELF, lambda listed: listed.update(0, affiliation="X"))
    # The entry, in the file as it is.
    assert problems == [
        (2, "another value of 'Acme' names (through an alias) the value this edit changes")
    ]
    assert not any(message.startswith("YAML syntax") for _, message in problems)


# -- 6. The whole list named elsewhere: '*list' changes silently, '[*list]' is refused -----

_WHOLE = (
    "signatories: &list\n"
    "  - name: A\n    type: individual\n    group: g\n"
    "  - name: B\n    type: individual\n    group: g\n"
)


def test_6_an_entry_taken_out_of_a_list_another_key_aliases_whole(tmp_path: Path) -> None:
    """'copy: *list' lost A silently on sig remove A, while 'copy: [*list]' was refused."""
    for copy in ("copy: [*list]\n", "copy: *list\n"):
        problems = list_refused(tmp_path, _WHOLE + copy, lambda listed: listed.remove(0))
        assert [line for line, _ in problems] == [2]


# -- 7. An alias used as a key of the top mapping is not looked at ------------------------

_ROOT_KEY = (
    "signatories:\n"
    "  - name: B\n"
    "    type: individual\n"
    "    group: b\n"
    "  - name: &n Acme\n"
    "    type: organization\n"
    "    group: orgs\n"
    "notes: kept\n"
    "*n : a key of the file named through an alias\n"
)


def test_7_an_entry_whose_name_is_a_key_of_the_file_taken_out(tmp_path: Path) -> None:
    """sig remove Acme (its &n a key '*n' of the file): unknown alias at 6, Acme's 'type:'."""
    problems = list_refused(tmp_path, _ROOT_KEY, lambda listed: listed.remove(1))
    # Acme's line (what names it is outside the list); not line 6.
    assert [line for line, _ in problems] == [5]
    assert not any(message.startswith("YAML syntax") for _, message in problems)


# -- 8. A value set to what it reads as already: not checked, yet its anchor is rewritten --

_SAME_VALUE = (
    "signatories:\n"
    "  - name: Acme\n"
    "    type: organization\n"
    "    group: orgs\n"
    "    affiliation: &f >-\n"
    "      Some long\n"
    "      text\n"
    "  - name: Bob Ek\n"
    "    type: individual\n"
    "    group: people\n"
    "    affiliation: *f\n"
)


def test_8_a_value_set_to_what_it_is_keeps_what_names_it(tmp_path: Path) -> None:
    """update(affiliation=<same text>): unchecked as unchanged; anchor lost, error at 9."""
    path = list_written(tmp_path, _SAME_VALUE)
    listed = ListFile.load(path)
    listed.update(0, affiliation="Some long text")
    try:
        listed.save()
    except ProblemsFound as raised:
        problems = [(p.line, p.message) for p in raised.problems]
        # Bob Ek's entry in the file as it is: not line 9.
        assert [line for line, _ in problems] == [8]
        assert not any(message.startswith("YAML syntax") for _, message in problems)
        assert path.read_text(encoding="utf-8") == _SAME_VALUE
    else:
        entries = list_entries(path.read_text(encoding="utf-8"))
        assert entries == list_entries(_SAME_VALUE)
