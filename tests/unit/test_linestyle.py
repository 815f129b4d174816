"""A line's font description and strut found once per style draw what WeasyPrint's own would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from linecostcheck import DATE, both, document

from campaign.pdf import linestyle
from campaign.pdf.render import render_pdf

LINES = [
    "Amnesty International, London (United Kingdom)",
    "Carlos Dubois of the Committee for the Remembrance of Everything Said, Japan " * 2,
    "Supercalifragilisticexpialidociousandthensomemoreletterswithoutanyspaceatall",
    '<span lang="ja">内閣総理大臣 安倍晋三 様、〒100-8968 東京都千代田区永田町2-3-1</span>',
    '<span lang="ar" dir="rtl">منظمة العفو الدولية، لندن</span>',
    "Mixed English and العربية and 日本語 in one line",
]
STYLES = [
    "",
    "line-height: normal",
    "line-height: 2",
    "line-height: 14pt",
    "line-height: 180%",
    "line-height: calc(1em + 3pt)",
    "font-size: 2.5vw; line-height: 1.2",
    "font-size: 0",
    "font: bold italic 11pt/1.5 'Noto Sans', sans-serif",
    "font-stretch: condensed; font-variant: small-caps",
    "font-variation-settings: 'wght' 600",
    "font-feature-settings: 'liga' 0; font-kerning: none",
    "font-variant-numeric: tabular-nums oldstyle-nums",
    "vertical-align: super; font-size: smaller",
    "text-decoration: underline",
]


def _body(style: str) -> str:
    items = "".join(
        f'<li style="{style}">{LINES[n % len(LINES)]} {n}</li>'
        if n % 5 == 0
        else f'<li>{LINES[n % len(LINES)]} <span style="{style}">{n}</span></li>'
        for n in range(40)
    )
    return f'<p style="{style}">{LINES[1]}</p><ul>{items}</ul>'


@pytest.mark.parametrize("style", STYLES)
def test_lines_of_any_font_and_line_height_are_drawn_the_same(tmp_path: Path, style: str) -> None:
    css = "li::first-line { font-size: 1.2em } ul { list-style: square }"
    own, shared = both(document(css, _body(style)), tmp_path)
    assert own == shared


def test_one_description_and_one_strut_for_the_lines_of_a_style(tmp_path: Path) -> None:
    import weasyprint.text.line_break as line_break

    linestyle.install()
    describe, strut = line_break.campaign_unshared
    seen = {"described": 0, "struts": 0}
    kept_describe, kept_strut = line_break.get_font_description, line_break.strut
    describe_cell = next(
        c for c in (kept_describe.__closure__ or ()) if c.cell_contents is describe
    )
    strut_cell = next(c for c in (kept_strut.__closure__ or ()) if c.cell_contents is strut)

    def counted_describe(style: Any) -> Any:
        seen["described"] += 1
        return describe(style)

    def counted_strut(style: Any) -> Any:
        seen["struts"] += 1
        return strut(style)

    describe_cell.cell_contents, strut_cell.cell_contents = counted_describe, counted_strut
    try:
        names = "".join(f"<li>Signatory {n}, Japan</li>" for n in range(200))
        # A size of its own: no description of it is kept from an earlier document.
        html = document("ul { list-style: none; font-size: 9.37pt }", f"<ul>{names}</ul>")
        render_pdf(html, tmp_path, tmp_path, date=DATE)
    finally:
        describe_cell.cell_contents, strut_cell.cell_contents = describe, strut
    # A few styles (the page's, the list's, its items' and their lines'), not 200 lines.
    assert 0 < seen["described"] < 20
    assert 0 < seen["struts"] < 20


def test_a_style_changed_after_its_strut_was_found_has_it_found_again() -> None:
    import weasyprint.text.line_break as line_break
    from weasyprint import HTML

    linestyle.install()
    document = HTML(string="<p style='line-height: 2'>x</p>").render()
    box = document.pages[0]._page_box.descendants()
    style = next(b.style for b in box if getattr(b, "element_tag", "") == "p")
    first = line_break.strut(style)
    assert line_break.strut(style) is first
    style["line_height"] = style["line_height"] * 1.5  # a value replaced: found again
    again = line_break.strut(style)
    assert again == line_break.campaign_unshared[1](style)
    assert again != first
