"""An edit of one entry is checked on the lines around it: the same verdict as the whole list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.errors import CampaignError, ProblemsFound
from campaign.lists.listfile import ListFile
from campaign.load.records import check_duplicates, load_signature_list

from conftest import list_file_read_whole, same_places

# Entries written the ways people write them: block, flow, a '|' note, a '-' alone on
# its line, comments and blank lines between.
_FORMS = (
    "{d}- name: {name}\n{k}type: individual\n{k}group: {group}\n",
    "{d}- {{name: {name}, type: organization, group: {group}}}\n",
    "{d}- name: {name}\n{k}type: individual\n{k}group: {group}\n{k}notes: |\n{k}  met at\n"
    "{k}  the forum\n\n",
    "{d}-\n{k}name: {name}\n{k}type: individual\n{k}group: {group}\n",
    "{d}# a comment\n{d}- name: {name}\n{k}group: {group}\n{k}type: organization\n",
)
_FIELDS = st.sampled_from(
    [
        ("country", "Chile"),
        ("type", "person"),  # not a type: an error, at the line of the entry's type
        ("signed", "2024-02-30"),  # not a date
        ("email", "not an address"),
        ("status", "pending"),
        ("notes", "two\nlines"),
        ("affiliation", "a: b"),  # must be quoted
    ]
)


def _text(forms: list[int], indent: int) -> str:
    d, k = " " * indent, " " * (indent + 2)
    entries = [
        _FORMS[f].format(d=d, k=k, name=f"Person {n}", group="a" if n % 2 else "b")
        for n, f in enumerate(forms)
    ]
    return "# A list.\nsignatories:\n" + "".join(entries) + "# the end\n"


def _full_verdict(listfile: ListFile, path: Path) -> Any:
    problems: list[Any] = []
    loaded = load_signature_list(path, problems, text=listfile.render(), allow_empty=True)
    errors = [p for p in problems if not p.warning]
    if not errors and loaded is not None and loaded.entries:
        # Then the rule of the whole list: no name the edit gives a second entry.
        check_duplicates(loaded, errors, listfile.entries)
    return errors


@settings(max_examples=60)
@given(
    forms=st.lists(st.integers(0, len(_FORMS) - 1), min_size=1, max_size=6),
    indent=st.sampled_from([0, 2]),
    edit=st.sampled_from(["add", "set", "remove"]),
    which=st.integers(0, 5),
    field=_FIELDS,
)
def test_the_window_gives_the_whole_lists_verdict(
    tmp_path_factory: pytest.TempPathFactory,
    forms: list[int],
    indent: int,
    edit: str,
    which: int,
    field: tuple[str, str],
) -> None:
    path = tmp_path_factory.mktemp("list") / "people.yaml"
    path.write_text(_text(forms, indent))
    listfile = ListFile.load(path)
    index = which % len(forms)
    key, value = field
    if edit == "add":
        listfile.add({"name": "New One", "type": "individual", "group": "a", key: value})
    elif edit == "set":
        listfile.update(index, **{key: value})
    else:
        listfile.remove(index)
    errors = _full_verdict(listfile, path)
    before = path.read_text()
    if errors:
        with pytest.raises(ProblemsFound) as raised:
            listfile.save()
        assert raised.value.problems == errors  # the same problems, at the same lines
        assert path.read_text() == before
    else:
        listfile.save()
        problems: list[Any] = []
        loaded = load_signature_list(path, problems)
        assert loaded is not None
        assert len(loaded.entries) == len(forms) + {"add": 1, "set": 0, "remove": -1}[edit]


@pytest.mark.parametrize(
    "spliced",
    [
        lambda record: [],  # the new entry lost
        # Its '-' lost: its keys join the entry above, which has none of them.
        lambda record: [f"    {k}: {v}\n" for k, v in record.items()],
    ],
)
def test_an_entry_spliced_wrongly_is_caught(tmp_path: Path, monkeypatch: Any, spliced: Any) -> None:
    path = tmp_path / "people.yaml"
    path.write_text(_text([0, 0, 0], 2))
    listfile = ListFile.load(path)
    monkeypatch.setattr(ListFile, "_new_entry", lambda self, record, like: spliced(record))
    listfile.add({"country": "Chile", "affiliation": "Forum"})
    with pytest.raises(CampaignError) as raised:
        listfile.save()
    assert str(raised.value) == (
        "the edit of people.yaml did not come out as expected (this is a bug in campaign); "
        "nothing was written"
    )
    assert path.read_text() == _text([0, 0, 0], 2)


# One edit of a pull or an import: add (to a group, so several land together), set
# fields, withdraw, remove; the same name twice makes duplicates.
_EDITS = st.lists(
    st.tuples(
        st.sampled_from(["add", "set", "withdraw", "remove"]),
        st.integers(0, 7),
        st.one_of(st.none(), _FIELDS),
        st.sampled_from(["a", "b", "c"]),
    ),
    min_size=1,
    max_size=8,
)


def _full_reading(path: Path) -> tuple[Any, Any, Any, Any]:
    """The list read whole (not in signatories/: nothing kept), its entries' keys placed."""
    fresh = list_file_read_whole(path)
    return fresh.entries, fresh.warnings, fresh._spans, (fresh._list_line, fresh._list_end)


@settings(max_examples=80, deadline=None)
@given(
    forms=st.lists(st.integers(0, len(_FORMS) - 1), min_size=1, max_size=7),
    indent=st.sampled_from([0, 2]),
    edits=_EDITS,
)
def test_many_edits_checked_in_windows_give_the_whole_lists_verdict(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    forms: list[int],
    indent: int,
    edits: list[tuple[str, int, tuple[str, str] | None, str]],
) -> None:
    path = tmp_path_factory.mktemp("list") / "people.yaml"
    path.write_text(_text(forms, indent))
    listfile = ListFile.load(path)
    removed: set[int] = set()
    for n, (edit, which, field, group) in enumerate(edits):
        index = which % len(forms)
        extra = dict([field]) if field else {}
        if edit == "add":
            name = f"Person {which}" if n % 3 == 0 else f"New {n}"  # a duplicate, now and then
            listfile.add({"name": name, "type": "individual", "group": group} | extra)
        elif index in removed:
            continue
        elif edit == "set":
            listfile.update(index, **extra)
        elif edit == "withdraw":
            listfile.update(index, status="withdrawn", withdrawn="2024-03-01")
        else:
            listfile.remove(index)
            removed.add(index)
    errors = _full_verdict(listfile, path)
    before = path.read_text()
    kept: list[Any] = []
    monkeypatch.setattr(
        "campaign.lists.remembered.keep", lambda path, raw, reading: kept.append(reading)
    )
    if errors:
        with pytest.raises(ProblemsFound) as raised:
            listfile.save()
        assert raised.value.problems == errors  # the same problems, at the same lines
        assert path.read_text() == before
        return
    expected = listfile.render()
    listfile.save()
    assert path.read_text() == expected
    entries, warnings, spans, where = _full_reading(path)
    if not entries:
        assert kept == []
        return
    # What the next command takes from .campaign/lists/ is what a full read finds.
    (reading,) = kept
    assert reading.entries == entries
    assert reading.warnings == warnings
    assert same_places(reading.spans, spans)
    assert (reading.list_line, reading.list_end) == where


def test_a_pull_reads_only_the_windows_of_its_edits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "people.yaml"
    path.write_text(_text([0] * 40, 2))
    listfile = ListFile.load(path)
    for n in range(3):
        listfile.add({"name": f"New {n}", "type": "individual", "group": "a"})
    listfile.update(10, status="withdrawn", withdrawn="2024-03-01")
    read: list[int] = []
    real = load_signature_list

    def counting(path: Path, problems: list[Any], **options: Any) -> Any:
        read.append(options["text"].count("- name:"))
        return real(path, problems, **options)

    monkeypatch.setattr("campaign.lists.listfile.load_signature_list", counting)
    listfile.save()
    # The withdrawn entry with its two neighbours; the three added after the last entry
    # of group a (the list's last) with the one above them. Not the 43 entries whole.
    assert read == [3, 4]
    monkeypatch.undo()
    assert len(ListFile.load(path).entries) == 43
