"""Planning a build: every output of a letter, each kind declared once in ``KINDS``.

An entry of the registry says what a kind of output is called, whether it is a
PDF, how it is laid out (whole, from shared pages with page 1 stamped on, in parts
joined after, or derived from the other outputs once they exist), how its files
are composed and what their manifest key hashes. The planner and the runner
(``run``) go through the registry; neither knows one kind from another.
"""

from __future__ import annotations

import enum
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from campaign import __version__
from campaign.compose.bundle import LetterBundle
from campaign.compose.composer import Composer, Layered, Sharing, sharing
from campaign.compose.signatures import SignatureBlock
from campaign.files.atomic import write_staged
from campaign.files.tables import csv_text
from campaign.load.catalog import BUILTIN_TEMPLATES
from campaign.model.fields import PUBLISHED_FIELDS
from campaign.model.records import is_tagged
from campaign.model.timings import phase
from campaign.paper.envelopes import WINDOWS
from campaign.paths import files_below, fingerprint, read_text
from campaign.pdf.proof import PROOF, proof_line, verify
from campaign.pdf.variants import document_date, source_date
from campaign.text.scripts import is_right_to_left


class Layout(enum.Enum):
    """How the files of a kind are made."""

    WHOLE = "whole"  # laid out (or, not a PDF, written) from its own HTML or text
    # Letters alike outside the addressee's parts: the shared pages are laid out once
    # and each letter's page 1 parts stamped on; any other letter is laid out whole.
    STAMPED = "stamped"
    # Hundreds of envelopes or labels: laid out in parts, then joined; what every
    # envelope shows is laid out once and drawn under each page.
    PARTS = "parts"
    # One long document (signatories.pdf): cut at its pages and laid out on the workers
    # at once when it is long (pdf/listing.py), else laid out whole.
    LIST = "list"
    DERIVED = "derived"  # made from other outputs once they exist (print.pdf)


@dataclass(frozen=True)
class Output:
    """One file of ``build/<slug>/``: its name, the hash of its inputs, how to compose it."""

    name: str
    key: str
    kind: Kind = field(compare=False, repr=False)
    compose: Callable[[], str] = field(compare=False, repr=False)
    addressee: int | None = None  # set when the letter is made from the shared pages
    group: int = 0  # then: which of the letter's shared layers it is stamped on
    parts: tuple[str, ...] = field(default=(), compare=False, repr=False)  # laid out apart
    # Laid out once and drawn under every page of the parts (what every envelope shows).
    under: str = field(default="", compare=False, repr=False)

    @property
    def pdf(self) -> bool:
        """Whether the file is a PDF."""
        return self.kind.pdf

    @property
    def derived(self) -> bool:
        """Whether it is made from the other outputs once they exist."""
        return self.kind.layout is Layout.DERIVED


@dataclass(frozen=True)
class LetterPlan:
    """Every output of one letter, with the keys that decide what must be made again."""

    bundle: LetterBundle
    composer: Composer
    outputs: tuple[Output, ...]
    # The groups of addressees that share pages, each with its shared layer, and why
    # the letters outside them are laid out whole.
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
class Planning:
    """What the kinds of a letter are planned from, and the outputs planned so far."""

    composer: Composer
    shared: Sharing
    base: str  # the hash of what every output is made with: part of every key
    outputs: list[Output] = field(default_factory=list)
    variant: str = ""  # the PDF variant: a tagged one lays every page out whole

    @property
    def bundle(self) -> LetterBundle:
        """The letter being planned."""
        return self.composer.bundle


# What makes a derived kind's files in the staging folder from the other outputs:
# given the plan, the names made this build, the staging folder, the progress tick and
# ``ready``, which waits until a file it reads is finished (a maker runs while the
# outputs are still laid out) and returns the master it was stamped on, if it was;
# it returns a line saying what it verified, or ''.
Maker = Callable[
    [LetterPlan, set[str], Path, Callable[[Path], None], Callable[[Path], Path | None]], str
]


@dataclass(frozen=True)
class Kind:
    """One kind of output, declared once: the planner and the runner read only this."""

    name: str  # its file, or the pattern of its files
    pdf: bool
    layout: Layout
    key: str  # what its manifest key hashes, besides the letter's templates and files
    files: Callable[[Kind, Planning], Iterable[Output]] = field(repr=False)  # composed how
    folder: str = ""  # the folder its files are alone in (a file not planned is removed)
    # A piece of mail, one per recipient: the letter's enclosures are joined after it,
    # and print.pdf and mailing.csv are made from these.
    mailed: bool = False
    make: Maker | None = field(default=None, repr=False)  # a derived kind's maker


def _hash(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def _const(text: str) -> Callable[[], str]:
    return lambda: text


def _overlay(composer: Composer, number: int) -> Callable[[], str]:
    return lambda: composer.piece_html(number, layer="overlay")


def letter_to(composer: Composer, number: int) -> Callable[[], str]:
    """Composes piece of mail ``number`` (in ``composer.pieces``) whole, when called."""
    return lambda: composer.piece_html(number)


def _stamped(kind: Kind, p: Planning, role: str) -> Iterable[Output]:
    """The pieces of mail of ``role``: from shared pages where their group has them."""
    for number, piece in enumerate(p.composer.pieces):
        if piece.role != role:
            continue
        group = p.shared.group_of(number)
        if group is not None:
            # Its shared layer and its overlay are all the letter is made from.
            overlay = _overlay(p.composer, number)
            key = _hash(p.base, "stamped", p.shared.keys[number])
            yield Output(piece.file, key, kind, overlay, number, group)
        else:
            # Hashed now, composed again when needed: holding 700 letters' HTML costs memory.
            letter = letter_to(p.composer, number)
            yield Output(piece.file, _hash(p.base, letter()), kind, letter)


def _letters(kind: Kind, p: Planning) -> Iterable[Output]:
    return _stamped(kind, p, "to")


def _copies(kind: Kind, p: Planning) -> Iterable[Output]:
    # A cc copy is the letter as sent to the first addressee, marked as a copy, with
    # the cc recipient's own address in the window; copies alike share their pages.
    return _stamped(kind, p, "cc")


def _whole(kind: Kind, p: Planning, text: str) -> Output:
    return Output(kind.name, _hash(p.base, text), kind, _const(text))


def _parallel(kind: Kind, p: Planning) -> Iterable[Output]:
    if p.bundle.original is not None and p.bundle.letter.parallel:
        # One edition with both languages, addressed like the letter to the first addressee.
        yield _whole(kind, p, p.composer.parallel_html())


def _signatories_pdf(kind: Kind, p: Planning) -> Iterable[Output]:
    if p.bundle.letter.list_name:  # without 'signatories:' there is no list to print on its own
        yield _whole(kind, p, p.composer.signatories_html())


def _signatories_csv(kind: Kind, p: Planning) -> Iterable[Output]:
    if p.bundle.letter.list_name:
        yield _whole(kind, p, signatories_csv(p.bundle.signatures))


def _web(kind: Kind, p: Planning) -> Iterable[Output]:
    yield _whole(kind, p, p.composer.web_html())


def _envelopes(kind: Kind, p: Planning) -> Iterable[Output]:
    # A tagged page must be laid out whole, as must a template's own.
    under, parts = p.composer.envelope_parts(layered=not is_tagged(p.variant))
    return _in_parts(kind, parts, p, under)


def _labels(kind: Kind, p: Planning) -> Iterable[Output]:
    return _in_parts(kind, p.composer.label_parts(), p)


def _in_parts(kind: Kind, parts: list[str], p: Planning, under: str = "") -> Iterable[Output]:
    # Hundreds of envelopes or label sheets are laid out in parts, side by side.
    if parts:
        key = _hash(p.base, under, *parts)
        yield Output(kind.name, key, kind, _const(""), parts=tuple(parts), under=under)


def _from_letters(kind: Kind, p: Planning) -> Iterable[Output]:
    if p.composer.pieces:
        # Made from the letters: they change when any letter does, or its file's name
        # (mailing.csv names it; a name_latin changed renames it, printing the same).
        letters = [f"{o.name}\0{o.key}" for o in p.outputs if o.kind.mailed]
        key = _hash(WINDOWS[p.bundle.letter.envelope].envelope, *letters)
        yield Output(kind.name, key, kind, _const(""))


def _proof(kind: Kind, p: Planning) -> Iterable[Output]:
    if p.composer.pieces:
        # What the build verified on the pages: made again whenever a PDF is.
        pdfs = [f"{o.name}\0{o.key}" for o in p.outputs if o.pdf]  # proof.json names them
        yield Output(kind.name, _hash(PROOF, *pdfs), kind, _const(""))


MAILING_FIELDS = ("order", "recipient", "role", "file", "pages", "sheets", "first_page", "envelope")


def _print_run(
    plan: LetterPlan,
    fresh: set[str],
    staging: Path,
    tick: Callable[[Path], None],
    ready: Callable[[Path], Path | None],
) -> str:
    """print.pdf (every letter in mailing order, each from an odd page) and mailing.csv."""
    from campaign.pdf.joining import join_pdfs

    pieces = plan.composer.pieces
    files = [(staging if p.file in fresh else plan.folder) / p.file for p in pieces]
    window = WINDOWS[plan.bundle.letter.envelope]
    if "print.pdf" in fresh or "mailing.csv" in fresh:
        with phase("print.pdf"):
            target = staging / "print.pdf"
            counts = join_pdfs(files, target, duplex=True, variant=plan.variant, before=ready)
        tick(staging / "print.pdf")
        rows, first, kind = [], 1, f"{window.envelope} window"
        for order, (piece, pages) in enumerate(zip(pieces, counts, strict=True), 1):
            sheets = (pages + 1) // 2
            name = piece.recipient.name
            rows.append([order, name, piece.role, piece.file, pages, sheets, first, kind])
            first += 2 * sheets
        write_staged(staging / "mailing.csv", csv_text(MAILING_FIELDS, rows))
        tick(staging / "mailing.csv")
    return ""


def _proof_run(
    plan: LetterPlan,
    fresh: set[str],
    staging: Path,
    tick: Callable[[Path], None],
    ready: Callable[[Path], Path | None],
) -> str:
    """Read the finished PDFs back (names in order), write proof.json, and say so in a line.

    Every address was read back from its laid-out box, and no glyph is .notdef, or
    the layout would have stopped (render.py); here the lists are read as a reader
    would. Letters sharing their pages share their list: it is read once.
    """
    if PROOF not in fresh:
        return ""
    with phase("proof"):
        return _proved(plan, fresh, staging, tick, ready)


def _proved(
    plan: LetterPlan,
    fresh: set[str],
    staging: Path,
    tick: Callable[[Path], None],
    ready: Callable[[Path], Path | None],
) -> str:
    folder = plan.folder
    where = {name: (staging if name in fresh else folder) / name for name in fresh}
    pieces = plan.composer.pieces
    members = [s for group in plan.bundle.signatures.groups for s in group.members]
    names = [s.name for s in members]
    letters = []
    for piece in pieces:
        shared = piece.role == "to" and not plan.shared.reasons and piece.index > 0
        if piece.file in fresh and not shared:
            letters.append(where[piece.file])
    listed = plan.bundle.letter.list_name
    listing = where.get("signatories.pdf", folder / "signatories.pdf") if listed else None
    if not letters and pieces and plan.bundle.letter.list_name:
        letters = [folder / pieces[0].file]  # unchanged letters: the first stands for all
    shown = {path: folder / path.relative_to(staging) for path in where.values()}
    rtl = is_right_to_left(plan.bundle.letter.language)
    # Each file is read as soon as it is finished, not once the last is: the copies are
    # stamped last, and what is read earlier adds nothing to the build's end.
    if names:
        lines = [s.line for s in members]
        verified = verify(letters, listing, names, shown, folder, rtl, ready, lines)
    else:
        for path in [*letters, *([listing] if listing else [])]:
            ready(path)
        verified = {"names": 0}
    proof = {
        "letters": len(pieces),
        "addresses": f"every address inside its {plan.bundle.letter.envelope} window, "
        "every envelope and every label, as laid out",
        "notdef": "no character drawn as an empty box",
        **verified,
    }
    write_staged(staging / PROOF, json.dumps(proof, indent=1, ensure_ascii=False) + "\n")
    tick(staging / PROOF)
    return proof_line(len(pieces), len(names), bool(plan.bundle.letter.list_name))


def read_proof(plan: LetterPlan) -> str:
    """The proof line of a letter whose proof.json is up to date."""
    try:
        proof = json.loads(read_text(plan.folder / PROOF))
        return proof_line(int(proof["letters"]), int(proof["names"]), "lists_read" in proof)
    except (OSError, ValueError, KeyError, TypeError):
        return ""


LETTERS = Kind(
    "to/<addressee>.pdf",
    pdf=True,
    layout=Layout.STAMPED,
    key="its shared layer and overlay when stamped, else its HTML",
    files=_letters,
    folder="to",
    mailed=True,
)
COPIES = Kind(
    "cc/<recipient>.pdf",
    pdf=True,
    layout=Layout.STAMPED,
    key="its shared layer and overlay when stamped, else its HTML (the letter to the first "
    "addressee, marked as a copy)",
    files=_copies,
    folder="cc",
    mailed=True,
)
PARALLEL = Kind("parallel.pdf", True, Layout.WHOLE, "its HTML", _parallel)
SIGNATORIES_PDF = Kind("signatories.pdf", True, Layout.LIST, "its HTML", _signatories_pdf)
SIGNATORIES_CSV = Kind("signatories.csv", False, Layout.WHOLE, "its text", _signatories_csv)
WEB = Kind("letter.html", False, Layout.WHOLE, "its HTML", _web)
ENVELOPES = Kind("envelopes.pdf", True, Layout.PARTS, "its parts' HTML", _envelopes)
LABELS = Kind("labels.pdf", True, Layout.PARTS, "its parts' HTML", _labels)
FROM_LETTERS = "the envelope, and the keys of the letters and copies"
PRINT = Kind("print.pdf", True, Layout.DERIVED, FROM_LETTERS, _from_letters, make=_print_run)
# Made with print.pdf, by the same maker: the runner calls each maker once.
MAILING = Kind("mailing.csv", False, Layout.DERIVED, FROM_LETTERS, _from_letters, make=_print_run)
PROOF_FILE = Kind(PROOF, False, Layout.DERIVED, "every PDF's key", _proof, make=_proof_run)

# Every kind of output, in the order planned and made: a derived kind after those
# it is made from. A new kind of output is one entry here.
KINDS: tuple[Kind, ...] = (
    LETTERS,
    COPIES,
    PARALLEL,
    SIGNATORIES_PDF,
    SIGNATORIES_CSV,
    WEB,
    ENVELOPES,
    LABELS,
    PRINT,
    MAILING,
    PROOF_FILE,
)


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
        for path in files_below(folder):
            # Texts and addresses reach the outputs through their HTML, hashed per
            # output; left out here, a change to body.ja.md leaves the English as it is.
            if path.is_dir() and path.is_symlink():  # where a link to a folder leads
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(os.readlink(path).encode("utf-8", "surrogateescape"))
            elif path.is_dir():  # a folder that could not be listed: never taken as known
                digest.update(os.urandom(16))
            elif path.is_file() and not _per_output(path, folder, bundle):
                digest.update(str(path.relative_to(folder)).encode())
                digest.update(fingerprint(path))
    return digest.hexdigest()


def _per_output(path: Path, folder: Path, bundle: LetterBundle) -> bool:
    """Whether ``path`` is a letter's text or recipients file (hashed through its HTML)."""
    if folder != bundle.letter.folder or path.parent != folder:
        return False
    return (path.name.startswith("body.") and path.suffix == ".md") or (
        path.name.startswith("recipients.") and path.suffix == ".yaml"
    )


def plan_letter(
    bundle: LetterBundle, variant: str = "", date: str = "", layered: Layered | None = None
) -> LetterPlan:
    """Every output of a letter with its key; template errors surface here, before any PDF.

    The PDF variant and ``SOURCE_DATE_EPOCH`` (the date written into each PDF) are
    part of every key: changing either makes the files again. ``layered`` as sharing's.
    """
    composer = Composer(bundle)
    base = _hash(_resources(bundle), variant, source_date())
    if is_tagged(variant) and composer.to:
        # A stamped page 1 would be untagged: PDF/UA needs each letter tagged whole.
        tagged = f"{variant.upper()} tags each letter as a whole"
        shared = Sharing(reasons=((tagged, len(composer.to)),))
    else:
        shared = sharing(composer, layered)
    planning = Planning(composer, shared, base, variant=variant)
    for kind in KINDS:
        planning.outputs += kind.files(kind, planning)
    return LetterPlan(
        bundle,
        composer,
        tuple(planning.outputs),
        shared,
        variant,
        date or document_date(),
    )


# The published fields of the field table, the group (its heading) first.
CSV_FIELDS = ("group", *(key for key in PUBLISHED_FIELDS if key != "group"))


def signatories_csv(block: SignatureBlock) -> str:
    """The printed signatories as CSV, public fields only, in printed order."""
    rows = (
        [group.heading, *(getattr(s, key) for key in CSV_FIELDS[1:])]
        for group in block.groups
        for s in group.members
    )
    return csv_text(CSV_FIELDS, rows)
