"""Paper for the post: envelope windows, the envelopes themselves, and label sheets.

All measures are millimetres from the top-left corner of the sheet or envelope; the
paper itself is in ``sizes``. ``page_geometry`` is page 1 laid out around the window.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from campaign.paper.sizes import FIRST_PAGE_TOP, MM_PER_INCH, MM_PER_PT, PAPERS


@dataclass(frozen=True)
class Window:
    """Where the address field sits on page 1 so the envelope's window shows it."""

    name: str
    paper: str
    left: float
    top: float
    width: float
    height: float
    return_line: float  # height of the one-line return address at the top of the field
    envelope: str  # the envelope the folded letter goes into (a key of ENVELOPES)
    font_pt: float = 10.0
    leading_pt: float = 12.0  # DIN 5008's line pitch, 4.23 mm (1/6 inch)
    folds: tuple[float, ...] = ()  # fold marks, from the top of the sheet
    punch: float = 0.0  # hole-punch mark, from the top of the sheet (0: none)

    @property
    def capacity(self) -> int:
        """How many address lines fit below the return line."""
        return int((self.height - self.return_line - 1) / (self.leading_pt * MM_PER_PT))


@dataclass(frozen=True)
class Envelope:
    """An envelope to print the address on: its size and where the two addresses go."""

    name: str
    width: float
    height: float
    to_left: float
    to_top: float
    to_width: float
    from_left: float
    from_top: float


@dataclass(frozen=True)
class LabelSheet:
    """A sheet of address labels: the grid of labels on the paper."""

    name: str
    paper: str
    columns: int
    rows: int
    width: float  # one label
    height: float
    left: float  # the first label's corner
    top: float
    pitch_x: float  # from one label's left edge to the next one's
    pitch_y: float
    padding: float = 3.0
    font_pt: float = 8.0  # before shrinking to fit (see render.fitted_layout)

    @property
    def per_sheet(self) -> int:
        """Labels on one sheet."""
        return self.columns * self.rows


# Positions from the standards (see DESIGN.md). DIN 5008 has fold marks (form B at
# 105 and 210 mm, form A at 87 and 192 mm) and a hole-punch mark at mid-height; the
# US and Japanese conventions have none, so those letters carry no marks. The US #10
# window is given as a range; the field sits at its inner edge so a slightly shifted
# fold still shows it, and it is only an inch high, so it uses smaller type.
US_10 = Window(
    "us-10",
    "letter",
    0.875 * MM_PER_INCH,
    2.1 * MM_PER_INCH,
    90,
    1.0 * MM_PER_INCH,
    3.5,
    "#10",
    font_pt=9,
    leading_pt=11,
)

WINDOWS = {
    "din5008-b": Window("din5008-b", "a4", 20, 45, 85, 45, 5, "DL", folds=(105, 210), punch=148.5),
    "din5008-a": Window("din5008-a", "a4", 20, 27, 85, 45, 5, "C5", folds=(87, 192), punch=148.5),
    "us-10": US_10,
    # The same window for mail from abroad: name, title, organisation, street, city and
    # country need six lines, so the type is smaller (8 pt on a 9 pt pitch).
    "us-10-intl": replace(US_10, name="us-10-intl", font_pt=8, leading_pt=9),
    "jp-chou3": Window("jp-chou3", "a4", 22, 12, 90, 45, 5, "長形3号"),
}


def windows_holding(paper: str, lines: int) -> list[str]:
    """The windows for ``paper`` whose field holds ``lines`` address lines."""
    return [w.name for w in WINDOWS.values() if w.paper == paper and w.capacity >= lines]


def window_table() -> str:
    """The docs' table of windows, made from WINDOWS (the docs build puts it in the page)."""
    rows = [
        "| `envelope:` | paper | address field: from left, from top, width × height (mm) "
        "| lines | type | fold marks | envelope |",
        "|---|---|---|---|---|---|---|",
    ]
    defaults = {paper.envelope for paper in PAPERS.values()}
    for w in WINDOWS.values():
        title = PAPERS[w.paper].title
        name = f"`{w.name}`" + (f" (default on {title})" if w.name in defaults else "")
        field = f"{w.left:g}, {w.top:g}, {w.width:g} × {w.height:g}"
        marks = " and ".join(f"{y:g}" for y in w.folds) or "none"
        if w.punch:
            marks += f", punch mark {w.punch:g}"
        rows.append(
            f"| {name} | {title} | {field} | {w.capacity} "
            f"| {w.font_pt:g}/{w.leading_pt:g} pt | {marks} | {w.envelope} |"
        )
    return "\n".join(rows) + "\n"


# Western envelopes lie landscape, the return address top left and the addressee in
# the lower right area that sorting machines read. 長形3号 stands portrait, written
# horizontally (WeasyPrint cannot set vertical text): addressee above the middle,
# return address at the foot.
ENVELOPES = {
    "DL": Envelope("DL", 220, 110, 100, 50, 110, 10, 10),
    "C5": Envelope("C5", 229, 162, 110, 80, 110, 10, 10),
    "#10": Envelope("#10", 9.5 * MM_PER_INCH, 4.125 * MM_PER_INCH, 102, 50, 130, 10, 8),
    "長形3号": Envelope("長形3号", 120, 235, 15, 50, 95, 15, 190),
}

# The two common sheets: 3 x 7 on A4 (63.5 x 38.1 mm, the Avery L7160 layout) and
# 3 x 10 on Letter (2 5/8 x 1 in, the Avery 5160 layout).
LABEL_SHEETS = {
    "a4": LabelSheet("A4 3×7", "a4", 3, 7, 63.5, 38.1, 7.25, 15.15, 66.04, 38.1),
    "letter": LabelSheet(
        "Letter 3×10",
        "letter",
        3,
        10,
        2.625 * MM_PER_INCH,
        1.0 * MM_PER_INCH,
        0.1875 * MM_PER_INCH,
        0.5 * MM_PER_INCH,
        2.75 * MM_PER_INCH,
        1.0 * MM_PER_INCH,
        padding=2.5,
        font_pt=7.5,
    ),
}


def page_geometry(paper: str, envelope: str) -> dict[str, Any]:
    """Page size, margins, the address window and the fold marks, for the template's CSS."""
    sheet = PAPERS[paper]
    top, right, bottom, left = sheet.margins
    w = WINDOWS[envelope]
    # Absolute boxes on page 1 are placed relative to its page area, not the sheet.
    return {
        "size": sheet.css,
        "margin": (top, right, bottom, left),
        "first_top": FIRST_PAGE_TOP,
        "window": {
            "left": w.left - left,
            "top": w.top - FIRST_PAGE_TOP,
            "width": w.width,
            "height": w.height,
            "return_line": w.return_line,
            "font_pt": w.font_pt,
            "leading_pt": w.leading_pt,
        },
        # Marks start 4 mm from the sheet's left edge, clear of the printer's margin.
        "marks": {
            "left": 4 - left,
            "folds": [y - FIRST_PAGE_TOP for y in w.folds],
            "punch": w.punch - FIRST_PAGE_TOP if w.punch else 0,
        },
        "flow_start": w.top + w.height - FIRST_PAGE_TOP + 8,
    }
