"""A line's glyphs drawn from Pango's arrays read whole (pdf/glyphdraw.py): WeasyPrint's bytes."""

from __future__ import annotations

from html import escape
from pathlib import Path

import patchcheck
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.pdf import glyphdraw
from campaign.pdf.proof import pdf_text
from campaign.pdf.render import render_pdf

# Texts that take each way through a line's drawing: kerned and ligated Latin, marks
# placed on their letters, right-to-left runs, several fonts in one line, glyphs that
# are empty, glyphs no font has (WeasyPrint's way), and a line cut with an ellipsis.
TEXTS = [
    "Amnesty International, AVATAR Wavy To Ta Te",
    "ﬁnal ffi ffl office affluent",
    "Société générale — Œuvre « naïve » Zürich Łódź",
    "منظمة العفو الدولية ومركز الحقوق",
    "English, then العربية, then English again",
    "עברית ועוד English 123",
    "内閣総理大臣 安倍晋三 様 〒100-8968",
    "Tiếng Việt: Người ký tên, đồng ý",
    "नमस्ते दुनिया क्षत्रिय",
    "ภาษาไทย สวัสดีครับ",
    "zero\u200bwidth\u200djoiner\u200cnon\u2060word joiner",
    "tab\there and\u00a0no-break\u2009thin\u3000ideographic",
    "soft\u00adhyphen in a very very very very very very very long unbreakable word",
]
STYLES = [
    "",
    "letter-spacing: 0.12em",
    "word-spacing: 0.5em",
    "text-align: justify; width: 40mm",
    "font-variant: small-caps; text-transform: uppercase",
    "font-weight: bold; font-style: italic; text-decoration: underline line-through",
    "font-family: monospace; font-size: 6pt",
    "font-family: sans-serif; font-size: 0.2pt",
    "direction: rtl; unicode-bidi: bidi-override",
    "white-space: nowrap; overflow: hidden; text-overflow: ellipsis; width: 30mm",
    "hyphens: auto; width: 25mm",
    "font-feature-settings: 'kern' 0, 'liga' 0",
]


def _page(body: str) -> str:
    return patchcheck.page(body, "en")


def test_the_patch_is_in_place_and_weasyprints_own_is_kept(tmp_path: Path) -> None:
    render_pdf(_page("<p>x</p>"), tmp_path, tmp_path)  # lays out: installs
    import weasyprint.draw.text as text

    assert glyphdraw.uninstalled() is not text.draw_first_line
    assert glyphdraw.uninstalled().__module__ == "weasyprint.draw.text"


@pytest.mark.parametrize("style", STYLES)
def test_every_text_draws_the_same_bytes(style: str, tmp_path: Path) -> None:
    body = "".join(f'<p style="{style}">{escape(text)}</p>' for text in TEXTS)
    own, ours = patchcheck.both(_page(body), tmp_path, patchcheck.glyphdraw_undone)
    assert ours == own


def test_the_names_read_back_as_drawn(tmp_path: Path) -> None:
    # The same bytes could be the same mistake twice: what a reader copies from the
    # PDF is each name, its ligatures and right-to-left words whole.
    names = ["Ünïcödé Ltd.", "ﬁnal office", "منظمة العفو", "Đặng Thị Ngọc"]
    pdf = tmp_path / "out.pdf"
    body = "".join(f"<p>{escape(name)}</p>" for name in names)
    pdf.write_bytes(render_pdf(_page(body), tmp_path, tmp_path))
    read = [line.strip() for line in pdf_text(pdf).splitlines() if line.strip()]
    assert read[0] == "Ünïcödé Ltd."
    assert read[1] in ("ﬁnal office", "final office")
    assert read[3] == "Đặng Thị Ngọc"
    assert len(read) == 4


def test_a_glyph_no_font_has_is_drawn_weasyprints_way(tmp_path: Path) -> None:
    # render_pdf refuses such a line (proof.refuse_notdef), after drawing it: WeasyPrint
    # alone, here, draws it as it would without the patch.
    import weasyprint

    html = _page("<p>private \ue000 use, a face \U0001f600 and \U00013000 after</p>")
    render_pdf(_page("<p>x</p>"), tmp_path, tmp_path)  # installs
    with patchcheck.glyphdraw_undone():
        own = weasyprint.HTML(string=html).write_pdf()
    assert weasyprint.HTML(string=html).write_pdf() == own


LETTERS = st.sampled_from(
    ["a", "V", "W", "fi", "ff", " ", "  ", "é", "e\u0301", "ا", "ل", "ה", "日", "ก", "ี",
     "क्ष", "\u200b", "\u200d", "\u00ad", "-", "1"]
)  # fmt: skip


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    texts=st.lists(st.lists(LETTERS, max_size=24).map("".join), min_size=1, max_size=6),
    style=st.sampled_from(STYLES),
)
def test_any_text_draws_the_same_bytes(texts: list[str], style: str, tmp_path: Path) -> None:
    body = "".join(f'<p style="{style}">{escape(text)}</p>' for text in texts)
    own, ours = patchcheck.both(_page(body), tmp_path, patchcheck.glyphdraw_undone)
    assert ours == own


@pytest.mark.parametrize(
    ("text", "style", "own_calls"),
    [
        ("Amnesty International, AVATAR ﬁnal", "", 0),
        ("منظمة العفو الدولية", "", 0),
        ("an ellipsis to make for a line far too long for its box", "white-space: nowrap;"
         " overflow: hidden; text-overflow: ellipsis; width: 20mm", 1),
    ],
)  # fmt: skip
def test_plain_lines_are_drawn_here_and_others_weasyprints_way(
    text: str, style: str, own_calls: int, tmp_path: Path
) -> None:
    # Byte for byte the same would hold as well if every line went WeasyPrint's way.
    import weasyprint.draw.text as drawing

    render_pdf(_page("<p>x</p>"), tmp_path, tmp_path)  # installs
    # The patch hands a line to WeasyPrint through its ``weasyprints``, held in a cell.
    cells = drawing.draw_first_line.__closure__ or ()
    cell = next(c for c in cells if getattr(c.cell_contents, "__name__", "") == "weasyprints")
    weasyprints = cell.cell_contents
    calls: list[object] = []

    def counted(*args: object) -> object:
        calls.append(args)
        return weasyprints(*args)

    cell.cell_contents = counted
    try:
        render_pdf(_page(f'<p style="{style}">{escape(text)}</p>'), tmp_path, tmp_path)
    finally:
        cell.cell_contents = weasyprints
    assert len(calls) == own_calls
