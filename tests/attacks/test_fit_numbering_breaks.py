"""Letters and mail pieces the build makes otherwise than laid out alone (attack on 47c83f6).

After 47c83f6 (render._numbered numbering every element marked data-fit or
data-fit-lines with a quote-aware start-tag regex; _as_blocks and _retyped setting
the numbered element alone): each test builds a workspace as a user would
(``campaign build``, exit 0, no warning) and reads the PDFs back as a reader would.
Each fails on 47c83f6. Helpers as in test_wrong_letter_breaks.py and
test_wrong_letter_breaks10.py.
"""

from __future__ import annotations

from pathlib import Path

from test_wrong_letter_breaks import LETTER, OWN, _add_css, _build, _english_only
from test_wrong_letter_breaks10 import PEOPLE, _alone, _left_of, _recipients

from conftest import pictures


def _comment_after_address(ws: Path, comment: str) -> None:
    """The workspace's letter.html.j2 with an HTML ``comment`` after the window's address."""
    page = ws / OWN / "letter.html.j2"
    html = page.read_text(encoding="utf-8")
    mark = "<!--/vary-->\n"
    assert mark in html
    page.write_text(html.replace(mark, mark + f"  {comment}\n", 1), encoding="utf-8")


# render._numbered reads the document's start tags with _START_TAG, '<' and a word
# character, then up to the first '>' outside quotes; a quote opened is read to its
# match, wherever that is. An HTML comment is not read as a comment: a template note
# such as '<!-- the address block <27mm tall (DIN 5008); don't pad it -> it moves -->'
# holds '<27mm ...', read as a start tag whose apostrophe opens a quote. In a letter
# laid out whole that quote is never closed and nothing is misread. An overlay batch
# (compact_batch) is one document holding every addressee's window with the same note:
# the first letter's apostrophe is closed by the second letter's, so the second letter's
# address start tag is read inside one long "tag" and is not numbered (-1), nor the
# fourth's (the third's apostrophe closed by the fourth's)... Unnumbered addresses are
# all set as blocks together again (the very mechanism aa3d39c removed): Dolores
# Umbridge's long office line sets Cy Ng's short address as blocks, and the workspace's
# text-indent on his name is lost: stamped, 'Cy Ng' stands flush with 'Room 302'; laid
# out whole it is set in by 2em. No guard sees it: placed_as_master compares the part's
# box (the master's), the proof sees the address in its window. Fix: number the elements
# from the parsed tree (html5lib/the DOM WeasyPrint reads) rather than a regex over the
# HTML, or skip comments, <script>, <style> and <template> contents before matching
# start tags; or have _as_blocks never set an unnumbered element when the document has
# several.
def test_a_template_comment_with_an_apostrophe_keeps_each_address_its_own(
    example: Path, tmp_path: Path
) -> None:
    _english_only(example)
    _comment_after_address(
        example,
        "<!-- the address block <27mm tall (DIN 5008); don't pad it -> it would move -->",
    )
    # Cy Ng's address second in the batch, Dolores Umbridge's fourth.
    bo = ("Bo Li", "Dear Bo Li,", ["Room 303", "Chiyoda-ku, Tokyo 100-8962", "Japan"])
    people = [PEOPLE[0], PEOPLE[2], bo, PEOPLE[1]]
    _recipients(example, people)
    _add_css(example, ".window .address { text-indent: 2em; }\n")
    out = _build(example)
    assert "4 letters to addressees share their pages" in out, out
    whole = _alone(example, tmp_path, PEOPLE[2])
    stamped = example / "build" / LETTER.name / "to" / "cy-ng.pdf"
    assert _left_of(whole, "Cy")[0] > _left_of(whole, "Room")[0] + 10
    assert _left_of(stamped, "Cy")[:1] == _left_of(whole, "Cy")[:1], out
    assert pictures(stamped) == pictures(whole), out
