"""Letters the fast build makes otherwise than whole (attack 10).

After 8a43bce (render.draws_outside_parts reading the page's own paint; the overlay
layer taking it off): each test builds the workspace as a user would (``campaign
build``) and reads the PDFs as a reader would; each fails on 8a43bce with exit 0 and
'3 letters to addressees share their pages'. Helpers as in test_wrong_letter_breaks.py.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from test_wrong_letter_breaks import LETTER, _add_css, _build, _english_only

from conftest import pictures


def _recipients(ws: Path, people: list[tuple[str, str, list[str]]]) -> None:
    """``to:`` each of ``people`` (name, salutation, address lines), no cc."""
    lines = ["to:\n"]
    for name, salutation, address in people:
        lines.append(f"  - name: {name}\n    salutation: {salutation}\n    address:\n")
        lines.extend(f'      - "{line}"\n' for line in address)
    (ws / LETTER / "recipients.yaml").write_text("".join(lines), encoding="utf-8")


def _alone(example: Path, tmp_path: Path, person: tuple[str, str, list[str]]) -> Path:
    """The letter to ``person`` laid out whole: a workspace with only that addressee."""
    ws = tmp_path / "alone" / "ws"
    ws.mkdir(parents=True)
    shutil.copytree(example, ws, dirs_exist_ok=True, ignore=shutil.ignore_patterns("build"))
    _recipients(ws, [person])
    said = _build(ws)
    assert "share their pages" not in said, said
    return ws / "build" / LETTER.name / "to" / "cy-ng.pdf"


def _left_of(pdf: Path, word: str) -> list[float]:
    """Where each ``word`` on page 1 starts (pt from the left edge)."""
    ran = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
        check=True,
        capture_output=True,
    )
    found = re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]*)</word>', ran.stdout.decode())
    return [round(float(x), 1) for x, text in found if text == word]


# render.fitted_layout reads the lines of every 'data-fit-lines' element (the address,
# one text set 'white-space: pre', a line a line) and, when any one of them is as wide
# as its element, sets EVERY such element of the document as blocks, a <span> a line
# (_as_blocks). A letter laid out whole has one address: a short one stays one text.
# An overlay batch (compact_batch) is one document holding every addressee's address:
# one long line in the batch (an office's name wider than the window) sets all of them
# as spans. The template's own rules print the two alike (the spans' 'padding-left: 1em;
# text-indent: -1em' for the hanging indent), but only so: a workspace's 'text-indent'
# on the address (the name set in from the place, as some house styles have it) indents
# the first line of the one text, and is overridden in each span. Cy Ng's address, laid
# out whole, has 'Cy Ng' set in by 2em; stamped, it is flush with the lines under it
# (the box, its place and width are the master's: placed_as_master passes; the proof
# sees the address inside its window).
# Fix: decide as_text / as_blocks per element (_as_blocks only on the elements whose
# own line is too wide, as a letter alone does), or lay out every letter of a batch
# as blocks only when its own address is laid out so whole; or refuse to share when
# the address's style sets anything the spans override (text-indent, padding).

PEOPLE = [
    ("Ann Lee", "Dear Ann Lee,", ["Room 300", "Chiyoda-ku, Tokyo 100-8962", "Japan"]),
    (
        "Dolores Umbridge",
        "Dear Dolores Umbridge,",
        [
            "Office of the Senior Undersecretary to the Minister of Magic",
            "Chiyoda-ku, Tokyo 100-8962",
            "Japan",
        ],
    ),
    ("Cy Ng", "Dear Cy Ng,", ["Room 302", "Chiyoda-ku, Tokyo 100-8962", "Japan"]),
]


def test_an_address_indented_by_the_style_keeps_its_indent_beside_a_long_address(
    example: Path, tmp_path: Path
) -> None:
    """``.window .address { text-indent: 2em }``; one addressee's office wider than the
    window, the others short."""
    _english_only(example)
    _recipients(example, PEOPLE)
    _add_css(example, ".window .address { text-indent: 2em; }\n")
    out = _build(example)
    whole = _alone(example, tmp_path, PEOPLE[2])
    stamped = example / "build" / LETTER.name / "to" / "cy-ng.pdf"
    assert "3 letters to addressees share their pages" in out, out
    # Laid out whole, 'Cy' stands 2em right of 'Room'.
    assert _left_of(whole, "Cy")[0] > _left_of(whole, "Room")[0] + 10
    # Found: 'Cy' flush with 'Room' (the name's indent lost).
    assert _left_of(stamped, "Cy")[:1] == _left_of(whole, "Cy")[:1], out
    assert pictures(stamped) == pictures(whole), out
