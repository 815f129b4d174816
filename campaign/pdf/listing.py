"""A long list (signatories.pdf) laid out in parts on the workers at once, pages as one.

WeasyPrint holds every page of a document until it writes it, so a list of 20,000
names held 470 MB. Here the list is cut into parts at page starts: each part is a
document of its own holding the page's open elements, its items and nothing else,
written before the next is laid out, so memory stays that of one part. The pages'
furniture (running title, "Page N of M") is a document of empty pages: it is laid out
on a worker while the parts are, for the number of pages predicted, used only when
the parts come to exactly that many (else laid out again), and stamped on the parts'
pages; the outline is made from the parts' bookmarks by WeasyPrint's own code.

The parts are laid out at once, one per CPU: the first part is laid out first (handed to
a worker as soon as its items are found, while this process reads the rest of the list's
text), and a model of the page read from it (where items start and end, how tall a line
is, how much lower a group's heading sets the next item) predicts the pages' starts, and
so the cuts. The cuts are verified, never trusted: each part is laid out a page past its
cut and must have a page starting exactly at the predicted cut (else it is cut where it
can be, and the parts after it are laid out again from there), and the next part's first
page must come out exactly as that page did (every line's text, place and look), else
the list is laid out whole, as before.

Inside a part, past its first page, a page's one-line names are set as runs (_runs): one
element, a line a name, laid out by WeasyPrint as lines rather than as an element each.
Each run is checked after its layout (_runs_held); the part is laid out again without
runs when one did not come out as its names would have.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import io
import math
import os
import re
from collections import deque
from dataclasses import dataclass, replace
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, NamedTuple

from campaign.compose.pagestate import SIDED, STATEFUL, STYLE, as_read, by_place, selectors_of
from campaign.model.limits import DEFAULT, Limits, output_name, pdf_layout
from campaign.model.timings import phase
from campaign.pdf.engine import layout, write
from campaign.pdf.pool import Pending, Workers, _InProcess, default_jobs

PART = 1500  # items a part holds past its cut; about 30 pages of a one-column list
LONG = 2 * PART  # a list shorter than this is laid out whole
# Elements without an end tag.
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr")
)  # fmt: skip
# Margin boxes are the furniture's: a part lays out none (they would show its own
# page count).
_SIDES = (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner", "right-top",
    "right-middle", "right-bottom", "bottom-right-corner", "bottom-right", "bottom-center",
    "bottom-left", "bottom-left-corner", "left-bottom", "left-middle", "left-top",
)  # fmt: skip
_MARGINS = "".join(f"@{side}{{content:none!important}}" for side in _SIDES)
_NO_MARGINS = f"@page{{{_MARGINS}}}"
# What a part adds to the elements it reopens; a page that names it itself (a style on
# it, or elements that carry it) would be styled otherwise in the parts than whole.
_CONTINUED_MARK = "data-campaign-continued"
# A run of names (see _runs): one element for a page's one-line items, a line a name.
_RUN_MARK = "data-campaign-run"
_CONTINUED = (
    "body,[data-campaign-continued]"
    "{margin-top:0!important;padding-top:0!important;border-top-width:0!important}"
    # Their bookmarks are the first part's: a part's would be in the outline again. So is
    # what they show before their content: on the first part's pages, not at each part's
    # start (where a box of no text, placed aside, is not seen at the seam).
    "html,body,[data-campaign-continued]{bookmark-level:none!important}"
    "html::before,body::before,[data-campaign-continued]::before{content:none!important}"
)
# A page with boxes made to fit (a letter's window) is laid out whole: fitting reads them.
_FITTED = re.compile(r' data-fit|class="[^"]*\bwindow\b')
# Styles whose state runs from page to page, and pages picked otherwise than as the
# first, are compose/pagestate.py's (STATEFUL, SIDED): such a list is laid out whole.
# (The first page's own look is compared at the seams; the page's number and count are
# the furniture's.)
# A link, or an anchor (an element's id is a named destination of the PDF): the parts'
# pages are stamped on the furniture's, their links and destinations left behind.
_LINKED = re.compile(r"<a\b[^>]*\s(?:href|name)\s*=|<[^>]*\sid\s*=|-weasy-anchor", re.IGNORECASE)


@dataclass(frozen=True)
class _Item:
    """One list item of the HTML: where it starts and ends, and the elements open around it."""

    start: int
    end: int
    opened: tuple[tuple[str, str], ...]  # (tag, start tag as written), outermost first


class _Items(HTMLParser):
    """Finds the outermost ``<li>`` elements of an HTML text and the elements around each."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html = html
        self.lines = [0]
        for index, char in enumerate(html):
            if char == "\n":
                self.lines.append(index + 1)
        self.stack: list[tuple[str, str]] = []
        self.items: list[_Item] = []
        self.body = -1  # where the body's content starts
        self.body_tag = -1  # where its start tag starts
        self.start = -1  # the open item's start
        self.broken = False  # an end tag that closes nothing open: not cut, laid out whole

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        """Open an element; remember where an outermost item starts."""
        text = self.get_starttag_text() or ""
        if tag == "body":
            self.body_tag = self._offset()
            self.body = self.body_tag + len(text)
        if tag in _VOID:
            return
        if tag == "li" and all(t != "li" for t, _ in self.stack):
            self.start = self._offset()
            self.opened = tuple(self.stack)
        self.stack.append((tag, text))

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        """Open an element written ``<div/>``: HTML reads such a slash as nothing."""
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        """Close an element; an outermost item ends with its end tag."""
        if not any(t == tag for t, _ in self.stack):
            self.broken = True
            return
        while self.stack.pop()[0] != tag:
            pass
        if tag == "li" and all(t != "li" for t, _ in self.stack):
            end = self.html.index(">", self._offset()) + 1
            self.items.append(_Item(self.start, end, self.opened))


def _cut(html: str, found: _Items, start: int, stop: int, runs: _RunPlan | None = None) -> str:
    """The document of items ``start`` to ``stop``: what the pages hold from the first one's.

    With ``runs``, the one-line items inside its pages are set as runs (_runs).
    """
    items = found.items
    style = _NO_MARGINS
    if start == 0:
        head = html[: items[0].start]
    else:
        # The elements around the first item go on from the page before: like a box
        # broken at a page, they start without their top margin, border and padding.
        head = html[: found.body] + "".join(
            re.sub(r"\s*/?>$", " data-campaign-continued>", text)
            for tag, text in items[start].opened
            if tag not in ("html", "body")
        )
        style += _CONTINUED
    if stop == len(items):
        tail = html[items[-1].end :]
    else:
        tail = "".join(f"</{tag}>" for tag, _ in reversed(items[stop - 1].opened))
    middle = html[items[start].start : items[stop - 1].end]
    if runs is not None:
        middle = _runs(html, found, start, stop, runs)
    text = head + middle + tail
    # Before the body's start tag, where a style sheet goes to the head: the head's end
    # tag may be written otherwise (</HEAD>), or not at all.
    at = found.body_tag
    return f"{text[:at]}<style>{style}</style>{text[at:]}"


@dataclass(frozen=True)
class _RunPlan:
    """Where a part's pages are predicted to start, and how a run of its items is set."""

    bounds: tuple[int, ...]  # page starts: a page holds the items from one to the next
    line: float  # a run's line height (CSS px): an item's line and the gap below it
    half: float  # half the gap: a run stands that much higher than its first item would
    per_char: float  # the model's: an item wider than ``width`` is not set in a run
    width: float
    # The item the model was read from: its start tag and the elements open around it.
    # Only items written exactly so are set in runs: the same rules pick them, and so
    # they are styled as it is (rules that pick by place are not cut: is_long).
    tag: str
    opened: tuple[tuple[str, str], ...]
    x: float  # where a run's border box must start (the modelled item's)
    # ``opened`` is the source as Python's parser reads it, to choose the items before
    # the layout; ``chain`` the elements as WeasyPrint's parser built them, checked
    # after it: the two parsers differ (implied and misnested elements), so both are kept.
    chain: tuple[_Written, ...]  # the elements a run must stand in, and its own (_chain)


# Text an item of a run may hold: words with single spaces between, nothing that breaks
# or collapses otherwise in a text set ``white-space: pre`` than in one set normally.
_RUN_TEXT = re.compile(r"\S+(?: \S+)*")
_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_STYLED = re.compile(r"\sstyle\s*=|/\s*>$", re.IGNORECASE)
_RUNS_AT = 3  # a group's first items, and a list's first children, are never in a run
# White space as HTML has it (a no-break space between two items is text: a line).
_HTML_SPACE = " \t\n\f\r"


def _runs(html: str, found: _Items, start: int, stop: int, plan: _RunPlan) -> str:
    """The text of items ``start`` to ``stop``, the one-line items inside pages set as runs.

    A run is one element for a page's items of plain text, a line a name, each line as
    tall as an item and the gap below it: WeasyPrint lays out a line, not an element and
    its boxes, for each. It stands half a gap higher than its first item would, and
    keeps half a gap below it, so its lines stand where the items' would (lay_part
    checks that each run came out whole on one page, never at its top, its lines the
    items' and as wide as one; else the part is laid out without runs). A page's first
    and last items, a group's first three and last, and an item whose text may wrap or
    holds markup are left as they are: pages break only at items, as the whole's do.
    """
    items = found.items
    inside: set[int] = set()
    for first, after in zip(plan.bounds, plan.bounds[1:], strict=False):
        inside.update(range(first + 1, after - 1))

    def starts_group(n: int) -> bool:
        return n == 0 or (
            items[n].opened != items[n - 1].opened
            or bool(html[items[n - 1].end : items[n].start].strip(_HTML_SPACE))
        )

    def text_of(n: int) -> str | None:
        item = items[n]
        close = html.index(">", item.start) + 1
        tag, inner = html[item.start : close], html[close : item.end - 5]
        if html[item.end - 5 : item.end].lower() != "</li>" or "<" in inner or _STYLED.search(tag):
            return None
        text = unescape(inner)
        if not _RUN_TEXT.fullmatch(text) or _BREAKING.search(text):
            return None
        if len(text) * plan.per_char > plan.width:
            return None  # may wrap: an item of its own
        return inner

    def as_modelled(n: int) -> bool:
        item = items[n]
        return item.opened == plan.opened and html.startswith(plan.tag, item.start)

    style = (
        f"white-space:pre!important;line-height:{plan.line!r}px!important;"
        f"margin-top:{-plan.half!r}px!important;margin-bottom:{plan.half!r}px!important;"
        "padding-left:0!important;text-indent:0!important"
    )
    pieces: list[str] = []
    at = items[start].start
    group = start  # where the item's group starts, in this part
    children = 0  # the elements before it in its list, in this part
    n = start
    while n < stop:
        if n > start and starts_group(n):
            group, children = n, 0
        run: list[str] = []
        m = n
        while (
            m < stop
            and m in inside
            and m - group >= _RUNS_AT
            and children >= _RUNS_AT
            and not (m + 1 >= len(items) or starts_group(m + 1))
            and (m == n or not starts_group(m))
            and as_modelled(m)
            and (text := text_of(m)) is not None
        ):
            run.append(text)
            m += 1
        if len(run) >= 2:
            pieces.append(html[at : items[n].start])
            opening = f'{plan.tag[:-1]} {_RUN_MARK}="{len(run)}" style="{style}">'
            pieces.append(opening + "\n".join(run) + "</li>")
            at = items[m - 1].end
            n = m
        else:
            n += 1
        children += 1
    pieces.append(html[at : items[stop - 1].end])
    return "".join(pieces)


def _furniture(html: str, found: _Items, pages: int) -> str:
    """The document's start up to its first item, then empty pages: ``pages`` in all."""
    first = found.items[0]
    closed = "".join(
        f"</{tag}>" for tag, _ in reversed(first.opened) if tag not in ("html", "body")
    )
    breaks = '<div style="break-before:page"></div>' * (pages - 1)
    return html[: first.start] + closed + breaks + "</body></html>"


@dataclass
class _Page:
    """What a laid-out page shows of the list: each line's text and place, the items it starts."""

    lines: list[tuple[str, float, float]]
    starts: list[int]  # the items (numbered in their part) whose first line is on the page
    opens_item: bool  # its first line is an item's first line


def _pages(document: Any) -> list[_Page]:
    """The pages of a laid-out part, read for cutting and for comparing."""
    from weasyprint.formatting_structure.boxes import LineBox, ParentBox, TextBox

    seen: dict[int, int] = {}  # id of an item's element -> its number in the part
    count = [0]  # items numbered so far: a run (_runs) is as many as its lines
    pages = []

    def walk(box: Any, item: Any, page: _Page) -> None:
        box = getattr(box, "_box", box)  # an absolute box (a list marker) sits in a placeholder
        element = getattr(box, "element", None)
        if (
            item is None
            and element is not None
            and element.tag == "li"
            and not isinstance(box, (LineBox, TextBox))
        ):
            item = element
            if id(element) not in seen:
                seen[id(element)] = count[0]
                names = int(element.get(_RUN_MARK) or 1)
                page.starts.extend(range(count[0], count[0] + names))
                count[0] += names
        if isinstance(box, LineBox) and not page.lines:
            page.opens_item = (
                item is not None and bool(page.starts) and (page.starts[0] == seen[id(item)])
            )
        if isinstance(box, TextBox):
            page.lines.append((box.text, round(box.position_x, 3), round(box.position_y, 3)))
        if isinstance(box, ParentBox):
            for child in box.children:
                walk(child, item, page)

    for laid_out in document.pages:
        page = _Page([], [], False)
        walk(laid_out._page_box, None, page)
        pages.append(page)
    return pages


# A line as the seam between two parts compares it: its text, its place, and its look.
_Line = tuple[str, float, float, str]
_BREAKS = frozenset(("break_before", "break_after", "break_inside", "orphans", "widows", "page"))
# A value written out by its place in memory (a gradient is an object of WeasyPrint's):
# not what it looks like, and the same object in two parts when they share a style sheet
# read once (engine._sheet_cache), another in each when not. Never taken as the same look.
_BY_ADDRESS = re.compile(rb" at 0x[0-9a-fA-F]+>")


def _seam(page: Any) -> list[_Line]:
    """The page's look, then each line of text on it: its text, place, and how it and its item look.

    The look is a digest of every computed style of the text and of the boxes around
    it within its item: a style an item takes from its place among its siblings
    (``li:nth-child(even)``, ``li + li``, ``:first-child``) starts again in each part,
    moves no text, and must still be seen at the seam.
    """
    from weasyprint.css.computed_values import COMPUTER_FUNCTIONS
    from weasyprint.css.properties import INITIAL_NOT_COMPUTED, INITIAL_VALUES
    from weasyprint.formatting_structure.boxes import ParentBox, ReplacedBox, TextBox

    # Every property a box has (logical ones are given to their physical ones) but those
    # that say where pages break: a group's first items keep to its heading, and a
    # part's first item is one of them; where the page breaks is compared by the places.
    computed = COMPUTER_FUNCTIONS
    names = [
        name
        for name in sorted(INITIAL_VALUES)
        if (name not in INITIAL_NOT_COMPUTED or name in computed) and name not in _BREAKS
    ]
    # A look is its style's: boxes sharing one (a run's lines, an item's text) share it.
    # The styles stay alive with the page's boxes, so an id is not taken by another.
    looks: dict[int, str] = {}
    lines: list[_Line] = []

    def look(box: Any) -> str:
        style = box.style
        if (found := looks.get(id(style))) is None:
            said = repr([style[name] for name in names]).encode()
            if _BY_ADDRESS.search(said):
                said += os.urandom(16)  # unlike any other part's: the list is laid out whole
            found = looks[id(style)] = hashlib.sha256(said).hexdigest()[:16]
        return found

    def walk(box: Any, around: tuple[str, ...]) -> None:
        box = getattr(box, "_box", box)  # an absolute box (a list marker) sits in a placeholder
        element = getattr(box, "element", None)
        if around or (element is not None and element.tag == "li"):
            around += (look(box),)
        if isinstance(box, (TextBox, ReplacedBox)):  # a picture is compared as a line is
            place = round(box.position_x, 3), round(box.position_y, 3)
            text = box.text if isinstance(box, TextBox) else "\ufffc"  # (object replacement)
            lines.append((text, *place, "".join(around or (look(box),))))
        if isinstance(box, ParentBox):
            for child in box.children:
                walk(child, around)

    # The page's own look (its size, margins, background) first: a page picked as the
    # first one of a document is each part's first.
    lines.append(("", round(page.width, 3), round(page.height, 3), look(page._page_box)))
    walk(page._page_box, ())
    return lines


@dataclass(frozen=True)
class PartJob:
    """One part of a list, laid out in a worker: its document and where it is to be cut."""

    html: str  # the part's document (_cut)
    base: str
    root: str
    date: str
    first: int  # the list's item the part starts with
    stop: int  # the item past its last
    last: bool  # the part runs to the list's end: all its pages are kept
    # The item the next part is predicted to start with (-1: none predicted). The part
    # is cut there when that item starts a page that is followed by another; else at
    # its last page that starts with an item's first line and is followed by another.
    next: int = -1
    limits: Limits = DEFAULT
    outputs: tuple[str, ...] = ()  # the file it is part of, named in errors
    # The first part only: the model of the page is read from its layout.
    modelled: bool = False
    # With runs (_runs): ``html`` holds them, and this is the part without, laid out
    # instead when they did not come out as its items would.
    plain: str = ""
    runs: _RunPlan | None = None


@dataclass(frozen=True)
class PartDone:
    """A part laid out: its kept pages written, and what joining it to the next needs."""

    pdf: bytes
    marks: list[tuple[list[Any], float]]  # each kept page's bookmarks and height
    first: list[_Line]  # its first page's lines (_seam)
    check: list[_Line]  # the lines of the page where the next part starts
    next: int  # the item the next part must start with (the list's length: none)
    longer: bool = False  # no page to cut at: the part must hold more items
    model: _Model | None = None  # the first part's: the model of the page
    runs: int = 0  # the runs its pages hold (0: laid out without, or none planned)
    # A reopened element came out otherwise than _CONTINUED sets it (a rule of the page
    # outweighing it): the list is to be laid out whole.
    whole: bool = False


def lay_part(job: PartJob) -> PartDone:
    """Lay out a part, cut it, and write its kept pages (in a worker, or here)."""
    with phase("list part"), pdf_layout(_named(job.outputs), job.limits):
        document = layout(job.html, Path(job.base), Path(job.root))
        pages = _pages(document)
        runs = _runs_held(document, pages, job) if job.runs else 0
        if job.runs and not runs:
            with phase("list part without runs"):
                document = layout(job.plain, Path(job.base), Path(job.root))
                pages = _pages(document)
        first = _seam(document.pages[0]) if pages else []
        if pages and (
            (job.first and not _continued_as_set(document.pages[0]))
            # A background of the page's canvas (the root's, or the body's given to it)
            # ends a pixel column otherwise on a part's page stamped on the furniture's.
            or getattr(document.pages[0]._page_box, "canvas_background", None) is not None
        ):
            return PartDone(b"", [], first, [], job.first, False, whole=True)
        model = _model(document) if job.modelled else None
        if job.last:
            keep, check, after = len(pages), [], job.stop
        else:
            # The last page holds only what the part held: the page before it is laid
            # out as the whole list has it, and can be where the next part starts.
            cuts = [n for n in range(1, len(pages) - 1) if pages[n].opens_item and pages[n].starts]
            if not cuts:  # pages longer than the part: a longer part
                return PartDone(b"", [], first, [], job.first, True, model, runs)
            keep = next((n for n in cuts if job.first + pages[n].starts[0] == job.next), cuts[-1])
            check, after = _seam(document.pages[keep]), job.first + pages[keep].starts[0]
        kept = document.copy(document.pages[:keep])
        del document, pages
        marks = [(page.bookmarks, page.height) for page in kept.pages]
        pdf = write(kept, "", job.date)
    return PartDone(pdf, marks, first, check, after, False, model, runs)


@dataclass(frozen=True)
class GapsJob:
    """The small documents whose gaps the first part's model needs (_gap_documents)."""

    documents: tuple[tuple[int, str], ...]
    base: str
    root: str
    limits: Limits = DEFAULT
    outputs: tuple[str, ...] = ()


def measure_gaps(job: GapsJob) -> dict[int, float]:
    """How much lower than the item before it each document's second item stands (-1: unknown)."""
    with phase("list part"), pdf_layout(_named(job.outputs), job.limits):
        return {n: _gap(html, Path(job.base), Path(job.root)) for n, html in job.documents}


def _continued_as_set(page: Any) -> bool:
    """Whether the elements a part reopens came out as _CONTINUED sets them on its first page.

    No top margin, padding or border, no bookmark, nothing shown before their content: a
    rule of the page marked ``!important`` and as specific as an id outweighs those.
    """
    from weasyprint.formatting_structure.boxes import ParentBox

    def held(box: Any) -> bool:
        element = getattr(box, "element", None)
        if element is not None and element.get(_CONTINUED_MARK) is not None:
            if box.element_tag.endswith("::before"):
                return False
            if box.element_tag == element.tag and not (
                box.style["bookmark_level"] == "none"
                and box.margin_top == box.padding_top == box.border_top_width == 0
            ):
                return False
        return not isinstance(box, ParentBox) or all(held(child) for child in box.children)

    return held(page._page_box)


def _run_as_planned(box: Any, plan: _RunPlan) -> bool:
    """Whether a run's box came out with the style it was given, where and as wide as planned.

    A style sheet's ``!important`` rule can outweigh a style attribute; a float beside
    the run moves a line that does not fit beside it below it (where a name would wrap).
    Each line must start at the box's start, right under the one before.
    """
    from weasyprint.formatting_structure.boxes import LineBox
    from weasyprint.text.line_break import strut

    close = math.isclose
    style = box.style
    x = box.content_box_x()
    if not (
        style["white_space"] == "pre"
        and getattr(style["text_indent"], "value", None) == 0
        and close(strut(style)[0], plan.line, abs_tol=1e-9)
        and close(box.margin_top, -plan.half, abs_tol=1e-9)
        and close(box.margin_bottom, plan.half, abs_tol=1e-9)
        and box.padding_left == box.padding_top == box.padding_bottom == 0
        and box.border_top_width == box.border_bottom_width == box.border_left_width == 0
        and close(x, plan.x, abs_tol=1e-6)
        and close(box.width, plan.width, abs_tol=1e-6)
    ):
        return False
    y = box.content_box_y()
    for line in box.children:
        if not (
            isinstance(line, LineBox)
            and close(line.position_x, x, abs_tol=1e-6)
            and close(line.position_y, y, abs_tol=1e-6)
        ):
            return False
        y += line.height
    return True


def _runs_held(document: Any, pages: list[_Page], job: PartJob) -> int:
    """How many runs the part holds, if each came out as its items would (else 0).

    Each run whole on one page and never at its top, a line an item with its text and
    no wider than an item's first line may be (a text that would wrap), its computed
    style and box as planned (_run_as_planned), inside the elements the modelled item
    was (_chain); and the pages starting where predicted, from the first bound to the
    last: between them, pages break at items alone, and an item stands where it would.
    """
    from weasyprint.formatting_structure.boxes import LineBox, ParentBox, TextBox

    plan = job.runs
    assert plan is not None
    placed: dict[int, int] = {}  # a run's element -> the page it is on
    held = True

    def walk(box: Any, number: int, top: list[bool], around: list[Any]) -> None:
        nonlocal held
        box = getattr(box, "_box", box)
        element = getattr(box, "element", None)
        if isinstance(box, LineBox):
            top[0] = False
        if (
            element is not None
            and element.tag == "li"
            and element.get(_RUN_MARK)
            and not isinstance(box, (LineBox, TextBox))
        ):
            if top[0] or id(element) in placed:
                held = False  # at a page's top, or broken across pages
            placed[id(element)] = number
            names = (element.text or "").split("\n")
            lines = _lines(box)
            if (
                len(lines) != len(names)
                or any(
                    "".join(t.text for t in line) != name
                    or sum(t.width for t in line) > plan.width - 1
                    for line, name in zip(lines, names, strict=True)
                )
                or not _run_as_planned(box, plan)
                or _chain(around, box) != plan.chain
            ):
                held = False
            return
        if isinstance(box, ParentBox):
            for child in box.children:
                walk(child, number, top, [*around, box])

    for number, page in enumerate(document.pages):
        walk(page._page_box, number, [True], [])
    opened = {job.first + page.starts[0] for page in pages if page.opens_item and page.starts}
    low, high = plan.bounds[0], plan.bounds[-1]
    if not held or {n for n in opened if low <= n <= high} != {
        n for n in plan.bounds if n < job.stop
    }:
        return 0
    return len(placed)


def _named(outputs: tuple[str, ...]) -> str:
    return output_name(outputs[0]) if outputs else "a list"


@dataclass(frozen=True)
class _Model:
    """The page as the first part laid it out: where items stand, how tall they are."""

    top: float  # where a page's first item starts (CSS px)
    bottom: float  # where its content area ends
    line: float  # the height of an item's line
    border: float  # an item of one line: its border box's height
    gap: float  # below an item: its bottom margin
    width: float  # the width an item's first line has
    rest: float  # the width its other lines have
    per_char: float  # the widest a character came out, on average over an item's line
    # A run's line height and half the gap (CSS px), when items may be set as runs (_runs).
    run: tuple[float, float] | None = None
    item: int = -1  # the item read (numbered in the part): runs are of items written as it is
    x: float = 0.0  # where its border box starts: a run's must start there too
    chain: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # _chain: a run's must be it


def _model(document: Any) -> _Model | None:
    """The model of the page read from a laid-out part, or None when it has too little.

    Read from the first page with two items of one line one after the other, or a later
    one whose such item may be set in runs where that page's may not (its names all in
    <bdi>, say): the page's measures are the same, and the runs only then possible.
    """
    first: _Model | None = None
    for page in document.pages[1:-1]:  # a page that neither opens nor ends the list
        box = page._page_box
        items = [item for item, _ in _item_boxes(document, page)]
        lines = [_lines(item) for item in items]
        # An item of one line and the next, with nothing between them (a group's end
        # and the next group's start hold more than an item's gap): the first such
        # whose item may be set in runs, else the first (a name in <bdi>, say, may not
        # be, and the page's names after it still may).
        pairs = [
            n
            for n in range(len(items) - 1)
            if len(lines[n]) == 1 and _adjacent(box, items[n], items[n + 1])
        ]
        if not pairs:
            continue
        runs = (
            (n, _run_geometry(items[n], lines[n], _gap_after(items, n)))
            for n in pairs
            if _in_flow(box, items[n])
        )
        pair, run = next(((n, run) for n, run in runs if run is not None), (pairs[0], None))
        one = items[pair]
        gap = _gap_after(items, pair)
        widths = [
            (sum(t.width for t in found[0]), len("".join(t.text for t in found[0])))
            for found in lines
            if len(found) == 1
        ]
        model = _Model(
            top=box.content_box_y(),
            bottom=box.content_box_y() + box.height,
            line=one.height,
            border=one.border_height(),
            gap=gap,
            width=one.width + one.padding_left,
            rest=one.width,
            per_char=max(w / n for w, n in widths if n) if widths else 0.0,
            run=run,
            item=_numbered(document).get(id(one.element), -1),
            x=one.border_box_x(),
            chain=_chain(_path(box, one) or [], one),
        )
        if model.run is not None:
            return model if first is None else replace(first, **_run_fields(model))
        first = first or model
    return first


def _run_fields(model: _Model) -> dict[str, Any]:
    """What a model says of runs: the item they are modelled on, and its geometry."""
    return {"run": model.run, "item": model.item, "x": model.x, "chain": model.chain}


def _gap_after(items: list[Any], n: int) -> float:
    """The room between item ``n``'s border box and the next one's."""
    one, two = items[n], items[n + 1]
    return float(two.border_box_y() - one.border_box_y() - one.border_height())


def _numbered(document: Any) -> dict[int, int]:
    """Each outermost list item's element (its id) and its number in the document."""
    numbers: dict[int, int] = {}
    for box, _ in _item_boxes(document):
        numbers.setdefault(id(box.element), len(numbers))
    return numbers


def _path(root: Any, target: Any) -> list[Any] | None:
    """The boxes from ``root`` down to ``target``'s parent (None: not under ``root``)."""
    from weasyprint.formatting_structure.boxes import ParentBox

    if root is target:
        return []
    if isinstance(root, ParentBox):
        for child in root.children:
            if (found := _path(child, target)) is not None:
                return [root, *found]
    return None


def _adjacent(page: Any, one: Any, two: Any) -> bool:
    """Whether box ``two`` comes right after ``one`` among its parent's children."""
    around = _path(page, one)
    if not around:
        return False
    children = around[-1].children
    at = next(n for n, child in enumerate(children) if child is one)
    return at + 1 < len(children) and children[at + 1] is two


# What an element is as a style sheet reads it: its tag and its attributes, the marks a
# part adds to its elements left out.
_Written = tuple[str, tuple[tuple[str, str], ...]]
_MARKS = frozenset((_CONTINUED_MARK, _RUN_MARK, "style"))


def _chain(around: list[Any], box: Any) -> tuple[_Written, ...]:
    """The elements ``box`` stands in (from its path's boxes) and its own, as written."""
    chain: list[_Written] = []
    elements: list[Any] = []
    for outer in [*around, box]:
        element = getattr(outer, "element", None)
        if element is not None and (not elements or elements[-1] is not element):
            elements.append(element)
    for element in elements:
        marks = _MARKS if element is box.element else _MARKS - {"style"}
        attributes = tuple(sorted((k, v) for k, v in element.attrib.items() if k not in marks))
        chain.append((str(element.tag), attributes))
    return tuple(chain)


def _in_flow(page: Any, item: Any) -> bool:
    """Whether ``item`` stands in blocks one under another on ``page``: no columns, flex or grid."""
    around = _path(page, item) or []
    return bool(around) and all(
        box.style["column_count"] == "auto"
        and box.style["column_width"] == "auto"
        and box.style["display"][:2] in (("block", "flow"), ("block", "flow-root"))
        for box in around[1:]  # (the page's own box first)
    )


def _run_geometry(box: Any, lines: list[list[Any]], gap: float) -> tuple[float, float] | None:
    """A run's line height and half the gap, when an item like ``box`` may be set in runs.

    A run (_runs) is one element for many one-line items: its lines stand where theirs
    would (each line the item's line and the gap below it, the run raised by half a
    gap) only when nothing is drawn for an item's box itself (no marker, background,
    border, shadow or outline; no padding but the hanging indent's, no top margin, a
    bottom margin), its text is its element's text alone, set left to right from the
    line's start, and its line height is a length, not the font's.
    """
    from weasyprint.css.functions import check_math
    from weasyprint.formatting_structure.boxes import LineBox, TextBox
    from weasyprint.text.line_break import strut

    style = box.style
    element = box.element
    text = "".join(t.text for t in lines[0]) if len(lines) == 1 else None
    # Its line holds its own text and nothing else: no box of a ::before, ::after or
    # ::marker (one that shows no text, a picture or a padding, is seen here alone).
    own = all(isinstance(line, LineBox) for line in box.children) and all(
        type(child) is TextBox and child.element_tag == box.element_tag
        for line in box.children
        for child in line.children
    )
    marker = "list-item" in style["display"] and (
        style["list_style_type"] != "none" or style["list_style_image"][0] != "none"
    )
    plain = (
        gap > 0
        and not marker
        and own
        and style["bookmark_level"] == "none"
        and style["display"][:2] == ("block", "flow")
        and text is not None
        and len(element) == 0
        and text == (element.text or "")
        and style["direction"] == "ltr"
        and style["text_align_all"] in ("start", "left")
        and style["text_align_last"] in ("auto", "start", "left")
        and style["white_space"] == "normal"
        and style["line_height"] != "normal"
        and not check_math(style["line_height"])
        and box.margin_top == 0
        and box.padding_top == box.padding_bottom == box.padding_right == 0
        and box.border_top_width == box.border_bottom_width == 0
        and box.border_left_width == box.border_right_width == 0
        and box.background is None
        and not style["box_shadow"]
        and (style["outline_style"] == "none" or style["outline_width"] == 0)
        and style["float"] == "none"
        and style["position"] == "static"
        and not style["transform"]
        and style["width"] == "auto"
        and style["margin_left"] != "auto"
        and style["margin_right"] != "auto"
        and (style["min_width"] == "auto" or getattr(style["min_width"], "value", None) == 0)
        and getattr(style["max_width"], "value", None) == math.inf
        and style["overflow"] == "visible"
        and style["height"] == "auto"
        and getattr(style["max_height"], "value", None) == math.inf
        and (style["min_height"] == "auto" or getattr(style["min_height"], "value", None) == 0)
        and style["column_count"] == "auto"
        and style["column_width"] == "auto"
        and style["text_indent"].unit == "px"
        and abs(style["text_indent"].value + box.padding_left) < 1e-9
    )
    if not plain:
        return None
    return strut(style)[0] + gap, gap / 2


def _item_boxes(document: Any, only: Any = None) -> list[tuple[Any, int]]:
    """The boxes of the outermost list items laid out (on page ``only``, else all), with pages."""
    from weasyprint.formatting_structure.boxes import LineBox, ParentBox, TextBox

    found: list[tuple[Any, int]] = []

    def walk(box: Any, number: int) -> None:
        box = getattr(box, "_box", box)
        element = getattr(box, "element", None)
        if element is not None and element.tag == "li" and not isinstance(box, (LineBox, TextBox)):
            found.append((box, number))
            return
        if isinstance(box, ParentBox):
            for child in box.children:
                walk(child, number)

    for number, page in enumerate(document.pages):
        if only is None or page is only:
            walk(page._page_box, number)
    return found


def _lines(box: Any) -> list[list[Any]]:
    """The text boxes of each line of an item's box."""
    from weasyprint.formatting_structure.boxes import LineBox, ParentBox, TextBox

    found: list[list[Any]] = []

    def walk(child: Any) -> None:
        if isinstance(child, LineBox):
            found.append([])
        if isinstance(child, TextBox) and found:
            found[-1].append(child)
        if isinstance(child, ParentBox):
            for grandchild in child.children:
                walk(grandchild)

    walk(box)
    return found


_TAG = re.compile(r"<[^>]*>")


class _Prediction(NamedTuple):
    """The pages predicted from an item on."""

    starts: list[int]  # the items that start pages with their first line, the first first
    pages: int  # how many pages (some start with a group's heading: no item starts them)


def _predict(
    model: _Model, html: str, found: _Items, start: int, gaps: dict[int, float]
) -> _Prediction:
    """The items predicted to start pages with their first line, from ``start`` on.

    ``start`` starts a page. Items stack down the page at their measured heights, their
    lines counted from their text's length; one whose border box would cross the
    content area's end starts the next page. An item after other content (a group's
    heading) stands ``gaps[item]`` lower, and the heading keeps to the group's first
    three items: when one of them does not fit, the heading starts the next page.
    """
    items = found.items
    groups = sorted(gaps)
    starts, y, page, n, pages = [start], model.top, start, start, 1
    while n < len(items):
        item = items[n]
        lines = 1
        if model.per_char:
            text = " ".join(_TAG.sub("", unescape(html[item.start : item.end])).split())
            if (wide := len(text) * model.per_char) > model.width:
                lines += math.ceil((wide - model.width) / max(model.rest, 1.0))
        height = model.border + (lines - 1) * model.line
        extra = gaps.get(n, 0.0)
        if y + extra + height > model.bottom and n > page:
            group = groups[bisect.bisect_right(groups, n) - 1] if groups else -1
            if page < group <= n < group + 3:
                n = page = group  # the page starts with the group's heading: no cut there
            else:
                starts.append(n)
                page = n
            y, pages = model.top, pages + 1
            continue
        y += extra + height + model.gap
        n += 1
    return _Prediction(starts, pages)


def _gap_documents(html: str, found: _Items, start: int) -> tuple[tuple[int, str], ...]:
    """Small documents of each item after other content (a heading) and the item before it.

    A few: the gaps of the others are taken as the first one's (a prediction; the cuts
    are verified).
    """
    items, documents = found.items, list[tuple[int, str]]()
    for n in range(start + 1, len(items)):
        before, item = items[n - 1], items[n]
        if item.opened == before.opened and not html[before.end : item.start].strip(_HTML_SPACE):
            continue
        documents.append(
            (n, _cut(html, found, n - 1, n + 1) if len(documents) < GAPS_MEASURED else "")
        )
    return tuple(documents)


def _gap(html: str, base: Path, root: Path) -> float:
    """How much lower than the item before it the second item of ``html`` stands (-1: unknown)."""
    if not html:
        return -1.0
    document = layout(html, base, root)
    boxes = [box for box, _ in _item_boxes(document)]
    if len(boxes) != 2 or len(document.pages) != 1:
        return 0.0
    one, two = boxes
    return float(two.border_box_y() - one.border_box_y() - one.border_height())


GAPS_MEASURED = 8  # other content between items, measured at most this many times


def is_long(html: str, variant: str = "") -> bool:
    """Whether ``html`` may be a list to cut into parts (``paged_list`` reads it to know)."""
    # The variant passed on, given or not: a cache keys ``f(html)`` and ``f(html, "")``
    # apart, and the second asking read the list's text again.
    return _is_long(html, variant)


# A build asks of one list three times (the pool's size, the job, paged_list), and the
# scans of a 10,000-name list's text take about 0.1 s.
@functools.lru_cache(maxsize=4)
def _is_long(html: str, variant: str) -> bool:
    return not (
        variant
        or html.count("<li") < LONG
        or _FITTED.search(html)
        or STATEFUL.search(read := as_read(html))
        or SIDED.search(read)
        or _LINKED.search(read)
        or "data-campaign-" in read.lower()  # the parts' own marks, named by the page itself
        or _ONE_GLYPH_TWO_LETTERS.search(read)
        or by_place(html, first_few=True)
    )


# Capitals and small letters drawn with one glyph: the PDF says which letter a glyph is by
# its first use in the file written, so a part's text would read otherwise than the
# whole's ("PAge" against "Page"), its pixels the same.
_ONE_GLYPH_TWO_LETTERS = re.compile(
    r"all-small-caps|all-petite-caps|unicase|[\"']c2(?:sc|pc)[\"']", re.IGNORECASE
)


# A body's start tag, as the parser reads one (its name in any case).
_BODY = re.compile(r"<body[\s/>]", re.IGNORECASE)


# Selectors that pick an element by its place among its siblings. (Asked of the text
# read ahead and of the whole, with the same first item: 0.02 s at 10,000 names.)
@functools.lru_cache(maxsize=2)
def _may_run(html: str, start: int) -> bool:
    """Whether an element from ``start`` on may be set ``position: running()``.

    A running element shows in the margins from the page it stands on, and the
    furniture is laid out from the list's start alone. Each rule that sets one must
    name, in its subject, a class or id that nothing from ``start`` on holds.
    """
    import tinycss2

    after = html[start:]
    if "running(" in as_read(after).lower():  # a style attribute, or a style sheet, among the items
        return True
    for sheet in STYLE.findall(html[:start]):
        for rule in tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True):
            if rule.type not in ("qualified-rule", "at-rule") or not rule.content:
                continue
            if "running(" not in tinycss2.serialize(rule.content).lower():
                continue
            if rule.type == "at-rule":  # rules nested in @media and the like: not read here
                return True
            for subject in _subjects(rule.prelude):
                if all(_holds(after, name) for name in subject):  # none: any element
                    return True
    return False


def _holds(text: str, name: str) -> bool:
    """Whether ``text`` holds ``name`` as a word of a class or id (or anywhere else)."""
    return re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text) is not None


def _subjects(prelude: list[Any]) -> list[list[str]]:
    """The class and id names of each selector's subject (its last compound) in ``prelude``."""
    subjects = []
    for tokens in selectors_of(prelude):
        while tokens and tokens[-1].type == "whitespace":
            tokens.pop()
        names: list[str] = []
        for n, token in enumerate(tokens):
            if token.type == "whitespace" or (token.type == "literal" and token.value in "+>~"):
                names = []  # a combinator: the subject comes after it
            elif (token.type == "hash" and token.is_identifier) or (
                token.type == "ident" and n and getattr(tokens[n - 1], "value", "") == "."
            ):  # an id, or a class
                names.append(token.value)
        subjects.append(names)
    return subjects


def paged_list(
    html: str,
    base: Path,
    root: Path,
    variant: str = "",
    date: str = "",
    pool: Workers | None = None,
    limits: Limits = DEFAULT,
    output: str = "",
) -> bytes | None:
    """The PDF of a long list laid out in parts, or None when it is to be laid out whole.

    Whole: a short list, a PDF/A or tagged PDF (one structure from one layout), styles
    that carry state from page to page, HTML not cut cleanly at its items, or parts
    that do not join exactly. The parts are laid out at once on ``pool`` (None: one
    after the other, here).
    """
    if not is_long(html, variant):
        return None
    ahead = _probe_ahead(html, pool, base, root, date, limits, output)
    found = _Items(html)
    found.feed(html)
    found.close()
    if len(found.items) < LONG or not _cuttable(html, found):
        return None  # (a first part handed out ahead is not read: the whole tells its errors)
    return _in_parts(html, found, pool or _InProcess(), base, root, date, limits, output, ahead)


def _cuttable(html: str, found: _Items) -> bool:
    """Whether the items ``found`` in ``html`` (some at least) can be cut into parts."""
    return not (
        found.broken
        or not found.items
        or not 0 <= found.body <= found.items[0].start  # the parts' heads are cut there
        # A style sheet in the body: a part holds no more of it than its items.
        or any(sheet.start() >= found.body for sheet in STYLE.finditer(html))
        or _may_run(html, found.items[0].start)
    )


def _probe_ahead(
    html: str,
    pool: Workers | None,
    base: Path,
    root: Path,
    date: str,
    limits: Limits,
    output: str,
) -> tuple[PartJob, Pending] | None:
    """The first part handed to a worker before the list's whole text is read (None: not).

    Its items are found in the text up to a few items past it; the whole text is read
    while it is laid out (a tenth of a second at 10,000 names, the worker idle
    before), and _in_parts takes its layout only for a document that is exactly the
    first part's job as made from the whole. Laid out here, one job after the other,
    nothing is gained by it. What can be told from the text read so far is checked as
    paged_list checks the whole (_cuttable, and a single body tag); a list found past
    it not to be cut (an end tag that closes nothing, fewer items than ``<li`` tags)
    had its first part laid out for nothing, and its outcome is not read: the list is
    laid out whole, which tells its own errors.
    """
    if pool is None or isinstance(pool, _InProcess):
        return None
    end = -1
    for _ in range(PROBE + 2):  # a part's tail is cut after its last item: one more
        end = html.find("</li>", end + 1)
        if end < 0:
            return None
    start = _Items(html[: end + 5])
    start.feed(start.html)
    if len(start.items) <= PROBE or len(_BODY.findall(html)) != 1 or not _cuttable(html, start):
        return None
    outputs = (output,) if output else ()
    probe = _cut(html, start, 0, PROBE)
    job = PartJob(probe, str(base), str(root), date, 0, PROBE, False, -1, limits, outputs, True)
    return job, pool.submit(lay_part, job)


def _in_parts(
    html: str,
    found: _Items,
    pool: Workers,
    base: Path,
    root: Path,
    date: str,
    limits: Limits,
    output: str,
    ahead: tuple[PartJob, Pending] | None = None,
) -> bytes | None:
    """Lay out the parts, at once where the cuts are predicted; then join them.

    The first part is laid out first (handed out ahead, if ``ahead`` is its job), its
    gaps measured beside it, and the model of the page read from it predicts where the
    others start. Each part is then laid out a page past its predicted end,
    and taken in order: its first page must come out as the part before laid out that
    page, and that part must have had its cut where predicted. Where it had not (a
    misprediction), the parts from there on are laid out again from the true cut,
    with the cuts predicted anew. Everything is laid out on ``pool``: this only hands
    out and checks.
    """
    count = len(found.items)
    window = 1 if isinstance(pool, _InProcess) else 2 * default_jobs() + 1
    outputs = (output,) if output else ()

    model: _Model | None = None
    starts: list[int] = []  # the pages' starts the parts were planned over (_predict)
    style_picked = bool(_STYLE_PICKED.search(as_read(html)))  # no runs: see _STYLE_PICKED

    def job(first: int, stop: int, after: int, modelled: bool = False) -> PartJob:
        plain = _cut(html, found, first, stop)
        runs = None if style_picked else _run_plan(model, starts, first, stop, after, html, found)
        return PartJob(
            _cut(html, found, first, stop, runs) if runs else plain, str(base), str(root),
            date, first, stop, stop == count, after, limits, outputs, modelled,
            plain if runs else "", runs,
        )  # fmt: skip

    probe = job(0, min(count, PROBE), -1, modelled=True)
    laying = ahead[1] if ahead is not None and ahead[0] == probe else None
    if laying is None:  # none handed out ahead, or not of this document
        laying = pool.submit(lay_part, probe)
    # The gaps are measured beside the first part, on the other worker.
    documents = _gap_documents(html, found, 0)
    job_gaps = GapsJob(documents, str(base), str(root), limits, outputs)
    measuring = pool.submit(measure_gaps, job_gaps) if documents else None
    done = laying.result()
    if done.whole:
        # Laid out whole: as when the first part's job measured the gaps after this,
        # any error of theirs is the whole's to tell.
        return None
    found_gaps: dict[int, float] = measuring.result() if measuring is not None else {}
    model = done.model
    measured = [gap for gap in found_gaps.values() if gap >= 0]
    gaps = {n: gap if gap >= 0 else measured[0] for n, gap in found_gaps.items() if measured}
    written: list[bytes] = []
    marks: list[tuple[list[Any], float]] = []
    check: list[_Line] | None = None
    size = PART
    pending: deque[tuple[int, Pending]] = deque()  # (the part's first item, its layout)
    planned: deque[tuple[int, int, int]] = deque()  # parts not handed out yet
    # The pages' furniture needs only their number: it is laid out on a worker while
    # the parts are, for the number predicted, and used when the parts come to it.
    # Laid out here, one job after the other, nothing is gained by foreseeing it.
    furniture: tuple[int, Pending] | None = None  # (the pages it is for, its layout)
    predicted, foresee = 0, not isinstance(pool, _InProcess)

    def furnish(pages: int) -> tuple[int, Pending]:
        furnishing = _furniture(html, found, pages)
        job = FurnitureJob(furnishing, str(base), str(root), date, pages, limits, outputs)
        return pages, pool.submit(lay_furniture, job)

    while True:
        if done.longer:  # pages longer than the part: that part again, longer
            size *= 2
            pending.clear()
            stop = min(count, done.next + size)
            done = pool.submit(lay_part, job(done.next, stop, -1)).result()
            continue
        if done.whole or (check is not None and done.first != check):
            return None  # the cut page did not come out as it did in the part before
        written.append(done.pdf)
        marks += done.marks
        start, check = done.next, done.check
        if start >= count:
            break
        if not pending or pending[0][0] != start:
            # Nothing handed out starts there (a cut mispredicted): what was handed out
            # is not read, and the parts from here are predicted anew.
            pending.clear()
            if model:
                starts, pages = _predict(model, html, found, start, gaps)
                planned = deque(_plan(starts, count, size))
                predicted = len(marks) + pages if foresee else 0
            else:  # one at a time, a page past its part, each cut where it can be
                planned = deque([(start, min(count, start + size), -1)])
        while planned and len(pending) < window:
            first, stop, after = planned.popleft()
            pending.append((first, pool.submit(lay_part, job(first, stop, after))))
        if predicted and (furniture is None or furniture[0] != predicted):
            furniture = furnish(predicted)
        done = pending.popleft()[1].result()
    if furniture is None or furniture[0] != len(marks):
        furniture = furnish(len(marks))  # the number of pages was not foreseen
    laid: bytes | None = furniture[1].result()
    if laid is None:
        return None  # the start of the list took more than its page: laid out whole
    result: bytes | None = pool.submit(join_parts, JoinJob(laid, marks, written)).result()
    return result


def _run_plan(
    model: _Model | None,
    starts: list[int],
    first: int,
    stop: int,
    after: int,
    html: str,
    found: _Items,
) -> _RunPlan | None:
    """How a part's items may be set in runs: the pages predicted past its first (None: not)."""
    count = len(found.items)
    if model is None or model.run is None or (after < 0 and stop != count):
        return None
    if not 0 <= model.item < count:
        return None
    end = after if after >= 0 else count
    bounds = [n for n in starts if first < n <= end] + ([count] if after < 0 else [])
    if len(bounds) < 2:
        return None
    item = found.items[model.item]
    tag = html[item.start : html.index(">", item.start) + 1]
    return _RunPlan(
        tuple(bounds), *model.run, model.per_char, model.width, tag, item.opened, model.x,
        model.chain,
    )  # fmt: skip


# A rule picking elements by their style attribute: a run has one, its items none.
_STYLE_PICKED = re.compile(r"\[\s*style\s*[\]~|^$*=]", re.IGNORECASE)


def _plan(starts: list[int], count: int, size: int) -> list[tuple[int, int, int]]:
    """Parts over the predicted page starts: (first item, item past its last, next part's).

    Each part holds about ``size`` items and runs a page and a few items past the
    start of the next, so that the page there is followed by another.
    """
    parts = []
    first = starts[0]
    while True:
        j = bisect.bisect_left(starts, first + size)
        if j + 1 >= len(starts) or count - starts[j] < size // 2:
            parts.append((first, count, -1))
            return parts
        stop = min(count, starts[j + 1] + PAGE_AHEAD)
        if stop >= count:
            parts.append((first, count, -1))
            return parts
        parts.append((first, stop, starts[j]))
        first = starts[j]


PROBE = 200  # items of the first part, laid out before the others to model the page
PAGE_AHEAD = 4  # items a part holds past the page after its cut


@dataclass(frozen=True)
class FurnitureJob:
    """The pages' furniture of a list (running title, "Page N of M"), to be laid out."""

    html: str  # its document (_furniture)
    base: str
    root: str
    date: str
    pages: int  # the list's pages: the furniture must come out as many
    limits: Limits = DEFAULT
    outputs: tuple[str, ...] = ()


def lay_furniture(job: FurnitureJob) -> bytes | None:
    """The furniture's pages, written with nothing but their margin boxes (None: not as many)."""
    from weasyprint.formatting_structure.boxes import MarginBox

    with phase("list furniture"), pdf_layout(_named(job.outputs), job.limits):
        furniture = layout(job.html, Path(job.base), Path(job.root))
        if len(furniture.pages) != job.pages:
            return None
        for page in furniture.pages:
            box = page._page_box
            box.children = [child for child in box.children if isinstance(child, MarginBox)]
            # The outline is the parts' (join_parts); the list start's headings are theirs.
            page.bookmarks, page.links, page.anchors = [], [], {}
        return write(furniture, "", job.date)


@dataclass(frozen=True)
class JoinJob:
    """The parts' pages of a list, to be joined with the furniture stamped on them."""

    furniture: bytes  # its pages, written (lay_furniture)
    marks: list[tuple[list[Any], float]]  # each page's bookmarks and height
    written: list[bytes]  # the parts' kept pages, in order


def join_parts(job: JoinJob) -> bytes:
    """The parts' pages with the furniture stamped on them, and their outline: one document."""
    import pikepdf

    from campaign.pdf.joining import stamp
    from campaign.pdf.variants import save

    with phase("list join"):
        out = pikepdf.open(io.BytesIO(job.furniture))
        index = 0
        for part in job.written:
            with pikepdf.open(io.BytesIO(part)) as laid_out:
                for page in laid_out.pages:
                    stamp(out.pages[index], page, index)
                    index += 1
        _outline(out, job.marks)
        return save(out, "", str(out.pdf_version))


def _outline(out: Any, marks: list[tuple[list[Any], float]]) -> None:
    """Give ``out`` the outline of pages with these bookmarks, as WeasyPrint writes one.

    WeasyPrint's own code makes the tree and its PDF objects, in a document of no pages
    whose destinations name pages by number; these are copied into ``out`` and each
    number is replaced by ``out``'s page.
    """
    import pikepdf
    import pydyf
    from weasyprint.document import Document
    from weasyprint.pdf.anchors import add_outlines

    pages = [_Marked(bookmarks, height) for bookmarks, height in marks]
    # 0.75: PDF points per CSS pixel, as WeasyPrint's writer scales at zoom 1.
    tree = Document.make_bookmark_tree(_Pages(pages), 0.75, transform_pages=True)
    if not tree:
        return

    class Numbered(pydyf.PDF):  # type: ignore[misc]
        """WeasyPrint's PDF, its pages named by their numbers."""

        page_references = tuple(str(n).encode() for n in range(len(pages)))

    numbered = Numbered()
    add_outlines(numbered, tree)
    written = io.BytesIO()
    numbered.write(written)
    with pikepdf.open(written) as scratch:
        out.Root.Outlines = out.copy_foreign(scratch.Root.Outlines)

    def place(item: Any) -> None:
        while item is not None:
            item.Dest[0] = out.pages[int(item.Dest[0])].obj
            place(item.get("/First"))
            item = item.get("/Next")

    place(out.Root.Outlines.get("/First"))


@dataclass
class _Marked:
    """A page as WeasyPrint's outline maker reads it: its bookmarks and height."""

    bookmarks: list[Any]
    height: float


@dataclass
class _Pages:
    """A document as WeasyPrint's outline maker reads it: its pages."""

    pages: list[_Marked]
