"""A style sheet read once per process and used for every document that carries it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from campaign.errors import CampaignError
from campaign.pdf import cascade
from campaign.pdf.render import render_pdf

from conftest import tiny_png

# Page rules (size, margins, a margin box) are what a sheet adds to the document beyond
# its own selectors: a sheet taken from the cache must bring them again.
PAGED = (
    "<style>@page { size: 100mm 50mm; margin: 5mm; @top-center { content: 'Running title' } }"
    " p { color: #123456 }</style>"
)


def _pages(pdf: bytes) -> list[tuple[float, float, str]]:
    """Each page's size in mm and its text."""
    pages = PdfReader(io.BytesIO(pdf)).pages
    return [
        (
            round(float(p.mediabox.width) * 25.4 / 72, 1),
            round(float(p.mediabox.height) * 25.4 / 72, 1),
            p.extract_text(),
        )
        for p in pages
    ]


def test_a_kept_sheet_brings_its_page_rules_to_every_document(tmp_path: Path) -> None:
    first = render_pdf(f"{PAGED}<p>First letter</p>", tmp_path, tmp_path)
    key = next(k for k in cascade._KEPT if "Running title" in k[0])
    sheet = cascade._KEPT[key][0]
    second = render_pdf(f"{PAGED}<p>Second letter</p>", tmp_path, tmp_path)
    assert cascade._KEPT[key][0] is sheet  # read once
    assert _pages(first) == [(100.0, 50.0, "First letter\nRunning title")]
    assert _pages(second) == [(100.0, 50.0, "Second letter\nRunning title")]


def test_a_kept_sheet_still_fetches_through_each_documents_own_fetcher(tmp_path: Path) -> None:
    """A picture a sheet names is fetched when each document is laid out, and checked then."""
    ws = tmp_path / "ws"
    ws.mkdir()
    (tmp_path / "secret.png").write_bytes(tiny_png())
    (ws / "logo.png").write_bytes(tiny_png())
    style = "<style>p { background: url({}) no-repeat; padding: 1cm }</style><p>x</p>"
    for _ in range(2):
        with pytest.raises(CampaignError, match=r"secret\.png \(outside the workspace\)"):
            render_pdf(style.replace("{}", "../secret.png"), ws, ws)
        pdf = render_pdf(style.replace("{}", "logo.png"), ws, ws)
        assert sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages) == 1


@pytest.mark.parametrize(
    ("css", "kept"),
    [
        ("p { color: red }", True),
        ("@page { size: A4; @bottom-center { content: counter(page) } } @media print {}", True),
        ("@supports (display: grid) { p {} } @page :first { @top-left-corner {} }", True),
        ("@font-face { font-family: x; src: url(x.woff) }", False),
        ("@FONT-FACE { font-family: x; src: url(x.woff) }", False),
        ("@import 'more.css';", False),
        (r"@\69 mport 'more.css';", False),  # an escaped name: judged by reading, not kept
        ("@layer base { p {} }", False),
        ("@counter-style x { system: cyclic; symbols: a }", False),
        ("@color-profile --x { src: url(x.icc) }", False),
        ("p::after { content: 'a@b' }", False),  # '@' in a string: read each time, harmlessly
        ("p { color: red }" + " " * cascade._KEPT_CHARS, False),
    ],
)
def test_which_sheets_are_kept(css: str, kept: bool) -> None:
    assert cascade._keeps(css) is kept
