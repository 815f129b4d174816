"""Every field of a signatory and of a recipient, declared once, in one table each.

A record class here is its table: each field is one entry saying its type, who may
see it, whether it prints, its export column, the headings ``sig import`` reads into
it, what dedupe does with it, its ``sig add`` option and its help. The loader, the
public record, the exports, the import, dedupe, ``sig add``, the font check and the
docs' field tables are derived from these tables, so a new field is one entry here
(and its test). May import nothing above model.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import KW_ONLY, dataclass
from typing import Any, TypeVar, dataclass_transform

STATUSES = ("pending", "signed", "withdrawn")
TYPES = ("individual", "organization")

# The kinds of field, each read and written its own way.
TEXT = "text"  # one line of text: a line break typed into it becomes a space
NOTE = "note"  # text of several lines
CHOICE = "choice"  # one of a few words
DATE = "date"  # a calendar day, YYYY-MM-DD
EMAIL = "email"  # an e-mail address, its syntax checked
LINES = "lines"  # a list of text lines (an address)

# What each kind is in Python (as annotated on the record) and when not given.
_PYTHON = {
    TEXT: "str", NOTE: "str", CHOICE: "str", EMAIL: "str", DATE: "dt.date | None",
    LINES: "tuple[str, ...]",
}  # fmt: skip
_EMPTY: dict[str, Any] = {TEXT: "", NOTE: "", CHOICE: "", EMAIL: "", DATE: None, LINES: ()}
_SPEC = "campaign.field"
_T = TypeVar("_T")


@dataclass(frozen=True)
class Field:
    """One field of a record: everything the rest of the program needs to know about it."""

    kind: str
    help: str  # one sentence for the docs and for its ``sig add`` option
    key: str = ""  # the key in YAML and the record's attribute (filled in by ``table``)
    required: bool = False  # no default: the loader says when it is missing
    missing: str = ""  # the hint when a required field is missing
    fallback: str = ""  # a required choice's value when it cannot be read
    default: Any = None  # the value when not given, or when it cannot be read (``table``)
    choices: tuple[str, ...] = ()  # a CHOICE's words
    private: bool = False  # never in any public output: only ``sig export --private``
    prints: bool = False  # printed on a letter or an envelope: the font check reads it
    published: bool = False  # in the public record templates get and build's signatories.csv
    column: str = ""  # its column in ``sig export`` (the key unless given)
    aliases: tuple[str, ...] = ()  # headings of form and spreadsheet exports read into it
    merged: bool = False  # ``sig dedupe --merge`` takes it from the fullest entry merged
    differs: str = ""  # dedupe merges only entries where it agrees; how messages name it
    option: str = ""  # its ``sig add`` option ('' for none)
    add_choices: tuple[str, ...] = ()  # the words ``sig add`` offers, when not all
    add_default: str = ""  # what ``sig add`` takes when not given ('today' for a date)

    @property
    def one_line(self) -> bool:
        """Whether the value is one line: a line break typed into it is folded to a space."""
        return self.kind not in (NOTE, LINES)

    @property
    def python_type(self) -> str:
        """The type the record's attribute has, as annotated."""
        return _PYTHON[self.kind]


def field(kind: str, help: str, *, default: Any = dataclasses.MISSING, **facts: Any) -> Any:
    """One entry of a table: a record attribute carrying its :class:`Field`.

    A field without a ``default`` is required: it may be given by position, in the
    order of the table; the others are given by name.
    """
    spec = Field(kind, help, required=default is dataclasses.MISSING, **facts)
    meta = {_SPEC: spec}
    if spec.required:
        return dataclasses.field(metadata=meta)
    return dataclasses.field(default=default, kw_only=True, metadata=meta)


@dataclass_transform(frozen_default=True, kw_only_default=True, field_specifiers=(field,))
def record(cls: type[_T]) -> type[_T]:
    """A record class whose attributes are its table: a frozen dataclass.

    (Type checkers take every field as given by name, and one without a default as
    required; at run time a required field may also be given by position.)
    """
    return dataclass(frozen=True)(cls)


@record
class Signatory:
    """One entry of a sign-on list (``signatories/<list>.yaml``), private fields included.

    The fields are in the order new entries are written in.
    """

    name: str = field(
        TEXT, "Name of the person or organisation, as printed.", prints=True, published=True,
        merged=True, option="--name",
        aliases=(
            "name", "full name", "your name", "signatory", "signatory name",
            "name of organization", "name of organisation", "organization name",
            "organisation name", "name of signatory",
        ),
    )  # fmt: skip
    name_latin: str = field(
        TEXT, "Its Latin spelling, when the name is in another script.", default="",
        prints=True, differs="the name in Latin letters", option="--name-latin",
        aliases=(
            "name latin", "name_latin", "latin name", "name in latin letters", "romanized name",
            "romanised name", "name romanized", "name romanised", "english name",
            "name in english",
        ),
    )  # fmt: skip
    type: str = field(
        CHOICE, "Whether a person or an organisation signs.", choices=TYPES,
        fallback="organization", missing="add 'type: individual' or 'type: organization'",
        published=True, merged=True, differs="the type", option="--type",
        aliases=(
            "type", "signatory type", "signing as", "are you signing as",
            "individual or organization", "individual or organisation", "kind",
            "i am signing as", "i sign as", "sign as", "signing on behalf of",
            "je signe en tant que", "je signe", "firmo como", "firmo en calidad de",
            "ich unterzeichne als", "unterzeichnet als", "署名区分", "個人 団体",
            "個人または団体", "서명 유형", "개인 단체",
        ),
    )  # fmt: skip
    affiliation: str = field(
        TEXT, "Title or affiliation, printed after the name.", default="", prints=True,
        published=True, merged=True, differs="the affiliation", option="--affiliation",
        aliases=(
            "affiliation", "title", "position", "title affiliation", "affiliation title",
            "organization", "organisation", "role",
        ),
    )  # fmt: skip
    country: str = field(
        TEXT, "Country, printed after the affiliation.", default="", prints=True,
        published=True, merged=True, differs="the country", option="--country",
        aliases=("country", "country region", "country or region", "location"),
    )  # fmt: skip
    sort_as: str = field(
        TEXT, "Alphabetical key, if not the family name (individuals).", default="",
        merged=True, differs="the sort key", option="--sort-as",
        aliases=("sort as", "sort_as", "sort key", "reading"),
    )  # fmt: skip
    group: str = field(
        TEXT, "The group key the letter prints it under.",
        missing="the key of a group the letter prints", published=True, merged=True,
        differs="the group", option="--group", aliases=("group", "list group", "section"),
    )  # fmt: skip
    signed: dt.date | None = field(
        DATE, "Day of signing.", default=None, published=True, option="--signed",
        add_default="today",
        aliases=(
            "signed", "date", "date signed", "timestamp", "submitted", "submitted at",
            "submission date", "signed on",
        ),
    )  # fmt: skip
    status: str = field(
        CHOICE, "Only signed prints; pending awaits moderation, withdrawn left the list.",
        default="signed", choices=STATUSES, option="--status", add_choices=STATUSES[:2],
        add_default="signed", aliases=("status",),
    )  # fmt: skip
    withdrawn: dt.date | None = field(
        DATE, "Day of withdrawal ('sig withdraw' sets it).", default=None,
        aliases=("withdrawn", "withdrawn on"),
    )  # fmt: skip
    email: str = field(
        EMAIL, "E-mail address. Private: never printed.", default="", private=True,
        merged=True, differs="the e-mail addresses", option="--email",
        aliases=(
            "email", "e mail", "email address", "e mail address", "your email", "contact email",
        ),
    )  # fmt: skip
    phone: str = field(
        TEXT, "Phone number. Private: never printed.", default="", private=True, merged=True,
        differs="the phone numbers", option="--phone",
        aliases=("phone", "telephone", "phone number", "mobile"),
    )  # fmt: skip
    notes: str = field(
        NOTE, "Notes for the coordinators, of any length. Private: never printed.", default="",
        private=True, merged=True, option="--notes",
        aliases=("notes", "note", "comments", "comment", "message", "remarks"),
    )  # fmt: skip
    contact: str = field(
        CHOICE, "Whether the signer agreed to be mailed about the letter: only 'yes' is "
        "mailed by 'campaign notify'. Private.", default="", choices=("yes", "no"),
        private=True, option="--contact",
        aliases=(
            "contact", "consent", "contact me", "contact me about this letter",
            "may we contact you", "keep me informed",
        ),
    )  # fmt: skip
    source: str = field(
        TEXT, "Where the entry came from: 'sig add by NAME, TIME', 'sig import FILE row N, "
        "TIME', 'signon' (the sign-on page, with 'confirmed'), 'merge of ...'; written by "
        "the command that adds it, read by 'sig audit'. Private.", default="", private=True,
    )  # fmt: skip
    confirmed: str = field(
        TEXT, "When its e-mail address confirmed it (UTC, ISO 8601). Private.", default="",
        private=True,
    )  # fmt: skip
    optout: dt.date | None = field(
        DATE, "The day the signer asked for no more messages ('sig optout' sets it): "
        "'campaign notify' never mails them again. Private.", default=None, private=True,
        aliases=("optout", "opt out", "opted out", "unsubscribed"),
    )  # fmt: skip
    _: KW_ONLY
    line: int = 0  # where the entry starts in its file


@record
class Recipient:
    """An addressee ("to") or a person in copy ("cc") of ``recipients.yaml``."""

    name: str = field(TEXT, "Name of the person, as printed.", prints=True)
    role: str  # 'to' or 'cc': the list the entry is in, not a key of its own
    name_latin: str = field(
        TEXT, "The name in Latin letters, when the name is in another script.", default="",
        prints=True,
    )  # fmt: skip
    title: str = field(
        TEXT, "Their title or office, printed under the name.", default="", prints=True
    )
    organization: str = field(
        TEXT, "Their organisation, printed under the title.", default="", prints=True
    )
    honorific: str = field(
        TEXT, "様, 殿, 귀하: after the name, where the letter's language puts one.", default="",
        prints=True,
    )  # fmt: skip
    salutation: str = field(
        TEXT, "How the letter greets them, instead of the template's greeting.", default="",
        prints=True,
    )  # fmt: skip
    address: tuple[str, ...] = field(
        LINES, "Postal address, one line per item, the country last.", prints=True
    )
    email: str = field(
        EMAIL, "E-mail address for 'campaign send'. Private: never printed.", default="",
        private=True,
    )  # fmt: skip
    _: KW_ONLY
    line: int = 0  # where the entry starts in its file


def table(record: type) -> tuple[Field, ...]:
    """The fields a record class declares, in order, each knowing its key.

    Checks what one entry could get wrong: an attribute typed other than its kind,
    a choice without its words.
    """
    found = []
    for attribute in dataclasses.fields(record):
        spec = attribute.metadata.get(_SPEC)
        if spec is None:
            continue
        if attribute.type != spec.python_type:
            raise TypeError(
                f"{record.__name__}.{attribute.name} is annotated {attribute.type}, "
                f"but a {spec.kind} field is {spec.python_type}"
            )
        if (spec.kind == CHOICE) != bool(spec.choices):
            raise TypeError(f"{record.__name__}.{attribute.name}: only a choice has choices")
        default = spec.fallback if spec.required else attribute.default
        if spec.kind == CHOICE and default not in (*spec.choices, ""):
            raise TypeError(f"{record.__name__}.{attribute.name}: its default is not a choice")
        if spec.kind != CHOICE and default not in (_EMPTY[spec.kind], ""):
            raise TypeError(f"{record.__name__}.{attribute.name}: its default must be empty")
        column = spec.column or attribute.name
        found.append(dataclasses.replace(spec, key=attribute.name, column=column, default=default))
    return tuple(found)


SIGNATORY = table(Signatory)
RECIPIENT = table(Recipient)
TABLES = {"signatory": SIGNATORY, "recipient": RECIPIENT}

SIGNATORY_KEYS = tuple(f.key for f in SIGNATORY)  # the order new entries are written in
RECIPIENT_KEYS = tuple(f.key for f in RECIPIENT)
PRIVATE_FIELDS = tuple(f.key for f in SIGNATORY if f.private)
PUBLIC_FIELDS = tuple(f.key for f in SIGNATORY if not f.private)
PUBLISHED_FIELDS = tuple(f.key for f in SIGNATORY if f.published)


def by_key(kind: str) -> dict[str, Field]:
    """A table's fields by key."""
    return {f.key: f for f in TABLES[kind]}


def printed_texts(record: Any, fields: tuple[Field, ...]) -> tuple[str, ...]:
    """The texts of ``record`` that print, in order: what the font check reads."""
    texts: list[str] = []
    for f in fields:
        if f.prints:
            value = getattr(record, f.key)
            texts.extend(value if f.kind == LINES else (value,))
    return tuple(texts)


def markdown_table(kind: str) -> str:
    """The docs' table of a record's fields, in Markdown: ``markdown_table("signatory")``.

    Columns that no field of the table fills (recipients have no ``sig add`` option)
    are left out; the docs site's hook puts the result on the page of the file.
    """
    fields = TABLES[kind]

    def words(f: Field) -> str:
        if f.kind == CHOICE:
            return " or ".join(f"`{c}`" for c in f.choices) + (
                f" (default `{f.default}`)" if f.default and not f.required else ""
            )
        return {TEXT: "text", NOTE: "text, several lines", DATE: "date, YYYY-MM-DD",
                EMAIL: "e-mail address", LINES: "list of lines"}[f.kind]  # fmt: skip

    def seen(f: Field) -> str:
        if f.private:
            return "private: never printed or published"
        return "printed" if f.prints else ("published" if f.published else "kept in the list")

    columns: list[tuple[str, Any]] = [
        ("Field", lambda f: f"`{f.key}`"),
        ("Type", words),
        ("Required", lambda f: "yes" if f.required else ""),
        ("Shown", seen),
    ]
    if kind == "signatory":
        columns += [
            ("Export column", lambda f: f"`{f.column}`" + (" (`--private`)" if f.private else "")),
            ("`sig add`", lambda f: f"`{f.option}`" if f.option else ""),
            ("`sig import` reads the headings", lambda f: ", ".join(f"“{a}”" for a in f.aliases)),
        ]
    columns.append(("What it is", lambda f: f.help))
    rows = [[str(cell(f)).replace("|", "\\|") for _, cell in columns] for f in fields]
    lines = ["| " + " | ".join(title for title, _ in columns) + " |"]
    lines.append("|" + "|".join("---" for _ in columns) + "|")
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
