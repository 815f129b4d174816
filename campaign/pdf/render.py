"""HTML to PDF: ``render_pdf``, the boxes that must fit, and the parts stamped on shared pages.

Pages are laid out and written by ``engine`` (which confines what a letter may read);
a long signature list is laid out in parts by ``listing``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campaign.compose.overlays import Place, Sheet
from campaign.errors import CampaignError
from campaign.pdf.engine import layout, page_painted, split_sheets, write

__all__ = ["layout", "write"]  # re-exported: most callers take all of HTML to PDF from here


def render_pdf(
    html: str, base: Path, root: Path, variant: str = "", date: str = "", pool: Any = None
) -> bytes:
    """Lay out ``html`` (relative links resolved from ``base``) and return the PDF bytes.

    Every box marked ``data-fit`` is made to fit its rectangle (see ``fitted_layout``);
    one that still does not stops with ``DoesNotFit``, and nothing is written. A long
    list is laid out in parts on ``pool`` (workers.workers), else here one by one.
    """
    from campaign.pdf.listing import paged_list

    if (listed := paged_list(html, base, root, variant, date, pool)) is not None:
        return listed  # a long list, laid out in parts
    document, misfits = _sheets_cut(html, base, root, variant)
    if misfits:
        raise DoesNotFit(misfits)
    return write(document, variant, date)


# A style that stands a document's sheets (its body's children: envelopes) one under the
# other on tall pages; without it they stand a page each.
_SHEETS = re.compile(r"<style data-sheets>.*?</style>", re.S)
# Styles that may give a page of its own another look than the tall page it is cut from:
# a page selector (:first, :left, :nth(), ...) styles the tall page by its number, not
# each sheet by its own, and a style sheet read from a file is not seen here.
_PAGES_DIFFER = re.compile(r"@page[^{;]*:|@import|<link\b[^>]*stylesheet", re.I)


def _sheets_cut(html: str, base: Path, root: Path, variant: str) -> tuple[Any, list[Misfit]]:
    """``fitted_layout``, with sheets stacked on tall pages cut into a page each.

    WeasyPrint lays out a few tall pages far quicker than a page for each sheet; they
    are cut (``split_sheets``) before anything is drawn, so each page holds its own
    sheet alone. Sheets not exactly stacked (a workspace template's own style), not
    the size of the page the template gives a sheet alone, or in a template whose pages
    may differ from one another, are laid out without the style: a sheet a page.
    """
    document, misfits = fitted_layout(html, base, root, variant)
    if misfits or not _SHEETS.search(html):
        return document, misfits
    if _PAGES_DIFFER.search(html):
        return fitted_layout(_SHEETS.sub("", html, count=1), base, root, variant)
    alone = _SHEETS.sub("", html, count=1)
    height = _sheet_height(document)
    width, tall = _page_size(alone, base, root, variant)
    cut = None
    # Within float rounding: both sizes come from the same lengths in the template.
    if abs(tall - height) < 1e-6 and abs(width - document.pages[0].width) < 1e-6:
        cut = split_sheets(document, height)
    if cut is not None:
        return cut, misfits
    return fitted_layout(alone, base, root, variant)


_BODY = re.compile(r"<body\b.*</body>", re.S)


def _page_size(html: str, base: Path, root: Path, variant: str) -> tuple[float, float]:
    """The size (CSS px) of the first page of ``html`` laid out with nothing in its body.

    A sheet cut from a tall page must be the page the template gives it alone: a sheet
    shorter or longer than its page would be cut to a page of another size.
    """
    empty = _BODY.sub("<body></body>", html, count=1)
    return _empty_page_size(empty, base, root, variant)


@functools.lru_cache(maxsize=8)
def _empty_page_size(html: str, base: Path, root: Path, variant: str) -> tuple[float, float]:
    # Every part of a build's envelopes has the same head: laid out once in each process
    # (some 50 ms: the style sheets and their fonts), not once a part.
    empty = layout(html, base, root, variant)
    return (empty.pages[0].width, empty.pages[0].height) if empty.pages else (0.0, 0.0)


def _sheet_height(document: Any) -> float:
    """The height (CSS px) of the first page's first sheet, or 0 when it has none."""
    boxes = document.pages[0]._page_box.children if document.pages else []
    for _ in range(2):  # the root box, then the body
        boxes = boxes[0].children if len(boxes) == 1 else []
    heights = [box.margin_height() for box in boxes if box.margin_height()]
    return float(heights[0]) if heights else 0.0


# Boxes that must stay inside a rectangle carry ``data-fit="KIND"``: the rectangle is
# the content box of the nearest element (itself or an ancestor) marked
# ``data-fit-frame``. Each is read back from the laid-out pages, and set again the way a
# typist would where its kind allows:
#   label        smaller type down to MIN_FIT_PT, then wrapped (needs an id)
#   return-line  smaller type down to MIN_RETURN_PT, then its ``.fit-short`` form
#                (sender, city and country) instead of its ``.fit-long`` one
#   anything else (an address) is only measured: its lines wrap with a hanging
#                indent in the template's CSS, and the frame holds them or not.
FIT = " data-fit"
MIN_FIT_PT = 5.0
MIN_RETURN_PT = 5.5
_SLACK = 0.5  # CSS px: rounding in the layout, never a visible overflow


@dataclass(frozen=True)
class Misfit:
    """A ``data-fit`` box that, as laid out, runs outside its rectangle."""

    kind: str  # its data-fit value: 'address', 'return-line', 'label', ...
    ref: str  # its data-fit-ref attribute, else its id, else ''
    ordinal: int  # its place among the boxes of its kind in the document, from 0
    page: int  # the page it is on, from 0
    lines: int  # lines it is set in
    holds: int  # lines of that height the rectangle holds below its first line
    wide: bool  # a line runs past the rectangle's side
    width_mm: float  # its widest line
    frame_mm: float  # the rectangle's width
    size_pt: float  # its type size as laid out
    text: str


class DoesNotFit(CampaignError):
    """Boxes that must fit did not; the build says which addressee or sender they belong to."""

    def __init__(self, misfits: list[Misfit], outputs: tuple[str, ...] = ()) -> None:
        self.misfits = misfits
        self.outputs = outputs or ("",) * len(misfits)  # the file each misfit was to go to
        first = misfits[0]
        super().__init__(f"'{first.text}' does not fit its box ({first.kind})")

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in a worker process: pickled with its misfits, not its message.
        return (DoesNotFit, (self.misfits, self.outputs))

    def found(self) -> list[tuple[str, Misfit]]:
        """Each misfit with the file it was to go to."""
        return list(zip(self.outputs, self.misfits, strict=True))


@dataclass
class _FitBox:
    kind: str
    ref: str
    ordinal: int
    page: int
    size: float  # CSS px
    frame: tuple[float, float, float, float]  # left, top, right, bottom (CSS px)
    ink: tuple[float, float, float, float]  # the same, of its text
    lines: int
    line_height: float
    text: str
    widest: float = 0.0  # its widest line (CSS px)
    room: float = 0.0  # its own content width (CSS px), where its lines wrap
    as_text: bool = False  # its lines are one text, a line a line (data-fit-lines)
    pre: bool = False  # its text is set white-space: pre (or pre-line, once wrapped)
    number: int = -1  # its element's place among the document's data-fit-lines ones (_NUMBER)

    def misfit(self) -> Misfit | None:
        left, top, right, bottom = self.frame
        x0, y0, x1, y1 = self.ink
        wide = x0 < left - _SLACK or x1 > right + _SLACK
        if not wide and y0 >= top - _SLACK and y1 <= bottom + _SLACK:
            return None
        holds = int((bottom - y0 + _SLACK) / self.line_height) if self.line_height else 0
        return Misfit(
            self.kind,
            self.ref,
            self.ordinal,
            self.page,
            self.lines,
            max(holds, 0),
            wide,
            round((x1 - x0) * PX_MM, 1),
            round((right - left) * PX_MM, 1),
            round(self.size * 0.75, 1),
            self.text,
        )


PX_MM = 25.4 / 96  # CSS px to millimetres


def fit_boxes(document: Any) -> list[_FitBox]:
    """Every ``data-fit`` box of a laid-out document, measured, in document order."""
    from weasyprint.formatting_structure.boxes import LineBox, ParentBox, TextBox

    found: list[_FitBox] = []
    counts: dict[str, int] = {}

    def content(box: Any) -> tuple[float, float, float, float]:
        x, y = box.content_box_x(), box.content_box_y()
        return (x, y, x + box.width, y + box.height)

    def walk(
        box: Any,
        frame: tuple[float, float, float, float] | None,
        page: int,
        window: bool,
        inherited: str,
    ) -> None:
        box = getattr(box, "_box", box)  # an absolute box sits in a placeholder
        element: Any = getattr(box, "element", None)
        own = element is not None and not isinstance(box, (LineBox, TextBox))
        classes = (element.get("class") or "").split() if own else []
        # A workspace template copied before the window was marked data-fit still has
        # its classes: its window is measured all the same.
        if (
            own
            and box.width is not None
            and (element.get("data-fit-frame") is not None or "window" in classes)
        ):
            frame, window = content(box), window or "window" in classes
        if own and element.get("data-fit-ref"):  # the boxes inside belong to it too
            inherited = element.get("data-fit-ref")
        kind = element.get("data-fit") if own else None
        if kind == "":  # a bare data-fit, as labels were marked before there were kinds
            kind = "label"
        elif kind is None and window:
            kind = next((k for k in ("address", "return-line") if k in classes), None)
        if kind is not None and frame is None:
            frame = content(box)
        if kind is not None and frame is not None:
            texts, lines, height, widest = [], 0, 0.0, 0.0
            as_text = element.get("data-fit-lines") is not None
            x0 = y0 = float("inf")
            x1 = y1 = float("-inf")
            # Placed boxes too: an overlay places the addressee's part absolutely, and a
            # box marked around the part would otherwise measure no text at all.
            for inner in box.descendants(placeholders=True):
                if isinstance(inner, LineBox):
                    lines += 1
                    height = max(height, inner.height)
                    if as_text:  # only its lines may need setting as blocks
                        widest = max(widest, _line_width(inner))
                elif isinstance(inner, TextBox) and inner.text.strip():
                    texts.append(inner.text)
                    x0, y0 = min(x0, inner.position_x), min(y0, inner.position_y)
                    x1 = max(x1, inner.position_x + inner.margin_width())
                    y1 = max(y1, inner.position_y + inner.margin_height())
            if texts:
                ordinal = counts.get(kind, 0)
                counts[kind] = ordinal + 1
                ref = inherited or element.get("id") or ""
                text = " ".join(" ".join(texts).split())
                size = box.style["font_size"]
                ink = (x0, y0, x1, y1)
                pre = box.style["white_space"].startswith("pre")
                found.append(
                    _FitBox(
                        kind,
                        ref,
                        ordinal,
                        page,
                        size,
                        frame,
                        ink,
                        lines,
                        height,
                        text,
                        widest=widest,
                        room=box.width,
                        as_text=as_text,
                        pre=pre,
                        number=int(element.get(_NUMBER) or -1),
                    )
                )
            return  # a fit box holds no other
        if isinstance(box, ParentBox):
            for child in box.children:
                walk(child, frame, page, window, inherited)

    for index, page in enumerate(document.pages):
        walk(page._page_box, None, index, False, "")
    return found


def _line_width(line: Any) -> float:
    """The width (CSS px) of a line box's text, from its first glyph to its last."""
    from weasyprint.formatting_structure.boxes import TextBox

    texts = [box for box in line.descendants() if isinstance(box, TextBox)]
    if not texts:
        return 0.0
    left = min(box.position_x for box in texts)
    return float(max(box.position_x + box.margin_width() for box in texts) - left)


# An element marked ``data-fit-lines`` holds its lines as one text, a line a line, set
# ``white-space: pre`` (as_lines): far fewer boxes to lay out than a block a line. When
# a line is wider than the element, each line is set in a <span> of its own instead,
# which the template's style wraps (with a hanging indent, as a typist would).
_AS_TEXT = re.compile(r"(<(\w+)\b[^>]*\sdata-fit-lines\b[^>]*>)(.*?)(</\2\s*>)", re.S)
# How close to its element's width a line set as text may come (CSS px): layout rounding.
# A line that close or wider would wrap as a block, so all are set as blocks then.
_NEAR_WIDTH = 0.01


# Each element marked data-fit or data-fit-lines numbered in its document: what the fit
# sets again (as blocks, or smaller) is that element alone, whatever its id or class
# (a template may give labels on every sheet the same ids).
_NUMBER = "data-fit-n"
# What the numbering reads, in order: a comment, an element whose contents are text (a
# style sheet, a script, a template's, a title), or a start tag with its quoted
# attribute values read whole. A '<' or a quote in a comment is the comment's.
_SCANNED = re.compile(
    r"<!--->|<!-->|<!--.*?(?:-->|$)"
    r"""|<(script|style|template|textarea|title)\b(?:[^>"']|"[^"]*"|'[^']*')*>.*?(?:</\1\s*>|$)"""
    r"""|<[a-z][\w-]*(?:[^>"']|"[^"]*"|'[^']*')*>""",
    re.S | re.I,
)
_MARKED = re.compile(r"\sdata-fit(?:-lines)?(?=[\s=/>])", re.I)


def _numbered(html: str) -> str:
    """``html`` with each element marked ``data-fit`` or ``data-fit-lines`` numbered."""
    count = iter(range(1 << 30))

    def number(found: re.Match[str]) -> str:
        tag = found.group()
        if found.group(1) is not None or tag.startswith("<!") or not _MARKED.search(tag):
            return tag
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        return f'{tag[:end]} {_NUMBER}="{next(count)}"{tag[end:]}'

    return _SCANNED.sub(number, html) if "data-fit" in html.lower() else html


def _as_blocks(html: str, numbers: set[int]) -> str:
    """``html`` with the lines of the ``data-fit-lines`` elements ``numbers`` in a <span> each.

    -1 stands for an element not numbered (a start tag ``_numbered`` could not read).
    """

    def spans(found: re.Match[str]) -> str:
        own = re.search(rf'\s{_NUMBER}="(\d+)"', found.group(1))
        if "<span" in found.group(3) or (int(own.group(1)) if own else -1) not in numbers:
            return found.group(0)  # a block a line already, or its lines fit as text
        lines = "".join(f"<span>{line}</span>" for line in found.group(3).split("\n"))
        return found.group(1) + lines + found.group(4)

    return _AS_TEXT.sub(spans, html)


def _wrap_as_blocks(boxes: list[_FitBox]) -> set[int]:
    """The elements (``_FitBox.number``) whose line set as text is as wide as the element:
    set as a block, it would wrap. Each on its own, as it would be in a letter alone.

    The element's own width, not its frame's: a workspace's style may make the address
    narrower than the window, and a line wraps where its block ends. (An element whose
    width follows its text, floated or placed without a width, is always set as blocks.)
    """
    return {
        box.number
        for box in boxes
        if box.as_text and box.pre and box.widest > box.room - _NEAR_WIDTH
    }


def fitted_layout(html: str, base: Path, root: Path, variant: str = "") -> tuple[Any, list[Misfit]]:
    """Lay out ``html``, set its ``data-fit`` boxes again until they fit; what still does not.

    Type scales in proportion, so one smaller size mostly fits at once; wrapped or
    shortened text is measured again.
    """
    html = _numbered(html)
    document = layout(html, base, root, variant)
    if FIT not in html and "window" not in html:
        return document, []
    boxes = fit_boxes(document)  # measured once a layout: the walk costs a little a box
    texts = [box for box in boxes if box.as_text]
    if len(texts) > 1 and any(box.number < 0 for box in texts):
        # Each is set as blocks on its own: one not told apart from the others would be
        # set as they are.
        raise CampaignError(
            "the addresses set as text (data-fit-lines) could not be told apart: a tag "
            "around them is not written as HTML reads it; nothing was written\n"
            "  hint: check the template's HTML around the window and the envelope's address "
            "(a quote left open in an attribute)"
        )
    if _AS_TEXT.search(html) and (wide := _wrap_as_blocks(boxes)):
        html = _as_blocks(html, wide)
        document = layout(html, base, root, variant)
        boxes = fit_boxes(document)
    # Rules are !important: a template's own selectors may be more specific.
    rules: dict[str, str] = {}
    first: dict[str, float] = {}  # each rule's box's type size as the template sets it
    for _ in range(4):
        changed = _retyped(boxes, rules, first)
        if not changed:
            break
        rules.update(changed)
        styled = html.replace("</head>", f"<style>{''.join(rules.values())}</style></head>", 1)
        document = layout(styled, base, root, variant)
        boxes = fit_boxes(document)
    misfits = [m for box in boxes if (m := box.misfit()) is not None]
    return document, misfits


def _retyped(
    boxes: list[_FitBox], rules: dict[str, str], first: dict[str, float]
) -> dict[str, str]:
    """New CSS rules (by selector) for the boxes that overflow and whose kind can be retyped."""
    changed: dict[str, str] = {}
    for box in boxes:
        if box.kind not in ("label", "return-line") or (box.kind == "label" and not box.ref):
            continue
        # The element itself (_numbered); else, as templates were read before, its id,
        # or every return line.
        if box.number >= 0:
            selector = f'[{_NUMBER}="{box.number}"]'
        elif box.kind == "label":
            selector = f"#{box.ref}"
        else:
            selector = '[data-fit="return-line"]'
        if selector in changed or box.misfit() is None:
            continue
        first.setdefault(selector, box.size * 0.75)
        left, _, right, bottom = box.frame
        x0, y0, x1, y1 = box.ink
        wide = (right - left) / max(x1 - x0, 1.0)
        tall = (bottom - y0) / max(y1 - y0, 1.0)
        current = box.size * 0.75  # CSS px to pt
        # Rounded down to a tenth, so rounding never pushes the text past the edge.
        size = int(current * min(wide, tall) * 10) / 10
        old = rules.get(selector, "")
        if box.kind == "return-line":
            short = "fit-short" in old
            if size < MIN_RETURN_PT and not short:
                # As small as it may be and still too long: sender, city and country.
                short, size = True, first[selector]
            elif size < MIN_RETURN_PT:
                continue  # reported as a misfit
            rule = f"{selector}{{font-size:{size}pt!important}}"
            if short:
                rule += (
                    f"{selector} .fit-long{{display:none!important}}"
                    f"{selector} .fit-short{{display:inline!important}}"
                )
        else:
            wrap = "overflow-wrap" in old
            if size < MIN_FIT_PT:
                # Too long for one line even in the smallest type: let it wrap (a word
                # longer than the box breaks too), at the size where the longest line
                # takes two; the next pass shrinks it further if it is now too tall.
                size = max(MIN_FIT_PT, int(current * min(2 * wide, tall, 1.0) * 10) / 10)
                wrap = True
            rule = f"{selector}{{font-size:{size}pt!important}}"
            if wrap and box.pre:  # its lines one text (as_lines): breaks kept, lines wrap
                rule += f"{selector}{{white-space:pre-line!important;overflow-wrap:anywhere}}"
            elif wrap:  # a block a line (a template written before as_lines)
                rule += f"{selector} span{{white-space:normal!important;overflow-wrap:anywhere}}"
        if rule != old:
            changed[selector] = rule
    return changed


def blocks_with_class(document: Any, css_class: str) -> list[tuple[int, float, float]]:
    """``(page index, top, height)`` in points of each block box carrying ``css_class``."""
    from weasyprint.formatting_structure.boxes import BlockBox

    found = []
    for index, page in enumerate(document.pages):
        for box in page._page_box.descendants():
            element = box.element if isinstance(box, BlockBox) else None
            if element is not None and css_class in (element.get("class") or "").split():
                found.append((index, round(box.position_y, 3), round(box.margin_height(), 3)))
    return found


Box = tuple[int, float, float, float, float]  # page index, left, top, width, height (points)


def addressee_boxes(document: Any) -> tuple[Box, ...]:
    """Where each part of class ``vary`` stands in the flow of the pages, in document order.

    Absolutely positioned parts (the address in its window) are left out: they move
    nothing else. Everything in the flow is, block or inline: the text after a part
    stands where it does only if the part takes exactly this room.
    """
    from weasyprint.formatting_structure.boxes import LineBox, MarginBox, TextBox

    found = []
    for index, page in enumerate(document.pages):
        # A part in a margin box is compared by margin_parts.
        flow = [b for b in page._page_box.children if not isinstance(b, MarginBox)]
        for box in (inner for top in flow for inner in top.descendants()):
            if isinstance(box, (LineBox, TextBox)) or getattr(box, "element", None) is None:
                continue  # lines and text carry their element's class, but are inside it
            if "vary" in (box.element.get("class") or "").split():
                found.append(
                    (
                        index,
                        round(box.position_x, 3),
                        round(box.position_y, 3),
                        round(box.margin_width(), 3),
                        round(box.margin_height(), 3),
                    )
                )
    return tuple(found)


def placed_parts_move_nothing(document: Any) -> bool:
    """Whether each part placed out of the flow (the address in its window) moves nothing.

    addressee_boxes leaves such a part out: nothing in the text's flow stands after it.
    But inside the placed box that holds it, what follows the part stands below it, and
    a box around it whose height follows its text grows with it; the master draws those
    where its own addressee's part put them, over a longer address. So a placed box
    holding a part must draw nothing after the part, nor paint a box of auto height
    around it; else each letter is laid out whole.
    """
    from weasyprint.formatting_structure.boxes import ParentBox

    def placed(box: Any) -> Iterator[Any]:  # the boxes out of the flow, outermost ones
        for child in getattr(box, "children", ()):
            if not isinstance(child, ParentBox) and hasattr(child, "_box"):
                yield child._box  # an absolutely placed box sits in a placeholder
            elif isinstance(child, ParentBox):
                yield from placed(child)

    for page in document.pages:
        for root in placed(page._page_box):
            if not _moves_nothing(root, []):
                return False
    return True


def _moves_nothing(box: Any, around: list[Any]) -> bool:
    """Whether no part in ``box`` has drawing after it, or painted auto-height boxes around it."""
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    order = list(box.descendants(placeholders=True))
    for at, inner in enumerate(order):
        element = getattr(inner, "element", None)
        if isinstance(inner, (LineBox, TextBox)) or element is None:
            continue
        if "vary" not in (element.get("class") or "").split():
            continue
        size = sum(1 for _ in inner.descendants(placeholders=True))
        if any(_draws(after) for after in order[at + size :]):
            return False
        holders = [b for b in order[:at] if any(d is inner for d in b.descendants(True))]
        if any(_paints(b.style) and b.style["height"] == "auto" for b in holders):
            return False
    return True


def _draws(box: Any) -> bool:
    """Whether ``box`` puts anything on the page of its own: text, a picture, paint."""
    from weasyprint.formatting_structure.boxes import ReplacedBox, TextBox

    if isinstance(box, TextBox):
        return bool(box.text.strip())
    return isinstance(box, ReplacedBox) or _paints(box.style)


def _paints(style: Any) -> bool:
    """Whether a box with ``style`` paints a background, border, outline or shadow."""
    sides = ("top", "right", "bottom", "left")
    return bool(
        style["background_color"].alpha > 0
        or any(image[0] != "none" for image in style["background_image"])
        or any(style[f"border_{side}_width"] for side in sides)
        or style["outline_width"]
        or style["box_shadow"] not in ("none", None, ())
    )


# A page with parts in its margins: its number, how many, and what its margins draw
# besides (each text, picture, and margin box with a background or border, where it stands).
Margins = tuple[int, int, tuple[tuple[Any, ...], ...]]


def margin_parts(document: Any) -> tuple[Margins, ...]:
    """Each page holding parts of class ``vary`` in its margin boxes (a copy mark), in order.

    Such a part moves nothing in the page's flow, but the margin boxes of an edge share
    out its width by what each holds: another recipient's mark can move or wrap the
    running title beside it. The master draws everything but the parts, so what the
    margins draw besides them must stand where it stands on the master.
    """
    from weasyprint.formatting_structure.boxes import (
        LineBox,
        MarginBox,
        ParentBox,
        ReplacedBox,
        TextBox,
    )

    def at(box: Any) -> tuple[float, ...]:
        return tuple(round(v, 3) for v in (box.position_x, box.position_y, box.width, box.height))

    def paints(box: Any) -> bool:
        style = box.style
        edges = ("top", "right", "bottom", "left")
        return (
            style["background_color"].alpha > 0
            or any(image[0] != "none" for image in style["background_image"])
            or any(style[f"border_{edge}_width"] for edge in edges)
        )

    found = []
    for index, page in enumerate(document.pages):
        parts, drawn = 0, []
        stack = [b for b in page._page_box.children if isinstance(b, MarginBox)]
        while stack:
            box = stack.pop(0)
            element: Any = getattr(box, "element", None)
            own = not isinstance(box, (LineBox, TextBox, MarginBox)) and element is not None
            if own and "vary" in (element.get("class") or "").split():
                parts += 1
                continue  # the part, and all it holds: the overlay draws them
            if isinstance(box, TextBox):
                drawn.append(("text", box.text, *at(box)))
            elif isinstance(box, ReplacedBox) or (isinstance(box, MarginBox) and paints(box)):
                drawn.append((type(box).__name__, *at(box)))
            if isinstance(box, ParentBox):
                stack[:0] = box.children
        if parts:
            found.append((index, parts, tuple(drawn)))
    return tuple(found)


def _is_part(box: Any) -> bool:
    """Whether ``box`` is an element's box of class ``vary``, not a line or text inside one."""
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    element = getattr(box, "element", None)
    if element is None or isinstance(box, (LineBox, TextBox)):
        return False
    if "::" in (getattr(box, "element_tag", "") or ""):
        return False  # its ::before, ::after or ::marker: in the part, not the part
    return "vary" in (element.get("class") or "").split()


def _rules_collapsed(box: Any) -> bool:
    """Whether ``box`` is a table whose collapsed borders are drawn, hidden or not.

    WeasyPrint draws a table's collapsed borders whatever its visibility (its
    ``draw_collapsed_borders`` does not read it), as it paints a page's own background.
    """
    from weasyprint.formatting_structure.boxes import TableBox

    if not isinstance(box, TableBox) or box.style["border_collapse"] != "collapse":
        return False
    sides = ("top", "right", "bottom", "left")
    return any(
        b.style[f"border_{side}_width"]
        for b in (box, *(b for b, _ in _walked(box, ())))
        for side in sides
    )


def draws_outside_parts(document: Any) -> bool:
    """Whether an overlay draws anything but its addressees' parts (the shared pages draw it).

    The overlay layer hides the rest of page 1 by 'visibility', which leaves text set
    straight in a box it does not hide, a box it does not hide that is painted, a
    table's collapsed borders (``_rules_collapsed``) and the page's own paint (tinted
    paper) drawn: such a stamp would draw them again over the shared pages' own.
    """
    for page in document.pages:
        if page_painted(page._page_box):  # tinted paper: painted over the master's text
            return True
        for box, _, part in _walked_with_parts(page._page_box):
            if part >= 0:
                continue
            if _rules_collapsed(box):
                return True
            if box.style["visibility"] != "visible":
                continue
            if _draws(box):
                return True
    return False


def _shows_elsewhere(box: Any, referred: bool) -> bool:
    """Whether ``box``, in a part, shows its text or place elsewhere than in its own box.

    A named string (a running header), a bookmark, a link, a footnote (its call and
    its text in the page's footnote area), a fixed element (on every page): each is
    drawn from the master, laid out for its first addressee, in every letter. With
    ``referred`` (the page holds a ``target-text()`` or ``target-counter()``), an
    element's id may be read from anywhere. (A part running in the page margins is
    margin_parts'.)
    """
    style = box.style
    element = getattr(box, "element", None)
    return bool(
        style["string_set"] != "none"
        or style["bookmark_level"] != "none"
        or getattr(box, "link", None) is not None
        or "::footnote" in (getattr(box, "element_tag", "") or "")
        or style["position"] == "fixed"
        or (referred and element is not None and element.get("id") is not None)
    )


def _formatting_root(above: tuple[Any, ...]) -> int:
    """The box whose lines the floats in it narrow, of those ``above`` (its id; 0: the page)."""
    for box in reversed(above):
        style = box.style
        if (
            style["position"] in ("absolute", "fixed")
            or style["float"] != "none"
            or style["overflow"] != "visible"
            or "flow" not in style["display"]  # flow-root, flex, grid, a table's cell, ...
        ):
            return id(box)
    return 0


def parts_apart(document: Any, html: str) -> str:
    """Why the parts of class ``vary`` cannot be laid out apart from their pages; '' if they can.

    The master lays out its first addressee's parts hidden, and each letter's own are
    laid out alone and stamped over them. That is each letter only if a part shows
    nothing elsewhere ('exports': a running header's string, a bookmark, a link..., of
    the part or of a box around it, whose text holds the part's), and nothing around it
    sets it ('beside': a float whose side its lines run along, a first line or letter
    styled from a box around it, a box in it placed in a box around it), and it is no
    float and holds none ('floats': the text after it runs round it however tall it is,
    which its room does not show), and it is not placed apart at the width of its own
    text ('shrinks') nor by where it ends ('anchored': its bottom, or centred in a flex,
    grid or table cell); and the shared layer's own rules hide it ('shown': a style sheet
    left open before them takes them in). A key of ``workers.UNSHARED``.
    """
    from campaign.compose.pagestate import as_read

    referred = "target-" in as_read(html).lower()
    for page in document.pages:
        floats: list[tuple[int, float, float]] = []  # formatting root, top, bottom
        parts: list[tuple[int, float, float]] = []
        for box, above, part in _walked_with_parts(page._page_box):
            if part < 0:  # outside every part: only a float matters
                if box.style["float"] in ("left", "right"):
                    top = box.position_y
                    floats.append((_formatting_root(above), top, top + box.margin_height()))
                continue
            if _shows_elsewhere(box, referred):
                return "exports"
            if box.style["visibility"] == "visible" or _rules_collapsed(box):
                # The shared layer hides every part (layers.css.j2): one shown here
                # would be the first addressee's in every letter.
                return "shown"
            if box.style["float"] != "none":
                return "floats"
            # A box in it placed in the box of its nearest positioned ancestor: one outside
            # the part is the page's or the letter's, where the overlay places the part.
            if (
                part < len(above)
                and box.style["position"] == "absolute"
                and all(b.style["position"] == "static" for b in above[part:])
            ):
                return "beside"
            if any(
                getattr(b, "first_line_style", None) is not None
                or getattr(b, "first_letter_style", None) is not None
                for b in (*above, box)
            ):
                return "beside"
            if part == len(above):  # the part itself
                # A box around the part shows its text, the part's with it, elsewhere.
                if any(_shows_elsewhere(b, referred) for b in above):
                    return "exports"
                if box.style["position"] == "absolute" and box.style["width"] == "auto":
                    # As wide as its own text: the overlay places it at the master's width.
                    return "shrinks"
                if (box.style["position"] == "absolute" and box.style["top"] == "auto") or any(
                    kind in b.style["display"]
                    for b in above
                    for kind in ("flex", "grid", "table-cell")
                ):
                    # Placed by where it ends (its bottom, or centred): the overlay places
                    # it at the master's top, which another height would move.
                    return "anchored"
                top = box.position_y
                parts.append((_formatting_root(above), top, top + box.margin_height()))
        for root, top, bottom in parts:
            if any(r == root and t < bottom and b > top for r, t, b in floats):
                return "beside"
    return ""


def _walked_with_parts(
    box: Any, above: tuple[Any, ...] = (), part: int = -1
) -> Iterator[tuple[Any, tuple[Any, ...], int]]:
    """As _walked, with where in ``above`` the outermost part is (-1: in none; its own
    length: the box is that part)."""
    for child in getattr(box, "children", ()):
        child = getattr(child, "_box", child)
        at = part if part >= 0 else (len(above) if _is_part(child) else -1)
        yield child, above, at
        yield from _walked_with_parts(child, (*above, child), at)


def _walked(box: Any, above: tuple[Any, ...]) -> Iterator[tuple[Any, tuple[Any, ...]]]:
    """Every box under ``box`` with the boxes above it, absolutely placed ones included."""
    for child in getattr(box, "children", ()):
        child = getattr(child, "_box", child)  # an absolutely placed box, not its placeholder
        yield child, above
        yield from _walked(child, (*above, child))


def _out_of_flow(box: Any) -> bool:
    return box.style["position"] in ("absolute", "fixed") or box.style["float"] != "none"


def _parts(document: Any, attribute: str) -> Iterator[tuple[int, Any, Place | None]]:
    """Each part (element of class ``vary``, or carrying ``attribute``) and where it stands.

    Its place is None when it is not laid out as one block box (an inline part split
    over lines, a part over two pages), or is a list item.
    """
    from weasyprint.formatting_structure.boxes import BlockBox

    placed: dict[int, Place | None] = {}
    for index, page in enumerate(document.pages):
        root = page._page_box
        origin = (root.content_box_x(), root.content_box_y())
        for box, above in _walked(root, ()):
            element = getattr(box, "element", None)
            if element is None or any(id(b.element) in placed for b in above):
                continue  # a box inside a part: its lines, text, ::before, nested parts
            if attribute:
                if element.get(attribute) is None:
                    continue
            elif "vary" not in (element.get("class") or "").split():
                continue
            # A list item's number counts the items before it, which an overlay leaves out.
            listed = "list-item" in box.style["display"]
            if id(element) in placed or not isinstance(box, BlockBox) or listed:
                placed[id(element)] = None
                yield index, element, None
                continue
            # Its containing block: the nearest box placed otherwise than static, or the page.
            holder = next((b for b in reversed(above) if b.style["position"] != "static"), None)
            x, y = (holder.padding_box_x(), holder.padding_box_y()) if holder else origin
            place = Place(
                index,
                box.position_x,
                box.position_y,
                box.margin_width(),
                box.margin_height(),
                not any(_out_of_flow(b) for b in (*above, box)),
                box.width,
                box.position_x - x,
                box.position_y - y,
            )
            placed[id(element)] = place
            yield index, element, place


def vary_layout(document: Any) -> tuple[tuple[Place, ...], tuple[Sheet, ...]] | None:
    """Where each part of class ``vary`` stands, in document order, and each page's content box.

    None when a part is not laid out as one block box (an inline part split over
    lines, a part over two pages, one not shown): no overlay can place it alone.
    """
    places = []
    for _, _, place in _parts(document, ""):
        if place is None:
            return None
        places.append(place)
    sheets = []
    for page in document.pages:
        root = page._page_box
        left, top = root.content_box_x(), root.content_box_y()
        right = root.margin_width() - left - root.width
        bottom = root.margin_height() - top - root.height
        sheets.append(Sheet(left, top, root.width, root.height, right, bottom))
    return tuple(places), tuple(sheets)


def numbered_parts(document: Any, attribute: str) -> list[tuple[int, int, Place | None]]:
    """``(page, number, place)`` of each part of an overlay, numbered by ``attribute``."""
    return [
        (page, int(element.get(attribute)), place)
        for page, element, place in _parts(document, attribute)
    ]
