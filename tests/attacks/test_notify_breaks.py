"""Breaks found in ``campaign notify`` (and ``send``, whose sending it shares) by a hostile
review, each held here. Everything is mailed to a server on 127.0.0.1 (tests/smtpbox.py).

- The hint after a stopped run named a command without the run's ``--only`` or
  ``--test-to``: after ``--message sent --only signed`` it said to run
  ``--message sent --send --resume``, which mails "your signature was printed" to the
  pending signers the run had left out; after a ``--test-to`` rehearsal it said to run
  the real send, to every signer (with ``send``: every minister).
- An address the list takes (email_validator's SMTPUTF8 syntax) but no message was
  written for: letters outside ASCII before the @ (``émile@example.org``) ended a real
  send in a traceback at that signer, after the dry run had listed them as "would
  send", and every signer after them went unmailed, run after run; a domain in Unicode
  (``emile@bücher.example``) stopped the run at a server without SMTPUTF8 with "the
  connection to the mail server was lost", though the server was there, and its
  IDNA form (xn--...) reaches every server. Such a From or --test-to address, the same.
- A message with an HTML part (``NAME.html.j2``) got the opt-out line in its text part
  only: the HTML part, which is what mail programs show, told the signer no way to hear
  no more; and a ``[TODO: ...]`` left in it went out.
- A message whose template began with a blank line (a comment or ``{% set %}`` on a
  line of its own, or just an empty first line) lost its ``Subject:`` and ``Attach:``
  lines into the text: each signer got the letter's subject, the header lines as
  the first lines of the message, and no attachment, with no word said.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from smtpbox import Inbox, serve, text_of

from conftest import run, signers_of

# Four who agreed to be mailed: one pending, one an organization.
SIGNERS = signers_of(("Zoë Zimmer", "Émile Abel", "Pending Person", "Alpha Organization"))


@pytest.fixture
def signers(sending: Path) -> Path:
    """The sending workspace (the current folder), its list of four who agreed to be mailed."""
    (sending / "signatories" / "people.yaml").write_text(SIGNERS)
    return sending


def test_an_address_no_message_can_carry_is_told_before_sending_and_the_rest_go(
    signers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed = signers / "signatories" / "people.yaml"
    listed.write_text(
        SIGNERS.replace("emile@example.org", "émile@example.org").replace(
            "alpha@example.org", "alpha@bücher.example"
        )
    )
    dry = run("notify", "test", "--message", "check")
    assert dry.exit_code == 0, dry.output
    subject = "Please check your entry: Test Letter on Testing"
    assert dry.stdout == (
        f"would send: Zoë Zimmer <zoe@example.org> | {subject} | no attachment\n"
        f"would send: Pending Person <pending@example.org> | {subject} | no attachment\n"
        f"would send: Alpha Organization <alpha@bücher.example> | {subject} | no attachment\n"
        "not sent: 1 signer, an address with letters outside ASCII before the @ "
        "(no message can be written to it): Émile Abel\n"
        "Dry run: 3 messages would be sent from coalition@example.org. Pass --send to send.\n"
    )
    box = Inbox()
    for _ in serve(monkeypatch, box, enable_SMTPUTF8=False):  # a server of plain ASCII
        sent = run("notify", "test", "--message", "check", "--send")
    assert (sent.exit_code, sent.stderr) == (0, "")
    assert sent.stdout.endswith("Sent 3 of 3 messages.\n")
    assert [m["To"] for m in box.messages] == [
        "Zoë Zimmer <zoe@example.org>", "Pending Person <pending@example.org>",
        "Alpha Organization <alpha@xn--bcher-kva.example>",
    ]  # fmt: skip
    assert box.envelopes[2] == ["alpha@xn--bcher-kva.example"]
    (signers / "letters" / "test" / "recipients.yaml").write_text(
        "to:\n  - name: Ada Minister\n    salutation: Dear Minister,\n"
        "    email: adà@ministry.example\n    address: [Street 1, City]\n"
    )
    letter = run("send", "test")
    assert letter.exit_code == 0, letter.output
    assert letter.stdout.splitlines()[0] == (
        "not sent: Ada Minister (to): its e-mail address has letters outside ASCII before "
        "the @ (no message can be written to it)"
    )
    for option in (["--test-to", "mé@example.org"], []):
        (signers / "campaign.yaml").write_text(
            "sender:\n  name: Test Coalition\n  email: "
            + ("coalition@example.org" if option else "cöalition@example.org")
            + "\n"
        )
        refused = run("notify", "test", "--message", "check", *option, "--send")
        said = (
            "--test-to 'mé@example.org'" if option else "the From address 'cöalition@example.org'"
        )
        assert (refused.exit_code, refused.stderr) == (
            1,
            f"Error: {said} has letters outside ASCII before the @, which no message can "
            "be written to; nothing was sent\n",
        )


OPTOUT = (
    "You receive this because you signed “Test Letter on Testing”. To get no\n"
    "more messages about it, reply with “unsubscribe”."
)


def test_the_html_part_says_how_to_hear_no_more_and_is_refused_with_a_todo(
    signers: Path, inbox: Inbox
) -> None:
    messages = signers / "letters" / "test" / "messages"
    messages.mkdir()
    (messages / "news.txt.j2").write_text("Dear {{ signer.name }},\n\nNews.\n")
    (messages / "news.html.j2").write_text(
        "<html><body><p>Dear {{ signer.name }},</p><p>News.</p></body></html>\n"
    )
    sent = run("notify", "test", "--message", "news", "--send", "--limit", "1")
    assert sent.exit_code == 0, sent.output
    html = inbox.messages[0].get_body(("html",))
    assert html is not None
    assert str(html.get_content()).replace("\r\n", "\n") == (
        f"<html><body><p>Dear Zoë Zimmer,</p><p>News.</p>\n<hr>\n<p>{OPTOUT}</p>\n</body></html>\n"
    )
    (messages / "placed.txt.j2").write_text("News.\n\n{{ optout }}\n")
    (messages / "placed.html.j2").write_text("<p>News.</p><p>{{ optout }}</p>\n")
    placed = run("notify", "test", "--message", "placed", "--send", "--limit", "1")
    assert placed.exit_code == 0, placed.output
    html = inbox.messages[1].get_body(("html",))
    assert html is not None
    assert (
        str(html.get_content()).replace("\r\n", "\n") == f"<p>News.</p><p>{OPTOUT}</p>\n"
    )  # once, where placed
    (messages / "todo.txt.j2").write_text("News.\n")
    (messages / "todo.html.j2").write_text("<p>News.</p>\n<p>[TODO: say more]</p>\n")
    todo = run("notify", "test", "--message", "todo", "--send")
    assert (todo.exit_code, todo.stderr) == (
        1,
        "letters/test/messages/todo.html.j2:2: the message 'todo' still says [TODO: ...]\n"
        "  hint: write the message in its place before sending it\n"
        "Error: 1 problem in 1 file; nothing was written\n",
    )
    assert len(inbox.messages) == 2


def test_a_blank_line_before_the_subject_keeps_the_subject_and_the_attachment(
    signers: Path, inbox: Inbox
) -> None:
    messages = signers / "letters" / "test" / "messages"
    messages.mkdir()
    (messages / "out.txt.j2").write_text(
        "\n \nSubject: It went out, {{ signer.name }}\nAttach: letter\n\nDear {{ signer.name }}.\n"
    )
    sent = run("notify", "test", "--message", "out", "--send", "--limit", "1")
    assert sent.exit_code == 0, sent.output
    assert sent.stdout.splitlines()[0].startswith(
        "sending: Zoë Zimmer <zoe@example.org> | It went out, Zoë Zimmer | to/ada-minister.pdf ("
    )
    got = inbox.messages[0]
    assert got["Subject"] == "It went out, Zoë Zimmer"
    assert text_of(got) == f"Dear Zoë Zimmer.\n\n-- \n{OPTOUT}\n"
    assert [a.get_filename() for a in got.iter_attachments()] == ["ada-minister.pdf"]


def test_the_hint_after_a_stopped_run_keeps_its_only_and_its_test_address(
    signers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Inbox(drop_after=1, drop_at="rcpt")  # lost before the second was handed over
    for _ in serve(monkeypatch, box):
        only = run("notify", "test", "--message", "sent", "--only", "signed", "--send")
    assert only.exit_code == 1
    assert only.stderr == (
        "Error: stopped: the connection to the mail server was lost (Connection unexpectedly "
        "closed); 2 not sent\n"
        "  hint: run 'campaign notify test --message sent --only signed --send --resume' "
        "to send the rest\n"
    )
    box = Inbox()
    for _ in serve(monkeypatch, box):  # the hint, as given: nobody the run left out
        resumed = run("notify", "test", "--message", "sent", "--only", "signed", "--send",
                      "--resume")  # fmt: skip
    assert resumed.exit_code == 0, resumed.output
    assert [m["To"] for m in box.messages] == [
        "Émile Abel <emile@example.org>", "Alpha Organization <alpha@example.org>",
    ]  # fmt: skip
    box = Inbox(drop_after=1)
    for _ in serve(monkeypatch, box):
        rehearsal = run("notify", "test", "-m", "check", "--test-to", "me@example.org", "--send")
    assert rehearsal.exit_code == 1
    assert rehearsal.stderr.endswith(
        "3 not sent\n"
        "  hint: run 'campaign notify test --message check --test-to me@example.org --send' "
        "to send the test copies again\n"
    )
    (signers / "letters" / "test" / "recipients.yaml").write_text(
        "to:\n  - name: Ada Minister\n    email: ada@ministry.example\n"
        "    address: [Street 1, City]\n"
        "  - name: Bo Minister\n    email: bo@ministry.example\n    address: [Street 2, City]\n"
    )
    box = Inbox(drop_after=1)
    for _ in serve(monkeypatch, box):
        letter = run("send", "test", "--test-to", "me@example.org", "--send")
    assert letter.exit_code == 1
    assert letter.stderr.endswith(
        "1 not sent\n"
        "  hint: run 'campaign send test --test-to me@example.org --send' "
        "to send the test copies again\n"
    )
