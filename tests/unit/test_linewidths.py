"""A text's widths kept for the boxes sized from it (pdf/linewidths.py): WeasyPrint's bytes."""

from __future__ import annotations

from html import escape
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import patchcheck
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.pdf import linewidths, prelines
from campaign.pdf.proof import pdf_text
from campaign.pdf.render import render_pdf

# Texts measured for a box's size: words to break between, a word too long for any
# width, several scripts, breaks of every kind, and texts that end where another begins.
TEXTS = [
    "Joint open letter on human rights in North Korea",
    "of 213",
    "Page 12 of 213",
    "supercalifragilisticexpialidocious-and-then-some words",
    "Société générale — Œuvre « naïve » Zürich Łódź",
    "منظمة العفو الدولية ومركز الحقوق",
    "内閣総理大臣 安倍晋三 様 〒100-8968",
    "soft\u00adhyphen no\u00a0break thin\u2009space tab\there",
    "line one\nline two\n\nline four",
]
# The same text in styles that measure it otherwise: a kept width is one style's.
STYLES = [
    "",
    "font-size: 7pt",
    "font-weight: bold; letter-spacing: 0.2em",
    "word-spacing: 1em; text-transform: uppercase",
    "font-family: monospace",
    "white-space: pre",
    "white-space: pre-line; hyphens: auto",
    "white-space: nowrap",
    "direction: rtl",
]
# Boxes whose width comes from their text: WeasyPrint measures it to size them.
PLACES = [
    '<div style="float: left; {style}">{text}</div>',
    '<table><tr><td style="{style}">{text}</td><td>x</td></tr></table>',
    '<p>before <span style="display: inline-block; {style}">{text}</span> after</p>',
    '<div style="position: absolute; left: 20mm; top: 30mm; {style}">{text}</div>',
]


def _furnished(title: str, pages: int, style: str = "") -> str:
    """Pages whose margin boxes are sized from a running title and a page count."""
    return (
        "<html><head><style>"
        "@page { size: A5; margin: 25mm 15mm;"
        " @top-left { content: element(title); }"
        " @top-right { content: 'right ' counter(page); }"
        " @bottom-center { content: 'Page ' counter(page) ' of ' counter(pages); } }"
        f" .title {{ position: running(title); {style} }}"
        " body { font: 11pt serif }"
        "</style></head><body>"
        f'<div class="title">{escape(title)}</div><h1>{escape(title)}</h1>'
        + '<div style="break-before: page"></div>' * (pages - 1)
        + "</body></html>"
    )


def test_the_patch_is_in_place_and_measures_with_prelines(tmp_path: Path) -> None:
    render_pdf(patchcheck.page("<p>x</p>"), tmp_path, tmp_path)  # lays out: installs
    import weasyprint.layout.preferred as preferred
    import weasyprint.text.line_break as line_break

    assert preferred.split_first_line is not line_break.split_first_line
    assert linewidths.uninstalled() is line_break.split_first_line
    assert linewidths.uninstalled() is not prelines.uninstalled()


@pytest.mark.parametrize("place", PLACES)
def test_every_text_and_style_draws_the_same_bytes(place: str, tmp_path: Path) -> None:
    # Each text in each style on a page of its own, then all of them again: the second
    # time round, every measure is a kept one.
    once = "".join(
        place.format(style=style, text=escape(text)) + '<p style="break-after: page"></p>'
        for text in TEXTS
        for style in STYLES
    )
    html = patchcheck.page(once + once)
    own, ours = patchcheck.both(html, tmp_path, patchcheck.linewidths_undone)
    assert ours == own


@pytest.mark.parametrize("style", STYLES)
def test_margin_boxes_page_after_page_draw_the_same_bytes(style: str, tmp_path: Path) -> None:
    html = _furnished("Joint open letter on human rights in North Korea", 40, style)
    own, ours = patchcheck.both(html, tmp_path, patchcheck.linewidths_undone)
    assert ours == own


def test_the_same_bytes_with_prelines_undone_too(tmp_path: Path) -> None:
    # Undoing prelines reaches the measures too: what they measure with is WeasyPrint's.
    html = _furnished("A title\nof two lines", 12, "white-space: pre")
    own, ours = patchcheck.both(html, tmp_path, patchcheck.prelines_undone)
    assert ours == own


def test_a_title_on_every_page_is_measured_once(tmp_path: Path) -> None:
    import weasyprint.layout.preferred as preferred

    render_pdf(patchcheck.page("<p>x</p>"), tmp_path, tmp_path)  # installs
    measuring = preferred.split_first_line
    measure = measuring.campaign_measure
    texts: list[str] = []

    def counted(text: str, *args: Any, **kwargs: Any) -> Any:
        texts.append(text)
        return measure(text, *args, **kwargs)

    title = "Joint open letter on human rights in North Korea"
    measuring.campaign_measure = counted
    try:
        pdf = render_pdf(_furnished(title, 30), tmp_path, tmp_path)
        ours = list(texts)
        texts.clear()
        preferred.split_first_line = counted  # WeasyPrint's way: every measure taken
        render_pdf(_furnished(title, 30), tmp_path, tmp_path)
    finally:
        measuring.campaign_measure = measure
        preferred.split_first_line = measuring
    # For the narrowest width and for the widest, however many pages: not once a page.
    assert ours.count(title) == 2
    assert texts.count(title) == 60
    # What differs from page to page is measured on each (its page number).
    assert sum(text.startswith("Page ") for text in ours) == 60
    assert len(set(ours)) == len(set(texts))
    assert len(ours) < len(texts) / 2
    out = tmp_path / "out.pdf"
    out.write_bytes(pdf)
    shown = pdf_text(out)
    assert shown.count(title) == 30  # the running title, on each page (the heading wraps)
    assert "Page 30 of 30" in shown


class _Style(dict[str, Any]):
    """A style as the measure reads it: a dict of values."""


def _measuring(answers: list[Any]) -> tuple[Any, list[tuple[Any, ...]], Any]:
    """linewidths' measure, measuring with a stand-in that records each call."""
    import weasyprint.layout.preferred as preferred

    linewidths.install()
    measuring = preferred.split_first_line
    calls: list[tuple[Any, ...]] = []

    def measure(*args: Any) -> Any:
        calls.append(args)
        return answers[len(calls) - 1]

    return measuring, calls, measure


def _answer(width: float) -> tuple[Any, ...]:
    return (object(), 3, None, width, 12.0, 9.0)


def test_a_style_whose_value_was_replaced_is_measured_again() -> None:
    measuring, calls, measure = _measuring([_answer(10.0), _answer(20.0), _answer(30.0)])
    before = measuring.campaign_measure
    measuring.campaign_measure = measure
    try:
        context = SimpleNamespace()
        style = _Style(font_size=11.0, font_family=("serif",))
        first = measuring("abc", style, context, 0, 0)
        again = measuring("abc", style, context, 0, 0)
        assert len(calls) == 1
        assert again[1:] == first[1:] == (3, None, 10.0, 12.0, 9.0)
        assert again[0] is None  # the layout is not kept
        style["font_size"] = 12.0  # another object: the kept width is not this style's
        assert measuring("abc", style, context, 0, 0)[3] == 20.0
        style["unread"] = "new"  # a value computed since: the others still held
        assert measuring("abc", style, context, 0, 0)[3] == 20.0
        equal = _Style(style)  # equal values, another style
        assert measuring("abc", equal, context, 0, 0)[3] == 30.0
        assert len(calls) == 3
    finally:
        measuring.campaign_measure = before


def test_other_arguments_or_another_document_are_measured_again() -> None:
    answers = [_answer(float(n)) for n in range(8)]
    measuring, calls, measure = _measuring(answers)
    before = measuring.campaign_measure
    measuring.campaign_measure = measure
    try:
        style = _Style(font_size=11.0)
        context = SimpleNamespace()
        asked = [
            ("abc", style, context, 0, 0),
            ("abd", style, context, 0, 0),
            ("abc", style, context, None, 0),
            ("abc", style, context, 0, 1.5),
            ("abc", style, context, 0, 0, False),
            ("abc", style, context, 0, 0, True, True),
            ("abc", style, SimpleNamespace(), 0, 0),  # another document
        ]
        widths = [measuring(*args)[3] for args in asked]
        assert widths == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
        assert [measuring(*args)[3] for args in asked[:6]] == widths[:6]
        assert len(calls) == 7
    finally:
        measuring.campaign_measure = before


def test_a_document_keeps_no_more_than_its_bound() -> None:
    count = linewidths._KEPT + 5
    measuring, calls, measure = _measuring([_answer(1.0)] * (count + 5))
    before = measuring.campaign_measure
    measuring.campaign_measure = measure
    try:
        style, context = _Style(font_size=11.0), SimpleNamespace()
        for n in range(count):
            measuring(str(n), style, context, 0, 0)
        assert len(context.campaign_widths[0]) == linewidths._KEPT
        measuring(str(count - 1), style, context, 0, 0)  # past the bound: not kept
        assert len(calls) == count + 1
    finally:
        measuring.campaign_measure = before


LETTERS = st.sampled_from(["a", "W", " ", "  ", "\n", "-", "ا", "日", "ﬁ", "\u00ad", "1"])


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(st.lists(LETTERS, max_size=24).map("".join), min_size=1, max_size=5),
    style=st.sampled_from(STYLES),
    place=st.sampled_from(PLACES),
)
def test_any_text_measured_twice_draws_the_same_bytes(
    texts: list[str], style: str, place: str, tmp_path: Path
) -> None:
    body = "".join(place.format(style=style, text=escape(text)) for text in texts + texts)
    own, ours = patchcheck.both(patchcheck.page(body), tmp_path, patchcheck.linewidths_undone)
    assert ours == own
