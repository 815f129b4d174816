"""The sign-on page's mail worker, stopped while the mail server has an e-mail whole.

``signon serve`` stops its worker with SIGTERM each time it stops. The worker took it
as Ctrl+C, raised in the middle of sending: an e-mail the mail server had taken was
never marked sent, and went out again once its claim ran out (a second confirmation
e-mail to the same signer). Now it finishes and marks that e-mail, then stops. The
e-mails it had claimed with it, and not tried, it lets go of: they waited five minutes
for their claim to run out, after every restart of the server.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from signonharness import Client, _column, serve, submission, succeeded, use_smtp
from smtpbox import Inbox, listening
from smtpbox import serve as serve_smtp

from campaign.cli.signon import _stop_between_emails
from campaign.model import stops
from campaign.signon.app import state_of
from campaign.signon.worker import MailWorker

from conftest import stops_as_in_a_terminal
from signonpage import opened, sign


class _HeldInbox(Inbox):
    """Takes the whole of each message, and answers only once let go."""

    def __init__(self) -> None:
        super().__init__()
        self.arrived = threading.Event()
        self.go = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.arrived.set()
        await asyncio.get_running_loop().run_in_executor(None, self.go.wait, 60)
        answer: str = await super().handle_DATA(server, session, envelope)
        return answer


def _mail_worker(serving: int) -> int:
    """The ``signon worker`` process ``serve`` (``serving``) started."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes().split(b"\0")
        except (OSError, ValueError, IndexError):
            continue
        if parent == serving and b"worker" in command and b"signon" in command:
            return int(stat.parent.name)
    raise AssertionError("no mail worker")


def _threads(pid: int) -> int:
    """How many threads process ``pid`` runs."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    raise AssertionError(f"no thread count for process {pid}")


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_worker_stopped_while_the_server_has_an_email_sends_it_once_and_marks_it(
    example: Path,
) -> None:
    inbox = _HeldInbox()
    with listening(inbox) as controller:
        use_smtp(example, controller.port)
        server = serve(example)
        try:
            client = Client(server)
            form = client.page()
            fields = submission(0, form, tag="stop")
            assert succeeded(*client.sign(form, fields))
            client.close()
            assert inbox.arrived.wait(60), server.log()  # the whole e-mail is on the server
            worker = _mail_worker(server.process.pid)
            # One thread, that a stop reaches wherever it waits (the next test counts on it).
            assert _threads(worker) == 1
            os.kill(worker, signal.SIGTERM)  # as serve does when it stops
            time.sleep(1)  # time enough to be cut short, as it was
            assert _alive(worker), "the worker stopped before the server answered"
            inbox.go.set()
            deadline = time.monotonic() + 60
            while _alive(worker) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert not _alive(worker), "the worker did not stop once the e-mail was sent"
        finally:
            inbox.go.set()
            server.stop()
    assert [m["To"] for m in inbox.messages] == [fields["email"]]
    sent = _column(example, "", "SELECT recipient FROM outbox WHERE sent IS NOT NULL")
    assert sent == [fields["email"]], server.log()


def test_a_worker_stopped_in_a_batch_lets_go_of_the_rest_at_once(
    sending: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPAIGN_DATABASE", database_url)
    inbox = _HeldInbox()
    with contextmanager(serve_smtp)(monkeypatch, inbox), opened(sending) as app:
        client = app.test_client()
        for n in range(3):
            answer = sign(client, name=f"Signer Number{n}", email=f"signer{n}@example.org")
            assert answer.status_code == 200
        state = state_of(app)
        worker = MailWorker(state.store, state.page.mail_settings(), "")
        counted: list[int] = []
        sending_thread = threading.Thread(target=lambda: counted.append(worker.send_due()))
        sending_thread.start()
        try:
            assert inbox.arrived.wait(60)  # the first of the batch of three is on the server
            worker.stop_soon()
        finally:
            inbox.go.set()
            sending_thread.join(60)
        assert counted == [1]
        # The next worker (the server started again) sends the two others now.
        after = MailWorker(state.store, state.page.mail_settings(), "")
        assert after.send_due() == 2
    assert sorted(m["To"] for m in inbox.messages) == [f"signer{n}@example.org" for n in range(3)]


def _catches(pid: int, number: int) -> bool:
    """Whether process ``pid`` has a handler of its own for signal ``number``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (number - 1) & 1)
    return False


def test_a_worker_stopped_as_it_starts_says_stopped_and_ends_with_status_0(
    workspace: Path,
) -> None:
    """A stop before it sends (its imports, its database) and more stops as it ends.

    It said "Aborted!" with exit status 1 (a service manager's stop taken for a
    failure), or was killed by a stop that came as it exited.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "campaign", "signon", "worker", "test"],
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=stops_as_in_a_terminal,
    )
    deadline = time.monotonic() + 30
    while not _catches(process.pid, signal.SIGTERM):  # the command line has taken it
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.001)
    # Into its own start (the page's modules imported, its database opened), past the
    # command line's few milliseconds of choosing the command.
    time.sleep(0.2)
    for _ in range(300):  # a stop every 10 ms until it has ended (3 s)
        if process.poll() is not None:
            break
        process.send_signal(signal.SIGTERM)
        time.sleep(0.01)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out[-9:]) == (0, "Stopped.\n"), err
    assert "Traceback" not in err
    assert "Aborted" not in err


def test_a_second_stop_while_the_server_holds_an_email_stops_the_worker_at_once(
    sending: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It said goodbye in the middle of the e-mail: read as its text, the QUIT was
    answered by nobody, and the worker waited out the connection's minute."""
    monkeypatch.setenv("CAMPAIGN_DATABASE", database_url)
    inbox = _HeldInbox()
    handlers = {number: signal.getsignal(number) for number in stops.STOPS}
    with contextmanager(serve_smtp)(monkeypatch, inbox), opened(sending) as app:
        assert sign(app.test_client()).status_code == 200
        state = state_of(app)
        worker = MailWorker(state.store, state.page.mail_settings(), "")
        _stop_between_emails(worker)

        main = threading.main_thread().ident
        assert main is not None

        def stop_twice() -> None:
            inbox.arrived.wait(60)  # the whole e-mail is on the server, its answer held
            for _ in range(2):
                # Once the worker waits for the answer: a stop that lands as it goes
                # from sending to waiting is seen only when the wait is interrupted, by
                # the next stop, and the two then count as one (Python's signals are
                # flags). To the main thread, as in the worker's own process, which has
                # no other: handed by the kernel to another thread of this one, a stop
                # does not interrupt the main thread's wait at all.
                time.sleep(0.3)
                signal.pthread_kill(main, signal.SIGTERM)

        threading.Thread(target=stop_twice, daemon=True).start()
        began = time.monotonic()
        try:
            with pytest.raises(KeyboardInterrupt):
                worker.send_due()
            took = time.monotonic() - began
        finally:
            inbox.go.set()
            for number, handler in handlers.items():
                signal.signal(number, handler)
    assert took < 10
