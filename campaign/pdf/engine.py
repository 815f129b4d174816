"""WeasyPrint's layout and writing, allowed to read files of the workspace and nothing else.

Everything that lays out pages goes through ``layout`` and ``write`` here: the URL
fetcher that confines a letter to what it may show lives in one place. It may import
the pdf package's cascade, shaping, pagestyles, linestyle, boxsizes, prelines, linewidths,
glyphdraw, nofloats, pictures, proof and variants, and the layers below pdf.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from campaign.compose import scanning
from campaign.compose.overlays import SHEET
from campaign.compose.sheettree import sheet_tree
from campaign.errors import CampaignError, display_path
from campaign.load.confine import off_limits
from campaign.paths import (
    MAX_BINARY,
    opened,
    read_all,
    resolved,
    where_opened,
)
from campaign.pdf.boxsizes import install as box_sizes_once
from campaign.pdf.cascade import install
from campaign.pdf.glyphdraw import install as glyph_draw_once
from campaign.pdf.linestyle import install as line_styles_once
from campaign.pdf.linewidths import install as line_widths_once
from campaign.pdf.nofloats import install as no_floats_once
from campaign.pdf.pagestyles import install as page_styles_once
from campaign.pdf.pictures import (
    RASTER,
    disguised_picture_problem,
    inline_svg_problem,
    picture_problem,
)
from campaign.pdf.prelines import install as pre_lines_once
from campaign.pdf.shaping import install as shape_once

# What a letter may show, by the file's kind; anything else it links to is refused.
KINDS = {
    **dict.fromkeys(RASTER, "picture"),
    ".svg": "picture",
    **dict.fromkeys((".woff", ".woff2", ".ttf", ".otf"), "font"),
    ".css": "style sheet",
}
HINT = (
    "  hint: a letter shows only pictures, fonts and style sheets from its own folder or "
    "templates/, never a private file or the network; copy the file into the letter's "
    "folder and link to it by its name"
)


def _fetcher_class() -> type:
    # Made before the document, so the first of a process's layouts imports WeasyPrint
    # here: through weasy first, as _html does (its libraries found without a compiler).
    import campaign.pdf.weasy  # noqa: F401

    # isort: split
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class WorkspaceFetcher(URLFetcher):  # type: ignore[misc]
        """Serves what a letter may show (checked files, data: URLs); refuses the rest."""

        def __init__(self, root: Path, base: Path | None = None) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.root = resolved(root)
            self.base = base or root
            # The letter's folder and the workspace's templates: where its files may be.
            self.places = (resolved(base or root), resolved(self.root / "templates"))
            self.refused: list[str] = []  # why each refused URL was refused
            self.hints: dict[str, str] = {}  # a hint of its own, for a refusal that has one

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                response = super().fetch(url, headers)
                kind = response.content_type or ""
                data = response.read()  # a picture written into the page is checked too
                if not kind.startswith("image/"):
                    if why := disguised_picture_problem(data):
                        return self._refuse(f"a picture in a data: URL ({why})")
                    return URLFetcherResponse(url, data, headers=response.headers)
                if why := picture_problem(data, kind == "image/svg+xml"):
                    return self._refuse(f"a picture in a data: URL ({why})")
                return URLFetcherResponse(url, data, headers=response.headers)
            if parts.scheme != "file":
                return self._refuse(f"{url} (the network is never used)")
            # resolved() follows symlinks, so a link pointing outside is refused as well.
            given = Path(unquote(parts.path))
            target = resolved(given)
            if why := self._confined(target):
                return self._refuse(why)
            if not os.path.lexists(given):
                return self._refuse(f"{display_path(target)} (no such file)")
            # Opened once, and what was opened is checked and read: a folder on its path
            # turned into a link after the look above cannot lead the read elsewhere.
            try:
                with opened(given, MAX_BINARY) as (handle, size):
                    return self._read(handle, given, target, size)
            except OSError as exc:  # not a file, said at the name the letter gives
                why = exc.strerror or "it cannot be read"
                return self._refuse(f"{display_path(given)} ({why})", getattr(exc, "hint", ""))

        def _confined(self, path: Path) -> str:
            """Why the resolved ``path`` is never read for a letter, said; '' if it may be."""
            shown = display_path(path)
            if not path.is_relative_to(self.root):
                return f"{shown} (outside the workspace)"
            if why := off_limits(path, self.root):
                return f"{shown} ({why}: never read for a letter)"
            return ""

        def _read(self, handle: Any, given: Path, target: Path, size: int) -> Any:
            """The file ``given`` led to, open as ``handle``, if a letter may show it."""
            real = where_opened(handle.fileno(), given)
            if real != target and (why := self._confined(real)):
                return self._refuse(why)  # it changed since it was looked at
            shown = display_path(real)
            if not any(real.is_relative_to(place) for place in self.places):
                return self._refuse(f"{shown} (not in the letter's folder or templates/)")
            kind = KINDS.get(real.suffix.lower())
            if kind is None:
                return self._refuse(f"{shown} (not a picture, font or style sheet)")
            try:
                data = read_all(handle, given, size)
            except OSError as exc:  # it grew while read, or the disk could not read it
                return self._refuse(f"{shown} ({exc.strerror})", getattr(exc, "hint", ""))
            if kind == "picture" and (why := picture_problem(data, real.suffix == ".svg")):
                return self._refuse(f"{shown} ({why})")
            if kind != "picture" and (why := disguised_picture_problem(data)):
                return self._refuse(f"{shown} ({why})")
            # WeasyPrint takes a linked style sheet only when it is said to be CSS.
            typed = {"Content-Type": "text/css"} if kind == "style sheet" else None
            return URLFetcherResponse(real.as_uri(), data, headers=typed)

        def _refuse(self, why: str, hint: str = "") -> Any:
            # WeasyPrint reports a failed fetch only to its logger and goes on without
            # the file; it is remembered here so that layout() can stop the build.
            self.refused.append(why)
            if hint:
                self.hints[why] = f"  hint: {hint}"
            raise ValueError(why)

    return WorkspaceFetcher


class _Failures(logging.Handler):
    """WeasyPrint's errors while it works: a file it could not use, told only to its log."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        """Remember an error (or a font left out), its file URLs shown as paths."""
        if record.levelno < logging.ERROR and not str(record.msg).startswith("Font-face"):
            return  # a CSS rule WeasyPrint does not know: the template's business
        text = _FILE_URL.sub(lambda m: display_path(Path(unquote(m.group(1)))), record.getMessage())
        self.seen.append(text)


_FILE_URL = re.compile(r"file://([^\s'\"]+)")


@contextlib.contextmanager
def _failures() -> Iterator[list[str]]:
    logger = logging.getLogger("weasyprint")
    handler = _Failures()
    logger.addHandler(handler)
    try:
        yield handler.seen
    finally:
        logger.removeHandler(handler)


def layout(html: str, base: Path, root: Path, variant: str = "") -> Any:
    """Lay out ``html`` into pages (a WeasyPrint document), ready to measure or write.

    ``variant`` ('pdf/a-3b', 'pdf/ua-1' or '') must be the one ``write`` is given.
    """
    from campaign.pdf.variants import weasyprint_options

    fetcher = _fetcher_class()(root, base)
    if why := inline_svg_problem(html):  # not fetched: checked here, before layout
        fetcher.refused.append(f"an SVG picture in the page ({why})")
        _stop_on_missing(fetcher, [])
    document = _html(html, base.as_uri() + "/", fetcher)
    try:
        with _failures() as failed:
            laid_out = document.render(**weasyprint_options(variant))
    except MemoryError:
        raise  # the memory limit (limits.py) says which one, and how to raise it
    except Exception as exc:  # WeasyPrint raises many kinds; report, don't trace back
        raise CampaignError(f"could not lay out the PDF: {exc}") from exc
    _stop_on_missing(fetcher, failed)
    return laid_out


def _html(html: str, base_url: str, fetcher: Any) -> Any:
    """WeasyPrint's document of ``html``; a batch of sheets read by their shapes (sheettree)."""
    # Imported here: WeasyPrint takes a quarter of a second to import, and only
    # commands that make PDFs should pay for it.
    import cssselect2

    from campaign.pdf.weasy import weasyprint

    install()  # style sheets read once per process (cascade.py)
    shape_once()  # each line's text shaped once, for its layout and its drawing (shaping.py)
    page_styles_once()  # a page's styles computed once for its like pages (pagestyles.py)
    line_styles_once()  # a line's font description and strut, once per style (linestyle.py)
    box_sizes_once()  # used sizes once per style and containing block (boxsizes.py)
    pre_lines_once()  # a preformatted line laid out by Pango once (prelines.py)
    # After prelines: linewidths wraps the split_first_line prelines put in preferred.py.
    line_widths_once()  # a text's widths measured once per document and style (linewidths.py)
    glyph_draw_once()  # a line's glyphs read from Pango a run at a time (glyphdraw.py)
    no_floats_once()  # a line beside no float placed without looking for one (nofloats.py)
    scanning.install()  # tinyhtml5's scanning patterns kept (compose/scanning.py)

    tree = sheet_tree(html) if f'<div {SHEET}="' in html else None
    if tree is None:
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    # What weasyprint.HTML() does once tinyhtml5 has parsed the string (the pinned
    # version, tested by tests/unit/test_sheet_tree.py): the same tree, made faster.
    document = weasyprint.HTML.__new__(weasyprint.HTML)
    document.base_url = weasyprint._find_base_url(tree, base_url)
    document.url_fetcher = fetcher
    document.media_type = "print"
    document.wrapper_element = cssselect2.ElementWrapper.from_html_root(tree, content_language=None)
    document.etree_element = document.wrapper_element.etree_element
    return document


def _stop_on_missing(fetcher: Any, failed: list[str]) -> None:
    """Stop when the letter asked for a file it did not get (refused, or not usable)."""
    base = display_path(getattr(fetcher, "base", Path.cwd()))
    if getattr(fetcher, "refused", None):
        # A picture or style sheet left out would go to print unnoticed: stop instead.
        first = fetcher.refused[0]
        hint = getattr(fetcher, "hints", {}).get(first, HINT)
        raise CampaignError(
            f"{base}/: the letter links to a file that was not read: {first}\n{hint}"
        )
    if failed:  # fetched, and still not used (a picture WeasyPrint could not decode)
        raise CampaignError(
            f"{base}/: the letter asks for a file it cannot use: {failed[0]}\n"
            "  hint: open the file to check that it is what its name says, or save it again"
        )


def write(document: Any, variant: str = "", date: str = "") -> bytes:
    """The PDF bytes of a laid-out document, dated ``date`` (else SOURCE_DATE_EPOCH, else now)."""
    from campaign.pdf.proof import refuse_notdef
    from campaign.pdf.variants import document_date, finish_metadata, tidy, weasyprint_options

    # WeasyPrint writes the same date to the document information and to the XMP
    # metadata, as PDF/A wants; its /ID is a hash of the content.
    document.metadata.created = document.metadata.modified = date or document_date()
    finisher = finish_metadata if variant else None
    with _failures() as failed:
        pdf = document.write_pdf(finisher=finisher, **weasyprint_options(variant))
    # Attachments are fetched, and SVG pictures drawn, only now.
    _stop_on_missing(document.url_fetcher, failed)
    assert isinstance(pdf, bytes)
    pdf = tidy(pdf, variant)
    refuse_notdef(pdf)  # a character no font has would print as an empty box
    return pdf


# How far a box of a sheet may reach past its sheet's edge (CSS px): float rounding only.
_EDGE = 1e-6


def split_sheets(document: Any, height: float) -> Any | None:
    """``document`` with each page cut into one page per sheet stacked on it, ``height`` px each.

    WeasyPrint pays a large cost for every page it lays out (the page box, the styles of
    its sixteen margin boxes, the page's passes), so a batch of small pages (an
    addressee's overlay, an envelope) is laid out as a few tall pages of stacked sheets
    and cut here, before it is drawn: each page drawn holds its own sheet's boxes and
    nothing of its neighbours, moved up to the page's top. A sheet is an in-flow block
    child of the body, exactly ``height`` tall, right below the one before it.

    None when a page is not exactly that (a margin box, room above or below the root,
    the body or a sheet, a box reaching past its sheet, as an element placed on the
    page rather than in its sheet does, a page or canvas background, content counted
    by page): the caller lays the batch out a sheet a page.
    """
    from weasyprint.document import Page

    pages = []
    for page in document.pages:
        page_box = page._page_box  # WeasyPrint's own page: the pinned version is tested
        if len(page_box.children) != 1 or not _flush(page_box):
            return None
        if _painted(page_box.background) or page_box.canvas_background is not None:
            return None  # painted over the whole tall page: each cut would show a slice of it
        root = page_box.children[0]
        if len(root.children) != 1 or not _flush(root) or root.position_y != 0:
            return None
        body = root.children[0]
        if not _flush(body) or body.position_y != 0:
            return None
        sheets: list[Any] = []
        for child in body.children:
            if child.margin_height() == 0 and not child.children:
                continue  # the white space between two sheets
            at = len(sheets) * height
            # Within float rounding: the layout adds the sheets' heights one by one.
            if not child.is_in_normal_flow() or abs(child.position_y - at) > _EDGE:
                return None
            if abs(child.margin_height() - height) > _EDGE or not _inside(child, at, height):
                return None
            sheets.append(child)
        for sheet in sheets:
            down = -sheet.position_y  # its top exactly at the page's
            sheet.translate(0, down)
            if not _move_backgrounds(sheet, down):
                return None
            inner = body.copy_with_children([sheet])
            inner.height = height
            outer = root.copy_with_children([inner])
            outer.height = height
            cut = page_box.copy_with_children([outer])
            cut.height = height
            pages.append(Page(cut))
    return document.copy(pages)


def _move_backgrounds(box: Any, down: float) -> bool:
    """Move the backgrounds of ``box`` and all in it ``down`` px, as its boxes were moved.

    WeasyPrint places backgrounds when it lays a page out, in the page's coordinates,
    apart from the boxes: moving a box does not move its background. False when one
    is fixed to the page (``background-attachment: fixed``): the tall page's, not a sheet's.
    """

    def moved(area: Any) -> Any:
        return area if isinstance(area, str) else (area[0], area[1] + down, *area[2:])

    stack = [box]
    while stack:
        box = stack.pop()
        if (background := getattr(box, "background", None)) is not None:
            if "fixed" in box.style["background_attachment"]:
                return False
            layers = [
                layer._replace(
                    painting_area=moved(layer.painting_area),
                    positioning_area=moved(layer.positioning_area),
                    clipped_boxes=[moved(clip) for clip in layer.clipped_boxes],
                )
                for layer in background.layers
            ]
            box.background = background._replace(layers=layers)
        stack += box.all_children()
    return True


def page_painted(page_box: Any) -> bool:
    """Whether a page paints anything of its own: a background or border of the page box,
    or the canvas's (the root's background), which WeasyPrint draws whatever is on it."""
    sides = ("top", "right", "bottom", "left")
    return (
        _painted(page_box.background)
        or page_box.canvas_background is not None
        or any(page_box.style[f"border_{side}_width"] for side in sides)
    )


def _painted(background: Any) -> bool:
    """Whether a page's ``background`` paints anything (WeasyPrint gives every page one)."""
    if background is None:
        return False
    return bool(background.color.alpha or any(layer.image for layer in background.layers))


def _flush(box: Any) -> bool:
    """Whether ``box`` has no margin, border or padding above or below it."""
    sides = ("margin_top", "margin_bottom", "padding_top", "padding_bottom")
    edges = ("border_top_width", "border_bottom_width")
    return not any(getattr(box, side) for side in sides + edges)


def _inside(box: Any, top: float, height: float) -> bool:
    """Whether ``box`` and all in it stand between ``top`` and ``top + height``, page-free.

    Page-free: no content counted by page, which would count the tall pages, not the sheets.
    """
    stack = [box]
    while stack:
        box = stack.pop()
        y = box.position_y
        if y < top - _EDGE or y + box.margin_height() > top + height + _EDGE:
            return False
        if box.missing_link is not None:
            return False  # counted by page (counter(page), target-counter): the tall page's
        stack += box.all_children()
    return True
