"""HTML to PDF with WeasyPrint, allowed to read files of the workspace and nothing else.

Everything that lays out pages goes through this module, so a faster strategy (shared
pages laid out once) can replace ``render_pdf`` without touching the rest.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from campaign.errors import CampaignError


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class WorkspaceFetcher(URLFetcher):  # type: ignore[misc]
        """Serves ``file:`` URLs inside the workspace and ``data:`` URLs; refuses the rest."""

        def __init__(self, root: Path) -> None:
            super().__init__(allowed_protocols=("file", "data"))
            self.root = root.resolve()

        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme != "file":
                raise ValueError(f"refused to fetch {url}: only files in the workspace")
            # resolve() follows symlinks, so a link pointing outside is refused as well.
            target = Path(unquote(parts.path)).resolve()
            if not target.is_relative_to(self.root) or not target.is_file():
                raise ValueError(f"refused to fetch {url}: outside the workspace")
            return URLFetcherResponse(target.as_uri(), target.read_bytes())

    return WorkspaceFetcher


def layout(html: str, base: Path, root: Path) -> Any:
    """Lay out ``html`` into pages (a WeasyPrint document), ready to measure or write."""
    # Imported here: WeasyPrint takes about half a second to import, and only
    # commands that make PDFs should pay for it.
    import weasyprint

    fetcher = _fetcher_class()(root)
    document = weasyprint.HTML(string=html, base_url=base.as_uri() + "/", url_fetcher=fetcher)
    try:
        return document.render()
    except Exception as exc:  # WeasyPrint raises many kinds; report, don't trace back
        raise CampaignError(f"could not lay out the PDF: {exc}") from exc


def write(document: Any) -> bytes:
    """The PDF bytes of a laid-out document."""
    pdf = document.write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


def render_pdf(html: str, base: Path, root: Path) -> bytes:
    """Lay out ``html`` (relative links resolved from ``base``) and return the PDF bytes.

    Elements marked ``data-fit`` (address labels) are first laid out at the type size
    the template gives them, then set again smaller where their text overflows the box.
    """
    document = layout(html, base, root)
    if FIT in html:
        sizes = fitted_sizes(document)
        if sizes:
            rules = "".join(f"#{key}{{font-size:{pt}pt}}" for key, pt in sizes.items())
            document = layout(
                html.replace("</head>", f"<style>{rules}</style></head>", 1), base, root
            )
    return write(document)


FIT = " data-fit"
MIN_FIT_PT = 5.0


def fitted_sizes(document: Any) -> dict[str, float]:
    """For each overflowing ``data-fit`` element (by id), the type size at which it fits."""
    from weasyprint.formatting_structure.boxes import BlockBox

    sizes = {}
    for page in document.pages:
        for found in page._page_box.descendants():
            box = getattr(found, "_box", found)  # an absolute box sits in a placeholder
            if not isinstance(box, BlockBox) or box.element is None:
                continue
            if box.element.get("data-fit") is None:
                continue
            left, top = box.content_box_x(), box.content_box_y()
            right, bottom = left, top
            for inner in box.descendants():
                if inner is not box:
                    right = max(right, inner.position_x + inner.margin_width())
                    bottom = max(bottom, inner.position_y + inner.margin_height())
            scale = min(
                1.0, box.width / max(right - left, 1.0), box.height / max(bottom - top, 1.0)
            )
            if scale < 1.0:
                current = box.style["font_size"] * 0.75  # CSS px to pt
                # Rounded down to a tenth, so rounding never pushes the text past the edge.
                sizes[box.element.get("id")] = max(MIN_FIT_PT, int(current * scale * 10) / 10)
    return sizes


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
