"""Letters the fast build makes otherwise than whole (attack 5).

After cc7a267 (pagestate.sees_around, render.parts_apart, the compact overlays of
compose/overlays.py, workers.placed_as_master): each test builds the workspace as a user
would (``campaign build``) and reads the PDFs as a reader would; each fails on cc7a267
with exit 0 and '3 letters to addressees share their pages'. Helpers as in
test_wrong_letter_breaks.py.
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
)
from test_wrong_letter_breaks2 import _alone, _built_and_alone
from test_wrong_letter_breaks3 import _fonts, _where

from conftest import pictures


def _italic_salutation(
    example: Path, tmp_path: Path, css: str, italic: bool = True, body: str = "<body>"
) -> None:
    """Cy Ng's letter built with ``css`` added (and the template's body opened with
    ``body``): its page 1 has an italic face (``italic``) or none, as the same letter
    laid out whole and alone has."""
    _english_only(example)
    page = example / OWN / "letter.html.j2"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("<body>", body, 1), encoding="utf-8")
    _addressees(example, PEOPLE)
    _add_css(example, css)
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert ("Italic" in _fonts(whole)) is italic
    assert ("Italic" in _fonts(stamped)) is italic, out
    assert pictures(stamped) == pictures(whole), out


# pagestate.sees_around reads a child of the body picked as such with the regex
# (?:body|html|:root)\s*> on the style sheet's text. The overlay wraps page 1 in sheets
# (<div data-vary-sheet>), where .letter-start is no child of the body. Any other
# spelling of the same selector passes: each stamped salutation is upright, laid out
# whole it is italic.


def test_a_child_of_the_body_picked_with_a_pseudo_class_on_the_body(
    example: Path, tmp_path: Path
) -> None:
    """``body:not(.draft) > ...``: something between ``body`` and ``>``."""
    _italic_salutation(
        example, tmp_path, "body:not(.draft) > .letter-start .salutation { font-style: italic; }\n"
    )


def test_a_child_of_the_body_picked_after_a_comment(example: Path, tmp_path: Path) -> None:
    """``body /* ... */ > ...``: as_read writes escapes out, not comments."""
    _italic_salutation(
        example,
        tmp_path,
        "body /* the letter */ > .letter-start .salutation { font-style: italic; }\n",
    )


def test_a_child_of_the_body_picked_in_a_nested_rule(example: Path, tmp_path: Path) -> None:
    """CSS nesting, which WeasyPrint reads: ``body { & > .letter-start ... }``."""
    _italic_salutation(
        example, tmp_path, "body { & > .letter-start .salutation { font-style: italic; } }\n"
    )


def test_a_child_of_a_div_picked_as_such(example: Path, tmp_path: Path) -> None:
    """``div > .letter-start .salutation``: laid out whole, .letter-start is a child of
    the body and nothing is italic; in the overlay it is a child of a sheet's <div>, and
    every stamped salutation is italic. sees_around looks only for selectors naming the
    body or the root, not for what the sheets' wrapping adds.
    """
    _italic_salutation(
        example, tmp_path, "div > .letter-start .salutation { font-style: italic; }\n", italic=False
    )


# The address set from the window's foot or centred in it: its top follows its own
# height. The overlay places every part at the master's (its first addressee's) top
# (placement_css: top: ...px !important), and workers._same compares only the left,
# top and width of a part out of the flow (its height may differ: the fit check sees
# that it fits its frame). A longer address than the first's hangs lower than laid
# out whole, still inside its window: exit 0, the proof passes.

LONGER = [PEOPLE[0], ("Cy Ng", "Dear Cy Ng,", "Ministry of Justice"), PEOPLE[2]]


def _address_top(example: Path, tmp_path: Path, css: str) -> None:
    _english_only(example)
    _addressees(example, LONGER)  # Cy Ng's address a line longer than Ann Lee's
    _add_css(example, css)
    out = _build(example)
    whole = _alone(example, tmp_path, LONGER, 1)
    stamped = example / "build" / LETTER.name / "to" / "cy-ng.pdf"
    assert _where(stamped, "Room") == _where(whole, "Room"), out
    assert pictures(stamped) == pictures(whole), out


def test_an_address_set_on_the_windows_foot(example: Path, tmp_path: Path) -> None:
    """``.window .address { position: absolute; bottom: 8mm; width: 75mm }``: a longer
    address grows upwards. Found: 'Room 301' at y 207.6 pt stamped, 195.6 laid out whole."""
    _address_top(
        example,
        tmp_path,
        ".window .address { position: absolute; bottom: 8mm; left: 5mm; width: 75mm; "
        "margin: 0; }\n",
    )


def test_an_address_centred_in_its_window(example: Path, tmp_path: Path) -> None:
    """``.window { display: flex; flex-direction: column; justify-content: center }``.
    Found: 'Room 301' at y 205.0 pt stamped, 199.0 laid out whole (half a line)."""
    _address_top(
        example,
        tmp_path,
        ".window { display: flex; flex-direction: column; justify-content: center; }\n",
    )
