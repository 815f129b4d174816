"""Laying out PDFs in worker processes: whole letters, and shared pages stamped per addressee.

Every function here runs in a worker (or in-process with one job), takes plain
picklable arguments and writes its files itself, so nothing large travels back.
"""

from __future__ import annotations

import io
import multiprocessing
import multiprocessing.pool
import os
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from typing import Any, Protocol

from campaign.compose.overlays import Place
from campaign.errors import CampaignError
from campaign.files.atomic import write_atomic
from campaign.model.limits import DEFAULT, LimitExceeded, Limits, output_name, pdf_layout

# A worker is replaced after this many jobs, so memory WeasyPrint keeps (caches,
# fragmentation) cannot creep over a long build.
JOBS_PER_WORKER = 8


@dataclass(frozen=True)
class FullJob:
    """Letters laid out whole, each as its own document (its own "Page N of M")."""

    items: tuple[tuple[str, str], ...]  # (html, output path)
    base: str
    root: str
    _: KW_ONLY  # what follows is named: there are several of them, with defaults
    variant: str = ""  # 'pdf/a-3b', 'pdf/ua-1' or '' (see pdfvariant.py)
    date: str = ""  # the PDFs' creation date (W3C), the same for a whole build
    limits: Limits = DEFAULT


@dataclass(frozen=True)
class StampJob:
    """Addressee parts of page 1 for a batch, laid out in one document, stamped on the master.

    The parts run from page 1 to the page of the salutation: a page for most letters,
    two for a petition (the address on its cover, the salutation on page 2).
    """

    master: str  # the shared pages, addressee parts laid out but hidden
    # Where the addressee parts in the flow stand on the master (render.addressee_boxes).
    boxes: tuple[tuple[int, float, float, float, float], ...]
    html: str  # the batch: one page per addressee
    outputs: tuple[str, ...]  # one file per page of the batch
    base: str
    root: str
    _: KW_ONLY
    variant: str = ""  # never a tagged one: stamping would leave page 1 untagged
    date: str = ""
    limits: Limits = DEFAULT
    # Where each part stands on the master, when ``html`` holds the parts alone, placed
    # (compose/overlays.py); empty when its pages are whole page 1s, compared by ``boxes``.
    places: tuple[Place, ...] = ()


def run_full(job: FullJob) -> list[str]:
    """Lay out and write each letter of ``job``."""
    from campaign.pdf.render import DoesNotFit, render_pdf

    for html, out in job.items:
        with pdf_layout(output_name(out), job.limits):
            try:
                pdf = render_pdf(html, Path(job.base), Path(job.root), job.variant, job.date)
            except DoesNotFit as exc:  # the build says whose address it is
                raise DoesNotFit(exc.misfits, (out,) * len(exc.misfits)) from None
        write_atomic(Path(out), pdf)
    return [out for _, out in job.items]


def run_stamp(job: StampJob) -> tuple[list[str], list[int]]:
    """Write each addressee's letter as the master with their page 1 stamped on it.

    Returns the files written and the batch positions whose addressee parts did not
    take exactly the master's room (a salutation that wraps onto more lines); those
    need a full layout.
    """
    import pikepdf

    from campaign.pdf.render import DoesNotFit, addressee_boxes, fitted_layout, write
    from campaign.pdf.variants import save

    # pages of each addressee's parts in the batch
    per = max(p.page for p in job.places or job.boxes) + 1  # type: ignore[union-attr]
    others = len(job.outputs) - 1
    what = output_name(job.outputs[0]) + (
        f" (with {others} other letter{'s' if others > 1 else ''} in its batch)" if others else ""
    )
    with pdf_layout(what, job.limits):
        document, overflowing = fitted_layout(job.html, Path(job.base), Path(job.root), job.variant)
        if overflowing:  # each addressee's parts take ``per`` pages
            outputs = [job.outputs[min(m.page // per, others)] for m in overflowing]
            raise DoesNotFit(overflowing, tuple(outputs))
        laid_out = write(document, job.variant, job.date)
    if job.places:
        placed = _placed_as_master(document, job.places, per)
    else:
        boxes: dict[int, list[tuple[int, float, float, float, float]]] = {}
        for page, left, top, width, height in addressee_boxes(document):
            boxes.setdefault(page // per, []).append((page % per, left, top, width, height))
        placed = {i for i in range(len(job.outputs)) if tuple(boxes.get(i, ())) == job.boxes}
    # Should an addressee's parts take more pages than the master's, the pages of the
    # batch would no longer line up with its addressees: all are laid out whole.
    aligned = len(document.pages) == per * len(job.outputs)
    overlay = pikepdf.open(io.BytesIO(laid_out))
    written, misfits = [], []
    for index, out in enumerate(job.outputs):
        if not aligned or index not in placed:
            misfits.append(index)
            continue
        with pikepdf.open(job.master) as pdf:
            for n in range(per):
                stamp(pdf.pages[n], overlay.pages[index * per + n], n)
            data = save(pdf, job.variant, str(pdf.pdf_version))
        write_atomic(Path(out), data)
        written.append(out)
    return written, misfits


# How far a part may stand from the master's place (CSS px): the placing CSS is written
# to 1/10000 px, and the layout adds float rounding; 0.01 px is 1/250 of a typographic point.
NEAR = 0.01


def _placed_as_master(document: Any, places: tuple[Place, ...], per: int) -> set[int]:
    """The batch positions whose every part stands exactly where the master's does.

    A part in the flow must also take exactly the master's room: the text after it
    stands where it does on the master only then. One out of the flow (the address
    in its window) may be taller or shorter: the fit check sees that it fits its frame.
    """
    from campaign.compose.overlays import PART
    from campaign.pdf.render import numbered_parts

    found: dict[int, dict[int, Place | None]] = {}
    for page, number, place in numbered_parts(document, PART):
        mine = found.setdefault(page // per, {})
        # A part twice on a page (it could not be placed as one box) matches nothing.
        mine[number] = None if number in mine else place
    good = set()
    for index, parts in found.items():
        if len(parts) == len(places) and all(
            _same(parts.get(n), master, index * per) for n, master in enumerate(places)
        ):
            good.add(index)
    return good


def _same(place: Place | None, master: Place, first: int) -> bool:
    if place is None or place.page - first != master.page:
        return False
    sizes = (place.width - master.width,) + ((place.height - master.height,) if master.flow else ())
    return all(abs(d) < NEAR for d in (place.left - master.left, place.top - master.top, *sizes))


def stamp(sheet: Any, overlay: Any, index: int) -> None:
    """Draw page ``overlay`` over page ``sheet`` (page ``index``, from 0), at the same place.

    pikepdf's ``add_overlay`` names the form XObject at random, which would make
    every build's letters differ; this names it after the page, as the pages of a
    WeasyPrint document share one resource dictionary.
    """
    import pikepdf

    form = overlay.as_form_xobject()
    name = pikepdf.Name(f"/CampaignStamp{index + 1}")
    name = sheet.add_resource(form, pikepdf.Name.XObject, name)
    placed = sheet.calc_form_xobject_placement(form, name, pikepdf.Rectangle(sheet.mediabox))
    sheet.contents_add(b"q\n", prepend=True)
    sheet.contents_add(b"Q\n")
    sheet.contents_add(placed)
    sheet.contents_coalesce()


class Pending(Protocol):
    """A job handed to a worker: ``result()`` waits for it and returns what it returned."""

    def result(self) -> Any:
        """Wait for the job; its return value, or its exception raised here."""


class Workers(Protocol):
    """Where jobs run: a pool of processes, or this process."""

    def submit(self, fn: Callable[[Any], Any], job: Any) -> Pending:
        """Start ``fn(job)``."""


class _Done:
    def __init__(self, fn: Callable[[Any], Any], job: Any) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        try:
            self._value = fn(job)
        except Exception as exc:
            self._error = exc

    def result(self) -> Any:
        if self._error is not None:
            raise self._error
        return self._value


class _InProcess:
    """Runs each job at once, in this process: for --jobs 1 and for tests."""

    def submit(self, fn: Callable[[Any], Any], job: Any) -> Pending:
        return _Done(fn, job)


class WorkerDied(CampaignError):
    """A worker process ended in the middle of a build (killed, or a C library aborted)."""


def _died(exitcode: int) -> str:
    """How a process ended, in words: 'was killed by signal 9 (SIGKILL)', ..."""
    if exitcode < 0:
        try:
            name = f" ({signal.Signals(-exitcode).name})"
        except ValueError:
            name = ""
        return f"was killed by signal {-exitcode}{name}"
    return f"stopped with exit status {exitcode}"


class _WatchedPool(multiprocessing.pool.Pool):
    """A pool that remembers every worker it starts, so that one that dies is noticed.

    multiprocessing.Pool replaces a dead worker but loses the job it was running: the
    command would wait for its result until the time limit ran out. Workers end with
    status 0 when they are recycled; any other end means a lost job.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.started: list[Any] = []
        context = kwargs["context"]

        def process(_ctx: Any, *a: Any, **kw: Any) -> Any:
            worker = context.Process(*a, **kw)
            self.started.append(worker)
            return worker

        # Pool starts its workers (and later their replacements) through self.Process.
        self.Process = process  # type: ignore[method-assign,assignment]
        super().__init__(*args, **kwargs)

    def dead(self) -> str:
        """How the first worker that did not end normally ended, or ''."""
        for worker in list(self.started):
            code = worker.exitcode
            if code:
                return _died(code)
        return ""


# How often a wait for a worker's result looks for workers that died (seconds).
WATCH_EVERY = 0.5


class _Async:
    def __init__(self, result: Any, job: Any, pool: _WatchedPool) -> None:
        self._result = result
        self._job = job
        self._pool = pool

    def result(self) -> Any:
        # A worker enforces the limits itself; but one that dies (a C library aborting
        # when memory runs out, the kernel's OOM killer) never answers.
        limits: Limits = getattr(self._job, "limits", DEFAULT)
        outputs = [out for _, out in getattr(self._job, "items", ())]
        outputs += list(getattr(self._job, "outputs", ()))
        timeout = limits.pdf_seconds * max(len(outputs), 1) + WORKER_GRACE
        deadline = time.monotonic() + timeout
        while not self._result.ready():
            if how := self._pool.dead():
                raise WorkerDied(
                    f"a worker process laying out PDFs {how}; nothing was written\n"
                    "  hint: if it ran out of memory, raise 'pdf_memory_mb' under 'limits:' "
                    "in campaign.yaml; build with --jobs 1 to see any error it met"
                )
            if time.monotonic() > deadline:
                what = output_name(outputs[0]) if outputs else "a PDF"
                raise LimitExceeded(
                    f"laying out {what} did not finish within {timeout:g} seconds: the worker "
                    f"laying it out stopped answering (out of memory?); nothing was written\n"
                    "  hint: raise 'pdf_seconds' or 'pdf_memory_mb' under 'limits:' in "
                    "campaign.yaml, or build with --jobs 1 to see the error"
                )
            self._result.wait(WATCH_EVERY)
        return self._result.get()


# Seconds a worker may take beyond its layout limits (starting, writing the files).
WORKER_GRACE = 60.0


class _Pool:
    def __init__(self, pool: _WatchedPool) -> None:
        self._pool = pool

    def submit(self, fn: Callable[[Any], Any], job: Any) -> Pending:
        return _Async(self._pool.apply_async(fn, (job,)), job, self._pool)


def default_jobs() -> int:
    """One worker per CPU this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@contextmanager
def workers(jobs: int, separate: bool = False) -> Iterator[Workers]:
    """A pool of ``jobs`` worker processes (or this process alone when ``jobs`` is 1).

    ``separate`` keeps even one job out of this process: for commands (``check``) that
    must not import WeasyPrint themselves.
    """
    if jobs <= 1 and not separate:
        yield _InProcess()
        return
    # Workers fork from a server that has imported WeasyPrint once, so a fresh or
    # recycled worker starts in milliseconds. (multiprocessing.Pool, not
    # concurrent.futures: the latter can hang when it recycles workers on 3.11.)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["campaign.pdf.workers", "campaign.pdf.render", "weasyprint"])
    pool = _WatchedPool(jobs, maxtasksperchild=JOBS_PER_WORKER, context=context)
    try:
        yield _Pool(pool)
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
