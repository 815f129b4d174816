"""Letters, copies, envelopes and labels the fast build makes otherwise than whole (attack 4).

After 108f045 (render.parts_apart, margin_parts, composer._markup/_unfit, pagestate):
each test builds the workspace as a user would (``campaign build``) and reads the PDFs
as a reader would; each fails on 108f045. Helpers as in test_wrong_letter_breaks.py.
"""

from __future__ import annotations

import re
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
from test_wrong_letter_breaks3 import _fonts

from conftest import pictures


def test_a_style_sheet_after_the_salutation_styles_each_letters_parts(
    example: Path, tmp_path: Path
) -> None:
    """A ``<style>`` element in the template's body, after the salutation (here at the
    end of signatures.html.j2): ``.salutation, .address { font-style: italic }``.

    WeasyPrint applies a style element wherever it stands in the document. The
    overlay layer ends after the salutation (letter.html.j2: ``{% if layer ==
    "overlay" %}</div>{% else %}`` ...), and a compact batch keeps the head alone, so
    the rule never reaches the stamped parts: the master's hidden salutation is
    italic, every stamped one upright, in the same room. Nothing compares the faces.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    own = example / OWN / "signatures.html.j2"
    own.write_text(
        own.read_text(encoding="utf-8")
        + "<style>.salutation, .address { font-style: italic; }</style>\n",
        encoding="utf-8",
    )
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert "Italic" in _fonts(whole)
    # Found: '3 letters to addressees share their pages', no italic face on page 1.
    assert "Italic" in _fonts(stamped), out
    assert pictures(stamped) == pictures(whole), out


def test_a_style_sheet_after_the_salutation_styles_each_copys_mark(example: Path) -> None:
    """The same ``<style>`` after the salutation, styling the copy mark: cc copies share a
    master, and their overlays (the letter's own pages, laid out for the margins) end
    after the salutation too. Each copy's mark and address are stamped without it."""
    _english_only(example)  # its two cc copies share their pages
    own = example / OWN / "signatures.html.j2"
    own.write_text(
        own.read_text(encoding="utf-8")
        + "<style>.copy-mark { font-style: italic; } .address { font-style: italic; }</style>\n",
        encoding="utf-8",
    )
    out = _build(example)
    copy = example / "build" / LETTER.name / "cc" / "yoshihide-suga.pdf"
    fast = copy.read_bytes()
    _whole(example)
    assert "Italic" in _fonts(copy)
    assert "copies for cc share their pages" not in out, out  # laid out whole now
    # Found: the stamped copy's page 1 has no italic face (its mark and address upright).
    assert pictures(fast) == pictures(copy), out


def test_a_salutation_picked_as_a_grandchild_of_the_body_is_so_styled(
    example: Path, tmp_path: Path
) -> None:
    """``body > .letter-start .salutation { font-style: italic }``: a child combinator
    from the body.

    The overlay batch keeps the letter's own <body> tag (attack 3), but wraps each
    letter's parts in sheets of its own (``<div data-vary-sheet>``, or the template's
    ``<div class="sheet">``): ``.letter-start`` is no longer a child of the body there.
    Nothing reads the style sheet's combinators against that wrapping.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(example, "body > .letter-start .salutation { font-style: italic; }\n")
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert "Italic" in _fonts(whole)
    # Found: '3 letters to addressees share their pages', 'Dear Cy Ng,' upright.
    assert "Italic" in _fonts(stamped), out
    assert pictures(stamped) == pictures(whole), out


def test_a_copy_mark_picked_as_a_child_of_the_body_is_so_styled_on_every_page(
    example: Path,
) -> None:
    """``body > .copy-mark { font-style: italic }``: in a copy the mark is a child of the
    body; in its overlay (the letter's own pages, for the margins) it is a child of
    ``<div class="sheet">``. Every page of every copy has its mark upright."""
    _english_only(example)
    _add_css(example, "body > .copy-mark { font-style: italic; }\n")
    out = _build(example)
    copy = example / "build" / LETTER.name / "cc" / "yoshihide-suga.pdf"
    fast = copy.read_bytes()
    _whole(example)
    assert "Bold-Italic" in _fonts(copy, 2)
    assert "copies for cc share their pages" not in out, out  # laid out whole now
    # Found: no bold italic face on any page of the copy; its mark upright on each.
    assert pictures(fast) == pictures(copy), out


def test_envelopes_and_label_sheets_numbered_by_the_template_say_their_own_numbers(
    example: Path,
) -> None:
    """A workspace's envelopes numbered ``{{ loop.index }}/{{ mailing|length }}`` and label
    sheets ``Sheet {{ loop.index }} of {{ sheets|length }}``: Jinja, not CSS.

    The build renders the templates once per part (50 envelopes, 6 sheets), each with
    its part's pieces as ``mailing`` and its sheets as ``sheets``: the numbers start
    again in each part and count the part's alone. pagestate.across_pages reads the
    HTML made, where the numbers are plain text; nothing reads the template.
    """
    _english_only(example)
    count = 130  # 21 labels to an A4 sheet: 7 sheets; envelopes in parts of 50
    _addressees(example, [(f"Person {n}", f"Dear Person {n},", "") for n in range(count)])
    labels = example / OWN / "labels.html.j2"
    html = labels.read_text(encoding="utf-8")
    sheet = '<div class="label-sheet">\n'
    assert sheet in html
    labels.write_text(
        html.replace(
            sheet,
            sheet + '  <div style="position: absolute; left: 5mm; top: 3mm; font: 6pt sans-serif">'
            "Sheet {{ loop.index }} of {{ sheets|length }}</div>\n",
        ),
        encoding="utf-8",
    )
    envelopes = example / OWN / "envelopes.html.j2"
    html = envelopes.read_text(encoding="utf-8")
    item = "{%- if item -%}\n"
    assert item in html
    envelopes.write_text(
        html.replace(
            item,
            item + '  <div style="position: absolute; right: 8mm; bottom: 6mm; '
            'font: 7pt sans-serif">No. {{ loop.index }}/{{ mailing|length }}</div>\n',
        ),
        encoding="utf-8",
    )
    _build(example)
    sheets = [
        re.findall(r"Sheet (\d+) of (\d+)", page)
        for page in _raw_pages(example / "build" / LETTER.name / "labels.pdf")
    ]
    numbers = [
        re.findall(r"No\. (\d+)/(\d+)", page)
        for page in _raw_pages(example / "build" / LETTER.name / "envelopes.pdf")
    ]
    assert len(sheets) == 7 and len(numbers) == count
    # Found: sheets [('1', '6')] ... [('6', '6')], [('1', '1')]; envelope 51 'No. 1/50',
    # envelope 130 'No. 30/30'.
    assert (sheets, numbers) == (
        [[(str(n), "7")] for n in range(1, 8)],
        [[(str(n), str(count))] for n in range(1, count + 1)],
    )


def test_a_style_sheet_in_the_body_before_the_salutation_styles_each_letters_parts(
    example: Path, tmp_path: Path
) -> None:
    """A ``<style>`` element in the body, before the salutation (first in
    ``<div class="letter-start">``): it is in the overlay layer.

    But the compact batch (overlays.compact_batch) takes every element that holds no
    part out of the layout, and where unseen_siblings finds no selector that matches by
    siblings it leaves them out of the HTML altogether: the style element with them.
    unseen_siblings and compact_batch's counter check read the head's style sheets only.
    Every stamped salutation is upright; laid out whole it is italic.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    own = example / OWN / "letter.html.j2"
    html = own.read_text(encoding="utf-8")
    start = '<div class="letter-start">\n'
    assert html.count(start) == 1
    own.write_text(
        html.replace(start, start + "<style>.salutation { font-style: italic; }</style>\n"),
        encoding="utf-8",
    )
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert "laid out one by one: a style sheet stands in the letter's text" in out, out
    assert "Italic" in _fonts(whole)
    # Found: no italic face on page 1 of any stamped letter.
    assert "Italic" in _fonts(stamped), out
    assert pictures(stamped) == pictures(whole), out


def test_a_copy_mark_placed_in_the_corner_of_the_page_stands_on_one_line(example: Path) -> None:
    """The copy mark placed absolutely in the page's corner instead of running in the
    margin (``.copy-mark { position: absolute; top: 0; left: 0 }``): its width is its
    text's (shrink to fit).

    The compact overlay places each part at the master's content width, written to
    1/10000 px (placement_css: ``width: ...px !important``); a part out of the flow is
    compared by where it starts and its width only (workers._same), the width being the
    one the overlay forced. Rounded down, the master's own text no longer fits it: every
    copy's mark wraps, 'COPY' above 'FOR TOSHIMITSU MOTEGI'; a longer name than the
    first copy's wraps as the first's width says, wherever it would have stood whole.
    """
    _english_only(example)  # its two cc copies share their pages
    _add_css(example, ".copy-mark { position: absolute; top: 0; left: 0; }\n")
    out = _build(example)
    copy = example / "build" / LETTER.name / "cc" / "toshimitsu-motegi.pdf"
    fast = copy.read_bytes()
    stamped = _raw_pages(copy)[0]
    _whole(example)
    assert "COPY FOR TOSHIMITSU MOTEGI" in _raw_pages(copy)[0]
    assert "copies for cc share their pages" not in out, out  # laid out whole now
    # Found: 'COPY\nFOR TOSHIMITSU MOTEGI' (and so the other copy's mark).
    assert "COPY FOR TOSHIMITSU MOTEGI" in stamped, out
    assert pictures(fast) == pictures(copy), out
