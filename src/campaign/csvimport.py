"""Reading signatures from spreadsheet and web-form CSV exports, row by row."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campaign.errors import CampaignError, Problem, display_path, shown
from campaign.loading import SIGNATORY_KEYS
from campaign.model import STATUSES
from campaign.names import fold
from campaign.schema import close_match, control_character, email_problem

# Column headings seen in form and spreadsheet exports, folded, for each field.
ALIASES = {
    "name": (
        "name", "full name", "your name", "signatory", "signatory name", "name of organization",
        "name of organisation", "organization name", "organisation name", "name of signatory",
    ),
    "type": (
        "type", "signatory type", "signing as", "are you signing as", "individual or organization",
        "individual or organisation", "kind",
    ),
    "affiliation": (
        "affiliation", "title", "position", "title affiliation", "affiliation title",
        "organization", "organisation", "role",
    ),
    "country": ("country", "country region", "country or region", "location"),
    "sort_as": ("sort as", "sort_as", "sort key", "reading"),
    "name_latin": (
        "name latin", "name_latin", "latin name", "name in latin letters", "romanized name",
        "romanised name", "name romanized", "name romanised", "english name", "name in english",
    ),
    "group": ("group", "list group", "section"),
    "signed": (
        "signed", "date", "date signed", "timestamp", "submitted", "submitted at",
        "submission date", "signed on",
    ),
    "status": ("status",),
    "withdrawn": ("withdrawn", "withdrawn on"),
    "email": ("email", "e mail", "email address", "e mail address", "your email", "contact email"),
    "phone": ("phone", "telephone", "phone number", "mobile"),
    "notes": ("notes", "note", "comments", "comment", "message", "remarks"),
}  # fmt: skip
_BY_HEADING = {alias: key for key, aliases in ALIASES.items() for alias in aliases}
_ONE_LINE = ("name", "name_latin", "affiliation", "country", "sort_as", "group")
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T].*)?$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?$")


@dataclass
class CsvRow:
    """One imported row: the line it starts on and the signatory fields it holds."""

    line: int
    record: dict[str, Any]


@dataclass
class CsvImport:
    """What a CSV file held: good rows, problems by row, and notes about the columns."""

    rows: list[CsvRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: int = 0


def parse_map(options: tuple[str, ...]) -> dict[str, str]:
    """``--map 'Heading=field'`` options as a dict; '-' as the field skips the column."""
    mapping = {}
    for option in options:
        heading, sep, key = option.rpartition("=")
        key = key.strip()
        if not sep or not heading.strip():
            raise CampaignError(f"--map '{shown(option)}' must look like 'Column heading=field'")
        if key != "-" and key not in SIGNATORY_KEYS:
            hint = close_match(key, SIGNATORY_KEYS) or f"fields: {', '.join(SIGNATORY_KEYS)}, -"
            raise CampaignError(f"--map '{shown(option)}': unknown field '{shown(key)}' ({hint})")
        mapping[heading.strip()] = key
    return mapping


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CampaignError(
            f"{display_path(path)}:{line}: not UTF-8 text\n  hint: save it as 'CSV UTF-8' "
            "(Excel) or choose the UTF-8 character set when saving (LibreOffice)"
        ) from None


def _delimiter(text: str) -> str:
    """Comma, semicolon (European spreadsheets) or tab: whichever the heading line uses most."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _columns(
    path: Path, header: list[str], mapping: dict[str, str], problems: list[Problem]
) -> list[str | None]:
    """The field each column goes to (None: not imported)."""
    folded = {fold(h): h for h in header}
    for heading in mapping:
        if heading not in header and fold(heading) not in folded:
            raise CampaignError(
                f"{display_path(path)}:1: --map names a column '{heading}' the file does not have\n"
                f"  hint: the columns are: {', '.join(repr(h) for h in header)}"
            )
    by_fold = {fold(h): k for h, k in mapping.items()}
    columns: list[str | None] = []
    for heading in header:
        key = mapping.get(heading) or by_fold.get(fold(heading)) or _BY_HEADING.get(fold(heading))
        columns.append(None if key in (None, "-") else key)
    seen: dict[str, str] = {}
    for heading, key in zip(header, columns, strict=True):
        if key is None:
            continue
        if key in seen:
            raise CampaignError(
                f"{display_path(path)}:1: columns '{seen[key]}' and '{heading}' "
                f"both look like '{key}'\n"
                f"  hint: pass --map '{heading}=-' to leave one out, or map it to another field"
            )
        seen[key] = heading
    skipped = [h for h, k in zip(header, columns, strict=True) if k is None and h.strip()]
    if skipped:
        problems.append(
            Problem(
                path,
                1,
                f"not imported: column{'s' if len(skipped) > 1 else ''} "
                + ", ".join(f"'{h}'" for h in skipped),
                "pass --map 'Column=field' to import one",
                warning=True,
            )
        )
    if "name" not in seen:
        raise CampaignError(
            f"{display_path(path)}:1: no column holds the signatory's name\n"
            "  hint: pass --map 'Your column=name'"
        )
    return columns


def _date_order(path: Path, values: list[tuple[int, str]], given: str | None) -> str:
    """'dmy' or 'mdy' for dates like 03/04/2020, decided from the whole column."""
    if given:
        return given
    day_first = month_first = False
    for _, value in values:
        match = _SLASHED.match(value)
        if match:
            first, second = int(match[1]), int(match[2])
            day_first |= first > 12
            month_first |= second > 12
    if day_first and month_first:
        raise CampaignError(
            f"{display_path(path)}: the date column mixes day-first and month-first dates\n"
            "  hint: pass --date-order dmy or --date-order mdy"
        )
    if day_first or month_first:
        return "dmy" if day_first else "mdy"
    ambiguous = [(line, v) for line, v in values if (m := _SLASHED.match(v)) and m[1] != m[2]]
    if ambiguous:
        line, value = ambiguous[0]
        raise CampaignError(
            f"{display_path(path)}:{line}: '{value}' could be day/month or month/day\n"
            "  hint: pass --date-order dmy or --date-order mdy"
        )
    return "dmy"


def _parse_date(value: str, order: str) -> dt.date | None:
    value = value.strip()
    try:
        if match := _ISO.match(value):
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        if match := _SLASHED.match(value):
            a, b = int(match[1]), int(match[2])
            day, month = (a, b) if order == "dmy" else (b, a)
            return dt.date(int(match[3]), month, day)
    except ValueError:
        return None
    return None


def _type(value: str) -> str | None:
    word = fold(value)
    if word.startswith(("indiv", "person", "private")):
        return "individual"
    if word.startswith(("org", "group", "ngo", "association")):
        return "organization"
    return None


def read_csv(
    path: Path,
    mapping: dict[str, str],
    defaults: dict[str, Any],
    date_order: str | None = None,
) -> CsvImport:
    """Every data row of ``path`` validated into a signatory record, or a problem."""
    text = _decode(path)
    result = CsvImport()
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows = []
        last = 0
        for cells in reader:
            rows.append((last + 1, cells))
            last = reader.line_num
    except csv.Error as exc:
        raise CampaignError(
            f"{display_path(path)}:{reader.line_num}: not readable as CSV ({exc})"
        ) from None
    if not rows:
        raise CampaignError(f"{display_path(path)}: the file is empty")
    header = [h.strip() for h in rows[0][1]]
    columns = _columns(path, header, mapping, result.problems)
    body = [(line, cells) for line, cells in rows[1:] if any(c.strip() for c in cells)]
    unnamed = [
        n + 1
        for n, heading in enumerate(header)
        if not heading and any(len(c) > n and c[n].strip() for _, c in body)
    ]
    if unnamed:
        result.problems.append(
            Problem(
                path,
                1,
                "not imported: values in column "
                + ", ".join(str(n) for n in unnamed)
                + ", which has no heading",
                "give the column a heading, or pass --map 'Heading=field'",
                warning=True,
            )
        )
    date_col = columns.index("signed") if "signed" in columns else None
    order = _date_order(
        path,
        [
            (line, cells[date_col])
            for line, cells in body
            if date_col is not None and len(cells) > date_col
        ],
        date_order,
    )
    for line, cells in body:
        problems = _row(path, line, cells, header, columns, defaults, order, result)
        if problems:
            result.problems.extend(problems)
            result.bad_rows += 1
    return result


def _row(
    path: Path,
    line: int,
    cells: list[str],
    header: list[str],
    columns: list[str | None],
    defaults: dict[str, Any],
    order: str,
    result: CsvImport,
) -> list[Problem]:
    problems: list[Problem] = []

    def bad(message: str, hint: str = "") -> None:
        problems.append(Problem(path, line, message, hint))

    extra = [c for c in cells[len(header) :] if c.strip()]
    if extra:
        bad(
            f"the row has {len(cells)} cells but the heading line has {len(header)}",
            "a value holding the separator must be in double quotes",
        )
        return problems
    values = {k: cells[i].strip() for i, k in enumerate(columns) if k and i < len(cells)}
    record: dict[str, Any] = {}
    for key in _ONE_LINE:
        if values.get(key):
            record[key] = " ".join(values[key].split())  # quoted newlines become spaces
    for key, value in values.items():
        if bad_char := control_character(value):
            bad(f"'{key}' contains the control character U+{ord(bad_char):04X}")
    for key in ("phone", "notes"):
        if values.get(key):
            record[key] = "\n".join(values[key].splitlines())
    if not record.get("name"):
        bad("the row has no name", "fill in the name, or delete the row")
    raw_type = values.get("type", "")
    kind = _type(raw_type) if raw_type else defaults.get("type")
    if raw_type and kind is None:
        bad(f"type '{raw_type}' is neither individual nor organization")
    elif kind is None:
        bad("the row has no type", "add a type column, or pass --type individual|organization")
    record["type"] = kind
    record["group"] = record.get("group") or defaults.get("group")
    if not record["group"]:
        bad("the row has no group", "add a group column, or pass --group GROUP")
    if values.get("signed"):
        record["signed"] = _parse_date(values["signed"], order)
        if record["signed"] is None:
            bad(f"'{values['signed']}' is not a date", "write dates as YYYY-MM-DD")
    else:
        record["signed"] = defaults.get("signed")
    if values.get("withdrawn"):
        record["withdrawn"] = _parse_date(values["withdrawn"], order)
        if record["withdrawn"] is None:
            bad(f"'{values['withdrawn']}' is not a date", "write dates as YYYY-MM-DD")
    status = values.get("status", "").lower() or defaults["status"]
    if status not in STATUSES:
        bad(f"status '{status}' is not one of {', '.join(STATUSES)}")
    record["status"] = status
    if values.get("email"):
        reason = email_problem(values["email"])
        if reason:
            bad(f"'{values['email']}' is not a valid e-mail address ({reason})")
        record["email"] = values["email"]
    if not problems:
        result.rows.append(CsvRow(line, record))
    return problems
