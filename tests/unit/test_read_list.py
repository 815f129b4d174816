"""A build and check take a list from the reading kept for its bytes: as the file reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.errors import Problem
from campaign.lists import listfile, remembered
from campaign.lists.listfile import Kept, keep_readings, read_list
from campaign.load.records import load_signature_list

from conftest import pdf_text, read_list_here, run

# Entries written the ways people write them: block and flow, a note, a key no entry
# has (a warning), a date, a private e-mail address.
_FORMS = (
    "- name: {name}\n  type: individual\n  group: {group}\n",
    "- {{name: {name}, type: organization, group: {group}}}\n",
    "- name: {name}\n  type: individual\n  group: {group}\n  notes: |\n    met at\n"
    "    the forum\n\n",
    "# a comment\n- name: {name}\n  group: {group}\n  colour: red\n  type: organization\n",
    "- name: {name}\n  type: individual\n  group: {group}\n  signed: 2024-04-02\n"
    "  email: someone@example.org\n",
)


def _list(root: Path, forms: list[int]) -> Path:
    (root / ".campaign").mkdir(parents=True, exist_ok=True)
    (root / "signatories").mkdir(exist_ok=True)
    path = root / "signatories" / "people.yaml"
    entries = [_FORMS[f].format(name=f"Person {n}", group="ab"[n % 2]) for n, f in enumerate(forms)]
    path.write_text("# A list.\nsignatories:\n" + "".join(entries))
    return path


def _whole(path: Path) -> tuple[Any, list[Problem]]:
    problems: list[Problem] = []
    return load_signature_list(path, problems, allow_empty=True), problems


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(forms=st.lists(st.integers(0, len(_FORMS) - 1), min_size=1, max_size=6))
def test_a_kept_reading_gives_what_the_file_gives(
    tmp_path_factory: pytest.TempPathFactory, forms: list[int]
) -> None:
    path = _list(tmp_path_factory.mktemp("ws"), forms)
    first: list[Problem] = []
    assert _read_kept(path, first) == _whole(path)[0]  # read whole, kept
    assert first == _whole(path)[1]
    kept = remembered.place(path)
    assert kept is not None and kept.is_file()
    again: list[Problem] = []
    with pytest.MonkeyPatch.context() as no_reading:
        no_reading.setattr(listfile, "load_signature_list", _never)
        assert read_list(path, again) == _whole(path)[0]  # from the reading alone
    assert again == first


def _read_kept(path: Path, problems: list[Problem]) -> Any:
    """The list read as a build reads it, its reading kept as the build keeps it after."""
    kept: list[Kept] = []
    loaded = read_list(path, problems, kept)
    keep_readings(kept)
    return loaded


def _never(*args: object, **kwargs: object) -> None:
    raise AssertionError("the list was read from its text")


def test_an_edit_by_hand_is_read_from_the_file(tmp_path: Path) -> None:
    path = _list(tmp_path, [0, 0, 3])
    _read_kept(path, [])
    path.write_text(path.read_text().replace("Person 1", "Somebody Else"))
    problems: list[Problem] = []
    loaded = read_list(path, problems)
    assert loaded is not None and [e.name for e in loaded.entries] == [
        "Person 0",
        "Somebody Else",
        "Person 2",
    ]
    assert (loaded, problems) == _whole(path)


def test_a_list_with_errors_or_without_keep_leaves_no_reading(tmp_path: Path) -> None:
    path = _list(tmp_path, [0, 1])
    read_list(path, [])  # keep not asked: check reads, and writes nothing
    kept = remembered.place(path)
    assert kept is not None and not kept.exists()
    path.write_text(path.read_text().replace("  type: individual\n", "", 1))
    problems: list[Problem] = []
    assert _read_kept(path, problems) == _whole(path)[0]
    assert problems == _whole(path)[1] and any(not p.warning for p in problems)
    assert not kept.exists()


def test_a_list_replaced_while_it_is_read_leaves_no_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _list(tmp_path, [0, 0])
    original = listfile.load_signature_list

    def replaced_meanwhile(*args: Any, **kwargs: Any) -> Any:
        loaded = original(*args, **kwargs)
        # A sig command saves in between (write_atomic: a new file in its place).
        path.with_suffix(".new").write_text(path.read_text().replace("Person 1", "Other"))
        path.with_suffix(".new").replace(path)
        return loaded

    monkeypatch.setattr(listfile, "load_signature_list", replaced_meanwhile)
    _read_kept(path, [])
    kept = remembered.place(path)
    assert kept is not None and not kept.exists()
    monkeypatch.undo()
    loaded = read_list(path, [])
    assert loaded is not None and [e.name for e in loaded.entries] == ["Person 0", "Other"]


def test_a_build_keeps_the_reading_and_follows_an_edit(minimal: Path) -> None:
    kept = minimal / ".campaign" / "lists" / "people.yaml.json"
    assert run("check", workspace=minimal).exit_code == 0
    assert not kept.exists()  # check writes nothing of its own
    assert run("build", workspace=minimal).exit_code == 0
    assert kept.is_file()
    before = pdf_text(next((minimal / "build").glob("*/signatories.pdf")))
    assert "Zoë Zimmer" in before
    people = minimal / "signatories" / "people.yaml"
    people.write_text(people.read_text().replace("Zoë Zimmer", "Yara Young"))
    assert run("build", workspace=minimal).exit_code == 0
    listed = pdf_text(next((minimal / "build").glob("*/signatories.pdf")))
    assert "Yara Young" in listed and "Zoë Zimmer" not in listed


def test_a_long_list_read_whole_is_made_anew_and_reads_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every form, many times over: past the length whose entries are made again.
    path = _list(tmp_path, [n % len(_FORMS) for n in range(listfile.RENEWED + 5)])
    as_parsed: list[Problem] = []
    with monkeypatch.context() as parsed:
        parsed.setattr(listfile, "RENEWED", 10**9)
        kept_as_parsed: list[Kept] = []
        plain = read_list(path, as_parsed, kept_as_parsed)
    made: list[Any] = []  # what the parse made, in the read that makes it anew

    def parse(*args: Any, **kwargs: Any) -> Any:
        made.append(load_signature_list(*args, **kwargs))
        return made[-1]

    problems: list[Problem] = []
    kept: list[Kept] = []
    with monkeypatch.context() as watched:
        watched.setattr(listfile, "load_signature_list", parse)
        watched.setattr(listfile, "APART", 10**12)  # read here, where the parse is seen
        anew = read_list(path, problems, kept)
    assert plain is not None and anew is not None and len(made) == 1
    assert anew == plain == _whole(path)[0]
    assert problems == as_parsed == _whole(path)[1] and problems  # the unknown keys' warnings
    assert [[type(v) for v in vars(e).values()] for e in anew.entries] == [
        [type(v) for v in vars(e).values()] for e in plain.entries
    ]
    # No entry, and no text of one, is an object the parse made.
    parsed = made[0].entries
    assert all(a is not b for a, b in zip(anew.entries, parsed, strict=True))
    assert all(
        vars(a)[k] is not v
        for a, b in zip(anew.entries, parsed, strict=True)
        for k, v in vars(b).items()
        if isinstance(v, str) and len(v) > 1
    )
    # The reading kept is the same text, and the next read takes the same list from it.
    assert kept == kept_as_parsed and len(kept) == 1
    keep_readings(kept)
    with monkeypatch.context() as no_reading:
        no_reading.setattr(listfile, "load_signature_list", _never)
        again: list[Problem] = []
        assert read_list(path, again) == plain
    assert again == problems


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The children ``os.fork`` makes meanwhile, in this process with no other thread.

    A build run here before leaves its pool's threads ending for a moment: a list is read
    in a child only where no other thread runs.
    """
    import os
    import threading
    import time

    deadline = time.monotonic() + 30
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert threading.active_count() == 1, threading.enumerate()

    made: list[int] = []
    fork = os.fork

    def counted() -> int:
        child = fork()
        if child:
            made.append(child)
        return child

    monkeypatch.setattr(os, "fork", counted)
    return made


def _reaped(child: int) -> bool:
    import os

    try:
        os.waitpid(child, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_a_long_list_is_read_in_a_child_and_reads_as_read_here(
    tmp_path: Path, forks: list[int]
) -> None:
    path = _list(tmp_path, [n % len(_FORMS) for n in range(listfile.RENEWED + 5)])
    assert path.stat().st_size >= listfile.APART
    here = read_list_here(path)
    assert forks == []
    problems: list[Problem] = []
    kept: list[Kept] = []
    apart = read_list(path, problems, kept)
    assert len(forks) == 1 and _reaped(forks[0])
    assert apart == here[0] == _whole(path)[0] and apart is not None
    assert problems == here[1] == _whole(path)[1] and problems  # the unknown keys' warnings
    assert kept == here[2] and len(kept) == 1  # the reading the child found, to be kept


def test_a_child_that_fails_leaves_the_list_read_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    """A child that cannot send what it found (pickle fails in it) ends, and is not believed."""
    import pickle

    path = _list(tmp_path, [n % len(_FORMS) for n in range(listfile.RENEWED + 5)])
    here = read_list_here(path)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise pickle.PicklingError("broken in the child")

    monkeypatch.setattr(pickle, "dump", broken)
    problems: list[Problem] = []
    kept: list[Kept] = []
    assert read_list(path, problems, kept) == here[0]
    assert (problems, kept) == (here[1], here[2])
    assert len(forks) == 1 and _reaped(forks[0])


def test_a_process_running_threads_reads_the_list_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fork copies the locks other threads hold: with threads running, no child is made."""
    import os
    import threading

    path = _list(tmp_path, [n % len(_FORMS) for n in range(listfile.RENEWED + 5)])

    def no_fork() -> int:
        raise AssertionError("forked while a thread ran")

    monkeypatch.setattr(os, "fork", no_fork)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        problems: list[Problem] = []
        assert read_list(path, problems) == _whole(path)[0]
    finally:
        stop.set()
        thread.join()
