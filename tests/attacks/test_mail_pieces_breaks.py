"""Envelopes and label sheets the build makes otherwise than laid out alone (attack on aa3d39c).

After aa3d39c (render.fitted_layout numbering each data-fit-lines element and setting
as blocks only those whose own line is too wide): each test builds a workspace as a
user would (``campaign build``, exit 0, no warning) and reads the PDF back as a reader
would. Each fails on aa3d39c.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from campaign.load.catalog import BUILTIN_TEMPLATES

from conftest import pictures, run

OWN = Path("templates") / "joint-letter"
LONG = "Office of the Senior Undersecretary to the Deputy Minister"


def _own_template(ws: Path) -> None:
    """The shipped template's files in the workspace, as ``campaign init`` leaves them."""

    shutil.copytree(BUILTIN_TEMPLATES / "joint-letter", ws / OWN, dirs_exist_ok=True)


def _addressees(ws: Path, names: list[str]) -> None:
    lines = ["to:\n"]
    for n, name in enumerate(names):
        address = [f"Room {n + 1}", "Test Street 3", "10115 Berlin"]
        lines.append(
            f"  - name: {name}\n    salutation: Dear {name},\n    address: [{', '.join(address)}]\n"
        )
    (ws / "letters" / "test" / "recipients.yaml").write_text("".join(lines), encoding="utf-8")


def _build(ws: Path) -> str:
    result = run("build", "--jobs", "1", workspace=ws)
    assert result.exit_code == 0, result.output
    return result.output


def _sheet(pdf: Path, page: int) -> list[tuple[str, float]]:
    """Each word of page ``page`` (1-based) with its height (pt): the type it is set in."""
    ran = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
    )

    words = re.findall(
        r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>',
        ran.stdout.decode(),
    )
    return [(text, round(float(y1) - float(y0), 1)) for y0, y1, text in words]


# render._retyped sets a label that overflows its cell again in smaller type by a rule
# for its id ('#label-1{font-size:5.9pt!important}'): the id stands for the label. A
# workspace's labels.html.j2 that numbers its labels as they stand on the sheet's grid
# (id="label-{{ loop.index }}", 1 to 21 on every A4 3x7 sheet) has one id on each
# sheet; a part of up to six sheets is one document, so the rule made for the long
# label on sheet 1 sets the first label of every other sheet of the part in the same
# small type. Person 22's short address, alone on sheet 2's first cell, prints at
# ~5.9 pt instead of the template's 8 pt: sheet 2 looks otherwise than the same sheet
# when sheet 1 holds no long label. (By reading, not run here: sheet 7 starts the next
# part, out of the rule's reach, so there the size also depends on the part.)
# No guard reads the rule's reach: fit_boxes measures each box, _retyped writes one
# rule a selector. Fix: retype the element, not the id: number every data-fit box of a
# document (as _numbered does data-fit-lines ones, e.g. data-fit-n) and write the rule
# for '[data-fit-n="k"]'; or refuse a label whose id is not unique in its document.
def test_a_short_label_on_another_sheet_keeps_its_type_beside_a_long_one(
    minimal: Path, tmp_path: Path
) -> None:
    _own_template(minimal)
    labels = minimal / OWN / "labels.html.j2"
    html = labels.read_text(encoding="utf-8")
    assert 'id="label-{{ cell.number }}"' in html
    labels.write_text(html.replace("{{ cell.number }}", "{{ loop.index }}"), encoding="utf-8")

    plain = tmp_path / "plain"
    shutil.copytree(minimal, plain)
    # 22 addressees: two A4 3x7 sheets, one part. The first one's name is too wide for
    # its label at 8 pt; in ``plain`` it is short.
    names = [f"Person {n + 1}" for n in range(22)]
    _addressees(minimal, [LONG, *names[1:]])
    _addressees(plain, names)
    _build(minimal)
    _build(plain)
    built = minimal / "build" / "test" / "labels.pdf"
    alone = plain / "build" / "test" / "labels.pdf"
    # Sheet 2 holds Person 22 alone, in both workspaces.
    assert [w for w, _ in _sheet(built, 2)] == [w for w, _ in _sheet(alone, 2)]
    assert ("Person", 10.9) in _sheet(alone, 2)
    # Found: [('Person', 8.0), ('22', 8.0), ('Room', 8.0), ...] (5.9 pt type, the long
    # label's on sheet 1).
    assert _sheet(built, 2) == _sheet(alone, 2)
    assert pictures(built)[1] == pictures(alone)[1]
