"""``campaign send`` against a real SMTP server on 127.0.0.1 (aiosmtpd, started here)."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smtpbox import Inbox, serve, server_context, text_of

from campaign.errors import CampaignError

from conftest import run

ADDRESSEES = [
    ("Ada Minister", "ada@ministry.example", "Dear Minister,"),
    ("Bo Member", "bo@diet.example", "Dear Mr. Member,"),
    ("Cy Nomail", "", "Dear Cy,"),
    ("Dee Member", "dee@diet.example", "Dear Ms. Member,"),
    ("Eve Member", "eve@diet.example", "Dear Ms. Eve,"),
]


@pytest.fixture
def letters(sending: Path) -> Path:
    """The sending workspace with five addressees, four with e-mail, and a cc with one."""
    lines = ["to:\n"]
    for name, address, salutation in ADDRESSEES:
        lines.append(
            f"  - name: {name}\n    salutation: {salutation}\n    address: [Street 1, City]\n"
        )
        if address:
            lines.append(f"    email: {address}\n")
    lines.append(
        "cc:\n  - name: Bob Deputy\n    email: bob@deputy.example\n    address: [Street 2, City]\n"
    )
    (sending / "letters" / "test" / "recipients.yaml").write_text("".join(lines))
    return sending


def test_dry_run_says_what_would_go_out_and_sends_nothing(letters: Path, inbox: Inbox) -> None:
    result = run("send", "test")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "would send: Ada Minister <ada@ministry.example> | Test subject line | "
        "to/ada-minister.pdf ("
    )
    assert lines[4].startswith(
        "would send: Bob Deputy <bob@deputy.example> | Test subject line (copy) | cc/bob-deputy.pdf"
    )
    assert lines[5] == "not sent: Cy Nomail (to): no e-mail address in recipients.yaml"
    assert lines[6] == (
        "Dry run: 5 messages would be sent from coalition@example.org via 127.0.0.1. "
        "Pass --send to send."
    )
    assert inbox.messages == []
    assert not (letters / "build" / "test" / "sent.jsonl").exists()


def test_every_message_arrives_with_its_own_pdf(letters: Path, inbox: Inbox) -> None:
    result = run("send", "test", "--send")
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith("Sent 5 of 5 messages.\n")
    assert [m["To"] for m in inbox.messages] == [
        "Ada Minister <ada@ministry.example>",
        "Bo Member <bo@diet.example>",
        "Dee Member <dee@diet.example>",
        "Eve Member <eve@diet.example>",
        "Bob Deputy <bob@deputy.example>",
    ]
    out = letters / "build" / "test"
    for message, slug in zip(
        inbox.messages,
        ["to/ada-minister", "to/bo-member", "to/dee-member", "to/eve-member", "cc/bob-deputy"],
        strict=True,
    ):
        assert message["From"] == "Test Coalition <coalition@example.org>"
        body = message.get_body(("plain",))
        assert body is not None
        attachments = list(message.iter_attachments())
        assert len(attachments) == 1
        assert attachments[0].get_content_type() == "application/pdf"
        assert attachments[0].get_filename() == slug.split("/")[1] + ".pdf"
        assert attachments[0].get_content() == (out / f"{slug}.pdf").read_bytes()
    first = text_of(inbox.messages[0])
    assert first.startswith("Dear Minister,\n\nPlease find attached a joint open letter from 4 ")
    assert "Test Coalition\ncoalition@example.org\n" in first
    copy = inbox.messages[4]
    assert copy["Subject"] == "Test subject line (copy)"
    text = text_of(copy)
    assert text == (
        "Dear Bob Deputy,\n\n"
        "Please find attached, for your information, a copy of the joint open\n"
        "letter that 4 organizations and individuals sent on May 2, 2024 to Ada\n"
        "Minister, Bo Member, Cy Nomail, Dee Member, and Eve Member.\n\n"
        "The letter and the full list of its signatories are in the attached PDF.\n\n"
        "Test Coalition\ncoalition@example.org\n"
    )
    lines = [json.loads(line) for line in (out / "sent.jsonl").read_text().splitlines()]
    # Each message marked before it is handed over, then logged once accepted.
    assert [e.get("state") for e in lines] == ["sending", None] * 5
    log = [e for e in lines if "state" not in e]
    assert [entry["file"] for entry in log] == [
        "to/ada-minister.pdf", "to/bo-member.pdf", "to/dee-member.pdf", "to/eve-member.pdf",
        "cc/bob-deputy.pdf",
    ]  # fmt: skip
    again = run("send", "test", "--send")
    assert again.exit_code == 1
    assert "5 of these messages were sent before (build/test/sent.jsonl); nothing was sent" in (
        again.stderr
    )
    assert len(inbox.messages) == 5


EVERYONE = [
    "Ada Minister <ada@ministry.example>", "Bo Member <bo@diet.example>",
    "Dee Member <dee@diet.example>", "Eve Member <eve@diet.example>",
    "Bob Deputy <bob@deputy.example>",
]  # fmt: skip


def test_a_connection_lost_before_a_message_went_then_resume_mails_everyone_exactly_once(
    letters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Inbox(drop_after=2, drop_at="rcpt")
    for _ in serve(monkeypatch, box):
        result = run("send", "test", "--send")
    assert result.exit_code == 1
    assert result.stdout.endswith("Sent 2 of 5 messages.\n")
    assert "Error: stopped: the connection to the mail server was lost" in result.stderr
    assert "may have gone out" not in result.stderr
    assert "3 not sent\n  hint: run 'campaign send test --send --resume'" in result.stderr
    first_run = [m["To"] for m in box.messages]
    box2 = Inbox()
    for _ in serve(monkeypatch, box2):
        refused = run("send", "test", "--send")
        assert refused.exit_code == 1 and "pass --resume" in refused.stderr
        resumed = run("send", "test", "--send", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert sorted(first_run + [m["To"] for m in box2.messages]) == sorted(EVERYONE)


PENDING = (
    "Error: build/test/sent.jsonl:{line}: the message to {who} may have gone out: a run "
    "stopped while sending it; nothing was sent\n"
    "  hint: ask the mail server's administrator, or the recipient, whether it arrived; "
    'if it did, change "sending" to "sent" on that line; if not, delete the line\n'
)


def _log_lines(letters: Path) -> list[str]:
    return (letters / "build" / "test" / "sent.jsonl").read_text().splitlines()


def test_a_connection_lost_after_the_server_had_a_message_holds_every_run_until_told(
    letters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It may have gone out: sending it again could mail a minister twice, so nothing is."""
    box = Inbox(drop_after=2)  # the third message whole on the server, then no answer
    for _ in serve(monkeypatch, box):
        result = run("send", "test", "--send")
    assert result.exit_code == 1
    assert (
        "after it had the whole message to Dee Member <dee@diet.example>, which may have "
        "gone out; 3 not sent"
    ) in result.stderr
    status = run("status", "test")
    assert (
        "Dee Member (to): e-mail, may have gone out: a run stopped while sending it"
    ) in status.stdout
    box2 = Inbox()
    for _ in serve(monkeypatch, box2):
        held = run("send", "test", "--send", "--resume")
        assert (held.exit_code, held.stderr) == (
            1,
            PENDING.format(line=5, who="Dee Member <dee@diet.example>"),
        )
        assert box2.messages == []
        # The server's log shows it never arrived: the user deletes the mark.
        lines = _log_lines(letters)
        assert json.loads(lines[4])["state"] == "sending"
        log = letters / "build" / "test" / "sent.jsonl"
        log.write_text("\n".join(lines[:4] + lines[5:]) + "\n")
        resumed = run("send", "test", "--send", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert sorted([m["To"] for m in box.messages + box2.messages]) == sorted(EVERYONE)


def test_a_ctrl_c_as_the_server_says_yes_holds_the_next_run_and_mails_no_one_twice(
    letters: Path, monkeypatch: pytest.MonkeyPatch, inbox: Inbox
) -> None:
    """Accepted, and the run stopped before logging it (Ctrl+C, a kill, a power cut)."""
    from campaign.mail import send

    record = send.SendLog.record

    def interrupted(self: Any, item: Any, message: Any) -> None:
        raise KeyboardInterrupt  # the server has said 250; nothing has logged it

    monkeypatch.setattr(send.SendLog, "record", interrupted)
    stopped = run("send", "test", "--send")
    assert stopped.exit_code == 1 and stopped.stderr.endswith("Aborted!\n")
    assert [m["To"] for m in inbox.messages] == ["Ada Minister <ada@ministry.example>"]
    monkeypatch.setattr(send.SendLog, "record", record)
    held = run("send", "test", "--send", "--resume")
    assert (held.exit_code, held.stderr) == (
        1,
        PENDING.format(line=1, who="Ada Minister <ada@ministry.example>"),
    )
    # It arrived: the user says so.
    log = letters / "build" / "test" / "sent.jsonl"
    log.write_text(log.read_text().replace('"state": "sending"', '"state": "sent"', 1))
    resumed = run("send", "test", "--send", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert sorted(m["To"] for m in inbox.messages) == sorted(EVERYONE)
    status = run("status", "test")
    assert "Ada Minister (to): e-mail, " in status.stdout


def _before_each_message(monkeypatch: pytest.MonkeyPatch, first: Callable[[], None]) -> None:
    """Call ``first`` as each message is about to be handed to the server."""
    import smtplib

    handed = smtplib.SMTP.send_message

    def watched(self: Any, message: Any, *args: Any, **kwargs: Any) -> Any:
        first()
        return handed(self, message, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "send_message", watched)


def test_a_ctrl_c_before_the_server_had_a_message_takes_its_mark_back(
    letters: Path, monkeypatch: pytest.MonkeyPatch, inbox: Inbox
) -> None:
    """Stopped before the message was handed over: it did not go, and --resume sends it."""
    calls: list[str] = []

    def stopped_on_the_second() -> None:
        calls.append("")
        if len(calls) == 2:
            raise KeyboardInterrupt

    _before_each_message(monkeypatch, stopped_on_the_second)
    stopped = run("send", "test", "--send")
    assert stopped.exit_code == 1 and stopped.stderr.endswith("Aborted!\n")
    states = [json.loads(line).get("state") for line in _log_lines(letters)]
    assert states == ["sending", None, "sending", "not sent"]
    resumed = run("send", "test", "--send", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert sorted(m["To"] for m in inbox.messages) == sorted(EVERYONE)


def test_a_refused_recipient_is_reported_and_the_rest_go_out(
    letters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = Inbox(refuse="bo@diet.example")
    for _ in serve(monkeypatch, box):
        result = run("send", "test", "--send")
    assert result.exit_code == 1
    assert "refused: Bo Member <bo@diet.example>: 550 5.1.1 mailbox unavailable" in result.stderr
    assert "Error: 1 not sent (refused by the server): Bo Member" in result.stderr
    assert len(box.messages) == 4
    assert result.stdout.endswith("Sent 4 of 5 messages.\n")


def test_limit_and_test_to(letters: Path, inbox: Inbox) -> None:
    result = run("send", "test", "--send", "--test-to", "me@example.org", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert [m["To"] for m in inbox.messages] == ["me@example.org", "me@example.org"]
    assert inbox.messages[0]["Subject"] == "[TEST] Test subject line"
    assert inbox.envelopes == [["me@example.org"], ["me@example.org"]]
    # Test runs are not logged: the real run still reaches everyone.
    assert not (letters / "build" / "test" / "sent.jsonl").exists()
    result = run("send", "test", "--send", "--limit", "1")
    assert [m["To"] for m in inbox.messages][-1] == "Ada Minister <ada@ministry.example>"


def test_starttls_with_login(
    letters: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import trustme

    authority = trustme.CA()
    tls_context = server_context(authority)
    # The workspace's own file, named relative to it, found from another folder (-C).
    authority.cert_pem.write_to_path(str(letters / "company-ca.pem"))
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    logins: list[tuple[bytes, bytes]] = []

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult

        logins.append((data.login, data.password))
        return AuthResult(success=data.password == b"s3cret")

    (letters / "campaign.yaml").write_text(
        "sender:\n  name: Test Coalition\n  email: coalition@example.org\n"
        "smtp:\n  username: coalition\n  ca_file: company-ca.pem\n"
    )
    box = Inbox()
    for _ in serve(
        monkeypatch,
        box,
        tls_context=tls_context,
        require_starttls=True,
        authenticator=authenticate,
        auth_require_tls=True,
    ):
        monkeypatch.setenv("CAMPAIGN_SMTP_SECURITY", "starttls")
        monkeypatch.setenv("CAMPAIGN_SMTP_PASSWORD", "s3cret")
        result = run("send", "test", "--send", "--limit", "1", workspace=letters)
    assert result.exit_code == 0, result.output
    assert logins == [(b"coalition", b"s3cret")]
    assert len(box.messages) == 1


def test_tls_settings_are_made_once_a_process_and_never_for_plain_smtp(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Reading the system's certificate authorities costs ~20 ms: not on every connection."""
    import trustme

    from campaign.mail.send import connect, hang_up, tls
    from campaign.model.records import Smtp

    authority = trustme.CA()
    tls_context = server_context(authority)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    made: list[object] = []
    make = ssl.create_default_context

    def counted(*args: Any, **kwargs: Any) -> ssl.SSLContext:
        made.append(kwargs.get("cafile"))
        return make(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counted)
    tls.cache_clear()
    plain, secured = Inbox(), Inbox()
    for box, settings in ((plain, {}), (secured, {"tls_context": tls_context})):
        for controller in serve(monkeypatch, box, require_starttls=bool(settings), **settings):
            security = "starttls" if settings else "none"
            smtp = Smtp(
                host="127.0.0.1", port=controller.port, security=security, ca_file=str(ca_file)
            )
            for _ in range(3):
                server = connect(smtp, "")
                assert server.noop()[0] == 250
                assert isinstance(server.sock, ssl.SSLSocket) == bool(settings)
                hang_up(server)
    assert made == [str(ca_file)]  # once, for the three secured connections alone


def test_a_password_in_the_workspace_is_refused(letters: Path) -> None:
    (letters / "campaign.yaml").write_text("smtp:\n  host: mail.example.org\n  password: hunter2\n")
    result = run("send", "test")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "campaign.yaml:3: the SMTP password must not be stored in the workspace\n"
        "  hint: remove it; set CAMPAIGN_SMTP_PASSWORD, or type it when 'campaign send' asks\n"
    )


def test_a_renamed_recipient_is_not_mailed_again_on_resume(letters: Path, inbox: Inbox) -> None:
    first = run("send", "test", "--send", "--limit", "2")
    assert first.exit_code == 0, first.output
    recipients = letters / "letters" / "test" / "recipients.yaml"
    # His PDF is now to/bo-t-member.pdf: the log must still know he has his letter.
    recipients.write_text(recipients.read_text().replace("Bo Member", "Bo T. Member"))
    resumed = run("send", "test", "--send", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert [m["To"] for m in inbox.messages] == [
        "Ada Minister <ada@ministry.example>",
        "Bo Member <bo@diet.example>",
        "Dee Member <dee@diet.example>",
        "Eve Member <eve@diet.example>",
        "Bob Deputy <bob@deputy.example>",
    ]
    assert resumed.stdout.endswith("Sent 3 of 3 messages.\n")
    log = [
        json.loads(line) for line in (letters / "build/test/sent.jsonl").read_text().splitlines()
    ]
    log = [e for e in log if "state" not in e]  # the accepted ones
    assert [(e["key"], e["role"], e["letter"], e["file"]) for e in log][:2] == [
        ("to:ada@ministry.example:test", "to", "test", "to/ada-minister.pdf"),
        ("to:bo@diet.example:test", "to", "test", "to/bo-member.pdf"),
    ]


def test_a_send_log_keyed_on_file_names_is_still_read(letters: Path, inbox: Inbox) -> None:
    # As the log was written before it was keyed on the person: the key holds the file.
    log = letters / "build" / "test" / "sent.jsonl"
    log.parent.mkdir(parents=True)
    old = [
        ("Ada Minister", "ada@ministry.example", "to/ada-minister.pdf"),
        ("Bob Deputy", "bob@deputy.example", "cc/bob-deputy.pdf"),
    ]
    log.write_text(
        "".join(
            json.dumps(
                {
                    "key": f"{file.split('/')[0]}:{address}:{file.split('/')[1]}",
                    "time": "2026-01-05T10:00:00+00:00",
                    "to": address,
                    "name": name,
                    "file": file,
                    "sha256": "0" * 64,
                    "message_id": "<1@example.org>",
                }
            )
            + "\n"
            for name, address, file in old
        )
    )
    recipients = letters / "letters" / "test" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("Ada Minister", "Ada K. Minister"))
    refused = run("send", "test", "--send")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: 2 of these messages were sent before (build/test/sent.jsonl); nothing was sent\n"
        "  hint: pass --resume to send the others; no one in the log is ever mailed twice\n"
    )
    resumed = run("send", "test", "--send", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert [m["To"] for m in inbox.messages] == [
        "Bo Member <bo@diet.example>",
        "Dee Member <dee@diet.example>",
        "Eve Member <eve@diet.example>",
    ]


def test_two_recipients_sharing_an_address_are_refused(letters: Path, inbox: Inbox) -> None:
    recipients = letters / "letters" / "test" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("eve@diet.example", "dee@diet.example"))
    result = run("send", "test")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "letters/test/recipients.yaml:17: 'Eve Member' has the same e-mail address as "
        "'Dee Member' (line 13); the send log could not tell their letters apart\n"
        "  hint: give each their own address, or leave one of them without and send that "
        "letter by hand\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert inbox.messages == []


def test_a_test_copy_says_where_it_went_and_whose_letter_it_is(letters: Path, inbox: Inbox) -> None:
    dry = run("send", "test", "--test-to", "me@example.org", "--limit", "1")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith(
        "would send: me@example.org (a test copy of the letter to Ada Minister "
        "<ada@ministry.example>) | [TEST] Test subject line | to/ada-minister.pdf ("
    )
    result = run("send", "test", "--send", "--test-to", "me@example.org", "--limit", "2")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-3:] == [
        "sent: me@example.org (a test copy of the letter to Ada Minister <ada@ministry.example>)",
        "sent: me@example.org (a test copy of the letter to Bo Member <bo@diet.example>)",
        "Sent 2 of 2 messages.",
    ]


def test_sending_without_a_mail_server_says_so_before_anything_else(
    letters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HOST", "PORT", "SECURITY", "FROM", "USERNAME"):
        monkeypatch.delenv(f"CAMPAIGN_SMTP_{name}", raising=False)
    result = run("send", "test", "--send")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "Error: no mail server: set smtp.host in campaign.yaml or CAMPAIGN_SMTP_HOST; "
        "nothing was sent\n"
    )
    assert not (letters / "build").exists()  # not even built


def test_one_mailbox_written_three_ways_is_one_person_in_the_log() -> None:
    # An attack review mailed one addressee again after her address was rewritten from
    # punycode to Unicode (and to another Unicode normal form): the log must not care.
    from campaign.mail.send import log_key

    spellings = ["ann@xn--exmple-cua.org", "ann@exämple.org", "Ann@exa\u0308mple.ORG"]
    assert {log_key("to", s, "x") for s in spellings} == {"to:ann@xn--exmple-cua.org:x"}
    assert log_key("to", "ann@example.org", "x") != log_key("to", "anne@example.org", "x")


def _stopped_in_send(monkeypatch: pytest.MonkeyPatch, closing: bool) -> Callable[[], None]:
    """Ctrl+C as Python raises it at the end of a send whose bytes have all gone out: of
    the message's text (``closing`` False), or of its closing '.' line. Returns how to
    put the send back."""
    import smtplib

    send = smtplib.SMTP.send

    def stopped(self: Any, data: Any) -> None:
        send(self, data)
        text = isinstance(data, bytes) and data.endswith(b"\r\n") and len(data) > 100
        if (text and not closing) or (closing and data == b".\r\n"):
            raise KeyboardInterrupt

    monkeypatch.setattr(smtplib.SMTP, "send", stopped)
    return lambda: monkeypatch.setattr(smtplib.SMTP, "send", send)


def test_a_ctrl_c_as_the_text_went_out_whole_but_not_its_end_is_not_sent(
    letters: Path, monkeypatch: pytest.MonkeyPatch, inbox: Inbox
) -> None:
    """Without the closing line the server cannot take it: not sent, and sent on --resume
    (taken for sent, the mark would hold every run; found by attack, 38 runs in 500)."""
    put_back = _stopped_in_send(monkeypatch, closing=False)
    stopped = run("send", "test", "--send")
    assert stopped.exit_code == 1 and stopped.stderr.endswith("Aborted!\n")
    put_back()
    states = [json.loads(line).get("state") for line in _log_lines(letters)]
    assert states == ["sending", "not sent"]
    resumed = run("send", "test", "--send")
    assert resumed.exit_code == 0, resumed.output
    assert sorted(m["To"] for m in inbox.wait_for(5)) == sorted(EVERYONE)


def test_a_ctrl_c_as_the_closing_line_went_out_holds_the_next_run(
    letters: Path, monkeypatch: pytest.MonkeyPatch, inbox: Inbox
) -> None:
    put_back = _stopped_in_send(monkeypatch, closing=True)
    stopped = run("send", "test", "--send")
    assert stopped.exit_code == 1 and stopped.stderr.endswith("Aborted!\n")
    put_back()
    assert [json.loads(line).get("state") for line in _log_lines(letters)] == ["sending"]
    held = run("send", "test", "--send", "--resume")
    assert (held.exit_code, held.stderr) == (
        1,
        PENDING.format(line=1, who="Ada Minister <ada@ministry.example>"),
    )


def test_a_ctrl_c_while_the_mark_is_written_takes_it_back(
    letters: Path, monkeypatch: pytest.MonkeyPatch, inbox: Inbox
) -> None:
    """Nothing was sent: held as 'may have gone out', it stopped every run (found by attack)."""
    from campaign.mail import send

    sending = send.SendLog.sending

    def interrupted(self: Any, item: Any, message: Any) -> None:
        sending(self, item, message)  # on disk; then the Ctrl+C
        raise KeyboardInterrupt

    monkeypatch.setattr(send.SendLog, "sending", interrupted)
    stopped = run("send", "test", "--send")
    assert stopped.exit_code == 1 and stopped.stderr.endswith("Aborted!\n")
    monkeypatch.setattr(send.SendLog, "sending", sending)
    assert [json.loads(line).get("state") for line in _log_lines(letters)] == [
        "sending",
        "not sent",
    ]
    assert inbox.messages == []
    resumed = run("send", "test", "--send")
    assert resumed.exit_code == 0, resumed.output


def test_the_log_is_read_at_line_feeds_alone_and_alike_by_send_and_status(tmp_path: Path) -> None:
    """A server's answer kept in a line may hold U+2028, where str.splitlines() cut the
    line in two and the log was unreadable (found by attack); an editor's BOM is no part
    of the first line; a state send does not know is no state status counts."""
    from campaign.mail.send import SendLog
    from campaign.mail.status import _sent

    folder = tmp_path / "test"
    folder.mkdir()
    log = folder / "sent.jsonl"
    first = {
        "key": "to:ada@ministry.example:test", "role": "to", "letter": "test",
        "to": "ada@ministry.example", "name": "Ada Minister", "file": "to/ada-minister.pdf",
    }  # fmt: skip
    lines = [
        {**first, "state": "sending"},
        {**first, "state": "not sent", "why": "550 5.7.1 rejected\u2028by policy"},
        {**first, "to": "bo@diet.example", "key": "to:bo@diet.example:test"},
    ]
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    log.write_text("\ufeff" + text, encoding="utf-8")
    assert SendLog(log, "test").sent == {"to:bo@diet.example:test"}
    assert sorted(_sent(folder)) == ["to:bo@diet.example:test"]
    log.write_text(text.replace('"not sent"', '"Sent"'), encoding="utf-8")
    with pytest.raises(CampaignError) as unreadable:
        SendLog(log, "test")
    said = str(unreadable.value).split("\n")[0]
    assert said.endswith("test/sent.jsonl:2: unreadable line in the send log")
    assert _sent(folder)["to:ada@ministry.example:test"]["state"] == "sending"


class _UnreadableAnswer(Inbox):
    """Takes each message, then answers without a code, as smtplib cannot read."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        await super().handle_DATA(server, session, envelope)
        return "OK queued as 1"


def test_an_answer_that_cannot_be_read_after_the_whole_message_holds_the_next_run(
    letters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """smtplib reads it as an error of its own (-1, or 500 for a line too long): taken for
    the server's refusal, the message it had taken was logged 'not sent' (found by attack)."""
    box = _UnreadableAnswer()
    for _ in serve(monkeypatch, box):
        stopped = run("send", "test", "--send")
        assert stopped.exit_code == 1
        assert (
            "the mail server's answer to the message to Ada Minister <ada@ministry.example> "
            "could not be read (-1 ueued as 1); it may have gone out; 5 not sent"
        ) in stopped.stderr
        held = run("send", "test", "--send", "--resume")
    assert (held.exit_code, held.stderr) == (
        1,
        PENDING.format(line=1, who="Ada Minister <ada@ministry.example>"),
    )
    assert [m["To"] for m in box.messages] == ["Ada Minister <ada@ministry.example>"]


def test_sigterm_and_sighup_stop_a_run_as_ctrl_c_unless_ignored(
    letters: Path, monkeypatch: pytest.MonkeyPatch, inbox: Inbox
) -> None:
    """Under nohup, SIGHUP stays ignored: taken over, a closed terminal stopped the run."""
    import signal

    seen: list[tuple[object, object]] = []
    _before_each_message(
        monkeypatch,
        lambda: seen.append((signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP))),
    )
    before = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        result = run("send", "test", "--send", "--limit", "1")
        after = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    finally:
        signal.signal(signal.SIGHUP, before)
    assert result.exit_code == 0, result.output
    assert seen == [(signal.default_int_handler, signal.SIG_IGN)]
    assert after == (signal.SIG_DFL, signal.SIG_IGN)
