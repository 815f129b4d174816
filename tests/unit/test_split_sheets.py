"""Sheets laid out stacked on tall pages, then cut, are the pages laid out one by one."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pikepdf
import pytest

from campaign.pdf.engine import layout, split_sheets, write

from conftest import pictures

SHEET = "@page {{ size: 120mm {height}; margin: 0; }} html, body {{ margin: 0; }}"
STYLE = (
    ".sheet { position: relative; height: 50mm; overflow: hidden; font: 11pt sans-serif; }"
    ".sheet .to { position: absolute; left: 40mm; top: 20mm; width: 70mm; }"
    ".sheet span { display: block; }"
)
ONE_A_PAGE = ".sheet + .sheet { break-before: page; }"
NAMES = [f"Addressee {n} Example" for n in range(7)]


def html(extra: str, per_page: int, names: list[str] = NAMES) -> str:
    """Envelope-like sheets, one a page or ``per_page`` stacked on a tall page."""
    height = f"{50 * per_page}mm"
    sheets = "\n".join(
        f'<div class="sheet"><div class="to"><span>{name}</span><span>Street {n}</span>'
        f"<span>Tokyo</span></div></div>"
        for n, name in enumerate(names)
    )
    style = SHEET.format(height=height) + STYLE + (ONE_A_PAGE if per_page == 1 else "") + extra
    head = f"<!DOCTYPE html><html><head><style>{style}</style></head>"
    return f"{head}<body>\n{sheets}\n</body></html>"


def pages_read(pdf: bytes, tmp_path: Path) -> list[str]:
    """What a reader reads on each page, as pdftotext lays it out."""
    path = tmp_path / "read.pdf"
    path.write_bytes(pdf)
    with pikepdf.open(path) as opened:
        count = len(opened.pages)
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize("per_page", [1, 3, 7, 10])
def test_cut_sheets_read_and_look_as_pages_laid_out_one_by_one(
    tmp_path: Path, per_page: int
) -> None:
    one = layout(html("", 1), tmp_path, tmp_path)
    height = one.pages[0].height
    cut = split_sheets(layout(html("", per_page), tmp_path, tmp_path), height)
    assert cut is not None
    alone, stacked = write(one, date="2020-02-13"), write(cut, date="2020-02-13")
    read = pages_read(stacked, tmp_path)
    assert read == pages_read(alone, tmp_path)
    # Each page holds its own sheet and nothing of its neighbours, not even out of sight.
    assert [page.split()[:3] for page in read] == [name.split() for name in NAMES]
    with pikepdf.open(tmp_path / "read.pdf") as opened:
        for n, page in enumerate(opened.pages):
            shown = [op for _, op in pikepdf.parse_content_stream(page) if str(op) == "Tj"]
            shown += [op for _, op in pikepdf.parse_content_stream(page) if str(op) == "TJ"]
            assert len(shown) == 3, n  # its three lines
    assert pictures(stacked) == pictures(alone)


@pytest.mark.parametrize(
    "extra",
    [
        ".sheet .to { background: #777; border-radius: 3mm; }",
        ".sheet .to { background: linear-gradient(#000, #fff) content-box; padding: 1mm; }",
        ".sheet span:last-child { background: radial-gradient(#000, #fff); }",
    ],
)
def test_backgrounds_are_cut_with_their_sheets(tmp_path: Path, extra: str) -> None:
    # WeasyPrint places a background when it lays the page out, apart from its box.
    one = layout(html(extra, 1), tmp_path, tmp_path)
    cut = split_sheets(layout(html(extra, 3), tmp_path, tmp_path), one.pages[0].height)
    assert cut is not None
    alone, stacked = write(one, date="2020-02-13"), write(cut, date="2020-02-13")
    assert pictures(stacked) == pictures(alone)


@pytest.mark.parametrize(
    "extra",
    [
        # An element placed on the page, not in its sheet: it would show on the first alone.
        ".sheet { position: static; }",
        "body { padding-top: 2mm; }",  # room above the first sheet only
        "html { border-bottom: 1px solid black; }",
        ".sheet:nth-child(3) { height: 40mm; }",  # a sheet not of the page's height
        ".sheet { margin-bottom: 1mm; }",
        "@page { @top-center { content: 'Envelope ' counter(page); } }",  # a margin box
        ".sheet .to { top: 45mm; }",  # its address reaching past the sheet's foot
        # A background placed on the tall page, not on its sheet.
        ".sheet .to { background: linear-gradient(#000, #fff) fixed; }",
    ],
)
def test_a_page_that_is_not_exactly_stacked_sheets_is_not_cut(tmp_path: Path, extra: str) -> None:
    one = layout(html("", 1), tmp_path, tmp_path)
    assert split_sheets(layout(html(extra, 3), tmp_path, tmp_path), one.pages[0].height) is None
