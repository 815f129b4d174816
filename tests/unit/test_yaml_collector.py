"""The garbage collector is paused while YAML is parsed, and resumed as it was found."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from campaign.errors import Problem
from campaign.load import yamlfile
from campaign.load.yamlfile import collector_paused, parse_yaml

LIST = "signatories:\n" + "".join(f"  - name: Org {n}\n    type: organization\n" for n in range(50))


@pytest.fixture
def collector() -> Iterator[None]:
    """The collector running before each test and after it, whatever the test did."""
    gc.enable()
    yield
    gc.enable()


def test_paused_while_parsing_and_running_after(
    collector: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    construct = yamlfile._Loader.construct_document

    def watched(self: Any, node: Any) -> Any:
        seen.append(gc.isenabled())
        return construct(self, node)

    monkeypatch.setattr(yamlfile._Loader, "construct_document", watched)
    data = parse_yaml(LIST, Path("list.yaml"), [])
    assert seen == [False]
    assert gc.isenabled()
    assert [entry["name"] for entry in data["signatories"]][-1] == "Org 49"


def test_a_collector_paused_by_the_caller_stays_paused(collector: None) -> None:
    gc.disable()
    parse_yaml(LIST, Path("list.yaml"), [])
    assert not gc.isenabled()


def test_running_again_after_a_syntax_error(collector: None) -> None:
    problems: list[Problem] = []
    assert parse_yaml("signatories:\n  - name: [unclosed\n", Path("list.yaml"), problems) is None
    assert [p.line for p in problems] == [3]
    assert gc.isenabled()


def test_running_again_after_an_exception_inside(collector: None) -> None:
    with pytest.raises(KeyError), collector_paused():
        assert not gc.isenabled()
        raise KeyError("x")
    assert gc.isenabled()


def test_overlapping_pauses_resume_once_the_last_ends(collector: None) -> None:
    # Two threads parsing at once: the first to end must not resume the collector
    # under the other, and the last to end resumes it.
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    during: list[bool] = []

    def first() -> None:
        with collector_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with collector_paused():
            second_in.set()
            first_out.wait(5)
            during.append(gc.isenabled())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert during == [False]
    assert gc.isenabled()


def test_paused_until_a_lists_entries_are_read_and_found_in_its_text(
    collector: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The parse's nodes live until the entries are read (records.read_signatory) and
    # found in the text (listfile's spans): a collection meanwhile walks them all, for
    # nothing. Read by check and build (read_list) and by the sig commands (ListFile).
    from campaign.lists import listfile
    from campaign.load import records

    seen: dict[str, list[bool]] = {"entries": [], "spans": []}
    read_signatory, span = records.read_signatory, listfile.ListFile._placed

    def entry(*args: Any) -> Any:
        seen["entries"].append(gc.isenabled())
        return read_signatory(*args)

    def where(*args: Any) -> Any:
        seen["spans"].append(gc.isenabled())
        return span(*args)

    monkeypatch.setattr(records, "read_signatory", entry)
    monkeypatch.setattr(listfile.ListFile, "_placed", where)
    path = tmp_path / "list.yaml"
    path.write_text(
        "signatories:\n"
        + "".join(
            f"  - name: Org {n}\n    type: organization\n    country: Japan\n"
            f"    group: organizations\n    signed: 2020-02-01\n"
            for n in range(50)
        )
    )
    problems: list[Problem] = []
    loaded = listfile.read_list(path, problems, [])
    assert problems == []
    assert loaded is not None and len(loaded.entries) == 50
    assert gc.isenabled()
    opened = listfile.ListFile.load(path)
    assert len(opened.entries) == 50
    assert gc.isenabled()
    # Every entry read and found with the collector paused (read_list, then load).
    assert seen == {"entries": [False] * 100, "spans": [False] * 100}
