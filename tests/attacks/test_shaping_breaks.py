"""Kept Pango layouts (campaign/pdf/shaping.py) against documents made to tell them apart.

Each test renders a hostile document with WeasyPrint's own ``Layout`` methods and with
the kept layouts, dated alike, and wants the same bytes. The "Broke:" ones each made
another PDF (or none) before shaping.py was fixed.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from campaign.pdf import shaping
from campaign.pdf.render import render_pdf

weasyprint = pytest.importorskip("weasyprint")
Layout = pytest.importorskip("weasyprint.text.line_break").Layout

DATE = "2020-05-01T00:00:00Z"
PAGE = "<style>@page { size: A5; margin: 10mm } p { font: 10pt 'DejaVu Sans' }</style>"


@contextmanager
def _weasyprint_own() -> Iterator[None]:
    """WeasyPrint's own Layout methods while inside, the kept layouts again after."""
    shaping.install()
    kept = (Layout.set_text, Layout.deactivate, Layout.reactivate)
    Layout.set_text, Layout.deactivate, Layout.reactivate = Layout.campaign_unshaped
    try:
        yield
    finally:
        Layout.set_text, Layout.deactivate, Layout.reactivate = kept


def _both(html: str, tmp_path: Path) -> tuple[bytes, bytes]:
    """The PDF with WeasyPrint's own layouts, and with the kept ones (dated alike)."""
    with _weasyprint_own():
        own = render_pdf(html, tmp_path, tmp_path, date=DATE)
    return own, render_pdf(html, tmp_path, tmp_path, date=DATE)


def _writes(document: Any, times: int) -> list[bytes]:
    document.metadata.created = document.metadata.modified = DATE
    return [document.write_pdf() for _ in range(times)]


def _lines(html: str) -> list[str]:
    """The text of each line box of page 1, as laid out."""
    document = weasyprint.HTML(string=html).render()
    found: list[str] = []

    def walk(box: Any) -> None:
        if type(box).__name__ == "LineBox":
            found.append("".join(b.text for b in box.descendants() if hasattr(b, "text")))
        for child in getattr(box, "children", []):
            walk(child)

    walk(document.pages[0]._page_box)
    return found


# --- Breaks -----------------------------------------------------------------------------


def test_line_clamp_with_word_spacing_draws_its_ellipsis(tmp_path: Path) -> None:
    """Broke: a clamped paragraph with word-spacing raised UnicodeDecodeError ('utf-8'
    codec can't decode byte 0x80) while drawing: the kept layout still had the word
    spacing of the space after the line's last word (left by the whole paragraph's text,
    measured first) on the first byte of the '…' the drawing puts there, and Pango cut
    the ellipsis's run inside the character. WeasyPrint's own PDF draws 'aaa … ddd…'."""
    html = PAGE + (
        '<p style="width: 40mm; line-clamp: 1; word-spacing: 3pt">'
        "aaa bbb ccc ddd eee fff ggg hhh iii</p>"
    )
    own, kept = _both(html, tmp_path)
    assert own == kept


def test_line_clamp_string_with_word_spacing_ends_the_line_where_weasyprint_does(
    tmp_path: Path,
) -> None:
    """Broke: with line-clamp: 2 'zz' and word-spacing, the clamped line was drawn
    'eee fff ggg hhh zz' where WeasyPrint draws 'eee fff ggg hhh iiizz': the first 'z'
    had the word spacing the paragraph's space left there while it was measured, so the
    line with the ellipsis seemed too wide and its last word was dropped."""
    html = PAGE + (
        "<p style=\"width: 40mm; line-clamp: 2 'zz'; word-spacing: 3pt\">"
        "aaa bbb ccc ddd eee fff ggg hhh iii jjj kkk lll mmm</p>"
    )
    own, kept = _both(html, tmp_path)
    assert own == kept


def test_hyphenate_character_over_a_measured_space_draws_unspaced(tmp_path: Path) -> None:
    """Broke: a word cut at its soft hyphen, with hyphenate-character 'zz' and
    word-spacing, drew its 'zz' with the spacing of the space that followed the next
    letter in the text measured before (the layout is reused for the hyphenated line);
    WeasyPrint's new layout draws 'zz' unspaced. The PDFs differed."""
    html = PAGE + (
        '<p lang="en" style="width: 12mm; hyphens: manual; word-spacing: 3pt; '
        "hyphenate-character: 'zz'\">abcdefghijklmnop\u00adq r s t u</p>"
    )
    own, kept = _both(html, tmp_path)
    assert own == kept


def test_preserved_newline_after_a_short_first_try_still_breaks_the_line(
    tmp_path: Path,
) -> None:
    """Broke: in a narrow pre-line box, 'a b\\nc' was laid out as one line 'a b\\nc'
    (drawn 'a b c') where WeasyPrint makes two, 'a b' and 'c': WeasyPrint first measures
    'a b' alone (a word, a space and a letter), which set single-paragraph mode, then the
    whole text in the same layout, and in that mode the newline ends no paragraph."""
    html = PAGE + '<p style="white-space: pre-line; width: 30pt">a b\nc</p>'
    assert _lines(html) == ["a b", "c"]
    with _weasyprint_own():
        assert _lines(html) == ["a b", "c"]
    own, kept = _both(html, tmp_path)
    assert own == kept


def test_line_clamp_of_a_word_cut_anywhere_keeps_its_ellipsis(tmp_path: Path) -> None:
    """Broke: a clamped line holding a long word cut with overflow-wrap: anywhere was
    drawn 'aaaaaaaaaaaaa' with no ellipsis where WeasyPrint draws 'aaaaaaaaaaaaa…': the
    kept layout still wrapped at any character (as WeasyPrint set it to cut the word),
    so the line and its ellipsis did not fit on one line and the ellipsis was left on
    the second; WeasyPrint's new layout wraps at words."""
    html = PAGE + (
        '<p style="width: 30mm; line-clamp: 1; overflow-wrap: anywhere">'
        + "a" * 60
        + " bbb ccc</p>"
    )
    own, kept = _both(html, tmp_path)
    assert own == kept


def test_word_break_all_in_clamped_lines(tmp_path: Path) -> None:
    """Broke: as above with word-break: break-all over two clamped lines: other PDF."""
    html = PAGE + (
        '<p style="width: 30mm; line-clamp: 2; word-break: break-all">'
        + "abc" * 30
        + " bbb ccc</p>"
    )
    own, kept = _both(html, tmp_path)
    assert own == kept


def test_a_document_written_again_lets_its_layouts_go(tmp_path: Path) -> None:
    """Broke: writing a document a second time made each line's layout anew (as it
    should) and then kept it after drawing it, for as long as the document lived: a
    Pango layout and its context per line held by a document already written."""
    html = PAGE + "".join(f"<p>Line {i} of a list</p>" for i in range(30))
    shaping.install()
    document = weasyprint.HTML(string=html).render()
    with _weasyprint_own():
        own = _writes(weasyprint.HTML(string=html).render(), 2)
    assert _writes(document, 2) == own
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, Layout) and hasattr(o, "layout")]
    assert alive == []
    assert document.pages  # the document is alive: its layouts are let go all the same


# --- What held ---------------------------------------------------------------------------

HOSTILE = {
    "svg text": (
        '<p>x <svg width="200" height="60" xmlns="http://www.w3.org/2000/svg">'
        '<text x="5" y="20" style="font: 12px DejaVu Sans; letter-spacing: 2px; '
        'word-spacing: 5px">Hello wörld ﬁ עברית</text>'
        '<text x="5" y="40" rotate="10 20" font-family="DejaVu Sans">abc def</text></svg></p>'
    ),
    "first line and letter": (
        "<style>p::first-line { font-weight: bold; letter-spacing: 1pt; word-spacing: 4pt }"
        ' p::first-letter { font-size: 20pt }</style><p style="width: 40mm">Lorem ipsum '
        "dolor sit amet consectetur adipiscing elit sed do</p>"
    ),
    "running head, counters": (
        "<style>@page { @top-center { content: element(h) } @bottom-center { content: "
        '"Page " counter(page) " of " counter(pages); word-spacing: 3pt } } h1 { position: '
        "running(h); font: 9pt DejaVu Sans; word-spacing: 2pt }</style>"
        "<h1>Running head title text</h1>" + "<p>para para para</p>" * 40
    ),
    "footnote": (
        "<style>.fn { float: footnote; word-spacing: 2pt }</style>"
        '<p>Text<span class="fn">A footnote here with text</span> more text</p>'
    ),
    "table header on each page": (
        '<table style="width: 50mm; word-spacing: 2pt"><thead><tr><th>Head one two three'
        "</th></tr></thead>" + "<tr><td>cell text with words here</td></tr>" * 40 + "</table>"
    ),
    "columns, hyphens": (
        '<div lang="en" style="columns: 3; word-spacing: 2pt; hyphens: auto">'
        + "extraordinary incomprehensibility words here " * 20
        + "</div>"
    ),
    "flex, float, inline-block": (
        '<div style="display: flex; word-spacing: 3pt"><div style="flex: 1">aaa bbb ccc'
        '</div><div style="flex: 2">eee fff ggg hhh</div></div><div style="float: left; '
        'width: 20mm; word-spacing: 3pt">aaa bbb ccc ddd</div><p>a <span style="display: '
        'inline-block; width: 15mm; word-spacing: 3pt">aaa bbb ccc</span> b</p>'
    ),
    "form fields": (
        '<form><input value="some value text here" style="appearance: auto; width: 30mm; '
        'word-spacing: 3pt"><textarea style="appearance: auto">a b\nc d</textarea>'
        '<select style="appearance: auto"><option>one two</option></select></form>'
    ),
    "rtl justified": (
        '<p dir="rtl" style="text-align: justify; width: 40mm; word-spacing: 2pt">'
        "مرحبا بالعالم هذا نص عربي طويل للاختبار مرحبا بالعالم هذا نص عربي</p>"
    ),
    "tabs and newlines": (
        '<pre style="font: 10pt DejaVu Sans; word-spacing: 3pt; tab-size: 3">'
        "a\tb c\td\ne\tf</pre>"
        '<p style="white-space: pre-wrap; width: 30pt">a b\nc d\r\ne</p>'
        '<p style="white-space: pre-line; width: 25pt; word-spacing: 2pt">a b\nc d e\nf</p>'
    ),
    "hyphens de, shy, text-indent": (
        '<p lang="de" style="hyphens: auto; width: 25mm; word-spacing: 2pt">'
        "Donaudampfschifffahrtsgesellschaftskapitän und Rechtsschutzversicherungen x y</p>"
        '<p style="text-indent: 10mm; width: 30mm; word-spacing: 2pt">'
        "abc\u00addef\u00adghi\u00adjkl mno\u00adpqr stu</p>"
        '<p style="width: 8mm; word-spacing: 2pt">ab\u00adcd\u00adef g h\u00adi j</p>'
    ),
    "ellipses": (
        '<p style="width: 30mm; white-space: nowrap; overflow: hidden; text-overflow: '
        'ellipsis; word-spacing: 3pt">aaa bbb ccc ddd eee fff</p>'
        '<p style="width: 30mm; overflow: hidden; text-overflow: ellipsis; '
        'overflow-wrap: anywhere">' + "a" * 60 + " bbb</p>"
    ),
    "zero-width, nbsp, combining": (
        '<p style="width: 20mm; word-spacing: 2pt">a\u200bb\u200bc\u200bd\u200be\u200bf g'
        " h\u200bi\u200bj\u200bk\u200bl</p>"
        '<p style="width: 20mm; word-spacing: 3pt">a\u00a0b c\u00a0d e\u00a0f g\u00a0h</p>'
        '<p style="width: 15mm; letter-spacing: 1pt; word-spacing: 1pt">'
        "e\u0301e\u0301 a\u0308\u0304 o\u0303\u0323 x\u0332y\u0332</p>"
    ),
    "scripts": (
        '<p lang="th" style="width: 20mm; font-family: Noto Sans Thai">'
        "ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรคระหว่างคำ</p>"
        '<p lang="hi" style="width: 20mm; word-spacing: 2pt; font-family: Noto Sans '
        'Devanagari">हिन्दी भाषा में लिखा गया पाठ है यह</p>'
        '<p style="writing-mode: vertical-rl; font-family: Noto Sans CJK JP">縦書きの日本語</p>'
    ),
    "small caps, decorations": (
        '<p style="font-variant: small-caps; width: 30mm; word-spacing: 3pt; '
        'text-transform: capitalize; text-decoration: underline overline line-through">'
        "hello world this is text again and again</p>"
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_document_draws_byte_for_byte_the_same(name: str, tmp_path: Path) -> None:
    own, kept = _both(PAGE + HOSTILE[name], tmp_path)
    assert own == kept


def test_threads_drawing_at_once_make_weasyprint_own_pdfs() -> None:
    html = PAGE + "".join(
        f'<p style="width: {20 + i}mm; word-spacing: {i % 3}pt">Line {i} aaa bbb ccc ddd eee</p>'
        for i in range(40)
    )
    with _weasyprint_own():
        own = _writes(weasyprint.HTML(string=html).render(), 1)[0]
    made: list[bytes] = []
    failed: list[BaseException] = []

    def draw() -> None:
        try:
            made.append(_writes(weasyprint.HTML(string=html).render(), 1)[0])
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert made == [own] * 4


def test_layouts_of_documents_never_written_go_with_them() -> None:
    shaping.install()
    html = PAGE + "".join(f"<p>Line {i} of a list</p>" for i in range(30))
    for _ in range(5):
        weasyprint.HTML(string=html).render()  # laid out, dropped unwritten
    gc.collect()
    alive = [o for o in gc.get_objects() if isinstance(o, Layout) and hasattr(o, "layout")]
    assert alive == []


def test_text_overflow_ellipsis_of_a_word_wider_than_its_box(tmp_path: Path) -> None:
    """Broke (in 14f46cb as first written): a word wider than its paragraph, with
    overflow: hidden and text-overflow: ellipsis, was drawn whole ('aaaaaa', clipped)
    where WeasyPrint draws 'a…': the kept layout already had the box's width and had
    wrapped nothing, and Pango lays out such a layout's lines again for an ellipsis only
    if they were wrapped or ellipsized before."""
    html = PAGE + (
        '<p style="overflow: hidden; text-overflow: ellipsis; width: 5mm">aaaaaa</p>'
        '<p style="overflow: hidden; text-overflow: ellipsis; width: 20mm">' + "a" * 35 + "</p>"
    )
    own, kept = _both(html, tmp_path)
    assert own == kept
