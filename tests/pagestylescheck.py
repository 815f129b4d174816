"""Helpers for the tests of pdf/pagestyles.py: WeasyPrint's own page styles beside the shared."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import patchcheck
from patchcheck import DATE

from campaign.pdf import pagestyles

__all__ = ["DATE", "both", "counting", "own", "weasyprint_own"]


def _page_module() -> Any:
    import weasyprint.layout.page

    pagestyles.install()  # as laying out any document does
    return weasyprint.layout.page


@contextmanager
def weasyprint_own() -> Iterator[None]:
    """WeasyPrint's own page styles while inside, the shared ones again after."""
    page = _page_module()
    shared = page.set_page_type_computed_styles
    page.set_page_type_computed_styles = page.campaign_computed
    try:
        yield
    finally:
        page.set_page_type_computed_styles = shared


def own(html: str, tmp_path: Path) -> bytes:
    """The PDF with WeasyPrint's own page styles."""
    return patchcheck.own(html, tmp_path, weasyprint_own)


def both(html: str, tmp_path: Path) -> tuple[bytes, bytes]:
    """The PDF with WeasyPrint's own page styles, and with shared ones (dated alike)."""
    return patchcheck.both(html, tmp_path, weasyprint_own)


@contextmanager
def counting() -> Iterator[dict[str, int]]:
    """How many pages had WeasyPrint compute their styles, how many took a like page's."""
    page = _page_module()
    seen = {"computed": 0, "shared": 0}
    shared = page.set_page_type_computed_styles
    computed = page.campaign_computed

    def counting_own(page_type: Any, html: Any, style_for: Any) -> None:
        seen["computed"] += 1
        computed(page_type, html, style_for)

    def counted(page_type: Any, html: Any, style_for: Any) -> None:
        before = seen["computed"]
        shared(page_type, html, style_for)
        seen["shared"] += seen["computed"] == before

    # The shared function calls WeasyPrint's through its closure: count through it.
    cells = shared.__closure__
    assert cells is not None
    cell = next(c for c in cells if c.cell_contents is computed)
    cell.cell_contents = counting_own
    page.set_page_type_computed_styles = counted
    try:
        yield seen
    finally:
        cell.cell_contents = computed
        page.set_page_type_computed_styles = shared
