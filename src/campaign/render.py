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
    """Lay out ``html`` (relative links resolved from ``base``) and return the PDF bytes."""
    return write(layout(html, base, root))


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
