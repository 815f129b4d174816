"""Attacks on ``campaign send``: a header of the template's or a file's making."""

from __future__ import annotations

import email
import email.policy
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from conftest import run


class Inbox:
    """Counts what reaches the server."""

    def __init__(self) -> None:
        self.received: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.received.append(envelope.content)
        return "250 OK"


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 that the CAMPAIGN_SMTP_* variables point at."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(port)), ("SECURITY", "none")):
        monkeypatch.setenv(f"CAMPAIGN_SMTP_{name}", value)
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def letter(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace's letter, to one addressee with an e-mail address."""
    monkeypatch.chdir(minimal)
    (minimal / "letters" / "test" / "recipients.yaml").write_text(
        "to:\n  - name: Ada Minister\n    salutation: Dear Minister,\n"
        "    email: ada@ministry.example\n"
        "    address:\n      - Street 1\n      - City\n"
    )
    (minimal / "campaign.yaml").write_text(
        "sender:\n  name: Test Coalition\n  email: coalition@example.org\n"
    )
    return minimal / "letters" / "test"


HINT = "  hint: a mail header is one line of text: take out the line break or control character\n"
REFUSED = "Error: 1 problem in 1 file; nothing was written\n"


@pytest.mark.parametrize("really", [False, True])
@pytest.mark.parametrize(
    ("made", "code"),
    [('{{ "\\r" }}', "000D"), ('{{ "\\x85" }}', "0085"), ('{{ "\\u2028" }}', "2028"),
     ('{{ "\\x1b" }}', "001B"), ('{{ "\\t" }}', "0009")],
)  # fmt: skip
def test_a_control_character_in_the_subject_is_refused(
    letter: Path, inbox: Inbox, made: str, code: str, really: bool
) -> None:
    (letter / "message.txt.j2").write_text(
        f"{{% set x = 1 %}}\nSubject: Hello{made}Bcc: victim@example.org\n\nThe letter.\n"
    )
    result = run("send", "test", *(["--send"] if really else []))
    assert result.exit_code == 1
    escaped = {"000D": "\\r", "0085": "\\x85", "2028": "\\u2028", "001B": "\\x1b", "0009": "\\t"}
    assert result.stderr == (
        f"letters/test/message.txt.j2:2: the subject 'Hello{escaped[code]}Bcc: victim@example.org'"
        f" contains U+{code}, which a mail header cannot hold\n{HINT}{REFUSED}"
    )
    assert result.stdout == ""
    assert inbox.received == []


def test_a_line_break_in_the_letters_subject_or_a_name_stays_in_its_header(
    letter: Path, inbox: Inbox
) -> None:
    # Already held: one-line fields of the YAML files have their line breaks folded.
    (letter / "message.txt.j2").write_text("No subject line: the letter's own is used.\n")
    yaml = letter / "letter.yaml"
    text = re.sub(
        r"(?m)^subject:.*$", 'subject: "Hello\\rBcc: victim@example.org"', yaml.read_text()
    )
    yaml.write_text(text)
    (letter / "recipients.yaml").write_text(
        'to:\n  - name: "Ada\\r\\nBcc: victim@example.org"\n    salutation: Dear Ada,\n'
        "    email: ada@ministry.example\n    address:\n      - Street 1\n      - City\n"
    )
    result = run("send", "test", "--send")
    assert result.exit_code == 0, result.output
    assert len(inbox.received) == 1
    message = email.message_from_bytes(inbox.received[0], policy=email.policy.default)
    assert message["Subject"] == "Hello Bcc: victim@example.org"
    assert message["To"] == '"Ada Bcc: victim@example.org" <ada@ministry.example>'
    assert message["Bcc"] is None


def test_a_line_break_in_the_from_address_is_refused(
    letter: Path, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPAIGN_SMTP_FROM", "me@example.org\rBcc: victim@example.org")
    result = run("send", "test", "--send")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: the From address 'me@example.org\\rBcc: victim@example.org' contains U+000D, "
        "which a mail header cannot hold\n"
    )
    assert inbox.received == []
