"""Field-by-field reading of YAML mappings that collects every problem in one pass."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from campaign.errors import Problem
from campaign.load.yamlfile import BadDate, LineDict, LineList, read_date, read_number
from campaign.text import scripts


def entry_called(raw: LineDict, what: str, unnamed: str) -> str:
    """How messages name a list entry: "signatory 'Ada'", or ``unnamed`` when it has no name."""
    name = raw.get("name")
    if not isinstance(name, str) or BLANK.fullmatch(name):
        return unnamed
    return f"{what} '{LINE_BREAK.sub(' ', name).strip()}'"


def close_match(word: str, choices: Iterable[str]) -> str:
    """A 'did you mean' hint for a misspelt key or value, or an empty string."""
    import difflib

    found = difflib.get_close_matches(word, list(choices), n=1)
    return f"did you mean '{found[0]}'?" if found else ""


class Fields:
    """Reads typed fields out of one YAML mapping, recording problems with their lines."""

    def __init__(self, data: LineDict, path: Path, problems: list[Problem], what: str) -> None:
        self.data = data
        self.path = path
        self.problems = problems
        self.what = what  # e.g. "signatory 'David Alton'", used in messages
        # Keys whose value could not be read: checks that would use them say nothing more.
        self.failed: set[str] = set()

    def line(self, key: str | None = None) -> int:
        """The line of ``key``, or of the mapping."""
        return self.data.line_of(key) if key else self.data.line

    def error(self, key: str | None, message: str, hint: str = "") -> None:
        """Record an error at the line of ``key``."""
        if key:
            self.failed.add(key)
        self.problems.append(Problem(self.path, self.line(key), message, hint))

    def known(self, allowed: Iterable[str]) -> None:
        """Warn about keys this mapping does not know."""
        allowed = tuple(allowed)
        for key in self.data:
            if key not in allowed:
                hint = close_match(key, allowed) or f"known keys: {', '.join(allowed)}"
                self.problems.append(
                    Problem(
                        self.path,
                        self.line(key),
                        f"unknown key '{key}' in {self.what}",
                        hint,
                        warning=True,
                    )
                )

    def _missing(self, key: str, hint: str) -> None:
        self.error(None, f"{self.what} has no '{key}'", hint or f"add '{key}: ...'")
        self.failed.add(key)

    def text(
        self, key: str, required: bool = False, hint: str = "", multiline: bool = False
    ) -> str:
        """A non-empty string, as written in the file (see yamlfile: '04001' stays 04001).

        Line breaks are folded to spaces unless ``multiline``; a text of nothing but
        invisible characters counts as missing.
        """
        value = self.data.get(key)
        if isinstance(value, str) and BLANK.fullmatch(value):
            value = None
        if value is None or value == "":
            if required:
                self._missing(key, hint)
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(key, f"'{key}' must be text, not {kind(value)}", hint)
            return ""
        text = str(value).strip()
        if self._has_control(key, text):
            return ""
        if not multiline and LINE_BREAK.search(text):
            # A name or title is one line wherever it is printed; a break typed into it
            # would split a CSV row or an e-mail header.
            text = LINE_BREAK.sub(" ", text)
        return self._bidi_closed(key, text)

    def _has_control(self, key: str, text: str) -> bool:
        """Whether ``text`` holds a control character (an error, recorded here)."""
        if bad := control_character(text):
            self.error(
                key,
                f"'{key}' contains the control character U+{ord(bad):04X}",
                "remove it: such characters can rewrite a terminal or hide text",
            )
        return bool(bad)

    def _bidi_closed(self, key: str, text: str) -> str:
        """``text`` with any direction override it opens closed again at its end, and any
        closing mark that closes nothing left out, with a warning."""
        if not BIDI_CONTROL.search(text):
            return text
        closed, stray, opened = balanced_bidi(text)
        if stray:
            self.problems.append(
                Problem(
                    self.path,
                    self.line(key),
                    f"'{key}' closes a text direction control (U+{ord(stray):04X}) "
                    "that it never opened",
                    "it is left out, so it cannot set the rest of the line in the page's "
                    "direction; remove it",
                    warning=True,
                )
            )
            closed = closed.strip()  # as the field was: "Example\u2069 " is "Example"
        if opened:
            self.problems.append(
                Problem(
                    self.path,
                    self.line(key),
                    f"'{key}' opens a text direction control (U+{ord(opened):04X}) "
                    "that it does not close",
                    "it is closed at the end of the field, so it cannot reverse the text "
                    "printed after it; remove it unless the name needs it",
                    warning=True,
                )
            )
        return closed

    def choice(self, key: str, choices: tuple[str, ...], default: str) -> str:
        """One of ``choices``."""
        value = self.text(key)
        if not value:
            return default
        if value not in choices:
            hint = close_match(value, choices) or f"use one of: {', '.join(choices)}"
            self.error(key, f"'{key}' must be one of {', '.join(choices)}, not '{value}'", hint)
            return default
        return value

    def number(self, key: str, low: float, high: float) -> float | None:
        """A number between ``low`` and ``high``."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        written = value
        if isinstance(value, str):  # as written in the file, read as a number here
            value = read_number(value) if read_number(value) is not None else value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(key, f"'{key}' must be a number, not {kind(value)}")
            return None
        if not low <= value <= high:
            self.error(
                key, f"'{key}' must be between {_bound(low)} and {_bound(high)}, not {written}"
            )
            return None
        return float(value)

    def date(self, key: str, required: bool = False) -> dt.date | None:
        """A calendar date written YYYY-MM-DD."""
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                self._missing(key, "write dates as YYYY-MM-DD, e.g. 2020-02-13")
            return None
        if isinstance(value, dt.date) and not isinstance(value, BadDate):
            return value
        written = isinstance(value, str) and not isinstance(value, BadDate)
        if written and (day := read_date(value)) is not None:  # the text, read as a date
            return day
        # A list or mapping is named, not printed: through aliases it can be vast.
        shown = f"'{value}'" if isinstance(value, (str, int, float)) else kind(value)
        why = no_such_day(value)
        self.error(key, f"'{key}' is not a valid date: {shown}{why}", date_hint(value))
        return None

    def lines(self, key: str, required: bool = False) -> tuple[str, ...]:
        """Text lines: a YAML list of strings, or a block of text with one line per line."""
        value = self.data.get(key)
        if value is None or value == [] or value == "":
            if required:
                self._missing(key, f"add '{key}:' as a list of lines, one '- ' item per line")
            return ()
        if isinstance(value, str):
            found = [part.strip() for part in value.splitlines()]
        elif isinstance(value, list) and all(
            isinstance(v, (str, int)) and not isinstance(v, bool) for v in value
        ):
            found = [LINE_BREAK.sub(" ", str(v)).strip() for v in value]
        else:
            self.error(key, f"'{key}' must be a list of text lines", "one '- ' item per line")
            return ()
        kept = [part for part in found if part and not BLANK.fullmatch(part)]
        if any(self._has_control(key, part) for part in kept):
            return ()
        if isinstance(value, LineList) and value.flow:
            self._split_at_commas(key, value)
        return tuple(self._bidi_closed(key, part) for part in kept)

    def _split_at_commas(self, key: str, value: LineList) -> None:
        """Warn where ``[a, b]`` made two lines of what reads as one ('Washington', 'DC 20460')."""
        for n in range(len(value) - 1):
            first, second = str(value[n]), str(value[n + 1])
            same_line = value.item_lines[n] == value.item_lines[n + 1]
            plain = value.item_plain[n] and value.item_plain[n + 1]
            if same_line and plain and _continues(first, second):
                self.problems.append(
                    Problem(
                        self.path,
                        value.item_lines[n],
                        f"'{key}' lines '{first}' and '{second}' look like one line split at "
                        "a comma",
                        f"in [ ] every comma starts a new line: quote the line "
                        f"(\"{first}, {second}\") or write '{key}:' as a block list, "
                        "one '- ' item per line",
                        warning=True,
                    )
                )

    def email(self, key: str) -> str:
        """An e-mail address, checked for syntax only (no DNS)."""
        value = self.text(key)
        if not value:
            return ""
        reason = email_problem(value)
        if reason:
            self.error(
                key,
                f"'{key}' is not a valid e-mail address: '{value}' ({reason})",
                "write it as name@example.org, or leave the field out",
            )
            return ""
        return value

    def mapping(self, key: str, required: bool = False) -> LineDict | None:
        """A nested mapping."""
        value = self.data.get(key)
        if value is None:
            if required:
                self._missing(key, "")
            return None
        if not isinstance(value, LineDict):
            self.error(key, f"'{key}' must be a mapping of keys to values, not {kind(value)}")
            return None
        return value

    def items(self, key: str, required: bool = False) -> list[tuple[int, LineDict]]:
        """A list of mappings, each with its line; items that are not mappings are errors."""
        value = self.data.get(key)
        if value is None or value == []:
            if required:
                self._missing(key, f"add '{key}:' followed by a list of entries starting with '- '")
            return []
        if not isinstance(value, LineList):
            self.error(key, f"'{key}' must be a list of entries, not {kind(value)}")
            return []
        found = []
        for line, item in zip(value.item_lines, value, strict=True):
            if isinstance(item, LineDict):
                found.append((line, item))
            else:
                self.problems.append(
                    Problem(
                        self.path,
                        line,
                        f"each entry of '{key}' must be a mapping, not {kind(item)}",
                    )
                )
        return found


# Line breaks of every kind, with the spaces around them.
LINE_BREAK = re.compile(r"\s*[\n\r\v\f\u2028\u2029]\s*")
# White space and characters that print nothing: zero-width spaces and joiners,
# direction marks and controls, the soft hyphen, the byte-order mark.
BLANK = re.compile(f"[\\s{scripts.INVISIBLE}]*")
# The direction controls of Unicode's bidirectional algorithm (UAX #9): embeddings and
# overrides (LRE, RLE, LRO, RLO) are closed by POP DIRECTIONAL FORMATTING, isolates (LRI,
# RLI, FSI) by POP DIRECTIONAL ISOLATE.
BIDI_EMBEDDINGS, POP_FORMATTING = "\u202a\u202b\u202d\u202e", "\u202c"
BIDI_ISOLATES, POP_ISOLATE = "\u2066\u2067\u2068", "\u2069"
BIDI_OPENERS = {c: POP_FORMATTING for c in BIDI_EMBEDDINGS} | {
    c: POP_ISOLATE for c in BIDI_ISOLATES
}
BIDI_CONTROL = re.compile(f"[{''.join(BIDI_OPENERS)}{POP_FORMATTING}{POP_ISOLATE}]")
# The bidirectional classes of a letter that sets a text's direction (UAX #9, P2): True
# where it runs right to left.
_STRONG = {"L": False, "R": True, "AL": True}


def close_bidi(text: str) -> str:
    """``text`` with every direction embedding, override or isolate it leaves open closed,
    and every closing mark that closes nothing it opened left out."""
    return balanced_bidi(text)[0]


def balanced_bidi(text: str) -> tuple[str, str, str]:
    """``text`` closed as close_bidi does; the first closing mark it left out ('' if
    none), and the first direction control left open ('' if none)."""
    stack: list[tuple[str, str]] = []  # (the closing mark awaited, the control opened)
    kept: list[str] = []
    stray = ""
    for char in text:
        if char in BIDI_OPENERS:
            stack.append((BIDI_OPENERS[char], char))
        elif char == POP_FORMATTING and stack and stack[-1][0] == POP_FORMATTING:
            stack.pop()
        elif char == POP_ISOLATE and any(closer == POP_ISOLATE for closer, _ in stack):
            # A PDI closes its isolate and any embedding opened inside it.
            while stack.pop()[0] != POP_ISOLATE:
                pass
        elif char in (POP_FORMATTING, POP_ISOLATE):
            # It closes nothing here. A PDI would close the isolate a name or an address
            # line is printed in (templating.isolated), and the rest of the line would
            # run in the page's direction.
            stray = stray or char
            continue
        kept.append(char)
    closers = "".join(closer for closer, _ in reversed(stack))
    return "".join(kept) + closers, stray, stack[0][1] if stack else ""


def runs_right_to_left(text: str) -> bool:
    """Whether ``text`` runs right to left: its first letter of a direction, outside any
    isolate it holds, is right to left (as Unicode's first strong isolate decides)."""
    depth = 0
    for char in text:
        if char in BIDI_ISOLATES:
            depth += 1
        elif char == POP_ISOLATE:
            depth = max(depth - 1, 0)
        elif not depth and (strong := unicodedata.bidirectional(char)) in _STRONG:
            return _STRONG[strong]
    return False  # no letter of a direction (digits, a dash): left to right


# Unicode's control characters (category Cc) but for the line breaks and the tab:
# one regular expression, as every field of a 10,000-entry list is checked.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _bound(number: float) -> str:
    """A bound as written: '1048576', not '1.04858e+06'; '0.1'."""
    return str(int(number)) if float(number).is_integer() else f"{number:g}"


def control_character(text: str) -> str:
    """The first control character in ``text`` other than a line break or tab, or ''."""
    found = _CONTROL.search(text)
    return found.group() if found else ""


# A local part of plain ASCII words between dots (RFC 5322's dot-atom), as nearly every
# address has: valid whatever the domain, so an address with one is valid when the
# same domain is valid after any such local part and the whole stays short enough.
_DOT_ATOM = re.compile(r"[\w!#$%&'*+\-/=?^`{|}~]+(?:\.[\w!#$%&'*+\-/=?^`{|}~]+)*", re.ASCII)
_MAX_LOCAL, _MAX_ADDRESS = 64, 254  # bytes, as email_validator counts them


@functools.lru_cache(maxsize=65536)
def email_problem(value: str) -> str:
    """Why ``value`` is not an e-mail address ('' if it is one); syntax only, no DNS."""
    # Cached: an edit re-validates a whole list, and most addresses were seen a moment ago.
    local, at, domain = value.rpartition("@")
    if at and len(local) <= _MAX_LOCAL and _DOT_ATOM.fullmatch(local):
        # The domain is checked once for a list's thousands of addresses there: checking
        # it took most of the time of reading a long list. The length is checked in
        # every form email_validator checks (as written, normalised, in IDNA ASCII).
        forms = _domain_forms(domain)
        if forms and all(len(f"{local}@{d}".encode()) <= _MAX_ADDRESS for d in forms):
            return ""
    # Imported when first needed: it compiles its patterns on import (tens of ms), which
    # commands that check no address (an edit of a long list) need not wait for.
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return ""


def ascii_domain(domain: str) -> str:
    """A valid ``domain`` in the ASCII form every mail server takes (IDNA 2008: xn--...).

    '' if it is not a valid domain.
    """
    forms = _domain_forms(domain)
    return forms[2] if forms else ""


@functools.lru_cache(maxsize=4096)
def _domain_forms(domain: str) -> tuple[str, ...]:
    """The domain as written, normalised and in IDNA ASCII, if it is a valid one; else ()."""
    from email_validator import EmailNotValidError, validate_email

    try:
        found = validate_email(f"a@{domain}", check_deliverability=False)
    except EmailNotValidError:
        return ()
    return (domain, found.domain, found.ascii_domain)


_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")


def no_such_day(value: Any) -> str:
    """Why a date written YYYY-MM-DD is not a day of the calendar ('' if it is not one)."""
    match = _YMD.fullmatch(str(value).strip()) if isinstance(value, str) else None
    if not match:
        return ""
    year, month, day = (int(n) for n in match.groups())
    if not 1 <= month <= 12:
        return f": there is no month {month}"
    days = calendar.monthrange(year, month)[1] if year else 31
    if not 1 <= day <= days:
        return f": {calendar.month_name[month]} {year} has {days} days, not {day}"
    return ""


def date_hint(value: Any) -> str:
    """How to write the date right."""
    if no_such_day(value):
        return "correct the day or the month; the date is written YYYY-MM-DD"
    return "write dates as YYYY-MM-DD, e.g. 2020-02-13"


# What follows a comma inside one address line: a US state and ZIP code after the city
# ('Washington, DC 20460'), a ward or district after the street ('1-6-1 Nagata-cho,
# Chiyoda-ku'). Either alone on a line of its own is a line cut in two.
_STATE_ZIP = re.compile(r"[A-Z]{2} \d{5}(?:-\d{4})?")
_DISTRICT = re.compile(r"[^\W\d]+(?:-[^\W\d]+)+")


def _continues(first: str, second: str) -> bool:
    """Whether ``second`` reads as the rest of the line ``first`` begins."""
    if _STATE_ZIP.fullmatch(second):
        return not any(c.isdigit() for c in first)
    return bool(_DISTRICT.fullmatch(second)) and any(c.isdigit() for c in first)


def kind(value: Any) -> str:
    """A plain-words name for the YAML type of ``value``."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    if value is None:
        return "empty"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, (set, frozenset)):
        return "a set"
    return "text"
