"""Turn the workspace's YAML files into model records, collecting every problem."""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from campaign.errors import Problem
from campaign.load.enclosures import load_enclosures
from campaign.load.schema import Fields, entry_called, kind
from campaign.load.signers import load_signers
from campaign.load.yamlfile import (
    LineDict,
    NotStreamed,
    collector_paused,
    load_yaml,
    parse_yaml,
    stream_entries,
)
from campaign.model import fields as table
from campaign.model.limits import KEYS as LIMIT_KEYS
from campaign.model.limits import Limits
from campaign.model.records import (
    PARALLEL,
    SECURITIES,
    SIGNON_KEYS,
    VARIANTS,
    GroupSpec,
    Letter,
    Recipient,
    Sender,
    Settings,
    Signatory,
    SignatureList,
    Signer,
    SignonSettings,
    Smtp,
    Translation,
)
from campaign.paper.envelopes import WINDOWS
from campaign.paper.sizes import PAPERS
from campaign.text.names import fold
from campaign.text.wording import base_language

SIGNATORY_KEYS = table.SIGNATORY_KEYS  # the order new entries are written in
RECIPIENT_KEYS = table.RECIPIENT_KEYS
LETTER_KEYS = (
    "title", "short_title", "subject", "date", "language", "template", "paper", "envelope",
    "signatories", "signers", "closing", "translations", "max_pages", "enclosures",
)  # fmt: skip
TRANSLATION_KEYS = (
    "title", "short_title", "subject", "closing", "headings", "parallel", "signers",
)  # fmt: skip


def _top_mapping(
    path: Path,
    problems: list[Problem],
    required: bool,
    nodes: list[Any] | None = None,
    raw: bytes | None = None,
) -> LineDict | None:
    if raw is None and not os.path.lexists(path):  # a link to nothing is read, and said
        if required:
            problems.append(Problem(path, 0, "file is missing"))
        return None
    data = load_yaml(path, problems, nodes, raw)
    if data is None:
        if not problems or problems[-1].path != path:
            problems.append(Problem(path, 1, "file is empty"))
        return None
    if not isinstance(data, LineDict):
        problems.append(
            Problem(path, 1, f"the file must hold a mapping of keys to values, not {kind(data)}")
        )
        return None
    return data


def check_language(fields: Fields, key: str, default: str) -> str:
    """A language tag babel knows, such as en-US, fr or ja."""
    value = fields.text(key) or default
    if not _known_language(value):
        fields.error(
            key, f"unknown language '{value}'", "use a tag such as en-US, en-GB, fr, ja or ko"
        )
        return default
    return value


def load_settings(path: Path, problems: list[Problem]) -> Settings:
    """Read ``campaign.yaml`` (optional)."""
    data = _top_mapping(path, problems, required=False)
    if data is None:
        return Settings()
    f = Fields(data, path, problems, "campaign.yaml")
    f.known(("sender", "language", "paper", "pdf_variant", "smtp", "limits", "signon"))
    sender = None
    if (raw := f.mapping("sender")) is not None:
        s = Fields(raw, path, problems, "sender")
        s.known(("name", "address", "email", "website", "place"))
        sender = Sender(
            name=s.text("name", required=True),
            address=s.lines("address"),
            email=s.email("email"),
            website=s.text("website"),
            place=s.text("place"),
        )
    smtp = Smtp()
    if (raw_smtp := f.mapping("smtp")) is not None:
        smtp = _smtp(Fields(raw_smtp, path, problems, "smtp"))
    return Settings(
        sender=sender,
        language=check_language(f, "language", "en-US"),
        paper=f.choice("paper", tuple(PAPERS), "a4"),
        pdf_variant=f.choice("pdf_variant", VARIANTS, ""),
        smtp=smtp,
        limits=_limits(f),
        signon=_signon(f),
    )


def _signon(f: Fields) -> SignonSettings:
    """``signon:``: the rate limits and link lifetimes of the sign-on page."""
    raw = f.mapping("signon")
    if raw is None:
        return SignonSettings()
    s = Fields(raw, f.path, f.problems, "signon")
    s.known(SIGNON_KEYS)
    default = SignonSettings()

    def whole(key: str, low: int, high: int, given: int) -> int:
        value = s.number(key, low, high)
        if value is not None and not value.is_integer():
            s.error(key, f"'{key}' must be a whole number, not {value:g}")
            return given
        return given if value is None else int(value)

    return SignonSettings(
        per_address=whole("per_address", 0, 1_000_000, default.per_address),
        per_email=whole("per_email", 0, 1_000_000, default.per_email),
        confirm_days=whole("confirm_days", 1, 365, default.confirm_days),
        withdraw_days=whole("withdraw_days", 1, 36_500, default.withdraw_days),
        proxies=whole("proxies", 0, 10, default.proxies),
        line=f.line("signon"),
    )


def _limits(f: Fields) -> Limits:
    """``limits:`` for filling in templates and laying out PDFs (see limits.py)."""
    default = Limits()
    raw = f.mapping("limits")
    if raw is None:
        return default
    limits = Fields(raw, f.path, f.problems, "limits")
    limits.known(LIMIT_KEYS)
    day = 24 * 3600.0
    # Below this, WeasyPrint cannot lay out the example letter in Japanese (measured:
    # 100 MB is enough, 90 is not); 128 leaves room for other fonts.
    memory = limits.number("pdf_memory_mb", 128, 1024 * 1024)
    return Limits(
        template_seconds=limits.number("template_seconds", 0.1, day) or default.template_seconds,
        pdf_seconds=limits.number("pdf_seconds", 0.1, day) or default.pdf_seconds,
        pdf_memory_mb=int(memory) if memory else default.pdf_memory_mb,
    )


def _smtp(f: Fields) -> Smtp:
    if "password" in f.data:
        f.error(
            "password",
            "the SMTP password must not be stored in the workspace",
            "remove it; set CAMPAIGN_SMTP_PASSWORD, or type it when 'campaign send' asks",
        )
    f.known(("host", "port", "security", "username", "from", "per_minute", "ca_file", "password"))
    # A relative file is the workspace's, wherever the command is run from (-C).
    ca_file = f.text("ca_file")
    if ca_file:
        try:
            ca_file = str(Path(f.path).parent.absolute() / Path(ca_file).expanduser())
        except RuntimeError:  # '~someone/ca.pem' of a user this machine does not know
            f.error(
                "ca_file",
                f"'ca_file' starts with {ca_file.split('/')[0]!r}, a home folder that "
                "cannot be found",
                "write the file's folder out in full, or relative to campaign.yaml",
            )
            ca_file = ""
    return Smtp(
        host=f.text("host"),
        port=int(f.number("port", 1, 65535) or 0),
        security=f.choice("security", SECURITIES, "starttls"),
        username=f.text("username"),
        sender=f.email("from"),
        per_minute=f.number("per_minute", 0.1, 100000) or 30.0,
        ca_file=ca_file,
        line=f.line(),
    )


def load_letter(folder: Path, settings: Settings, problems: list[Problem]) -> Letter | None:
    """Read ``letters/<slug>/letter.yaml``; None if it is not even a mapping.

    A letter with errors is still returned, so that its list and groups can be
    checked in the same pass; the caller knows from ``problems`` not to render it.
    """
    path = folder / "letter.yaml"
    data = _top_mapping(path, problems, required=True)
    if data is None:
        return None
    f = Fields(data, path, problems, "letter.yaml")
    f.known(LETTER_KEYS)
    paper = f.choice("paper", tuple(PAPERS), settings.paper)
    language = check_language(f, "language", settings.language)
    envelope = f.choice("envelope", tuple(WINDOWS), default_envelope(paper, language))
    if WINDOWS[envelope].paper != paper:
        f.error(
            "envelope",
            f"envelope '{envelope}' is for {WINDOWS[envelope].paper} paper, not {paper}",
            f"use envelope: {PAPERS[paper].envelope}, or paper: {WINDOWS[envelope].paper}",
        )
    date = f.date("date", required=True) or dt.date.min
    list_name, as_of, groups = "", date, tuple[GroupSpec, ...]()
    failed_in_list: set[str] = set()
    sig = f.mapping("signatories")  # optional: without it the letter prints no list
    if sig is not None:
        s = Fields(sig, path, problems, "signatories")
        s.known(("list", "as_of", "groups"))
        list_name = s.text("list", required=True, hint="name a file in signatories/, without .yaml")
        as_of = s.date("as_of") or date
        groups = tuple(_groups(s, path, problems))
        failed_in_list = s.failed
    signers = load_signers(f, folder)
    letter = Letter(
        slug=folder.name,
        path=path,
        title=f.text("title", required=True),
        short_title=f.text("short_title"),
        subject=f.text("subject", required=True, hint="add 'subject: ...', printed after 'Re:'"),
        date=date,
        language=language,
        template=f.text("template") or "joint-letter",
        paper=paper,
        envelope=envelope,
        list_name=list_name,
        as_of=as_of,
        groups=groups,
        closing=f.text("closing"),
        translations=_translations(f, language, groups, signers),
        max_pages=int(f.number("max_pages", 1, 10000) or 0),
        signers=signers,
        enclosures=load_enclosures(f, folder),
        lines={key: data.line_of(key) for key in data}
        | {
            "signatories.list": _sub_line(data, "list"),
            "signatories.as_of": _sub_line(data, "as_of"),
        },
        failed=frozenset(f.failed | {f"signatories.{key}" for key in failed_in_list}),
    )
    return letter


def default_envelope(paper: str, language: str) -> str:
    """The envelope a letter goes in unless letter.yaml says: its paper's, for its language."""
    return PAPERS[paper].default_envelope(base_language(language))


def _translations(
    f: Fields, language: str, groups: tuple[GroupSpec, ...], signers: tuple[Signer, ...] = ()
) -> tuple[Translation, ...]:
    """``translations:``: per language, the words of letter.yaml in that language."""
    found: list[Translation] = []
    raw = f.mapping("translations")
    if raw is None:
        return ()
    keys = [g.key for g in groups]
    for tag in raw:
        line = raw.line_of(tag)
        entry = raw[tag]
        tag = str(tag)
        if not isinstance(entry, LineDict):
            f.problems.append(
                Problem(f.path, line, f"translation '{tag}' must be a mapping, not {kind(entry)}")
            )
            continue
        t = Fields(entry, f.path, f.problems, f"translation '{tag}'")
        t.known(TRANSLATION_KEYS)
        if not _known_language(tag) or base_language(tag) == base_language(language):
            why = "the letter is already in that language" if _known_language(tag) else ""
            f.problems.append(
                Problem(
                    f.path,
                    line,
                    f"'{tag}' under translations is not another language"
                    + (f": {why}" if why else ""),
                    f"use a language tag such as ja, ko, fr or de; its text goes in body.{tag}.md",
                )
            )
            continue
        if tag.lower() in ("to", "cc", "mail") or base_language(tag) in {
            base_language(done.language) for done in found
        }:
            f.problems.append(
                Problem(
                    f.path,
                    line,
                    f"translation '{tag}' cannot have a folder of its own in build/: "
                    + (
                        f"build/<slug>/{tag}/ holds the letters"
                        if tag.lower() in ("to", "cc", "mail")
                        else "the letter has a translation into that language already"
                    ),
                    "one translation per language; write a region, e.g. to-TO, for Tongan",
                )
            )
            continue
        headings = []
        if (given := t.mapping("headings")) is not None:
            h = Fields(given, f.path, f.problems, f"headings of translation '{tag}'")
            h.known(keys)
            headings = [(key, h.text(key)) for key in keys if h.text(key)]
        found.append(
            Translation(
                language=tag,
                title=t.text("title", required=True, hint=f"the letter's title in '{tag}'"),
                subject=t.text("subject", required=True, hint=f"the subject line in '{tag}'"),
                short_title=t.text("short_title"),
                closing=t.text("closing"),
                headings=tuple(headings),
                parallel=t.choice("parallel", PARALLEL, ""),
                signers=_translated_signers(t, tag, signers),
                line=line,
            )
        )
    return tuple(found)


def _translated_signers(
    t: Fields, tag: str, signers: tuple[Signer, ...]
) -> tuple[tuple[str, str], ...]:
    """A translation's ``signers:``: each signer's name and title in its language, in order."""
    items = t.items("signers")
    if not items:
        return ()
    if len(items) != len(signers):
        t.error(
            "signers",
            f"translation '{tag}' has an entry for {len(items)} of the letter's "
            f"{len(signers)} signers",
            "give one entry per signer of the letter, in the same order "
            "(a '- title: ...' for each; leave out what stays as it is)",
        )
        return ()
    found = []
    for _, raw in items:
        s = Fields(raw, t.path, t.problems, f"a signer of translation '{tag}'")
        s.known(("name", "title"))
        found.append((s.text("name"), s.text("title")))
    return tuple(found)


def _known_language(tag: str) -> bool:
    try:
        Locale.parse(tag.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return False
    return True


def _sub_line(data: LineDict, key: str) -> int:
    sig = data.get("signatories")
    return (
        sig.line_of(key)
        if isinstance(sig, LineDict) and key in sig
        else data.line_of("signatories")
    )


def _groups(s: Fields, path: Path, problems: list[Problem]) -> list[GroupSpec]:
    found: list[GroupSpec] = []
    for line, raw in s.items("groups", required=True):
        g = Fields(raw, path, problems, "group")
        g.known(("key", "heading"))
        key = g.text("key", required=True, hint="the value signatories use in their 'group:'")
        heading = g.text("heading", required=True, hint="the heading printed above the group")
        if key in {spec.key for spec in found}:
            problems.append(Problem(path, line, f"group '{key}' is listed twice"))
        elif key:
            found.append(GroupSpec(key, heading, line))
    return found


def load_recipients(
    folder: Path, problems: list[Problem], name: str = "recipients.yaml"
) -> tuple[list[Recipient], list[Recipient]]:
    """Read ``letters/<slug>/recipients.yaml``: the addressees and the people in cc.

    A translation can have its own, ``recipients.<lang>.yaml``: titles and addresses
    written in that language.
    """
    path = folder / name
    data = _top_mapping(path, problems, required=True)
    if data is None:
        return [], []
    f = Fields(data, path, problems, name)
    f.known(("to", "cc"))
    to = [_recipient(raw, "to", line, path, problems) for line, raw in f.items("to", required=True)]
    cc = [_recipient(raw, "cc", line, path, problems) for line, raw in f.items("cc")]
    return to, cc


def _recipient(
    raw: LineDict, role: str, line: int, path: Path, problems: list[Problem]
) -> Recipient:
    f = Fields(raw, path, problems, entry_called(raw, "recipient", f"'{role}' entry"))
    f.known(RECIPIENT_KEYS)
    return Recipient(role=role, line=line, **read_fields(f, table.RECIPIENT))


# The collector paused while the entries are read from the parse: none is garbage, and
# the parse's nodes are alive until they all are (yamlfile.collector_paused).
@collector_paused()
def load_signature_list(
    path: Path,
    problems: list[Problem],
    *,
    text: str | None = None,
    allow_empty: bool = False,
    nodes: list[Any] | None = None,
    raw: bytes | None = None,
) -> SignatureList | None:
    """Read ``signatories/<list>.yaml`` (or ``text`` about to be written there).

    With ``nodes``, the parsed document's root node is appended to it (see load_yaml);
    ``raw``, the file's bytes as the caller read them, are read as the file is.
    """
    if text is None:
        data = _top_mapping(path, problems, required=True, nodes=nodes, raw=raw)
    else:
        data = parse_yaml(text, path, problems, nodes)
        if data is None and not allow_empty and not problems:
            problems.append(Problem(path, 1, "file is empty"))
        elif data is not None and not isinstance(data, LineDict):
            problems.append(Problem(path, 1, f"the file must hold a mapping, not {kind(data)}"))
            data = None
    if data is None:
        return SignatureList(path.stem, path, ()) if allow_empty and not problems else None
    f = Fields(data, path, problems, path.name)
    f.known(("signatories",))
    entries = []
    shared: dict[Any, Any] = {}
    for line, item in f.items("signatories", required=not allow_empty):
        entries.append(read_signatory(item, line, path, problems, shared))
    return SignatureList(path.stem, path, tuple(entries))


def stream_signature_list(
    path: Path, text: str, problems: list[Problem], placed: Callable[[Any, Any, bool], None]
) -> SignatureList:
    """``load_signature_list`` of ``text``, its entries read one at a time.

    ``placed`` is told where each entry stands, in order (yamlfile.stream_entries).
    Raises NotStreamed for a text of another shape and for a list with an error: a
    whole read says its errors, in the order it always has.
    """
    entries: list[Signatory] = []
    shared: dict[Any, Any] = {}
    found: list[Problem] = []

    def each(item: LineDict, start: Any, last: Any, flow: bool) -> None:
        said = len(found)
        # The line f.items gives an entry read whole: where it starts.
        entries.append(read_signatory(item, start.line + 1, path, found, shared))
        if any(not p.warning for p in found[said:]):
            raise NotStreamed  # at once: the rest would be read twice
        placed(start, last, flow)

    stream_entries(text, "signatories", each)
    problems.extend(found)
    return SignatureList(path.stem, path, tuple(entries))


_SHARED = (str, dt.date)  # the types of value read_signatory shares between entries


def read_signatory(
    item: LineDict,
    line: int,
    path: Path,
    problems: list[Problem],
    shared: dict[Any, Any] | None = None,
) -> Signatory:
    """One entry of a sign-on list, its fields and the rules between them checked.

    With ``shared``, a value equal to one an entry before had (a group, a country, a
    day) is that entry's object: one object for all, however long the list.
    """
    s = Fields(item, path, problems, entry_called(item, "signatory", "signatory"))
    s.known(SIGNATORY_KEYS)
    values = read_fields(s, table.SIGNATORY)
    if shared is not None:
        for key, value in values.items():
            # Texts and days only (no two of which are equal), a name being its own.
            if key != "name" and type(value) in _SHARED:
                values[key] = shared.setdefault(value, value)
    entry = Signatory(line=line, **values)
    if entry.withdrawn is not None and entry.status != "withdrawn" and "status" not in s.failed:
        # Who withdrew never prints: a day of withdrawal beside 'signed' must not print them.
        s.error(
            "withdrawn",
            f"{s.what} withdrew on {entry.withdrawn.isoformat()}, but its status is "
            f"'{entry.status}'",
            "write 'status: withdrawn'; if they signed again, take out 'withdrawn'",
        )
    return entry


# Each table's fields in the order problems are told (_told_order), by the table's id,
# and what its reader gives each optional field an entry leaves out (read_fields).
_ORDERS: dict[int, tuple[tuple[table.Field, ...], tuple[table.Field, ...], dict[str, Any]]] = {}


def _told_order(fields: tuple[table.Field, ...]) -> tuple[tuple[table.Field, ...], dict[str, Any]]:
    """The required fields first, then the choices, then the rest; and the values left out.

    The order in which an entry's problems have always been told; sorted once per table,
    not once per entry of a long list (kept by identity: hashing the fields costs more).
    """
    kept = _ORDERS.get(id(fields))
    if kept is None or kept[0] is not fields:
        order = sorted(fields, key=lambda spec: (not spec.required, spec.kind != table.CHOICE))
        kept = _ORDERS[id(fields)] = (fields, tuple(order), {})
    return kept[1], kept[2]


def read_fields(f: Fields, fields: tuple[table.Field, ...]) -> dict[str, Any]:
    """The value of every field of a table, each read as its kind is; problems recorded."""
    values: dict[str, Any] = {}
    order, left_out = _told_order(fields)
    data = f.data
    for spec in order:
        key = spec.key
        if key not in data and key in left_out:
            # An optional field left out reads the same in every entry (no problem, a
            # value of its kind's nothing): learnt from the first entry that left it out,
            # not read again in each of a long list's 10,000 (a third of their reading).
            values[key] = left_out[key]
            continue
        if spec.kind == table.CHOICE:
            if spec.required and key not in data:
                f.error(None, f"{f.what} has no '{key}'", spec.missing)
            values[key] = f.choice(key, spec.choices, spec.default)
        elif spec.kind == table.DATE:
            values[key] = f.date(key, required=spec.required)
        elif spec.kind == table.EMAIL:
            values[key] = f.email(key)
        elif spec.kind == table.LINES:
            values[key] = f.lines(key, required=spec.required)
        else:
            multiline = spec.kind == table.NOTE
            values[key] = f.text(key, spec.required, spec.missing, multiline=multiline)
        if key not in data and not spec.required:
            left_out[key] = values[key]
    return values


def check_duplicates(
    entries: SignatureList, problems: list[Problem], before: Iterable[Signatory] | None = None
) -> None:
    """The same person or organisation twice (withdrawn entries aside) would print twice.

    A rule of the whole list, not of one entry: ``check`` reads it, and so does every
    edit before it writes (lists/listfile.py), giving the entries ``before`` it: then
    only a name or address the edit gives to one more entry is told, as one the list
    held twice already is check's to tell (and dedupe's to merge).
    """
    # Each name folded once: an edit's check reads the list before it and after it, the
    # same names but for the edit's (a 10,000-entry list for each 'sig add').
    folded: dict[str, str] = {}
    held = Counter(key for entry in before or () for key, _ in _identities(entry, folded))
    keyed = [(entry, _identities(entry, folded)) for entry in entries.entries]
    now = Counter(key for _, keys in keyed for key, _ in keys)
    seen: dict[str, int] = {}
    for entry, keys in keyed:
        for key, what in keys:
            if key in seen and (before is None or now[key] > max(held[key], 1)):
                problems.append(
                    Problem(
                        entries.path,
                        entry.line,
                        f"'{entry.name}' has the same {what} as the signatory on line {seen[key]}",
                        "keep one entry, or mark the older one 'status: withdrawn'",
                    )
                )
                break
            seen.setdefault(key, entry.line)


def _identities(entry: Signatory, folded: dict[str, str]) -> list[tuple[str, str]]:
    """The keys no two entries may share, each with what it is: names and e-mail address.

    ``folded``: each name's fold, as far as worked out (filled in here).
    """
    if entry.status == "withdrawn":
        return []
    # A name in its own script and in Latin letters: either may be someone else's.
    names = dict.fromkeys(
        folded.get(name) or folded.setdefault(name, fold(name))
        for name in (entry.name, entry.name_latin)
        if name
    )
    keys = [(f"name:{name}", "name") for name in names if name]
    if entry.email:
        keys.append((f"email:{entry.email.casefold()}", "e-mail address"))
    return keys
