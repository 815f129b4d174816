"""A line's Pango layout kept from its measuring to its drawing draws what a new one would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.pdf import shaping
from campaign.pdf.render import render_pdf

weasyprint_layout = pytest.importorskip("weasyprint.text.line_break").Layout

# Texts in the scripts and with the characters a letter holds: each would be drawn from
# another layout if one of the kept layout's conditions were wrong.
TEXTS = [
    "Joint Open Letter to the Prime Minister",
    "Amnesty International, London (United Kingdom)",
    "内閣総理大臣 安倍晋三 様",
    "〒100-8968 東京都千代田区永田町2-3-1",
    "국제앰네스티 한국지부",
    "منظمة العفو الدولية، لندن",
    "עמותת זכויות אדם, תל אביב",
    "Ünïcödé ﬁnal ligatures ffi ﬂ and a soft\u00adhyphen\u00adated word",
    "tab\tseparated\tcolumns",
    "no\u00a0break\u00a0spaces and  doubled  spaces ",
    "first line\nsecond line\n\nfourth line",
    "Signs ★ ✓ → € £ ¥ © and fractions ½ ¾",
    "Mixed English and العربية and 日本語 in one line",
    "Supercalifragilisticexpialidociousandthensomemoreletters",
]
STYLES = [
    "",
    "white-space: pre",
    "white-space: pre-line",
    "white-space: pre-wrap",
    "white-space: nowrap",
    "text-align: justify",
    "text-align: justify; text-align-last: justify",
    "text-align: right",
    "text-align: center",
    "letter-spacing: 0.1em",
    "word-spacing: 0.3em",
    "text-decoration: underline line-through",
    "white-space: nowrap; overflow: hidden; text-overflow: ellipsis",
    "hyphens: auto",
    "font-variant: small-caps",
    "text-transform: uppercase",
    "direction: rtl",
    "font-weight: bold; font-style: italic",
    "font-feature-settings: 'liga' 0",
    "tab-size: 3",
    "overflow-wrap: anywhere",
]
DATE = "2020-05-01T00:00:00Z"  # both PDFs of a pair carry it: only what is drawn may differ


@contextmanager
def _weasyprint_own() -> Iterator[None]:
    """WeasyPrint's own Layout methods while inside, the kept layouts again after."""
    shaping.install()  # as laying out any document does
    kept = (weasyprint_layout.set_text, weasyprint_layout.deactivate, weasyprint_layout.reactivate)
    own = weasyprint_layout.campaign_unshaped
    weasyprint_layout.set_text, weasyprint_layout.deactivate, weasyprint_layout.reactivate = own
    try:
        yield
    finally:
        weasyprint_layout.set_text, weasyprint_layout.deactivate, weasyprint_layout.reactivate = (
            kept
        )


def _both(html: str, tmp_path: Path) -> tuple[bytes, bytes]:
    """The PDF with WeasyPrint's own layouts, and with the kept ones (dated alike)."""
    with _weasyprint_own():
        own = render_pdf(html, tmp_path, tmp_path, date=DATE)
    return own, render_pdf(html, tmp_path, tmp_path, date=DATE)


def _document(pieces: list[tuple[str, str, int]]) -> str:
    """A page of paragraphs, each a text in a style at a width."""
    paragraphs = "".join(
        f'<p lang="en" style="{style}; width: {width}mm">{text}</p>'
        for text, style, width in pieces
    )
    return f"<style>@page {{ size: A5; margin: 10mm }} p {{ font-size: 10pt }}</style>{paragraphs}"


@contextmanager
def _counting() -> Iterator[dict[str, int]]:
    """How many lines were drawn from their kept layout, and how many from a new one."""
    seen = {"kept": 0, "new": 0}
    draw = weasyprint_layout.reactivate

    def counted(self: Any, style: Any) -> None:
        kept = getattr(self, "campaign_kept", False)
        draw(self, style)
        seen["kept" if kept and getattr(self, "campaign_kept", False) else "new"] += 1

    weasyprint_layout.reactivate = counted
    try:
        yield seen
    finally:
        weasyprint_layout.reactivate = draw


def test_plain_lines_are_drawn_from_the_layout_they_were_measured_with(tmp_path: Path) -> None:
    html = _document([(TEXTS[1], "", 60), (TEXTS[10], "white-space: pre", 60)])
    own, kept = _both(html, tmp_path)
    assert own == kept
    with _counting() as seen:
        render_pdf(html, tmp_path, tmp_path)
    assert seen == {"kept": 5, "new": 0}  # 1 line, and the pre text's 4 (one empty)


def test_justified_lines_are_shaped_again_with_their_spacing(tmp_path: Path) -> None:
    text = " ".join(["word"] * 40)
    html = _document([(text, "text-align: justify", 80)])
    own, kept = _both(html, tmp_path)
    assert own == kept
    with _counting() as seen:
        render_pdf(html, tmp_path, tmp_path)
    assert seen == {"kept": 1, "new": 4}  # five lines; the last is not justified


@pytest.mark.parametrize("style", STYLES)
def test_every_text_draws_the_same_in_each_style(style: str, tmp_path: Path) -> None:
    html = _document([(text, style, 50) for text in TEXTS])
    own, kept = _both(html, tmp_path)
    assert own == kept


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    pieces=st.lists(
        st.tuples(
            st.lists(st.sampled_from(TEXTS), min_size=1, max_size=3).map(" ".join),
            st.lists(st.sampled_from(STYLES), max_size=3).map("; ".join),
            st.integers(min_value=8, max_value=120),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_mix_of_texts_styles_and_widths_draws_byte_for_byte_the_same(
    pieces: list[tuple[str, str, int]], tmp_path: Path
) -> None:
    own, kept = _both(_document(pieces), tmp_path)
    assert own == kept
