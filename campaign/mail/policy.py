"""The sending policy: who is mailed in a run, and how the run reports it.

Nothing goes out unless asked (``Options.really``); nobody the send log names is
mailed again (``--resume`` sends the rest, and refuses nothing else); ``--limit``
caps a run; ``--test-to`` sends every message to one address, marked [TEST], and
logs none. Any mailing (a letter to its recipients, a notice to its signers) is a
list of prepared ``Outgoing`` messages with stable keys, a ``SendLog`` and these
options: ``mail`` runs it; ``server`` reads the settings it is sent with.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from campaign.build.plan import LetterPlan
from campaign.build.run import build as run_build
from campaign.errors import CampaignError, ProblemsFound, ProblemsFoundLate, display_path, shown
from campaign.load.schema import email_problem
from campaign.mail.send import (
    NOT_ASCII,
    Outgoing,
    SendLog,
    attached,
    check_server,
    control_message,
    header_control,
    letter_id,
    outgoing,
    send_all,
    sendable,
    smtp_from_env,
)
from campaign.model.records import Settings, Smtp


class Say(Protocol):
    """Where a run's lines go: standard output, or standard error with ``err``."""

    def __call__(self, text: str, err: bool = False) -> None:
        """Print one line."""


@dataclass(frozen=True)
class Options:
    """How a run was asked to go (the options of ``send`` and its kin)."""

    really: bool = False  # without it, a dry run
    limit: int | None = None  # at most this many messages
    test_to: str = ""  # every message to this address instead, marked [TEST]
    resume: bool = False  # carry on after a run that stopped


@dataclass(frozen=True)
class Server:
    """The settings a run sends with: the server, the From address, the password."""

    smtp: Smtp
    sender: str
    password: str


def server(
    settings: Settings,
    options: Options,
    environ: Mapping[str, str],
    ask_password: Callable[[str], str] | None,
) -> Server:
    """The settings to send with, refused before anything is built or listed if wrong.

    ``ask_password`` asks the user (given the prompt); None where nobody can be asked.
    """
    smtp = smtp_from_env(settings.smtp, environ)
    card = settings.sender
    sender = smtp.sender or (card.email if card else "")
    if not sender:
        raise CampaignError(
            "no From address: set smtp.from or sender.email in campaign.yaml, or CAMPAIGN_SMTP_FROM"
        )
    if bad := header_control(sender):
        raise CampaignError(shown(f"the From address {control_message(sender, bad)}"))
    if options.test_to and (reason := email_problem(options.test_to)):
        raise CampaignError(f"--test-to '{options.test_to}' is not valid: {reason}")
    for address, said in ((sender, "the From address"), (options.test_to, "--test-to")):
        if address and not sendable(address):
            raise CampaignError(
                shown(f"{said} '{address}' has {NOT_ASCII}, ")
                + "which no message can be written to; nothing was sent"
            )
    password = environ.get("CAMPAIGN_SMTP_PASSWORD", "")
    if options.really:
        check_server(smtp)
        if smtp.username and not password:
            if ask_password is None:
                raise CampaignError("set CAMPAIGN_SMTP_PASSWORD (or run in a terminal to be asked)")
            password = ask_password(f"Password for {smtp.username} at {smtp.host}")
    return Server(smtp, sender, password)


def chosen(items: Sequence[Outgoing], log: SendLog, options: Options) -> list[Outgoing]:
    """The messages this run sends: none the log names, at most ``options.limit``.

    A run that would pass over logged messages without ``--resume`` is refused: the
    user may not know a run went before. Test copies are not logged, so all go.
    """
    if not options.test_to:
        done = [item for item in items if item.key in log.sent]
        if done and not options.resume:
            raise CampaignError(
                f"{len(done)} of these messages were sent before ({display_path(log.path)}); "
                "nothing was sent\n  hint: pass --resume to send the others; "
                "no one in the log is ever mailed twice"
            )
        items = [item for item in items if item.key not in log.sent]
    return list(items[: options.limit] if options.limit else items)


def mail(
    items: Sequence[Outgoing],
    skipped: Sequence[str],
    log: SendLog,
    settings: Server,
    options: Options,
    say: Say,
    again: str,
) -> None:
    """List the messages of a run, then (if really) send them; raise if any did not go.

    ``skipped`` says who has no message and why; ``again`` is the command that
    sends the rest after an interruption (with ``--test-to``: all the test copies again).
    """
    items = chosen(items, log, options)
    test_to = options.test_to
    verb = "sending" if options.really else "would send"
    for item in items:
        to = _test_copy(item, test_to) if test_to else f"{item.name} <{item.email}>"
        subject = f"[TEST] {item.subject}" if test_to else item.subject
        if item.file is None:
            say(f"{verb}: {to} | {subject} | no attachment")
            continue
        size = item.file.stat().st_size / 1024
        say(f"{verb}: {to} | {subject} | {attached(item)} ({size:.0f} KB)")
    for line in skipped:
        say(f"not sent: {line}")
    smtp = settings.smtp
    if not options.really:
        say(
            f"Dry run: {_plural(len(items), 'message')} would be sent from {settings.sender}"
            + (f" via {smtp.host}" if smtp.host else "")
            + ". Pass --send to send."
        )
        return
    report = send_all(
        items,
        smtp,
        settings.password,
        settings.sender,
        None if test_to else log,
        lambda item: say(
            f"sent: {_test_copy(item, test_to) if test_to else f'{item.name} <{item.email}>'}"
        ),
        test_to,
    )
    for item, reason in report.refused:
        say(f"refused: {item.name} <{item.email}>: {reason}", err=True)
    missing = len(items) - len(report.sent)
    say(f"Sent {len(report.sent)} of {_plural(len(items), 'message')}.")
    if report.stopped:
        rest = "send the test copies again" if test_to else "send the rest"
        raise CampaignError(
            f"stopped: {report.stopped}; {missing} not sent\n  hint: run '{again}' to {rest}"
        )
    if report.refused:
        names = ", ".join(item.name for item, _ in report.refused)
        raise CampaignError(f"{len(report.refused)} not sent (refused by the server): {names}")


def send_letter(
    plan: LetterPlan,
    options: Options,
    environ: Mapping[str, str],
    ask_password: Callable[[str], str] | None,
    say: Say,
    again: str,
) -> None:
    """``campaign send``: mail each recipient of a checked letter their PDF, built first.

    ``again`` is the command that sends the rest after an interruption.
    """
    mail_built(
        plan,
        lambda: outgoing(plan),
        lambda: SendLog(plan.folder / "sent.jsonl", letter_id(plan)),
        options,
        environ,
        ask_password,
        say,
        again,
    )


def mail_built(
    plan: LetterPlan,
    messages: Callable[[], tuple[list[Outgoing], list[str]]],
    log: Callable[[], SendLog],
    options: Options,
    environ: Mapping[str, str],
    ask_password: Callable[[str], str] | None,
    say: Say,
    again: str,
) -> None:
    """Build a checked letter, then list and (if really) send its ``messages`` (``mail``)."""
    # The settings first: a run that cannot send must say so before it lists anyone.
    settings = server(plan.bundle.settings, options, environ, ask_password)
    run_build([plan], lambda _path: None, 1)
    try:
        items, skipped = messages()
    except ProblemsFound as exc:  # nobody printed these yet
        raise ProblemsFoundLate(exc.problems) from None
    mail(items, skipped, log(), settings, options, say, again)


def _test_copy(item: Outgoing, test_to: str) -> str:
    """What a --test-to message is: whose letter, and where it really goes."""
    return f"{test_to} (a test copy of the letter to {item.name} <{item.email}>)"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"
