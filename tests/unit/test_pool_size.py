"""How many processes lay out a build: as the work needs, unless --jobs says."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from campaign.build import run
from campaign.build.plan import Layout

WHOLE = SimpleNamespace(layout=Layout.WHOLE)


def _todo(pdfs: int, others: int = 0) -> list[Any]:
    return [SimpleNamespace(pdf=True, kind=WHOLE)] * pdfs + [
        SimpleNamespace(pdf=False, kind=WHOLE)
    ] * others


def _list(names: int) -> Any:
    """signatories.pdf of ``names`` names."""
    html = f"<html><body><ul>{'<li>A name</li>' * names}</ul></body></html>"
    return SimpleNamespace(pdf=True, kind=SimpleNamespace(layout=Layout.LIST), compose=lambda: html)


@pytest.mark.parametrize(
    ("todos", "jobs", "cpus", "size"),
    [
        ([], None, 2, 1),  # nothing to lay out: no worker started
        ([_todo(0, 3)], 4, 2, 1),  # texts only (a CSV, a web page): none either
        ([_todo(6), _todo(8)], None, 2, 1),  # the example with its Japanese edition
        ([_todo(40)], None, 2, 1),
        ([_todo(41)], None, 2, 2),
        ([_todo(711)], None, 2, 2),  # never more than the CPUs
        ([_todo(711)], None, 8, 8),
        ([_todo(3)], 3, 2, 3),  # --jobs as given
        ([[*_todo(5), _list(2999)]], None, 2, 1),  # a list laid out whole: one piece
        ([[*_todo(5), _list(3000)]], None, 2, 2),  # a list cut in parts: one CPU each
        ([[*_todo(5), _list(3000)]], 1, 2, 1),
    ],
)
def test_the_pool_is_as_large_as_the_work_needs(
    monkeypatch: pytest.MonkeyPatch, todos: list[list[Any]], jobs: int | None, cpus: int, size: int
) -> None:
    monkeypatch.setattr(run, "default_jobs", lambda: cpus)
    assert run.pool_size(todos, jobs) == size


def _bundle(to: int, cc: int = 3, editions: int = 0, names: int = 51) -> Any:
    """A letter as read: its recipients, editions and printed names, nothing else."""
    edition = SimpleNamespace(to=(None,) * to, cc=(None,) * cc)
    return SimpleNamespace(
        to=(None,) * to, cc=(None,) * cc, editions=(edition,) * editions,
        signatures=SimpleNamespace(count=names),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("bundles", "jobs", "cpus", "ahead"),
    [
        ([_bundle(1, 2, editions=1)], None, 2, False),  # the example: laid out here
        ([_bundle(37)], None, 2, False),  # 40 letters: one process
        ([_bundle(38)], None, 2, True),
        ([_bundle(700)], None, 1, False),  # one CPU: no workers
        ([_bundle(700)], 1, 2, False),  # --jobs 1
        ([_bundle(1)], 2, 2, True),  # --jobs 2
        ([_bundle(1, names=2999)], None, 2, False),
        ([_bundle(1, names=3000)], None, 2, True),  # a list cut in parts
        ([_bundle(10), _bundle(10, editions=1)], None, 2, False),  # 13 + 26 letters
        ([_bundle(12), _bundle(10, editions=1)], None, 2, True),  # 15 + 26
    ],
)
def test_workers_are_guessed_from_the_letters_before_they_are_planned(
    monkeypatch: pytest.MonkeyPatch, bundles: list[Any], jobs: int | None, cpus: int, ahead: bool
) -> None:
    monkeypatch.setattr(run, "default_jobs", lambda: cpus)
    assert (run.workers_ahead(bundles, jobs) > 1) is ahead


@pytest.mark.parametrize(
    ("bundles", "jobs", "size"),
    [
        ([_bundle(1, 2, editions=1)], None, 1),  # 6 letters
        ([_bundle(45, 2)], None, 2),  # 47: as pool_size would open, not one per CPU
        ([_bundle(45, 2, editions=1)], None, 3),  # 94
        ([_bundle(700)], None, 6),  # at most one per CPU
        ([_bundle(1, names=20_000)], None, 6),  # a list of 13 parts
        ([_bundle(700)], 3, 3),  # --jobs 3
    ],
)
def test_the_workers_guessed_are_as_many_as_the_letters_read_need(
    monkeypatch: pytest.MonkeyPatch, bundles: list[Any], jobs: int | None, size: int
) -> None:
    """The pool a build opens ahead (to lay out shared pages) is this size."""
    monkeypatch.setattr(run, "default_jobs", lambda: 6)
    assert run.workers_ahead(bundles, jobs) == size


@pytest.mark.parametrize(
    ("size", "names", "jobs", "cpus", "started"),
    [
        (run.LONG_LIST_BYTES, 3000, None, 2, ["as the list is read"]),
        (run.LONG_LIST_BYTES, 51, None, 2, ["as the list is read"]),  # a wrong guess
        (run.LONG_LIST_BYTES - 1, 3000, None, 2, ["once the letters are read"]),
        (run.LONG_LIST_BYTES - 1, 51, None, 2, []),
        (run.LONG_LIST_BYTES, 3000, None, 1, []),  # one CPU: no workers
        (run.LONG_LIST_BYTES, 3000, 1, 2, []),  # --jobs 1
        (0, 51, 2, 2, ["once the letters are read"]),  # --jobs 2: guessed as before
    ],
)
def test_a_long_lists_file_starts_the_workers_server_before_the_list_is_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    size: int,
    names: int,
    jobs: int | None,
    cpus: int,
    started: list[str],
) -> None:
    """Its first read takes longer than the server's import: the two run side by side."""
    when: list[str] = []
    moment = "as the list is read"

    @contextmanager
    def server_started(wanted: bool) -> Iterator[None]:
        when.append(moment) if wanted else None
        yield

    monkeypatch.setattr(run, "server_started", server_started)
    monkeypatch.setattr(run, "default_jobs", lambda: cpus)
    (path := tmp_path / "list.yaml").write_bytes(b"#" * size)
    with ExitStack() as stack:
        ahead = run.Ahead(stack, jobs)
        ahead.reading(path)
        ahead.reading(tmp_path / "missing.yaml")  # said when it is read, not here
        moment = "once the letters are read"
        ahead.loaded([_bundle(1, names=names)])
    assert when == started  # started once at most
