"""Boxes that must fit, as laid out: which addressee or sender a misfit belongs to.

The PDF layer (render.py) reads every ``data-fit`` box back after layout and
reports what still runs outside its rectangle. Here each misfit becomes a problem
at the line of recipients.yaml (or campaign.yaml) it comes from; and ``check`` lays
out every addressee's parts, envelope and label as the build does (the parts alone
on their shared pages' places, or page 1 whole), in worker processes, so that it
finds the same without building the letters.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from campaign.compose.composer import ENVELOPES_PER_PART, Piece, batch_of
from campaign.compose.overlays import Place, Sheet, stack_height
from campaign.errors import Problem
from campaign.model.limits import DEFAULT, Limits, output_name, pdf_layout
from campaign.paper.envelopes import LABEL_SHEETS, WINDOWS, windows_holding
from campaign.paths import read_text

if TYPE_CHECKING:  # render.py imports WeasyPrint when used; here only its records
    from campaign.build.plan import LetterPlan
    from campaign.compose.composer import Composer
    from campaign.pdf.pool import Pending
    from campaign.pdf.render import Misfit

# Where a letter's parts stand on its shared pages, and the pages (render.vary_layout).
Placing = tuple[tuple[Place, ...], tuple[Sheet, ...]]

_PART = re.compile(r"^(envelopes|labels)\.pdf\.(\d+)\.pdf$")


def recipients_path(composer: Composer) -> Path:
    """The recipients file the letter's addressees were read from."""
    letter = composer.bundle.letter
    own = letter.folder / f"recipients.{letter.edition}.yaml"
    return own if letter.edition and os.path.lexists(own) else letter.folder / "recipients.yaml"


def sender_line(root: Path) -> int:
    """The line of ``sender:`` in campaign.yaml (1 when it cannot be found)."""
    try:
        lines = read_text(root / "campaign.yaml", encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1
    return next((n for n, text in enumerate(lines, 1) if text.startswith("sender:")), 1)


def piece_of(composer: Composer, output: str, misfit: Misfit) -> Piece | None:
    """The piece of mail a misfit in ``output`` (a file of the build) is about."""
    path = Path(output)
    pieces = composer.pieces
    if misfit.ref.startswith("piece-"):  # the batch laid out by ``check``
        return pieces[int(misfit.ref.removeprefix("piece-"))]
    part = _PART.match(path.name)
    if part and part.group(1) == "labels" and misfit.ref.startswith("label-"):
        number = int(misfit.ref.removeprefix("label-")) - 1
        return pieces[number] if number < len(pieces) else None
    if part:
        number = int(part.group(2)) * ENVELOPES_PER_PART + misfit.ordinal
        return pieces[number] if number < len(pieces) else None
    name = f"{path.parent.name}/{path.name}"
    return next((p for p in pieces if p.file == name), None)


def misfit_problems(composer: Composer, found: list[tuple[str, Misfit]]) -> list[Problem]:
    """What each misfit means, at the line of the file its text comes from; each said once."""
    letter = composer.bundle.letter
    window = WINDOWS[letter.envelope]
    envelope = window.envelope
    sheet = LABEL_SHEETS[letter.paper].name
    bundle = composer.bundle
    problems: dict[tuple[Path, int, str], Problem] = {}
    for output, misfit in found:
        if misfit.kind in ("return-line", "sender"):
            where = "window" if misfit.kind == "return-line" else f"{envelope} envelope"
            path, line = bundle.root / "campaign.yaml", sender_line(bundle.root)
            if misfit.kind == "return-line":
                message = (
                    f"the return line '{misfit.text}' is {misfit.width_mm:g} mm long even in "
                    f"{misfit.size_pt:g} pt type and shortened to the sender, city and country; "
                    f"the {window.name} window is {misfit.frame_mm:g} mm wide"
                )
                hint = (
                    "shorten the sender's name (e.g. its acronym) or its city line under 'sender:'"
                )
            else:
                message = f"the sender's address does not fit on the {where}"
                hint = (
                    "give the sender's address fewer lines under 'sender:' (street and "
                    "district on one line), or shorten them"
                )
        else:
            piece = piece_of(composer, output, misfit)
            if piece is None:  # a box of a workspace template's own: said as it is
                name = output_name(output) if output else bundle.letter.slug
                problems.setdefault(
                    (bundle.letter.path, 0, misfit.text),
                    Problem(
                        bundle.letter.path,
                        0,
                        f"'{misfit.text}' runs outside its box ({misfit.kind}) in {name}",
                        "shorten the text, or make its box in the template larger",
                    ),
                )
                continue
            people = bundle.to if piece.role == "to" else bundle.cc
            path, line = recipients_path(composer), people[piece.index].line
            part = _PART.match(Path(output).name)
            if part and part.group(1) == "labels":
                place = f"a label of the {sheet} sheet"
            elif part:
                place = f"the {envelope} envelope"
            else:
                place = f"the {window.name} window"
            name = piece.recipient.name
            on = "in" if place.endswith("window") else "on"
            if misfit.wide and misfit.lines <= misfit.holds:
                message = (
                    f"the address of '{name}' is {misfit.width_mm:g} mm wide {on} {place}, "
                    f"which is {misfit.frame_mm:g} mm wide"
                )
            else:
                message = (
                    f"the address of '{name}' needs {misfit.lines} lines {on} {place}, "
                    f"which holds {misfit.holds}"
                )
            hint = (
                "shorten the title, join address lines (street and district on one line), "
                "or leave out the organization"
            )
            if place.endswith("window") and misfit.lines > misfit.holds:
                # Another preset for the same paper may hold it: say which.
                roomier = [
                    name
                    for name in windows_holding(letter.paper, misfit.lines)
                    if name != window.name
                ]
                if roomier:
                    holds = WINDOWS[roomier[0]].capacity
                    hint = (
                        f"use envelope: {roomier[0]} in letter.yaml (its window holds {holds} "
                        "lines, in smaller type), or " + hint[0].lower() + hint[1:]
                    )
        key = (path, line, message)
        problems.setdefault(key, Problem(path, line, message, hint))
    return sorted(problems.values(), key=lambda p: (str(p.path), p.line, p.message))


@dataclass(frozen=True)
class FitJob:
    """Documents whose ``data-fit`` boxes are measured, and nothing else written."""

    documents: tuple[str, ...]
    base: str
    root: str
    outputs: tuple[str, ...]  # a name for each document, for the limits' messages
    limits: Limits = DEFAULT


def run_fit(job: FitJob) -> list[list[Misfit]]:
    """The misfits of each document of ``job`` (in a worker: WeasyPrint lives there)."""
    from campaign.pdf.render import fitted_layout

    base, root = Path(job.base), Path(job.root)
    found = []
    for html, name in zip(job.documents, job.outputs, strict=True):
        with pdf_layout(output_name(name), job.limits):
            found.append(fitted_layout(html, base, root)[1])
    return found


@dataclass(frozen=True)
class SharedJob:
    """A group's shared pages, laid out as the build lays them out, to place its parts."""

    html: str
    base: str
    root: str
    output: str  # the file of the group's first letter, for the limits' messages
    limits: Limits = DEFAULT


def run_shared(job: SharedJob) -> Placing | None:
    """Where the shared pages' addressee parts stand, as the build's overlays place them.

    None when the build would not lay its letters' parts out alone: the shared pages
    do not fit (the first letter's address, the return line), a part placed out of the
    flow moves something, there is no part in the flow to compare, a part cannot be
    laid out apart (render.parts_apart), parts stand in the page margins, or they
    cannot be outlined. ``check`` then lays out the group's
    page 1s whole.
    """
    from campaign.pdf.render import (
        addressee_boxes,
        fitted_layout,
        margin_parts,
        parts_apart,
        placed_parts_move_nothing,
        vary_layout,
    )

    with pdf_layout(output_name(job.output), job.limits):
        document, misfits = fitted_layout(job.html, Path(job.base), Path(job.root))
    if misfits or not placed_parts_move_nothing(document) or not addressee_boxes(document):
        return None
    if parts_apart(document, job.html):
        return None
    if margin_parts(document):
        return None
    return vary_layout(document)


@dataclass(frozen=True)
class SheetsJob:
    """A batch of letters' parts alone, placed as on their shared pages (a build's overlay)."""

    html: str
    base: str
    root: str
    output: str  # for the limits' messages
    count: int  # letters in the batch
    places: tuple[Place, ...]
    stack: float  # each sheet's height on the tall pages, or 0: a sheet a page
    limits: Limits = DEFAULT


def run_sheets(job: SheetsJob) -> tuple[list[tuple[int, Misfit]], list[int]]:
    """The batch's misfits with their letter's place in it, and the letters placed otherwise.

    A letter whose parts do not stand exactly as on the shared pages is laid out whole
    by the build; ``check`` lays out its page 1 whole.
    """
    from campaign.pdf.engine import split_sheets
    from campaign.pdf.render import fit_boxes, fitted_layout
    from campaign.pdf.workers import placed_as_master

    per = max(place.page for place in job.places) + 1
    with pdf_layout(output_name(job.output), job.limits):
        document, misfits = fitted_layout(job.html, Path(job.base), Path(job.root))
        if job.stack:
            document = split_sheets(document, job.stack)
    if document is None or len(document.pages) != per * job.count:
        return [], list(range(job.count))  # the pages do not line up with the letters
    if misfits and job.stack:  # measured again on the sheets' own pages
        misfits = [m for box in fit_boxes(document) if (m := box.misfit())]
    found = [(min(m.page // per, job.count - 1), m) for m in misfits]
    placed = placed_as_master(document, job.places, per)
    return found, [n for n in range(job.count) if n not in placed]


def _whole_page_ones(composer: Composer, numbers: list[int]) -> str:
    """Page 1 of each piece of mail ``numbers`` whole, every box tagged with its piece."""
    pages = [composer.piece_html(number, layer="overlay") for number in numbers]
    head = pages[0][: pages[0].index("<body")]
    bodies = []
    for number, page in zip(numbers, pages, strict=True):
        # Every box inside is this piece's: the misfit names its addressee.
        start = page.index(">", page.index("<body")) + 1
        body = page[start : page.rindex("</body>")]
        bodies.append(f'<div data-fit-ref="piece-{number}">{body}</div>')
    return head + "<body>" + "".join(bodies) + "</body>\n</html>\n"


def mail_documents(composer: Composer) -> list[tuple[str, str]]:
    """The envelopes and the labels as the build lays them out: (name, html) of each part.

    The shared envelope (the sender) once, when the template has layers, and the
    addresses over it; each part named as the build names it.
    """
    if not composer.pieces:
        return []
    documents = []
    under, envelopes = composer.envelope_parts()
    if under:
        documents.append(("envelopes.pdf.under.pdf", under))
    for name, parts in (("envelopes", envelopes), ("labels", composer.label_parts())):
        documents += [(f"{name}.pdf.{n:04d}.pdf", html) for n, html in enumerate(parts)]
    return documents


def check_fits(plans: list[LetterPlan]) -> list[Problem]:
    """Every misfit of every letter's mail, laid out as the build lays it out.

    Letters made from shared pages have their page 1 parts laid out alone, in the
    build's batches, placed where the shared pages put them; the others (and those
    whose parts take other room, as the build lays them out whole) have their page 1
    laid out whole; then the envelopes and the labels. The layout runs in worker
    processes, a document a job: WeasyPrint lives in the PDF layer, and ``check``
    itself never imports it.
    """
    from campaign.pdf.pool import default_jobs, workers

    plans = [plan for plan in plans if plan.composer.pieces]
    if not plans:
        return []
    found: list[list[tuple[str, Misfit]]] = [[] for _ in plans]
    # A process that has WeasyPrint already (preview, the tests) lays out itself; the
    # command line's check starts workers rather than import it.
    separate = "weasyprint" not in sys.modules
    jobs = default_jobs() if separate else 1
    with workers(jobs, separate=separate) as pool:
        measured: list[tuple[int, list[str], Pending]] = []  # (plan, outputs, job)
        shared: list[tuple[int, tuple[int, ...], Pending]] = []  # (plan, members, job)
        whole: list[list[int]] = [[] for _ in plans]  # pieces whose page 1 is laid out whole

        def measure(number: int, documents: list[tuple[str, str]]) -> None:
            composer = plans[number].composer
            folder = composer.bundle.letter.folder
            for name, html in documents:
                job = FitJob(
                    (html,), str(folder), str(composer.bundle.root), (str(folder / name),),
                    composer.bundle.settings.limits,
                )  # fmt: skip
                measured.append((number, [name], pool.submit(run_fit, job)))

        for number, plan in enumerate(plans):
            composer, bundle = plan.composer, plan.bundle
            grouped = {member for group in plan.shared.groups for member in group}
            whole[number] += [n for n in range(len(composer.pieces)) if n not in grouped]
            for group, layer in zip(plan.shared.groups, plan.shared.layers, strict=True):
                overlay = composer.piece_html(group[0], layer="overlay")
                if len(group) <= SHARED_PAYS * len(layer) / len(overlay):
                    whole[number] += group  # the shared pages would cost more than they save
                    continue
                job = SharedJob(
                    layer, str(bundle.letter.folder), str(bundle.root),
                    str(plan.folder / composer.pieces[group[0]].file), bundle.settings.limits,
                )  # fmt: skip
                shared.append((number, group, pool.submit(run_shared, job)))
            measure(number, mail_documents(composer))
        sheets: list[tuple[int, list[int], Pending]] = []  # (plan, pieces, job)
        for number, members, pending in shared:
            composer = plans[number].composer
            placing = pending.result()
            if placing is None:
                whole[number] += members
                continue
            for batch in _chunks(list(members), STAMP_BATCH):
                pages = [composer.piece_html(n, layer="overlay") for n in batch]
                html, compact = batch_of(pages, placing)
                if not compact:
                    whole[number] += batch
                    continue
                sheets_job = SheetsJob(
                    html, str(composer.bundle.letter.folder), str(composer.bundle.root),
                    str(plans[number].folder / composer.pieces[batch[0]].file), len(batch),
                    placing[0], stack_height(*placing), composer.bundle.settings.limits,
                )  # fmt: skip
                sheets.append((number, batch, pool.submit(run_sheets, sheets_job)))
        for number, batch, pending in sheets:
            misfits, unplaced = pending.result()
            # Named by their piece, as a whole page 1's are.
            found[number] += [
                ("letters", replace(m, ref=f"piece-{batch[at]}")) for at, m in misfits
            ]
            # A letter whose parts alone do not fit stops the build there, said as laid
            # out alone: laid out whole as well, the same box would be said twice.
            unfit = {at for at, _ in misfits}
            whole[number] += [batch[at] for at in unplaced if at not in unfit]
        for number, pieces in enumerate(whole):
            for batch in _chunks(sorted(set(pieces)), STAMP_BATCH):
                measure(number, [("letters", _whole_page_ones(plans[number].composer, batch))])
        for number, names, pending in measured:
            for name, misfits in zip(names, pending.result(), strict=True):
                found[number] += [(name, m) for m in misfits]
    problems = []
    for plan, misfits in zip(plans, found, strict=True):
        problems += misfit_problems(plan.composer, misfits)
    return problems


# Addressees whose page 1 parts are laid out in one document: the build's overlays and
# the batches check measures alike.
STAMP_BATCH = 100
# Laying out the shared pages pays only for enough letters: it costs about five times a
# whole page 1 for each time its HTML is longer than an overlay's (the signatures it
# prints), and each letter's parts alone then save about four fifths of a whole page 1.
# Measured on letters of 3, 23 and 215 pages (docs/dev/benchmarks.md); a group of no
# more letters than this many times the ratio of their lengths is laid out page 1 whole.
SHARED_PAYS = 8


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[n : n + size] for n in range(0, len(items), size)]
