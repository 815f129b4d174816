"""SIGKILL in the middle of a load: every submission that was answered "check your inbox" is
in the database afterwards, and the server starts again on that database."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from signonharness import (
    Client,
    Inbox,
    Server,
    claimed_confirmations,
    queued_confirmations,
    recipients,
    serve,
    smtp_server,
    stored_emails,
    submission,
    succeeded,
    use_smtp,
)

from campaign.signon.store import CLAIM_BATCH

CLIENTS = 16
KILL_AFTER = 120  # successful submissions before the kill: well inside the load
PER_CLIENT = 60  # bounded: the load stops by itself even if the kill never comes


@pytest.fixture
def mail() -> Iterator[tuple[Inbox, int]]:
    with smtp_server() as started:
        yield started


def load(server: Server, answered: list[str], refused: list[str], stop: threading.Event) -> None:
    """CLIENTS visitors submitting at once until the server goes away."""

    def visitor(k: int) -> None:
        client = Client(server, timeout=10)
        try:
            form = client.page()
            for n in range(PER_CLIENT):
                fields = submission(k * PER_CLIENT + n, form, tag="kill")
                status, text = client.sign(form, fields)
                (answered if succeeded(status, text) else refused).append(fields["email"])
                if stop.is_set():
                    return
        except OSError:
            return  # the server is gone: what was answered so far is what counts
        finally:
            client.close()

    threads = [threading.Thread(target=visitor, args=(k,)) for k in range(CLIENTS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 60
    while len(answered) < KILL_AFTER and time.monotonic() < deadline:
        time.sleep(0.01)
    server.kill()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_every_answered_submission_survives_sigkill(
    example: Path, mail: tuple[Inbox, int], backend: str, request: pytest.FixtureRequest
) -> None:
    use_smtp(example, mail[1])
    database = request.getfixturevalue("postgres_url") if backend == "postgresql" else ""
    server = serve(example, "--workers", "2", database=database)  # the master and two
    answered: list[str] = []
    refused: list[str] = []
    load(server, answered, refused, threading.Event())
    assert server.process.returncode == -9
    assert refused == [], server.log()
    assert len(answered) >= KILL_AFTER
    assert len(answered) < CLIENTS * PER_CLIENT  # killed in the middle, not after the end

    stored = stored_emails(example, database)
    missing = sorted(set(answered) - set(stored))
    assert missing == [], f"{len(missing)} answered submissions lost: {missing[:5]}"
    assert len(stored) == len(set(stored))  # none twice
    # What the killed worker had taken and not sent yet: at most the one batch it was on.
    held = set(claimed_confirmations(example, database))
    assert len(held) <= CLAIM_BATCH

    # The server starts again on the same database, takes new submissions and mails on.
    again = serve(example, database=database)
    try:
        client = Client(again)
        form = client.page()
        status, text = client.sign(form, submission(10_000, form, "after"))
        assert succeeded(status, text), text
        assert len(stored_emails(example, database)) == len(stored) + 1
        # Every stored submission's confirmation is in the outbox and goes out: at once, but
        # for the batch the killed worker had claimed, which waits for its claim to time out
        # (another instance may be sending it).
        everyone = {*stored, "after10000@signers.example"}
        assert set(queued_confirmations(example, database)) == everyone
        expected = everyone - held
        mailed = mail[0].wait_until(lambda got: expected <= recipients(got), timeout=60)
        assert expected - recipients(mailed) == set()
    finally:
        assert again.stop() == 0, again.log()
