"""Letters the fast build makes otherwise than whole (attack 8).

After 838ab01 (the layers' rules in a style sheet of their own; the overlay showing a
part's own element, what is in it inheriting; render.parts_apart 'shown';
composer._well_marked refusing form controls and table cells marked hidden;
overlays.unseen_siblings reading each style sheet on its own): each test builds the
workspace as a user would (``campaign build``) and reads the PDFs as a reader would;
each wrong-letter test fails on 838ab01 with exit 0 and '3 letters to addressees share
their pages'. Helpers as in test_wrong_letter_breaks.py.
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
)
from test_wrong_letter_breaks2 import _alone, _built_and_alone

from conftest import pdf_pages, pictures


def _after_letter_start(example: Path, html: str) -> None:
    """``html`` written into the workspace's letter.html.j2 first in .letter-start."""
    page = example / OWN / "letter.html.j2"
    text = page.read_text(encoding="utf-8")
    start = '<div class="letter-start">\n'
    assert start in text
    page.write_text(text.replace(start, start + html, 1), encoding="utf-8")


# 'visibility: hidden' does not hide everything a box draws: WeasyPrint draws a table's
# collapsed borders (draw_collapsed_borders, 'border-collapse: collapse') whatever the
# visibility of the table and its cells. The shared layer hides each part by
# '.vary { visibility: hidden }': a part holding a ruled table (a boxed 'For the
# attention of' line) leaves the first addressee's grid on the master, sized to the
# first addressee's name; each letter's own grid is stamped over it. The part takes the
# master's room (one row), so the proof passes; parts_apart looks at visibility, floats
# and placement, not at what a hidden box still paints. Cy Ng's letter shows two frames
# (Ann Lee's, wider, and his own), laid out whole one.
# Fix: refuse to share (parts_apart) when a hidden part or anything in it still paints
# (a table with 'border-collapse: collapse' and any border), or hide parts on the
# master by something that hides all they draw (e.g. 'opacity: 0' or cutting the
# master's page 1 content under each part's box).

_ATTENTION = (
    '<!--vary--><div class="attention vary"><table><tr><th>For the attention of</th>'
    "<td>{{ recipient.name }}</td></tr></table></div><!--/vary-->\n"
)


def test_a_ruled_table_in_a_part_is_ruled_once(example: Path, tmp_path: Path) -> None:
    """A part first in .letter-start: a one-row table, ruled (``border-collapse:
    collapse``), naming the addressee."""
    people = [("Dolores Umbridge", "Dear Dolores Umbridge,", ""), PEOPLE[1], PEOPLE[0]]
    _english_only(example)
    _addressees(example, people)
    _after_letter_start(example, _ATTENTION)
    _add_css(
        example,
        ".attention { padding-bottom: 4mm; } .attention table { border-collapse: collapse; }\n"
        ".attention th, .attention td { border: 1pt solid #444; padding: 1mm 2mm; }\n",
    )
    out = _build(example)
    whole = _alone(example, tmp_path, people, 1)
    stamped = example / "build" / LETTER.name / "to" / "cy-ng.pdf"
    assert "Cy Ng" in pdf_pages(stamped)[0]
    # Found: '3 letters to addressees share their pages'; Dolores Umbridge's frame under Cy Ng's.
    assert pictures(stamped) == pictures(whole), out


# The overlay hides all but the parts by '.sheet *:not(.vary, .vary *)' (layers.css.j2):
# '.sheet' itself is not hidden, nor what it holds that is no element. Text written
# straight in the template's body (between the date and the subject: 'By email and
# post') is an anonymous box of '.sheet' in the overlay, visible: the master draws it
# and every overlay stamped on it draws it again. Cy Ng's page 1 holds the line twice
# (read back twice in the PDF's text, the glyphs overprinted and heavier). Nothing
# checks what an overlay draws besides its parts (placed_as_master measures the parts
# only; _well_marked reads the parts, not what lies between elements).
# Fix: hide '.sheet' itself in the overlay and show the parts ('.sheet { visibility:
# hidden }', '.sheet .vary { visibility: visible }'), or refuse to stamp an overlay
# whose boxes outside every part draw anything (text, picture, paint).


def test_text_straight_in_the_body_is_drawn_once(example: Path, tmp_path: Path) -> None:
    """``By email and post`` written straight in the body, between the date and the
    subject, in the workspace's letter.html.j2."""
    _english_only(example)
    _addressees(example, PEOPLE)
    page = example / OWN / "letter.html.j2"
    text = page.read_text(encoding="utf-8")
    mark = '<div class="letter-start">\n'
    assert mark in text
    page.write_text(text.replace(mark, "By email and post\n" + mark, 1), encoding="utf-8")
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert pdf_pages(whole)[0].count("By email") == 1
    # Found: '3 letters to addressees share their pages'; the line read back twice.
    assert _raw_pages(stamped)[0].count("By email") == 1, out
    assert pictures(stamped) == pictures(whole), out


# The same mechanism outside the parts. An overlay batch that cannot be outlined (here:
# the letter numbers its paragraphs with a CSS counter, overlays._COUNTERS) is laid out
# as whole page 1s, where '.sheet *:not(.vary, .vary *) { visibility: hidden }' is all
# that hides the rest of page 1: a ruled table on page 1 (the references line) is drawn
# by the master and again by every overlay stamped on it. The doubled rules are darker
# where their edges are shaded; the reader sees the frame drawn heavier than the
# letter laid out whole.
# Fix: as above (hide page 1 in the overlay by what hides all it draws, or refuse to
# stamp an overlay that draws outside its parts); or lay out whole page 1s with
# 'display: none' on what holds no part wherever the outline allows it.

_REFERENCES = (
    '<table class="refs"><tr><th>Our reference</th><td>HRC/2020/14</td>'
    "<th>Enclosures</th><td>1</td></tr></table>\n"
)


def test_a_ruled_table_on_page_1_is_ruled_once_when_paragraphs_are_numbered(
    example: Path, tmp_path: Path
) -> None:
    """Numbered paragraphs (``counter-increment`` in ``.body > p::before``) and a ruled
    references table first in .letter-start."""
    _english_only(example)
    _addressees(example, PEOPLE)
    _after_letter_start(example, _REFERENCES)
    _add_css(
        example,
        ".refs { border-collapse: collapse; margin-bottom: 4mm; }\n"
        ".refs th, .refs td { border: 0.6pt solid #777; padding: 1mm 2mm; }\n"
        ".body { counter-reset: paragraph; }\n"
        '.body > p::before { counter-increment: paragraph; content: counter(paragraph) ". "; }\n',
    )
    out, whole, stamped = _built_and_alone(example, tmp_path)
    # Found: '3 letters to addressees share their pages'; the table's rules drawn twice.
    assert pictures(stamped, dpi=150) == pictures(whole, dpi=150), out
