"""An edit of one entry is checked on the lines around it: the same verdict as the whole list."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.errors import CampaignError, ProblemsFound
from campaign.lists.listfile import ListFile
from campaign.load.records import load_signature_list

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
    load_signature_list(path, problems, text=listfile.render(), allow_empty=True)
    return [p for p in problems if not p.warning]


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
