"""A long list (signatories.pdf) laid out in parts of a few thousand items, pages as one.

WeasyPrint holds every page of a document until it writes it, so a list of 20,000
names held 470 MB. Here the list is cut into parts at page starts: each part is a
document of its own holding the page's open elements, its items and nothing else,
written before the next is laid out, so memory stays that of one part. The pages'
furniture (running title, "Page N of M") is laid out once the number of pages is
known, as a document of empty pages, and stamped on the parts' pages.

The cuts are not guessed: each part is laid out a page past its cut, and the next
part's first page must come out exactly as that page did (every line's text and
place), else the list is laid out whole, as before.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from campaign.pdf.engine import layout, write

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
_CONTINUED = (
    "body,[data-campaign-continued]"
    "{margin-top:0!important;padding-top:0!important;border-top-width:0!important}"
)
# A page with boxes made to fit (a letter's window) is laid out whole: fitting reads them.
_FITTED = re.compile(r' data-fit|class="[^"]*\bwindow\b')
# Styles whose state runs from page to page (a named string, a counter other than the
# page's) would start again in each part, and style sheets not in the page cannot be
# read for them: such a list is laid out whole.
_STATEFUL = re.compile(
    r"string-set|counter-(?:reset|increment|set)|counters?\((?!\s*pages?\s*\))"
    r"|@import|<link\b[^>]*stylesheet",
    re.IGNORECASE,
)


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
        self.start = -1  # the open item's start
        self.broken = False  # an end tag that closes nothing open: not cut, laid out whole

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        """Open an element; remember where an outermost item starts."""
        text = self.get_starttag_text() or ""
        if tag == "body":
            self.body = self._offset() + len(text)
        if tag in _VOID:
            return
        if tag == "li" and all(t != "li" for t, _ in self.stack):
            self.start = self._offset()
            self.opened = tuple(self.stack)
        self.stack.append((tag, text))

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


def _cut(html: str, found: _Items, start: int, stop: int) -> str:
    """The document of items ``start`` to ``stop``: what the pages hold from the first one's."""
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
    text = head + html[items[start].start : items[stop - 1].end] + tail
    return text.replace("</head>", f"<style>{style}</style></head>", 1)


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
                seen[id(element)] = len(seen)
                page.starts.append(seen[id(element)])
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


class _Writer:
    """Writes each part as soon as it is laid out, so only one part's pages are held.

    Not in a forked process beside the layout: the build's main process runs the
    print.pdf thread, and a process forked beside a thread can inherit a lock that
    thread held; a fork also outlived a killed worker. Measured side by side, forking
    saved no CPU and held more memory.
    """

    def __init__(self, variant: str, date: str) -> None:
        self.variant, self.date = variant, date
        self.written: list[bytes] = []

    def add(self, document: Any) -> None:
        """Write ``document`` (the part's pages)."""
        self.written.append(write(document, self.variant, self.date))


def paged_list(
    html: str, base: Path, root: Path, variant: str = "", date: str = ""
) -> bytes | None:
    """The PDF of a long list laid out in parts, or None when it is to be laid out whole.

    Whole: a short list, a PDF/A or tagged PDF (one structure from one layout), styles
    that carry state from page to page, HTML not cut cleanly at its items, or parts
    that do not join exactly.
    """
    if variant or html.count("<li") < LONG or _FITTED.search(html) or _STATEFUL.search(html):
        return None
    found = _Items(html)
    found.feed(html)
    found.close()
    if found.broken or found.body < 0 or len(found.items) < LONG:
        return None
    return _in_parts(html, found, _Writer(variant, date), base, root, date)


def _in_parts(
    html: str, found: _Items, writer: _Writer, base: Path, root: Path, date: str
) -> bytes | None:
    """Lay out the parts one after the other, each given to ``writer``; then join them."""
    count = len(found.items)
    marks: list[list[Any]] = []  # each page's bookmarks
    start, size, check = 0, PART, None
    while start < count:
        stop = min(count, start + size)
        document = layout(_cut(html, found, start, stop), base, root)
        pages = _pages(document)
        if check is not None and (not pages or pages[0].lines != check.lines):
            return None  # the cut page did not come out as it did in the part before
        if stop == count:
            keep, start = len(pages), count
        else:
            # The last page holds only what the part held: the page before it is laid out
            # as the whole list has it, and is where the next part starts.
            cut = len(pages) - 2
            while cut > 0 and not (pages[cut].opens_item and pages[cut].starts):
                cut -= 1
            if cut <= 0:  # pages longer than the part: a longer part
                size *= 2
                continue
            keep, check = cut, pages[cut]
            start += pages[cut].starts[0]
        kept = document.copy(document.pages[:keep])
        marks += [page.bookmarks for page in kept.pages]
        writer.add(kept)
        del document, kept
    return _joined(html, found, marks, writer, base, root, date)


def _joined(
    html: str,
    found: _Items,
    marks: list[list[Any]],
    writer: _Writer,
    base: Path,
    root: Path,
    date: str,
) -> bytes | None:
    """The parts' pages with the furniture stamped on them, one document."""
    import pikepdf
    from weasyprint.formatting_structure.boxes import MarginBox

    from campaign.pdf.joining import stamp
    from campaign.pdf.variants import save

    furniture = layout(_furniture(html, found, len(marks)), base, root)
    if len(furniture.pages) != len(marks):
        return None  # the start of the list took more than its page: laid out whole
    for page, bookmarks in zip(furniture.pages, marks, strict=True):
        box = page._page_box
        box.children = [child for child in box.children if isinstance(child, MarginBox)]
        page.bookmarks = bookmarks  # the outline is the list's, as one document has it
        page.links, page.anchors = [], {}
    out = pikepdf.open(io.BytesIO(write(furniture, "", date)))
    index = 0
    for part in writer.written:
        with pikepdf.open(io.BytesIO(part)) as laid_out:
            for page in laid_out.pages:
                stamp(out.pages[index], page, index)
                index += 1
    return save(out, "", str(out.pdf_version))
