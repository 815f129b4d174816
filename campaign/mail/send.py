"""``campaign send``'s messages (each recipient with an e-mail address, their PDF) and SMTP.

A letter to a minister cannot be recalled, so: nothing goes out unless asked
(``--send``); each accepted message is logged at once in ``build/<slug>/sent.jsonl``,
and no run ever mails a recipient the log already names, nor anyone a stopped run
may have mailed (marked in the log before each message is handed over).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import smtplib
import ssl
import time
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any

import jinja2

from campaign.build.plan import LetterPlan
from campaign.compose.composer import Composer, PublicRecipient
from campaign.compose.templating import TemplateFailed, load_template, render, source_template
from campaign.errors import CampaignError, Problem, ProblemsFound, display_path
from campaign.files.atomic import fsync_dir
from campaign.load.schema import ascii_domain
from campaign.model import stops
from campaign.model.records import SECURITIES, Recipient, Smtp
from campaign.paths import MAX_BINARY, read_bytes, read_text
from campaign.text.typography import typeset_text

ENV = "CAMPAIGN_SMTP_"
PORTS = {"starttls": 587, "tls": 465, "none": 25}


@dataclass(frozen=True)
class Outgoing:
    """One message: who gets it, which PDF, and the text."""

    role: str  # "to" or "cc" (a letter), "signer" (a notice to a signatory)
    name: str
    email: str
    file: Path | None  # the PDF attached; None for a message without one
    subject: str
    text: str
    html: str = ""
    sender_name: str = ""  # the letterhead's name, shown with the From address
    letter: str = ""  # 'japan-hrc-2020', or 'japan-hrc-2020/ja' for a translation

    @property
    def key(self) -> str:
        """What the send log remembers: this person, getting this letter.

        Not the file: renaming a recipient renames their PDF, and must not mail them again.
        """
        return log_key(self.role, self.email, self.letter)


def log_key(role: str, email: str, letter: str) -> str:
    """The send log's key of one person (by role and address) getting one letter."""
    return f"{role}:{mailbox(email)}:{letter}"


def mailbox(email: str) -> str:
    """One spelling for every way of writing the same address.

    Case, Unicode normal forms, and a domain in Unicode or in its ASCII (punycode)
    form all reach the same mailbox; the log must know it as one, or it mails twice.
    """
    local, at, domain = unicodedata.normalize("NFC", email).rpartition("@")
    # IDNA's nameprep folds case and normal forms; punycode stays as it is. A name
    # IDNA cannot write is compared as written.
    with contextlib.suppress(UnicodeError):
        domain = domain.encode("idna").decode("ascii")
    return f"{local}{at}{domain}".casefold()


def sendable(email: str) -> str:
    """``email`` as a message is written and sent to it ('' if it cannot be).

    Its domain in ASCII (IDNA), which every mail server takes, where a domain in Unicode
    needs one with SMTPUTF8. Letters outside ASCII before the @, which the e-mail
    library cannot write into a header, make it '' (a list or a form takes them).
    """
    local, at, domain = email.rpartition("@")
    if not at or not local.isascii():
        return ""
    return f"{local}@{ascii_domain(domain) or domain}" if not domain.isascii() else email


# Why an address has no message (``sendable`` is ''), as a run reports it.
NOT_ASCII = "letters outside ASCII before the @"


def letter_id(plan: LetterPlan) -> str:
    """The letter a send log is about: its slug, and its edition for a translation."""
    letter = plan.bundle.letter
    return f"{letter.slug}/{letter.edition}" if letter.edition else letter.slug


def attached(item: Outgoing) -> str:
    """The attachment as the send log and a run's listing name it: 'to/ada.pdf', or ''."""
    return f"{item.file.parent.name}/{item.file.name}" if item.file else ""


def header_control(value: str) -> str:
    """The first character of ``value`` that must not be in a mail header, or ''."""
    # A line break in a header would start a new one (a Bcc: of the template's making);
    # other controls have no place there either.
    for char in value:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp"):
            return char
    return ""


def smtp_from_env(smtp: Smtp, environ: Mapping[str, str]) -> Smtp:
    """``campaign.yaml``'s smtp settings, overridden by CAMPAIGN_SMTP_* variables."""
    changes: dict[str, object] = {}
    for key, attr in (("HOST", "host"), ("USERNAME", "username"), ("FROM", "sender")):
        if environ.get(ENV + key):
            changes[attr] = environ[ENV + key]
    if environ.get(ENV + "SECURITY"):
        value = environ[ENV + "SECURITY"]
        if value not in SECURITIES:
            raise CampaignError(f"{ENV}SECURITY must be one of {', '.join(SECURITIES)}")
        changes["security"] = value
    for key, attr in (("PORT", "port"), ("PER_MINUTE", "per_minute")):
        if environ.get(ENV + key):
            try:
                changes[attr] = (
                    int(environ[ENV + key]) if key == "PORT" else float(environ[ENV + key])
                )
            except ValueError:
                raise CampaignError(f"{ENV}{key} must be a number") from None
    return replace(smtp, **changes)  # type: ignore[arg-type]


def outgoing(plan: LetterPlan) -> tuple[list[Outgoing], list[str]]:
    """The messages of a built letter, and the recipients left out for want of an address."""
    composer, bundle = plan.composer, plan.bundle
    folder = plan.folder
    template = bundle.letter.template
    shipped: list[str | object] = [
        f"{template}/message.txt.j2",
        f"builtin/{template}/message.txt.j2",
        "builtin/joint-letter/message.txt.j2",
    ]
    # The pieces of mail are the build's own list, so the attachments are its files.
    people: list[tuple[str, Recipient, Path, PublicRecipient]] = [
        (
            p.role,
            (bundle.to if p.role == "to" else bundle.cc)[p.index],
            folder / p.file,
            p.recipient,
        )
        for p in composer.pieces
    ]
    messages, skipped, problems = [], [], []
    recipients = bundle.letter.folder / "recipients.yaml"
    first: dict[str, Recipient] = {}  # the first recipient of each send log key
    for role, person, file, public in people:
        if not person.email:
            skipped.append(f"{person.name} ({role}): no e-mail address in recipients.yaml")
            continue
        if not sendable(person.email):
            skipped.append(
                f"{person.name} ({role}): its e-mail address has {NOT_ASCII} "
                "(no message can be written to it)"
            )
            continue
        context = composer.context | {
            "recipient": public,
            "copy": role == "cc",
            "original": composer.to[0],
            "attachment": file.name,
        }
        local_html = bundle.letter.folder / "message.html.j2"
        try:
            message = _template(composer, bundle.letter.folder / "message.txt.j2", shipped, context)
            text = render(message, context)
            html = ""
            if local_html.is_file():
                html = render(_template(composer, local_html, [], context), context)
        except TemplateFailed as exc:  # a message template's mistake: path:line, not a trace
            problems.extend(exc.problems)
            continue
        subject, body = _subject(text, bundle.letter.subject)
        # The language's typography, as on the letter's pages (l’avis, « », 20 000).
        subject, body = (typeset_text(t, bundle.letter.language) for t in (subject, body))
        sender_name = bundle.settings.sender.name if bundle.settings.sender else ""
        item = Outgoing(
            role, person.name, person.email, file, subject, body, html, sender_name, letter_id(plan)
        )
        if bad := header_control(subject):
            if text.lower().startswith("subject:"):
                where = _subject_line(message)
            else:  # no 'Subject:' line: the letter's own subject
                where = (bundle.letter.path, bundle.letter.lines.get("subject", 0))
            problems.append(Problem(*where, _control_message("subject", subject, bad), _ONE_LINE))
        if bad := header_control(person.name):
            said = _control_message("name", person.name, bad)
            problems.append(Problem(recipients, person.line, said, _ONE_LINE))
        if item.key in first:
            other = first[item.key]
            problems.append(
                Problem(
                    recipients,
                    person.line,
                    f"'{person.name}' has the same e-mail address as '{other.name}' "
                    f"(line {other.line}); the send log could not tell their letters apart",
                    "give each their own address, or leave one of them without and "
                    "send that letter by hand",
                )
            )
        first.setdefault(item.key, person)
        messages.append(item)
    if problems:
        # Each problem once: a template's subject is the same wrong for every recipient.
        raise ProblemsFound(sorted(set(problems), key=lambda p: (str(p.path), p.line)))
    return messages, skipped


_ONE_LINE = "a mail header is one line of text: take out the line break or control character"


def _control_message(field: str, value: str, bad: str) -> str:
    return f"the {field} {control_message(value, bad)}"


def control_message(value: str, bad: str) -> str:
    """'VALUE' contains U+XXXX, which a mail header cannot hold."""
    return f"'{value}' contains U+{ord(bad):04X}, which a mail header cannot hold"


def _subject_line(template: jinja2.Template) -> tuple[Path, int]:
    """Where the message template writes its 'Subject:' line."""
    path = Path(template.filename or template.name or "message.txt.j2")
    with contextlib.suppress(OSError, UnicodeDecodeError):
        for number, text in enumerate(read_text(path, "utf-8-sig").splitlines(), start=1):
            if text.lstrip().lower().startswith("subject:"):
                return path, number
    return path, 1


def _template(
    composer: Composer, local: Path, shipped: list[Any], context: dict[str, Any]
) -> jinja2.Template:
    """The letter folder's own message template, else the letter template's."""
    if local.is_file():
        return source_template(composer.env, local)
    return load_template(composer.env, shipped, context)


def _subject(text: str, default: str) -> tuple[str, str]:
    """A first line 'Subject: ...' sets the subject; the rest is the message."""
    first, _, rest = text.partition("\n")
    if first.lower().startswith("subject:"):
        return first[8:].strip() or default, rest.lstrip("\n")
    return default, text


def build_message(item: Outgoing, sender: str, test_to: str = "") -> EmailMessage:
    """The e-mail for ``item``, with its PDF attached (if it has one)."""
    message = EmailMessage()
    # The recipient sees who writes, as the letterhead names them, not a bare address.
    message["From"] = Address(display_name=item.sender_name, addr_spec=sendable(sender))
    if test_to:
        message["To"] = Address(addr_spec=sendable(test_to))
        message["Subject"] = f"[TEST] {item.subject}"
    else:
        message["To"] = Address(display_name=item.name, addr_spec=sendable(item.email))
        message["Subject"] = item.subject
    message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(item.text)
    if item.html:
        message.add_alternative(item.html, subtype="html")
    if item.file is not None:
        message.add_attachment(
            read_bytes(item.file, MAX_BINARY),
            maintype="application",
            subtype="pdf",
            filename=item.file.name,
        )
    return message


# A line's "state": a message about to be handed to the server, and one it certainly did
# not take. A line without one (or with "sent") is a message the server accepted.
SENDING, NOT_SENT, ACCEPTED = "sending", "not sent", "sent"


def log_lines(path: Path) -> Iterator[tuple[int, str]]:
    """The send log's lines that hold something, with their numbers.

    Split at line feeds alone: a server's answer kept in a line may hold a character
    Python also breaks lines at (U+2028), which would cut the line in two. A mark an
    editor put at the start (a BOM) is no part of the first line.
    """
    for number, line in enumerate(read_text(path, "utf-8-sig").split("\n"), start=1):
        if line.strip():
            yield number, line


def state_of(entry: dict[str, Any]) -> str:
    """A line's state (ACCEPTED for a line of none, as earlier logs' are); ValueError if unknown."""
    state = entry.get("state", ACCEPTED)
    if state not in (ACCEPTED, SENDING, NOT_SENT):
        raise ValueError(state)
    return str(state)


class SendLog:
    """``sent.jsonl``: a line per message the server accepted, and one before each is sent.

    A message is marked "sending" before it is handed over: once the server has the
    whole of it, it may go out whatever happens next (a kill, Ctrl+C, a connection
    lost before the answer), and a run must not send it again on a guess. A log
    still holding such a mark, with no answer after it, refuses every run until the
    user says which it was.
    """

    def __init__(self, path: Path, letter: str = "", roles: tuple[str, ...] = ("to", "cc")) -> None:
        self.path = path
        self.letter = letter
        self.roles = roles  # the roles its entries may have: another mailing has its own
        self.sent: set[str] = set()
        open_marks: dict[str, tuple[int, dict[str, Any]]] = {}
        if path.exists():
            for number, line in log_lines(path):
                try:
                    entry = json.loads(line)
                    key = self._key(entry)
                    state = state_of(entry)
                except (ValueError, KeyError, TypeError, AttributeError):
                    # A line cut short by a crash: that message may have gone; say so.
                    raise CampaignError(
                        f"{display_path(path)}:{number}: unreadable line in the send log\n"
                        "  hint: check with the mail server whether that message went out, "
                        "then fix or delete the line"
                    ) from None
                if state == SENDING:
                    open_marks[key] = (number, entry)
                    continue
                open_marks.pop(key, None)
                if state == ACCEPTED:
                    self.sent.add(key)
        if open_marks:
            number, entry = min(open_marks.values(), key=lambda mark: mark[0])
            raise CampaignError(
                f"{display_path(path)}:{number}: the message to {entry.get('name', '')} "
                f"<{entry['to']}> may have gone out: a run stopped while sending it; "
                "nothing was sent\n"
                "  hint: ask the mail server's administrator, or the recipient, whether it "
                'arrived; if it did, change "sending" to "sent" on that line; if not, delete '
                "the line"
            )

    def _key(self, entry: dict[str, Any]) -> str:
        """An entry's key, worked out from whom it went to, in any version of the log.

        Older logs keyed an entry on the PDF's name ('to:ADDRESS:FILE') and have no
        'role' or 'letter': the role is the PDF's folder, the letter this log's own.
        """
        role = entry.get("role") or entry["file"].split("/")[0]
        if role not in self.roles or not isinstance(entry["to"], str):
            raise ValueError(role)
        return log_key(role, entry["to"], entry.get("letter", self.letter))

    def _line(self, item: Outgoing, message: EmailMessage, **more: str) -> dict[str, Any]:
        return {
            **more,
            "key": item.key,
            "role": item.role,
            "letter": item.letter,
            "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "to": item.email,
            "name": item.name,
            "file": attached(item),
            "message_id": message["Message-ID"],
        }

    def sending(self, item: Outgoing, message: EmailMessage) -> None:
        """Mark ``item`` as about to be handed to the server, on disk before it is."""
        self._append(self._line(item, message, state=SENDING))

    def not_sent(self, item: Outgoing, message: EmailMessage, why: str) -> None:
        """Take the mark back: the server certainly did not take the message."""
        self._append({**self._line(item, message, state=NOT_SENT), "why": why})

    def record(self, item: Outgoing, message: EmailMessage) -> None:
        """Append one accepted message and make sure it is on disk before going on."""
        entry = self._line(item, message)
        # The PDF's hash from the message itself: what was sent, and no file read again
        # between the server's yes and its line in the log.
        pdfs = [part.get_content() for part in message.iter_attachments()]
        entry["sha256"] = hashlib.sha256(pdfs[0]).hexdigest() if item.file and pdfs else ""
        entry["message_id"] = entry.pop("message_id")  # (the order of earlier logs' lines)
        self._append(entry)
        self.sent.add(item.key)

    def _append(self, entry: dict[str, Any]) -> None:
        # A Ctrl+C (a second one, say) waits until the line is on disk: cut short, a
        # line taking a mark back was lost, and a message not sent was held as sent.
        with stops.held():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            created = not self.path.exists()
            with open(self.path, "a", encoding="utf-8") as log:
                log.write(json.dumps(entry, ensure_ascii=False) + "\n")
                log.flush()
                os.fsync(log.fileno())
            if created:  # a new file's name is on disk only once its folder is
                fsync_dir(self.path.parent)


class _EndWatch:
    """Whether the message being sent may be whole on the server: its closing '.' line begun.

    smtplib hands the whole message to one ``send`` call. It is sent here in two: all
    but the closing line, then, once ``ended`` says so, that line. Without those three
    bytes the server cannot take the message, so a stop before them (a Ctrl+C, which
    Python raises even after the last byte of a send went out) is a message not sent;
    from them on, it may have gone, whatever answer is lost after.
    """

    _CLOSING = b".\r\n"

    def __init__(self, server: smtplib.SMTP) -> None:
        self.ended = False
        self.answered = False  # a reply with a code read after the closing line
        self._heard = False  # a reply read after it, whatever it was
        self._send = server.send
        self._reply = server.getreply
        server.send = self._sent  # type: ignore[method-assign,assignment]
        server.getreply = self._replied  # type: ignore[method-assign]

    def start(self) -> None:
        """A new message: nothing of it sent, nothing answered."""
        self.ended = self.answered = self._heard = False

    def _replied(self) -> tuple[int, bytes]:
        # Only the first reply after the closing line is the message's: smtplib sends an
        # RSET after a refusal, whose "250" says nothing of it.
        first, self._heard = self.ended and not self._heard, self._heard or self.ended
        code, text = self._reply()
        if first:
            # smtplib says -1 for a reply without a code, and raises its own 500 for one
            # too long to read: neither is the server's answer to the message.
            self.answered = 200 <= code <= 599
        return code, text

    def _sent(self, data: Any) -> None:
        if not (isinstance(data, bytes) and data.endswith(b"\r\n" + self._CLOSING)):
            self._send(data)
            return
        self._send(data[: -len(self._CLOSING)])
        self.ended = True
        self._send(self._CLOSING)


@dataclass
class Report:
    """What a sending run did."""

    sent: list[Outgoing] = field(default_factory=list)
    refused: list[tuple[Outgoing, str]] = field(default_factory=list)
    stopped: str = ""  # why the run stopped early ('' if it did not)


def check_server(smtp: Smtp) -> None:
    """Refuse settings no message could be sent with (checked before anything is done)."""
    if not smtp.host:
        raise CampaignError(
            "no mail server: set smtp.host in campaign.yaml or CAMPAIGN_SMTP_HOST; nothing was sent"
        )


@functools.cache
def tls(ca_file: str) -> ssl.SSLContext:
    """The TLS settings that check the mail server's certificate, made once per process.

    Making them reads the system's certificate authorities (or, in their place, those
    of ``ca_file``): about 20 ms of CPU. The sign-on page's mail worker connects for
    each batch of e-mails it sends, and made them for every batch (and for plain SMTP,
    which uses none): a tenth of a CPU at 300 sign-ons a second. A CA file changed on
    disk is read when the worker starts again.
    """
    return ssl.create_default_context(cafile=ca_file or None)


def _tls_of(smtp: Smtp) -> ssl.SSLContext:
    """``tls(smtp.ca_file)``, or an error naming the CA file that cannot be used.

    Made before connecting: a missing or unreadable file is the workspace's mistake,
    not the mail server's, and no connection is opened (and left open) for it.
    """
    try:
        return tls(smtp.ca_file)
    except ssl.SSLError:  # read, but no certificate in it (before OSError: it is one)
        why = "it holds no certificate in PEM form (-----BEGIN CERTIFICATE-----)"
    except IsADirectoryError:
        why = "it is a folder, not a file"
    except FileNotFoundError:
        why = "no such file"
    except OSError as exc:
        why = exc.strerror or str(exc)
    if not smtp.ca_file:
        raise CampaignError(f"cannot read the system's certificate authorities: {why}")
    raise CampaignError(
        f"cannot use smtp.ca_file {display_path(Path(smtp.ca_file))}: {why}\n"
        "  hint: name a PEM file of the mail server's certificate authority (a relative"
        " name is read from campaign.yaml's folder), or remove ca_file to trust the system's"
    )


def connect(smtp: Smtp, password: str) -> smtplib.SMTP:
    """An SMTP connection, secured as configured, logged in if a user name is set."""
    check_server(smtp)
    port = smtp.port or PORTS[smtp.security]
    context = _tls_of(smtp) if smtp.security in ("tls", "starttls") else None
    try:
        server: smtplib.SMTP
        if smtp.security == "tls":
            server = smtplib.SMTP_SSL(smtp.host, port, context=context, timeout=60)
        else:
            server = smtplib.SMTP(smtp.host, port, timeout=60)
            if smtp.security == "starttls":
                server.starttls(context=context)
        if smtp.username:
            server.login(smtp.username, password)
    except smtplib.SMTPAuthenticationError as exc:
        raise CampaignError(
            f"the mail server refused the login: {exc.smtp_code} {_text(exc.smtp_error)}"
        ) from None
    except (OSError, smtplib.SMTPException) as exc:
        raise CampaignError(f"cannot reach the mail server {smtp.host}:{port}: {exc}") from None
    return server


def _text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw


def send_all(
    items: list[Outgoing],
    smtp: Smtp,
    password: str,
    sender: str,
    log: SendLog | None,
    on_sent: Callable[[Outgoing], None],
    test_to: str = "",
    sleep: Callable[[float], None] = time.sleep,
) -> Report:
    """Send each message in turn, at most ``smtp.per_minute`` a minute.

    A recipient the server refuses is reported and the run goes on; a lost
    connection stops the run (what was accepted is in the log).
    """
    report = Report()
    if not items:
        return report
    server = connect(smtp, password)
    watch = _EndWatch(server)
    gap = 60.0 / smtp.per_minute
    last = 0.0

    def not_sent(item: Outgoing, message: EmailMessage, why: str) -> None:
        if log is not None:
            log.not_sent(item, message, why)

    polite = False  # whether to say goodbye: not after a stop in the middle of a message
    with stops.as_ctrl_c():
        try:
            for item in items:
                wait = last + gap - time.monotonic()
                if last and wait > 0:
                    sleep(wait)
                message = build_message(item, sender, test_to)
                watch.start()
                try:
                    if log is not None:
                        log.sending(item, message)
                except BaseException:  # stopped, or the disk full, while marking: not sent
                    with contextlib.suppress(OSError):
                        not_sent(item, message, "the run stopped before sending it")
                    raise
                try:
                    server.send_message(message)
                except smtplib.SMTPRecipientsRefused as exc:
                    reason = "; ".join(
                        f"{code} {_text(text)}" for code, text in exc.recipients.values()
                    )
                    not_sent(item, message, reason)
                    report.refused.append((item, reason))
                    continue
                except smtplib.SMTPResponseException as exc:  # an answer: it was not taken
                    said = f"{exc.smtp_code} {_text(exc.smtp_error)}"
                    if watch.ended and not watch.answered:  # unless it could not be read
                        report.stopped = (
                            f"the mail server's answer to the message to {item.name} "
                            f"<{item.email}> could not be read ({said}); it may have gone out"
                        )
                        break
                    not_sent(item, message, said)
                    if exc.smtp_code >= 500:
                        report.refused.append((item, said))
                        _reset(server)
                        continue
                    report.stopped = f"the server answered {said}"
                    break
                except (smtplib.SMTPServerDisconnected, OSError) as exc:
                    report.stopped = f"the connection to the mail server was lost ({exc})"
                    if watch.ended:  # it may have the whole message: the mark stays
                        report.stopped += (
                            f" after it had the whole message to {item.name} <{item.email}>, "
                            "which may have gone out"
                        )
                    else:
                        not_sent(item, message, report.stopped)
                    break
                except BaseException:  # Ctrl+C: the mark stays once the message may be whole
                    if not watch.ended:
                        not_sent(item, message, "the run stopped before the server had all of it")
                    raise
                finally:
                    last = time.monotonic()
                if log is not None:
                    log.record(item, message)
                report.sent.append(item)
                on_sent(item)
            polite = True
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                # A QUIT in the middle of a message is read as its text, and answered by
                # nobody: the run waited out the connection's minute.
                if polite:
                    server.quit()
                else:
                    server.close()
    return report


def _reset(server: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        server.rset()


# What became of one message handed to the server (see ``deliver``).
SENT, REFUSED, LOST = "sent", "refused", "lost"


def deliver(server: smtplib.SMTP, message: EmailMessage) -> tuple[str, str]:
    """Hand one message to an open connection: SENT, REFUSED (for good) or LOST, and why.

    For senders outside this module (the sign-on page's mail worker), which speak
    no SMTP themselves.
    """
    try:
        server.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        return REFUSED, "; ".join(f"{code} {_text(text)}" for code, text in exc.recipients.values())
    except smtplib.SMTPResponseException as exc:
        if exc.smtp_code >= 500:
            _reset(server)
            return REFUSED, f"{exc.smtp_code} {_text(exc.smtp_error)}"
        return LOST, f"the server answered {exc.smtp_code} {_text(exc.smtp_error)}"
    except (smtplib.SMTPException, OSError) as exc:
        return LOST, f"the connection to the mail server was lost ({exc})"
    return SENT, ""


def hang_up(server: smtplib.SMTP, politely: bool = True) -> None:
    """Close a connection, whatever state it is in: with a goodbye, or without one.

    Not politely after a stop in the middle of a message: a QUIT there is read as its
    text, and answered by nobody, the sender waiting out the connection's minute.
    """
    with contextlib.suppress(smtplib.SMTPException, OSError):
        if politely:
            server.quit()
        else:
            server.close()
