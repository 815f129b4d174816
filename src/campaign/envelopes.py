"""Envelope windows: where the address block must sit on page 1 so the window shows it."""

from __future__ import annotations

from dataclasses import dataclass

MM_PER_INCH = 25.4
LINE_MM = 13 * MM_PER_INCH / 72  # one address line: 13 pt


@dataclass(frozen=True)
class Window:
    """An address field, in millimetres from the top-left corner of the sheet."""

    name: str
    paper: str
    left: float
    top: float
    width: float
    height: float
    return_line: float  # height of the return-address line at the top of the field

    @property
    def capacity(self) -> int:
        """How many address lines fit below the return line (10 pt type, 13 pt leading)."""
        return int((self.height - self.return_line - 1) / LINE_MM)


# Positions from the standards (see DESIGN.md). The US #10 window is given as a range;
# the field is placed at its inner edge so a slightly shifted fold still shows it. A #10
# envelope carries the return address in its corner, so that window holds no return line.
WINDOWS = {
    "din5008-b": Window("din5008-b", "a4", 20, 45, 85, 45, 5),
    "din5008-a": Window("din5008-a", "a4", 20, 27, 85, 45, 5),
    "us-10": Window(
        "us-10", "letter", 0.875 * MM_PER_INCH, 2.1 * MM_PER_INCH, 90, 1.0 * MM_PER_INCH, 0
    ),
    "jp-chou3": Window("jp-chou3", "a4", 22, 12, 90, 45, 5),
}

DEFAULT_ENVELOPE = {"a4": "din5008-b", "letter": "us-10"}
