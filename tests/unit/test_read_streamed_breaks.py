"""Breaks of 34d6a44 (a long list's reading child reads it an entry at a time).

No input was found where ``_read_streamed`` gives another answer than ``_read_whole``;
what breaks is what the child holds and does when the streamed read leaves the text
to the whole read (NotStreamed): a list with an error, an anchor, a merge, a key
twice, a key beside 'signatories', a second document...
"""

from __future__ import annotations

import gc
import os
import weakref
from pathlib import Path
from typing import Any

import pytest

from campaign.lists import listfile
from campaign.lists.listfile import Kept
from campaign.load import records
from campaign.load.yamlfile import NotStreamed

# A plain entry, as the streamed read takes it.
_ENTRY = (
    "- name: Person {n}\n  type: individual\n  group: {g}\n"
    "  affiliation: An organisation with a longish name, number {n}\n"
)


def _long_list(tmp_path: Path, count: int, last: str) -> Path:
    """``count`` plain entries, then ``last``: a list read in a child (APART)."""
    (tmp_path / "signatories").mkdir(parents=True, exist_ok=True)
    path = tmp_path / "signatories" / "people.yaml"
    body = "".join(_ENTRY.format(n=n, g="ab"[n % 2]) for n in range(count))
    path.write_text("signatories:\n" + body + last)
    return path


# What makes the streamed read give up only once it has read every entry: an error in
# the last entry, a key after the list, an anchor in the last entry.
_LAST = (
    "- name: Last\n  type: robot\n  group: a\n",
    "title: A list\n",
    "- &last {name: Last, type: individual, group: a}\n",
)


@pytest.mark.parametrize("last", _LAST, ids=["error", "other-key", "anchor"])
def test_the_whole_read_after_notstreamed_holds_none_of_the_streamed_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, last: str
) -> None:
    """The child reads whole from inside ``except NotStreamed:``: the exception's
    traceback keeps the streamed read's frames, and with them every entry, span and
    line it made, alive for the whole parse (20,000 entries: a peak of 170-179 MB
    against 141-146 MB for the whole read alone, as before the change)."""
    path = _long_list(tmp_path, 1500, last)
    raw, before = path.read_bytes(), os.stat(path)
    assert len(raw) >= listfile.APART  # read in a child
    made: list[weakref.ref[Any]] = []
    real_signatory = records.read_signatory

    def tracked(*args: Any, **kwargs: Any) -> Any:
        entry = real_signatory(*args, **kwargs)
        made.append(weakref.ref(entry))
        return entry

    monkeypatch.setattr(records, "read_signatory", tracked)
    report = tmp_path / "alive"
    real_whole = listfile._read_whole

    def whole(*args: Any) -> Any:  # runs in the child, as its whole read starts
        gc.collect()
        report.write_text(f"{len(made)} {sum(ref() is not None for ref in made)}")
        return real_whole(*args)

    monkeypatch.setattr(listfile, "_read_whole", whole)
    assert listfile._read_apart(path, raw, before, None) is not None  # the child answered
    streamed, alive = (int(n) for n in report.read_text().split())
    assert streamed >= 1500  # the streamed read made every entry before it gave up
    assert alive == 0, f"{alive} of the {streamed} streamed entries alive during the whole read"


def test_a_long_list_with_an_error_in_its_first_entry_is_not_read_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An error is NotStreamed, but only once every entry has been read and checked:
    the child then reads the whole list again (20,000 entries, an error in the first:
    1.9-2.1 s against 1.2-1.35 s for the whole read alone, as before the change)."""
    path = _long_list(tmp_path, 1500, "")
    text = path.read_text().replace("type: individual", "type: robot", 1)
    path.write_text(text)
    raw, before = path.read_bytes(), os.stat(path)
    calls = 0
    real_signatory = records.read_signatory

    def counted(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        return real_signatory(*args, **kwargs)

    monkeypatch.setattr(records, "read_signatory", counted)
    with pytest.raises(NotStreamed):
        listfile._read_streamed(path, raw, before, [], [])
    assert calls <= 1, f"{calls} entries read before the read was left to the whole read"


# Entries that read only in the whole text: a tag named by the document's %TAG
# directive, and an entry merged from another's anchor.
_WHOLE_ONLY = {
    "directive": (
        "%TAG !e! tag:yaml.org,2002:\n---\nsignatories:\n- name: A\n  type: individual\n"
        "  group: a\n  links: !e!seq [x, y]\n- name: B\n  type: individual\n  group: a\n"
    ),
    "merge": (
        "signatories:\n- &base {name: A, type: individual, group: a}\n- <<: *base\n  name: B\n"
    ),
}


@pytest.mark.parametrize("kept", [False, True], ids=["loaded", "kept-reading"])
@pytest.mark.parametrize("form", sorted(_WHOLE_ONLY))
def test_an_edit_next_to_what_reads_only_whole_is_written(
    tmp_path: Path, form: str, kept: bool
) -> None:
    """An entry's keys were found, and an edit checked, in its lines read alone: with a
    kept reading, an entry merged from an anchor failed with a YAML traceback ("found
    undefined alias"); next to a value tagged by a %TAG directive, the edit was refused
    ("found undefined tag handle"), with or without one."""
    (tmp_path / ".campaign").mkdir()
    text = _WHOLE_ONLY[form]
    path = _long_list(tmp_path, 0, text)
    path.write_text(text)
    if kept:  # as a build leaves it
        found: list[Kept] = []
        listfile.read_list(path, [], found)
        listfile.keep_readings(found)
        assert found
    listed = listfile.ListFile.load(path)
    listed.update(1, name="Bee")
    listed.save()
    assert path.read_text() == text.replace("name: B\n", "name: Bee\n")
