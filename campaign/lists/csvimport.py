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
from campaign.files.tables import cell_text
from campaign.load.records import SIGNATORY_KEYS, read_signatory
from campaign.load.schema import BLANK, close_match, control_character, email_problem
from campaign.load.yamlfile import LineDict
from campaign.model.fields import CHOICE, DATE, EMAIL, NOTE, SIGNATORY, TEXT
from campaign.paths import read_bytes
from campaign.text.names import fold

# Column headings seen in form and spreadsheet exports, folded, for each field: the
# field table's import aliases.
ALIASES = {f.key: f.aliases for f in SIGNATORY if f.aliases}
_BY_HEADING = {fold(alias): key for key, aliases in ALIASES.items() for alias in aliases}

# The answers web forms usually offer for 'type', in the languages letters are shipped
# in, folded as fold() folds (no case, accents or punctuation).
ANSWERS = {
    "type": {
        "individual": (
            "individual", "an individual", "as an individual", "individually", "a person",
            "person", "private person", "myself", "in a personal capacity", "personal capacity",
            "un particulier", "particulier", "une personne", "personne physique", "un individu",
            "individu", "a titre individuel", "a titre personnel", "en mon nom propre",
            "una persona", "persona", "un individuo", "individuo", "a titulo individual",
            "a titulo personal", "persona fisica", "particular", "eine einzelperson",
            "einzelperson", "privatperson", "als privatperson", "als einzelperson", "eine person",
            "個人", "個人として", "個人の方", "개인", "개인으로", "개인 자격", "개인 자격으로",
        ),
        "organization": (
            "organization", "an organization", "an organisation", "organisation",
            "as an organization", "as an organisation", "on behalf of an organization",
            "on behalf of an organisation", "an ngo", "ngo", "a group", "an association",
            "association", "une organisation", "au nom d une organisation", "une association",
            "une ong", "ong", "un collectif", "una organizacion", "organizacion",
            "en nombre de una organizacion", "una asociacion", "asociacion", "una ong",
            "una entidad", "entidad", "eine organisation", "als organisation",
            "im namen einer organisation", "ein verein", "verein", "eine ngo", "団体", "団体として",
            "組織", "組織として", "法人", "단체", "단체로", "단체 자격으로", "기관", "조직",
        ),
    },
}  # fmt: skip
_ANSWER = {
    field: {fold(answer): value for value, answers in table.items() for answer in answers}
    for field, table in ANSWERS.items()
}
# Group keys a letter may give each type's group, folded: the rule that takes a row's
# group from its type when the letters print one group for each.
_TYPE_GROUPS = {
    "individual": ("individual", "individuals", "person", "persons", "people"),
    "organization": (
        "organization", "organizations", "organisation", "organisations", "org", "orgs",
    ),
}  # fmt: skip
# How the field table's kinds are read from a cell (type, group, status and signed
# have rules of their own below).
_ONE_LINE = tuple(f.key for f in SIGNATORY if f.kind == TEXT)
_SEVERAL_LINES = tuple(f.key for f in SIGNATORY if f.kind == NOTE)
_DATES = tuple(f.key for f in SIGNATORY if f.kind == DATE and f.key != "signed")
_CHOSEN = tuple(f for f in SIGNATORY if f.kind == CHOICE and f.key != "type")
_EMAILS = tuple(f.key for f in SIGNATORY if f.kind == EMAIL)
_SLASHED = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:[ T].*)?$")
_ISO = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T].*)?$")


@dataclass
class CsvRow:
    """One imported row: the line it starts on and the signatory fields it holds."""

    line: int
    record: dict[str, Any]
    dated: bool = True  # its 'signed' is the file's, not the day of the import


@dataclass
class CsvImport:
    """What a CSV file held: good rows, problems by row, and notes about the columns."""

    rows: list[CsvRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: int = 0


@dataclass(frozen=True)
class ValueMap:
    """One ``--map-value 'Column:Answer=value'``: a form's answer read as a field's value."""

    option: str  # as given, for messages
    target: str  # 'Column:Answer', split once the file's headings are known
    value: str
    where: str = ""  # 'answers.yaml:3' when it comes from a file of answers

    @property
    def source(self) -> str:
        """Where the mapping was given, as messages name it."""
        return self.where or f"--map-value '{shown(self.option)}'"


@dataclass
class Rules:
    """How rows become entries beyond the columns: answers, and the groups letters print."""

    value_maps: tuple[ValueMap, ...] = ()
    printed: tuple[str, ...] = ()  # group keys the letters using the list print, in order
    force: bool = False  # take groups no letter prints


def parse_map(options: tuple[str, ...]) -> dict[str, str]:
    """``--map 'Heading=field'`` options as a dict; '-' as the field skips the column."""
    mapping: dict[str, str] = {}
    for option in options:
        heading, sep, key = option.rpartition("=")
        key = key.strip()
        if not sep or not heading.strip():
            raise CampaignError(f"--map '{shown(option)}' must look like 'Column heading=field'")
        if key != "-" and key not in SIGNATORY_KEYS:
            hint = close_match(key, SIGNATORY_KEYS) or f"fields: {', '.join(SIGNATORY_KEYS)}, -"
            raise CampaignError(f"--map '{shown(option)}': unknown field '{shown(key)}' ({hint})")
        same = next((h for h in mapping if fold(h) == fold(heading)), None)
        if same is not None:
            raise CampaignError(
                f"--map '{shown(option)}': column '{shown(same)}' is already mapped to "
                f"'{mapping[same]}'\n  hint: map each column once"
            )
        mapping[heading.strip()] = key
    return mapping


def parse_value_maps(options: tuple[str, ...]) -> tuple[ValueMap, ...]:
    """``--map-value 'Column:Answer=value'`` options, checked for their shape."""
    maps = []
    for option in options:
        target, sep, value = option.rpartition("=")
        if not sep or ":" not in target or not value.strip():
            raise CampaignError(
                f"--map-value '{shown(option)}' must look like 'Column:Answer=value'\n"
                "  hint: e.g. --map-value 'I am signing as:An individual=individual'"
            )
        maps.append(ValueMap(option, target, value.strip()))
    return tuple(maps)


def read_answers(path: Path) -> tuple[ValueMap, ...]:
    """A file of answers: for each column (or field), each answer and the value it means.

    ``I am signing as: {Myself: individual, For my employer: organization}``, in YAML.
    """
    from campaign.errors import ProblemsFound
    from campaign.load.yamlfile import LineDict, load_yaml

    problems: list[Problem] = []
    data = load_yaml(path, problems)
    if problems:
        raise ProblemsFound(problems)
    hint = "write each column, then its answers and their values: 'Column: {Answer: value}'"
    if not isinstance(data, LineDict):
        raise ProblemsFound([Problem(path, 1, "the answers must be a mapping of columns", hint)])
    maps = []
    for column, answers in data.items():
        line = data.line_of(column)
        if not isinstance(answers, LineDict) or not answers:
            raise ProblemsFound(
                [Problem(path, line, f"'{column}' must map answers to values", hint)]
            )
        for answer, value in answers.items():
            where = f"{display_path(path)}:{answers.line_of(answer)}"
            if not isinstance(value, str) or not value.strip():
                raise ProblemsFound(
                    [Problem(path, answers.line_of(answer), f"'{answer}' needs a value", hint)]
                )
            maps.append(ValueMap(f"{column}:{answer}={value}", f"{column}:{answer}", value, where))
    return tuple(maps)


def _value_maps(
    path: Path, header: list[str], columns: list[str | None], maps: tuple[ValueMap, ...]
) -> dict[int, dict[str, str]]:
    """For each column, the answers to read as other values (folded answer -> value)."""
    names = [(h, n) for n, h in enumerate(header) if h] + [
        (key, n) for n, key in enumerate(columns) if key
    ]
    found: dict[int, dict[str, str]] = {}
    given: dict[tuple[int, str], ValueMap] = {}
    for vmap in maps:
        fits = [(h, n) for h, n in names if fold(vmap.target).startswith(fold(h) + " ")]
        fits += [(h, n) for h, n in names if vmap.target.startswith(h + ":")]
        if not fits:
            raise CampaignError(
                f"{display_path(path)}:1: {vmap.source} names no column "
                f"of the file\n  hint: the columns are: {', '.join(repr(h) for h in header)}"
            )
        heading, column = max(fits, key=lambda fit: len(fit[0]))
        answer = vmap.target[len(heading) :].lstrip().removeprefix(":").strip()
        earlier = given.get((column, fold(answer)))
        if earlier is not None and earlier.value != vmap.value:
            raise CampaignError(
                f"{vmap.source}: '{shown(answer)}' is already mapped to "
                f"'{shown(earlier.value)}' by {earlier.source}\n"
                "  hint: map each answer once"
            )
        given[(column, fold(answer))] = vmap
        found.setdefault(column, {})[fold(answer)] = vmap.value
    return found


def _decode(path: Path) -> str:
    raw = read_bytes(path)
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
        key = mapping.get(heading) or by_fold.get(fold(heading)) or _heading_field(heading)
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


def _heading_field(heading: str) -> str | None:
    """The field a heading names: a known heading, or parts that all name one field.

    'Organisation / affiliation' is two headings for one field, as forms often write it.
    """
    key = _BY_HEADING.get(fold(heading))
    if key is not None:
        return key
    parts = [fold(part) for part in re.split(r"/|\bor\b|\bou\b|\boder\b|,", heading)]
    keys = {_BY_HEADING.get(part) for part in parts if part}
    return keys.pop() if len(keys) == 1 and None not in keys else None


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
    if word in _ANSWER["type"]:
        return _ANSWER["type"][word]
    if word.startswith(("indiv", "person", "private")):
        return "individual"
    if word.startswith(("org", "group", "ngo", "association")):
        return "organization"
    return None


def group_of(kind: str | None, printed: tuple[str, ...]) -> str | None:
    """The group a row of this type goes in, when the letters' groups make it plain.

    Letters printing one group take everyone into it; letters printing a group named
    for each type ('individuals', 'organisations') take each row into its type's group.
    """
    if len(printed) == 1:
        return printed[0]
    fits = [key for key in printed if kind and fold(key) in _TYPE_GROUPS.get(kind, ())]
    return fits[0] if len(fits) == 1 else None


def read_csv(
    path: Path,
    mapping: dict[str, str],
    defaults: dict[str, Any],
    date_order: str | None = None,
    rules: Rules | None = None,
) -> CsvImport:
    """Every data row of ``path`` validated into a signatory record, or a problem."""
    rules = rules or Rules()
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
    answers = _value_maps(path, header, columns, rules.value_maps)
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
        cells = [
            answers[n].get(fold(cell), cell) if n in answers else cell
            for n, cell in enumerate(cells)
        ]
        problems = _row(path, line, cells, header, columns, defaults, order, result, rules)
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
    rules: Rules,
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
    # A cell 'sig export' (or the build's signatories.csv) kept from running as a
    # formula reads back as it was: "'@Home" is "@Home" again.
    values = {k: cell_text(cells[i]).strip() for i, k in enumerate(columns) if k and i < len(cells)}
    record: dict[str, Any] = {}
    for key in _ONE_LINE:
        if values.get(key):
            record[key] = " ".join(values[key].split())  # quoted newlines become spaces
    for key, value in values.items():
        if bad_char := control_character(value):
            bad(f"'{key}' contains the control character U+{ord(bad_char):04X}")
    for key in _SEVERAL_LINES:
        if values.get(key):
            record[key] = "\n".join(values[key].splitlines())
    if BLANK.fullmatch(record.get("name", "")):  # nothing, or nothing that prints
        bad("the row has no name", "fill in the name, or delete the row")
    raw_type = values.get("type", "")
    kind = _type(raw_type) if raw_type else defaults.get("type")
    if raw_type and kind is None:
        heading = header[columns.index("type")]
        bad(
            f"type '{raw_type}' is neither individual nor organization",
            f"pass --map-value '{heading}:{raw_type}=individual' (or =organization)",
        )
    elif kind is None:
        bad("the row has no type", "add a type column, or pass --type individual|organization")
    record["type"] = kind
    record["group"] = record.get("group") or defaults.get("group") or group_of(kind, rules.printed)
    printed = ", ".join(rules.printed)
    if not record["group"]:
        bad(
            "the row has no group",
            "add a group column, or pass --group GROUP"
            + (f" (the letters print: {printed})" if printed else ""),
        )
    elif rules.printed and record["group"] not in rules.printed and not rules.force:
        bad(
            f"group '{record['group']}' is printed by no letter that uses this list",
            (close_match(record["group"], rules.printed) or f"the letters print: {printed}")
            + " (--force takes it anyway)",
        )
    if values.get("signed"):
        record["signed"] = _parse_date(values["signed"], order)
        if record["signed"] is None:
            bad(f"'{values['signed']}' is not a date", "write dates as YYYY-MM-DD")
    else:
        record["signed"] = defaults.get("signed")
    for key in _DATES:
        if values.get(key):
            record[key] = _parse_date(values[key], order)
            if record[key] is None:
                bad(f"'{values[key]}' is not a date", "write dates as YYYY-MM-DD")
    if record.get("withdrawn"):  # a row with a day of withdrawal: who withdrew
        defaults = defaults | {"status": "withdrawn"}
    for f in _CHOSEN:
        word = values.get(f.key, "").lower() or defaults.get(f.key)
        if word is None:
            continue
        if word not in f.choices:
            bad(f"{f.key} '{word}' is not one of {', '.join(f.choices)}")
        record[f.key] = word
    for key in _EMAILS:
        if values.get(key):
            reason = email_problem(values[key])
            if reason:
                bad(f"'{values[key]}' is not a valid e-mail address ({reason})")
            record[key] = values[key]
    if not problems:
        problems += _as_listed(path, line, record)
    if not problems:
        result.rows.append(CsvRow(line, record, dated=bool(values.get("signed"))))
    return problems


def _as_listed(path: Path, line: int, record: dict[str, Any]) -> list[Problem]:
    """What the list would find wrong with the entry a row makes, told at the row.

    The list reads each entry it is given as it reads the file: a row the import's own
    rules let through but the list refuses would stop the whole import when it is
    written, at a line of a file never written, ``--skip-invalid`` or not.
    """
    item = LineDict()
    item.line = line
    for key, value in record.items():
        if value is not None:
            item[key] = value
            item.key_lines[key] = line
    found: list[Problem] = []
    read_signatory(item, line, path, found)
    return [p for p in found if not p.warning]
