"""WeasyPrint imported through campaign.pdf.weasy (no compiler run) by what lays out.

Broke: a process's first layout (render_pdf, engine.layout) made its URL fetcher,
importing weasyprint.urls, before _html imported WeasyPrint through weasy; so the first
import was WeasyPrint's own, and gcc and ld ran for its libraries in every process that
laid out a PDF without the fork server's preload (54 programs, 22 of them ldconfig).
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's search")

# A fresh interpreter: the programs it starts while it runs LAYOUT, which sets ``pdf``.
SETUP = """
import ctypes.util, json, subprocess, sys, tempfile
from pathlib import Path
started = []
real_init = subprocess.Popen.__init__
def recording(self, args, *rest, **named):
    started.append(str(args[0] if isinstance(args, (list, tuple)) else args))
    real_init(self, args, *rest, **named)
subprocess.Popen.__init__ = recording
search = ctypes.util.find_library
"""
REPORT = """
print(json.dumps({
    "started": sorted({p.rsplit("/", 1)[-1] for p in started}),
    "pdf": pdf[:5].decode(),
    "restored": ctypes.util.find_library is search,
    "weasy": "campaign.pdf.weasy" in sys.modules,
}))
"""
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
EXPECTED = {"started": ["ldconfig"], "pdf": "%PDF-", "restored": True, "weasy": True}


def _run(code: str) -> dict[str, Any]:
    """What running ``code`` reported, in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_a_processs_first_layout_imports_weasyprint_without_a_compiler() -> None:
    # Broke: started ["gcc", "ld", "ldconfig"] (WeasyPrint's own import, by the fetcher).
    assert _run(SETUP + RENDER + REPORT) == EXPECTED


def test_the_fetcher_alone_imports_weasyprint_through_weasy() -> None:
    # What a layout makes first, before its document: it alone takes the fast import.
    assert _run(SETUP + FETCHER + REPORT) == EXPECTED
