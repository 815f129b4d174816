"""HTML to PDF with WeasyPrint, allowed to read files of the workspace and nothing else.

Everything that lays out pages goes through this module, so a faster strategy (shared
pages laid out once) can replace ``render_pdf`` without touching the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from campaign.errors import CampaignError, display_path


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class WorkspaceFetcher(URLFetcher):  # type: ignore[misc]
        """Serves ``file:`` URLs inside the workspace and ``data:`` URLs; refuses the rest."""

        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.root = root.resolve()
            self.refused: list[str] = []  # why each refused URL was refused

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme != "file":
                return self._refuse(f"{url} (the network is never used)")
            # resolve() follows symlinks, so a link pointing outside is refused as well.
            target = Path(unquote(parts.path)).resolve()
            if not target.is_relative_to(self.root):
                return self._refuse(f"{display_path(target)} (outside the workspace)")
            if not target.is_file():
                return self._refuse(f"{display_path(target)} (no such file)")
            return URLFetcherResponse(target.as_uri(), target.read_bytes())

        def _refuse(self, why: str) -> Any:
            # WeasyPrint reports a failed fetch only to its logger and goes on without
            # the file; it is remembered here so that layout() can stop the build.
            self.refused.append(why)
            raise ValueError(why)

    return WorkspaceFetcher


def layout(html: str, base: Path, root: Path, variant: str = "") -> Any:
    """Lay out ``html`` into pages (a WeasyPrint document), ready to measure or write.

    ``variant`` ('pdf/a-3b', 'pdf/ua-1' or '') must be the one ``write`` is given.
    """
    # Imported here: WeasyPrint takes about half a second to import, and only
    # commands that make PDFs should pay for it.
    import weasyprint

    from campaign.pdfvariant import weasyprint_options

    fetcher = _fetcher_class()(root)
    document = weasyprint.HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher)
    try:
        laid_out = document.render(**weasyprint_options(variant))
    except MemoryError:
        raise  # the memory limit (limits.py) says which one, and how to raise it
    except Exception as exc:  # WeasyPrint raises many kinds; report, don't trace back
        raise CampaignError(f"could not lay out the PDF: {exc}") from exc
    if fetcher.refused:
        # A picture or style sheet left out would go to print unnoticed: stop instead.
        raise CampaignError(
            f"{display_path(base)}/: the letter links to a file that was not read: "
            f"{fetcher.refused[0]}\n"
            "  hint: only files inside the workspace are read, never the network; copy "
            "the file into the letter's folder and link to it by its name"
        )
    return laid_out


def write(document: Any, variant: str = "", date: str = "") -> bytes:
    """The PDF bytes of a laid-out document, dated ``date`` (else SOURCE_DATE_EPOCH, else now)."""
    from campaign.pdfvariant import document_date, finish_metadata, tidy, weasyprint_options

    # WeasyPrint writes the same date to the document information and to the XMP
    # metadata, as PDF/A wants; its /ID is a hash of the content.
    document.metadata.created = document.metadata.modified = date or document_date()
    finisher = finish_metadata if variant else None
    pdf = document.write_pdf(finisher=finisher, **weasyprint_options(variant))
    assert isinstance(pdf, bytes)
    return tidy(pdf, variant)


def render_pdf(html: str, base: Path, root: Path, variant: str = "", date: str = "") -> bytes:
    """Lay out ``html`` (relative links resolved from ``base``) and return the PDF bytes.

    Elements marked ``data-fit`` (address labels) are first laid out at the type size
    the template gives them, then set again smaller where their text overflows the box;
    a line too long even at the smallest size is allowed to wrap.
    """
    document = layout(html, base, root, variant)
    if FIT not in html:
        return write(document, variant, date)
    fits: dict[str, tuple[float, bool]] = {}
    for _ in range(3):  # shrink (or wrap), then measure wrapped text again
        changed = fitted_sizes(document, fits)
        if not changed:
            break
        fits.update(changed)
        rules = "".join(
            f"#{key}{{font-size:{pt}pt}}"
            + (f"#{key} span{{white-space:normal;overflow-wrap:anywhere}}" if wrap else "")
            for key, (pt, wrap) in fits.items()
        )
        styled = html.replace("</head>", f"<style>{rules}</style></head>", 1)
        document = layout(styled, base, root, variant)
        if not any(wrap for _, wrap in fits.values()):
            break  # type scales in proportion: shrunk once, it fits; wrapped text is measured
    return write(document, variant, date)


FIT = " data-fit"
MIN_FIT_PT = 5.0


def fitted_sizes(
    document: Any, fits: dict[str, tuple[float, bool]]
) -> dict[str, tuple[float, bool]]:
    """For each overflowing ``data-fit`` element (by id): a type size, and whether to wrap."""
    from weasyprint.formatting_structure.boxes import BlockBox

    changed = {}
    for page in document.pages:
        for found in page._page_box.descendants():
            box = getattr(found, "_box", found)  # an absolute box sits in a placeholder
            if not isinstance(box, BlockBox) or box.element is None:
                continue
            key = box.element.get("id")
            if box.element.get("data-fit") is None or not key:
                continue
            left, top = box.content_box_x(), box.content_box_y()
            right, bottom = left, top
            for inner in box.descendants():
                if inner is not box:
                    right = max(right, inner.position_x + inner.margin_width())
                    bottom = max(bottom, inner.position_y + inner.margin_height())
            wide = box.width / max(right - left, 1.0)
            tall = box.height / max(bottom - top, 1.0)
            if min(wide, tall) >= 1.0:
                continue
            current = box.style["font_size"] * 0.75  # CSS px to pt
            # Rounded down to a tenth, so rounding never pushes the text past the edge.
            size = int(current * min(wide, tall) * 10) / 10
            wrap = fits.get(key, (0.0, False))[1]
            if size < MIN_FIT_PT:
                # Too long for one line even in the smallest type: let it wrap (a word
                # longer than the box breaks too), at the size where the longest line
                # takes two; the next pass shrinks it further if it is now too tall.
                size = max(MIN_FIT_PT, int(current * min(2 * wide, tall, 1.0) * 10) / 10)
                wrap = True
            if (size, wrap) != fits.get(key):
                changed[key] = (size, wrap)
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
