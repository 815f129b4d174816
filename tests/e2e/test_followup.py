"""``campaign log`` and ``campaign status``: replies recorded, and how each letter left."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from smtpbox import Inbox

from conftest import run

RECIPIENTS = (
    "to:\n"
    "  - name: Ada Minister\n    email: ada@ministry.example\n    address: [Street 1, City]\n"
    "  - name: Cy Nomail\n    address: [Street 3, City]\n"
    "cc:\n"
    "  - name: Bob Deputy\n    email: bob@deputy.example\n    address: [Street 2, City]\n"
)


@pytest.fixture
def letter(sending: Path) -> Path:
    """The sending workspace: two addressees (one without e-mail) and one cc."""
    (sending / "letters" / "test" / "recipients.yaml").write_text(RECIPIENTS)
    return sending


def test_status_after_a_send_and_a_log(letter: Path, inbox: Inbox, tmp_path: Path) -> None:
    sent = run("send", "test", "--send")
    assert sent.exit_code == 0, sent.output
    reply = tmp_path / "answer.pdf"
    reply.write_bytes(b"%PDF-1.4 the minister's answer")
    logged = run(
        "log", "test", "Thanked us; will answer in writing.", "--from", "ada minister",
        "--file", str(reply), "--date", "2024-05-20",
    )  # fmt: skip
    assert logged.exit_code == 0, logged.output
    assert logged.stdout == (
        "logged from Ada Minister on 2024-05-20: Thanked us; will answer in writing.\n"
        f"  copied {reply} to letters/test/replies/2024-05-20-ada-minister.pdf\n"
    )
    assert (letter / "letters/test/replies/2024-05-20-ada-minister.pdf").read_bytes() == (
        reply.read_bytes()
    )
    event = run("log", "test", "Press conference", "--date", "2024-05-21")
    assert event.stdout == "logged on 2024-05-21: Press conference\n"
    assert (
        (letter / "letters/test/log.yaml")
        .read_text()
        .endswith(
            "log:\n"
            "  - date: 2024-05-20\n"
            "    from: Ada Minister\n"
            "    text: Thanked us; will answer in writing.\n"
            "    file: replies/2024-05-20-ada-minister.pdf\n"
            "  - date: 2024-05-21\n"
            "    text: Press conference\n"
        )
    )
    built = letter / "build" / "test"
    made = dt.datetime(2024, 5, 19, 12, tzinfo=dt.UTC).timestamp()
    os.utime(built / "print.pdf", (made, made))
    times = {}
    for line in (built / "sent.jsonl").read_text().splitlines():
        entry = json.loads(line)
        stamp = dt.datetime.fromisoformat(entry["time"]).astimezone(dt.UTC)
        times[entry["name"]] = stamp.strftime("%Y-%m-%d %H:%M UTC")
    rows = (built / "mailing.csv").read_text().splitlines()
    assert rows[2].startswith("2,Cy Nomail,to,to/cy-nomail.pdf,1,1,3,")
    result = run("status", "test")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "test: 2 to, 1 in cc; 2 of 3 sent by e-mail, 1 printed for the post; 1 replied\n"
        f"Ada Minister (to): e-mail, {times['Ada Minister']} (to/ada-minister.pdf)\n"
        "  reply 2024-05-20: Thanked us; will answer in writing. "
        "[replies/2024-05-20-ada-minister.pdf]\n"
        "Cy Nomail (to): post, print.pdf page 3 (mailing.csv order 2), made 2024-05-19\n"
        "  no reply\n"
        f"Bob Deputy (cc): e-mail, {times['Bob Deputy']} (cc/bob-deputy.pdf)\n"
        "  no reply\n"
        "Other events:\n"
        "  2024-05-21: Press conference\n"
    )


def test_status_before_anything_was_sent(letter: Path) -> None:
    result = run("status", "test")
    assert result.exit_code == 0, result.output
    not_sent = "not sent: not in sent.jsonl, no print.pdf (run 'campaign build' or 'send')"
    assert result.stdout == (
        "test: 2 to, 1 in cc; 0 of 3 sent by e-mail, 0 printed for the post; 0 replied\n"
        f"Ada Minister (to): {not_sent}\n  no reply\n"
        f"Cy Nomail (to): {not_sent}\n  no reply\n"
        f"Bob Deputy (cc): {not_sent}\n  no reply\n"
    )


def test_a_reply_from_someone_not_a_recipient_is_refused(letter: Path) -> None:
    result = run("log", "test", "Hello", "--from", "Ada Ministr")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --from 'Ada Ministr' is not a recipient of this letter; nothing was logged\n"
        "  hint: did you mean 'Ada Minister'?\n"
    )
    assert not (letter / "letters/test/log.yaml").exists()


def test_a_bad_log_is_reported_at_its_lines_by_check_and_status(letter: Path) -> None:
    (letter / "letters/test/log.yaml").write_text(
        "log:\n"
        "  - date: 2024-13-01\n"
        "    text: A reply\n"
        "  - date: 2024-05-02\n"
        "    from: Nobody Known\n"
        "    text: Hello\n"
        "    file: ../../campaign.yaml\n"
        "  - date: 2024-05-03\n"
    )
    expected = (
        "letters/test/log.yaml:2: 'date' is not a valid date: '2024-13-01': there is no month 13\n"
        "  hint: correct the day or the month; the date is written YYYY-MM-DD\n"
        "letters/test/log.yaml:5: 'Nobody Known' is not a recipient of this letter\n"
        "  hint: name an addressee or a person in cc as recipients.yaml writes them, "
        "or leave 'from' out\n"
        "letters/test/log.yaml:7: '../../campaign.yaml' is outside the letter's folder\n"
        "  hint: 'campaign log --file' copies a reply into the letter's folder; "
        "give its name there\n"
        "letters/test/log.yaml:8: log entry has no 'text'\n"
        "  hint: add 'text: ...', what was said or happened\n"
    )
    status = run("status", "test")
    assert status.exit_code == 1
    assert status.stderr == expected + "Error: 4 problems in 1 file; nothing was written\n"
    check = run("check", "test")
    assert check.exit_code == 1
    assert check.stderr.startswith(expected)
    logged = run("log", "test", "More")
    assert logged.exit_code == 1
    assert logged.stderr.startswith(expected)
