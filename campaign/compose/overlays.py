"""Overlays that lay out only what varies: each addressee's marked parts, placed as on the master.

The overlay layer of a letter is its page 1 with everything but the ``<!--vary-->`` parts
hidden; laying out hidden boxes still costs their layout. Here each page of a batch
keeps the elements around the parts (so every part inherits, and matches every
selector, as it does in the letter) but takes every other element out of the layout,
and each part is placed absolutely where the master's layout put it, at its width.
The worker compares where each part then stands with the master (campaign.pdf.workers),
so a part that would lay out otherwise in place is laid out whole, never stamped wrong.

A page costs its layout whatever it holds (its page box, its margin boxes), so the
sheets of a batch stand one under the other, ``STACK`` to a tall page, when the
master's pages are alike in size; the worker cuts each sheet out as a page of its
own before anything is measured or drawn (campaign.pdf.engine.split_sheets).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, NamedTuple

from campaign.compose import scanning

OPEN, CLOSE = "vary", "/vary"  # the comments <!--vary--> and <!--/vary-->
HIDE = "data-vary-hide"  # an element that holds no part: out of the overlay's layout
PART = "data-vary-part"  # the part's number on the page, in the order of the page's HTML
SHEET = "data-vary-sheet"  # one page of an addressee's parts
END = "data-vary-end"  # the last sheet of a tall page
STACK = 20  # sheets to a tall page (the master's pages alike in size)
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
_VOID |= {"track", "wbr", "param"}
# The margin boxes of a page: none of them shows on an overlay.
_MARGIN_BOXES = [
    f"{edge}-{where}"
    for edge in ("top", "bottom")
    for where in ("left-corner", "left", "center", "right", "right-corner")
] + [f"{edge}-{where}" for edge in ("left", "right") for where in ("top", "middle", "bottom")]


# CSS counters other than the page's: what they count (headings, paragraphs) an overlay
# leaves out of its layout, so a part that shows one would show another number.
_COUNTERS = re.compile(r"counter-(increment|reset|set)|counters?\(\s*(?!pages?\s*[,)])", re.I)


class Place(NamedTuple):
    """Where the master's layout put a marked part (CSS px, page coordinates)."""

    page: int  # the page of the letter, from 0
    left: float  # the part's margin box
    top: float
    width: float
    height: float
    flow: bool  # in the flow of the text: what follows it moves with its height
    inner: float  # its content width, the width it is laid out at
    across: float  # its margin box from its containing block's padding box
    down: float


class Sheet(NamedTuple):
    """A page's content box on the master (CSS px): the containing block of parts outside any."""

    left: float
    top: float
    width: float
    height: float
    right: float  # from the content box to the page's right edge
    bottom: float  # from the content box to the page's bottom edge

    def size(self) -> tuple[float, float]:
        """The page's width and height."""
        return (self.left + self.width + self.right, self.top + self.height + self.bottom)


@dataclass
class _Element:
    """An element of a page's body, by where it stands in the text."""

    at: int  # just after '<tag': where its marks go
    inside: int  # just after its start tag
    end: int = -1  # where its end tag starts (``inside`` for a void element)
    holds: set[int] = field(default_factory=set)  # the parts in it, or that it is
    part: int = -1  # its number, when it is a part
    void: bool = False  # an element with no end tag (br, img, ...)


class _Outline(HTMLParser):
    """Where the elements of a page's body stand, and which parts each holds."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.lines = [0]
        self.elements: list[_Element] = []
        self.open: list[tuple[str, _Element]] = []  # outside parts
        self.parts = 0
        self.depth = -1  # inside a part: the depth of open elements in it; -1 outside
        self.sound = True

    def offsets(self, text: str) -> None:
        """Note where each line of ``text`` starts: the parser says line and column."""
        for n, char in enumerate(text):
            if char == "\n":
                self.lines.append(n + 1)

    def _here(self) -> int:
        line, column = self.getpos()
        return self.lines[line - 1] + column

    def handle_comment(self, data: str) -> None:
        if data == OPEN and self.depth == -1:
            self.depth = 0
        elif data == CLOSE and self.depth == 0:
            self.depth = -1
        elif data in (OPEN, CLOSE):
            self.sound = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        here = self._here()
        element = _Element(here + 1 + len(tag), here + len(self.get_starttag_text() or ""))
        element.void = tag in _VOID
        if self.depth > 0:
            self.depth += tag not in _VOID
            return
        self.elements.append(element)
        if self.depth == 0:  # the part's element
            element.part, self.parts = self.parts, self.parts + 1
            element.holds.add(element.part)
            for _, around in self.open:
                around.holds.add(element.part)
            self.open.append((tag, element))
            self.depth += 1
            if tag in _VOID:
                self.handle_endtag(tag)
        elif tag in _VOID:
            element.end = element.inside
        else:
            self.open.append((tag, element))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.depth > 1:
            self.depth -= 1
        elif self.depth == 0 or not self.open or self.open[-1][0] != tag:
            self.sound = False  # an element left open or closed twice: no outline to trust
        else:
            self.depth -= self.depth == 1  # the part's element ends
            self.open.pop()[1].end = self._here()


def outlined(body: str) -> _Outline | None:
    """Where the parts of a page's body are, and the elements holding none.

    None when the body's elements are not each closed in order (an omitted ``</p>``)
    or it has no part: the overlay is then the whole page 1, as before.
    """
    outline = _Outline()
    outline.offsets(body)
    outline.feed(body)
    outline.close()
    if not outline.sound or outline.open or outline.depth != -1 or not outline.parts:
        return None
    return outline


# A comment or a tag, its quoted attribute values read whole: a '>' in one ends nothing.
_TAG = re.compile(r"""<!--.*?-->|<[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>""", re.S)


def _elements(body: str) -> str:
    """``body`` as the selectors read it: its tags as written, each text but as there or not.

    Two bodies alike so are matched alike by every selector: they differ only in texts,
    and a selector reads of a text only whether there is one (``:empty``; white space
    is told apart). A tag read here ends no earlier than an HTML parser ends it, so
    nothing read as text is in a tag; a text holding a '<' (written in by ``|safe``)
    leaves the body as it is.
    """
    pieces, last = [], 0
    for found in _TAG.finditer(body):
        pieces += [_text(body[last : found.start()]), found.group()]
        last = found.end()
    pieces.append(_text(body[last:]))
    return body if any(p is None for p in pieces) else "".join(p or "" for p in pieces)


def _text(text: str) -> str | None:
    if "<" in text:
        return None
    return "" if not text else " " if text.isspace() else "T"


def marked(body: str, outline: _Outline, shown: set[int], drop: bool = False) -> str:
    """``body`` with its parts numbered; hidden: parts not in ``shown``, what holds none shown.

    A hidden element is left empty: only itself counts (for the selectors that match
    the parts by their siblings), and what was in it would cost its styles for nothing.
    With ``drop``, it is left out altogether (``unseen_siblings`` says when it may be).
    """
    pieces, last, cut = [], 0, -1
    for element in outline.elements:  # in the order of their start tags
        if element.at < cut:
            continue  # inside a hidden element, cut out
        hidden = not element.holds & shown
        if hidden and drop:
            start = body.rindex("<", 0, element.at)
            stop = element.inside if element.void else body.index(">", element.end) + 1
            pieces.append(body[last:start])
            last = cut = stop
            continue
        mark = f' {PART}="{element.part}"' if element.part >= 0 else ""
        pieces += [body[last : element.at], mark + (f" {HIDE}" if hidden else "")]
        last = element.at
        if hidden and element.end > element.inside:
            pieces.append(body[last : element.inside])
            last = cut = element.end
    pieces.append(body[last:])
    return "".join(pieces)


def unseen_siblings(head: str, bodies: list[tuple[str, str]]) -> bool:
    """Whether every rule of ``head``'s style sheets matches the same shown elements in
    each of ``bodies`` (a sheet's body without its hidden elements, and with them).

    Hidden elements are kept for the selectors that match an element by its siblings
    (``+``, ``~``, ``:nth-child``, ``:first-child``, ...); where none does, they are
    left out, and cost nothing. False when a style sheet is linked or imported (not
    seen here) or a selector is one this cannot read.
    """
    import cssselect2
    import tinycss2
    import tinyhtml5

    scanning.install()  # tinyhtml5's scanning patterns kept
    if re.search(r"<link\b|@import", head, re.I):
        return False
    selectors: list[Any] = []
    # Each style sheet read on its own, as the renderer reads it: a comment left open at
    # the end of one ends with it.
    rules = [
        rule
        for css in re.findall(r"<style[^>]*>(.*?)</style>", head, re.S | re.I)
        for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    ]
    while rules:
        rule = rules.pop()
        if rule.type == "qualified-rule":
            try:
                selectors += cssselect2.compile_selector_list(rule.prelude)
            except cssselect2.SelectorError:
                return False
            # A rule nested in its block (CSS nesting, which WeasyPrint reads) has a
            # selector of its own, not read here.
            inner = tinycss2.parse_blocks_contents(rule.content, True, True)
            if any(item.type != "declaration" for item in inner):
                return False
        elif rule.type == "at-rule" and rule.content is not None:
            if rule.lower_at_keyword not in ("page", "font-face", "counter-style"):
                rules += tinycss2.parse_blocks_contents(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
        elif rule.type == "error":
            return False

    def shown(body: str) -> list[list[bool]]:
        root = cssselect2.ElementWrapper.from_html_root(tinyhtml5.parse(head + body))
        return [
            [selector.test(element) for selector in selectors]
            for element in root.iter_subtree()
            if element.etree_element.get(HIDE) is None
        ]

    return all(shown(kept) == shown(whole) for kept, whole in bodies)


def _px(value: float) -> str:
    return f"{value:.4f}px"


def stack_height(places: tuple[Place, ...], sheets: tuple[Sheet, ...]) -> float:
    """The height of a sheet stacked on a tall page (CSS px); 0 when they are laid a page each.

    Sheets are stacked when the master's pages that hold parts are alike in size.
    """
    sizes = {sheet.size() for sheet in sheets[: max(place.page for place in places) + 1]}
    return sizes.pop()[1] if len(sizes) == 1 else 0.0


def placement_css(places: tuple[Place, ...], sheets: tuple[Sheet, ...]) -> str:
    """The rules that put each page's parts where the master has them, and nothing else.

    Stacked sheets (``stack_height``) are each exactly a page of the master tall, one
    right under the other, ``STACK`` to a page and a pixel to spare, so that rounding
    never pushes one over; the root and the body add no room above or below them.
    """
    sheets = sheets[: max(place.page for place in places) + 1]
    height = stack_height(places, sheets)
    page = "@page campaign-overlay { margin: 0; "
    if height:  # written in full: the cut pages are exactly the master's size
        page += f"size: {sheets[0].size()[0]!r}px {STACK * height + 1!r}px; "
    rules = [
        page + " ".join(f"@{box} {{ content: none; }}" for box in _MARGIN_BOXES) + " }",
        f"[{HIDE}] {{ display: none !important; }}",
        # Nothing around the parts may break the page: each sheet is whole on one page.
        f"[{SHEET}] * {{ break-before: auto !important; break-after: auto !important; "
        "page: auto !important; }",
    ]
    if height:
        rules.append(
            "html, body { margin: 0 !important; padding: 0 !important; border: 0 !important; }"
            f"[{END}] {{ break-after: page !important; }}"
        )
    for n, sheet in enumerate(sheets):
        # The page's content box of the master, as the padding box of a box the parts
        # are placed in. Its width is left to the page (padding on either side): a set
        # width would be over-constrained, which a right-to-left page settles by
        # pushing the box to the right edge.
        size = (
            f"box-sizing: border-box; height: {height!r}px; break-inside: avoid; "
            if height
            else "break-after: page; "
        )
        rules.append(
            f'[{SHEET}="{n}"] {{ display: block; page: campaign-overlay; margin: 0; '
            f"border: 0; padding: {_px(sheet.top)} {_px(sheet.right)} 0 {_px(sheet.left)}; "
            f"{size}}}"
            f'[{SHEET}="{n}"] > [{SHEET}] {{ display: block; position: relative; margin: 0; '
            f"border: 0; padding: 0; height: {_px(sheet.height)}; }}"
        )
    for n, place in enumerate(places):
        rules.append(
            f'[{PART}="{n}"] {{ position: absolute !important; float: none !important; '
            f"left: {_px(place.across)} !important; top: {_px(place.down)} !important; "
            "right: auto !important; bottom: auto !important; box-sizing: content-box "
            f"!important; width: {_px(place.inner)} !important; min-width: 0 !important; "
            "max-width: none !important; }"
        )
    return "\n".join(rules)


def compact_batch(
    pages: list[str], places: tuple[Place, ...], sheets: tuple[Sheet, ...]
) -> str | None:
    """One HTML document of each addressee's parts alone, a page of the master per sheet.

    ``pages`` are the addressees' overlay layers; a part on page n of the master is
    shown on sheet n and hidden on the others; sheets are stacked as ``stack_height``
    says. None when a page cannot be outlined, or does not have the master's parts:
    the batch is then laid out as whole page 1s.
    """
    head = pages[0][: pages[0].index("<body")]
    if _COUNTERS.search(head):
        return None  # a counter counts the elements an overlay leaves out
    per = max(place.page for place in places) + 1
    stack = STACK if stack_height(places, sheets) else 1
    shown = [{k for k, place in enumerate(places) if place.page == n} for n in range(per)]
    # The body's own start tag: its class, lang or dir may style the parts.
    opening = pages[0][len(head) : pages[0].index(">", len(head)) + 1]
    outlines: list[tuple[str, _Outline]] = []
    for page in pages:
        start = page.index(">", page.index("<body")) + 1
        body = page[start : page.rindex("</body>")]
        outline = outlined(body)
        if outline is None or outline.parts != len(places):
            return None
        outlines.append((body, outline))
    # Whether hidden elements are left out: the same for every page, and so asked of
    # each page whose elements differ (what the parts hold differs: a name in another
    # script is marked up). Pages alike but for their text are asked once.
    drop = True
    asked: set[str] = set()
    for body, outline in outlines:
        if (key := _elements(body)) in asked:
            continue
        asked.add(key)
        pairs = [
            (
                opening + marked(body, outline, own, True) + "</body>",
                opening + marked(body, outline, own) + "</body>",
            )
            for own in shown
        ]
        if not unseen_siblings(head, pairs):
            drop = False
            break
    bodies: list[str] = []
    for body, outline in outlines:
        for n in range(per):
            inner = f"<div {SHEET}>{marked(body, outline, shown[n], drop)}</div>"
            end = f" {END}" if stack > 1 and len(bodies) % stack == stack - 1 else ""
            bodies.append(f'<div {SHEET}="{n}"{end}>{inner}</div>')
    at = head.rindex("</head>")
    style = f"<style>\n{placement_css(places, sheets)}\n</style>\n"
    return head[:at] + style + head[at:] + opening + "".join(bodies) + "</body>\n</html>\n"


PAGE = "data-vary-page"  # starts one more page of a letter's own, in an overlay of its margins


def own_pages(page: str, more: int) -> str:
    """An overlay layer laid out on pages of the letter's own, ``more`` of them after its own.

    A part that stands in the margin of every page (a copy mark, a running element)
    is laid out by the page's own margin boxes, which share out their width by what
    each holds; so the overlay keeps the letter's page rules, and its page numbers,
    and has as many pages as the letter. What the margins show besides the parts is
    hidden: the master draws it, and the worker checks that it stands where the
    master's does (campaign.pdf.render.margin_parts), on as many pages.
    """
    hidden = " ".join(f"@{box} {{ visibility: hidden; }}" for box in _MARGIN_BOXES)
    style = f"<style>\n@page {{ {hidden} }}\n[{PAGE}] {{ break-before: page; }}\n</style>\n"
    at = page.index("</head>")
    end = page.rindex("</body>")
    breaks = f"<div {PAGE}></div>" * more
    return page[:at] + style + page[at:end] + breaks + page[end:]
