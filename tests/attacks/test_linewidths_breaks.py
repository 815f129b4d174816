"""Attacks on the kept text widths (pdf/linewidths.py): WeasyPrint's bytes, bounded memory."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import patchcheck
import pytest

from campaign.pdf import linewidths
from campaign.pdf.render import render_pdf


def _kept_characters(html: str, tmp_path: Path) -> tuple[int, int]:
    """The measures a layout of ``html`` kept, and the characters of their texts."""
    import weasyprint.layout.preferred as preferred

    render_pdf(patchcheck.page("<p>x</p>"), tmp_path, tmp_path)  # installs
    measuring = preferred.split_first_line
    measure = measuring.campaign_measure
    contexts: list[Any] = []

    def seen(text: str, style: Any, context: Any, *args: Any) -> Any:
        contexts.append(context)
        return measure(text, style, context, *args)

    measuring.campaign_measure = seen
    try:
        render_pdf(html, tmp_path, tmp_path)
    finally:
        measuring.campaign_measure = measure
    measures, _ = getattr(contexts[-1], "campaign_widths", ({}, {}))
    return len(measures), sum(len(key[0]) for key in measures)


# Attacks memory: a box's min-content width measures its text word by word, each time
# with what is left of it; keeping each of those kept thousands of copies of nearly the
# whole text (a float of 100 KB of words: 360 MB more than WeasyPrint alone).
def test_a_long_text_measured_word_by_word_keeps_little(tmp_path: Path) -> None:
    html = patchcheck.page('<div style="float: left">' + "abc " * 3000 + "</div>")
    count, characters = _kept_characters(html, tmp_path)
    assert count <= linewidths._KEPT
    assert characters <= 1 << 20  # whatever the text's length: not _KEPT times it


# Attacks memory the same way with preformatted lines: each line measured with the
# lines after it (prelines and WeasyPrint cut the text at its first newline themselves).
def test_long_preformatted_text_keeps_little(tmp_path: Path) -> None:
    lines = "\n".join(f"line {n} of the address" for n in range(1500))
    html = patchcheck.page(f'<div style="float: left; white-space: pre">{lines}</div>')
    _, characters = _kept_characters(html, tmp_path)
    assert characters <= 1 << 20


# Styles WeasyPrint makes or changes while laying out, around boxes sized from their text:
# ::first-letter / ::first-line (styles copied and set per line), text-transform,
# tabs with tab-size, hyphens: auto in several languages, overflow-wrap / word-break
# (is_line_start matters), flex and grid items (styles copied), footnotes, leaders and
# target-counter() re-laid out, margin boxes with counter(pages) and running elements
# that differ from page to page.
HOSTILE = {
    "first-letter-line": (
        "<style>.f { float: left } .f::first-letter { font-size: 3em }"
        " .f::first-line { letter-spacing: .3em; font-weight: bold }"
        " td::first-line { font-size: 20pt } td::first-letter { font-size: 30pt }</style>"
        + '<div class="f">Hello world again</div><p>x</p>' * 4
        + "<table>"
        + "<tr><td>Alpha beta gamma</td><td>Alpha beta gamma delta</td></tr>" * 4
        + "</table>"
    ),
    "transform-tabs-spacing": (
        "<style>span { display: inline-block } .u { text-transform: uppercase }"
        " .c { text-transform: capitalize } .t { float: left; white-space: pre-wrap;"
        " tab-size: 3 } .s { float: left; letter-spacing: .2em; word-spacing: 1ch }"
        " .s b { font-size: 150% }</style>"
        + '<p><span class="u">straße ﬁne</span> <span class="c">hello ﬁne</span>'
        ' <span>straße ﬁne</span></p><div class="t">a\tb\tcc\td</div>'
        '<div class="s">one two <b>one two</b> three</div><p>x</p>' * 3
    ),
    "hyphens-wrap": (
        "<style>td { hyphens: auto; width: 1px } .a { float: left; overflow-wrap: anywhere }"
        " .b { display: inline-block; word-break: break-all }</style><table>"
        + '<tr><td lang="en">extraordinarily incomprehensibilities</td>'
        '<td lang="de">Donaudampfschifffahrtsgesellschaft</td></tr>'
        * 3
        + "</table>"
        + '<div class="a">supercalifragilistic expialidocious</div>'
        '<p><span class="b">supercalifragilistic expialidocious</span></p>' * 3
    ),
    "flex-grid-notes": (
        "<style>.f { display: flex } .f div { flex: auto } .g { display: grid;"
        " grid-template-columns: auto auto } .n { float: footnote }</style>"
        + '<div class="f"><div>Alpha beta</div><div>Alpha beta gamma delta</div></div>'
        '<div class="g"><div>Alpha beta</div><div>Alpha <span class="n">A note</span></div>'
        "</div>" * 4
    ),
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=HOSTILE.keys())
def test_styles_changed_while_laid_out_draw_the_same_bytes(body: str, tmp_path: Path) -> None:
    own, ours = patchcheck.both(patchcheck.page(body, "en"), tmp_path, patchcheck.linewidths_undone)
    assert ours == own


# Pages laid out again (counter(pages), target-counter() in a leader, running elements
# and strings that differ from page to page): margin boxes measured again and again.
def test_pages_laid_out_again_draw_the_same_bytes(tmp_path: Path) -> None:
    html = (
        "<html><head><style>@page { size: A6; margin: 20mm;"
        " @top-center { content: string(t) ' ' counter(page) '/' counter(pages) }"
        " @bottom-left { content: element(r) }"
        " @bottom-right { content: 'Long footer text ' counter(pages) } }"
        " h1 { string-set: t content() } .r { position: running(r) }"
        " a::after { content: leader('.') target-counter(attr(href), page) }"
        " .t { display: inline-block }</style></head><body>"
        + "".join(f'<p class="t"><a href="#h{n}">Chapter {n}</a></p>' for n in range(5))
        + "".join(
            f'<div class="r">Running {n % 3} title</div>'
            f'<h1 id="h{n}" style="break-before: page">{escape("Head")} {n % 2}</h1>'
            for n in range(5)
        )
        + "</body></html>"
    )
    own, ours = patchcheck.both(html, tmp_path, patchcheck.linewidths_undone)
    assert ours == own
