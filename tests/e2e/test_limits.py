"""Limits on time and memory: hostile input ends in a clear error, and build/ stays as it was."""

from __future__ import annotations

import os
import signal
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from campaign.model.limits import LimitExceeded, Limits, applied, pdf_layout, template_time
from campaign.pdf import pool as renderjobs
from campaign.pdf import render
from campaign.pdf.pool import WorkerDied, workers
from campaign.pdf.workers import FullJob

from conftest import run, snapshot

LOOP = (
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}\n"
    "We are {{ signatories.count }} signatories.\n"
)


@pytest.fixture
def built(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace, built once, as the current folder."""
    monkeypatch.chdir(minimal)
    result = run("build", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return minimal


def limit(workspace: Path, **values: float) -> None:
    """Add ``limits:`` with ``values`` to the workspace's campaign.yaml."""
    settings = workspace / "campaign.yaml"
    lines = "".join(f"  {key}: {value}\n" for key, value in values.items())
    settings.write_text(settings.read_text() + "limits:\n" + lines)


def long_list(workspace: Path, count: int) -> None:
    """Replace the sign-on list with ``count`` individuals."""
    entries = "".join(
        f"  - name: Person Number{n}\n    type: individual\n    group: intl\n"
        f"    affiliation: University of Somewhere, Department of Things {n}\n"
        for n in range(count)
    )
    org = "  - name: Alpha Organization\n    type: organization\n    group: orgs\n"
    (workspace / "signatories" / "people.yaml").write_text("signatories:\n" + org + entries)


def second_addressee(workspace: Path) -> None:
    """Add a second addressee: two letters alike share pages, unless the text names them."""
    recipients = workspace / "letters" / "test" / "recipients.yaml"
    text = recipients.read_text().replace(
        "cc:\n",
        "  - name: Bea Minister\n    salutation: Dear Minister,\n"
        "    address: [Ministry of Tests, Wilhelmstraße 1, 10117 Berlin]\ncc:\n",
    )
    recipients.write_text(text)


TEMPLATE_ERROR = (
    "Error: letters/test/body.md: filling in the template took longer than 1 seconds, "
    "the limit; nothing was written\n"
    "  hint: look for a loop that never ends; if the letter really needs longer, "
    "raise 'template_seconds' under 'limits:' in campaign.yaml\n"
)


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_template_loop_that_never_ends_is_stopped(built: Path, command: str) -> None:
    before = snapshot(built / "build")
    limit(built, template_seconds=1)
    (built / "letters" / "test" / "body.md").write_text(LOOP)
    result = run(command)
    assert result.exit_code == 1
    assert result.stderr.endswith(TEMPLATE_ERROR)
    assert "Traceback" not in result.output
    assert snapshot(built / "build") == before


# The limit in these tests is 0.1 s, the least 'pdf_seconds' takes: a letter or a master
# holding 2,000 names takes about a second to lay out here, ten times that. At 1 s, the
# first letter came in under the limit one run in three, and the second was named.


def test_a_pdf_that_takes_too_long_to_lay_out_is_stopped(built: Path) -> None:
    before = snapshot(built / "build")
    limit(built, pdf_seconds=0.1)
    long_list(built, 2000)  # printed in full in every letter: many seconds to lay out
    # A text that differs between two addressees: each letter is laid out whole, in order.
    second_addressee(built)
    (built / "letters" / "test" / "body.md").write_text("Dear {{ recipient.name }}, we write.\n")
    result = run("build", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: laying out build/test/to/ada-minister.pdf took longer than 0.1 seconds, the limit; "
        "nothing was written\n"
        "  hint: raise it in campaign.yaml under 'limits:', e.g. 'pdf_seconds: 1800'\n"
    )
    assert snapshot(built / "build") == before
    assert sorted(p.name for p in (built / "build").iterdir()) == ["test"]  # no staging left


def test_the_shared_pages_are_laid_out_within_the_limit_too(built: Path) -> None:
    before = snapshot(built / "build")
    limit(built, pdf_seconds=0.1)
    long_list(built, 2000)
    second_addressee(built)  # two letters alike: a letter alone is laid out whole
    # One process: with workers, a worker's letter can go past the limit first, and
    # the error names that letter instead (workers have their own test).
    result = run("build", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: laying out the pages shared by the letters in build/test/to/ took longer than "
        "0.1 seconds, the limit; nothing was written\n"
        "  hint: raise it in campaign.yaml under 'limits:', e.g. 'pdf_seconds: 1800'\n"
    )
    assert snapshot(built / "build") == before


def test_a_pdf_that_needs_too_much_memory_is_stopped(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = snapshot(built / "build")
    limit(built, pdf_memory_mb=128)
    long_list(built, 20)  # something to lay out again
    second_addressee(built)  # two letters alike, from shared pages
    layout = render.layout

    def greedy(*args: Any, **kwargs: Any) -> Any:
        # Counted from what the process holds, the limit does not depend on what this
        # test process loaded before; a layout that needs 200 MB more is over it.
        held = bytearray(200 * 1024 * 1024)
        del held
        return layout(*args, **kwargs)

    monkeypatch.setattr(render, "layout", greedy)
    result = run("build", "--jobs", "1")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: laying out the pages shared by the letters in build/test/to/ needed more than "
        "128 MB of memory, the limit; nothing was written\n"
        "  hint: raise it in campaign.yaml under 'limits:', e.g. 'pdf_memory_mb: 8192'\n"
    )
    assert snapshot(built / "build") == before


def test_a_worker_over_the_limit_stops_the_build(built: Path) -> None:
    """With worker processes, the worker's error comes back to the command."""
    before = snapshot(built / "build")
    limit(built, pdf_seconds=0.1)
    long_list(built, 2000)
    # A text that differs between two addressees: each letter is laid out whole, by a worker.
    second_addressee(built)
    (built / "letters" / "test" / "body.md").write_text("Dear {{ recipient.name }}, we write.\n")
    result = run("build", "--jobs", "2")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: laying out build/test/to/ada-minister.pdf took longer than 0.1 seconds, the limit; "
        "nothing was written\n"
        "  hint: raise it in campaign.yaml under 'limits:', e.g. 'pdf_seconds: 1800'\n"
    )
    assert snapshot(built / "build") == before


def _die(job: FullJob) -> None:
    os._exit(3)  # as a worker does when a C library aborts for want of memory


def _hang(job: FullJob) -> None:
    time.sleep(30)  # a worker that neither answers nor dies


def _job() -> FullJob:
    item = ("<p>x</p>", "/w/build/.test.staging/to/ada.pdf")
    return FullJob((item,), "/w", "/w", limits=Limits(1, 1))


def test_a_worker_that_dies_is_noticed_at_once() -> None:
    with pytest.raises(WorkerDied) as caught, workers(2) as pool:
        pool.submit(_die, _job()).result()
    assert str(caught.value) == (
        "a worker process laying out PDFs stopped with exit status 3; nothing was written\n"
        "  hint: if it ran out of memory, raise 'pdf_memory_mb' under 'limits:' in "
        "campaign.yaml; build with --jobs 1 to see any error it met"
    )


def test_a_worker_that_stops_answering_is_not_waited_for_forever(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(renderjobs, "WORKER_GRACE", 0.5)
    with pytest.raises(LimitExceeded) as caught, workers(2) as pool:
        pool.submit(_hang, _job()).result()
    assert str(caught.value) == (
        "laying out /w/build/test/to/ada.pdf did not finish within 1.5 seconds: the worker laying "
        "it out stopped answering (out of memory?); nothing was written\n"
        "  hint: raise 'pdf_seconds' or 'pdf_memory_mb' under 'limits:' in campaign.yaml, "
        "or build with --jobs 1 to see the error"
    )


def test_limits_are_checked_like_every_other_setting(built: Path) -> None:
    (built / "campaign.yaml").write_text(
        textwrap.dedent(
            """\
            limits:
              pdf_seconds: 0
              pdf_memory_mb: lots
              template_secs: 5
            """
        )
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == (
        "campaign.yaml:2: 'pdf_seconds' must be between 0.1 and 86400, not 0\n"
        "campaign.yaml:3: 'pdf_memory_mb' must be a number, not text\n"
        "campaign.yaml:4: warning: unknown key 'template_secs' in limits\n"
        "  hint: did you mean 'template_seconds'?\n"
        "Error: 2 problems in 1 file; nothing was written\n"
    )


class _SlowToDrop:
    def __del__(self) -> None:
        time.sleep(0.3)  # the time runs out in here, where an exception is dropped


class _FailsToDrop:
    def __del__(self) -> None:
        raise ZeroDivisionError  # an error of its own, dropped by Python as any is


def test_an_alarm_lost_in_a_destructor_goes_off_again_and_says_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Dropped, the alarm is not printed as a traceback; other errors dropped still are."""
    dropped: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", dropped.append)
    with (
        pytest.raises(LimitExceeded),
        applied(Limits(template_seconds=0.1)),
        template_time("letters/test/body.md"),
    ):
        _SlowToDrop()  # dropped at once: the first alarm goes off inside __del__
        _FailsToDrop()
        for _ in range(300):  # three seconds: the repeated alarm must stop this
            time.sleep(0.01)
    assert [type(each.exc_value) for each in dropped] == [ZeroDivisionError]
    assert sys.unraisablehook == dropped.append


def _alarm_at_each_call(ended: list[bool]) -> Any:
    """A profile function that hands the alarm to its handler as each function starts,
    once ``ended``: as a signal that came in a long C call at the body's end is handled."""

    def profile(frame: Any, event: str, _arg: object) -> None:
        handler = signal.getsignal(signal.SIGALRM)
        if ended and event == "call" and callable(handler):
            handler(signal.SIGALRM, frame)

    return profile


@pytest.mark.parametrize("kind", ["template", "pdf"])
def test_an_alarm_as_the_code_inside_ends_leaves_no_timer_behind(kind: str) -> None:
    """Raised in the taking down, the alarm cut it short: the timer went on going off
    every quarter of a second in what came next (found by attack, once in 400 layouts
    timed to end at their limit)."""
    limits = Limits(template_seconds=60, pdf_seconds=60)
    ended: list[bool] = []
    outcome: object = None
    try:
        with (
            applied(limits),
            template_time("body.md") if kind == "template" else pdf_layout("x.pdf", limits),
        ):
            ended.append(True)
            sys.setprofile(_alarm_at_each_call(ended))
    except LimitExceeded:
        outcome = LimitExceeded  # the time was up before the with statement ended: said so
    except BaseException as exc:
        outcome = exc
    finally:
        sys.setprofile(None)
    assert outcome in (None, LimitExceeded)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


def _interrupt_at_call(n: int) -> Any:
    """A profile function that raises KeyboardInterrupt as the ``n``-th function starts:
    as Ctrl+C's handler does wherever the signal is handled."""
    calls = [0]

    def profile(_frame: Any, event: str, _arg: object) -> None:
        if event == "call":
            calls[0] += 1
            if calls[0] == n:
                raise KeyboardInterrupt  # (and Python stops calling the profile function)

    return profile


@pytest.mark.parametrize("kind", ["template", "pdf"])
def test_a_ctrl_c_at_any_step_of_a_deadline_leaves_the_clean_up_unlimited(kind: str) -> None:
    """Each function the setting up, the code inside and the taking down run through, in
    turn: the clean-up after the Ctrl+C outlasts the limit, and nothing cuts it short."""
    limits = Limits(template_seconds=0.05, pdf_seconds=0.1)
    met = 0
    for n in range(1, 60):
        try:
            with applied(limits):
                sys.setprofile(_interrupt_at_call(n))
                with (
                    template_time("body.md") if kind == "template" else pdf_layout("x.pdf", limits)
                ):
                    pass
                sys.setprofile(None)
        except KeyboardInterrupt:
            met += 1
            sys.setprofile(None)
            time.sleep(0.15)  # the command's clean-up, past the limit: no alarm here
        finally:
            sys.setprofile(None)
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0), n
        assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL, n
    assert met >= 10  # the interrupt came in as many places (the rest: none that many)
