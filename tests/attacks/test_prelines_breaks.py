"""One-layout preformatted lines (campaign/pdf/prelines.py) against hostile documents.

Each test renders a hostile document with WeasyPrint's own ``split_first_line`` and with
the patch, dated alike, and wants the same bytes. None broke: these are the strongest
of the attempts (first-line and first-letter styles, inline boxes across the newlines,
ellipses and clamped lines, tabs, spacing, bidi controls, combining marks after a
newline, shrink-to-fit boxes, columns and page breaks, margin boxes, the variants).
"""

from __future__ import annotations

from pathlib import Path

import patchcheck
import pytest

from campaign.pdf.proof import pdf_text
from campaign.pdf.render import render_pdf

DATE = "2020-05-01T00:00:00Z"
ADDRESS = "Omar Ota\nRoom 300 <b>bold</b> x\nJapan\n"
LONG = "\n".join(f"line {n}" for n in range(90))

DOCUMENTS = {
    # The first line has a style of its own: its layout is made again with it.
    "first-line": (
        f'<p style="white-space: pre">{ADDRESS}</p>',
        "p::first-line { font-size: 20pt; letter-spacing: 2pt; word-spacing: 3pt }",
    ),
    "first-letter": (
        '<p style="white-space: pre">"\nabc\ndef</p><p style="white-space: pre">x\ny</p>',
        "p::first-letter { font-size: 30pt } p + p::first-letter { float: left }",
    ),
    # Newlines at the start, the end and the middle of inline boxes.
    "inline boxes": (
        '<p style="white-space: pre">abc<span style="color: red">\ndef\n</span>ghi\njkl'
        "<sub>m\nn</sub>o<sup>\np</sup><i>\n</i>\n<b>q</b>\n</p>",
        "",
    ),
    "inherited": (
        '<div style="white-space: pre">a\n<span>b\nc</span>\n<p>d\n</p>e<i>\nf</i></div>',
        "",
    ),
    # The drawing sets the layout's width (ellipsis) or its text (clamped lines).
    "ellipsis": (
        '<p style="white-space: pre; overflow: hidden; text-overflow: ellipsis; width: 30mm">'
        "a very long line that overflows its box\nsecond long line, too long also\nx</p>",
        "",
    ),
    "clamped": (
        '<p style="white-space: pre; line-clamp: 2; overflow: hidden; letter-spacing: 1pt">'
        "abc def\nghi jkl\n日本語\nmno</p>",
        "",
    ),
    # A text set twice keeps its first text's spacing and tabs: only the last is drawn.
    "spacing": (
        '<p style="white-space: pre; letter-spacing: 2pt">abc\ndef \n ghi\n\tj\n k</p>'
        '<p style="white-space: pre; letter-spacing: 3pt; word-spacing: 5pt">a b \n c\n \ne</p>'
        '<p style="white-space: pre; overflow-wrap: anywhere; letter-spacing: -1pt">'
        "日本\n語\n</p>",
        "",
    ),
    "tabs": (
        '<p style="white-space: pre; tab-size: 0">a\tb\n\tc\td\ne</p>'
        '<p style="white-space: pre; tab-size: 20mm">a\tb\n\tc\n\t</p>'
        '<p style="white-space: pre; tab-size: 1; text-indent: 5mm">a\n\tb\t\n\te</p>',
        "",
    ),
    "sizes": (
        f'<p style="white-space: pre; line-height: 0">{ADDRESS}</p>'
        f'<p>x<span style="white-space: pre; font-size: 0">{ADDRESS}</span>y</p>'
        f'<p style="white-space: pre; line-height: 3; text-decoration: underline">{ADDRESS}</p>',
        "",
    ),
    # Bidi controls, joiners and combining marks on either side of a newline.
    "characters": (
        '<p style="white-space: pre">a\u00a0\nb\u200d\n\u200dc\n\u0301d\ne\u0301\n\u200b\n'
        "x\u200b\n\ufeffy\n\u2060z\n\u202ea b\nc\u202c d\n\u2067abc\n\u2069x\n\u200fy\n"
        "a\rb\r\nc\r\rd\n\re</p>"
        '<p style="white-space: pre; direction: rtl; unicode-bidi: bidi-override">'
        "abc def\nمرحبا abc\nx</p>"
        '<p style="white-space: pre; unicode-bidi: plaintext">مرحبا abc\nabc مرحبا\n</p>',
        "",
    ),
    "features": (
        "<p style=\"white-space: pre; font-feature-settings: 'smcp' 1, 'liga' 0;"
        ' font-kerning: none">ffi AVA\nfi 123\n</p>'
        '<p lang="tr" style="white-space: pre; text-transform: uppercase">iıi\nyes</p>',
        "",
    ),
    # Widths measured from the text: every line is laid out for them too.
    "shrink to fit": (
        '<table><tr><td style="white-space: pre">a\nbb bb\nccc</td><td>x</td></tr></table>'
        '<div style="float: right; white-space: pre">a\nlong long line\nb</div>'
        '<p>a<span style="display: inline-block; white-space: pre">b\nc</span>d</p>'
        '<div style="display: flex"><div style="white-space: pre">a\nbbbb\nc</div></div>'
        '<div style="display: grid; grid-template-columns: auto auto">'
        '<div style="white-space: pre">a\nbbbb\nc</div><div>z</div></div>'
        '<div style="position: absolute; right: 0; white-space: pre">q\nrrr</div>'
        '<div style="width: min-content; white-space: pre">a b\nc d e</div>',
        "",
    ),
    "overflowing": (
        '<div style="white-space: pre; width: 20mm; border: 1px solid">'
        + "x" * 200
        + "\nshort\n"
        + "y " * 100
        + "</div>",
        "",
    ),
    "pages and columns": (
        f'<p style="white-space: pre; orphans: 3; widows: 3">{LONG}</p>'
        f'<div style="columns: 2; white-space: pre">{LONG}</div>'
        '<p>text<span style="float: footnote; white-space: pre">foot\nnote</span></p>',
        "",
    ),
    "generated": (
        '<p class="q">z</p>',
        ".q::before { white-space: pre; content: 'a\\A b\\A\\A c' }"
        " .q::after { white-space: pre; content: '\\A' }"
        " @page { @top-center { content: 'a\\A b\\A\\A c'; white-space: pre }"
        " @bottom-center { content: 'p\\A q'; white-space: pre; letter-spacing: 2pt } }",
    ),
}


def _page(body: str, style: str) -> str:
    return (
        '<html lang="en"><head><style>@page { size: A5; margin: 15mm } body { font: 11pt serif }'
        + style
        + "</style></head><body>"
        + body
        + "</body></html>"
    )


def _both(html: str, tmp_path: Path, variant: str = "") -> tuple[bytes, bytes]:
    with patchcheck.prelines_undone():
        own = render_pdf(html, tmp_path, tmp_path, variant=variant, date=DATE)
    return own, render_pdf(html, tmp_path, tmp_path, variant=variant, date=DATE)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_hostile_document_draws_the_same_bytes(name: str, tmp_path: Path) -> None:
    own, ours = _both(_page(*DOCUMENTS[name]), tmp_path)
    assert ours == own


@pytest.mark.parametrize("variant", ["pdf/a-3b", "pdf/ua-1"])
def test_the_variants_draw_the_same_bytes(variant: str, tmp_path: Path) -> None:
    body = "".join(DOCUMENTS[name][0] for name in ("inline boxes", "spacing", "characters"))
    own, ours = _both(_page(body, DOCUMENTS["first-line"][1]), tmp_path, variant)
    assert ours == own


def test_inline_boxes_across_newlines_read_back_in_order(tmp_path: Path) -> None:
    # The same bytes could be one mistake made twice: nothing lost, doubled or moved.
    body = (
        '<p style="white-space: pre">abc<span style="color: red">\ndef\n</span>ghi\njkl'
        "<i>\n</i>\n<b>q</b>r\n<b>\ns</b>t</p>"
    )
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(render_pdf(_page(body, ""), tmp_path, tmp_path))
    assert [line for line in pdf_text(pdf).splitlines() if line.strip()] == [
        "abc",
        "def",
        "ghi",
        "jkl",
        "qr",
        "st",
    ]
