"""Letters the fast build makes otherwise than whole (attack 9).

After e5696cd (render.draws_outside_parts: a batch whose overlay draws anything outside
its parts is laid out whole; the overlay layer hides the sheet itself): each test
builds the workspace as a user would (``campaign build``) and reads the PDFs as a
reader would; each fails on e5696cd with exit 0 and the letters or copies said to
share their pages. Helpers as in test_wrong_letter_breaks.py.
"""

from __future__ import annotations

from pathlib import Path

from test_wrong_letter_breaks import (
    LETTER,
    OWN,
    PEOPLE,
    _add_css,
    _addressees,
    _build,
    _english_only,
    _raw_pages,
    _whole,
)
from test_wrong_letter_breaks2 import _built_and_alone

from conftest import pictures

# Tinted paper, as a workspace sets it: '@page { background: ... }'. WeasyPrint paints
# the page's own background (draw_page: the page box's, and the canvas's) whatever
# any box's visibility, over the whole page, before anything else. A copy for cc is
# stamped with an overlay that keeps the letter's own pages (overlays.own_pages, for
# the copy mark in every page's margin), all but the parts hidden by 'visibility': each
# of its pages paints the tinted paper again, opaque, over the master's page, and the
# stamp covers the letter's text. Every page of each copy shows only the copy mark,
# the address and the salutation on blank tinted paper (the text is still in the PDF,
# under the paint: pdftotext reads it, no one sees it). draws_outside_parts walks the
# page box's children, never the page box itself; margin_parts compares margin boxes.
# Fix: the overlay layer takes the page's background off ('@page { background: none
# !important; border: 0 !important }' and the root's, in layers.css.j2 / own_pages),
# and draws_outside_parts refuses an overlay whose page box or canvas paints (as
# split_sheets already reads page_box.background and canvas_background).


def test_each_copy_on_tinted_paper_shows_the_letters_text(example: Path) -> None:
    """``@page { background: #fbf6e6 }`` in the workspace's letter.css; the example's
    two cc copies."""
    _english_only(example)  # its two cc copies share their pages
    _add_css(example, "@page { background: #fbf6e6; }\n")
    out = _build(example)
    copy = example / "build" / LETTER.name / "cc" / "yoshihide-suga.pdf"
    fast = copy.read_bytes()
    _whole(example)
    assert "Ahead of the March session" in _raw_pages(copy)[0]
    # Found: '2 copies for cc share their pages'; every page of each copy blank but for
    # the mark, the address and the salutation (the text painted over).
    assert pictures(fast) == pictures(copy), out


# The same for letters to addressees, when their overlays are whole page 1s: a CSS
# counter in the style (numbered paragraphs, overlays._COUNTERS) makes compact_batch
# give up, and each overlay page is the letter's page 1 with all but its parts hidden
# by 'visibility' -- and its tinted paper painted, opaque, over the master's page 1.
# (The compact overlays' stacked sheets are cut by split_sheets, which refuses a
# painted page: those letters are laid out whole, 'pages'.) Cy Ng's page 1 shows his
# address and salutation on an empty page; pages 2 and on are the master's.
# Fix: as above.


def test_each_letters_first_page_on_tinted_paper_shows_its_text_when_paragraphs_are_numbered(
    example: Path, tmp_path: Path
) -> None:
    """``@page { background }`` and numbered paragraphs (``counter-increment`` in
    ``.body > p::before``)."""
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(
        example,
        "@page { background: #fbf6e6; }\n"
        ".body { counter-reset: paragraph; }\n"
        '.body > p::before { counter-increment: paragraph; content: counter(paragraph) ". "; }\n',
    )
    out, whole, stamped = _built_and_alone(example, tmp_path)
    # Found: '3 letters to addressees share their pages'; page 1 blank but for its parts.
    assert pictures(stamped) == pictures(whole), out


# Mended twice: the shipped overlay layer takes the page's paint off ('@page { background:
# none !important }', and the root's), so tinted letters still share; and a workspace
# holding the templates as they were has the batch laid out whole, as its overlay paints
# the page (render.draws_outside_parts reads the page box and the canvas too).


def test_tinted_copies_share_their_pages(example: Path) -> None:
    _english_only(example)
    _add_css(example, "@page { background: #fbf6e6; }\nhtml { background: #fbf6e6; }\n")
    out = _build(example)
    assert "2 copies for cc share their pages" in out, out


def test_tinted_copies_with_old_templates_layers_are_laid_out_whole(example: Path) -> None:
    _english_only(example)
    layers = example / OWN / "layers.css.j2"
    text = layers.read_text(encoding="utf-8")
    paint = "@page { background: none !important; border: none !important; }\n"
    assert paint in text
    layers.write_text(text.replace(paint, "", 1), encoding="utf-8")
    _add_css(example, "@page { background: #fbf6e6; }\n")
    out = _build(example)
    assert "2 copies for cc laid out whole: their overlay draws something" in out, out
    copy = example / "build" / LETTER.name / "cc" / "yoshihide-suga.pdf"
    fast = copy.read_bytes()
    _whole(example)
    assert pictures(fast) == pictures(copy), out
