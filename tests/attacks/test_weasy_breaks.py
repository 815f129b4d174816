"""WeasyPrint imported through campaign.pdf.weasy (no compiler run) by what lays out.

Broke: a process's first layout (render_pdf, engine.layout) made its URL fetcher,
importing weasyprint.urls, before _html imported WeasyPrint through weasy; so the first
import was WeasyPrint's own, and gcc and ld ran for its libraries in every process that
laid out a PDF without the fork server's preload (54 programs, 22 of them ldconfig).
"""

from __future__ import annotations

import sys

import pytest
from importprobe import probe

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's search")

RENDER = """
from campaign.pdf.render import render_pdf
folder = Path(tempfile.mkdtemp())
pdf = render_pdf("<p style='white-space: pre'>Omar Ota\\nJapan</p>", folder, folder)
"""
FETCHER = """
from campaign.pdf.engine import _fetcher_class
_fetcher_class()
pdf = b"%PDF-"
"""


def _laid_out(code: str) -> dict[str, object]:
    """What matters here of running ``code``: the programs started, the PDF, the import."""
    done = probe(code)
    return {k: done[k] for k in ("started", "pdf", "restored", "weasy")} | {
        "started": sorted(set(done["started"]))
    }


EXPECTED = {"started": ["ldconfig"], "pdf": "%PDF-", "restored": True, "weasy": True}


def test_a_processs_first_layout_imports_weasyprint_without_a_compiler() -> None:
    # Broke: started ["gcc", "ld", "ldconfig"] (WeasyPrint's own import, by the fetcher).
    assert _laid_out(RENDER) == EXPECTED


def test_the_fetcher_alone_imports_weasyprint_through_weasy() -> None:
    # What a layout makes first, before its document: it alone takes the fast import.
    assert _laid_out(FETCHER) == EXPECTED
