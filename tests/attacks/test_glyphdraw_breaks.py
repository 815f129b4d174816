"""Lines drawn from Pango's arrays (pdf/glyphdraw.py) against documents made to tell them apart."""

from __future__ import annotations

import threading
from html import escape
from pathlib import Path

import patchcheck
import pytest

from campaign.pdf import glyphdraw
from campaign.pdf.render import render_pdf

weasyprint = pytest.importorskip("weasyprint")
subset = pytest.importorskip("fontTools.subset")
TTFont = pytest.importorskip("fontTools.ttLib").TTFont

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
HAS_DEJAVU = pytest.mark.skipif(not DEJAVU.exists(), reason="DejaVu Sans not installed")


def _installed(tmp_path: Path) -> None:
    render_pdf("<p>x</p>", tmp_path, tmp_path)  # lays out: installs every patch


def _weasy_both(html: str, base: Path) -> tuple[bytes, bytes]:
    """``html`` written by WeasyPrint alone (own draw_first_line), then with the patch."""
    _installed(base)
    with patchcheck.glyphdraw_undone():
        own = weasyprint.HTML(string=html, base_url=f"{base}/").write_pdf()
    return own, weasyprint.HTML(string=html, base_url=f"{base}/").write_pdf()


def _subset_font(text: str, out: Path) -> list[str]:
    """DejaVu Sans cut down to ``text`` (glyphs numbered from 1 in cmap order), saved at ``out``."""
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["FFTM"]
    font = TTFont(str(DEJAVU))
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    font.save(str(out))
    return TTFont(str(out)).getGlyphOrder()


def _two_files_one_family(tmp_path: Path) -> str:
    # A.ttf: .notdef, space, a, b (4 glyphs); B.ttf: .notdef, W, x, y, z (z is glyph 4).
    # Both are family X: Pango describes them alike, so WeasyPrint keeps ONE Font for
    # both (its key drops only size and gravity), made from A (4 glyphs).
    assert len(_subset_font("ab ", tmp_path / "A.ttf")) == 4
    assert _subset_font("xyzW", tmp_path / "B.ttf")[4] == "z"
    return (
        "<style>@font-face { font-family: X; src: url(A.ttf) }"
        " @font-face { font-family: X; src: url(B.ttf) }"
        " p { font-family: X; font-size: 12pt }</style>"
    )


# Broke (mended: WeasyPrint's way drops every font's kept operators): its own drawing of
# a character no font has (U+E000) numbers it with the Font's first unused glyph
# (glyph_count + n = 4) and overwrites font.widths[4] with Pango's approximate width.
# Glyph 4 is also B's real "z", whose operators the patch had cached on the Font (size
# 12, key z/width/offset) with the width it had before. The third line's "z": WeasyPrint
# writes [<0004>-45] TJ (the kerning from the overwritten width), the patch its stale
# cached piece [<0004>0] TJ. render_pdf refuses such a letter (proof.refuse_notdef)
# after drawing it, so this is WeasyPrint's own write_pdf in a process where the patch
# is installed.
@HAS_DEJAVU
def test_a_cached_glyph_whose_width_a_missing_character_overwrote(tmp_path: Path) -> None:
    css = _two_files_one_family(tmp_path)
    own, ours = _weasy_both(css + "<p>az</p><p>a\ue000</p><p>z</p>", tmp_path)
    assert ours == own


# held: the same two files without a missing character (one Font for two files, each
# glyph's width noted once, pieces cached by raw glyph number). No spaces: a space
# between B's letters falls to B, which has none: a missing character again.
@HAS_DEJAVU
def test_held_two_files_of_one_family_without_a_missing_character(tmp_path: Path) -> None:
    css = _two_files_one_family(tmp_path)
    own, ours = _weasy_both(css + "<p>az</p><p>bWa</p><p>zyx</p><p>zz</p>", tmp_path)
    assert ours == own


# held: a missing character first, the real glyph after (the patch reads the width
# WeasyPrint overwrote, as WeasyPrint does).
@HAS_DEJAVU
def test_held_a_missing_character_before_the_glyph_it_collides_with(tmp_path: Path) -> None:
    css = _two_files_one_family(tmp_path)
    own, ours = _weasy_both(css + "<p>a\ue000</p><p>az</p><p>z</p>", tmp_path)
    assert ours == own


# held: one glyph of one Font at many sizes and spacings in one document, back and
# forth (the cache is by size, then by glyph, width and offset; widths noted once).
def test_held_one_font_at_sizes_and_spacings_back_and_forth(tmp_path: Path) -> None:
    styles = [
        "font-size: 10pt", "font-size: 20pt", "font-size: 10pt; letter-spacing: 1px",
        "font-size: 10.01pt", "font-size: 10pt", "font-size: 5pt; word-spacing: 7px",
        "font-size: 10pt; text-align: justify; width: 30mm",
    ]  # fmt: skip
    body = "".join(f'<p style="{s}">AVAW Wa To ﬁ é AV AV</p>' for s in styles)
    own, ours = patchcheck.both(patchcheck.page(body), tmp_path, patchcheck.glyphdraw_undone)
    assert ours == own


# held: Pango's synthesized small capitals and superscripts (one Font at two sizes in
# one line), cursive Nastaliq (glyphs raised: WeasyPrint's way) then its glyphs again.
@pytest.mark.parametrize(
    "body",
    [
        '<p style="font-variant: small-caps; font-family: DejaVu Sans">Hello AV Hello</p>',
        '<p style="font-variant-position: super">x2 H2O</p><p>x2 H2O</p>',
        '<p style="font-family: Noto Nastaliq Urdu">نستعلیق اردو</p><p>ق ا</p>',
        '<p style="font-family: DejaVu Sans">a\u0301\u0323 q\u0307</p><p>a q</p>',
    ],
)
def test_held_sizes_and_raised_glyphs_within_a_line(body: str, tmp_path: Path) -> None:
    own, ours = patchcheck.both(patchcheck.page(body), tmp_path, patchcheck.glyphdraw_undone)
    assert ours == own


# held: SVG <text> (svg/text.py imports draw_first_line at call time: the patch draws
# each letter, rotated, scaled by textLength, in <use> copies).
def test_held_svg_text_drawn_letter_by_letter(tmp_path: Path) -> None:
    (tmp_path / "s.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"'
        ' width="300" height="100"><defs><text id="t" x="5" y="20" font-size="9">Wa ﬁ AV'
        '</text></defs><use xlink:href="#t"/><use xlink:href="#t" y="30"/>'
        '<text x="5" y="80" font-size="21" rotate="10 20" textLength="200">AVAW To</text>'
        "</svg>"
    )
    html = '<img src="s.svg"><p>Wa ﬁ AV</p><img src="s.svg" style="width: 50px">'
    own, ours = _weasy_both(html, tmp_path)
    assert ours == own


# held: a laid-out document written twice and copied (its Fonts, widths, to_unicode
# and cached pieces kept between the writes).
def test_held_one_document_written_twice_and_copied(tmp_path: Path) -> None:
    _installed(tmp_path)
    html = patchcheck.page("<p>AVAW ﬁ Wa é</p><p style='font-size: 7pt'>AVAW ﬁ Wa é منظمة</p>")

    def writes() -> list[bytes]:
        document = weasyprint.HTML(string=html).render()
        return [document.write_pdf(), document.write_pdf(), document.copy().write_pdf()]

    with patchcheck.glyphdraw_undone():
        own = writes()
    assert writes() == own


# held: documents laid out and written by four threads at once (each document's Fonts
# are its own; nothing of the patch is shared between them).
def test_held_documents_written_by_threads_at_once(tmp_path: Path) -> None:
    _installed(tmp_path)
    texts = ["AVAW ﬁ Wa To é", "منظمة العفو", "日本語 テキスト", "Tiếng Việt", "x\u0301y\u0323"]
    pages = [
        patchcheck.page(
            "".join(
                f'<p style="font-size: {6 + (i * k) % 9}pt; letter-spacing: {(i + k) % 3}px">'
                f"{escape(texts[(i + k) % 5])} {escape(texts[k % 5])}</p>"
                for k in range(5)
            )
        )
        for i in range(16)
    ]
    with patchcheck.glyphdraw_undone():
        own = [weasyprint.HTML(string=page).write_pdf() for page in pages]
    ours: list[bytes] = [b""] * len(pages)

    def work(first: int) -> None:
        for i in range(first, len(pages), 4):
            ours[i] = weasyprint.HTML(string=pages[i]).write_pdf()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert ours == own


# held: a font size Pango rounds to 0 fails the same way both ways (a division by zero).
def test_held_a_font_size_pango_rounds_to_nothing(tmp_path: Path) -> None:
    _installed(tmp_path)
    html = '<p style="font-size: 0.00001px">Hello</p>'
    with patchcheck.glyphdraw_undone(), pytest.raises(ZeroDivisionError):
        weasyprint.HTML(string=html).write_pdf()
    with pytest.raises(ZeroDivisionError):
        weasyprint.HTML(string=html).write_pdf()
    assert glyphdraw.uninstalled() is not None
