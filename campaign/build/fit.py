"""Boxes that must fit, as laid out: which addressee or sender a misfit belongs to.

The PDF layer (render.py) reads every ``data-fit`` box back after layout and
reports what still runs outside its rectangle. Here each misfit becomes a problem
at the line of recipients.yaml (or campaign.yaml) it comes from; and ``check`` lays
out the address fields of every addressee in one batch document, in a worker
process, so that it finds the same without building the letters.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from campaign.compose.composer import ENVELOPES_PER_PART, Piece
from campaign.errors import Problem
from campaign.model.limits import DEFAULT, Limits, output_name, pdf_layout
from campaign.paper.envelopes import LABEL_SHEETS, WINDOWS, windows_holding

if TYPE_CHECKING:  # render.py imports WeasyPrint when used; here only its records
    from campaign.compose.composer import Composer
    from campaign.pdf.render import Misfit

_PART = re.compile(r"^(envelopes|labels)\.pdf\.(\d+)\.pdf$")


def recipients_path(composer: Composer) -> Path:
    """The recipients file the letter's addressees were read from."""
    letter = composer.bundle.letter
    own = letter.folder / f"recipients.{letter.edition}.yaml"
    return own if letter.edition and own.is_file() else letter.folder / "recipients.yaml"


def sender_line(root: Path) -> int:
    """The line of ``sender:`` in campaign.yaml (1 when it cannot be found)."""
    try:
        lines = (root / "campaign.yaml").read_text(encoding="utf-8-sig").splitlines()
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


def batch(composer: Composer) -> list[tuple[str, str]]:
    """What ``check`` lays out to find every misfit: (name, html) of each document.

    Page 1 of every piece of mail in one document, each box tagged with its piece
    (a template without an overlay layer gives whole letters: slower, as right); then
    the envelopes and the labels, named as the build names their parts.
    """
    pieces = composer.pieces
    if not pieces:
        return []
    pages = []
    for piece in pieces:
        copy = piece.recipient if piece.role == "cc" else None
        addressee = composer.to[piece.index] if piece.role == "to" else composer.to[0]
        html = composer.letter_html(addressee, copy_for=copy, layer="overlay")
        pages.append(html)
    head = pages[0][: pages[0].index("<body")]
    bodies = []
    for number, page in enumerate(pages):
        # Every box inside is this piece's: the misfit names its addressee.
        start = page.index(">", page.index("<body")) + 1
        body = page[start : page.rindex("</body>")]
        bodies.append(f'<div data-fit-ref="piece-{number}">{body}</div>')
    documents = [("letters", head + "<body>" + "".join(bodies) + "</body>\n</html>\n")]
    # As the build lays them out: the shared envelope (the sender) once, when the
    # template has layers, and the addresses over it.
    layers = composer.envelope_layers()
    envelopes = composer.envelopes_html() if layers is None else layers[1]
    if layers is not None:
        documents.append(("envelopes.pdf.under.pdf", layers[0]))
    for name, parts in (("envelopes", envelopes), ("labels", composer.labels_html())):
        documents += [(f"{name}.pdf.{n:04d}.pdf", html) for n, html in enumerate(parts)]
    return documents


def check_fits(composers: list[Composer]) -> list[Problem]:
    """Every misfit of every letter's mail, found by laying out one batch per letter.

    The layout runs in worker processes: WeasyPrint lives in the PDF layer, and
    ``check`` itself never imports it.
    """
    from campaign.pdf.pool import default_jobs, workers

    batches = [(c, batch(c)) for c in composers]
    batches = [(c, documents) for c, documents in batches if documents]
    if not batches:
        return []
    problems = []
    # A process that has WeasyPrint already (preview, the tests) lays out itself; the
    # command line's check starts a worker rather than import it.
    separate = "weasyprint" not in sys.modules
    jobs = min(len(batches), default_jobs()) if separate else 1
    with workers(jobs, separate=separate) as pool:
        pending = []
        for composer, documents in batches:
            job = FitJob(
                tuple(html for _, html in documents),
                str(composer.bundle.letter.folder),
                str(composer.bundle.root),
                tuple(str(composer.bundle.letter.folder / name) for name, _ in documents),
                composer.bundle.settings.limits,
            )
            pending.append((composer, documents, pool.submit(run_fit, job)))
        for composer, documents, result in pending:
            misfits = result.result()
            found = [
                (name, m) for (name, _), each in zip(documents, misfits, strict=True) for m in each
            ]
            problems += misfit_problems(composer, found)
    return problems
