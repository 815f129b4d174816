"""``campaign notify``: a message to each signer of a letter, with their consent only.

A message is a template, ``letters/<slug>/messages/NAME.txt.j2`` (else the letter
template's ``messages/NAME.txt.j2``; an optional ``.html.j2`` beside it), filled in
with plain data: the signer's public fields and their line exactly as the list
prints it, the letter, the counts, the log of replies. Its first lines may say
``Subject:`` and ``Attach: letter`` (the letter as its first addressee got it) or
``Attach: signatories`` (signatories.pdf). Every message ends with a line telling
the signer how to hear no more. Who is mailed, once, with dry run, --resume,
--limit and --test-to, is the sending policy's (policy.py), as for ``send``.
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import escape

from campaign.build.plan import LetterPlan
from campaign.compose.plaindata import plain
from campaign.compose.signatures import is_printed, public_signatory
from campaign.compose.templating import TemplateFailed, load_template, render, source_template
from campaign.errors import CampaignError, Problem, ProblemsFound, shown
from campaign.files import git
from campaign.lists.edit import OnList
from campaign.lists.listfile import entry_record
from campaign.load.catalog import BUILTIN_TEMPLATES, chain, part_names
from campaign.load.records import load_recipients, load_signature_list
from campaign.load.replies import load_log
from campaign.load.schema import close_match
from campaign.mail.policy import Options, Say, mail_built
from campaign.mail.send import (
    NOT_ASCII,
    Outgoing,
    SendLog,
    control_message,
    header_control,
    letter_id,
    sendable,
)
from campaign.model.records import Signatory
from campaign.paths import read_text
from campaign.text.typography import typeset_text
from campaign.text.wording import say

MESSAGES = "messages"
ONLY = ("pending", "signed", "new-since")
LOG = "notified.jsonl"  # beside sent.jsonl: the signers' messages have their own log
ROLE = "signer"
ATTACHABLE = ("letter", "signatories")


@dataclass(frozen=True)
class Chosen:
    """Which signers a run is for: every one not withdrawn, or those ``--only`` names."""

    only: str = ""  # '' | pending | signed | new-since
    since: str = ""  # the git revision of new-since


def parse_only(value: str) -> Chosen:
    """``pending``, ``signed`` or ``new-since=REV`` (also ``new-since:REV``)."""
    word, _, since = value.replace(":", "=", 1).partition("=")
    if word not in ONLY or (word == "new-since") != bool(since.strip()):
        raise CampaignError(
            f"--only '{shown(value)}' is not one of pending, signed, new-since=REV\n"
            "  hint: new-since=REV takes a git revision of the list, e.g. new-since=HEAD~3"
        )
    return Chosen(word, since.strip())


def notify(
    plan: LetterPlan,
    message: str,
    chosen: Chosen,
    options: Options,
    environ: Mapping[str, str],
    ask_password: Callable[[str], str] | None,
    say_line: Say,
    again: str,
) -> None:
    """Mail ``message`` to the chosen signers of a checked letter who agreed to hear from us."""
    mail_built(
        plan,
        lambda: notices(plan, message, chosen),
        lambda: SendLog(plan.folder / LOG, _letter(plan, message), roles=(ROLE,)),
        options,
        environ,
        ask_password,
        say_line,
        again,
    )


def _letter(plan: LetterPlan, message: str) -> str:
    """What the log remembers a signer got: this message of this letter."""
    return f"{letter_id(plan)}#{message}"


def message_names(plan: LetterPlan) -> list[str]:
    """The messages a letter can send: its own, and those of its template's chain."""
    root, letter = plan.bundle.root, plan.bundle.letter
    folders = [letter.folder / MESSAGES]
    for name in chain(root, letter.template):
        folders += [root / "templates" / name / MESSAGES, BUILTIN_TEMPLATES / name / MESSAGES]
    return sorted(
        {p.name.removesuffix(".txt.j2") for folder in folders for p in folder.glob("*.txt.j2")}
    )


def _templates(plan: LetterPlan, message: str) -> tuple[jinja2.Template, jinja2.Template | None]:
    """The message's text template and its HTML one (if any)."""
    composer, letter = plan.composer, plan.bundle.letter
    names = message_names(plan)
    if message not in names:
        hint = close_match(message, names) or f"messages: {', '.join(names) or 'none'}"
        raise CampaignError(
            f"no message '{shown(message)}' (letters/{letter.slug}/{MESSAGES}/"
            f"{shown(message)}.txt.j2); nothing was sent\n  hint: {hint}"
        )
    own = letter.folder / MESSAGES / f"{message}.txt.j2"
    html = own.with_name(f"{message}.html.j2")
    try:
        if own.is_file():
            text = source_template(composer.env, own)
        else:
            shipped = part_names(
                chain(plan.bundle.root, letter.template), f"{MESSAGES}/{message}.txt.j2"
            )
            text = load_template(composer.env, list(shipped), composer.context)
        return text, source_template(composer.env, html) if html.is_file() else None
    except TemplateFailed as exc:
        raise ProblemsFound(exc.problems) from None


def _entries(plan: LetterPlan) -> tuple[Path, tuple[Signatory, ...]]:
    letter = plan.bundle.letter
    if not letter.list_name:
        raise CampaignError(
            f"{letter.slug} has no list of signatories (no 'signatories:' in letter.yaml); "
            "there is nobody to notify"
        )
    path = plan.bundle.root / "signatories" / f"{letter.list_name}.yaml"
    problems: list[Problem] = []
    loaded = load_signature_list(path, problems)
    if loaded is None or any(not p.warning for p in problems):
        raise ProblemsFound(problems)
    return path, loaded.entries


def _since(root: Path, path: Path, revision: str) -> OnList:
    """The entries of the list at git ``revision``, to tell the new ones."""
    relative = path.relative_to(root).as_posix()
    try:
        committed = git.show(root, revision, relative)
        if committed is None:
            raise git.GitError(f"{relative} is not in that commit")
        shown_text = committed.decode("utf-8-sig")
    except (git.GitError, UnicodeDecodeError) as exc:
        hint = getattr(exc, "hint", "") or (
            "the workspace must be a git repository, and REV a commit that has the list"
        )
        raise CampaignError(
            f"new-since={shown(revision)}: git cannot show {relative} at that revision "
            f"({shown(str(exc))})\n  hint: {hint}"
        ) from None
    problems: list[Problem] = []
    old = load_signature_list(path, problems, text=shown_text, allow_empty=True)
    return OnList(list(old.entries) if old else [])


def _selected(
    plan: LetterPlan, path: Path, entries: tuple[Signatory, ...], chosen: Chosen
) -> list[Signatory]:
    as_of = plan.bundle.letter.as_of
    if chosen.only == "pending":
        return [e for e in entries if e.status == "pending"]
    if chosen.only == "signed":
        return [e for e in entries if is_printed(e, as_of)]
    live = [e for e in entries if e.status != "withdrawn"]
    if chosen.only == "new-since":
        before = _since(plan.bundle.root, path, chosen.since)
        return [e for e in live if before.find(entry_record(e)) is None]
    return live


# Why an entry gets no message, in the order a run reports them: consent first.
WITHDRAWN, OPTED_OUT, REFUSED, UNASKED, NO_ADDRESS, UNWRITTEN = (
    "withdrawn", "opted out", "contact: no", "no consent recorded (contact: yes)",
    "no e-mail address", f"an address with {NOT_ASCII} (no message can be written to it)",
)  # fmt: skip
REASONS = (WITHDRAWN, OPTED_OUT, REFUSED, UNASKED, NO_ADDRESS, UNWRITTEN)


def why_not(entry: Signatory) -> str:
    """Why ``entry`` gets no message ('' if it does): consent first, then an address."""
    if entry.status == "withdrawn":
        return WITHDRAWN
    if entry.optout:
        return OPTED_OUT
    if entry.contact == "no":
        return REFUSED
    if entry.contact != "yes":
        return UNASKED
    if not entry.email:
        return NO_ADDRESS
    if not sendable(entry.email):
        return UNWRITTEN
    return ""


def notices(plan: LetterPlan, message: str, chosen: Chosen) -> tuple[list[Outgoing], list[str]]:
    """The messages to the chosen signers who may be mailed, and who is skipped, by reason."""
    text_template, html_template = _templates(plan, message)
    path, entries = _entries(plan)
    composer, bundle = plan.composer, plan.bundle
    letter = bundle.letter
    language = letter.language
    # Wrapped as the starter messages wrap their text, for plain-text mail.
    optout = textwrap.fill(
        say(composer.labels, "message_optout", title=letter.title),
        72,
        break_long_words=False,
        break_on_hyphens=False,
    )
    problems: list[Problem] = []
    to, cc = load_recipients(letter.folder, problems)
    replies = load_log(letter.folder, tuple(r.name for r in (*to, *cc)), problems)
    base = composer.context | {
        "optout": optout,
        "replies": plain([{"date": r.date, "sender": r.sender, "text": r.text} for r in replies]),
    }
    skipped: dict[str, list[str]] = {}
    items: list[Outgoing] = []
    first: dict[str, Signatory] = {}
    sender_name = bundle.settings.sender.name if bundle.settings.sender else ""
    for entry in _selected(plan, path, entries, chosen):
        if why := why_not(entry):
            skipped.setdefault(why, []).append(entry.name)
            continue
        public = public_signatory(entry, language)
        signer = {
            "name": public.name,
            "type": public.type,
            "affiliation": public.affiliation,
            "country": public.country,
            "group": public.group,
            "signed": public.signed,
            "line": public.line,
            "status": entry.status,
            "printed": is_printed(entry, letter.as_of),
        }
        context = base | {"signer": plain(signer)}
        try:
            text = render(text_template, context)
            html = render(html_template, context) if html_template else ""
        except TemplateFailed as exc:
            problems.extend(exc.problems)
            continue
        headers, body = _headers(text)
        subject = headers.get("subject") or letter.subject
        attach = headers.get("attach", "")
        where = (Path(text_template.filename or message), 1)
        file = None
        if attach:
            file = _attachment(plan, attach, where, problems)
        parts = [(where[0], body)]
        if html_template:
            parts.append((Path(html_template.filename or message), html))
        for part, said in parts:
            if "[TODO" in said:
                problems.append(
                    Problem(
                        part,
                        _line_of(part, "[TODO"),
                        f"the message '{message}' still says [TODO: ...]",
                        "write the message in its place before sending it",
                    )
                )
        # Every message says how to hear no more, in each part: a mail program shows
        # the HTML one, where there is one.
        if optout not in body:
            body = body.rstrip("\n") + "\n\n-- \n" + optout + "\n"
        if html and optout not in html and escape(optout) not in html:
            html = _with_optout(html, escape(optout))
        subject, body = (typeset_text(t, language) for t in (subject, body))
        if bad := header_control(subject):
            problems.append(Problem(*where, f"the subject {control_message(subject, bad)}"))
        if bad := header_control(entry.name):
            problems.append(
                Problem(path, entry.line, f"the name {control_message(entry.name, bad)}")
            )
        item = Outgoing(
            ROLE, entry.name, entry.email, file, subject, body, html, sender_name,
            _letter(plan, message),
        )  # fmt: skip
        if item.key in first:
            other = first[item.key]
            problems.append(
                Problem(
                    path,
                    entry.line,
                    f"'{entry.name}' has the same e-mail address as '{other.name}' "
                    f"(line {other.line}); the log could not tell their messages apart",
                    "give each their own address, or take one out with contact: no",
                )
            )
            continue
        first[item.key] = entry
        items.append(item)
    if any(not p.warning for p in problems):
        raise ProblemsFound(sorted(set(problems), key=lambda p: (str(p.path), p.line)))
    return items, [_skipped(why, skipped[why]) for why in REASONS if why in skipped]


def _with_optout(html: str, optout: str) -> str:
    """``html`` with the opt-out line at its end, inside its body if it has one."""
    line = f"\n<hr>\n<p>{optout}</p>\n"
    end = html.lower().rfind("</body>")
    if end < 0:
        return html.rstrip("\n") + line
    return html[:end].rstrip("\n") + line + html[end:]


def _skipped(why: str, names: list[str]) -> str:
    shown_names = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    people = f"{len(names)} signer{'s' if len(names) != 1 else ''}"
    return f"{people}, {why}: {shown_names}"


def _headers(text: str) -> tuple[dict[str, str], str]:
    """The 'Subject:' and 'Attach:' lines the message starts with, and the rest.

    Blank lines before them are passed over: a comment or a ``{% set %}`` on a line of
    its own leaves one, and the headers must not become the first lines of the text.
    """
    headers: dict[str, str] = {}
    lines = text.split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines:
        key, colon, value = lines[0].partition(":")
        if not colon or key.strip().lower() not in ("subject", "attach"):
            break
        headers[key.strip().lower()] = value.strip()
        lines.pop(0)
    return headers, "\n".join(lines).lstrip("\n")


def _attachment(
    plan: LetterPlan, attach: str, where: tuple[Path, int], problems: list[Problem]
) -> Path | None:
    """The built PDF 'Attach:' names: the letter as its first addressee got it, or the list."""
    if attach == "signatories" and plan.bundle.letter.list_name:
        return plan.folder / "signatories.pdf"
    pieces = [p for p in plan.composer.pieces if p.role == "to"]
    if attach == "letter" and pieces:
        return plan.folder / pieces[0].file
    problems.append(
        Problem(
            *where,
            f"'Attach: {attach}' names no PDF this letter builds",
            f"write 'Attach: letter' or 'Attach: signatories' ({', '.join(ATTACHABLE)})",
        )
    )
    return None


def _line_of(path: Path, text: str) -> int:
    """The first line of ``path`` holding ``text`` (1 if none: the message as a whole)."""
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for number, line in enumerate(read_text(path, "utf-8-sig").splitlines(), start=1):
            if text in line:
                return number
    return 1
