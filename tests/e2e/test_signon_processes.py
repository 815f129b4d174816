"""Several server processes on one database: ``signon serve --workers N``, and two servers
on one SQLite file. Nothing is lost or stored twice, and the limits hold across them."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from signonharness import (
    Client,
    Server,
    queued_confirmations,
    serve,
    stored_emails,
    submission,
    succeeded,
    use_smtp,
)

from campaign.model.records import SignonSettings

CLIENTS = 12
PER_CLIENT = 15
SHARED = 3  # addresses every client sends too, through both servers at once
PER_EMAIL = SignonSettings().per_email  # e-mails to one address an hour, by default


def children(pid: int) -> list[int]:
    """The processes ``pid`` has forked (its gunicorn workers)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(child) for child in (task / "children").read_text().split()]
    return found


def test_two_servers_of_two_processes_each_on_one_sqlite_file_lose_and_double_nothing(
    example: Path,
) -> None:
    use_smtp(example, 9)  # no mail is sent here (--no-worker): the outbox is read instead
    servers = [serve(example, "--workers", "2", "--no-worker") for _ in range(2)]
    try:
        # The first worker answers before the master has forked the second, at times.
        deadline = time.monotonic() + 30
        while [len(children(s.process.pid)) for s in servers] != [2, 2]:
            assert time.monotonic() < deadline, [children(s.process.pid) for s in servers]
            time.sleep(0.05)
        answered: list[str] = []
        refused: list[str] = []

        def visitor(k: int) -> None:
            client = Client(servers[k % 2])
            form = client.page()
            for n in range(PER_CLIENT):
                fields = submission(k * PER_CLIENT + n, form, tag="procs")
                if n < SHARED:  # the same few addresses from every client at once
                    fields["email"] = f"shared{n}@signers.example"
                status, text = client.sign(form, fields)
                (answered if succeeded(status, text) else refused).append(fields["email"])
            client.close()

        threads = [threading.Thread(target=visitor, args=(k,)) for k in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert refused == []
        assert len(answered) == CLIENTS * PER_CLIENT
        stored = stored_emails(example)
        assert sorted(stored) == sorted(set(answered))  # each address once, none lost
        assert len(stored) == CLIENTS * (PER_CLIENT - SHARED) + SHARED
        # Every answered submission queued its e-mail, but for the limit per address (the
        # default's), which holds across the four processes.
        queued = queued_confirmations(example)
        shared = sorted({f"shared{n}@signers.example" for n in range(SHARED)})
        assert sorted(q for q in queued if q.startswith("procs")) == sorted(
            a for a in answered if a.startswith("procs")
        )
        assert sorted(q for q in queued if q.startswith("shared")) == sorted(
            shared * min(CLIENTS, PER_EMAIL)
        )
    finally:
        assert [s.stop() for s in servers] == [0, 0], [s.log() for s in servers]


def test_the_limit_per_client_holds_across_processes_and_servers(example: Path) -> None:
    use_smtp(example, 9)
    config = example / "campaign.yaml"
    config.write_text(config.read_text().replace("  per_address: 0\n", "  per_address: 5\n"))
    servers: list[Server] = [serve(example, "--workers", "2", "--no-worker") for _ in range(2)]
    try:
        outcomes: list[int] = []

        def visitor(k: int) -> None:
            client = Client(servers[k % 2])
            form = client.page()
            for n in range(3):
                status, text = client.sign(form, submission(k * 3 + n, form, tag="limit"))
                outcomes.append(200 if succeeded(status, text) else status)
            client.close()

        threads = [threading.Thread(target=visitor, args=(k,)) for k in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == [200] * 5 + [429] * 13
        assert len(stored_emails(example)) == 5
    finally:
        assert [s.stop() for s in servers] == [0, 0], [s.log() for s in servers]
