"""Pages matched by the same page rules share their styles, and draw what WeasyPrint's own would."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pagestylescheck import DATE, both, counting

from campaign.pdf.render import render_pdf

TEXT = "Joint open letter on human rights, signed by the organisations below. " * 4


def _document(page_css: str, body: str = "", pages: int = 6) -> str:
    paragraphs = body or "".join(
        f'<h2 style="break-before: page">Part {n}</h2><p>{TEXT}</p>' for n in range(pages)
    )
    return (
        f"<html lang='en'><head><style>@page {{ size: A6; margin: 20mm 12mm }} {page_css}"
        f"</style></head><body>{paragraphs}</body></html>"
    )


FURNITURE = (
    "@page { @top-left { content: 'Open letter'; width: 40vw }"
    " @bottom-center { content: 'Page ' counter(page) ' of ' counter(pages) } }"
)


def test_like_pages_share_the_styles_of_the_first_after_the_documents_first(
    tmp_path: Path,
) -> None:
    html = _document(FURNITURE, pages=8)
    own, shared = both(html, tmp_path)
    assert own == shared
    with counting() as seen:
        render_pdf(html, tmp_path, tmp_path, date=DATE)
    # Page 1 its own, page 2 computed, pages 3 to 8 take page 2's.
    assert seen == {"computed": 2, "shared": 6}


def test_left_right_first_and_numbered_pages_each_get_their_rules(tmp_path: Path) -> None:
    css = (
        FURNITURE + "@page :first { @top-left { content: none } }"
        "@page :left { margin-left: 30mm; @bottom-left { content: 'L' counter(page) } }"
        "@page :right { margin-right: 25mm; @bottom-right { content: 'R' counter(page) } }"
        "@page :nth(3n+1) { @top-right { content: 'third'; color: red } }"
        "@page :nth(5) { margin-top: 35mm }"
    )
    html = _document(css, pages=10)
    own, shared = both(html, tmp_path)
    assert own == shared
    with counting() as seen:
        render_pdf(html, tmp_path, tmp_path, date=DATE)
    # Kinds of page 2 on: left or right, crossed with nth(3n+1) and nth(5).
    assert seen["computed"] > 3
    assert seen["shared"] > 0


def test_named_pages_blank_pages_and_page_groups(tmp_path: Path) -> None:
    css = (
        FURNITURE + "@page wide { size: A6 landscape; @top-center { content: 'wide' } }"
        "@page wide:nth(1) { @top-center { content: 'wide, first of its group' } }"
        "@page :blank { @bottom-center { content: 'intentionally blank' } }"
        ".wide { page: wide } h2 { break-before: right }"
    )
    body = "".join(
        f'<div class="{"wide" if n % 3 == 0 else ""}"><h2>Part {n}</h2><p>{TEXT}</p></div>'
        for n in range(9)
    )
    own, shared = both(_document(css, body), tmp_path)
    assert own == shared


def test_page_counters_set_on_pages(tmp_path: Path) -> None:
    css = (
        "@page { counter-increment: page 2; @bottom-center { content: counter(page) } }"
        "@page :nth(4) { counter-reset: page 40 }"
        "@page :left { counter-increment: page 1 sheet 1;"
        " @bottom-left { content: counter(sheet) } }"
    )
    own, shared = both(_document(css, pages=9), tmp_path)
    assert own == shared


def test_relative_lengths_on_the_first_pages(tmp_path: Path) -> None:
    # Lengths relative to the page: WeasyPrint learns its size on the first page.
    css = (
        "@page { margin: 5vh 8vw; @top-center { content: 'x'; font-size: 3vmin;"
        " width: 50pvw } @bottom-center { content: counter(page); height: 2vh } }"
        "html { font-size: 2vw }"
    )
    own, shared = both(_document(css, pages=5), tmp_path)
    assert own == shared


def test_a_long_list_is_drawn_the_same(tmp_path: Path) -> None:
    css = FURNITURE + "li { break-inside: avoid } ul { list-style: none }"
    body = "<ul>" + "".join(f"<li>Organisation {n}, Japan</li>" for n in range(400)) + "</ul>"
    own, shared = both(_document(css, body), tmp_path)
    assert own == shared


PAGE_SELECTORS = ["", ":first", ":left", ":right", ":blank", ":nth(2)", ":nth(2n)", ":nth(3n+1)"]
BOXES = ["top-left", "top-center", "bottom-center", "bottom-right", "left-middle"]
DECLARATIONS = [
    "content: counter(page)",
    "content: 'a' counter(pages)",
    "content: 'text'; color: blue",
    "content: none",
    "content: 'x'; font-size: 4vw",
]


@st.composite
def _page_rules(draw: st.DrawFn) -> str:
    rules = []
    for _ in range(draw(st.integers(1, 5))):
        selector = draw(st.sampled_from(PAGE_SELECTORS))
        box = draw(st.sampled_from(BOXES))
        declaration = draw(st.sampled_from(DECLARATIONS))
        margin = draw(st.sampled_from(["", "margin-top: 25mm;", "margin-left: 8mm;"]))
        rules.append(f"@page {selector} {{ {margin} @{box} {{ {declaration} }} }}")
    return "".join(rules)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(css=_page_rules(), pages=st.integers(2, 7), right=st.booleans())
def test_any_page_rules_draw_the_same(css: str, pages: int, right: bool, tmp_path: Path) -> None:
    extra = "h2 { break-before: right }" if right else ""
    own, shared = both(_document(css + extra, pages=pages), tmp_path)
    assert own == shared
