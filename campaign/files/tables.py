"""Rows out: CSV that spreadsheets open safely, JSON, and plain text tables."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any


def safe_cell(cell: str) -> str:
    """A CSV cell a spreadsheet shows as text, never runs as a formula."""
    # Spreadsheets run a cell starting with = + - @ (or a tab/CR trick) as a formula.
    return "'" + cell if cell[:1] in ("=", "+", "-", "@", "\t", "\r") else cell


def cell_text(cell: str) -> str:
    """A cell read back as it was before ``safe_cell``: its leading quote taken off again.

    A spreadsheet never writes that quote into a CSV (it is how one types such a cell),
    so a cell holding it before = + - @ was written by safe_cell.
    """
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """CSV with a BOM (so spreadsheet programs read UTF-8) and formula-safe cells."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(_text(cell)) for cell in row])
    return out.getvalue()


def json_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A JSON array of objects, one per row, dates as YYYY-MM-DD."""
    records = [{key: _json_value(v) for key, v in zip(header, row, strict=True)} for row in rows]
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


def text_table(header: Sequence[str], rows: Iterable[Sequence[Any]], widest: int = 44) -> str:
    """Columns lined up for a terminal; long cells are shortened with an ellipsis."""
    cells = [[_clip(_text(c).replace("\n", " "), widest) for c in row] for row in rows]
    widths = [_width(h) for h in header]
    for row in cells:
        widths = [max(w, _width(c)) for w, c in zip(widths, row, strict=True)]
    lines = [_line(header, widths), _line(["-" * w for w in widths], widths)]
    lines += [_line(row, widths) for row in cells]
    return "\n".join(lines) + "\n"


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    # Japanese and Korean characters take two columns in a terminal.
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, widest: int) -> str:
    if _width(text) <= widest:
        return text
    while _width(text) > widest - 1:
        text = text[:-1]
    return text + "…"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return None if value == "" else value
