"""A region of a tall overlay page, stamped on a sheet, shows that region and nothing else."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

import pikepdf
import pytest

from campaign.pdf.joining import Region, stamp

WIDTH, HEIGHT, SHEETS = 200.0, 100.5, 3  # a fractional height, as A4 in points has


def tall_page(path: Path) -> None:
    """Three sheets stacked on one page, each with its name and a black band over its top."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Courier
        )
    )
    ops = []
    for n in range(SHEETS):
        bottom = (SHEETS - 1 - n) * HEIGHT  # sheet 0 on top, as a layout stacks them
        ops += [
            f"BT /F1 12 Tf 1 0 0 1 20 {bottom + 40} Tm (SHEET{n}) Tj ET",
            f"0 g 0 {bottom + HEIGHT - 10} {WIDTH} 10 re f",
        ]
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, WIDTH, HEIGHT * SHEETS],
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
        Contents=pdf.make_stream("\n".join(ops).encode()),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)


def stamped(tmp_path: Path, n: int, height: float) -> Path:
    """A blank sheet ``height`` tall with region ``n`` of the tall page stamped at its foot."""
    tall_page(tmp_path / "tall.pdf")
    out = tmp_path / f"sheet{n}.pdf"
    with pikepdf.new() as pdf, pikepdf.open(tmp_path / "tall.pdf") as overlay:
        pdf.add_blank_page(page_size=(WIDTH, height))
        bottom = (SHEETS - 1 - n) * HEIGHT
        stamp(pdf.pages[0], overlay.pages[0], 0, Region(0, bottom, WIDTH, HEIGHT))
        pdf.save(out)
    return out


def gray_rows(path: Path) -> list[bytes]:
    """The page drawn at 72 dpi in grey, a row of bytes per pixel row."""
    pgm = subprocess.run(
        ["pdftoppm", "-r", "72", "-gray", "-singlefile", str(path)],
        check=True,
        capture_output=True,
    ).stdout
    # The header: P5, width, height, maximum value, each ended by whitespace.
    fields, at = [], 0
    while len(fields) < 4:
        end = at
        while pgm[end] not in b" \n\t\r":
            end += 1
        if end > at:
            fields.append(pgm[at:end])
        at = end + 1
    width, height = int(fields[1]), int(fields[2])
    return [pgm[at + y * width : at + (y + 1) * width] for y in range(height)]


@pytest.mark.parametrize("n", range(SHEETS))
def test_a_region_shows_its_own_sheet_alone(tmp_path: Path, n: int) -> None:
    out = stamped(tmp_path, n, HEIGHT)
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert text.split() == [f"SHEET{n}"]
    rows = gray_rows(out)
    assert len(rows) == math.ceil(HEIGHT)
    assert all(set(row) == {0} for row in rows[:9])  # the band over its top
    assert all(set(row) == {255} for row in rows[11:40] + rows[-30:])


@pytest.mark.parametrize("n", range(SHEETS))
def test_a_region_is_clipped_on_a_larger_sheet(tmp_path: Path, n: int) -> None:
    # The sheet before it on the tall page stands right above the region, where this
    # sheet's upper half is: only the clip keeps it out of sight.
    rows = gray_rows(stamped(tmp_path, n, 2 * HEIGHT))
    assert len(rows) == math.ceil(2 * HEIGHT)
    top = math.ceil(HEIGHT)  # the region's first row: the band of its own sheet
    assert all(set(row) == {255} for row in rows[: top - 1])
    assert all(set(row) == {0} for row in rows[top : top + 9])


def test_without_a_region_the_whole_page_is_drawn_at_the_same_place(tmp_path: Path) -> None:
    tall_page(tmp_path / "tall.pdf")
    with pikepdf.new() as pdf, pikepdf.open(tmp_path / "tall.pdf") as overlay:
        pdf.add_blank_page(page_size=(WIDTH, HEIGHT * SHEETS))
        stamp(pdf.pages[0], overlay.pages[0], 0)
        pdf.save(tmp_path / "whole.pdf")
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "whole.pdf"), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert text.split() == ["SHEET0", "SHEET1", "SHEET2"]
