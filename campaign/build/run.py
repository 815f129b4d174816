"""Run a build: lay out a plan's changed outputs in staging, then move them into place.

The runner goes through the outputs by their kind's layout (``plan.KINDS``).
Letters to different addressees usually differ only in the address window and the
salutation. Then the pages are laid out once (those two parts hidden), each
addressee's page 1 parts are laid out in batches, one document per batch, and
each letter is the shared pages with its page 1 stamped on. Letters whose text
depends on the addressee are laid out whole. A manifest of input hashes per output
lets a rebuild skip every file whose inputs did not change; a file is moved into
place only once all of its letter's files are made.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign import __version__
from campaign.build.fit import STAMP_BATCH, misfit_problems
from campaign.build.plan import KINDS, LETTERS, Layout, LetterPlan, Maker, Output, letter_to
from campaign.compose.bundle import LetterBundle
from campaign.compose.composer import batch_of
from campaign.compose.overlays import own_pages, stack_height
from campaign.errors import CampaignError, ProblemsFoundLate, display_path, shown
from campaign.files.atomic import (
    folder_locked,
    fsync_dir,
    remove_atomic,
    write_atomic,
    write_staged,
)
from campaign.model import stops
from campaign.model.limits import Limits, applied, output_name
from campaign.model.timings import phase
from campaign.paths import MAX_BINARY, read_bytes, read_text
from campaign.pdf import listing
from campaign.pdf.listing import is_long, paged_list
from campaign.pdf.pool import (
    Pending,
    Workers,
    _InProcess,
    default_jobs,
    server_started,
    workers,
)
from campaign.pdf.render import DoesNotFit
from campaign.pdf.workers import (
    UNSHARED,
    FullJob,
    MasterDone,
    MasterJob,
    StampJob,
    run_full,
    run_master,
    run_stamp,
)

MANIFEST = "manifest.json"
# Written before outputs are moved in and removed once the manifest is: a build cut
# short in between leaves files the manifest does not describe, to be made again.
MOVING = ".moving.json"
DROPPED = ".dropped"  # a translation's folder, moved aside while it is removed
PARTS = ".parts"  # in the staging folder: parts of outputs laid out in pieces
FULL_BATCH = 4  # whole letters per worker job, at most
# A job's HTML (characters) past which no more letters join it. Layout time follows
# the HTML's length (about 30 ms of CPU per 1,000 characters): several long letters
# in one job would keep one worker busy at the build's end while the others idle.
JOB_CHARS = 40_000
BUILD_LOCK_TIMEOUT = 30.0  # seconds to wait for another build of the same workspace


@dataclass
class Made:
    """What a build did for one letter."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    shared_pages: int = 0  # pages of the shared layout, laid out once
    whole: int = 0  # letters laid out whole
    # Letters that were to share their pages, laid out whole: (their role, "to" or
    # "cc", and why, as pdf.workers.UNSHARED says it), one for each.
    unshared: list[tuple[str, str]] = field(default_factory=list)
    proof: str = ""  # what the build verified on the pages, in a line


def _read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads(read_text(folder / MANIFEST))
        return dict(data["outputs"]) if data.get("version") == __version__ else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _read_moving(folder: Path) -> set[str] | None:
    """Outputs a build was moving into place when it stopped (None: cannot tell which)."""
    try:
        names = json.loads(read_text(folder / MOVING))
    except FileNotFoundError:
        return set()
    except (OSError, ValueError):
        return None
    return {str(n) for n in names} if isinstance(names, list) else None


def _trusted(folder: Path) -> dict[str, str]:
    """The manifest's keys of the outputs known to hold what the manifest says."""
    known = _read_manifest(folder)
    moving = _read_moving(folder)
    if moving is None:
        return {}
    return {name: key for name, key in known.items() if name not in moving}


def _todo(plan: LetterPlan, force: bool) -> list[Output]:
    known = {} if force else _trusted(plan.folder)
    return [
        o for o in plan.outputs if known.get(o.name) != o.key or not (plan.folder / o.name).exists()
    ]


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[n : n + size] for n in range(0, len(items), size)]


@dataclass
class _Staged:
    """A letter whose files are laid out in its staging folder, not yet moved into place."""

    plan: LetterPlan
    todo: list[Output]
    staging: Path
    made: Made
    early: _Early


def _staging(plan: LetterPlan) -> Path:
    """The folder a letter's files are laid out in before they are moved into place."""
    return _staging_of(plan.folder)


def _staging_of(folder: Path) -> Path:
    """The staging folder of a letter's build ``folder``."""
    return folder.parent / f".{folder.name}.staging"


def _master_name(staging: Path) -> str:
    """How a layout's errors name a group's shared pages."""
    return f"the pages shared by the letters in {output_name(staging / LETTERS.folder)}/"


def _stage(
    plan: LetterPlan,
    pool: Workers,
    tick: Callable[[Path], None],
    todo: list[Output],
    laid: dict[tuple[Any, ...], tuple[Pending, Path]] | None = None,
) -> _Staged:
    """Lay out the outputs ``todo`` of ``plan`` (those whose inputs changed) in a staging folder.

    ``laid``: shared layers laid out ahead (Ahead.masters); those this plan uses are taken.
    """
    staging = _staging(plan)
    shutil.rmtree(staging, ignore_errors=True)
    mailed = {staging / o.name for o in todo if o.kind.mailed}
    enclosed = mailed if plan.bundle.letter.enclosures else set()
    made = {staging / o.name for o in todo if o.kind.layout is not Layout.DERIVED}
    early = _Early(plan, todo, staging, made)
    staged = _Staged(plan, todo, staging, Made(), early)
    staged.made.unchanged = len(plan.outputs) - len(todo)

    def finished(path: Path) -> None:
        tick(path)
        if path not in enclosed:  # else once its enclosures are joined to it
            early.ready.done(path)

    # Everything is composed before anything is laid out: a template error
    # stops the build while the outputs are still as they were.
    try:
        with phase("composing"):
            jobs = _jobs(plan, todo, staging, pool)
        early.start()  # print.pdf is joined while the letters are still laid out
        _run(plan, jobs, pool, staging, staged.made, finished, early.ready.stamped, laid or {})
        with phase("enclosures"):
            _enclose(plan, todo, staging, early.ready)
        early.ready.done_all()
    except BaseException:
        early.abandon()
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staged


class _Abandoned(Exception):
    """The build stopped: a maker waiting for a file gives up."""


class _Ready:
    """The staged files still being made: a maker started early waits here for each it reads."""

    def __init__(self, pending: set[Path]) -> None:
        self._pending = pending
        self._masters: dict[Path, Path] = {}  # letters stamped on a master: which
        self._changed = threading.Condition()
        self._abandoned = False

    def stamped(self, path: Path, master: Path) -> None:
        """``path`` is ``master`` with page 1 stamped on (said before it is finished)."""
        with self._changed:
            self._masters[path] = master

    def done(self, path: Path) -> None:
        """``path`` is finished."""
        with self._changed:
            self._pending.discard(path)
            self._changed.notify_all()

    def done_all(self) -> None:
        """Every file is finished (the letter's staging is complete)."""
        with self._changed:
            self._pending.clear()
            self._changed.notify_all()

    def abandon(self) -> None:
        """The build stopped: every wait gives up."""
        with self._changed:
            self._abandoned = True
            self._changed.notify_all()

    def wait(self, path: Path) -> Path | None:
        """Wait until ``path`` is finished (at once for a file this build does not make).

        Returns the master it was stamped on, if it was: print.pdf stores its pages once.
        """
        with self._changed:
            while path in self._pending and not self._abandoned:
                self._changed.wait()
            if self._abandoned:
                raise _Abandoned
            return self._masters.get(path)


class _Early:
    """The derived outputs (print.pdf, mailing.csv, proof.json), made in a thread of their
    own as the outputs they read are finished, rather than all at the end.

    The workers lay out on every core meanwhile; this adds what it costs to the
    parallel part of the build instead of after it.
    """

    def __init__(
        self, plan: LetterPlan, todo: list[Output], staging: Path, made: set[Path]
    ) -> None:
        self.plan, self.todo, self.staging = plan, todo, staging
        self.ready = _Ready(made)
        self.ticks: list[Path] = []  # said by the build's thread, which owns the progress bar
        self._lines: dict[int, str] = {}  # what each maker said, by its place in the order
        self._error: BaseException | None = None
        # A thread per maker: the proof reads its files as they are finished, not after
        # print.pdf's last page, so it adds nothing to the end of the build.
        self._threads = [
            threading.Thread(target=self._make, args=(n, make), name=f"derived outputs {n}")
            for n, make in enumerate(_makers(todo))
        ]
        for thread in self._threads:
            thread.daemon = True

    def start(self) -> None:
        """Start making the derived outputs."""
        for thread in self._threads:
            thread.start()

    def _make(self, number: int, make: Maker) -> None:
        fresh = {o.name for o in self.todo}
        try:
            self._lines[number] = make(
                self.plan, fresh, self.staging, self.ticks.append, self.ready.wait
            )
        except _Abandoned:
            pass
        except BaseException as exc:  # said by the build's thread, in result()
            self._error = self._error or exc

    def abandon(self) -> None:
        """Stop making them, and wait until the threads have ended."""
        self.ready.abandon()
        for thread in self._threads:
            if thread.is_alive():
                thread.join()

    def result(self, tick: Callable[[Path], None]) -> str:
        """Wait for the derived outputs; the line saying what the proof verified."""
        for thread in self._threads:
            thread.join()
        for path in self.ticks:
            tick(path)
        if self._error is not None:
            raise self._error
        # The last maker's line that says something (the proof's).
        return next((line for _, line in sorted(self._lines.items(), reverse=True) if line), "")


def _finish(staged: _Staged, tick: Callable[[Path], None]) -> Made:
    """Wait for what is made from the letters (print.pdf, ...), then move everything in."""
    made = staged.made
    with phase("waiting for print.pdf"):  # what the derived outputs add after the layout
        made.proof = staged.early.result(tick) or made.proof
    with phase("moves"):
        _move(staged)
    return made


def _move(staged: _Staged) -> None:
    """Move a letter's staged files into place, and the manifest after them."""
    plan, todo, staging, made = staged.plan, staged.todo, staged.staging, staged.made
    folder = plan.folder
    moving = _read_moving(folder)
    made_before = _read_manifest(folder)
    if todo:
        # Said before the first file moves: if the build stops half way, the next one
        # must not take the old manifest's word for a file that was since replaced.
        names = (moving or set()) | {o.name for o in todo}
        names |= set(made_before) if moving is None else set()
        write_atomic(folder / MOVING, json.dumps(sorted(names)) + "\n")
    touched = {folder}
    for output in todo:
        (folder / output.name).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / output.name, folder / output.name)
        touched.add((folder / output.name).parent)
        made.written.append(folder / output.name)
    _remove_stale(folder, {o.name for o in plan.outputs}, set(made_before) | (moving or set()))
    if not plan.bundle.letter.edition:
        _remove_dropped_editions(folder, {e.letter.edition for e in plan.bundle.editions})
    for each in touched:  # the outputs are on disk before the manifest vouches for them
        fsync_dir(each)
    manifest = {"version": __version__, "outputs": {o.name: o.key for o in plan.outputs}}
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    remove_atomic(folder / MOVING)


@dataclass
class _Jobs:
    # whole letters: how to compose each, and where it goes
    full: list[tuple[Callable[[], str], str]] = field(default_factory=list)
    # shared layer (by group), addressee indexes, output paths; the overlay is composed
    # once the master is laid out, as it places the parts where the master has them
    stamps: list[tuple[int, list[int], list[str]]] = field(default_factory=list)
    masters: dict[int, str] = field(default_factory=dict)  # the shared layers to lay out
    texts: list[Path] = field(default_factory=list)
    # outputs laid out in parts: the output, its parts' files in order, and the file
    # of what is drawn under every page (None: nothing)
    joins: list[tuple[Path, list[Path], Path | None]] = field(default_factory=list)
    # long lists, cut and laid out on the workers (its HTML, its output)
    lists: list[tuple[str, str]] = field(default_factory=list)
    whole: int = 0  # letters that could have shared their pages, laid out whole


@dataclass(frozen=True)
class _Given:
    """HTML composed already (a part of the envelopes, ...): handing it out holds no more."""

    text: str

    def __call__(self) -> str:
        return self.text


def _given(text: str) -> Callable[[], str]:
    return _Given(text)


def _makers(todo: list[Output]) -> list[Maker]:
    """The makers of the derived outputs to make, each once, in the registry's order."""
    kinds = {o.kind.name for o in todo}
    makers: list[Maker] = []
    for kind in KINDS:
        if kind.make is not None and kind.name in kinds and kind.make not in makers:
            makers.append(kind.make)
    return makers


def _jobs(plan: LetterPlan, todo: list[Output], staging: Path, pool: Workers) -> _Jobs:
    jobs = _Jobs()
    shared = [o for o in todo if o.addressee is not None]
    # Parts go after the whole letters, the longest first: the jobs at the end of the
    # build are then the shortest, and no worker is left alone with a long one.
    parts: list[tuple[Callable[[], str], str, int]] = []
    for output in todo:
        layout = output.kind.layout
        if output.addressee is not None or layout is Layout.DERIVED:
            continue
        if layout is Layout.PARTS:
            files = [
                staging / PARTS / f"{output.name}.{n:04d}.pdf" for n in range(len(output.parts))
            ]
            parts += [
                (_given(html), str(f), len(html))
                for html, f in zip(output.parts, files, strict=True)
            ]
            under = staging / PARTS / f"{output.name}.under.pdf" if output.under else None
            if under is not None:  # laid out once, with its own boxes checked
                parts.append((_given(output.under), str(under), len(output.under)))
            jobs.joins.append((staging / output.name, files, under))
        elif layout is Layout.LIST and not isinstance(pool, _InProcess):
            # Composed now: only a long one is cut (one process lays out a short one).
            html = output.compose()
            if is_long(html, plan.variant):
                jobs.lists.append((html, str(staging / output.name)))
            else:
                jobs.full.append((_given(html), str(staging / output.name)))
        elif output.pdf:
            # A letter to an addressee that could not share its pages (a copy for cc
            # shares only with other copies: one alone is laid out whole by design).
            jobs.whole += output.kind is LETTERS
            # Composed when handed to a worker, so memory holds a few letters, not all;
            # planning composed each once already, so template errors are known.
            jobs.full.append((output.compose, str(staging / output.name)))
        else:
            write_staged(staging / output.name, output.compose())
            jobs.texts.append(staging / output.name)
    jobs.full += [(html, out) for html, out, _ in sorted(parts, key=lambda part: -part[2])]
    for group, layer in enumerate(plan.shared.layers):
        members = [o for o in shared if o.group == group]
        if members:
            jobs.masters[group] = layer  # composed once, when the plan was made
        for batch in _chunks(members, STAMP_BATCH):
            indexes = [o.addressee for o in batch if o.addressee is not None]
            jobs.stamps.append((group, indexes, [str(staging / o.name) for o in batch]))
    return jobs


class _Feed:
    """Hands whole letters to the workers a few batches at a time (flat memory)."""

    def __init__(
        self,
        pool: Workers,
        base: str,
        root: str,
        tick: Callable[[Path], None],
        window: int,
        limits: Limits,
        variant: str = "",
        date: str = "",
    ) -> None:
        self.pool, self.base, self.root, self.tick = pool, base, root, tick
        self.window, self.limits, self.variant, self.date = window, limits, variant, date
        self.waiting: deque[tuple[Callable[[], str], str]] = deque()
        self.running: deque[Pending] = deque()
        # Once the letters' overlays are handed out: HTML composed already goes to the
        # workers' queue at once, behind them, so that no worker waits for the window.
        self.eager = False
        # Before that, a job a CPU: enough to keep the workers busy while the overlays
        # are composed, and no more. The letters stamped then come first; print.pdf,
        # joined as they are finished, otherwise began only once every part queued
        # ahead of them was laid out, and ended half a second after the workers.
        self.ahead = min(window, default_jobs())

    def add(self, items: list[tuple[Callable[[], str], str]]) -> None:
        """Queue letters, and start as many batches as the window allows."""
        self.waiting += items
        self._top_up()

    def open(self) -> None:
        """Hand out every letter composed already now, behind what the workers have."""
        self.eager = True
        self._top_up()

    def _may_start(self) -> bool:
        """Whether the next waiting letter may be handed out now."""
        if not self.waiting:
            return False
        if not self.eager:
            return len(self.running) < self.ahead
        return len(self.running) < self.window or isinstance(self.waiting[0][0], _Given)

    def _top_up(self) -> None:
        while self._may_start():
            items: list[tuple[str, str]] = []
            with phase("composing"):
                while (
                    self._may_start()
                    and len(items) < FULL_BATCH
                    and sum(len(html) for html, _ in items) < JOB_CHARS
                ):
                    compose, out = self.waiting.popleft()
                    items.append((compose(), out))
            job = FullJob(
                tuple(items),
                self.base,
                self.root,
                variant=self.variant,
                date=self.date,
                limits=self.limits,
            )
            self.running.append(self.pool.submit(run_full, job))

    def finish(self) -> None:
        """Wait for every queued letter.

        A letter whose boxes do not fit stops the build, once every other letter has
        been laid out: each one that does not fit is said in one pass.
        """
        overflowing: list[DoesNotFit] = []
        while self.running:
            try:
                names = self.running.popleft().result()
            except DoesNotFit as exc:
                overflowing.append(exc)
                names = []
            for name in names:
                if Path(name).parent.name != PARTS:  # a part is counted when joined
                    self.tick(Path(name))
            self._top_up()
        if overflowing:
            raise _joined(overflowing)


class _Listing:
    """A long list laid out in parts on the workers, handed out by a thread of its own."""

    def __init__(
        self, pool: Workers, html: str, out: str, base: str, root: str, limits: Limits, date: str
    ) -> None:
        self.html, self.out = html, out
        self._pdf: bytes | None = None
        self._error: BaseException | None = None

        def run() -> None:
            try:
                self._pdf = paged_list(
                    html, Path(base), Path(root), "", date, pool=pool, limits=limits, output=out
                )
            except BaseException as exc:  # raised in the build's thread, by result()
                self._error = exc

        # A daemon: should the build stop, the pool's end ends its waits too.
        self._thread = threading.Thread(target=run, name="list", daemon=True)
        self._thread.start()

    def result(self) -> bytes | None:
        """Wait for the list: its PDF, or None when it is to be laid out whole."""
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._pdf


def _taken(laying: Pending, ahead: Path, master: Path) -> MasterDone | None:
    """A master laid out ahead, its PDF copied to ``master``; None if that failed.

    Its folder is in the system's temporary folder, which may be full, or emptied under
    a running build: the build then lays the master out itself, and any error it meets
    is its own.
    """
    try:
        done: MasterDone = laying.result()
        if not done.overflowing and not done.apart:  # else it wrote none
            write_staged(master, read_bytes(ahead, MAX_BINARY))
    except Exception:
        return None
    return done


def _joined(found: list[DoesNotFit]) -> DoesNotFit:
    """Every misfit of several jobs, as one."""
    misfits = [m for exc in found for m in exc.misfits]
    return DoesNotFit(misfits, tuple(o for exc in found for o in exc.outputs))


def _run(
    plan: LetterPlan,
    jobs: _Jobs,
    pool: Workers,
    staging: Path,
    made: Made,
    tick: Callable[[Path], None],
    stamped: Callable[[Path, Path], None],
    laid: dict[tuple[Any, ...], tuple[Pending, Path]],
) -> None:
    base, root = str(plan.bundle.letter.folder), str(plan.bundle.root)
    limits = plan.bundle.settings.limits
    for path in jobs.texts:
        tick(path)
    variant, date = plan.variant, plan.date
    window = 2 * default_jobs() + 2
    feed = _Feed(pool, base, root, tick, window, limits, variant=variant, date=date)
    # The shared pages first, each group's on a worker of its own: their overlays wait
    # for them. This process lays out nothing (nor imports WeasyPrint): it composes
    # and hands out, and makes print.pdf meanwhile.
    masters: dict[int, tuple[Path, Pending]] = {}
    laid_ahead: dict[int, Path] = {}  # masters laid out while the letters were planned

    def lay_out(group: int, out: Path) -> Pending:
        """Hand group's shared layer to a worker, to be laid out into ``out``."""
        name = _master_name(staging)
        job = MasterJob(
            jobs.masters[group], str(out), name, base, root,
            variant=variant, date=date, limits=limits,
        )  # fmt: skip
        return pool.submit(run_master, job)

    for group, html in jobs.masters.items():
        out = staging / f".shared-{group}.pdf"
        found = laid.pop((html, base, root, variant, date, limits), None)
        if found is not None:
            masters[group], laid_ahead[group] = (out, found[0]), found[1]
        else:
            masters[group] = (out, lay_out(group, out))
    # Long lists next: each is handed out in parts by a thread of its own, which lays
    # out nothing itself. Then whole letters, so the workers are busy while the shared
    # pages' overlays are composed; unless a master was laid out ahead (it is done, or
    # nearly): its overlays then go first, and print.pdf can start on their letters.
    lists = [_Listing(pool, html, out, base, root, limits, date) for html, out in jobs.lists]
    overlays_first = bool(laid_ahead)
    if not overlays_first:
        feed.add(jobs.full)
    made.whole += jobs.whole
    misfits: list[tuple[int, str, str]] = []  # (addressee, output, why)
    unfit: list[DoesNotFit] = []  # said together, once everything is laid out
    stamps: list[tuple[Pending, Path, list[int], list[str]]] = []
    composer = plan.composer

    def submit(group: int, master: Path, boxes: Any, margins: Any, layout: Any, why: str) -> None:
        """Hand the overlays of ``group``'s letters to the workers, in batches."""
        for _, indexes, outputs in (s for s in jobs.stamps if s[0] == group):
            if not boxes:  # no addressee part in the flow to match: lay each out whole
                misfits.extend((i, out, why) for i, out in zip(indexes, outputs, strict=True))
                continue
            # Parts in the margins stand on every page, numbered as the letter's own:
            # each letter's overlay is then a document of its own.
            size = 1 if margins else len(indexes)
            for batch in _chunks(list(zip(indexes, outputs, strict=True)), size):
                numbers = [number for number, _ in batch]
                pages = [composer.piece_html(number, layer="overlay") for number in numbers]
                html, compact = batch_of(pages, None if margins else layout)
                places = layout[0] if compact and layout else ()
                stack = stack_height(*layout) if compact and layout else 0.0
                job = StampJob(
                    str(master), boxes, html, tuple(out for _, out in batch), base, root,
                    variant=variant, date=date, limits=limits, places=places, stack=stack,
                    margins=margins,
                )  # fmt: skip
                if margins:  # the overlay's own pages end with the page of its last part
                    more = job.per - 1 - max(box[0] for box in boxes)
                    job = dataclasses.replace(job, html=own_pages(html, more))
                stamps.append((pool.submit(run_stamp, job), master, numbers, list(job.outputs)))

    for group, (master, laying) in masters.items():
        done = _taken(laying, laid_ahead[group], master) if group in laid_ahead else None
        if done is None:
            if group in laid_ahead:  # it failed ahead (its folder full, or gone): again here
                laying = lay_out(group, master)
            done = laying.result()
        if done.overflowing:  # the master is addressed to the group's first addressee
            first = plan.composer.pieces[plan.shared.groups[group][0]].file
            misfit = list(done.overflowing)
            unfit.append(DoesNotFit(misfit, (str(staging / first),) * len(misfit)))
            continue  # its letters are said below
        made.shared_pages += 0 if done.apart else done.pages  # else none is stamped on
        # Its overlays go to the workers at once, behind what they have.
        why = done.apart or ("none" if done.moves_nothing else "after")
        boxes = () if done.apart else done.boxes  # none: each letter is laid out whole
        submit(group, master, boxes, done.margins, done.layout, why)
    feed.open()  # the parts behind the overlays, each handed out now
    if overlays_first:
        feed.add(jobs.full)
    for stamp, master, numbers, paths in stamps:
        try:
            written, bad = stamp.result()
        except DoesNotFit as exc:  # said with the others, once all are laid out
            unfit.append(exc)
            continue
        for name in written:
            stamped(Path(name), master)
            tick(Path(name))
        misfits += [(numbers[n], paths[n], why) for n, why in bad]
    feed.add([(letter_to(composer, i), out) for i, out, _ in misfits])
    made.whole += len(misfits)
    made.unshared += [(composer.pieces[i].role, UNSHARED[why]) for i, _, why in misfits]
    try:
        feed.finish()
        for listing in lists:
            if (listed := listing.result()) is None:  # not cut: laid out whole
                feed.add([(_given(listing.html), listing.out)])
            else:
                write_staged(Path(listing.out), listed)
                tick(Path(listing.out))
        feed.finish()
    except DoesNotFit as exc:
        unfit.append(exc)
    if unfit:
        raise _joined(unfit)
    if jobs.joins:
        from campaign.pdf.joining import join_pdfs

        for target, files, under in jobs.joins:
            # A plain join: the parts share little, and qpdf copies pages fastest.
            with phase("envelopes/labels"):
                join_pdfs(files, target, dedupe=False, variant=variant, under=under)
            tick(target)


def _enclose(plan: LetterPlan, todo: list[Output], staging: Path, ready: _Ready) -> None:
    """Every letter and copy just laid out, with the letter's enclosures joined after it.

    Done to the letters themselves, so that print.pdf, mailing.csv's pages and
    sheets, export-mail and the e-mail attachment all carry the enclosures.
    """
    letter = plan.bundle.letter
    if not letter.enclosures:
        return
    from campaign.pdf.joining import join_pdfs, page_counts

    page_counts(letter.enclosures, letter.path)  # an unreadable one stops the build here
    for output in todo:
        if output.kind.mailed:
            target = staging / output.name
            files = [target, *(e.file for e in letter.enclosures)]
            checked = frozenset(e.file for e in letter.enclosures)
            join_pdfs(files, target, variant=plan.variant, checked=checked)
            ready.done(target)


# The folders whose files are one kind's alone: a PDF there no plan names is stale.
_FOLDERS = tuple(kind.folder for kind in KINDS if kind.folder)


def _remove_stale(folder: Path, keep: set[str], made_before: set[str]) -> None:
    """Letters to people no longer on the recipient list must not be mailed by mistake.

    Nor may an output the letter no longer has (parallel.pdf once ``parallel:`` goes).
    """
    for name in made_before - keep:
        path = folder / name
        # Only files this build made: the letter's own, not a translation's folder.
        if path.is_file() and (path.parent == folder or path.parent.name in _FOLDERS):
            path.unlink()
    for sub in _FOLDERS:
        for old in (folder / sub).glob("*.pdf"):
            if f"{sub}/{old.name}" not in keep:
                old.unlink()


def _remove_dropped_editions(folder: Path, editions: set[str]) -> None:
    """A translation taken out of letter.yaml must not leave its letters to be mailed."""
    for sub in folder.iterdir():
        if sub.name.startswith(".") and sub.name.endswith(DROPPED) and sub.is_dir():
            shutil.rmtree(sub)  # left by a build that stopped while removing it
        elif sub.is_dir() and sub.name not in editions and _was_built(sub):
            # Out of sight in one rename first: removing file by file, a build cut short
            # could take the manifest and leave letters no later build knows to remove.
            gone = folder / f".{sub.name}{DROPPED}"
            shutil.rmtree(gone, ignore_errors=True)
            sub.rename(gone)
            shutil.rmtree(gone)


def _remove_gone_letters(out: Path, letters: Path) -> None:
    """A letter renamed or removed must not leave its letters in build/ to be mailed.

    Only a folder a build made (its manifest says so) whose letter's folder is gone.
    """
    for sub in out.iterdir():
        if sub.name.startswith(".") or sub.is_symlink() or not sub.is_dir():
            if sub.name.endswith(DROPPED) and sub.is_dir() and not sub.is_symlink():
                shutil.rmtree(sub)  # left by a build that stopped while removing it
            continue
        if not os.path.lexists(letters / sub.name) and _was_built(sub):
            # Out of sight in one rename first, as a dropped translation is.
            gone = out / f".{sub.name}{DROPPED}"
            shutil.rmtree(gone, ignore_errors=True)
            sub.rename(gone)
            shutil.rmtree(gone)


def _was_built(folder: Path) -> bool:
    """Whether a build made (or was making) this folder's files."""
    return (folder / MANIFEST).is_file() or (folder / MOVING).is_file()


# Each worker process holds a WeasyPrint of its own, with the fonts it met (the Noto CJK
# collections of a Japanese edition: over 100 MB) and its caches; a fork server holds
# another. A build of a few letters gains less from a second process than that costs.
PIECES_PER_WORKER = 40


def pool_size(todos: list[list[Output]], jobs: int | None) -> int:
    """The processes to lay out ``todos`` with: ``jobs`` if given, else as the work needs.

    One (this process) for up to PIECES_PER_WORKER PDFs, one more per as many again,
    never more than the CPUs; none to start when there is nothing to lay out. Each
    part of a long list counts as that many (a part of 1,500 names takes about what
    40 letters take), so that a list alone is cut on every CPU.
    """
    pieces = sum(1 for todo in todos for output in todo if output.pdf)
    for todo in todos:
        for output in todo:
            if output.kind.layout is Layout.LIST and is_long(html := output.compose()):
                pieces += PIECES_PER_WORKER * (html.count("<li") // listing.PART)
    if not pieces:
        return 1
    if jobs:
        return jobs
    return max(1, min(default_jobs(), -(-pieces // PIECES_PER_WORKER)))


def workers_ahead(bundles: list[LetterBundle], jobs: int | None) -> int:
    """The workers building ``bundles`` will likely take (1: none), guessed before planning.

    Counted as pool_size counts, on every output being made: a letter per recipient of
    each edition, and a list long enough to cut. A wrong guess costs one core's time.
    """
    if jobs is not None:
        return jobs
    pieces = sum(len(e.to) + len(e.cc) for b in bundles for e in (b, *b.editions))
    for bundle in bundles:
        if bundle.signatures.count >= listing.LONG:
            pieces += PIECES_PER_WORKER * (bundle.signatures.count // listing.PART)
    return max(1, min(default_jobs(), -(-pieces // PIECES_PER_WORKER)))


# A signature list's file at least this big likely holds a list long enough to cut: an
# entry takes more than 40 bytes (its name, and its type or status, each on a line).
LONG_LIST_BYTES = listing.LONG * 40


# The private folders of shared pages laid out ahead: campaign-shared-<pid>-<random>.
AHEAD_PREFIX = "campaign-shared-"


def _remove_left_ahead() -> None:
    """Remove what builds killed outright (kill -9) left in the temporary folder.

    A build removes its own folder however it stops, unless nothing of it runs any
    more. Only this user's folders go, and only those of a process that has ended.
    """
    temporary = Path(tempfile.gettempdir())
    try:
        found = list(temporary.glob(f"{AHEAD_PREFIX}*-*"))
    except OSError:
        return
    for folder in found:
        pid = folder.name[len(AHEAD_PREFIX) :].split("-", 1)[0]
        try:
            if not pid.isdigit() or folder.lstat().st_uid != os.getuid():
                continue
            os.kill(int(pid), 0)  # alive (or another user's): left alone
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


@dataclass
class Ahead:
    """check's hooks for a build: the workers' server started in ``stack`` once likely needed.

    Its import of WeasyPrint then runs on another core while this process reads and
    plans, not after. A long list's file is known by its size before it is parsed (a
    first read of 10,000 names takes about 1.5 s, longer than the import); the rest
    is guessed once the letters are read (``workers_ahead``).

    With the server started, a shared layer is laid out as soon as planning finds it
    (``layers``), in a private folder, while this process compares the other letters
    to it (a millisecond each; 0.7 s for 700). The build takes the result only for a
    master of exactly that HTML, letter, variant, date and limits; a build that ends
    before (a problem found) stops the pool and removes the folder.
    """

    stack: ExitStack
    jobs: int | None
    force: bool = False
    started: bool = False
    size: int = 1  # the workers the letters will likely take (workers_ahead), once read
    pool: Workers | None = None  # opened for the first shared layer laid out ahead
    # Each shared layer laid out ahead, by what its layout depends on: its result, its PDF.
    masters: dict[tuple[Any, ...], tuple[Pending, Path]] = field(default_factory=dict)
    _folder: Path | None = None
    _own: ExitStack = field(default_factory=ExitStack)  # the pool, then its folder

    def reading(self, path: Path) -> None:
        """Before the signature list at ``path`` is read: started if its file is a long list's."""
        if self.started or self.jobs is not None or default_jobs() < 2:
            return  # --jobs says it: guessed from the letters, as read
        try:
            size = os.stat(path).st_size  # a pipe or a device says 0; it is said when read
        except OSError:
            return
        if size >= LONG_LIST_BYTES:
            self._start()

    def loaded(self, bundles: list[LetterBundle]) -> None:
        """Once the letters are read: started if building them will likely take workers."""
        self.size = workers_ahead(bundles, self.jobs)
        if not self.started and self.size > 1:
            self._start()

    def layers(self, bundle: LetterBundle, variant: str, date: str, html: str) -> None:
        """A shared layer planning found: laid out now, if the build will likely want it."""
        if not self.started or self.size < 2:
            return  # laid out in this process, or the server started for a long list alone
        folder = bundle.root / "build" / bundle.letter.slug / bundle.letter.edition
        if not self.force and (folder / MANIFEST).exists():
            # Rebuilt: its letters may all be up to date, and their master not wanted.
            return
        if self.pool is None:
            self.stack.callback(self._own.close)  # a build that stops before it is built
            _remove_left_ahead()
            self._folder = Path(tempfile.mkdtemp(prefix=f"{AHEAD_PREFIX}{os.getpid()}-"))
            self._own.callback(shutil.rmtree, self._folder, True)
            # Stopped before the folder is removed (last in, first out): no worker writes
            # into it after.
            self.pool = self._own.enter_context(workers(self.size))
        assert self._folder is not None
        base, root, limits = str(bundle.letter.folder), str(bundle.root), bundle.settings.limits
        key = (html, base, root, variant, date, limits)
        if key in self.masters:
            return
        out = self._folder / f"{len(self.masters)}.pdf"
        name = _master_name(_staging_of(folder))
        job = MasterJob(html, str(out), name, base, root, variant=variant, date=date, limits=limits)
        self.masters[key] = (self.pool.submit(run_master, job), out)

    @contextmanager
    def opened(self) -> Iterator[Workers]:
        """The pool opened ahead, for the build: its workers stopped as the build ends.

        A build that stops removes its staging folders once no worker can write there.
        """
        assert self.pool is not None
        try:
            yield self.pool
        finally:
            self._own.close()

    def _start(self) -> None:
        self.started = True
        self.stack.enter_context(server_started(True))


def _own_folders(out: Path, plans: list[LetterPlan]) -> None:
    """Refuse a build/ folder, or one of its letters' folders, that is a link.

    A workspace passed on may bring its build/ along, with a link in it to any folder
    of the receiver's: the build would write its files there, over theirs.
    """
    for plan in plans:
        parts = plan.folder.relative_to(out).parts
        for path in [out, *(out.joinpath(*parts[: n + 1]) for n in range(len(parts)))]:
            if path.is_symlink():  # named as written: display_path would follow it
                raise CampaignError(
                    f"{path.relative_to(out.parent)} is a link (to {shown(os.readlink(path))}): "
                    "a build writes only into the workspace's own build/ folder; "
                    "nothing was written\n"
                    "  hint: remove the link; the build makes the folder itself"
                )


def build(
    plans: list[LetterPlan],
    tick: Callable[[Path], None],
    jobs: int | None = 1,
    force: bool = False,
    finished: Callable[[], None] | None = None,
    ahead: Ahead | None = None,
) -> list[Made]:
    """Make every plan's changed outputs, calling ``tick`` after each file.

    ``jobs`` worker processes lay them out; None: as many as the work needs (pool_size).
    ``finished`` is called when all is in place, still holding build/'s lock, so that
    what it sees of build/ is what this build left (see unchanged.py). ``ahead``: the
    workers it opened and the shared layers they laid out, taken where they are the same.

    Files are made in staging folders and moved into place only when all of a
    letter's files succeeded, so a failed build leaves the previous outputs as they
    were. What is made from the finished letters (print.pdf, mailing.csv, the proof)
    is made in a thread of its own while the workers lay out, each letter as soon as
    it and those before it are finished.
    """
    if not plans:
        return []
    out = plans[0].bundle.root / "build"

    def busy() -> CampaignError:
        return CampaignError(
            f"{display_path(out)}/ is being built by another campaign command; "
            "try again when it has finished"
        )

    _own_folders(out, plans)
    # Two builds at once would share the staging folders and the manifests.
    with folder_locked(out, BUILD_LOCK_TIMEOUT, busy):
        todos = [_todo(plan, force) for plan in plans]
        staged: list[_Staged] = []
        try:
            laid = ahead.masters if ahead is not None else {}
            opened = ahead is not None and ahead.pool is not None
            with ahead.opened() if ahead and opened else workers(pool_size(todos, jobs)) as pool:
                for plan, todo in zip(plans, todos, strict=True):
                    with applied(plan.bundle.settings.limits):
                        try:
                            staged.append(_stage(plan, pool, tick, todo, laid))
                        except DoesNotFit as exc:  # said at the lines the texts come from
                            found = misfit_problems(plan.composer, exc.found())
                            raise ProblemsFoundLate(found) from None
            made = [_finish(s, tick) for s in staged]
            _remove_gone_letters(out, plans[0].bundle.root / "letters")
            stops.done()  # every letter in place: a stop now is too late, and not said
        finally:
            for each in staged:  # stopped short: a thread making print.pdf stops too
                each.early.abandon()
            # Every plan's, once the workers are gone: a worker still running when
            # another failed could have written into a staging folder already removed.
            for plan in plans:
                shutil.rmtree(_staging(plan), ignore_errors=True)
        # A staging folder that could not be removed (a full disk, a file held open) is
        # left for the next build to clear: it must then run, not replay this one.
        if finished is not None and not any(_staging(plan).exists() for plan in plans):
            finished()
        return made
