"""Attacks on the shared page styles (pagestyles.py): PDFs byte for byte WeasyPrint's own.

The break: WeasyPrint computes a style's values as they are first read, and a length
relative to the page (vw, vh, vmin, pvw, ...) takes the page size WeasyPrint learnt
from the document's first page at that moment. When the first page's own size or
margins are relative to the page, that size moves each time the first page is made
again (a page count or a cross-reference laid out anew): its first making reads them
before any size is known (A4 is taken), the next reads the size the first one gave.
A page sharing the styles of the first page its rules matched got that page's values,
read under an earlier size, where WeasyPrint's own, computed for it, read the new one.
The second: StyleFor zeroes a table box's margins, or a collapsing table's
paddings, when it hands out a style that was read before, never a fresh one: a page
or margin box with a table's display kept its margins in WeasyPrint's own styles
(fresh for each page) and lost them in the shared ones (read by the page that
computed them). The rest (footnotes, running elements, named strings, leaders, page
groups, blank pages, counters in page rules, cross-references, several style sheets,
threads) held, and is kept here as probes.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pagestylescheck import DATE, both, counting, own

from campaign.pdf import pagestyles
from campaign.pdf.render import render_pdf

TEXT = "Joint open letter on human rights, signed by the organisations below. " * 4
# Content that counts the pages: each page holding it is laid out again once the
# count is known, the document's first among them.
COUNTED = "p::after { content: ' of ' counter(pages) }"


def _document(css: str, body: str = "", pages: int = 6) -> str:
    body = body or "".join(
        f'<h2 style="break-before: page">Part {n}</h2><p>{TEXT}</p>' for n in range(pages)
    )
    return f"<html lang='en'><head><style>{css}</style></head><body>{body}</body></html>"


FOOTER = "@bottom-center { content: counter(page) }"


@pytest.mark.parametrize(
    "css",
    [
        # The first page's margins relative to the page: the others' too.
        f"@page {{ size: A6; margin: 10vw; {FOOTER} }}",
        f"@page {{ size: A6; margin: 5vh 8vmin; {FOOTER} }}",
        # ... within calc() and its brackets, or through a custom property.
        f"@page {{ size: A6; margin: calc((2vw + 1mm) * 2); {FOOTER} }}",
        f"html {{ --edge: 10vw }} @page {{ size: A6; margin: var(--edge); {FOOTER} }}",
        # Its size: 'box' moves, and pvw with it.
        f"@page {{ size: 40vw 60vw; margin: 1cm; {FOOTER} }}",
        f"@page {{ size: A6; margin: 1cm; padding: 5pvw; {FOOTER} }}",
        # The page's font size relative to it, its margins in em.
        "@page { size: A6; margin: 10vw; font-size: 5vw; @bottom-center { content: counter(page);"
        " width: 3em } } @page :nth(2n+4) { @top-center { content: 'x' } }",
    ],
)
def test_lengths_relative_to_a_first_page_made_again(css: str, tmp_path: Path) -> None:
    own, shared = both(_document(css + COUNTED, pages=8), tmp_path)
    assert own == shared


def test_a_value_read_after_the_first_page_moved(tmp_path: Path) -> None:
    # Page 2 reads the page's font size while laid out (its footnote's area inherits
    # it); pages 3 to 6 read it only when their margin boxes are made, after the last
    # pass, once the first page was made again and the size moved: WeasyPrint's own
    # takes the size then for them. Sharing page 2's styles only while the size holds
    # (a generation per making of the first page) would still give them page 2's.
    css = (
        "@page { size: A6; margin: 20mm 12mm; font-size: 4vw;"
        " @top-center { content: 'Open letter' } }"
        "@page :first { margin: 10vw } .fn { float: footnote }"
        ".counted::after { content: ' of ' counter(pages) }"
    )
    body = (
        "<p class='counted'>first</p>"
        f"<h2 style='break-before: page'>two</h2><p>{TEXT}<span class='fn'>note</span></p>"
        + "".join(f"<h2 style='break-before: page'>P{n}</h2><p>{TEXT}</p>" for n in range(3, 7))
        + "<p class='counted'>last</p>"
    )
    own, shared = both(_document(css, body), tmp_path)
    assert own == shared


def test_pages_still_share_what_holds_still(tmp_path: Path) -> None:
    # The first page's margins move; the others' rules hold no length relative to the
    # page: their styles are still computed once.
    css = (
        "@page { size: A6; margin: 20mm 12mm; @bottom-center { content: counter(page) } }"
        "@page :first { margin: 10vw }" + COUNTED
    )
    html = _document(css, pages=8)
    own, shared = both(html, tmp_path)
    assert own == shared
    with counting() as seen:
        render_pdf(html, tmp_path, tmp_path, date=DATE)
    assert seen["shared"] >= 6
    # Lengths relative to the page on every page, the first page's size fixed: shared.
    css = (
        "@page { size: A6; margin: 20mm 12mm; @top-center { content: 'x'; font-size: 4vw;"
        " width: 50pvw } @bottom-center { content: counter(page); height: 2vh } }" + COUNTED
    )
    css += "@page :first { margin: 15mm }"
    html = _document(css, pages=8)
    own, shared = both(html, tmp_path)
    assert own == shared
    with counting() as seen:
        render_pdf(html, tmp_path, tmp_path, date=DATE)
    assert seen["shared"] >= 6


def test_moving_first_page_and_relative_lengths_computed_per_page(tmp_path: Path) -> None:
    css = f"@page {{ size: A6; margin: 10vw; {FOOTER} }}" + COUNTED
    html = _document(css, pages=8)
    with counting() as seen:
        render_pdf(html, tmp_path, tmp_path, date=DATE)
    assert seen["shared"] == 0


@pytest.mark.parametrize(
    ("declarations", "relative"),
    [
        ("margin: 1cm 2mm; size: A6 landscape; font-size: 2em", False),
        ("margin: calc(1cm + 2em); width: min(3cm, 10%)", False),
        ("margin-left: 3VW", True),
        ("margin: calc((2vw + 1mm) * 2)", True),
        ("width: max(10pvw, 1cm)", True),
        ("font-size: var(--size)", True),
        ("--edge: 4vmin", True),
        ("content: '10vw'", False),
    ],
)
def test_what_counts_as_relative_to_the_page(declarations: str, relative: bool) -> None:
    from weasyprint.css.tokens import Pending
    from weasyprint.css.units import VIEWPORT_UNITS

    assert pagestyles._relative(_declared(declarations), VIEWPORT_UNITS, Pending) is relative


def _declared(declarations: str) -> list[tuple[Any, Any]]:
    """Declarations as the cascade holds them: each value with a weight."""
    import tinycss2
    from weasyprint.css import preprocess_declarations

    read = preprocess_declarations("", tinycss2.parse_blocks_contents(declarations))
    return [(values, (0, None, (0, 0, 0))) for _name, values, _important in read]


TABLES = [
    "@top-right { content: 'y'; display: table-cell; margin: 4mm }",
    "@top-left { content: 'x'; display: table-row; margin: 2mm 5mm }",
    "@bottom-center { content: counter(page); display: inline-table; margin-top: 3mm }",
    "border-collapse: collapse; @top-left { content: 'x'; display: table; padding: 3mm }",
    "display: table-row",  # the page's own margins
    "display: table; border-collapse: collapse; padding: 5mm",
    "--d: table-cell; @top-right { content: 'y'; display: var(--d); margin: 4mm }",
]


@pytest.mark.parametrize("declarations", TABLES)
def test_a_table_in_page_rules(declarations: str, tmp_path: Path) -> None:
    # StyleFor zeroes a table box's margins (a collapsing table's paddings) when it
    # hands out a style already read, and a page's shared styles were read by the page
    # that computed them; WeasyPrint's own, fresh each time, keep their margins.
    css = (
        f"@page {{ size: A6; margin: 20mm 12mm; {declarations} }}"
        "@page { @top-center { content: 'Open letter' } }"
    )
    own, shared = both(_document(css, pages=5), tmp_path)
    assert own == shared


@pytest.mark.parametrize(
    ("declarations", "table"),
    [
        ("display: block", False),
        ("display: table-cell", True),
        ("display: inline-table", True),
        ("display: table", True),
        ("display: inherit", True),
        ("display: var(--d)", True),
    ],
)
def test_what_counts_as_a_table(declarations: str, table: bool) -> None:
    from weasyprint.css.tokens import Pending

    (display,) = _declared(declarations)
    assert pagestyles._table(display, Pending) is table
    assert pagestyles._table(None, Pending) is False


# Probes that held.

HELD = {
    "footnotes": (
        "@page { size: A6; margin: 20mm 12mm; @footnote { border-top: 1px solid; font-size: 2vw;"
        " max-height: 3cm } @bottom-center { content: counter(page) } }"
        ".fn { float: footnote } .fn::footnote-call { color: red }" + COUNTED,
        "".join(
            f"<h2 style='break-before: page'>P{n}</h2><p>{TEXT}"
            f"<span class='fn'>note {n} {TEXT if n % 3 == 0 else ''}</span></p>"
            for n in range(7)
        ),
    ),
    "running elements and strings": (
        "@page { size: A6; margin: 25mm 12mm; @top-left { content: element(head) }"
        " @top-right { content: string(title, last) }"
        " @bottom-left { content: string(title, start) }"
        " @bottom-right { content: string(title, first-except) } }"
        ".head { position: running(head) } h2 { string-set: title content() }",
        "".join(
            f"<div class='head'>Head {n}</div><h2 style='break-before: page'>Part {n}</h2>"
            f"<p>{TEXT * (n % 3 + 1)}</p><h2>Sub {n}</h2>"
            for n in range(6)
        ),
    ),
    "leaders and white space": (
        "@page { size: A6; margin: 20mm 12mm; @top-left { content: 'a   b' leader('.')"
        " counter(page); width: 60% } @top-right { content: 'x   y'; white-space: pre }"
        " @bottom-left { content: 'c   d' } }",
        "",
    ),
    "counters set on pages and margin boxes": (
        "@page { counter-increment: page 2 sheet; size: A6; margin: 20mm 12mm;"
        " @bottom-center { content: counter(page) '.' counter(sheet) '/' counter(pages);"
        " counter-increment: pages 3 } }"
        "@page :nth(3) { counter-reset: page 40 } @page :left { counter-set: sheet 9 }"
        "@page :blank { counter-increment: none; @top-center { content: 'blank' } }"
        "h2 { break-before: right }" + COUNTED,
        "",
    ),
    "named pages, groups and blank pages": (
        "@page { size: A6; margin: 20mm 12mm; @bottom-center { content: counter(page) } }"
        "@page chap { margin-top: 30mm; @top-center { content: 'chapter' } }"
        "@page :nth(1 of chap) { @top-center { content: 'chapter opens' } }"
        "@page chap:blank { @top-center { content: none } }"
        "@page wide { size: A6 landscape } .chap { page: chap } .wide { page: wide }"
        "section { break-before: right }" + COUNTED,
        "".join(
            f"<section class='{('chap', 'wide', '')[n % 3]}'><h2>Part {n}</h2><p>{TEXT}</p>"
            f"<p>{TEXT if n % 2 else ''}</p></section>"
            for n in range(9)
        ),
    ),
    "cross-references made again": (
        "@page { size: A6; margin: 20mm 12mm; @bottom-center { content: counter(page) } }"
        "a::after { content: ' (page ' target-counter(attr(href), page) ')' }",
        "".join(
            f"<h2 id='s{n}' style='break-before: page'>P{n}</h2>"
            f"<p>{TEXT}<a href='#s{(n + 3) % 7}'>see</a></p>"
            for n in range(7)
        ),
    ),
    "important, media and later sheets": (
        "@media print { @page :left { margin-left: 30mm; @top-left { content: 'L' } } }"
        "@page { size: A6; margin: 20mm 12mm; @top-right { content: 'imp' !important;"
        " color: red !important } } @page :left { @top-right { content: 'no'; color: blue } }"
        "</style><style>@page :right { @top-right { color: green } }"
        "@page :nth(2n+3) { margin-top: 30mm !important } @page { margin-top: 10mm }",
        "",
    ),
    "the root's font size relative to the page": (
        "html { font-size: 2vw } @page { size: A6; margin: 2em 3rem; font-size: 1.5em;"
        " @top-center { content: 'x'; width: 10em } @bottom-center { content: counter(page) } }"
        + COUNTED,
        "",
    ),
    "page boxes painted": (
        "@page { size: A6; margin: 20mm 12mm; background: #eef; border: 2pt solid;"
        " padding: 2mm; bleed: 3mm; marks: crop cross;"
        " @top-left-corner { content: ''; background: red } @left-middle { content: 'side';"
        " vertical-align: middle } }"
        "@page :right { background: linear-gradient(white, #ddf) }",
        "",
    ),
}


@pytest.mark.parametrize("name", list(HELD))
def test_probes_that_held(name: str, tmp_path: Path) -> None:
    css, body = HELD[name]
    own, shared = both(_document(css, body, pages=7), tmp_path)
    assert own == shared


def test_documents_laid_out_in_threads_at_once(tmp_path: Path) -> None:
    documents = [_document(css, body, pages=5) for css, body in HELD.values()]
    alone = [render_pdf(html, tmp_path, tmp_path, date=DATE) for html in documents]
    with ThreadPoolExecutor(4) as threads:
        together = list(
            threads.map(lambda html: render_pdf(html, tmp_path, tmp_path, date=DATE), documents)
        )
    assert together == alone
    assert alone == [own(html, tmp_path) for html in documents]


SELECTORS = ["", ":first", ":left", ":right", ":blank", ":nth(2)", ":nth(3n+1)", "chap",
             "chap:nth(1)", ":nth(1 of chap)"]  # fmt: skip
BOXES = ["top-left", "top-center", "bottom-center", "left-middle", "footnote"]
DECLARATIONS = [
    "content: counter(page) '/' counter(pages)",
    "content: string(title)",
    "content: element(head)",
    "content: leader('.') counter(page)",
    "content: 'x'; font-size: 3vw",
    "content: 'x'; width: 30pvw",
    "content: 'x'; height: 2vh; vertical-align: middle",
    "content: none",
    "content: 'x'; display: table-cell; margin: 2mm",
]
PAGE_DECLARATIONS = ["", "margin: 4vw;", "margin-top: 25mm;", "font-size: 2vw;",
                     "counter-increment: page 2;", "size: A6 landscape;",
                     "padding: 1em;"]  # fmt: skip
EXTRAS = [COUNTED, "h2 { string-set: title content() }", ".head { position: running(head) }",
          ".fn { float: footnote }", ".chap { page: chap }",
          "a::after { content: ' p' target-counter(attr(href), page) }"]  # fmt: skip


@st.composite
def _pages(draw: st.DrawFn) -> str:
    rules = ["@page { size: A6; margin: 20mm 12mm }"]
    for _ in range(draw(st.integers(1, 5))):
        box = draw(st.sampled_from(BOXES))
        inside = (
            draw(st.sampled_from(["border-top: 1px solid", "font-size: 2vw", "max-height: 3cm"]))
            if box == "footnote"
            else draw(st.sampled_from(DECLARATIONS))
        )
        rules.append(
            f"@page {draw(st.sampled_from(SELECTORS))} {{"
            f" {draw(st.sampled_from(PAGE_DECLARATIONS))} @{box} {{ {inside} }} }}"
        )
    rules += draw(st.lists(st.sampled_from(EXTRAS), unique=True))
    seed = draw(st.integers(0, 2**16))
    chosen = random.Random(seed)
    count = chosen.randint(2, 7)
    body = "<div class='head'>Running head</div>" + "".join(
        f"<section class='{chosen.choice(['', 'chap'])}' id='s{n}'"
        f" style='break-before: {chosen.choice(['page', 'right', 'auto'])}'><h2>Part {n}</h2>"
        f"<p>{TEXT[: chosen.randint(40, len(TEXT))] * chosen.randint(1, 3)}"
        f"{chosen.choice(['', f'<span class=fn>note {n}</span>'])}"
        f"<a href='#s{(n + 2) % count}'>see</a></p></section>"
        for n in range(count)
    )
    return _document("".join(rules), body)


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(html=_pages())
def test_any_pages_made_again_draw_the_same(html: str, tmp_path: Path) -> None:
    outcomes = []
    for lay_out in (
        lambda: own(html, tmp_path),
        lambda: render_pdf(html, tmp_path, tmp_path, date=DATE),
    ):
        try:
            outcomes.append(lay_out())
        except Exception as error:  # WeasyPrint's own fails on some: so must the shared
            outcomes.append(str(error).encode())
    assert outcomes[0] == outcomes[1]
