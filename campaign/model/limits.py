"""Limits on time and memory for filling in templates and laying out PDFs.

A hostile or mistaken input (a template loop that never ends, a list of a million
names) must end in a clear error, not a machine that swaps or a build that never
returns. The defaults are far above what real letters need: the benchmark's
10,000-name list and 700 letters stay well inside them.

Time is wall-clock time, measured with SIGALRM, so it works only in the main thread
of a process (the command itself, and each worker); elsewhere (the preview's server
threads) there is no time limit. Memory is the process's data size (RLIMIT_DATA:
the heap and private mappings, not the fonts WeasyPrint maps from disk, which would
count against RLIMIT_AS).
"""

from __future__ import annotations

import contextvars
import ctypes
import resource
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import _GeneratorContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from campaign.errors import CampaignError, display_path

KEYS = ("template_seconds", "pdf_seconds", "pdf_memory_mb")


@dataclass(frozen=True)
class Limits:
    """``limits:`` in campaign.yaml."""

    template_seconds: float = 60.0  # filling in one template (composing runs first)
    pdf_seconds: float = 600.0  # laying out one PDF document
    # Data memory laying out a PDF, or filling in a template, may take beyond what its
    # process holds already.
    pdf_memory_mb: int = 4096


class LimitExceeded(CampaignError):
    """A template or a PDF went past a limit of campaign.yaml's ``limits:``."""


ALARM_REPEAT = 0.25  # seconds between alarms once the time is up


class _OutOfTime(BaseException):
    """Raised by the alarm; a BaseException, so no ``except Exception`` swallows it."""


DEFAULT = Limits()
_active: contextvars.ContextVar[Limits | None] = contextvars.ContextVar("limits", default=None)


def active() -> Limits:
    """The limits in force (the defaults unless :func:`applied` set others)."""
    return _active.get() or DEFAULT


@contextmanager
def applied(limits: Limits) -> Iterator[None]:
    """Make ``limits`` the ones in force for the code inside."""
    token = _active.set(limits)
    try:
        yield
    finally:
        _active.reset(token)


def _hint(setting: str) -> str:
    return f"  hint: raise it in campaign.yaml under 'limits:', e.g. '{setting}'"


class _Deadline:
    """Raise _OutOfTime in the code inside after ``seconds`` (main thread only).

    The alarm repeats: raised inside a garbage-collector callback or a __del__, the
    exception is dropped, and the code would run on unlimited; dropped, it is not
    printed either (a traceback on the terminal, before the error that says the same
    thing), since it goes off again a quarter of a second later. It is let go
    where it finds the deadline itself being set up or taken down (_OWN): a signal that
    arrives in a long C call is handled at the next line of Python, which may be the
    first of the taking down, and raised there it cut the disarming short, leaving the
    timer to go off every quarter of a second in whatever ran next. A Ctrl+C met there
    (or a SIGTERM, which the commands take as one) waits until the disarming is done,
    where it can; where it cannot, the alarm goes off in the clean-up it started, and
    disarms.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.armed = False
        self.previous: Any = _UNSET
        self.hook: Any = _UNSET
        self.outer = (0.0, 0.0)
        self.started = 0.0

    def __enter__(self) -> None:
        if self.seconds <= 0 or threading.current_thread() is not threading.main_thread():
            return
        try:
            # What each was, known before it is changed: a Ctrl+C may come in between.
            self.hook = sys.unraisablehook
            sys.unraisablehook = self._dropped
            self.previous = signal.getsignal(signal.SIGALRM)
            signal.signal(signal.SIGALRM, self._alarm)
            self.armed, self.started = True, time.monotonic()
            self.outer = signal.setitimer(signal.ITIMER_REAL, self.seconds, ALARM_REPEAT)
        except BaseException:  # a Ctrl+C as it was set: the code inside never runs
            self._disarm()
            raise

    def _alarm(self, _signum: int, frame: FrameType | None) -> None:
        if not self.armed:
            return
        if isinstance(sys.exc_info()[1], (KeyboardInterrupt, SystemExit)):
            # The command is stopping, and cleaning up: a Ctrl+C that came as the
            # deadline was set or taken down (at a function's first line, where nothing
            # can catch it) left it armed, and no limit holds for the clean-up.
            self._disarm()
        elif frame is None or frame.f_code not in _OWN:
            raise _OutOfTime

    def _dropped(self, unraisable: Any) -> None:
        if not isinstance(unraisable.exc_value, _OutOfTime):
            self.hook(unraisable)

    def __exit__(self, *_: object) -> None:
        self._disarm()

    def _disarm(self) -> None:
        """Timer, handler and hook as they were, a Ctrl+C meanwhile raised once they are."""
        interrupted: BaseException | None = None
        while True:
            try:
                if self.armed:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                    self.armed = False
                if self.previous is not _UNSET:
                    signal.signal(signal.SIGALRM, self.previous)
                    self.previous = _UNSET
                if self.hook is not _UNSET:
                    if sys.unraisablehook == self._dropped:  # (not if another was set since)
                        sys.unraisablehook = self.hook
                    self.hook = _UNSET
                left, repeat = self.outer
                if left:  # an enclosing timer keeps running: what is left of it
                    self.outer = (0.0, 0.0)
                    left -= time.monotonic() - self.started
                    signal.setitimer(signal.ITIMER_REAL, max(left, 0.001), repeat)
                break
            except KeyboardInterrupt as exc:
                interrupted = exc
        if interrupted is not None:
            raise interrupted


_UNSET = object()  # (a handler of None is one Python did not install)

# Where a deadline is set up or taken down: its own methods, and those of the context
# managers made with @contextmanager that hold one (template_time, pdf_layout), which
# run between the code inside and the deadline's.
_OWN = frozenset(
    f.__code__
    for f in (
        _Deadline.__enter__, _Deadline.__exit__, _Deadline._disarm, _Deadline._dropped,
        _GeneratorContextManager.__enter__, _GeneratorContextManager.__exit__,
    )
)  # fmt: skip


@contextmanager
def template_time(template: str | Callable[[], str]) -> Iterator[None]:
    """Fill in ``template`` (its name, or how to work it out) within the time limit."""
    seconds = active().template_seconds
    try:
        with _Deadline(seconds):
            yield
    except _OutOfTime:
        name = template if isinstance(template, str) else template()
        raise LimitExceeded(
            f"{name}: filling in the template took longer than {seconds:g} seconds, "
            "the limit; nothing was written\n"
            "  hint: look for a loop that never ends; if the letter really needs longer, "
            "raise 'template_seconds' under 'limits:' in campaign.yaml"
        ) from None


@contextmanager
def _memory_cap(megabytes: int) -> Iterator[int]:
    """Let the code inside take at most ``megabytes`` more data memory than the process has.

    Counted from what the process holds already (WeasyPrint loaded, the letters
    planned, what earlier jobs left), so the limit means the same in a fresh worker
    and in the command's own process, whatever the size of the campaign. Yields the
    cap in bytes (0 when there is none).
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if megabytes <= 0 or threading.current_thread() is not threading.main_thread():
        # A limit on the process set from one thread would hold for all of them.
        yield 0
        return
    cap = _data_size() + megabytes * 1024 * 1024
    for bound in (soft, hard):  # never looser than a limit already in force
        if bound != resource.RLIM_INFINITY:
            cap = min(cap, bound)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))
    try:
        yield cap
    finally:
        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))


def _at_memory_cap(cap: int) -> bool:
    """Whether this process's data size is at (or within a tenth of) ``cap`` bytes."""
    return bool(cap) and _data_size() >= cap * 0.9


def _data_size() -> int:
    """This process's data size in bytes (0 when it cannot be read)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def _where(exc: BaseException) -> str:
    """``path:line`` of the innermost template line in ``exc``'s traceback, or ''."""
    where = ""
    for frame in traceback.extract_tb(exc.__traceback__):
        # Jinja maps the code it compiled back to the template's own file and line.
        if frame.filename.endswith((".j2", ".md", ".html")):
            where = f"{display_path(Path(frame.filename))}:{frame.lineno}"
    return where


@contextmanager
def template_memory(template: str | Callable[[], str]) -> Iterator[None]:
    """Fill in ``template`` taking at most ``pdf_memory_mb`` more memory than the process has."""
    megabytes = active().pdf_memory_mb
    try:
        with _memory_cap(megabytes):
            yield
    except MemoryError as exc:
        name = _where(exc) or (template if isinstance(template, str) else template())
        raise LimitExceeded(
            f"{name}: filling in the template needed more than {megabytes} MB of memory, "
            "the limit; nothing was written\n"
            "  hint: look for a loop that makes a text ever longer; if the letter really "
            "needs more, raise 'pdf_memory_mb' under 'limits:' in campaign.yaml"
        ) from None


def output_name(path: str | Path) -> str:
    """How messages name a file being made in a staging folder: ``build/<slug>/<file>``."""
    parts = list(Path(path).parts)
    for n, part in enumerate(parts):
        if part.startswith(".") and part.endswith(".staging"):
            rest = parts[n + 1 :]
            if rest[:1] == [".parts"]:  # a part of envelopes.pdf or labels.pdf
                rest = [rest[-1].rsplit(".", 2)[0]]
            final = Path(*parts[:n], part[1 : -len(".staging")], *rest)
            return display_path(final)
    return display_path(Path(path))


@contextmanager
def pdf_layout(what: str, limits: Limits) -> Iterator[None]:
    """Lay out ``what`` (a PDF, named in the error) within the time and memory limits."""
    cap = 0
    try:
        with _memory_cap(limits.pdf_memory_mb) as cap, _Deadline(limits.pdf_seconds):
            yield
    except _OutOfTime:
        raise LimitExceeded(
            f"laying out {what} took longer than {limits.pdf_seconds:g} seconds, the limit; "
            "nothing was written\n" + _hint("pdf_seconds: 1800")
        ) from None
    except Exception as exc:
        # A C library that cannot allocate may fail in its own way (a SystemError, an
        # error status), not with MemoryError: at the limit, that is the limit too.
        if not isinstance(exc, MemoryError) and not _at_memory_cap(cap):
            raise
        raise LimitExceeded(
            f"laying out {what} needed more than {limits.pdf_memory_mb} MB of memory, "
            "the limit; nothing was written\n" + _hint("pdf_memory_mb: 8192")
        ) from None


_PR_SET_PDEATHSIG = 1  # prctl(2): a signal sent to this process when its parent ends


def end_with_parent() -> None:
    """Have the kernel kill this process (a worker, a child) as soon as its parent ends (Linux)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
