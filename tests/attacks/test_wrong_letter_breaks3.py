"""Letters and envelopes the fast build still makes otherwise than laid out whole (attack 3).

After b39270a (render.parts_apart, composer._markup, pagestate.sees_ahead, across_pages):
each test builds the workspace as a user would (``campaign build``) and reads the PDFs
as a reader would; each fails on e2f0eaa. Helpers as in test_wrong_letter_breaks.py.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from test_wrong_letter_breaks import (
    LETTER,
    OWN,
    PEOPLE,
    _add_css,
    _addressees,
    _build,
    _english_only,
    _whole,
)
from test_wrong_letter_breaks2 import _built_and_alone

from conftest import pdf_pages, pictures


def _where(pdf: Path, word: str, page: int = 1) -> list[tuple[float, float]]:
    """Where (x, y, in points) each ``word`` starts on ``page`` of ``pdf``."""
    ran = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    found = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]*)</word>', ran.stdout)
    return [(round(float(x), 1), round(float(y), 1)) for x, y, text in found if text == word]


def test_a_salutation_indented_by_the_page_height_is_indented_as_laid_out_whole(
    example: Path, tmp_path: Path
) -> None:
    """``.salutation { text-indent: 4vh }``: a length of the page's size.

    WeasyPrint resolves ``vh`` (and ``vw``, ``vmin``, ``vmax``) by the document's first
    page. The overlay is a document of its own whose pages are the master's sheets
    stacked twenty to a tall page, margin 0: there 4vh is twenty-odd times as long. The
    stamp compares where the part's box stands and how big it is, not where its text
    starts inside it.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(example, ".salutation { text-indent: 4vh; }\n")
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert "laid out one by one: a style sheet measures lengths by the page's size" in out, out
    # Laid out whole, 'Dear' stands 4vh (11 mm) in from the margin.
    assert _where(whole, "Dear") == [(100.9, 320.5)]
    # Found: no salutation on the page at all: in the overlay 4vh is some 240 mm, and
    # 'Dear Cy Ng,' starts past the paper's right edge (exit 0, the proof passed).
    assert "Dear Cy Ng," in pdf_pages(stamped)[0], out
    assert _where(stamped, "Dear") == _where(whole, "Dear"), out
    assert pictures(stamped) == pictures(whole), out


def test_a_salutation_indented_by_the_page_width_is_indented_as_laid_out_whole(
    example: Path, tmp_path: Path
) -> None:
    """``.salutation { text-indent: 20vw }``: ``vw`` is a part of the first page's area,
    its width inside the margins. The overlay's pages (``@page campaign-overlay``) have
    margin 0, so in the overlay 20vw is a fifth of the paper's whole width, not of the
    text's: not the tall page only, any overlay page measures otherwise.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(example, ".salutation { text-indent: 20vw; }\n")
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert "laid out one by one: a style sheet measures lengths by the page's size" in out, out
    assert _where(whole, "Dear") == [(164.4, 320.5)]
    # Found: [(189.9, 320.5)]: 9 mm further in, in every stamped letter.
    assert _where(stamped, "Dear") == _where(whole, "Dear"), out
    assert pictures(stamped) == pictures(whole), out


def test_a_mark_placed_from_the_salutation_on_the_page_stands_where_laid_out_whole(
    example: Path, tmp_path: Path
) -> None:
    """``.salutation::after { content: "PERSONAL"; position: absolute; top: 0; right: 0 }``.

    In the letter nothing around the salutation is positioned, so the mark's containing
    block is the page: 'PERSONAL' at the top right of page 1. The overlay places the part
    itself absolutely (placement_css), which makes the part the containing block of
    what is absolutely placed in it: every stamped letter has the mark beside its
    salutation, and none at the head of the page (the master's is hidden with its
    part). parts_apart does not look at what in a part is placed by another box.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(
        example,
        '.salutation::after { content: "PERSONAL"; position: absolute; top: 0; right: 0; '
        "font: bold 10pt sans-serif; }\n",
    )
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert "3 letters to addressees laid out whole: what stands around their" in out, out
    assert [y for _, y in _where(whole, "PERSONAL")] == [28.3]  # the head of the page
    # Found: [(486.0, 320.2)], on the salutation's line.
    assert _where(stamped, "PERSONAL") == _where(whole, "PERSONAL"), out
    assert pictures(stamped) == pictures(whole), out


def test_a_salutation_styled_by_the_bodys_class_is_so_styled(example: Path, tmp_path: Path) -> None:
    """A workspace's letter.html.j2 with ``<body class="formal">`` and the rule
    ``.formal .salutation { font-style: italic }``.

    The overlay batch is written as ``head + "<body>" + ...`` (overlays.compact_batch,
    composer.batch_of): the letter's own body element, its attributes with it, is left
    out, and no rule on its class, id, lang, dir or style attribute reaches the parts.
    The master's hidden salutation is italic, the stamped one upright: the same room,
    so nothing is compared that tells them apart.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    own = example / OWN / "letter.html.j2"
    html = own.read_text(encoding="utf-8")
    assert html.count("<body>") == 1
    own.write_text(html.replace("<body>", '<body class="formal">'), encoding="utf-8")
    _add_css(example, ".formal .salutation { font-style: italic; }\n")
    out, whole, stamped = _built_and_alone(example, tmp_path)
    assert "share their pages" in out, out
    assert "Italic" in _fonts(whole)
    # Found: no italic font on page 1 of any stamped letter.
    assert "Italic" in _fonts(stamped), out
    assert pictures(stamped) == pictures(whole), out


def test_envelope_addresses_indented_by_the_page_height_are_indented_as_laid_out_whole(
    example: Path,
) -> None:
    """``.envelope .to { text-indent: 1vh }`` in the workspace's envelopes.html.j2.

    The addresses' layer stands 25 envelopes to a tall page (``<style data-sheets>``),
    so 1vh there is 25 times the envelope's: every address starts 26 mm further right
    than laid out whole. across_pages reads counters, page rules, margins and places,
    not lengths of the page's size.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    own = example / OWN / "envelopes.html.j2"
    html = own.read_text(encoding="utf-8")
    rule = ".envelope span { display: block; }"
    assert rule in html
    own.write_text(html.replace(rule, rule + "\n.envelope .to { text-indent: 1vh; }"))
    _build(example)
    envelopes = example / "build" / LETTER.name / "envelopes.pdf"
    fast = envelopes.read_bytes()
    stamped = [
        _where(envelopes, name.split()[0], page) for page, (name, _, _) in enumerate(PEOPLE, 1)
    ]
    _whole(example)
    laid = [_where(envelopes, name.split()[0], page) for page, (name, _, _) in enumerate(PEOPLE, 1)]
    assert laid == [[(286.6, 141.4)]] * 3
    # Found: [[(361.4, 141.4)]] * 3.
    assert stamped == laid
    assert pictures(fast) == pictures(envelopes)


def _fonts(pdf: Path, page: int = 1) -> str:
    ran = subprocess.run(
        ["pdffonts", "-f", str(page), "-l", str(page), str(pdf)],
        check=True,
        capture_output=True,
        text=True,
    )
    return ran.stdout
