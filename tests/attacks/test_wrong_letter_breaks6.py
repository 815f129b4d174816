"""Letters the fast build makes otherwise than whole (attack 6).

After ff1568a (pagestate._reaches_sheets reading ``html .x`` and ``body .x`` as safe;
the compact overlays of compose/overlays.py, whose ``unseen_siblings`` leaves out the
hidden elements around the parts when no selector notices; the layer CSS of
layers.css.j2): each test builds the workspace as a user would (``campaign build``) and
reads the PDFs as a reader would; each wrong-letter test fails on ff1568a with exit 0
and '3 letters to addressees share their pages'. Helpers as in
test_wrong_letter_breaks.py.

The last test is of the other kind: a look-alike that should still share, and that
ff1568a lays out one by one (no wrong letter; a needless cost).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from test_wrong_letter_breaks import (
    LETTER,
    PEOPLE,
    _add_css,
    _addressees,
    _build,
    _english_only,
)
from test_wrong_letter_breaks2 import _built_and_alone
from test_wrong_letter_breaks3 import _fonts
from test_wrong_letter_breaks5 import _italic_salutation

from conftest import pdf_pages, pictures


def _whole_letter(
    example: Path, tmp_path: Path, people: list[tuple[str, str, str]], n: int, name: str
) -> Path:
    """``_alone`` for a letter whose file is ``name`` (a name in two scripts)."""
    ws = tmp_path / "alone" / "ws"
    ws.mkdir(parents=True)
    shutil.copytree(example, ws, dirs_exist_ok=True, ignore=shutil.ignore_patterns("build"))
    _addressees(ws, [people[n]], first=n)
    said = _build(ws)
    assert "share their pages" not in said, said
    return ws / "build" / LETTER.name / "to" / name


# overlays.unseen_siblings decides whether the hidden elements around the parts (the
# subject, the date, the return line...) may be left out of the overlay: it compiles
# each qualified rule's prelude, but never looks into a rule's block, where CSS
# nesting (which WeasyPrint reads) puts more rules. A nested rule without '&' is
# WeasyPrint's ':is(.subject) + .salutation'; _reaches_sheets reads it as no selector
# of a sheet (classes only). The subject is left out of the overlay, so the rule
# matches nothing there: each stamped salutation is upright, laid out whole italic.


def test_a_salutation_picked_after_the_subject_in_a_nested_rule(
    example: Path, tmp_path: Path
) -> None:
    """``.subject { + .salutation { font-style: italic } }``: the salutation right after
    the subject, written nested."""
    _italic_salutation(
        example, tmp_path, ".subject {\n  + .salutation { font-style: italic; }\n}\n"
    )


# unseen_siblings tests every selector on the first addressee's page alone ("the same
# for every page"), but letters share a layer when their parts' start tags are alike
# (composer._markup): what is inside a part differs, a name in another script marked
# <bdi lang="ja"> in one address and not in another. A selector that picks such a name
# by a hidden sibling of the address matches nothing on Ann Lee's page, kept or left
# out, so the return line is left out of every overlay; Sakura Tanaka's name then loses
# the rule: stamped in the address's sans face, laid out whole in Mincho (serif).

TANAKA = [PEOPLE[0], ("Sakura Tanaka 田中さくら", "Dear Ms Tanaka,", ""), PEOPLE[2]]


def test_a_name_in_another_script_picked_after_the_return_line(
    example: Path, tmp_path: Path
) -> None:
    """``.return-line + .address :lang(ja) { font-family: var(--ja-serif) }``: Japanese
    names in the window set in Mincho, the first addressee's name being Latin."""
    _english_only(example)
    _addressees(example, TANAKA)
    _add_css(example, ".return-line + .address :lang(ja) { font-family: var(--ja-serif); }\n")
    out = _build(example)
    name = "sakura-tanaka-tian-zhongsakura.pdf"
    whole = _whole_letter(example, tmp_path, TANAKA, 1, name)
    stamped = example / "build" / LETTER.name / "to" / name
    assert "Noto-Serif-CJK-JP" in _fonts(whole).replace(" ", "-")
    # Found: '3 letters to addressees share their pages'; the stamped page 1 has
    # Noto Sans CJK JP only.
    assert "Noto-Serif-CJK-JP" in _fonts(stamped).replace(" ", "-"), out
    assert pictures(stamped) == pictures(whole), out


# unseen_siblings parses each page's body wrapped in a bare '<body>', while the overlay
# keeps the letter's own start tag (compact_batch: 'its class, lang or dir may style
# the parts'). A template whose body has a class, and a rule picking by it and by a
# sibling of a part's ancestor: on the bare body the rule matches nothing, kept or left
# out, so the subject is left out of the overlay, where the real body's class makes the
# rule depend on it: every stamped salutation upright, laid out whole italic.


def test_a_salutation_picked_after_the_subject_under_the_bodys_class(
    example: Path, tmp_path: Path
) -> None:
    """``<body class="formal">`` in the workspace's letter.html.j2, and
    ``.formal .subject + .salutation { font-style: italic }``."""
    _italic_salutation(
        example,
        tmp_path,
        ".formal .subject + .salutation { font-style: italic; }\n",
        body='<body class="formal">',
    )


# layers.css.j2's overlay rules show the parts by '.sheet * { visibility: hidden }' and
# '.sheet .vary, .sheet .vary * { visibility: visible }', written after the letter's
# own style sheet: a part the letter hides by visibility (inherited from the window,
# or set on it with no more specificity) is shown in its overlay. The master hides
# every part anyway, and nothing compares what the overlay shows with what the whole
# letter would. A window kept in the layout but not printed (paper with the address
# pre-printed, a letter sent as a PDF): laid out whole no address shows; every stamped
# letter prints it.


def test_an_address_in_a_window_hidden_by_visibility_stays_hidden(
    example: Path, tmp_path: Path
) -> None:
    """``.window { visibility: hidden }``."""
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(example, ".window { visibility: hidden; }\n")
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert "Room 301" not in pdf_pages(whole)[0]
    # Found: '3 letters to addressees share their pages'; page 1 prints 'Cy Ng',
    # 'Room 301', ... in the window.
    assert "Room 301" not in pdf_pages(stamped)[0], out
    assert pictures(stamped) == pictures(whole), out


# --- Look-alikes that should share, and that ff1568a lays out one by one ---------------
#
# _reaches_sheets reads a nested rule as the outer selector, a space, and the inner
# one; an inner '& .salutation' makes '&' a compound of its own, with no class, id or
# type: "a sheet's <div> may be it", so sharing stops. '&' is the rule it is nested in
# (.letter-start), never a sheet; '.letter-start .salutation' written flat shares.


def test_a_nested_rule_naming_its_parent_with_an_ampersand_shares(example: Path) -> None:
    """``.letter-start { & .salutation { font-style: italic } }``."""
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(example, ".letter-start {\n  & .salutation { font-style: italic; }\n}\n")
    out = _build(example)
    # Found: '3 letters to addressees laid out one by one: a style sheet stands in the
    # letter's text, or picks a child of the body, ...'.
    assert "3 letters to addressees share their pages" in out, out
