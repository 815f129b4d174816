"""Checks that follow from a letter's language and its translations."""

from __future__ import annotations

from pathlib import Path

from campaign.errors import Problem
from campaign.model.records import Letter, Recipient, SignatureList, Translation
from campaign.paths import read_text
from campaign.text.scripts import is_latin, printed_name, script_language
from campaign.text.wording import LABELS, base_language, has_labels


def check_wording(letter: Letter, problems: list[Problem]) -> None:
    """The fixed words exist in the letter's language and in each translation's."""
    for language, line in [
        (letter.language, letter.lines.get("language", 1)),
        *((t.language, t.line) for t in letter.translations),
    ]:
        if not has_labels(language):
            problems.append(
                Problem(
                    letter.path,
                    line,
                    f"the fixed words ('Re:', 'cc:', 'Page 1 of 2') are not translated "
                    f"into '{language}' yet; they print in English",
                    f"languages with their own: {', '.join(sorted(LABELS))}",
                    warning=True,
                )
            )


def check_translations(letter: Letter, problems: list[Problem]) -> None:
    """Each translation has its text, and each text has a translation entry."""
    listed = {t.language for t in letter.translations}
    for t in letter.translations:
        body = letter.folder / f"body.{t.language}.md"
        if not body.is_file():
            there = body.is_symlink() or body.exists()  # a link to nothing, a pipe, a folder
            said = "is not a file the letter can read" if there else "is missing"
            problems.append(
                Problem(
                    letter.path,
                    t.line,
                    f"translation '{t.language}' has no text: letters/{letter.slug}/"
                    f"body.{t.language}.md {said}",
                    "write the translated letter there, or remove the translation",
                )
            )
        elif not read_text(body, encoding="utf-8", errors="replace").strip():
            problems.append(
                Problem(
                    body,
                    0,
                    f"body.{t.language}.md is empty: the '{t.language}' letters would have no text",
                    "write the translated letter there",
                    warning=True,
                )
            )
        missing = [g.key for g in letter.groups if g.key not in dict(t.headings)]
        if missing:
            problems.append(
                Problem(
                    letter.path,
                    t.line,
                    f"translation '{t.language}' has no heading for group "
                    + ", ".join(f"'{key}'" for key in missing)
                    + "; the original heading prints",
                    "add them under 'headings:', e.g. headings: {"
                    + ", ".join(f"{key}: ..." for key in missing)
                    + "}",
                    warning=True,
                )
            )
    for body in sorted(letter.folder.glob("body.*.md")):
        tag = body.name[len("body.") : -len(".md")]
        if tag not in listed:
            problems.append(
                Problem(
                    body,
                    0,
                    f"body.{tag}.md is not built: letter.yaml lists no translation '{tag}'",
                    f"add to letter.yaml:  translations: {{{tag}: {{title: ..., subject: ...}}}}",
                    warning=True,
                )
            )


def check_readings(letter: Letter, entries: SignatureList, problems: list[Problem]) -> None:
    """In a Japanese letter, a name printed in kanji needs a kana reading to sort right.

    Kanji have no alphabetical order: ICU orders them by character code, and the
    gojūon order a Japanese reader expects comes from the reading (``sort_as``).
    """
    editions = [letter.language, *(t.language for t in letter.translations)]
    if not any(base_language(language) == "ja" for language in editions):
        return
    for entry in entries.entries:
        if entry.status != "signed":
            continue
        name = printed_name(entry.name, entry.name_latin, "ja")
        if name and script_language(name[0]) == "han" and is_latin(entry.sort_as or "a"):
            problems.append(
                Problem(
                    entries.path,
                    entry.line,
                    f"'{entry.name}' is written in kanji and has no reading: in a Japanese "
                    "letter it sorts by character code, not in gojūon order",
                    "add its reading in kana, e.g. sort_as: あべ しんぞう",
                    warning=True,
                )
            )


def check_honorifics(
    language: str, path: Path, to: list[Recipient], problems: list[Problem]
) -> None:
    """A Japanese letter names its addressee with an honorific (様, 殿), given in the data."""
    if base_language(language) != "ja":
        return
    for r in to:
        if not r.honorific:
            problems.append(
                Problem(
                    path,
                    r.line,
                    f"'{r.name}' has no honorific; a Japanese letter prints one after the name",
                    "add 'honorific: 様' (or 殿, 御中 for an organisation)",
                    warning=True,
                )
            )


def check_salutations(
    t: Translation, path: Path, recipients: list[Recipient], problems: list[Problem]
) -> None:
    """recipients.yaml's salutations are not used by a translation that has no recipients file."""
    for r in recipients:
        if r.salutation:
            problems.append(
                Problem(
                    path,
                    r.line,
                    f"translation '{t.language}' greets '{r.name}' with its own default "
                    f"salutation, not '{r.salutation}'",
                    f"to choose it, write recipients.{t.language}.yaml with the salutation "
                    "in that language",
                    warning=True,
                )
            )


def check_same_people(
    path: Path,
    original: tuple[list[Recipient], list[Recipient]],
    translated: tuple[list[Recipient], list[Recipient]],
    problems: list[Problem],
) -> None:
    """A translation's recipients file names as many addressees and copies as the original."""
    for role, ours, theirs in zip(("to", "cc"), original, translated, strict=True):
        if len(ours) != len(theirs):
            problems.append(
                Problem(
                    path,
                    1,
                    f"'{role}' lists {len(theirs)} people here and {len(ours)} in "
                    "recipients.yaml; someone would get the letter in one language only",
                    "list the same people, in the same order, in both files",
                    warning=True,
                )
            )


def check_file_names(path: Path, recipients: list[Recipient], problems: list[Problem]) -> None:
    """A name in another script without name_latin gets a file name spelt by ICU."""
    from campaign.text.names import slugify

    for r in recipients:
        if not r.name_latin and not is_latin(r.name):
            problems.append(
                Problem(
                    path,
                    r.line,
                    f"'{r.name}' has no name_latin; their files are named "
                    f"'{slugify(r.name)}.pdf', spelt by machine",
                    "add 'name_latin:' with the name in Latin letters",
                    warning=True,
                )
            )
