"""``campaign notify`` against a real SMTP server on 127.0.0.1: signers mailed with consent only."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from smtpbox import Inbox, serve, text_of

from campaign.model import fields

from conftest import SIGNERS, pdf_text, run

SKIPPED = [
    "not sent: 1 signer, opted out: Opted Out",
    "not sent: 1 signer, contact: no: Nay Sayer",
    "not sent: 1 signer, no consent recorded (contact: yes): Never Asked",
    "not sent: 1 signer, no e-mail address: Paper Only",
]
PRINTED = [  # in list order, with their printed lines
    ("Zoë Zimmer", "zoe@example.org", "Zoë Zimmer"),
    ("Émile Abel", "emile@example.org", "Émile Abel, University of Tests, France"),
    ("beta Organization", "beta@example.org", "beta Organization"),
    ("Alpha Organization", "alpha@example.org", "Alpha Organization, Germany"),
]


@pytest.fixture
def signers(sending: Path) -> Path:
    """The sending workspace whose list gives every case of consent."""
    (sending / "signatories" / "people.yaml").write_text(SIGNERS)
    return sending


def test_the_dry_run_lists_who_would_be_mailed_and_who_is_skipped_and_why(
    signers: Path, inbox: Inbox
) -> None:
    result = run("notify", "test", "--message", "check")
    assert result.exit_code == 0, result.output
    subject = "Please check your entry: Test Letter on Testing"
    assert result.stdout.splitlines() == [
        *(
            f"would send: {name} <{address}> | {subject} | no attachment"
            for name, address in [
                ("Zoë Zimmer", "zoe@example.org"),
                ("Émile Abel", "emile@example.org"),
                ("Pending Person", "pending@example.org"),
                ("beta Organization", "beta@example.org"),
                ("Alpha Organization", "alpha@example.org"),
            ]
        ),
        *SKIPPED,
        "Dry run: 5 messages would be sent from coalition@example.org via 127.0.0.1. "
        "Pass --send to send.",
    ]
    assert inbox.messages == []
    assert not (signers / "build" / "test" / "notified.jsonl").exists()


def test_each_signer_gets_the_letter_with_their_line_as_printed(
    signers: Path, inbox: Inbox
) -> None:
    result = run("notify", "test", "--message", "sent", "--only", "signed", "--send")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("Sent 4 of 4 messages.\n")
    built = signers / "build" / "test"
    letter = (built / "to" / "ada-minister.pdf").read_bytes()
    listed = pdf_text(built / "signatories.pdf").splitlines()
    assert [m["To"] for m in inbox.messages] == [f"{n} <{a}>" for n, a, _ in PRINTED]
    for message, (name, _address, line) in zip(inbox.messages, PRINTED, strict=True):
        assert message["Subject"] == "The letter was sent: Test Letter on Testing"
        assert message["From"] == "Test Coalition <coalition@example.org>"
        text = text_of(message)
        assert text.startswith(f"Dear {name},\n\n")
        assert f"\n    {line}\n" in text
        assert line in listed  # the line exactly as signatories.pdf prints it
        assert text.endswith(
            "\n-- \nYou receive this because you signed “Test Letter on Testing”. To get no\n"
            "more messages about it, reply with “unsubscribe”.\n"
        )
        attachments = list(message.iter_attachments())
        assert [a.get_filename() for a in attachments] == ["ada-minister.pdf"]
        assert attachments[0].get_content() == letter
    for message in inbox.messages:  # what is private stays in the list
        raw = message.as_bytes()
        for mark in (b"PHONE-MARK", b"NOTES-MARK", b"SOURCE-MARK", b"contact"):
            assert mark not in raw
        assert b"zoe@example.org" not in raw or message["To"] == "Zoë Zimmer <zoe@example.org>"
    log = [json.loads(x) for x in (built / "notified.jsonl").read_text().splitlines()]
    log = [e for e in log if "state" not in e]  # the accepted ones, each marked before
    assert [(e["role"], e["to"], e["letter"], e["file"]) for e in log] == [
        ("signer", address, "test#sent", "to/ada-minister.pdf") for _, address, _ in PRINTED
    ]
    again = run("notify", "test", "--message", "sent", "--only", "signed", "--send")
    assert again.exit_code == 1
    assert again.stderr == (
        "Error: 4 of these messages were sent before (build/test/notified.jsonl); "
        "nothing was sent\n"
        "  hint: pass --resume to send the others; no one in the log is ever mailed twice\n"
    )
    other = run("notify", "test", "--message", "check", "--only", "signed", "--send")
    assert other.exit_code == 0, other.output  # another message is another mailing
    assert len(inbox.messages) == 8


def test_consent_no_and_opt_outs_are_never_mailed(signers: Path, inbox: Inbox) -> None:
    result = run("notify", "test", "--message", "check", "--send")
    assert result.exit_code == 0, result.output
    mailed = [address for envelope in inbox.envelopes for address in envelope]
    assert sorted(mailed) == sorted({
        "zoe@example.org", "emile@example.org", "pending@example.org", "beta@example.org",
        "alpha@example.org",
    })  # fmt: skip
    for line in SKIPPED:
        assert f"{line}\n" in result.stdout


def test_a_dropped_connection_then_resume_delivers_each_message_once(
    signers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Lost before the third message was handed over: a loss after it is held
    # (tests/e2e/test_send.py), as the two share the send log.
    box = Inbox(drop_after=2, drop_at="rcpt")
    for _ in serve(monkeypatch, box):
        result = run("notify", "test", "--message", "check", "--send")
    assert result.exit_code == 1
    assert result.stdout.endswith("Sent 2 of 5 messages.\n")
    assert "Error: stopped: the connection to the mail server was lost" in result.stderr
    assert (
        "3 not sent\n  hint: run 'campaign notify test --message check --send --resume' "
        "to send the rest\n"
    ) in result.stderr
    box2 = Inbox()
    for _ in serve(monkeypatch, box2):
        refused = run("notify", "test", "--message", "check", "--send")
        assert refused.exit_code == 1 and "pass --resume" in refused.stderr
        resumed = run("notify", "test", "--message", "check", "--send", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert resumed.stdout.endswith("Sent 3 of 3 messages.\n")
    everyone = [m["To"] for m in box.messages] + [m["To"] for m in box2.messages]
    assert sorted(everyone) == sorted(
        ["Zoë Zimmer <zoe@example.org>", "Émile Abel <emile@example.org>",
         "Pending Person <pending@example.org>", "beta Organization <beta@example.org>",
         "Alpha Organization <alpha@example.org>"]
    )  # fmt: skip


def test_a_message_of_the_letters_own(signers: Path, inbox: Inbox) -> None:
    messages = signers / "letters" / "test" / "messages"
    messages.mkdir()
    (messages / "replied.txt.j2").write_text(
        "Subject: {{ letter.title }}: an answer\n\n"
        "{% for r in replies %}{{ r.date }} {{ r.sender }}: {{ r.text }}\n{% endfor %}"
        "{{ optout }}\n"
    )
    logged = run("log", "test", "We read it.", "--from", "Ada Minister", "--date", "2024-05-20")
    assert logged.exit_code == 0, logged.output
    result = run("notify", "test", "--message", "replied", "--send", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert text_of(inbox.messages[0]) == (
        "2024-05-20 Ada Minister: We read it.\n"
        "You receive this because you signed “Test Letter on Testing”. To get no\n"
        "more messages about it, reply with “unsubscribe”.\n"
    )  # the template placed the opt-out line: it is not added twice


def test_an_unknown_message_and_an_unwritten_one_are_refused(signers: Path, inbox: Inbox) -> None:
    result = run("notify", "test", "--message", "chek")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no message 'chek' (letters/test/messages/chek.txt.j2); nothing was sent\n"
        "  hint: did you mean 'check'?\n"
    )
    messages = signers / "letters" / "test" / "messages"
    messages.mkdir()
    (messages / "news.txt.j2").write_text(
        "Subject: News\n\nDear {{ signer.name }},\n\n[TODO: write]\n"
    )
    result = run("notify", "test", "--message", "news", "--send")
    assert result.exit_code == 1
    assert result.stderr == (
        "letters/test/messages/news.txt.j2:5: the message 'news' still says [TODO: ...]\n"
        "  hint: write the message in its place before sending it\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert inbox.messages == []


def test_only_those_added_since_a_revision(signers: Path, inbox: Inbox) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(signers), *args], check=True, capture_output=True)

    git("init", "-q")
    git("add", ".")
    git("-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-qm", "list")
    added = run(
        "sig", "add", "people", "--name", "New Comer", "--type", "individual", "--group", "intl",
        "--email", "new@example.org", "--signed", "2024-04-05",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    consent = run("sig", "set", "people", "New Comer", "contact=yes")
    assert consent.exit_code == 0, consent.output
    result = run("notify", "test", "--message", "check", "--only", "new-since=HEAD")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "would send: New Comer <new@example.org> | Please check your entry: Test Letter on "
        "Testing | no attachment\n"
        "Dry run: 1 message would be sent from coalition@example.org via 127.0.0.1. "
        "Pass --send to send.\n"
    )
    wrong = run("notify", "test", "--message", "check", "--only", "new-since=nosuchrev")
    assert wrong.exit_code == 1
    assert wrong.stderr.startswith(
        "Error: new-since=nosuchrev: git cannot show signatories/people.yaml at that revision ("
    )
    assert wrong.stderr.endswith(
        "  hint: the workspace must be a git repository, and REV a commit that has the list\n"
    )
    bad = run("notify", "test", "--message", "check", "--only", "everyone")
    assert bad.exit_code == 1
    assert bad.stderr == (
        "Error: --only 'everyone' is not one of pending, signed, new-since=REV\n"
        "  hint: new-since=REV takes a git revision of the list, e.g. new-since=HEAD~3\n"
    )


def test_consent_opt_out_and_source_reach_no_public_output(signers: Path) -> None:
    listed = signers / "signatories" / "people.yaml"
    # Zoë prints; her private fields carry markers (contact and optout cannot: yes/no, dates).
    listed.write_text(
        listed.read_text().replace(
            "    contact: 'yes'\n", "    contact: 'yes'\n    confirmed: CONFIRMED-MARK\n", 1
        )
    )
    built = run("build", "test")
    assert built.exit_code == 0, built.output
    out = signers / "build" / "test"
    header = (out / "signatories.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    private = {f.key for f in fields.SIGNATORY if f.private}
    assert {"contact", "optout", "source", "confirmed"} <= private
    assert set(header.split(",")) & private == set()
    seen = ""
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        text = pdf_text(path) if path.suffix == ".pdf" else path.read_text(errors="replace")
        seen += text
        for mark in ("PHONE-MARK", "NOTES-MARK", "SOURCE-MARK", "CONFIRMED-MARK", "optout"):
            assert mark not in text, f"{mark} in {path}"
    assert "Zoë Zimmer" in seen  # the scan can fail: her public name is there


def test_the_shipped_replied_message_tells_of_each_reply(signers: Path, inbox: Inbox) -> None:
    early = run("notify", "test", "--message", "replied", "--send")
    assert early.exit_code == 1
    assert "the message 'replied' still says [TODO: ...]" in early.stderr
    logged = run("log", "test", "We read it.", "--from", "Ada Minister", "--date", "2024-05-20")
    assert logged.exit_code == 0, logged.output
    result = run("notify", "test", "--message", "replied", "--send", "--limit", "1")
    assert result.exit_code == 0, result.output
    assert inbox.messages[0]["Subject"] == "An answer to our letter: Test Letter on Testing"
    assert text_of(inbox.messages[0]) == (
        "Dear Zoë Zimmer,\n\n"
        "Our joint letter “Test Letter on Testing”, which you signed, has had an\n"
        "answer:\n\n"
        "May 20, 2024, Ada Minister: We read it.\n\n"
        "Thank you again for signing it.\n\n"
        "Test Coalition\n\n"
        "-- \nYou receive this because you signed “Test Letter on Testing”. To get no\n"
        "more messages about it, reply with “unsubscribe”.\n"
    )
