"""From a loaded letter to the HTML of each output (no PDF work here)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from babel.dates import format_date
from markupsafe import Markup

from campaign.compose.bundle import LetterBundle
from campaign.compose.overlays import Place, Sheet, compact_batch
from campaign.compose.pagestate import (
    across_pages,
    page_sized,
    sees_ahead,
    sees_around,
    sets_visibility,
)
from campaign.compose.plaindata import plain, plain_context
from campaign.compose.templating import (
    HELPERS,
    TemplateFailed,
    babel_locale,
    load_template,
    make_environment,
    markdown,
    markdown_blocks,
    markdown_of,
    render,
    source_template,
)
from campaign.compose.vary import compose_guarded, parts_verdict
from campaign.errors import Problem
from campaign.load.catalog import BUILTIN_TEMPLATES, chain, part_names
from campaign.model.records import Recipient, Signer, address_lines
from campaign.paper.envelopes import ENVELOPES, LABEL_SHEETS, WINDOWS, page_geometry
from campaign.paths import resolved
from campaign.text.names import file_slugs
from campaign.text.scripts import is_right_to_left, mark_scripts, printed_name, writes_name_last
from campaign.text.typography import typeset
from campaign.text.wording import (
    base_language,
    join_list,
    labels_for,
    language_name,
    say,
    say_count,
)

# Long outputs are laid out in parts of this size (see build.py).
ENVELOPES_PER_PART = 50
SHEETS_PER_PART = 6
# The addresses' layer stands this many envelopes on one tall page, which the build
# cuts into envelopes (joining.py): WeasyPrint pays much of its work per page.
ENVELOPES_PER_PAGE = 25


@dataclass(frozen=True)
class PublicRecipient:
    """A recipient as printed in one language: no e-mail address."""

    name: str
    title: str
    organization: str
    salutation: str
    address: tuple[str, ...]
    name_latin: str = ""
    honorific: str = ""
    name_last: bool = False  # the address runs from the place down to the name

    @classmethod
    def of(cls, r: Recipient, language: str = "en") -> PublicRecipient:
        """The printable part of ``r`` for a letter in ``language``.

        The name is the one the language calls for (``name`` or ``name_latin``); the
        salutation defaults to the language's ('Dear <name>,', '<name> 귀하', '拝啓').
        """
        name = printed_name(r.name, r.name_latin, language)
        salutation = r.salutation or say(labels_for(language), "salutation", name=name)
        return cls(
            name,
            r.title,
            r.organization,
            salutation,
            r.address,
            r.name_latin,
            r.honorific,
            writes_name_last(language, r.address),
        )

    @property
    def lines(self) -> tuple[str, ...]:
        """The address as printed in a window, on an envelope or on a label."""
        return address_lines(
            self.name,
            self.title,
            self.organization,
            self.address,
            name_last=self.name_last,
            honorific=self.honorific,
        )

    @property
    def file_name(self) -> str:
        """The name the recipient's files are named after, the same in every language."""
        return self.name_latin or self.name


@dataclass(frozen=True)
class PublicSigner:
    """A signer as a template prints them."""

    name: str
    title: str
    # The signature's URL relative to the letter's folder, which is where WeasyPrint
    # resolves links from (and the preview server serves pictures from); '' without
    # one. Never on the web page: a published signature can be copied.
    image: str

    @classmethod
    def of(cls, signer: Signer, folder: Path) -> PublicSigner:
        """The printable part of ``signer``, whose letter is in ``folder``."""
        image = ""
        if signer.signature:
            image = quote(signer.signature.relative_to(resolved(folder)).as_posix())
        return cls(signer.name, signer.title, image)


@dataclass(frozen=True)
class Piece:
    """One piece of mail: a letter to an addressee, or a copy for a cc recipient."""

    role: str  # "to" | "cc"
    index: int  # position in recipients.yaml's to: or cc: list
    recipient: PublicRecipient
    file: str  # the PDF in build/<slug>/, e.g. "to/shinzo-abe.pdf"


class Composer:
    """Renders the HTML of every output of one letter."""

    def __init__(self, bundle: LetterBundle) -> None:
        self.bundle = bundle
        self.env = make_environment(bundle.root, BUILTIN_TEMPLATES)
        # Worked out once: parts are looked up many times per letter, hundreds of letters.
        self._chain = chain(bundle.root, bundle.letter.template)
        letter = bundle.letter
        sender = bundle.settings.sender
        self.language = letter.language
        self.labels = labels_for(letter.language)
        self.to = [PublicRecipient.of(r, letter.language) for r in bundle.to]
        self.cc = [PublicRecipient.of(r, letter.language) for r in bundle.cc]
        self.context: dict[str, Any] = {
            "letter": letter,
            "language": letter.language,
            "direction": "rtl" if is_right_to_left(letter.language) else "ltr",
            "sender": sender,
            "signatories": bundle.signatures,
            "signers": tuple(PublicSigner.of(s, letter.folder) for s in letter.signers),
            "to": self.to,
            "cc": self.cc,
            # Every addressee with their title, as the language lists them: what a copy
            # and its e-mail say the letter was sent to.
            "addressees": join_list([self.named(r) for r in self.to], letter.language),
            "labels": self.labels,
            # What the "Enclosures:" line names; the PDFs follow the letter (build.py).
            "enclosures": tuple(e.title for e in letter.enclosures),
            # The date line as the language writes it, with the sender's place:
            # "Paris, le 17 mars 2025", "Berlin, 17. März 2025".
            "date_line": self.dated(letter.date, sender.place if sender else ""),
        }
        # Plain data (plaindata.py), converted once: hundreds of letters are filled in from it.
        self.context = plain_context(self.context)
        # What a body can use: the names above, the helpers and the addressee it is written to.
        self.body_names = sorted([*self.context, "recipient", *HELPERS])
        self._page = plain_context(
            {
                "page": page_geometry(letter.paper, letter.envelope),
                "paper": letter.paper,
                "_chain": tuple(self._chain),  # for the part() helper
                "layer": None,
            }
        )
        self._body = source_template(self.env, letter.folder / letter.body_file)
        self.pieces = _pieces(self.to, self.cc)
        self.stack = ENVELOPES_PER_PAGE  # envelopes a page in the addresses' layer
        self.warnings: list[Problem] = []  # found while composing, reported by check
        # Each page-1 overlay as composed (for the sharing keys, then again for its batch):
        # by the recipients it was composed for, kept alive with it so their ids stay theirs.
        self._overlays: dict[tuple[int, int], tuple[Any, Any, str, str | None]] = {}
        self._overlay_head = ""
        # Each recipient as plain data, by the recipient it was made from (held with it).
        self._records: dict[int, tuple[PublicRecipient, Any]] = {}

    def say(self, key: str, **values: Any) -> str:
        """A fixed phrase of the letter's language with the values filled in."""
        return say(self.labels, key, **values)

    def say_count(self, key: str, count: int) -> str:
        """A counted phrase of the letter's language: '1 signature', '1,234 signatures'."""
        return say_count(self.labels, self.language, key, count)

    def dated(self, date: dt.date, place: str) -> str:
        """The letter's date written out, after the place it is written from if known."""
        written = format_date(date, format="long", locale=babel_locale(self.language))
        if not place or "dated" not in self.labels:
            return written
        return say(self.labels, "dated", place=place, date=written)

    def named(self, person: PublicRecipient) -> str:
        """A recipient's name with their title, in the order of the letter's language."""
        if not person.title:
            return person.name
        return self.say("name_title", name=person.name, title=person.title)

    def _part(self, name: str) -> list[str | jinja2.Template]:
        return list(part_names(self._chain, name))

    def _record(self, person: PublicRecipient) -> Any:
        """``person`` as plain data, converted once: each is filled in again and again."""
        found = self._records.get(id(person))
        if found is None or found[0] is not person:
            found = self._records[id(person)] = (person, plain(person))
        return found[1]

    def body(self, addressee: PublicRecipient) -> Markup:
        """The body of the letter to ``addressee``: Markdown with the letter's names filled in."""
        text = render(self._body, self.context | {"recipient": self._record(addressee)})
        return markdown_of(text, self.bundle.letter.folder / self.bundle.letter.body_file)

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
        if layer == "overlay":
            return self._overlay(addressee, copy_for)
        return self._letter_html(addressee, copy_for, layer)

    def _overlay(self, addressee: PublicRecipient, copy_for: PublicRecipient | None) -> str:
        """``letter_html``'s overlay layer, composed once for each addressee and copy.

        A build composes it for the sharing keys and again for the batch it is laid out
        in. What comes before its body (the style sheets, the same for every one) is kept
        once.
        """
        key = (id(addressee), id(copy_for))
        found = self._overlays.get(key)
        if found is not None and found[0] is addressee and found[1] is copy_for:
            return found[2] if found[3] is None else self._overlay_head + found[3]
        html = self._letter_html(addressee, copy_for, "overlay")
        start = html.find("<body")
        if start > 0 and not self._overlay_head:
            self._overlay_head = html[:start]
        if start > 0 and html[:start] == self._overlay_head:
            self._overlays[key] = (addressee, copy_for, "", html[start:])
        else:
            self._overlays[key] = (addressee, copy_for, html, None)
        return html

    def _letter_html(
        self, addressee: PublicRecipient, copy_for: PublicRecipient | None, layer: str | None
    ) -> str:
        context = self._page_context(
            recipient=self._record(addressee),
            window=self._record(copy_for or addressee),
            copy=None if copy_for is None else self._record(copy_for),
            body=self.body(addressee) if layer != "overlay" else Markup(""),
            layer=layer,
        )
        template = load_template(self.env, self._variant("letter"), context)
        return self._finish(render(template, context))

    def piece_html(self, number: int, layer: str | None = None) -> str:
        """Piece of mail ``number`` (in ``pieces``): its letter, or a copy for cc (letter_html)."""
        piece = self.pieces[number]
        if piece.role == "to":
            return self.letter_html(self.to[piece.index], layer=layer)
        # A copy is the letter to the first addressee, with the cc recipient's address.
        return self.letter_html(self.to[0], copy_for=piece.recipient, layer=layer)

    def _variant(self, name: str) -> list[str | jinja2.Template]:
        """A template's own layout for the letter's language if it has one (letter.ja.html.j2)."""
        template = self.bundle.letter.template
        lang = base_language(self.language)
        return [f"{template}/{name}.{lang}.html.j2", f"{template}/{name}.html.j2"]

    def _finish(self, html: str, paper: bool = True) -> str:
        """Mark runs of text in another script, so the template's :lang() rules find them.

        Then set every printed text by the language's typography (typography.py),
        whichever file or field it came from.
        """
        return typeset(mark_scripts(html, self.language), self.language, paper)

    def signatories_html(self) -> str:
        """The signature list on its own."""
        context = self._page_context()
        template = load_template(self.env, self._part("signatories.html.j2"), context)
        return self._finish(render(template, context))

    def web_html(self) -> str:
        """The web edition: the open letter as published, with its signatories."""
        addressee = self.to[0]
        context = self._page_context(recipient=addressee, body=self.body(addressee))
        template = load_template(self.env, self._part("web.html.j2"), context)
        return self._finish(render(template, context), paper=False)

    def parallel_html(self) -> str:
        """The parallel edition: the original and this translation, one signature block.

        Addressed like the original's letter to its first addressee. "following" prints
        the translation after the original's closing; "side-by-side" pairs the two texts
        block by block in two columns.
        """
        letter = self.bundle.letter
        assert self.bundle.original is not None
        original = Composer(self.bundle.original)
        addressee, translated_to = original.to[0], self.to[0]
        context = original._page_context(
            recipient=addressee, window=addressee, copy=None, layer=None
        )
        source = render(original._body, context)
        translation = render(self._body, self.context | {"recipient": translated_to})
        left, right = markdown_blocks(source), markdown_blocks(translation)
        if letter.parallel == "side-by-side" and len(left) != len(right):
            self.warnings.append(
                Problem(
                    letter.folder / letter.body_file,
                    0,
                    f"{letter.body_file} has {len(right)} paragraphs and "
                    f"{self.bundle.original.letter.body_file} has {len(left)}; "
                    "side by side, they are paired in order and the rest stands alone",
                    "split or join paragraphs so that each pair says the same",
                    warning=True,
                )
            )
        pairs = list(itertools.zip_longest(left, right, fillvalue=Markup("")))
        context |= {
            "base": load_template(original.env, original._variant("letter"), context).name,
            "body": markdown(source),
            "parallel": letter.parallel,
            "pairs": pairs,
            "translation": {
                "letter": letter,
                "language": letter.language,
                "direction": self.context["direction"],
                "labels": self.labels,
                "salutation": translated_to.salutation,
                "body": markdown(translation),
                "name": language_name(letter.language),
            },
            "original_name": language_name(original.language),
        }
        template = load_template(self.env, self._part("parallel.html.j2"), context)
        return original._finish(render(template, context))  # the page is in the original's

    def envelopes_html(
        self, layer: str | None = None, per_part: int = ENVELOPES_PER_PART
    ) -> list[str]:
        """Envelopes for every piece of mail, in the size the folded letter goes into.

        In parts of ``per_part``, so that the build can lay them out side by side.
        With ``layer="overlay"``, the addresses alone (see ``envelope_layers``).
        """
        return [
            self._envelopes(self.pieces[start : start + per_part], layer)
            for start in range(0, len(self.pieces), per_part)
        ]

    def envelope_parts(self, layered: bool = True) -> tuple[str, list[str]]:
        """The envelopes as the build lays them out: the envelope under every page, and parts.

        The envelope under every page is '' when there is none (``layered`` False, or a
        template without layers). A page that counts the pages or looks by its place
        among them (``pagestate.across_pages``) would count its part's alone, over the
        envelope under it: then all are one part, and none is under them.
        """
        layers = self.envelope_layers() if layered else None
        under, parts = layers if layers is not None else ("", self.envelopes_html())
        whole = self.envelopes_html("overlay" if under else None, max(1, len(self.pieces)))
        if across_pages(under, *parts) or not _cut(parts, whole):
            return "", self.envelopes_html(per_part=max(1, len(self.pieces)))
        return under, parts

    def label_parts(self) -> list[str]:
        """The label sheets as the build lays them out, in parts (one, as envelope_parts says)."""
        parts = self.labels_html()
        whole = self.labels_html(per_part=max(1, len(self.pieces)))
        if across_pages(*parts) or not _cut(parts, whole):
            return whole
        return parts

    def envelope_layers(self) -> tuple[str, list[str]] | None:
        """One envelope with what every envelope shows, and the addresses' parts to draw on it.

        None when the template lays out no layers: its envelope for no piece of mail
        is then the same with and without them (an empty document).
        """
        shared = self._envelopes([], "shared")
        if shared == self._envelopes([], None):
            return None
        return shared, self.envelopes_html("overlay")

    def _envelopes(self, batch: list[Piece], layer: str | None) -> str:
        window = WINDOWS[self.bundle.letter.envelope]
        template = load_template(self.env, self._part("envelopes.html.j2"), self._page_context())
        envelope = ENVELOPES[window.envelope]
        context = self._page_context(
            mailing=batch, envelope=envelope, layer=layer, stack=self.stack
        )
        return self._finish(render(template, context))

    def labels_html(self, per_part: int = SHEETS_PER_PART) -> list[str]:
        """Address labels for every piece of mail, on the sheet that fits the paper.

        In parts of ``per_part`` sheets, so that the build can lay them out side by side.
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
            self._finish(
                render(
                    template,
                    self._page_context(sheet=sheet, sheets=sheets[n : n + per_part]),
                )
            )
            for n in range(0, len(sheets), per_part)
        ]


def _cut(parts: list[str], whole: list[str]) -> bool:
    """Whether ``parts`` are ``whole`` cut: their bodies, one after the other, are its body.

    A template that numbers its envelopes or sheets itself (``loop.index``,
    ``mailing|length``), or prints a heading before them, would number or print them
    within each part alone.
    """
    if len(whole) != 1:
        return not parts and not whole
    bodies = [_BODY.search(html) for html in (*parts, whole[0])]
    if not all(bodies):
        return False
    return "".join(b.group(1) for b in bodies[:-1] if b) == (
        bodies[-1].group(1) if bodies[-1] else ""
    )


def _identity(r: PublicRecipient) -> tuple[str, ...]:
    """What tells two recipients apart, their file name first (see names.file_slugs)."""
    return (r.file_name, r.title, r.organization, *r.address)


def _pieces(to: list[PublicRecipient], cc: list[PublicRecipient]) -> list[Piece]:
    """Every piece of mail in mailing order: the addressees, then the cc copies."""
    pieces = [
        Piece("to", n, r, f"to/{slug}.pdf")
        for n, (slug, r) in enumerate(zip(file_slugs([_identity(r) for r in to]), to, strict=True))
    ]
    if to:  # a cc copy is a copy of the letter to the first addressee
        slugs = file_slugs([_identity(r) for r in cc])
        pieces += [
            Piece("cc", n, r, f"cc/{slug}.pdf")
            for n, (slug, r) in enumerate(zip(slugs, cc, strict=True))
        ]
    return pieces


_VARY = re.compile(r"<!--vary-->.*?<!--/vary-->", re.DOTALL)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL)
# Elements the shared pages would keep from the letter they were laid out for, even
# hidden: a heading is a bookmark, a link an annotation.
_KEPT_WHEN_HIDDEN = {"a", "h1", "h2", "h3", "h4", "h5", "h6"}
# Elements the renderer's own style sheet hides by 'visibility' (WeasyPrint's html5_ua.css
# and html5_ua_form.css: a table's row, column or cell marked hidden collapses; a form
# control's options and field marks): an overlay layer that shows what a part holds by
# 'visibility', as layers.css.j2 did before, would show them.
_COLLAPSED_WHEN_HIDDEN = {"colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th"}
_UA_HIDDEN = {"select", "option", "input"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_VOID |= {"track", "wbr"}


def without_vary(html: str) -> str:
    """``html`` without the parts marked as differing between addressees."""
    return _VARY.sub("", html)


@dataclass(frozen=True)
class Sharing:
    """Which letters to addressees are made from shared pages, and which are laid out whole.

    Letters share pages only with letters whose shared layer, composed for each
    addressee, is identical outside the marked addressee parts: nothing is assumed
    about what a text or template does with the addressee, it is compared.
    """

    groups: tuple[tuple[int, ...], ...] = ()  # addressees (by position) sharing a layer
    layers: tuple[str, ...] = ()  # each group's shared layer, composed for its first
    keys: tuple[str, ...] = ()  # per addressee: a hash of their shared layer and overlay
    # Why the letters to addressees outside every group are laid out whole, each reason
    # with the number of letters it holds back, in the order they were found.
    reasons: tuple[tuple[str, int], ...] = ()

    def group_of(self, index: int) -> int | None:
        """The group of the addressee at ``index`` in ``to:``, None when laid out whole."""
        for number, members in enumerate(self.groups):
            if index in members:
                return number
        return None


class _PartShape(HTMLParser):
    """Checks that a marked part is one element of class 'vary', as the layers need."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tops = 0  # elements at the part's top level
        self.ok = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _KEPT_WHEN_HIDDEN or tag in _UA_HIDDEN:
            self.ok = False
        if tag in _COLLAPSED_WHEN_HIDDEN and any(name == "hidden" for name, _ in attrs):
            self.ok = False
        if self.depth == 0:
            self.tops += 1
            classes = (dict(attrs).get("class") or "").split()
            self.ok = self.ok and self.tops == 1 and "vary" in classes
        if tag not in _VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.depth -= 1

    def handle_endtag(self, tag: str) -> None:
        self.depth -= 1
        self.ok = self.ok and self.depth >= 0

    def handle_data(self, data: str) -> None:
        # Text outside the element would show on the shared pages.
        self.ok = self.ok and (self.depth > 0 or not data.strip())


def _well_marked(part: str) -> bool:
    """Whether a <!--vary--> part is one element the shared layer hides and the overlay shows."""
    shape = _PartShape()
    shape.feed(part[len("<!--vary-->") : -len("<!--/vary-->")])
    shape.close()
    return shape.ok and shape.depth == 0 and shape.tops == 1


_ROOT_TAG = re.compile(r"<!--vary-->\s*(<[^>]*>)")


def _markup(parts: list[str]) -> str:
    """Each marked part's own start tag: its element and attributes.

    A style sheet can pick an element outside a part by the part's element and
    attributes (``.salutation.formal + p``), never by its text, nor by what it holds
    without ``:has()``, which stops sharing (pagestate.sees_ahead). Letters whose parts
    start alike share a layer laid out with one of their own parts; a name in another
    script, marked ``<bdi lang>`` inside the part, changes nothing outside it.
    """
    return "".join(found.group(1) if (found := _ROOT_TAG.match(part)) else part for part in parts)


def _digest(*texts: str) -> str:
    digest = hashlib.sha256()
    for text in texts:
        digest.update(text.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


# Why letters to addressees are laid out whole (build -v).
DEPENDS = "the text or the template uses the addressee outside the address and salutation"
MARKED_BADLY = (
    "an addressee's <!--vary--> parts are not each one element of class 'vary' (without "
    "headings, links, form controls or table cells marked hidden)"
)


def _unfit(shared: str, overlay: str) -> str:
    """Why the marked parts of a letter cannot be stamped ('' if they can)."""
    parts = _VARY.findall(shared)
    if not parts:
        return "the template marks no <!--vary--> parts"
    if 'class="sheet"' not in overlay:
        return "the template has no overlay layer"
    if parts != _VARY.findall(overlay):
        # A part the overlay does not show would be missing from the letter.
        return "the template marks <!--vary--> parts that its overlay layer leaves out"
    if not all(_well_marked(part) for part in parts):
        return (
            "a <!--vary--> part of the template is not one element of class 'vary' "
            "(without headings, links, form controls or table cells marked hidden)"
        )
    if sees_ahead(shared):
        # The overlay holds page 1's parts without the rest of the letter.
        return (
            "a style sheet picks elements by what follows them or what they hold "
            "(:has(), :last-child, :empty) or is linked, which page 1 alone cannot show"
        )
    if sees_around(shared):
        return (
            "a style sheet stands in the letter's text, or picks a child of the body, "
            "which page 1 laid out alone does not keep as the letter has it"
        )
    if page_sized(shared):
        # The overlay's sheets stand on pages of their own size, margins and stacking.
        return (
            "a style sheet measures lengths by the page's size (vh, vw), which page 1 "
            "laid out alone has not"
        )
    if sets_visibility(shared, overlay):
        # The layers show and hide by 'visibility' themselves, over the letter's own.
        return (
            "a style of the letter shows or hides boxes by 'visibility' (or resets it with "
            "'all'), which the shared pages set themselves to hide what each letter has "
            "of its own"
        )
    return ""


# Called with a shared layer as soon as it is known to be one: the build may lay it out
# while the other letters are compared (build/run.py's Ahead).
Layered = Callable[[str], None]


def sharing(composer: Composer, layered: Layered | None = None) -> Sharing:
    """Which letters to addressees, and which copies for cc, share a layer of pages.

    The letters to addressees are grouped as ``_sharing`` says; so are the copies, on
    pages of their own (a copy notes what it is, which moves the text after it), their
    parts being the cc recipient's address and copy mark. Groups hold positions in
    ``composer.pieces``; the reasons are the letters to addressees'. ``layered`` is
    called with each shared layer as soon as it is known: the letters' first (once it
    is known that letters can share it), then the copies', before the letters are
    compared to the first.
    """
    if not composer.to:
        return Sharing()
    letters = _sharing(
        composer, composer.to, lambda a, layer: composer.letter_html(a, layer=layer), 0, layered
    )
    copied = Sharing()
    # A copy alone on its shared pages would cost them and its overlay: it is laid out whole.
    if len(composer.cc) > 1:
        first = composer.to[0]
        # The copies' layers are handed to ``layered`` before the letters are compared:
        # one then is laid out on a second worker while 700 letters are compared (0.7 s),
        # not after. (A copy's layer reads whom it is for: the few copies are compared.)
        try:
            copied = _sharing(
                composer,
                composer.cc,
                lambda c, layer: composer.letter_html(first, copy_for=c, layer=layer),
                len(composer.to),
                layered,
            )()
        except TemplateFailed:
            letters()  # a letter to an addressee comes before the copies: its error first
            raise
    return _joined(composer, letters(), copied)


def _joined(composer: Composer, letters: Sharing, copies: Sharing) -> Sharing:
    """The letters' and the copies' sharing as one, the groups of one letter left whole."""
    alike = [n for n, group in enumerate(copies.groups) if len(group) > 1]
    # So is a letter alone in its group (the one addressee of most joint letters): from
    # shared pages it would cost their layout, its overlay and its stamping, more than
    # its own layout (1 letter and 3 copies of 10,000 names: 37-45 s, 29-31 s whole).
    together = [n for n, group in enumerate(letters.groups) if len(group) > 1]
    alone = len(letters.groups) - len(together)
    return Sharing(
        tuple(letters.groups[n] for n in together) + tuple(copies.groups[n] for n in alike),
        tuple(letters.layers[n] for n in together) + tuple(copies.layers[n] for n in alike),
        (letters.keys or ("",) * len(composer.to)) + (copies.keys or ("",) * len(composer.cc)),
        letters.reasons + (((ALONE, alone),) if alone else ()),
    )


# Why a letter alike with no other is laid out whole (build -v).
ALONE = "a letter like no other costs no less from shared pages than laid out whole"


Compose = Callable[[PublicRecipient, str | None], str]  # a recipient's letter, in a layer


def _sharing(
    composer: Composer,
    recipients: list[PublicRecipient],
    html: Compose,
    first: int = 0,
    layered: Layered | None = None,
) -> Callable[[], Sharing]:
    """Which of ``recipients`` (pieces from ``first`` on) share a layer; the others are whole.

    The first recipient's layer is composed (and handed to ``layered``) now; the others
    are compared when the function returned is called.

    First the shared layer is composed once, for the first recipient held behind a
    guard (vary.py): when nothing outside the marked parts reads the recipient, it
    is the same for every recipient, proven. Otherwise each recipient's shared layer
    is composed and compared outside the marked parts, and letters alike share a
    layer: a text that depends on the addressee splits the letters or leaves them
    whole, never wrong.
    """
    if not recipients:
        return Sharing
    shared, unproven = compose_guarded(lambda a: html(a, "shared"), recipients[0])
    if not unproven:
        overlay, unproven = compose_guarded(lambda a: html(a, "overlay"), recipients[0])
    if not unproven and not parts_verdict(composer.env).sound():
        unproven = "a block holding a marked part is rendered into a value"
    if unproven:
        return functools.partial(_compared, recipients, html, first, layered)
    if why := _unfit(shared, overlay):
        return functools.partial(Sharing, reasons=((why, len(recipients)),))
    if layered is not None and len(recipients) > 1:  # one alone is laid out whole (sharing)
        layered(shared)
    return functools.partial(_marked, recipients, html, first, shared)


def _marked(recipients: list[PublicRecipient], html: Compose, first: int, shared: str) -> Sharing:
    """Group the letters by their marked parts' markup, ``shared`` proven the same for all."""
    count = len(_VARY.findall(shared))
    alike: dict[str, list[int]] = {}  # by the parts' markup: the addressees marked so
    keys = []
    rest = _digest(without_vary(shared))
    for index, recipient in enumerate(recipients, first):
        own = html(recipient, "overlay")  # milliseconds: page 1 alone
        keys.append(_digest(rest, own))
        parts = _VARY.findall(own)
        if len(parts) == count and all(_well_marked(part) for part in parts):
            alike.setdefault(_markup(parts), []).append(index)
    groups = tuple(tuple(members) for members in alike.values())
    bad = len(recipients) - sum(len(members) for members in groups)
    # Each group's layer holds its own first letter's parts, hidden (the first's is
    # composed already).
    layers = [shared if g[0] == first else html(recipients[g[0] - first], "shared") for g in groups]
    return Sharing(
        groups,
        tuple(layers),
        tuple(keys),
        ((MARKED_BADLY, bad),) if bad else (),
    )


def _compared(
    recipients: list[PublicRecipient], html: Compose, first: int, layered: Layered | None = None
) -> Sharing:
    """Group the letters by each recipient's shared layer, composed and compared.

    ``layered`` is called with each group's layer as soon as the groups are known.
    """
    alike: dict[str, list[int]] = {}
    keys: list[str] = []
    unfit: dict[str, int] = {}  # why a letter cannot share: how many letters so
    for index, recipient in enumerate(recipients, first):
        shared = html(recipient, "shared")
        overlay = html(recipient, "overlay")
        keys.append(_digest(shared, overlay))
        if why := _unfit(shared, overlay):
            unfit[why] = unfit.get(why, 0) + 1
        else:
            # Alike outside the parts, and the parts marked up alike (_markup).
            key = _digest(without_vary(shared), _markup(_VARY.findall(shared)))
            alike.setdefault(key, []).append(index)
    # A letter alike with no other is laid out whole: a shared layer for it alone
    # would cost more.
    groups = tuple(tuple(members) for members in alike.values() if len(members) > 1)
    lone = len(recipients) - sum(len(members) for members in groups) - sum(unfit.values())
    reasons = (*unfit.items(), *([(DEPENDS, lone)] if lone else []))
    # Composed again for the groups' first letters: holding every addressee's HTML
    # until the groups are known could take hundreds of megabytes.
    layers = tuple(html(recipients[g[0] - first], "shared") for g in groups)
    if layered is not None:
        for layer in layers:
            layered(layer)
    return Sharing(groups, layers, tuple(keys), tuple(reasons))


def overlay_batch(
    composer: Composer,
    addressees: list[PublicRecipient],
    layout: tuple[tuple[Place, ...], tuple[Sheet, ...]] | None = None,
) -> tuple[str, bool]:
    """One HTML document holding page 1's addressee-specific parts, a page per addressee.

    With the master's ``layout`` (where its parts stand, its pages' content boxes) the
    pages hold the parts alone, placed as on the master (overlays.py); the second value
    says so. Without it, or when a page cannot be outlined, each page is the whole page 1
    with all but the parts hidden.
    """
    return batch_of([composer.letter_html(a, layer="overlay") for a in addressees], layout)


def batch_of(
    pages: list[str], layout: tuple[tuple[Place, ...], tuple[Sheet, ...]] | None = None
) -> tuple[str, bool]:
    """``overlay_batch`` of the overlay layers ``pages``, composed already."""
    if layout is not None and (compact := compact_batch(pages, *layout)) is not None:
        return compact, True
    head = pages[0][: pages[0].index("<body")]
    opening = pages[0][len(head) : pages[0].index(">", len(head)) + 1]  # its attributes too
    bodies = []
    for page in pages:
        match = _BODY.search(page)
        bodies.append(match.group(1) if match else "")
    return head + opening + "".join(bodies) + "</body>\n</html>\n", False
