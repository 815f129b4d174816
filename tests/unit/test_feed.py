"""How the build hands whole letters and parts to the workers (build/run.py _Feed)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from campaign.build import run
from campaign.build.plan import Layout
from campaign.model.limits import DEFAULT
from campaign.pdf.pool import _InProcess
from campaign.pdf.workers import FullJob


class _Held:
    """A job handed to the fake pool, never run."""

    def __init__(self, job: FullJob) -> None:
        self.job = job

    def result(self) -> list[str]:
        return [out for _, out in self.job.items]


class _Pool:
    """Records the jobs handed to it, in order."""

    def __init__(self) -> None:
        self.jobs: list[FullJob] = []

    def submit(self, fn: Callable[[Any], Any], job: FullJob) -> _Held:
        self.jobs.append(job)
        return _Held(job)


def _feed(pool: _Pool, window: int, opened: bool = True) -> run._Feed:
    feed = run._Feed(pool, "base", "root", lambda _path: None, window, DEFAULT)
    if opened:
        feed.open()
    return feed


def _letters(sizes: list[int], given: bool = True) -> list[tuple[Callable[[], str], str]]:
    def lazy(text: str) -> Callable[[], str]:
        return lambda: text

    make = run._given if given else lazy
    return [(make("x" * size), f"out{n}.pdf") for n, size in enumerate(sizes)]


def test_a_job_takes_no_more_letters_once_its_html_reaches_job_chars() -> None:
    pool = _Pool()
    big, small = run.JOB_CHARS * 2, run.JOB_CHARS // 3 + 1
    _feed(pool, 100).add(_letters([big, big, small, small, small, small, small]))
    assert [[out for _, out in job.items] for job in pool.jobs] == [
        ["out0.pdf"],
        ["out1.pdf"],
        ["out2.pdf", "out3.pdf", "out4.pdf"],
        ["out5.pdf", "out6.pdf"],
    ]


def test_short_letters_still_share_a_job_up_to_full_batch() -> None:
    pool = _Pool()
    _feed(pool, 100).add(_letters([10] * (run.FULL_BATCH + 1)))
    assert [len(job.items) for job in pool.jobs] == [run.FULL_BATCH, 1]


def test_once_open_html_composed_already_goes_out_past_the_window() -> None:
    pool = _Pool()
    feed = _feed(pool, 2, opened=False)
    big = run.JOB_CHARS
    feed.add(_letters([big] * 5))
    assert len(pool.jobs) == 2
    feed.add(_letters([big] * 2, given=False))  # composed when handed out: the window holds
    feed.open()
    assert len(pool.jobs) == 5
    assert len(feed.waiting) == 2


def test_before_the_overlays_are_handed_out_the_feed_keeps_a_job_a_cpu(
    monkeypatch: Any,
) -> None:
    # The overlays, handed out once the shared pages are laid out, come next: print.pdf
    # joins the letters as they are stamped, and would otherwise start late.
    monkeypatch.setattr(run, "default_jobs", lambda: 2)
    pool = _Pool()
    feed = _feed(pool, 6, opened=False)
    feed.add(_letters([run.JOB_CHARS] * 8))
    assert [[out for _, out in job.items] for job in pool.jobs] == [["out0.pdf"], ["out1.pdf"]]
    feed.open()
    assert len(pool.jobs) == 8 and not feed.waiting


def test_whole_letters_composed_as_handed_out_keep_the_wider_window_once_open(
    monkeypatch: Any,
) -> None:
    monkeypatch.setattr(run, "default_jobs", lambda: 2)
    pool = _Pool()
    feed = _feed(pool, 6)
    feed.add(_letters([run.JOB_CHARS] * 8, given=False))
    assert len(pool.jobs) == 6 and len(feed.waiting) == 2


def test_parts_go_after_the_whole_letters_longest_first(tmp_path: Any) -> None:
    class Kind:
        layout = Layout.PARTS
        mailed = False

    class Output:
        def __init__(self, name: str, parts: tuple[str, ...]) -> None:
            self.name, self.parts, self.under, self.kind = name, parts, "", Kind()
            self.addressee = None

    class Shared:
        layers: tuple[str, ...] = ()

    class Plan:
        shared = Shared()

    todo: list[Any] = [
        Output("envelopes.pdf", ("e" * 3, "e" * 5, "e")),
        Output("labels.pdf", ("l" * 4,)),
    ]
    jobs = run._jobs(Plan(), todo, tmp_path, _InProcess())  # type: ignore[arg-type]
    assert [compose() for compose, _ in jobs.full] == ["e" * 5, "l" * 4, "e" * 3, "e"]
