"""A preformatted line laid out once (pdf/prelines.py) draws what WeasyPrint's two layouts did."""

from __future__ import annotations

from html import escape
from pathlib import Path

import patchcheck
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.pdf import prelines
from campaign.pdf.proof import pdf_text
from campaign.pdf.render import render_pdf

# Texts of several lines: each line's end is where the next starts, and a wrong index
# would drop, double or join a character of some line.
TEXTS = [
    "Omar Ota 0\nMember of the House of Representatives\nRoom 300\nJapan",
    "\nafter an empty first line\n\n\nand empty ones between\n",
    "trailing spaces   \n   leading spaces\n\ttabs\tin\tlines\n",
    "内閣総理大臣 安倍晋三 様\n〒100-8968 東京都千代田区永田町2-3-1\n日本",
    "منظمة العفو الدولية\nلندن، المملكة المتحدة\nEnglish after Arabic",
    # (A line or paragraph separator, a form feed: no font draws them, and a build
    # refuses a text that holds one, as it refuses any character it cannot print.)
    "windows ends\r\nof lines\r\nhere",
    "ﬁnal ligatures ffi\nsoft\u00adhyphen\nno\u00a0break",
    "one line alone, without any newline",
]
STYLES = [
    "white-space: pre",
    "white-space: pre; word-spacing: 0.4em",
    "white-space: pre; letter-spacing: 0.1em",
    "white-space: pre; direction: rtl; text-align: right",
    "white-space: pre; text-transform: uppercase; font-variant: small-caps",
    "white-space: pre; font-weight: bold; font-style: italic; tab-size: 3",
    "white-space: pre-line",
    "white-space: pre-wrap",
    "white-space: nowrap",
    "",
]
# Where the text stands: in the flow, and in boxes whose width is measured from the
# text (shrink-to-fit), where WeasyPrint lays each line out for the widths too.
PLACES = [
    '<p style="{style}">{text}</p>',
    '<div style="position: absolute; left: 30mm; top: 20mm; {style}">{text}</div>',
    '<div style="float: left; {style}">{text}</div>',
    '<table><tr><td style="{style}">{text}</td></tr></table>',
    '<p>before <span style="display: inline-block; {style}">{text}</span> after</p>',
]


def test_the_patch_is_in_place_and_weasyprints_own_is_kept(tmp_path: Path) -> None:
    render_pdf(patchcheck.page("<p>x</p>"), tmp_path, tmp_path)  # lays out: installs
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred
    import weasyprint.text.line_break as line_break

    assert line_break.split_first_line is inline.split_first_line
    # preferred.py measures with it through linewidths' kept measures.
    assert line_break.split_first_line is preferred.split_first_line.campaign_measure
    assert prelines.uninstalled() is not line_break.split_first_line
    assert prelines.uninstalled().__module__ == "weasyprint.text.line_break"


@pytest.mark.parametrize("place", PLACES)
def test_every_text_and_style_draws_the_same_bytes(place: str, tmp_path: Path) -> None:
    body = "".join(
        place.format(style=style, text=escape(text)) + '<p style="break-after: page"></p>'
        for text in TEXTS
        for style in STYLES
    )
    own, ours = patchcheck.both(patchcheck.page(body), tmp_path, patchcheck.prelines_undone)
    assert ours == own


def test_the_lines_read_back_as_written(tmp_path: Path) -> None:
    # The same bytes could be the same mistake twice: the text read from the PDF is
    # the address, a line a line, nothing dropped or doubled.
    text = "Omar Ota 0\nRoom 300\n\nFirst Members' Office Building\nJapan"
    pdf = tmp_path / "out.pdf"
    pdf.write_bytes(
        render_pdf(patchcheck.page(f'<p style="white-space: pre">{text}</p>'), tmp_path, tmp_path)
    )
    assert [line for line in pdf_text(pdf).splitlines() if line.strip()] == [
        "Omar Ota 0",
        "Room 300",
        "First Members' Office Building",
        "Japan",
    ]


LETTERS = st.sampled_from(
    ["a", "W", " ", "  ", "\t", "\n", "\n\n", "\r\n", "ا", "日", "ﬁ", "\u00ad", "-"]
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(st.lists(LETTERS, max_size=30).map("".join), min_size=1, max_size=6),
    style=st.sampled_from(STYLES),
    place=st.sampled_from(PLACES),
)
def test_any_text_draws_the_same_bytes(
    texts: list[str], style: str, place: str, tmp_path: Path
) -> None:
    body = "".join(place.format(style=style, text=escape(text)) for text in texts)
    own, ours = patchcheck.both(patchcheck.page(body), tmp_path, patchcheck.prelines_undone)
    assert ours == own
