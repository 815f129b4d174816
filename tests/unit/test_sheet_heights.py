"""Sheets of any height stacked on a tall page are cut, each into a page of its own.

The layout places each sheet by adding the heights before it one by one, which differs
from ``n × height`` by float rounding: sheets of 162 mm (C5) and 235 mm (長形3号) were
once never cut, and their envelopes were laid out again a page each.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from weasyprint.formatting_structure.boxes import TextBox

from campaign.pdf.engine import layout, split_sheets

PX_PER_MM = 96 / 25.4


def stacked(height_mm: float, count: int) -> str:
    """``count`` sheets ``height_mm`` tall, all on one page a millimetre taller."""
    style = (
        f"@page {{ size: 100mm {height_mm * count + 1}mm; margin: 0; }} html, body {{ margin: 0; }}"
        f".sheet {{ position: relative; height: {height_mm}mm; overflow: hidden; }}"
        ".sheet span { display: block; padding: 5mm 10mm 0; }"
    )
    sheets = "".join(f'<div class="sheet"><span>Sheet {n}</span></div>' for n in range(count))
    return f"<!DOCTYPE html><html><head><style>{style}</style></head><body>{sheets}</body></html>"


@settings(max_examples=20, deadline=None)
@given(
    height_mm=st.decimals(min_value=20, max_value=300, places=3).map(float),
    count=st.integers(min_value=2, max_value=30),
)
@example(height_mm=162.0, count=25)
@example(height_mm=235.0, count=25)
@example(height_mm=4.125 * 25.4, count=25)  # #10
def test_stacked_sheets_of_any_height_are_cut_a_page_each(height_mm: float, count: int) -> None:
    document = layout(stacked(height_mm, count), Path.cwd(), Path.cwd())
    assert len(document.pages) == 1
    cut = split_sheets(document, height_mm * PX_PER_MM)
    assert cut is not None
    assert len(cut.pages) == count
    for n, page in enumerate(cut.pages):
        assert abs(page.height - height_mm * PX_PER_MM) < 1e-6
        texts = [b for b in page._page_box.descendants() if isinstance(b, TextBox)]
        assert [t.text for t in texts] == [f"Sheet {n}"]
        assert all(0 <= t.position_y < height_mm * PX_PER_MM for t in texts)
