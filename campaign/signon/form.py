"""The sign-on form: its fields, their limits, and reading what a visitor sent.

Every text goes through the rules the YAML loader applies to a list's fields
(load/schema.py): no control characters, line breaks folded to spaces, direction
overrides closed at the field's end, and a text of nothing but invisible
characters counts as empty.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from campaign.load.schema import (
    BLANK,
    LINE_BREAK,
    close_bidi,
    control_character,
    email_problem,
)
from campaign.mail.send import mailbox

if TYPE_CHECKING:
    from campaign.signon.letter import LetterPage

# Each field and the most characters it may hold (a name of 200 characters prints on
# two lines; an e-mail address is at most 254 by RFC 5321).
LIMITS = {
    "csrf_token": 100,
    "name": 200,
    "kind": 20,
    "affiliation": 300,
    "country": 8,
    "email": 254,
    "group": 200,
    "print_consent": 10,
    "contact_consent": 10,
    "homepage": 200,
}
FIELDS = tuple(LIMITS)
EMPTY = dict.fromkeys(FIELDS, "")
# The form's word for each type, and the list's.
KINDS = {"individual": "individual", "organisation": "organization"}


@dataclass
class Read:
    """What a form sent: the values to store, or an error message per field."""

    values: dict[str, Any]
    errors: dict[str, str]


def shown(raw: dict[str, str]) -> dict[str, str]:
    """The values to fill the form in with again (cut to their limits)."""
    return {name: raw.get(name, "")[: LIMITS[name]] for name in FIELDS if name != "csrf_token"}


def field_text(value: str) -> tuple[str, str]:
    """``value`` by the loader's rules, and the error key if it breaks one ('' if not)."""
    if control_character(value):
        return "", "signon_error_control"
    text = LINE_BREAK.sub(" ", value).strip()
    if BLANK.fullmatch(text):
        return "", ""
    return close_bidi(text).strip(), ""  # a closing mark left out may leave a space


def read(raw: dict[str, str], page: LetterPage, words: dict[str, str]) -> Read:
    """Check every field of a submission; all errors at once."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in FIELDS:
        if len(raw.get(name, "")) > LIMITS[name]:
            errors[name] = words["signon_error_long"].format(limit=LIMITS[name])
    texts: dict[str, str] = {}
    for name in ("name", "affiliation", "email"):
        text, bad = field_text(raw.get(name, ""))
        if bad and name not in errors:
            errors[name] = words[bad]
        texts[name] = text
    if not texts["name"] and "name" not in errors:
        errors["name"] = words["signon_error_required"]
    email = texts["email"]
    if "email" not in errors:
        if not email:
            errors["email"] = words["signon_error_required"]
        elif email_problem(email):
            errors["email"] = words["signon_error_email"]
    kind = KINDS.get(raw.get("kind", ""))
    if kind is None and "kind" not in errors:
        errors["kind"] = words["signon_error_choice"]
    country = raw.get("country", "")
    if country and country not in page.country_names and "country" not in errors:
        errors["country"] = words["signon_error_choice"]
    group = raw.get("group", "")
    if group not in page.group_keys and "group" not in errors:
        errors["group"] = words["signon_error_choice"]
    if raw.get("print_consent") != "yes" and "print_consent" not in errors:
        errors["print_consent"] = words["signon_error_consent"]
    if errors:
        return Read({}, errors)
    values = {
        "name": texts["name"],
        "kind": kind,
        "affiliation": texts["affiliation"],
        "country": country,
        "email": email,
        "mailbox": mailbox(email),
        "grp": group,
        "contact_consent": raw.get("contact_consent") == "yes",
    }
    return Read(values, {})
