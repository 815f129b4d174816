"""Check letters and turn them into the files of ``build/<slug>/``, laying out only what changed.

Letters to different addressees usually differ only in the address window and the
salutation. Then the pages are laid out once (those two parts hidden), each
addressee's page 1 parts are laid out in batches, one document per batch, and
each letter is the shared pages with its page 1 stamped on. Letters whose text
depends on the addressee are laid out whole. A manifest of input hashes per output
lets a rebuild skip every file whose inputs did not change.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign import __version__
from campaign.build.fit import check_fits, misfit_problems
from campaign.checks.addresses import read_addresses
from campaign.checks.letters import load_letters
from campaign.checks.lint import lint_composed
from campaign.compose.bundle import LetterBundle
from campaign.compose.composer import Composer, Sharing, overlay_batch, sharing
from campaign.compose.signatures import SignatureBlock
from campaign.compose.templating import TemplateFailed
from campaign.errors import CampaignError, Problem, ProblemsFound, ProblemsFoundLate, display_path
from campaign.files.atomic import folder_locked, fsync_dir, remove_temporaries, write_atomic
from campaign.files.tables import csv_text
from campaign.load.catalog import BUILTIN_TEMPLATES
from campaign.load.workspace import Workspace
from campaign.model.limits import Limits, applied, output_name, pdf_layout
from campaign.model.records import is_tagged
from campaign.paper.envelopes import WINDOWS
from campaign.pdf.proof import PROOF, proof_line, verify
from campaign.pdf.render import DoesNotFit
from campaign.pdf.variants import document_date, source_date
from campaign.pdf.workers import (
    FullJob,
    Pending,
    StampJob,
    Workers,
    default_jobs,
    run_full,
    run_stamp,
    workers,
)

MANIFEST = "manifest.json"
# Written before outputs are moved in and removed once the manifest is: a build cut
# short in between leaves files the manifest does not describe, to be made again.
MOVING = ".moving.json"
DROPPED = ".dropped"  # a translation's folder, moved aside while it is removed
PARTS = ".parts"  # in the staging folder: parts of outputs laid out in pieces
STAMP_BATCH = 25  # addressees per overlay document
FULL_BATCH = 4  # whole letters per worker job
BUILD_LOCK_TIMEOUT = 30.0  # seconds to wait for another build of the same workspace


@dataclass(frozen=True)
class Output:
    """One file of ``build/<slug>/``: its name, the hash of its inputs, how to compose it."""

    name: str
    key: str
    pdf: bool
    compose: Callable[[], str] = field(compare=False, repr=False)
    addressee: int | None = None  # set when the letter is made from the shared pages
    group: int = 0  # then: which of the letter's shared layers it is stamped on
    derived: bool = False  # made from the letters once they exist (print.pdf, mailing.csv)
    parts: tuple[str, ...] = field(default=(), compare=False, repr=False)  # laid out apart


@dataclass(frozen=True)
class LetterPlan:
    """Every output of one letter, with the keys that decide what must be made again."""

    bundle: LetterBundle
    composer: Composer
    outputs: tuple[Output, ...]
    sharing: str  # '' when every letter shares its pages, else why some or all cannot
    # The groups of addressees that share pages, each with its shared layer.
    shared: Sharing = field(default_factory=Sharing, repr=False)
    variant: str = ""  # 'pdf/a-3b', 'pdf/ua-1' or '': the PDF variant of every output
    # Every PDF's creation date: SOURCE_DATE_EPOCH, else when the plan was made. Set
    # here, not read in the workers: a fork server keeps the environment it started with.
    date: str = ""

    @property
    def folder(self) -> Path:
        """``build/<slug>``, or ``build/<slug>/<language>`` for a translation."""
        letter = self.bundle.letter
        return self.bundle.root / "build" / letter.slug / letter.edition


@dataclass
class Made:
    """What a build did for one letter."""

    written: list[Path] = field(default_factory=list)
    unchanged: int = 0
    shared_pages: int = 0  # pages of the shared layout, laid out once
    whole: int = 0  # letters laid out whole
    proof: str = ""  # what the build verified on the pages, in a line


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _resources(bundle: LetterBundle) -> str:
    """Hash of what every output of a letter is made with, besides its own HTML."""
    folders = [
        bundle.root / "templates",
        BUILTIN_TEMPLATES,
        bundle.letter.folder,
    ]
    digest = hashlib.sha256(__version__.encode())
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            # Texts and addresses reach the outputs through their HTML, hashed per
            # output; left out here, a change to body.ja.md leaves the English as it is.
            if path.is_file() and not _per_output(path, folder, bundle):
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _per_output(path: Path, folder: Path, bundle: LetterBundle) -> bool:
    """Whether ``path`` is a letter's text or recipients file (hashed through its HTML)."""
    if folder != bundle.letter.folder or path.parent != folder:
        return False
    return (path.name.startswith("body.") and path.suffix == ".md") or (
        path.name.startswith("recipients.") and path.suffix == ".yaml"
    )


def plan_letter(bundle: LetterBundle, variant: str = "", date: str = "") -> LetterPlan:
    """Every output of a letter with its key; template errors surface here, before any PDF.

    The PDF variant and ``SOURCE_DATE_EPOCH`` (the date written into each PDF) are
    part of every key: changing either makes the files again.
    """
    composer = Composer(bundle)
    base = _hash(_resources(bundle), variant, source_date())
    if is_tagged(variant) and composer.to:
        # A stamped page 1 would be untagged: PDF/UA needs each letter tagged whole.
        shared = Sharing(reason=f"{variant.upper()} tags each letter as a whole")
    else:
        shared = sharing(composer)
    outputs = []
    for piece in composer.pieces:
        group = shared.group_of(piece.index) if piece.role == "to" else None
        if group is not None:
            # Its shared layer and its overlay are all the letter is made from.
            overlay = _overlay(composer, piece.index)
            key = _hash(base, "stamped", shared.keys[piece.index])
            outputs.append(Output(piece.file, key, True, overlay, piece.index, group))
        elif piece.role == "to":
            # Hashed now, composed again when needed: holding 700 letters' HTML costs memory.
            letter = _letter(composer, piece.index)
            outputs.append(Output(piece.file, _hash(base, letter()), True, letter))
        else:
            # A cc copy is the letter as sent to the first addressee, marked as a copy,
            # with the cc recipient's own address in the window.
            html = composer.letter_html(composer.to[0], copy_for=piece.recipient)
            outputs.append(Output(piece.file, _hash(base, html), True, _const(html)))
    if bundle.original is not None and bundle.letter.parallel:
        # One edition with both languages, addressed like the letter to the first addressee.
        text = composer.parallel_html()
        outputs.append(Output("parallel.pdf", _hash(base, text), True, _const(text)))
    texts = [("letter.html", composer.web_html(), False)]
    if bundle.letter.list_name:  # without 'signatories:' there is no list to print on its own
        texts[:0] = [
            ("signatories.pdf", composer.signatories_html(), True),
            ("signatories.csv", signatories_csv(bundle.signatures), False),
        ]
    for name, text, pdf in texts:
        outputs.append(Output(name, _hash(base, text), pdf, _const(text)))
    # Hundreds of envelopes or label sheets are laid out in parts, side by side.
    for name, parts in (
        ("envelopes.pdf", composer.envelopes_html()),
        ("labels.pdf", composer.labels_html()),
    ):
        if parts:
            outputs.append(Output(name, _hash(base, *parts), True, _const(""), parts=tuple(parts)))
    if composer.pieces:
        # Made from the letters: they change when any letter does.
        files = {piece.file for piece in composer.pieces}
        letters = [o.key for o in outputs if o.name in files]
        mail = _hash(WINDOWS[bundle.letter.envelope].envelope, *letters)
        for name in ("print.pdf", "mailing.csv"):
            outputs.append(Output(name, mail, name.endswith(".pdf"), _const(""), derived=True))
        # What the build verified on the pages: made again whenever a PDF is.
        pdfs = [o.key for o in outputs if o.pdf]
        outputs.append(Output(PROOF, _hash(PROOF, *pdfs), False, _const(""), derived=True))
    return LetterPlan(
        bundle, composer, tuple(outputs), shared.reason, shared, variant, date or document_date()
    )


def _const(text: str) -> Callable[[], str]:
    return lambda: text


def _overlay(composer: Composer, index: int) -> Callable[[], str]:
    return lambda: composer.letter_html(composer.to[index], layer="overlay")


def _letter(composer: Composer, index: int) -> Callable[[], str]:
    return lambda: composer.letter_html(composer.to[index])


CSV_FIELDS = ("group", "name", "type", "affiliation", "country", "signed")


def signatories_csv(block: SignatureBlock) -> str:
    """The printed signatories as CSV, public fields only, in printed order."""
    rows = (
        [group.heading, s.name, s.type, s.affiliation, s.country, s.signed]
        for group in block.groups
        for s in group.members
    )
    return csv_text(CSV_FIELDS, rows)


def check(
    workspace: Workspace,
    slugs: list[str] | None,
    strict: bool = False,
    every: bool = True,
    variant: str | None = None,
    sending: bool = False,
) -> tuple[list[LetterPlan], list[Problem]]:
    """Load, validate and compose; raise ProblemsFound if anything is wrong.

    With ``every``, the page-1 parts of every addressee are composed too, so that a
    template error tied to one addressee's data is found now (``build`` composes
    them when it needs them, still before anything is written). ``variant`` is the
    PDF variant ('' for none); None takes ``pdf_variant:`` from campaign.yaml.
    """
    bundles, problems = load_letters(workspace, slugs, sending)
    plans = []
    date = ""  # one date for every PDF of the build, worked out with the first plan
    for bundle in bundles:
        body = bundle.letter.folder / "body.md"
        if not body.is_file():
            problems.append(Problem(body, 0, "file is missing", "write the letter's text here"))
            continue
        each = bundle
        try:
            for each in (bundle, *bundle.editions):
                chosen = each.settings.pdf_variant if variant is None else variant
                with applied(bundle.settings.limits):
                    date = date or document_date()
                    plan = plan_letter(each, chosen, date)
                    if every:
                        for output in plan.outputs:
                            if output.addressee is not None:
                                output.compose()
                    plans.append(plan)
                    problems += plan.composer.warnings
                    lint_composed(plan.composer, problems, _count_pages if every else None)
                    if each is bundle:  # a translation is mailed to the same addresses
                        problems += _address_doubts(plan)
        except TemplateFailed as exc:
            problems.extend(exc.problems)
        except UnicodeDecodeError:
            text = each.letter.folder / each.letter.body_file
            problems.append(Problem(text, 0, "not valid UTF-8 text", "save it as UTF-8"))
    if every and plans and not any(not p.warning for p in problems):
        # Every address, return line and label laid out as the build will: one batch a letter.
        problems += check_fits([plan.composer for plan in plans])
    # Lint may find again what composing reported (an unknown name): each is said once.
    problems = sorted(set(problems), key=lambda p: (str(p.path), p.line, p.message))
    if strict:
        problems = [Problem(p.path, p.line, p.message, p.hint) for p in problems]
    if any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    return plans, problems


def _count_pages(composer: Composer) -> int:
    """The pages of the letter to its first addressee, laid out (for ``max_pages:``)."""
    from campaign.model.limits import active
    from campaign.pdf.render import layout  # WeasyPrint: only when there is a limit to check

    bundle = composer.bundle
    html = composer.letter_html(composer.to[0])
    with pdf_layout(f"the letter {bundle.letter.slug} (to count its pages)", active()):
        return len(layout(html, bundle.letter.folder, bundle.root).pages)


def _address_doubts(plan: LetterPlan) -> list[Problem]:
    """A postal code wrong for its country, an address read as another country's."""
    return read_addresses(plan.bundle, plan.composer.pieces, every=False)[1]


def _read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text())
        return dict(data["outputs"]) if data.get("version") == __version__ else {}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _read_moving(folder: Path) -> set[str] | None:
    """Outputs a build was moving into place when it stopped (None: cannot tell which)."""
    try:
        names = json.loads((folder / MOVING).read_text())
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


def _staging(plan: LetterPlan) -> Path:
    """The folder a letter's files are laid out in before they are moved into place."""
    return plan.folder.parent / f".{plan.folder.name}.staging"


def _stage(
    plan: LetterPlan, pool: Workers, tick: Callable[[Path], None], todo: list[Output]
) -> _Staged:
    """Lay out the outputs ``todo`` of ``plan`` (those whose inputs changed) in a staging folder."""
    staged = _Staged(plan, todo, _staging(plan), Made())
    staged.made.unchanged = len(plan.outputs) - len(todo)
    shutil.rmtree(staged.staging, ignore_errors=True)
    # Everything is composed before anything is laid out: a template error
    # stops the build while the outputs are still as they were.
    try:
        jobs = _jobs(plan, todo, staged.staging)
        _run(plan, jobs, pool, staged.staging, staged.made, tick)
        _enclose(plan, todo, staged.staging)
    except BaseException:
        shutil.rmtree(staged.staging, ignore_errors=True)
        raise
    return staged


def _finish(staged: _Staged, tick: Callable[[Path], None]) -> Made:
    """Make what is made from the letters (print.pdf, ...), then move everything in."""
    plan, todo, staging, made = staged.plan, staged.todo, staged.staging, staged.made
    folder = plan.folder
    if any(o.derived for o in todo):
        _print_run(plan, todo, staging, tick)
        _proof_run(plan, todo, staging, made, tick)
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
    remove_temporaries(folder / MANIFEST)
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    remove_temporaries(folder / MOVING)
    (folder / MOVING).unlink(missing_ok=True)
    return made


@dataclass
class _Jobs:
    # whole letters: how to compose each, and where it goes
    full: list[tuple[Callable[[], str], str]] = field(default_factory=list)
    # shared layer (by group), overlay html, addressee indexes, output paths
    stamps: list[tuple[int, str, list[int], list[str]]] = field(default_factory=list)
    masters: dict[int, str] = field(default_factory=dict)  # the shared layers to lay out
    texts: list[Path] = field(default_factory=list)
    # outputs laid out in parts: the output, and its parts' files in order
    joins: list[tuple[Path, list[Path]]] = field(default_factory=list)


def _jobs(plan: LetterPlan, todo: list[Output], staging: Path) -> _Jobs:
    jobs = _Jobs()
    shared = [o for o in todo if o.addressee is not None]
    for output in todo:
        if output.addressee is not None or output.derived:
            continue
        if output.parts:
            files = [
                staging / PARTS / f"{output.name}.{n:04d}.pdf" for n in range(len(output.parts))
            ]
            jobs.full += [
                (_const(html), str(f)) for html, f in zip(output.parts, files, strict=True)
            ]
            jobs.joins.append((staging / output.name, files))
        elif output.pdf:
            # Composed when handed to a worker, so memory holds a few letters, not all;
            # planning composed each once already, so template errors are known.
            jobs.full.append((output.compose, str(staging / output.name)))
        else:
            write_atomic(staging / output.name, output.compose())
            jobs.texts.append(staging / output.name)
    composer = plan.composer
    for group, layer in enumerate(plan.shared.layers):
        members = [o for o in shared if o.group == group]
        if members:
            jobs.masters[group] = layer  # composed once, when the plan was made
        for batch in _chunks(members, STAMP_BATCH):
            indexes = [o.addressee for o in batch if o.addressee is not None]
            html = overlay_batch(composer, [composer.to[i] for i in indexes])
            jobs.stamps.append((group, html, indexes, [str(staging / o.name) for o in batch]))
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
        self.waiting: list[tuple[Callable[[], str], str]] = []
        self.running: deque[Pending] = deque()

    def add(self, items: list[tuple[Callable[[], str], str]]) -> None:
        """Queue letters, and start as many batches as the window allows."""
        self.waiting += items
        self._top_up()

    def _top_up(self) -> None:
        while self.waiting and len(self.running) < self.window:
            chunk, self.waiting = self.waiting[:FULL_BATCH], self.waiting[FULL_BATCH:]
            items = tuple((compose(), out) for compose, out in chunk)
            job = FullJob(
                items,
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
) -> None:
    from campaign.pdf.render import addressee_boxes, fitted_layout, write

    base, root = str(plan.bundle.letter.folder), str(plan.bundle.root)
    limits = plan.bundle.settings.limits
    for path in jobs.texts:
        tick(path)
    variant, date = plan.variant, plan.date
    window = 2 * default_jobs() + 2
    feed = _Feed(pool, base, root, tick, window, limits, variant=variant, date=date)
    # Whole letters first, so the workers are busy while the shared pages are laid out.
    feed.add(jobs.full)
    made.whole += sum(1 for _, out in jobs.full if f"{os.sep}to{os.sep}" in out)
    misfits: list[tuple[int, str]] = []
    masters = {}
    unfit: list[DoesNotFit] = []  # said together, once everything is laid out
    for group, html in jobs.masters.items():
        shared = f"the pages shared by the letters in {output_name(staging / 'to')}/"
        with pdf_layout(shared, limits):
            document, overflowing = fitted_layout(html, Path(base), Path(root), variant)
            if overflowing:  # the master is addressed to the group's first addressee
                first = plan.composer.pieces[plan.shared.groups[group][0]].file
                unfit.append(DoesNotFit(overflowing, (str(staging / first),) * len(overflowing)))
                continue
            pdf = write(document, variant, date)
        # Where the addressee's parts stand in the flow of the text: the salutation on
        # page 1, or on page 2 when a cover comes first (petition). Each overlay's must
        # stand exactly there, or the text after them would not be where it is here.
        boxes = addressee_boxes(document)
        master = staging / f".shared-{group}.pdf"
        write_atomic(master, pdf)
        masters[group] = (master, boxes)
        made.shared_pages += len(document.pages)
        del document
    stamps = []
    for group, html, indexes, outputs in jobs.stamps:
        if group not in masters:
            continue  # its shared pages did not fit: said below
        master, boxes = masters[group]
        if boxes:
            job = StampJob(
                str(master), boxes, html, tuple(outputs), base, root,
                variant=variant, date=date, limits=limits,
            )  # fmt: skip
            stamps.append((pool.submit(run_stamp, job), indexes, outputs))
        else:  # no addressee part in the flow to match: lay each letter out whole
            misfits += list(zip(indexes, outputs, strict=True))
    for stamp, numbers, paths in stamps:
        try:
            written, bad = stamp.result()
        except DoesNotFit as exc:  # said with the others, once all are laid out
            unfit.append(exc)
            continue
        for name in written:
            tick(Path(name))
        misfits += [(numbers[n], paths[n]) for n in bad]
    composer = plan.composer
    feed.add([(_letter(composer, i), out) for i, out in misfits])
    made.whole += len(misfits)
    try:
        feed.finish()
    except DoesNotFit as exc:
        unfit.append(exc)
    if unfit:
        raise _joined(unfit)
    if jobs.joins:
        from campaign.pdf.joining import join_pdfs

        for target, files in jobs.joins:
            # A plain join: the parts share little, and qpdf copies pages fastest.
            join_pdfs(files, target, dedupe=False, variant=variant)
            tick(target)


def _enclose(plan: LetterPlan, todo: list[Output], staging: Path) -> None:
    """Every letter and copy just laid out, with the letter's enclosures joined after it.

    Done to the letters themselves, so that print.pdf, mailing.csv's pages and
    sheets, export-mail and the e-mail attachment all carry the enclosures.
    """
    letter = plan.bundle.letter
    if not letter.enclosures:
        return
    from campaign.pdf.joining import join_pdfs, page_counts

    page_counts(letter.enclosures, letter.path)  # an unreadable one stops the build here
    pieces = {piece.file for piece in plan.composer.pieces}
    for output in todo:
        if output.name in pieces:
            target = staging / output.name
            files = [target, *(e.file for e in letter.enclosures)]
            join_pdfs(files, target, variant=plan.variant)


MAILING_FIELDS = ("order", "recipient", "role", "file", "pages", "sheets", "first_page", "envelope")


def _print_run(
    plan: LetterPlan, todo: list[Output], staging: Path, tick: Callable[[Path], None]
) -> None:
    """print.pdf (every letter in mailing order, each from an odd page) and mailing.csv."""
    from campaign.pdf.joining import join_pdfs

    fresh = {o.name for o in todo}
    pieces = plan.composer.pieces
    files = [(staging if p.file in fresh else plan.folder) / p.file for p in pieces]
    window = WINDOWS[plan.bundle.letter.envelope]
    if "print.pdf" in fresh or "mailing.csv" in fresh:
        counts = join_pdfs(files, staging / "print.pdf", duplex=True, variant=plan.variant)
        tick(staging / "print.pdf")
        rows, first, kind = [], 1, f"{window.envelope} window"
        for order, (piece, pages) in enumerate(zip(pieces, counts, strict=True), 1):
            sheets = (pages + 1) // 2
            name = piece.recipient.name
            rows.append([order, name, piece.role, piece.file, pages, sheets, first, kind])
            first += 2 * sheets
        write_atomic(staging / "mailing.csv", csv_text(MAILING_FIELDS, rows))
        tick(staging / "mailing.csv")


def _proof_run(
    plan: LetterPlan, todo: list[Output], staging: Path, made: Made, tick: Callable[[Path], None]
) -> None:
    """Read the finished PDFs back (names in order) and write proof.json.

    Every address was read back from its laid-out box, and no glyph is .notdef, or
    the layout would have stopped (render.py); here the lists are read as a reader
    would. Letters sharing their pages share their list: it is read once.
    """
    fresh = {o.name for o in todo}
    if PROOF not in fresh:
        return
    folder = plan.folder
    where = {name: (staging if name in fresh else folder) / name for name in fresh}
    pieces = plan.composer.pieces
    names = [s.name for group in plan.bundle.signatures.groups for s in group.members]
    letters = []
    for piece in pieces:
        shared = piece.role == "to" and not plan.sharing and piece.index > 0
        if piece.file in fresh and not shared:
            letters.append(where[piece.file])
    listed = plan.bundle.letter.list_name
    listing = where.get("signatories.pdf", folder / "signatories.pdf") if listed else None
    if not letters and pieces and plan.bundle.letter.list_name:
        letters = [folder / pieces[0].file]  # unchanged letters: the first stands for all
    shown = {path: folder / path.relative_to(staging) for path in where.values()}
    verified = verify(letters, listing, names, shown, folder) if names else {"names": 0}
    proof = {
        "letters": len(pieces),
        "addresses": f"every address inside its {plan.bundle.letter.envelope} window, "
        "every envelope and every label, as laid out",
        "notdef": "no character drawn as an empty box",
        **verified,
    }
    made.proof = proof_line(len(pieces), len(names), bool(plan.bundle.letter.list_name))
    write_atomic(staging / PROOF, json.dumps(proof, indent=1, ensure_ascii=False) + "\n")
    tick(staging / PROOF)


def read_proof(plan: LetterPlan) -> str:
    """The proof line of a letter whose proof.json is up to date."""
    try:
        proof = json.loads((plan.folder / PROOF).read_text())
        return proof_line(int(proof["letters"]), int(proof["names"]), "lists_read" in proof)
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def _remove_stale(folder: Path, keep: set[str], made_before: set[str]) -> None:
    """Letters to people no longer on the recipient list must not be mailed by mistake.

    Nor may an output the letter no longer has (parallel.pdf once ``parallel:`` goes).
    """
    for name in made_before - keep:
        path = folder / name
        # Only files this build made: the letter's own, not a translation's folder.
        if path.is_file() and (path.parent == folder or path.parent.name in ("to", "cc")):
            path.unlink()
    for sub in ("to", "cc"):
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


def _was_built(folder: Path) -> bool:
    """Whether a build made (or was making) this folder's files."""
    return (folder / MANIFEST).is_file() or (folder / MOVING).is_file()


def build(
    plans: list[LetterPlan], tick: Callable[[Path], None], jobs: int = 1, force: bool = False
) -> list[Made]:
    """Make every plan's changed outputs, calling ``tick`` after each file.

    Files are made in staging folders and moved into place only when all of a
    letter's files succeeded, so a failed build leaves the previous outputs as they
    were. What is made from the finished letters (print.pdf) is made after the
    workers have exited, so their memory and its never add up.
    """
    if not plans:
        return []
    out = plans[0].bundle.root / "build"

    def busy() -> CampaignError:
        return CampaignError(
            f"{display_path(out)}/ is being built by another campaign command; "
            "try again when it has finished"
        )

    # Two builds at once would share the staging folders and the manifests.
    with folder_locked(out, BUILD_LOCK_TIMEOUT, busy):
        todos = [_todo(plan, force) for plan in plans]
        staged: list[_Staged] = []
        try:
            # No worker processes are started when there is nothing to lay out.
            with workers(jobs if any(todos) else 1) as pool:
                for plan, todo in zip(plans, todos, strict=True):
                    with applied(plan.bundle.settings.limits):
                        try:
                            staged.append(_stage(plan, pool, tick, todo))
                        except DoesNotFit as exc:  # said at the lines the texts come from
                            found = misfit_problems(plan.composer, exc.found())
                            raise ProblemsFoundLate(found) from None
            return [_finish(s, tick) for s in staged]
        finally:
            # Every plan's, once the workers are gone: a worker still running when
            # another failed could have written into a staging folder already removed.
            for plan in plans:
                shutil.rmtree(_staging(plan), ignore_errors=True)
