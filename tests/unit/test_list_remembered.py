"""A list's reading kept in .campaign/: after any edits, the same as reading the file afresh."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.errors import CampaignError
from campaign.lists import remembered
from campaign.lists.edit import add, remove, set_fields, withdraw
from campaign.lists.listfile import ListFile, _Span
from campaign.model.fields import Signatory

# Entries written the ways people write them, one with a key no entry has (a warning).
_FORMS = (
    "- name: {name}\n  type: individual\n  group: {group}\n",
    "- {{name: {name}, type: organization, group: {group}}}\n",
    "- name: {name}\n  type: individual\n  group: {group}\n  notes: |\n    met at\n"
    "    the forum\n\n",
    "-\n  name: {name}\n  type: individual\n  group: {group}\n",
    "# a comment\n- name: {name}\n  group: {group}\n  colour: red\n  type: organization\n",
)
_EDITS = st.lists(
    st.tuples(st.sampled_from(["add", "set", "remove", "withdraw"]), st.integers(0, 20)),
    min_size=1,
    max_size=4,
)


def _workspace(root: Path, forms: list[int]) -> Path:
    (root / ".campaign").mkdir(parents=True)
    (root / "signatories").mkdir()
    path = root / "signatories" / "people.yaml"
    entries = [
        _FORMS[f].format(name=f"Person {n}", group="a" if n % 2 else "b")
        for n, f in enumerate(forms)
    ]
    path.write_text("# A list.\nsurplus: 1\nsignatories:\n" + "".join(entries) + "# the end\n")
    return path


def _afresh(path: Path) -> ListFile:
    """The list read from its text alone, nothing remembered."""
    kept = remembered.place(path)
    assert kept is not None
    saved = kept.read_bytes() if kept.exists() else None
    kept.unlink(missing_ok=True)
    try:
        return ListFile.load(path)
    finally:
        if saved is not None:
            kept.write_bytes(saved)


def _state(listfile: ListFile) -> Any:
    spans = [listfile._keyed(n) for n in range(len(listfile._spans))]
    return listfile.entries, listfile.warnings, spans, listfile._list_line, listfile._list_end


def _names(path: Path) -> list[str]:
    return [e.name for e in _afresh(path).entries]


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(forms=st.lists(st.integers(0, len(_FORMS) - 1), min_size=1, max_size=5), edits=_EDITS)
def test_the_kept_reading_is_the_files_reading_after_any_edits(
    tmp_path_factory: pytest.TempPathFactory, forms: list[int], edits: list[tuple[str, int]]
) -> None:
    path = _workspace(tmp_path_factory.mktemp("ws"), forms)
    add(path, {"name": "First", "type": "individual", "group": "a"})  # keeps what it found
    for n, (edit, which) in enumerate(edits):
        names = [name for name in _names(path) if name.startswith("Person")]
        who = names[which % len(names)] if names else ""
        try:
            if edit == "add":
                add(path, {"name": f"New {n}", "type": "individual", "group": "ab"[which % 2]})
            elif edit == "set" and who:
                set_fields(path, who, {"country": f"Land {which}"}, (), True)
            elif edit == "remove" and who:
                remove(path, who, lambda question: True)
            elif who:
                withdraw(path, who, __import__("datetime").date(2030, 1, 1))
        except CampaignError:
            pass  # nothing to do (a withdrawn entry withdrawn again): nothing written
        raw = path.read_bytes()
        kept = remembered.recall(path, raw, _Span)
        if kept is None:  # every command leaves its reading behind, but for an empty list
            assert not _afresh(path).entries
            continue
        recalled = ListFile(path, raw.decode(), False, kept.entries, reading=kept)
        assert _state(recalled) == _state(_afresh(path))


def test_a_change_by_hand_is_read_from_the_file(tmp_path: Path) -> None:
    path = _workspace(tmp_path, [0, 0])
    add(path, {"name": "First", "type": "individual", "group": "a"})
    path.write_text(path.read_text().replace("Person 1", "Somebody Else"))
    assert [e.name for e in ListFile.load(path).entries] == ["Person 0", "Somebody Else", "First"]
    with pytest.raises(CampaignError) as raised:
        add(path, {"name": "somebody  else", "type": "individual", "group": "a"})
    assert str(raised.value) == (
        "signatories/people.yaml:7: Somebody Else is already on the list (signed); "
        "nothing was changed"
    )


def test_a_reading_kept_for_other_bytes_or_broken_is_not_taken(tmp_path: Path) -> None:
    path = _workspace(tmp_path, [0, 0])
    add(path, {"name": "First", "type": "individual", "group": "a"})
    kept = remembered.place(path)
    assert kept == tmp_path / ".campaign" / "lists" / "people.yaml.json"
    seal, _, body = kept.read_bytes().partition(b"\n")
    data = json.loads(body)
    data["entries"][0][1] = "Planted"
    kept.write_bytes(seal + b"\n" + json.dumps(data).encode())
    # The same key but not what was sealed (tests/attacks/test_list_cache.py): not taken.
    assert ListFile.load(path).entries[0].name == "Person 0"
    for broken in ("{", "[]", '{"key": 1}', "\xff"):
        kept.write_text(broken, encoding="latin-1")
        assert ListFile.load(path).entries[0].name == "Person 0"


def test_nothing_is_kept_outside_a_workspace(tmp_path: Path) -> None:
    path = tmp_path / "people.yaml"
    path.write_text("signatories:\n- name: A\n  type: individual\n  group: a\n")
    add(path, {"name": "B", "type": "individual", "group": "a"})
    assert remembered.place(path) is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.yaml"]


def test_an_entry_taken_back_is_the_entry_its_constructor_makes(tmp_path: Path) -> None:
    """Entries are taken back by filling their __dict__ (remembered._restored), not by the
    frozen dataclass's __init__: nothing that reads, compares, hashes, copies or pickles
    one can tell the difference."""
    path = _workspace(tmp_path, [0, 1, 2, 3, 4])
    signed = dt.date(2024, 4, 2)
    add(path, {"name": "Émile Ãbel", "type": "individual", "group": "a",
               "email": "e@example.org", "signed": signed, "notes": "two\nlines"})  # fmt: skip
    kept = remembered.recall(path, path.read_bytes(), _Span)
    assert kept is not None and remembered._FILLABLE
    made = _afresh(path).entries
    assert len(kept.entries) == len(made) == 6
    for taken, fresh in zip(kept.entries, made, strict=True):
        assert type(taken) is type(fresh)
        assert vars(taken) == vars(fresh)
        assert (taken, hash(taken), repr(taken)) == (fresh, hash(fresh), repr(fresh))
        assert pickle.loads(pickle.dumps(taken)) == fresh
        assert dataclasses.replace(taken, name="x") == dataclasses.replace(fresh, name="x")
        assert dataclasses.asdict(taken) == dataclasses.asdict(fresh)
        with pytest.raises(dataclasses.FrozenInstanceError):
            taken.name = "changed"  # type: ignore[misc]


def test_an_entry_of_a_model_with_more_than_the_table_is_made_by_its_constructor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Should the model gain a field the table lacks, filling __dict__ would leave it out."""
    monkeypatch.setattr(remembered, "_FILLABLE", False)
    values = [None if n in remembered._DATE_AT else "" for n in range(len(remembered._NAMES))]
    values[remembered._NAMES.index("name")] = "Ada"
    made = remembered._restored(7, values)
    assert made == Signatory(**dict(zip(remembered._NAMES, values, strict=True)), line=7)


def _model(**extra: Any) -> type:
    """A copy of the Signatory model, with ``extra`` put in its class body."""
    fields = [(f.name, f.type, f) for f in dataclasses.fields(Signatory)]
    namespace = dict(extra)
    return dataclasses.make_dataclass(
        "Signatory", fields, frozen=True, namespace=namespace, slots="slots" in extra
    )


def test_the_quick_way_is_taken_only_for_a_model_dataclasses_made_alone() -> None:
    """Each change to the model that would make filling __dict__ differ from __init__."""
    assert remembered._fillable(Signatory)
    assert remembered._fillable(_model())

    def own_init(self: Any, *args: Any, **kwargs: Any) -> None:
        object.__setattr__(self, "seen", True)

    assert not remembered._fillable(_model(__init__=own_init))
    assert not remembered._fillable(_model(__post_init__=lambda self: None))
    assert not remembered._fillable(_model(__new__=lambda cls, *a, **k: object.__new__(cls)))
    assert not remembered._fillable(_model(slots=True))
    extra = [(f.name, f.type, f) for f in dataclasses.fields(Signatory)]
    more = dataclasses.make_dataclass("Signatory", [*extra, ("new", str, "")], frozen=True)
    assert not remembered._fillable(more)
    hidden = dataclasses.make_dataclass(
        "Signatory", [*extra[:-1], ("line", int, dataclasses.field(default=0, init=False))],
        frozen=True,
    )  # fmt: skip
    assert not remembered._fillable(hidden)
