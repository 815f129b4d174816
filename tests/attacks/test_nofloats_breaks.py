"""Hostile documents for pdf/nofloats.py: WeasyPrint's own avoid_collisions gives the same bytes."""

from __future__ import annotations

from html import escape
from pathlib import Path

import patchcheck

TEXT = escape("Amnesty International, Human Rights Watch and the Citizens' Alliance " * 3)


def check(body: str, tmp_path: Path, style: str = "") -> None:
    html = patchcheck.page(body)
    if style:
        html = html.replace("</style>", style + "</style>", 1)
    own, ours = patchcheck.both(html, tmp_path, patchcheck.nofloats_undone)
    assert ours == own


# Attacks lines outside the body flow: @page margin boxes, footnotes, fixed and
# absolute boxes, each in both directions and with borders of their own.
def test_margin_boxes_footnotes_and_fixed_boxes(tmp_path: Path) -> None:
    style = (
        "@page { @top-center { content: 'Head of page, a long running title'"
        "; border: 1px solid; padding: 1.3px 2.7px; direction: rtl }"
        " @bottom-left { content: counter(page) ' of ' counter(pages) } }"
        " .fn { float: footnote } ::footnote-call { font-size: 7pt }"
    )
    body = (
        f"<p>{TEXT}<span class=fn>A note {TEXT}</span> {TEXT}</p>"
        f'<div style="position: fixed; bottom: 3mm; left: 7.3px; width: 33.3%;'
        f' direction: rtl; padding-left: 0.1px">{TEXT}</div>'
        f'<div style="position: absolute; top: 20mm; right: 1.1mm; width: 41.7mm;'
        f' border-left: 3.3px solid">{TEXT}</div>'
    )
    check(body * 2, tmp_path, style)


# Attacks direction set on an inline vs its block, bidi overrides, vertical
# writing-mode, negative and percentage text-indent, fractional edges.
def test_direction_on_lines_vs_blocks_and_fractional_edges(tmp_path: Path) -> None:
    body = (
        f'<p style="direction: rtl; unicode-bidi: bidi-override; text-indent: -7.77%;'
        f' margin: 0 1.234567px 0 3.3333px; padding: 0 0.1px">{TEXT} ع {TEXT}</p>'
        f'<p style="direction: ltr"><span style="direction: rtl;'
        f' unicode-bidi: embed">{TEXT}</span></p>'
        f'<p style="unicode-bidi: plaintext">ع {TEXT}</p>'
        f'<div dir="rtl" style="border-right: 2.71828px solid; padding: 0 3.14159px">'
        f'<p dir="ltr" style="text-indent: 13.7%">{TEXT}</p></div>'
        f'<p style="writing-mode: vertical-rl">{TEXT}</p>'
        f'<p dir="rtl" style="text-align: justify; text-align-last: end;'
        f' margin-right: -4.4px">{TEXT}</p>'
    )
    check(body * 2, tmp_path)


# Attacks floats that end mid-paragraph, sit on a previous page, are cleared,
# and floats in a new formatting context (inline-block, cell) beside plain lines.
def test_floats_ending_mid_paragraph_and_across_pages(tmp_path: Path) -> None:
    body = (
        '<div style="float: right; width: 31.7mm; height: 190mm"></div>'
        f"<p>{TEXT * 4}</p>"
        '<div style="float: left; width: 11.1mm; height: 5.5mm"></div>'
        f'<p dir="rtl">{TEXT}</p><p style="clear: both">{TEXT}</p>'
        '<p>x <span style="display: inline-block; width: 50mm">'
        f'<span style="float: inline-end; width: 9mm; height: 4mm"></span>{TEXT}</span>'
        f" {TEXT}</p><table><tr><td>{TEXT}</td><td dir=rtl>"
        f'<div style="float: inline-start; width: 7mm; height: 3mm"></div>{TEXT}</td>'
        "</tr></table>"
    )
    check(body * 2, tmp_path)


# Attacks flex and grid items (flex contexts keep a FakeList of shapes), columns
# with a float, and line-less blocks: empty lines, zero-height floats.
def test_flex_grid_columns_and_zero_height_floats(tmp_path: Path) -> None:
    body = (
        f'<div style="display: flex; gap: 1.7mm"><div>{TEXT}</div>'
        f'<div dir="rtl" style="padding: 0 2.2px"><span style="float: left;'
        f' width: 5mm; height: 5mm"></span>{TEXT}</div></div>'
        f'<div style="display: grid; grid-template-columns: 1fr 2fr">'
        f"<div>{TEXT}</div><div dir=rtl>{TEXT}</div></div>"
        f'<div style="columns: 3; column-gap: 3.3mm"><div style="float: right;'
        f' width: 8mm; height: 12mm"></div>{TEXT} {TEXT}</div>'
        '<p><span style="float: left; height: 0; width: 20mm"></span>'
        f'<span style="float: right; height: 0"></span>{TEXT}</p>'
        "<p></p><p> </p><p><br></p>"
    )
    check(body * 2, tmp_path)


# Attacks list markers inside and outside in both directions, ::first-line and
# ::first-letter styles (a floated first letter, or an outside marker with content,
# makes WeasyPrint 70 itself raise).
def test_markers_first_line_and_first_letter(tmp_path: Path) -> None:
    style = (
        " p::first-line { font-size: 15pt; direction: rtl; letter-spacing: 0.3px }"
        " p::first-letter { font-size: 30pt; margin: 0 2.3px; padding-left: 1.7px }"
        " ul li::marker { content: 'long marker text: ' }"
    )
    body = (
        f"<p>{TEXT}</p>"
        f'<ol dir="rtl" style="list-style-position: outside"><li>{TEXT}</li></ol>'
        f'<ul style="list-style-position: inside; padding: 0 1.11px"><li dir=rtl>{TEXT}'
        f"</li><li>{TEXT}</li></ul>"
    )
    check(body * 2, tmp_path, style)


# Attacks many fractional containing-block edges at once, where any change in the
# order of additions would show in the last bits of a line's x.
def test_fractional_edges_in_nested_blocks(tmp_path: Path) -> None:
    cells = []
    for i in range(1, 9):
        edge = f"{i * 0.3333:.4f}px"
        side = "rtl" if i % 2 else "ltr"
        cells.append(
            f'<div dir="{side}" style="margin: 0 {edge} 0 {i * 1.1:.2f}px; padding: 0 {edge};'
            f' border-left: {i / 7:.5f}px solid; text-indent: {i * 0.77:.3f}%">'
        )
    body = "".join(cells) + TEXT + "</div>" * len(cells)
    check(body * 3, tmp_path)
