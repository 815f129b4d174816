"""Loading a workspace's letters and lists, and checking them together, in one pass."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

from campaign.checks.fonts import check_letter, check_list, check_recipients
from campaign.checks.language import (
    check_file_names,
    check_honorifics,
    check_readings,
    check_salutations,
    check_same_people,
    check_translations,
    check_wording,
)
from campaign.checks.lint import lint_loaded
from campaign.compose.bundle import LetterBundle
from campaign.compose.signatures import signature_block
from campaign.errors import CampaignError, Problem
from campaign.load.records import (
    check_duplicates,
    default_envelope,
    load_letter,
    load_recipients,
    load_settings,
    load_signature_list,
)
from campaign.load.replies import load_log
from campaign.load.schema import close_match
from campaign.load.workspace import Workspace
from campaign.model.records import (
    Letter,
    Recipient,
    Signatory,
    SignatureList,
    Translation,
)

# How a signature list is read: its path and where its problems go, to the list or
# None. load_signature_list reads the file's text; a command may give one that takes a
# reading kept for the same bytes (lists/listfile.py's read_list, a layer above).
ReadList = Callable[[Path, list[Problem]], SignatureList | None]


def _read_whole(path: Path, problems: list[Problem]) -> SignatureList | None:
    return load_signature_list(path, problems, allow_empty=True)


def load_letters(
    workspace: Workspace,
    slugs: list[str] | None = None,
    sending: bool = False,
    read_list: ReadList = _read_whole,
) -> tuple[list[LetterBundle], list[Problem]]:
    """Load and cross-check the given letters (all by default); every problem at once.

    ``sending``: the letters are about to go out, so what a draft may still lack
    (a group nobody has signed in yet) is an error. ``read_list`` reads each list.
    """
    problems: list[Problem] = []
    settings = load_settings(workspace.root / "campaign.yaml", problems)
    chosen = slugs or workspace.slugs()
    if not chosen:
        problems.append(
            Problem(workspace.root / "letters", 0, "no letters found", "run 'campaign new SLUG'")
        )
    lists: dict[str, tuple[SignatureList | None, bool]] = {}
    bundles = []
    for slug in chosen:
        folder = workspace.root / "letters" / slug
        if not os.path.lexists(folder / "letter.yaml"):
            known = ", ".join(workspace.slugs()) or "none"
            raise CampaignError(
                f"no letter '{slug}' in {workspace.root / 'letters'} (letters: {known})"
            )
        before = _errors(problems)
        letter = load_letter(folder, settings, problems)
        to, cc = load_recipients(folder, problems)
        if letter is None:
            continue
        _check_template(workspace, letter, problems)
        check_letter(letter, [*to, *cc], problems)
        check_file_names(folder / "recipients.yaml", [*to, *cc], problems)
        load_log(folder, tuple(r.name for r in (*to, *cc)), problems)  # replies, events
        check_wording(letter, problems)
        check_translations(letter, problems)
        check_honorifics(letter.language, folder / "recipients.yaml", to, problems)
        addressed = _translation_recipients(letter, to, cc, problems)
        entries, list_ok = _signature_list(workspace, letter, lists, problems, read_list)
        if entries is not None:
            _check_groups(letter, entries, problems, sending)
            check_readings(letter, entries, problems)
        if (letter.list_name and not list_ok) or _errors(problems) > before:
            lint_loaded(letter, to, entries, None, problems)
            continue  # reported; a letter with errors is never rendered
        # Without 'signatories:' the block is empty: no list prints, the count is 0.
        listed = entries.entries if entries is not None else ()
        block = signature_block(listed, letter.groups, letter.as_of, letter.language)
        lint_loaded(letter, to, entries, block, problems)
        bundle = LetterBundle(workspace.root, settings, letter, tuple(to), tuple(cc), block)
        editions = tuple(
            _edition(bundle, t, listed, addressed.get(t.language)) for t in letter.translations
        )
        bundles.append(dataclasses.replace(bundle, editions=editions))
    return bundles, sorted(set(problems), key=_order)


def _check_template(workspace: Workspace, letter: Letter, problems: list[Problem]) -> None:
    names = workspace.template_names()
    if letter.template not in names:
        problems.append(
            Problem(
                letter.path,
                letter.lines.get("template", 1),
                f"unknown template '{letter.template}'",
                f"available templates: {', '.join(names)}",
            )
        )


def _signature_list(
    workspace: Workspace,
    letter: Letter,
    lists: dict[str, tuple[SignatureList | None, bool]],
    problems: list[Problem],
    read_list: ReadList = _read_whole,
) -> tuple[SignatureList | None, bool]:
    """The letter's list (loaded once per run) and whether it is free of errors."""
    name = letter.list_name
    if not name:
        return None, False
    if name not in lists:
        folder = workspace.root / "signatories"
        path = folder / f"{name}.yaml"
        known = sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []
        # A name, not a path: '../../x' or '/home/x' would read a list of another
        # workspace (or any YAML file) into this letter.
        if Path(name).name != name or name.startswith(".") or "\\" in name:
            stem = Path(name.replace("\\", "/")).name.removesuffix(".yaml")
            problems.append(
                Problem(
                    letter.path,
                    letter.lines["signatories.list"],
                    f"signatories: list: '{name}' is a path; a letter uses a list of its "
                    "own workspace, by its name in signatories/ without .yaml",
                    close_match(stem, known)
                    or f"lists in this workspace: {', '.join(known) or 'none'}",
                )
            )
            lists[name] = (None, False)
        elif not os.path.lexists(path):
            problems.append(
                Problem(
                    letter.path,
                    letter.lines["signatories.list"],
                    f"unknown signature list '{name}': there is no signatories/{name}.yaml",
                    f"lists in this workspace: {', '.join(known) or 'none'}",
                )
            )
            lists[name] = (None, False)
        else:
            before = _errors(problems)
            loaded = read_list(path, problems)
            if loaded is not None:
                check_duplicates(loaded, problems)
                check_list(loaded, problems)
            lists[name] = (loaded, _errors(problems) == before)
    return lists[name]


def _translation_recipients(
    letter: Letter, to: list[Recipient], cc: list[Recipient], problems: list[Problem]
) -> dict[str, tuple[tuple[Recipient, ...], tuple[Recipient, ...]]]:
    """Each translation's own recipients (recipients.ja.yaml), checked like the original's.

    A translation without a file of its own uses recipients.yaml (see ``_edition``).
    """
    folder = letter.folder
    addressed = {}
    for t in letter.translations:
        path = folder / f"recipients.{t.language}.yaml"
        if not os.path.lexists(path):  # a pipe there is read, and said, not passed over
            check_honorifics(t.language, folder / "recipients.yaml", to, problems)
            check_salutations(t, folder / "recipients.yaml", [*to, *cc], problems)
            continue
        own_to, own_cc = load_recipients(folder, problems, path.name)
        unread = {p.path for p in problems if p.line == 0 and not p.warning}
        if {path, folder / "recipients.yaml"} & unread:
            continue  # said where it could not be read, not compared as if it listed nobody
        people = [*own_to, *own_cc]
        check_honorifics(t.language, path, own_to, problems)
        check_recipients(path, people, problems)
        check_file_names(path, people, problems)
        check_same_people(path, (to, cc), (own_to, own_cc), problems)
        addressed[t.language] = (tuple(own_to), tuple(own_cc))
    return addressed


def edition_envelope(letter: Letter, language: str) -> str:
    """A translation goes in the letter's envelope if letter.yaml names one, else its own."""
    return (
        letter.envelope if "envelope" in letter.lines else default_envelope(letter.paper, language)
    )


def _edition(
    bundle: LetterBundle,
    t: Translation,
    entries: tuple[Signatory, ...],
    addressed: tuple[tuple[Recipient, ...], tuple[Recipient, ...]] | None,
) -> LetterBundle:
    """The letter as translated into ``t.language``: its words, text, headings and order."""
    letter = bundle.letter
    headings = dict(t.headings)
    translated = dataclasses.replace(
        letter,
        language=t.language,
        title=t.title,
        subject=t.subject,
        short_title=t.short_title,
        closing=t.closing,
        groups=tuple(
            dataclasses.replace(g, heading=headings.get(g.key, g.heading)) for g in letter.groups
        ),
        translations=(),
        body_file=f"body.{t.language}.md",
        edition=t.language,
        parallel=t.parallel,
        envelope=edition_envelope(letter, t.language),
        signers=tuple(
            dataclasses.replace(s, name=name or s.name, title=title or s.title)
            for s, (name, title) in zip(letter.signers, t.signers or _same(letter), strict=True)
        ),
    )
    block = signature_block(entries, translated.groups, letter.as_of, t.language)
    if addressed is None:
        # recipients.yaml's salutations are in the original's language: each
        # translation greets in its own ("Dear ..." would open a Japanese letter).
        to = tuple(dataclasses.replace(r, salutation="") for r in bundle.to)
        cc = tuple(dataclasses.replace(r, salutation="") for r in bundle.cc)
    else:
        to, cc = addressed
    return dataclasses.replace(
        bundle, letter=translated, to=to, cc=cc, signatures=block, original=bundle
    )


def _same(letter: Letter) -> tuple[tuple[str, str], ...]:
    """Every signer as letter.yaml gives them (a translation that translates none)."""
    return tuple(("", "") for _ in letter.signers)


def _errors(problems: list[Problem]) -> int:
    return sum(1 for p in problems if not p.warning)


def _order(problem: Problem) -> tuple[str, int, str]:
    return (str(problem.path), problem.line, problem.message)


def _check_groups(
    letter: Letter, entries: SignatureList, problems: list[Problem], sending: bool
) -> None:
    printed = {g.key for g in letter.groups}
    used = {e.group for e in entries.entries}
    for entry in entries.entries:
        if entry.group and entry.group not in printed:
            problems.append(
                Problem(
                    entries.path,
                    entry.line,
                    f"signatory '{entry.name}' is in group '{entry.group}', "
                    f"which letter '{letter.slug}' does not print",
                    close_match(entry.group, printed)
                    or f"add '{entry.group}' to the groups in letters/{letter.slug}/letter.yaml, "
                    f"or use one of: {', '.join(sorted(printed))}",
                )
            )
    for spec in letter.groups:
        if spec.key not in used:
            # A draft fills its groups as people sign; a letter going out must not print
            # a heading with nobody under it.
            problems.append(
                Problem(
                    letter.path,
                    spec.line,
                    f"group '{spec.key}' has no signatories in {entries.path.name}"
                    + ("" if sending else " yet"),
                    f"groups used in the list: {', '.join(sorted(used)) or 'none'}"
                    + ("" if sending else "; the letter cannot be sent until it has some"),
                    warning=not sending,
                )
            )
