"""Letters and envelopes the fast build still makes otherwise than laid out whole (attack 2).

After b9a7a8e (render.parts_apart, composer._markup, pagestate.across_pages): each test
builds the workspace as a user would (``campaign build``) and reads the PDFs as a reader
would; each fails on b4f5c6b. Helpers as in test_wrong_letter_breaks.py.
"""

from __future__ import annotations

import re
import shutil
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
    _raw_pages,
    _slug,
    _whole,
)

from conftest import pdf_pages, pictures


def _alone(example: Path, tmp_path: Path, people: list[tuple[str, str, str]], n: int) -> Path:
    """The letter to ``people[n]`` laid out whole: a workspace with only that addressee."""
    ws = tmp_path / "alone" / "ws"
    ws.mkdir(parents=True)
    shutil.copytree(example, ws, dirs_exist_ok=True, ignore=shutil.ignore_patterns("build"))
    _addressees(ws, [people[n]], first=n)
    said = _build(ws)
    assert "share their pages" not in said, said
    return ws / "build" / LETTER.name / "to" / f"{_slug(people[n][0])}.pdf"


def _built_and_alone(example: Path, tmp_path: Path) -> tuple[str, Path, Path]:
    """``example`` built (what it said), and Cy Ng's letter laid out whole and as built."""
    out = _build(example)
    whole = _alone(example, tmp_path, PEOPLE, 1)
    return out, whole, example / "build" / LETTER.name / "to" / "cy-ng.pdf"


def test_a_floated_salutation_wraps_the_text_beside_it_as_laid_out_whole(
    example: Path, tmp_path: Path
) -> None:
    """The salutation floated left, the letter's text running beside it (a run-in opening).

    A float is out of the flow, so the stamp compares only where it starts, not its
    height (workers._same: ``master.flow`` False); parts_apart looks for floats beside a
    part, not for a part that is the float. A longer salutation wraps onto more lines
    than the first addressee's: laid out whole the text beside it wraps round all of
    them; stamped, its last lines are printed over the master's text, which ran round
    a two-line float ('zations, and and concerned' over 'Colleagues,').
    """
    long = "Dear Bartholomew Featherstonehaugh-Montgomery and Colleagues,"
    people = [PEOPLE[0], ("Bartholomew Montgomery", long, ""), PEOPLE[1]]
    _english_only(example)
    _addressees(example, people)
    _add_css(example, ".salutation { float: left; width: 45mm; margin: 0 5mm 2mm 0; }\n")
    out = _build(example)
    whole = _alone(example, tmp_path, people, 1)
    stamped = example / "build" / LETTER.name / "to" / "bartholomew-montgomery.pdf"
    # Laid out whole, the text beside the salutation runs round its four lines.
    assert re.search(r"^Montgomery and +zations, coalitions", pdf_pages(whole)[0], re.M)
    # Found: '3 letters to addressees share their pages', and the stamped salutation's
    # last lines printed across the text ('zations,        and and concerned ...').
    assert pictures(stamped) == pictures(whole), out


def test_a_running_footer_set_from_the_block_around_the_salutation_is_each_letters_own(
    example: Path,
) -> None:
    """``string-set: ... content()`` on the block that holds the subject and salutation.

    parts_apart looks for a named string on the boxes inside a part, but an element's
    ``content()`` is all the text in it, its parts' too: the footer of every page of
    every letter is the master's, 'Re: ... Dear Ann Lee,'.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(
        example,
        ".letter-start { string-set: opening content(); }\n"
        "@page { @bottom-left { content: string(opening); font: 7pt sans-serif; } }\n",
    )
    _build(example)
    wrong = {}
    for name, salutation, _ in PEOPLE:
        pages = pdf_pages(example / "build" / LETTER.name / "to" / f"{_slug(name)}.pdf")
        text = "\n".join(pages)
        # No other addressee's salutation; the own one's name in the salutation itself
        # and in each page's footer (a long one wraps there).
        others = [s for _, s, _ in PEOPLE if s != salutation and s in text]
        if others or text.count(name.split()[0]) < 1 + len(pages):
            wrong[name] = sorted(set(re.findall(r"Dear \w+ ?\w*,", text)))
    # Found: {'Cy Ng': ['Dear Ann Lee,', 'Dear Cy Ng,'], 'Dolores Umbridge': [...]}
    assert not wrong, f"letters whose footer names another addressee: {wrong}"


def test_every_other_envelope_styled_by_its_place_is_so_styled(example: Path) -> None:
    """``.envelope:nth-child(even) .from``: the sender on every other envelope in bold
    (a print shop's alternating runs). across_pages reads counters, page rules and
    margins, not a selector that picks an envelope by its place among them: the
    sender is laid out once, on a shared envelope that is the first child, and drawn
    under every envelope as the first's. Laid out whole (a tagged build lays envelopes
    out unlayered: plan._envelopes), envelope 2's sender is bold.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    own = example / OWN / "envelopes.html.j2"
    html = own.read_text(encoding="utf-8")
    rule = ".envelope span { display: block; }"
    assert rule in html
    own.write_text(
        html.replace(rule, rule + "\n.envelope:nth-child(even) .from { font-weight: bold; }"),
        encoding="utf-8",
    )
    _build(example)
    envelopes = example / "build" / LETTER.name / "envelopes.pdf"
    fast = envelopes.read_bytes()

    def fonts(page: int) -> str:
        ran = subprocess.run(
            ["pdffonts", "-f", str(page), "-l", str(page), str(envelopes)],
            check=True,
            capture_output=True,
            text=True,
        )
        return ran.stdout

    stamped = fonts(2)
    _whole(example)
    assert "Bold" in fonts(2)  # laid out whole: envelope 2's sender in bold
    # Found: no bold font on envelope 2; the envelopes otherwise drawn alike.
    assert "Bold" in stamped, stamped
    assert pictures(fast) == pictures(envelopes)


def test_envelopes_numbered_as_a_list_each_say_their_own_number(example: Path) -> None:
    """``.envelope { display: list-item; list-style: decimal inside }``: each envelope
    numbered as its line in mailing.csv. A list item counts without any counter named in
    the CSS (the implicit ``list-item`` counter, shown by ``::marker``), which
    across_pages does not read: the shared envelope (a list of one) says '1.' under
    every envelope, and each address part's own number is printed over it.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    own = example / OWN / "envelopes.html.j2"
    html = own.read_text(encoding="utf-8")
    rule = ".envelope span { display: block; }"
    assert rule in html
    own.write_text(
        html.replace(
            rule,
            rule + "\n.envelope { display: list-item; list-style: decimal inside; "
            "font: 9pt sans-serif; }",
        ),
        encoding="utf-8",
    )
    _build(example)
    pages = _raw_pages(example / "build" / LETTER.name / "envelopes.pdf")
    said = [re.findall(r"^(\d+)\.$", page, re.M) for page in pages]
    # Found: [['1', '1'], ['1', '2'], ['1', '3']]: '1.' and '2.' printed one over the other.
    assert said == [["1"], ["2"], ["3"]], said


def test_a_salutation_styled_by_what_the_letter_holds_after_it_is_so_styled(
    example: Path, tmp_path: Path
) -> None:
    """``body:has(.closing) .salutation``: the salutation set by what the letter holds
    further on (here in capitals when the letter has a closing paragraph).

    The overlay layer ends after the salutation (letter.html.j2 leaves the body, the
    closing, the signatures and the cc list out of it), so in the overlay the rule
    matches nothing; unseen_siblings compares the overlay with hidden elements dropped
    and kept, both without what follows, and _markup compares the parts only. Each
    letter is stamped with 'Dear Cy Ng,' where laid out whole it reads 'DEAR CY NG,'.
    """
    _english_only(example)
    _addressees(example, PEOPLE)
    _add_css(example, "body:has(.closing) .salutation { text-transform: uppercase; }\n")
    _build(example)
    whole = _alone(example, tmp_path, PEOPLE, 1)
    assert "DEAR CY NG," in pdf_pages(whole)[0]
    stamped = example / "build" / LETTER.name / "to" / "cy-ng.pdf"
    # Found: 'Dear Cy Ng,' (and so in every letter).
    assert "DEAR CY NG," in pdf_pages(stamped)[0]
    assert pictures(stamped) == pictures(whole)
