"""Breaks found in ``campaign notify`` (and ``send``, whose sending it shares) by a hostile
review, each held here. Everything is mailed to a server on 127.0.0.1 (tests/smtpbox.py).

- The hint after a stopped run named a command without the run's ``--only`` or
  ``--test-to``: after ``--message sent --only signed`` it said to run
  ``--message sent --send --resume``, which mails "your signature was printed" to the
  pending signers the run had left out; after a ``--test-to`` rehearsal it said to run
  the real send, to every signer (with ``send``: every minister).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from smtpbox import Inbox, serve

from conftest import run

SIGNERS = """\
signatories:
  - name: Zoë Zimmer
    type: individual
    group: intl
    signed: 2024-04-01
    email: zoe@example.org
    contact: 'yes'
  - name: Émile Abel
    type: individual
    group: intl
    signed: 2024-04-02
    email: emile@example.org
    contact: 'yes'
  - name: Pending Person
    type: individual
    group: intl
    status: pending
    email: pending@example.org
    contact: 'yes'
  - name: Alpha Organization
    type: organization
    group: orgs
    signed: 2024-04-03
    email: alpha@example.org
    contact: 'yes'
"""


@pytest.fixture
def signers(sending: Path) -> Path:
    """The sending workspace (the current folder), its list of four who agreed to be mailed."""
    (sending / "signatories" / "people.yaml").write_text(SIGNERS)
    return sending


def test_the_hint_after_a_stopped_run_keeps_its_only_and_its_test_address(
    signers: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Inbox(drop_after=1)
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
