"""Laying out PDFs in worker processes: whole letters, and shared pages stamped per addressee.

Every function here runs in a worker (or in-process with one job), takes plain
picklable arguments and writes its files itself, so nothing large travels back.
"""

from __future__ import annotations

import io
from dataclasses import KW_ONLY, dataclass
from pathlib import Path
from typing import Any

from campaign.compose.overlays import Place
from campaign.files.atomic import write_staged, written_together
from campaign.model.limits import DEFAULT, Limits, output_name, pdf_layout
from campaign.model.timings import phase
from campaign.pdf.joining import stamping


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
    html: str  # the batch: a page per addressee, or their sheets stacked on tall pages
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
    # With ``places``: the height of each sheet stacked on the tall pages of ``html``
    # (CSS px), cut apart before they are measured; 0 when they are laid out a page each.
    stack: float = 0.0
    # The master's pages with parts in their margins (render.margin_parts): ``html`` then
    # has the letter's own pages, compared by what their margins draw besides the parts.
    margins: tuple[tuple[int, int, tuple[tuple[Any, ...], ...]], ...] = ()

    @property
    def per(self) -> int:
        """Pages of each letter's parts: from page 1 to the last page holding one."""
        pages: list[int] = [place[0] for place in (*(self.places or self.boxes), *self.margins)]
        return max(pages) + 1


@dataclass(frozen=True)
class MasterJob:
    """A group's shared pages (the master): to lay out, write, and find its parts on."""

    html: str  # the shared layer: the group's first letter, its addressee parts hidden
    out: str  # where the master's PDF goes
    name: str  # how errors name it: the pages shared by the letters in ...
    base: str
    root: str
    _: KW_ONLY
    variant: str = ""
    date: str = ""
    limits: Limits = DEFAULT


@dataclass(frozen=True)
class MasterDone:
    """What the build needs of a master laid out: whether it fits, and where its parts stand."""

    overflowing: tuple[Any, ...]  # the boxes that do not fit (render.Misfit); none written then
    pages: int = 0
    # Whether each part placed out of the flow moves nothing (render.placed_parts_move_nothing).
    moves_nothing: bool = False
    boxes: tuple[tuple[int, float, float, float, float], ...] = ()  # render.addressee_boxes
    margins: tuple[tuple[int, int, tuple[tuple[Any, ...], ...]], ...] = ()  # render.margin_parts
    # Where every part stands, and each page's content box (render.vary_layout); None:
    # overlays are whole page 1s with all but the parts hidden.
    layout: tuple[tuple[Place, ...], tuple[Any, ...]] | None = None
    # Why the parts cannot be laid out apart from the master (render.parts_apart): a
    # key of UNSHARED, each letter then laid out whole; '' when they can.
    apart: str = ""


def run_master(job: MasterJob) -> MasterDone:
    """Lay out a group's shared pages, write them, and say where their addressee parts stand."""
    from campaign.pdf.render import (
        addressee_boxes,
        fitted_layout,
        margin_parts,
        parts_apart,
        placed_parts_move_nothing,
        vary_layout,
        write,
    )

    with phase("shared layers"), pdf_layout(job.name, job.limits):
        document, overflowing = fitted_layout(job.html, Path(job.base), Path(job.root), job.variant)
        if overflowing:
            return MasterDone(tuple(overflowing))
        if apart := parts_apart(document, job.html):
            return MasterDone((), len(document.pages), apart=apart)
        write_staged(Path(job.out), write(document, job.variant, job.date))
        # Where the addressee's parts stand in the flow of the text: the salutation on
        # page 1, or on page 2 when a cover comes first (petition). Each overlay's must
        # stand exactly there, or the text after them would not be where it is here.
        # A part placed out of the flow (the address) must move nothing in its own box.
        moves_nothing = placed_parts_move_nothing(document)
        return MasterDone(
            (),
            len(document.pages),
            moves_nothing,
            addressee_boxes(document) if moves_nothing else (),
            # Parts in the margins of pages (a copy's mark): each overlay has the letter's pages.
            margin_parts(document),
            vary_layout(document),
        )


def run_full(job: FullJob) -> list[str]:
    """Lay out and write each letter of ``job``.

    A letter whose boxes do not fit stops the job only once the others are laid out:
    the build says every misfit in one pass, whichever job each letter was in.
    """
    from campaign.pdf.render import DoesNotFit, Misfit, render_pdf

    misfits: list[Misfit] = []
    outputs: list[str] = []  # the file each misfit was to go to: whose address it is
    for html, out in job.items:
        with phase(_kind_of(out)):
            with pdf_layout(output_name(out), job.limits):
                try:
                    pdf = render_pdf(html, Path(job.base), Path(job.root), job.variant, job.date)
                except DoesNotFit as exc:
                    misfits += exc.misfits
                    outputs += [out] * len(exc.misfits)
                    continue
            write_staged(Path(out), pdf)
    if misfits:
        raise DoesNotFit(misfits, tuple(outputs))
    return [out for _, out in job.items]


def _kind_of(out: str) -> str:
    """The phase a whole layout counts in (CAMPAIGN_TIMINGS): by the file it makes."""
    name = Path(out).name
    if name.startswith(("envelopes.", "labels.")):
        return "envelopes/labels"
    return "list" if name == "signatories.pdf" else "whole letters"


# Why a letter that was to share its pages is laid out whole, as `build -v` says it.
UNSHARED = {
    "after": "something stands after the address in its window, where a longer address "
    "would run into it",
    "none": "the shared pages show no address or salutation in the flow of the text to "
    "check each letter's against",
    "pages": "the address or salutation of a letter in their batch ran onto other pages "
    "than on the shared pages, so the batch could not be cut into its letters",
    "room": "their address or salutation takes other room than on the shared pages "
    "(a longer salutation wraps), which would move the text after it",
    "margins": "what their page margins show (a copy's mark) is drawn otherwise than on "
    "the shared pages (a longer mark wraps what stands beside it)",
    "draws": "their overlay draws something besides their address and salutation (text "
    "set straight in the page, a painted box, a table's collapsed borders) that the shared "
    "pages draw too",
    "shown": "their address or salutation is not hidden on the shared pages (a comment or "
    "a block left open at the end of the letter's style sheet takes in the rules that hide "
    "it), so the first addressee's would show in every letter",
    "exports": "something of their address or salutation is shown elsewhere too (a named "
    "string in a running header, a bookmark, a link, a footnote), which the shared pages "
    "would show as the first addressee's",
    "beside": "what stands around their address or salutation sets it (a float beside it, "
    "a styled first line or letter, a box placed from it in the page), which a part laid "
    "out alone would not meet",
    "floats": "their address or salutation floats, or holds a float, and the text after it "
    "runs round it however tall it is",
    "shrinks": "their address, salutation or mark is placed apart from the text as wide as "
    "its own text, which another one's changes",
    "anchored": "their address or salutation is placed by where it ends (its bottom, or "
    "centred in a flex, grid or table box), which another one's height moves",
}


def run_stamp(job: StampJob) -> tuple[list[str], list[tuple[int, str]]]:
    """Write each addressee's letter as the master with their page 1 stamped on it.

    Returns the files written and the batch positions whose addressee parts did not
    take exactly the master's room (a salutation that wraps onto more lines), each
    with why (a key of UNSHARED); those need a full layout.
    """
    import pikepdf

    from campaign.pdf.engine import split_sheets
    from campaign.pdf.render import (
        DoesNotFit,
        addressee_boxes,
        draws_outside_parts,
        fit_boxes,
        fitted_layout,
        margin_parts,
        write,
    )

    per = job.per  # pages of each addressee's parts in the batch
    others = len(job.outputs) - 1
    what = output_name(job.outputs[0]) + (
        f" (with {others} other letter{'s' if others > 1 else ''} in its batch)" if others else ""
    )
    with phase("overlays"), pdf_layout(what, job.limits):
        document, overflowing = fitted_layout(job.html, Path(job.base), Path(job.root), job.variant)
        if job.stack:  # each sheet cut out of the tall pages it is stacked on
            document = split_sheets(document, job.stack)
        # Should an addressee's parts take more pages than the master's, or a sheet not
        # stand whole on a page, the pages would no longer line up with the addressees:
        # all are laid out whole (which says whose address does not fit, if one does not).
        if document is None or len(document.pages) != per * len(job.outputs):
            return [], [(n, "pages") for n in range(len(job.outputs))]
        if draws_outside_parts(document):  # it would draw that again over the master's
            return [], [(n, "draws") for n in range(len(job.outputs))]
        if overflowing:  # each addressee's parts take ``per`` pages
            if job.stack:  # on the sheets' own pages now
                overflowing = [m for box in fit_boxes(document) if (m := box.misfit())]
            outputs = [job.outputs[min(m.page // per, others)] for m in overflowing]
            raise DoesNotFit(overflowing, tuple(outputs))
        laid_out = write(document, job.variant, job.date)
    drawn: set[int] = set()  # margins drawn otherwise than the master's
    if job.places:
        placed = placed_as_master(document, job.places, per)
    else:
        boxes: dict[int, list[tuple[int, float, float, float, float]]] = {}
        for page, left, top, width, height in addressee_boxes(document):
            boxes.setdefault(page // per, []).append((page % per, left, top, width, height))
        margins: dict[int, list[Any]] = {}
        for page, parts, painted in margin_parts(document):
            margins.setdefault(page // per, []).append((page % per, parts, painted))
        placed = {i for i in range(len(job.outputs)) if tuple(boxes.get(i, ())) == job.boxes}
        # Parts in the flow where the master has them, but the margins drawn otherwise.
        drawn = {i for i in placed if tuple(margins.get(i, ())) != job.margins}
        placed -= drawn
    overlay = pikepdf.open(io.BytesIO(laid_out))
    written: list[str] = []
    misfits: list[tuple[int, str]] = []
    # The outputs are in the build's staging folder, read once this job has returned.
    with phase("stamping"), stamping(job.master, job.variant) as letter, written_together() as put:
        for index, out in enumerate(job.outputs):
            if index not in placed:
                misfits.append((index, "margins" if index in drawn else "room"))
                continue
            put(Path(out), letter([overlay.pages[index * per + n] for n in range(per)]))
            written.append(out)
    return written, misfits


# How far a part may stand from the master's place (CSS px): the placing CSS is written
# to 1/10000 px, and the layout adds float rounding; 0.01 px is 1/250 of a typographic point.
NEAR = 0.01


def placed_as_master(document: Any, places: tuple[Place, ...], per: int) -> set[int]:
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
