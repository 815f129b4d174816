"""Letter lint: what is valid but probably wrong in a draft, reported as warnings by ``check``.

Placeholders still to fill, counts typed into the text, dates that contradict each
other, groups that print nobody, addressees greeted by the default salutation, names
a body uses that no letter defines, and letters longer than their page limit.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from campaign.compose.signatures import SignatureBlock
from campaign.errors import Problem
from campaign.model.records import Letter, Recipient, Signatory, SignatureList
from campaign.paths import read_text
from campaign.text.wording import labels_for

if TYPE_CHECKING:  # compose needs the workspace, which runs the lint of loaded files
    import jinja2

    from campaign.compose.composer import Composer

# What `campaign new` writes where the user has to write: "[TODO: the subject]".
PLACEHOLDER = re.compile(r"\[TODO\b[^\]\n]*\]")

# A number typed before a word for those who sign: "54 organizations", "over 1,200
# individual signatories". Commas or dots group thousands; a year is not a count.
_COUNT = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:[,.\u202f\u00a0]\d{3})+|\d+)\s+(?:[^\W\d]+[ -]){0,3}?"
    r"(signator|organi[sz]ation|individual|ngos?\b|groups?\b|signer|undersigned|"
    r"people|persons|organismes?|organisationen|organizaciones|firmantes|signataires|"
    r"unterzeichne)\w*(?:\s+(?:signator|signer)\w*)?",
    re.IGNORECASE,
)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)


def _warn(problems: list[Problem], path: Path, line: int, message: str, hint: str = "") -> None:
    problems.append(Problem(path, line, message, hint, warning=True))


def check_placeholders(paths: Iterable[Path], problems: list[Problem]) -> None:
    """Every ``[TODO: ...]`` left in a letter's files or its list, one warning each."""
    for path in paths:
        if not path.is_file():
            continue
        try:
            text = read_text(path, encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # reported by the loader that reads it
        if "[TODO" not in text:
            continue  # most files: a long list is not then read line by line
        if path.suffix == ".md":  # a Jinja comment is not printed, so it need not be filled
            text = re.sub(
                r"\{#.*?#\}", lambda m: re.sub(r"[^\n]", " ", m.group()), text, flags=re.S
            )
        for number, line in enumerate(text.splitlines(), start=1):
            if path.suffix != ".md" and line.lstrip().startswith("#"):
                continue  # a YAML comment
            for found in PLACEHOLDER.finditer(line):
                _warn(problems, path, number, f"placeholder still to fill: {found.group()}")


def letter_files(letter: Letter) -> list[Path]:
    """The files of a letter's folder that the user writes: YAML and Markdown."""
    folder = letter.folder
    return sorted(
        p for p in folder.iterdir() if p.is_file() and p.suffix in (".yaml", ".yml", ".md")
    )


def lint_loaded(
    letter: Letter,
    to: Iterable[Recipient],
    listing: SignatureList | None,
    block: SignatureBlock | None,
    problems: list[Problem],
) -> None:
    """The lint that needs only the loaded files: placeholders, dates, groups, greetings."""
    paths = letter_files(letter) + ([listing.path] if listing else [])
    check_placeholders(paths, problems)
    check_dates(letter, listing, dt.date.today(), problems)
    if block is not None:
        used = {e.group for e in listing.entries} if listing else set()
        check_printed_groups(letter, block, used, problems)
    check_greetings(letter, letter.folder / "recipients.yaml", to, problems)


def lint_composed(
    composer: Composer, problems: list[Problem], count_pages: Callable[[Composer], int] | None
) -> None:
    """The lint that needs the composed letter: names, typed counts and (given a way to count
    its pages, which takes a layout and so the PDF layer) its length."""
    bundle = composer.bundle
    letter = bundle.letter
    path = letter.folder / letter.body_file
    check_empty_body(path, problems)
    check_names(composer.env, path, composer.body_names, problems)
    if letter.list_name:  # without a list, a number of organizations is about something else
        check_typed_counts(path, bundle.signatures, problems)
    if count_pages is not None and letter.max_pages and composer.to:
        check_page_limit(letter, count_pages(composer), problems)


def check_empty_body(path: Path, problems: list[Problem]) -> None:
    """A body with no text (nothing, or only a comment) would print a letter without a word."""
    try:
        source = read_text(path, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return  # reported when the body is read
    if not re.sub(r"\{#.*?#\}", "", source, flags=re.S).strip():
        _warn(
            problems,
            path,
            0,
            f"{path.name} is empty: the letter would print without a text",
            "write the letter's text here, in Markdown",
        )


def check_dates(
    letter: Letter, listing: SignatureList | None, today: dt.date, problems: list[Problem]
) -> None:
    """Dates in the future, and an as-of date that disagrees with the letter's date."""
    path, lines = letter.path, letter.lines
    entries = listing.entries if listing else ()
    date = letter.date
    # A date that could not be read is already an error: comparing it would say nothing.
    unread = bool({"date", "signatories.as_of"} & letter.failed)
    if date > today and not unread:
        _warn(
            problems,
            path,
            lines.get("date", 1),
            f"the letter is dated {date}, which is still to come (today is {today})",
            "correct the date, or keep it if the letter goes out on that day",
        )
    if "signatories" not in lines:
        return
    if not unread:
        _compare_as_of(letter, entries, problems)
    for entry in entries:
        if listing and entry.signed and entry.signed > today:
            _warn(
                problems,
                listing.path,
                entry.line,
                f"'{entry.name}' signed on {entry.signed}, a day still to come",
                "correct the date (YYYY-MM-DD)",
            )


def _compare_as_of(letter: Letter, entries: Iterable[Signatory], problems: list[Problem]) -> None:
    """An as-of date after the letter's, or one that leaves out who signed in between."""
    path, lines = letter.path, letter.lines
    date, as_of = letter.date, letter.as_of
    as_of_line = lines.get("signatories.as_of", lines.get("signatories", 1))
    if as_of > date:
        _warn(
            problems,
            path,
            as_of_line,
            f"signatures are counted as of {as_of}, after the letter's date {date}",
            f"set as_of to {date} or earlier: the letter cannot list who signed after it",
        )
    elif as_of < date:
        late = [
            e for e in entries if e.status == "signed" and e.signed and as_of < e.signed <= date
        ]
        if late:
            _warn(
                problems,
                path,
                as_of_line,
                f"{_count(len(late), 'signature')} dated after as_of ({as_of}) and no later than "
                f"the letter's date ({date}) {'is' if len(late) == 1 else 'are'} left out",
                f"set as_of to {date} to print them, or keep {as_of} if the list closed then",
            )


def check_printed_groups(
    letter: Letter, block: SignatureBlock, used: set[str], problems: list[Problem]
) -> None:
    """A group whose members are all withdrawn, pending or later than as_of prints empty."""
    for spec, group in zip(letter.groups, block.groups, strict=True):
        if not group.members and spec.key in used:  # no entry at all: said when loading
            _warn(
                problems,
                letter.path,
                spec.line,
                f"group '{spec.key}' prints no signatories as of {block.as_of}: everyone in it "
                "is withdrawn, pending or signed later",
                "remove the group from letter.yaml, or move as_of to a later date",
            )


def check_greetings(
    letter: Letter, path: Path, to: Iterable[Recipient], problems: list[Problem]
) -> None:
    """Addressees without a salutation get the language's default, which names them in full.

    Only where the default greets by name ('Dear Shinzo Abe,'); a Japanese letter's
    default 拝啓 is what such a letter says anyway.
    """
    labels = labels_for(letter.language)
    default = labels.get("salutation", "")
    if "{name}" not in default:
        return
    for r in to:
        if r.name and not r.salutation:
            example = default.format(name=r.name)
            _warn(
                problems,
                path,
                r.line,
                f"addressee '{r.name}' has no salutation, so the letter opens '{example}'",
                # The example in the letter's own language: the salutation is written in it.
                "add 'salutation: ...' as you would greet them, "
                f"e.g. '{labels.get('salutation_example', 'Dear Prime Minister,')}'",
            )


def check_typed_counts(path: Path, block: SignatureBlock, problems: list[Problem]) -> None:
    """A count of signatories typed into the text that the list no longer bears out."""
    try:
        source = read_text(path, encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return
    # Jinja is blanked out (newlines kept), so computed counts are never mistaken for typed ones.
    text = _JINJA.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), source)
    counts = {block.count, *(g.count for g in block.groups)}
    for found in _COUNT.finditer(text):
        value = int(re.sub(r"\D", "", found.group(1)))
        if value in counts or (1900 <= value <= 2100 and found.group(1).isdigit()):
            continue
        line = text.count("\n", 0, found.start()) + 1
        phrase = " ".join(found.group().split())
        _warn(
            problems,
            path,
            line,
            f"'{phrase}' is typed into the text, but the letter prints "
            f"{_count(block.count, 'signatory', 'signatories')}",
            "write {{ signatories.count }} (or signatories.group.KEY.count) to keep it true",
        )


def check_names(
    env: jinja2.Environment, path: Path, known: Iterable[str], problems: list[Problem]
) -> None:
    """Names a body uses that the letter does not define, even in a branch not taken today."""
    import jinja2  # here: the sign-on list commands load letters but never templates
    from jinja2 import meta, nodes

    from campaign.compose.templating import unknown_name

    try:
        tree = env.parse(read_text(path, encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, jinja2.TemplateSyntaxError):
        return  # reported when the body is compiled
    # Jinja's own scoping says which names the body takes from outside: 'loop' inside a
    # for, a macro's own name and parameters, 'caller' and what {% set %} made are not.
    undeclared = meta.find_undeclared_variables(tree) - set(known) - set(env.globals)
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name in undeclared:
            message, hint = unknown_name(name.name, jinja2.utils.missing, sorted(known))
            problems.append(Problem(path, name.lineno, message, hint))


def check_page_limit(letter: Letter, pages: int, problems: list[Problem]) -> None:
    """A letter that runs longer than the ``max_pages`` its letter.yaml allows."""
    if letter.max_pages and pages > letter.max_pages:
        _warn(
            problems,
            letter.path,
            letter.lines.get("max_pages", 1),
            f"the letter{_edition(letter)} runs to {pages} pages; max_pages is {letter.max_pages}",
            "shorten the text, or raise max_pages",
        )


def _edition(letter: Letter) -> str:
    return f" ({letter.edition})" if letter.edition else ""


def _count(n: int, word: str, plural: str = "") -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"
