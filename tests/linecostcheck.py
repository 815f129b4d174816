"""Helpers for the tests of pdf/linestyle.py and pdf/boxsizes.py: WeasyPrint's own beside them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import patchcheck
from patchcheck import DATE

from campaign.pdf import linestyle

__all__ = ["DATE", "both", "document", "weasyprint_own"]


def _modules() -> tuple[Any, ...]:
    import weasyprint.css.computed_values as computed_values
    import weasyprint.css.units as units
    import weasyprint.layout.inline as inline
    import weasyprint.text.line_break as line_break

    linestyle.install()  # as laying out any document does
    return line_break, (line_break, inline, units, computed_values)


@contextmanager
def weasyprint_own() -> Iterator[None]:
    """WeasyPrint's own line font descriptions and struts."""
    line_break, strut_modules = _modules()
    shared = line_break.get_font_description, line_break.strut
    describe, strut = line_break.campaign_unshared
    line_break.get_font_description = describe
    for module in strut_modules:
        module.strut = strut
    try:
        yield
    finally:
        line_break.get_font_description = shared[0]
        for module in strut_modules:
            module.strut = shared[1]


def both(html: str, tmp_path: Path) -> tuple[bytes, bytes]:
    """The PDF as WeasyPrint alone makes it, and as made here (dated alike)."""
    return patchcheck.both(html, tmp_path, weasyprint_own)


def document(css: str, body: str) -> str:
    """A page of ``body`` styled by ``css``, in the faces the templates name."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><style>"
        "@page { size: A6; margin: 12mm } html { font: 9pt/1.35 'Noto Serif', serif;"
        " overflow-wrap: break-word } [lang|=ja] { font-family: 'Noto Sans CJK JP' }"
        " [lang|=ar] { font-family: 'Noto Naskh Arabic' }"
        f" {css}</style></head><body>{body}</body></html>"
    )
