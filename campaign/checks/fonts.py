"""Font preflight: characters that no installed font can draw.

WeasyPrint draws each character with the first font of the stack that has it, then
any installed font that does (fontconfig's fallback). A character no font has prints
as an empty box, and hunting for it through every font can make layout very slow;
so ``check`` names such characters before a build.
"""

from __future__ import annotations

import bisect
import functools
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from campaign.errors import Problem
from campaign.load.confine import Confined, read_confined
from campaign.model.fields import RECIPIENT, SIGNATORY, printed_texts
from campaign.model.records import Letter, Recipient, SignatureList

# Characters that are not drawn, so need no font: spaces, line breaks, joiners,
# direction marks, variation selectors.
_NOT_DRAWN = {"Zs", "Zl", "Zp", "Cc", "Cf", "Mn"}


@functools.lru_cache(maxsize=1)
def coverage() -> tuple[list[int], list[int]] | None:
    """Every code point some installed font has, as sorted (starts, ends); None if unknown."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        out = subprocess.run(
            [fc_list, "--format", "%{charset}\n"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    ranges = []
    for part in set(out.split()):  # fonts share most of their ranges: parse each once
        first, _, last = part.partition("-")
        try:
            ranges.append((int(first, 16), int(last or first, 16)))
        except ValueError:
            continue
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [r[0] for r in merged], [r[1] for r in merged]


def is_covered(char: str) -> bool:
    """Whether an installed font can draw ``char`` (True when that cannot be known)."""
    table = coverage()
    if table is None or unicodedata.category(char) in _NOT_DRAWN:
        return True
    starts, ends = table
    n = bisect.bisect_right(starts, ord(char)) - 1
    return n >= 0 and ord(char) <= ends[n]


def missing(text: str) -> list[str]:
    """The characters of ``text`` no installed font has, each once, in order."""
    if text.isascii():
        return []
    found: list[str] = []
    for char in dict.fromkeys(text):
        if not char.isascii() and not is_covered(char):
            found.append(char)
    return found


def describe(char: str) -> str:
    """'🇯' (U+1F1EF REGIONAL INDICATOR SYMBOL LETTER J)."""
    name = unicodedata.name(char, "unnamed character")
    return f"'{char}' (U+{ord(char):04X} {name})"


HINT = (
    "it would print as an empty box: install a font that has it "
    "(Debian: apt-cache search fonts-noto), or write the text without it"
)


def check_texts(path: Path, items: Iterable[tuple[int, str, str]], problems: list[Problem]) -> None:
    """Warn about each undrawable character in ``items``: (line, what, text) triples."""
    for line, what, text in items:
        chars = missing(text)
        if chars:
            listed = ", ".join(describe(c) for c in chars)
            problems.append(
                Problem(path, line, f"no installed font has {listed} in {what}", HINT, warning=True)
            )


def check_file(path: Path, problems: list[Problem]) -> None:
    """Warn about undrawable characters in a text file (body.md), line by line."""
    try:
        # Only what the letter may print: a text that leads out of its folder is not read.
        text = read_confined(path, path.parent, public=True)
    except (Confined, OSError, UnicodeDecodeError):
        return  # reported elsewhere
    check_texts(
        path,
        ((n, "the text", line) for n, line in enumerate(text.splitlines(), 1)),
        problems,
    )


def check_letter(letter: Letter, recipients: Iterable[Recipient], problems: list[Problem]) -> None:
    """Warn about undrawable characters in a letter's YAML files and its texts."""
    items = [
        (letter.lines.get(key, 1), f"'{key}'", getattr(letter, key))
        for key in ("title", "short_title", "subject", "closing")
    ]
    items += [(g.line, f"the heading of group '{g.key}'", g.heading) for g in letter.groups]
    items += [
        (s.line, f"signer '{s.name}'", text) for s in letter.signers for text in (s.name, s.title)
    ]
    for t in letter.translations:
        texts = (t.title, t.short_title, t.subject, t.closing, *(h for _, h in t.headings))
        items += [(t.line, f"translation '{t.language}'", text) for text in texts]
    check_texts(letter.path, items, problems)
    check_recipients(letter.folder / "recipients.yaml", recipients, problems)
    for body in [letter.body_file, *(f"body.{t.language}.md" for t in letter.translations)]:
        check_file(letter.folder / body, problems)


def check_recipients(path: Path, recipients: Iterable[Recipient], problems: list[Problem]) -> None:
    """Warn about undrawable characters in a recipients file."""
    check_texts(
        path,
        (
            (r.line, f"recipient '{r.name}'", text)
            for r in recipients
            for text in printed_texts(r, RECIPIENT)
        ),
        problems,
    )


def check_list(entries: SignatureList, problems: list[Problem]) -> None:
    """Warn about undrawable characters in a sign-on list's printed fields."""
    check_texts(
        entries.path,
        (
            (e.line, f"signatory '{e.name}'", text)
            for e in entries.entries
            for text in printed_texts(e, SIGNATORY)
        ),
        problems,
    )
