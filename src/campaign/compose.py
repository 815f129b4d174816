"""From a loaded letter to the HTML of each output (no PDF work here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jinja2
from markupsafe import Markup

from campaign.envelopes import ENVELOPES, LABEL_SHEETS, WINDOWS
from campaign.model import Recipient, address_lines
from campaign.names import unique_slugs
from campaign.templating import (
    load_template,
    make_environment,
    markdown,
    render,
    source_template,
)
from campaign.workspace import BUILTIN_TEMPLATES, LetterBundle

LABELS = {
    "en": {
        "re": "Re:",
        "cc": "cc:",
        "page": "Page",
        "of": "of",
        "as_of": "as of",
        "signatories": "Signatories",
        "copy": "Copy",
        "copy_for": "Copy for",
        "copy_note": "Copy of the letter sent to",
        "to": "To:",
        "envelopes": "Envelopes",
        "labels": "Address labels",
    },
}

# Long outputs are laid out in parts of this size (see build.py).
ENVELOPES_PER_PART = 50
SHEETS_PER_PART = 3

# Page margins in millimetres (top, right, bottom, left); page 1 starts higher so the
# letterhead and the address field can sit where the envelope window needs them.
MARGINS = {"a4": (22.0, 20.0, 22.0, 25.0), "letter": (22.0, 22.0, 22.0, 25.0)}
FIRST_PAGE_TOP = 10.0
PAPER_SIZES = {"a4": "A4", "letter": "letter"}


@dataclass(frozen=True)
class PublicRecipient:
    """A recipient as printed: no e-mail address."""

    name: str
    title: str
    organization: str
    salutation: str
    address: tuple[str, ...]

    @classmethod
    def of(cls, r: Recipient) -> PublicRecipient:
        """The printable part of ``r``; the salutation defaults to 'Dear <name>,'."""
        return cls(r.name, r.title, r.organization, r.salutation or f"Dear {r.name},", r.address)

    @property
    def lines(self) -> tuple[str, ...]:
        """The address as printed in a window, on an envelope or on a label."""
        return address_lines(self.name, self.title, self.organization, self.address)


@dataclass(frozen=True)
class Piece:
    """One piece of mail: a letter to an addressee, or a copy for a cc recipient."""

    role: str  # "to" | "cc"
    index: int  # position in recipients.yaml's to: or cc: list
    recipient: PublicRecipient
    file: str  # the PDF in build/<slug>/, e.g. "to/shinzo-abe.pdf"


def labels_for(language: str) -> dict[str, str]:
    """The template's fixed words in ``language`` (English where none are known yet)."""
    return LABELS.get(language.split("-")[0], LABELS["en"])


def page_geometry(paper: str, envelope: str) -> dict[str, Any]:
    """Page size, margins, the address window and the fold marks, for the template's CSS."""
    top, right, bottom, left = MARGINS[paper]
    w = WINDOWS[envelope]
    # Absolute boxes on page 1 are placed relative to its page area, not the sheet.
    return {
        "size": PAPER_SIZES[paper],
        "margin": (top, right, bottom, left),
        "first_top": FIRST_PAGE_TOP,
        "window": {
            "left": w.left - left,
            "top": w.top - FIRST_PAGE_TOP,
            "width": w.width,
            "height": w.height,
            "return_line": w.return_line,
            "font_pt": w.font_pt,
            "leading_pt": w.leading_pt,
        },
        # Marks start 4 mm from the sheet's left edge, clear of the printer's margin.
        "marks": {
            "left": 4 - left,
            "folds": [y - FIRST_PAGE_TOP for y in w.folds],
            "punch": w.punch - FIRST_PAGE_TOP if w.punch else 0,
        },
        "flow_start": w.top + w.height - FIRST_PAGE_TOP + 8,
    }


class Composer:
    """Renders the HTML of every output of one letter."""

    def __init__(self, bundle: LetterBundle) -> None:
        self.bundle = bundle
        self.env = make_environment(bundle.root, BUILTIN_TEMPLATES)
        letter = bundle.letter
        sender = bundle.settings.sender
        self.to = [PublicRecipient.of(r) for r in bundle.to]
        self.cc = [PublicRecipient.of(r) for r in bundle.cc]
        self.context: dict[str, Any] = {
            "letter": letter,
            "language": letter.language,
            "sender": sender,
            "signatories": bundle.signatures,
            "to": self.to,
            "cc": self.cc,
        }
        self._page = {
            "labels": labels_for(letter.language),
            "page": page_geometry(letter.paper, letter.envelope),
            "paper": letter.paper,
            "part": self._part,
            "layer": None,
        }
        self._body = source_template(self.env, letter.folder / "body.md")
        self.pieces = _pieces(self.to, self.cc)

    def _part(self, name: str) -> list[str | jinja2.Template]:
        template = self.bundle.letter.template
        return [f"{template}/{name}", f"builtin/{template}/{name}", f"builtin/joint-letter/{name}"]

    def body(self, addressee: PublicRecipient) -> Markup:
        """The body of the letter to ``addressee``: Markdown with the letter's names filled in."""
        return markdown(render(self._body, self.context | {"recipient": addressee}))

    def _page_context(self, **extra: Any) -> dict[str, Any]:
        return self.context | self._page | extra

    def letter_html(
        self,
        addressee: PublicRecipient,
        copy_for: PublicRecipient | None = None,
        layer: str | None = None,
    ) -> str:
        """The letter to ``addressee``, or the copy of it for the cc recipient ``copy_for``.

        ``layer`` is for shared pages: "shared" lays out everything but shows nothing
        of what differs between addressees; "overlay" shows only that, on page 1.
        """
        context = self._page_context(
            recipient=addressee,
            window=copy_for or addressee,
            copy=copy_for,
            body=self.body(addressee) if layer != "overlay" else Markup(""),
            layer=layer,
        )
        template = load_template(self.env, f"{self.bundle.letter.template}/letter.html.j2", context)
        return render(template, context)

    def signatories_html(self) -> str:
        """The signature list on its own."""
        context = self._page_context()
        template = load_template(self.env, self._part("signatories.html.j2"), context)
        return render(template, context)

    def web_html(self) -> str:
        """The web edition: the open letter as published, with its signatories."""
        addressee = self.to[0]
        context = self._page_context(recipient=addressee, body=self.body(addressee))
        template = load_template(self.env, self._part("web.html.j2"), context)
        return render(template, context)

    def envelopes_html(self) -> list[str]:
        """Envelopes for every piece of mail, in the size the folded letter goes into.

        In parts of ENVELOPES_PER_PART, so that the build can lay them out side by side.
        """
        window = WINDOWS[self.bundle.letter.envelope]
        template = load_template(self.env, self._part("envelopes.html.j2"), self._page_context())
        parts = []
        for start in range(0, len(self.pieces), ENVELOPES_PER_PART):
            batch = self.pieces[start : start + ENVELOPES_PER_PART]
            context = self._page_context(mailing=batch, envelope=ENVELOPES[window.envelope])
            parts.append(render(template, context))
        return parts

    def labels_html(self) -> list[str]:
        """Address labels for every piece of mail, on the sheet that fits the paper.

        In parts of a few sheets each, so that the build can lay them out side by side.
        """
        sheet = LABEL_SHEETS[self.bundle.letter.paper]
        cells = [
            {
                "piece": piece,
                "left": sheet.left + (n % sheet.columns) * sheet.pitch_x,
                "top": sheet.top + (n // sheet.columns % sheet.rows) * sheet.pitch_y,
                "number": n + 1,
            }
            for n, piece in enumerate(self.pieces)
        ]
        sheets = [cells[n : n + sheet.per_sheet] for n in range(0, len(cells), sheet.per_sheet)]
        template = load_template(self.env, self._part("labels.html.j2"), self._page_context())
        return [
            render(
                template, self._page_context(sheet=sheet, sheets=sheets[n : n + SHEETS_PER_PART])
            )
            for n in range(0, len(sheets), SHEETS_PER_PART)
        ]


def _pieces(to: list[PublicRecipient], cc: list[PublicRecipient]) -> list[Piece]:
    """Every piece of mail in mailing order: the addressees, then the cc copies."""
    pieces = [
        Piece("to", n, r, f"to/{slug}.pdf")
        for n, (slug, r) in enumerate(zip(unique_slugs([r.name for r in to]), to, strict=True))
    ]
    if to:  # a cc copy is a copy of the letter to the first addressee
        slugs = unique_slugs([r.name for r in cc])
        pieces += [
            Piece("cc", n, r, f"cc/{slug}.pdf")
            for n, (slug, r) in enumerate(zip(slugs, cc, strict=True))
        ]
    return pieces


_VARY = re.compile(r"<!--vary-->.*?<!--/vary-->", re.DOTALL)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
PROBE = PublicRecipient(
    name="Probe Addressee ⁂",
    title="Probe title ⁂",
    organization="Probe organization ⁂",
    salutation="Probe salutation ⁂,",
    address=("Probe street ⁂", "Probe city ⁂"),
)


def without_vary(html: str) -> str:
    """``html`` without the parts marked as differing between addressees."""
    return _VARY.sub("", html)


def shared_pages(composer: Composer) -> tuple[str, str]:
    """The letter's shared layer, and why its addressees cannot share it ('' if they can).

    The letter is composed for the first addressee and for a made-up one; outside
    the marked address and salutation the two must be identical.
    """
    if not composer.to:
        return "", "there are no addressees"
    first = composer.letter_html(composer.to[0], layer="shared")
    probe = composer.letter_html(PROBE, layer="shared")
    if "<!--vary-->" not in first:
        return first, "the template marks no <!--vary--> parts"
    if without_vary(first) != without_vary(probe):
        reason = "the text or the template uses the addressee outside the address and salutation"
        return first, reason
    if 'class="sheet"' not in composer.letter_html(PROBE, layer="overlay"):
        return first, "the template has no overlay layer"
    return first, ""


def overlay_batch(composer: Composer, addressees: list[PublicRecipient]) -> str:
    """One HTML document holding page 1's addressee-specific parts, a page per addressee."""
    pages = [composer.letter_html(a, layer="overlay") for a in addressees]
    head = pages[0][: pages[0].index("<body")]
    bodies = []
    for page in pages:
        match = _BODY.search(page)
        bodies.append(match.group(1) if match else "")
    return head + "<body>" + "".join(bodies) + "</body>\n</html>\n"
