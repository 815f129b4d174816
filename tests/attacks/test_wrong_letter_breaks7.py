"""Letters the fast build makes otherwise than whole (attack 7).

After 7ca4f9c (overlays._elements, the key under which the pages of a batch are asked
once; unseen_siblings refusing nested rules and reading the letter's own <body> tag;
pagestate.sets_visibility, a letter whose own styles set 'visibility' laid out whole;
pagestate._reaches_sheets expanding a nested rule's '&'): each test builds the
workspace as a user would (``campaign build``) and reads the PDFs as a reader would;
each wrong-letter test fails on 7ca4f9c with exit 0 and '3 letters to addressees
share their pages'. Helpers as in test_wrong_letter_breaks.py.
"""

from __future__ import annotations

from pathlib import Path

from test_wrong_letter_breaks import LETTER, OWN, PEOPLE, _addressees, _build, _english_only
from test_wrong_letter_breaks2 import _alone, _built_and_alone

from conftest import pdf_pages, pictures


def _extra_css(example: Path, css: str) -> None:
    """The workspace's letter.html.j2 with ``css`` in its ``extra_css`` block (the block
    the template leaves for a letter's own styles, as formal-letter fills it with
    formal.css)."""
    page = example / OWN / "letter.html.j2"
    text = page.read_text(encoding="utf-8")
    empty = "{% block extra_css %}{% endblock %}"
    assert empty in text
    page.write_text(
        text.replace(empty, "{% block extra_css %}\n" + css + "{% endblock %}", 1),
        encoding="utf-8",
    )


# The layers' own rules (layers.css.j2: the shared layer's '.vary { visibility: hidden }')
# are written into the same <style> element as the letter's style sheets, right after
# the template's extra_css block (formal-letter's formal.css). A comment the letter's
# CSS leaves open at its end is closed by the end of the style sheet: laid out whole
# (no layer) nothing follows it and the letter is as meant; in both layers it swallows
# the layer rules. The master then shows the first addressee's address and salutation,
# and each other letter's are stamped over them: Cy Ng's letter reads 'Cy / Ann Ng / Lee'
# in the window and 'Dear Ann Lee,'. Nothing checks that the layer rules are in effect
# (sets_visibility reads only the letter's own rules; no visibility is set anywhere).
# Fix: give the layers' rules a <style> element of their own (a style sheet ends every
# comment, block and string opened in another), or refuse to share when a layer's
# rules are not read back from its style sheet as written.


def test_a_comment_left_open_at_the_end_of_the_letters_css_hides_no_part(
    example: Path, tmp_path: Path
) -> None:
    """``/* TODO house colours: .subject { color: #1a4d80; }`` (no ``*/``) at the end of
    the letter's extra CSS."""
    _english_only(example)
    _addressees(example, PEOPLE)
    _extra_css(example, "/* TODO house colours: .subject { color: #1a4d80; }\n")
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert "Ann Lee" not in pdf_pages(whole)[0]
    # Found: '3 letters to addressees share their pages'; page 1 holds Ann Lee's address
    # and 'Dear Ann Lee,' under Cy Ng's.
    assert "Ann Lee" not in pdf_pages(stamped)[0], out
    assert pictures(stamped) == pictures(whole), out


# A part holding a table whose cell the template hides by the 'hidden' attribute: WeasyPrint's
# own style sheet (html5_ua.css) gives a hidden table cell, row or column
# 'visibility: collapse' where other elements get 'display: none'; the cell keeps its room
# and shows nothing. The overlay layer shows every part and all in it by
# '.sheet .vary * { visibility: visible }' (layers.css.j2), an author rule over the user
# agent's: in the overlay the hidden cell shows. It takes the same room, so the stamp is
# placed as the master's part; sets_visibility reads the letter's rules and style
# attributes, not the user agent's rules that attributes call up. Laid out whole, Cy Ng's
# letter (no organisation) has no 'Your organisation:' line; stamped, it has.
# Fix: show the parts in the overlay without overriding what the letter (or the user
# agent) hides in them (e.g. hide the rest with 'visibility: hidden' on the ancestors and
# 'revert-layer'/no rule on the parts' descendants, or give the parts
# 'visibility: visible' only on the part's own element and let its descendants inherit),
# or read a part's 'hidden' table elements as setting visibility.

_ORGANISATION = (
    '<!--vary--><div class="refs vary"><table><tr>'
    "<th{% if not recipient.organization %} hidden{% endif %}>Your organisation:</th>"
    "<td>{{ recipient.organization }}</td></tr></table></div><!--/vary-->\n"
)


def test_a_hidden_table_cell_in_a_part_stays_hidden(example: Path, tmp_path: Path) -> None:
    """A part after the date: a table row 'Your organisation: ...', its label cell
    ``hidden`` for an addressee with no organisation."""
    people = [("Ann Lee", "Dear Ann Lee,", "Ministry of Justice"), PEOPLE[1], PEOPLE[2]]
    _english_only(example)
    _addressees(example, people)
    page = example / OWN / "letter.html.j2"
    text = page.read_text(encoding="utf-8")
    start = '<div class="letter-start">\n'
    assert start in text
    page.write_text(text.replace(start, start + _ORGANISATION, 1), encoding="utf-8")
    out = _build(example)
    whole = _alone(example, tmp_path, people, 1)
    stamped = example / "build" / LETTER.name / "to" / "cy-ng.pdf"
    assert "Your organisation" not in pdf_pages(whole)[0]
    # Found: '3 letters to addressees share their pages'; page 1 reads 'Your organisation:'.
    assert "Your organisation" not in pdf_pages(stamped)[0], out
    assert pictures(stamped) == pictures(whole), out


# Both mended first in the shipped templates (the layers' rules in a <style> of their
# own; the overlay shows a part's own element, what is in it inheriting). A workspace
# made by `campaign init` before holds the templates as they were: the mechanisms
# below mend it there too.

_OWN_SHEET = (
    "</style>\n{#- The layers' rules in a style sheet of their own: a comment or a block "
    "left open at\n    the end of the letter's own would take them in. #}\n"
    '{% if layer %}<style>\n{% include part("layers.css.j2") %}\n</style>{% endif %}\n'
)
_OLD_SHEET = '{% if layer %}{% include part("layers.css.j2") %}{% endif %}\n</style>\n'


def test_a_comment_left_open_before_old_templates_layers_lays_the_letters_out_whole(
    example: Path, tmp_path: Path
) -> None:
    """The layers' rules in the letter's own <style>, as templates had them: the shared
    pages show the first addressee's parts, which render.parts_apart finds ('shown')."""
    _english_only(example)
    _addressees(example, PEOPLE)
    page = example / OWN / "letter.html.j2"
    text = page.read_text(encoding="utf-8")
    assert _OWN_SHEET in text
    page.write_text(text.replace(_OWN_SHEET, _OLD_SHEET, 1), encoding="utf-8")
    _extra_css(example, "/* TODO house colours: .subject { color: #1a4d80; }\n")
    out = _build(example)
    assert "3 letters to addressees laid out whole: their address or salutation is " in out
    assert "not hidden on the shared pages" in out
    whole = _alone(example, tmp_path, PEOPLE, 1)
    stamped = example / "build" / LETTER.name / "to" / "cy-ng.pdf"
    assert "Ann Lee" not in pdf_pages(stamped)[0]
    assert pictures(stamped) == pictures(whole)


_OLD_OVERLAY = (
    ".sheet * { visibility: hidden; }\n.sheet .vary, .sheet .vary * { visibility: visible; }"
)


def test_a_hidden_table_cell_in_a_part_with_old_templates_layers_lays_its_letter_out_whole(
    example: Path, tmp_path: Path
) -> None:
    """The overlay's rules as templates had them (all in a part shown by 'visibility'): a
    part holding a cell marked hidden is not one the layers can show (composer._well_marked)."""
    people = [("Ann Lee", "Dear Ann Lee,", "Ministry of Justice"), PEOPLE[1], PEOPLE[2]]
    _english_only(example)
    _addressees(example, people)
    layers = example / OWN / "layers.css.j2"
    text = layers.read_text(encoding="utf-8")
    new = ".sheet { visibility: hidden; }\n.sheet .vary { visibility: visible; }"
    assert new in text
    layers.write_text(text.replace(new, _OLD_OVERLAY, 1), encoding="utf-8")
    page = example / OWN / "letter.html.j2"
    text = page.read_text(encoding="utf-8")
    start = '<div class="letter-start">\n'
    page.write_text(text.replace(start, start + _ORGANISATION, 1), encoding="utf-8")
    out = _build(example)
    assert "2 letters to addressees laid out one by one: an addressee's <!--vary--> parts" in out
    whole = _alone(example, tmp_path, people, 1)
    stamped = example / "build" / LETTER.name / "to" / "cy-ng.pdf"
    assert "Your organisation" not in pdf_pages(stamped)[0]
    assert pictures(stamped) == pictures(whole)
