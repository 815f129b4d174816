"""Attacks on the TLS settings kept once a process (``campaign.mail.send.tls``) and on
``smtp.ca_file`` read relative to campaign.yaml. Everything stays on 127.0.0.1."""

from __future__ import annotations

import smtplib
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme
from smtpbox import Inbox, listening, server_context

from campaign.errors import CampaignError
from campaign.load.records import load_settings
from campaign.mail.send import connect, hang_up, tls
from campaign.model.records import Settings, Smtp
from campaign.signon.store import Mail
from campaign.signon.worker import MailWorker

from conftest import run

HINT = (
    "name a PEM file of the mail server's certificate authority (a relative name is read"
    " from campaign.yaml's folder), or remove ca_file to trust the system's"
)


class Counted(Inbox):
    """An inbox that also counts the clients that said EHLO (a connection opened)."""

    def __init__(self) -> None:
        super().__init__()
        self.greetings = 0

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        self.greetings += 1
        session.host_name = hostname
        return responses


@pytest.fixture(autouse=True)
def fresh_tls() -> Iterator[None]:
    """Each test starts with no TLS settings kept (and leaves none to the next)."""
    tls.cache_clear()
    yield
    tls.cache_clear()


@pytest.fixture
def letter(minimal: Path) -> Path:
    """The minimal workspace, its letter to one addressee with an e-mail address."""
    (minimal / "letters" / "test" / "recipients.yaml").write_text(
        "to:\n  - name: Ada Minister\n    salutation: Dear Minister,\n"
        "    email: ada@ministry.example\n    address: [Street 1, City]\n"
    )
    return minimal


def send_through(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, workspace: Path, port: int
) -> Any:
    """``campaign -C WORKSPACE send test --send``, run from another folder, STARTTLS to ``port``."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(exist_ok=True)
    monkeypatch.chdir(elsewhere)
    for name, value in (
        ("HOST", "127.0.0.1"),
        ("PORT", str(port)),
        ("SECURITY", "starttls"),
        ("PER_MINUTE", "100000"),
    ):
        monkeypatch.setenv(f"CAMPAIGN_SMTP_{name}", value)
    return run("send", "test", "--send", workspace=workspace)


def settings_with(workspace: Path, ca_file: str) -> None:
    (workspace / "campaign.yaml").write_text(
        "sender:\n  name: Test Coalition\n  email: coalition@example.org\n"
        f"smtp:\n  ca_file: {ca_file}\n"
    )


# --- Breaks -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (None, "no such file"),
        (
            "hello, not a certificate\n",
            "it holds no certificate in PEM form (-----BEGIN CERTIFICATE-----)",
        ),
        ("", "it holds no certificate in PEM form (-----BEGIN CERTIFICATE-----)"),
        ("folder", "it is a folder, not a file"),
    ],
    ids=["missing", "not-pem", "empty", "folder"],
)
def test_an_unusable_ca_file_is_named_and_no_connection_is_opened(
    letter: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, make: str | None, why: str
) -> None:
    """Broke: a missing or non-PEM CA file read 'cannot reach the mail server 127.0.0.1:PORT:
    [Errno 2] No such file or directory' (or '[X509: NO_CERTIFICATE_OR_CRL_FOUND] ...'),
    naming neither the file nor the setting, after connecting (and leaving the connection
    open); before the change it was a FileNotFoundError traceback."""
    ca = letter / "company ca.pem"  # a space in the name, relative to campaign.yaml
    if make == "folder":
        ca.mkdir()
    elif make is not None:
        ca.write_text(make)
    settings_with(letter, "company ca.pem")
    box = Counted()
    with listening(box, tls_context=server_context(trustme.CA()), require_starttls=True) as c:
        result = send_through(monkeypatch, tmp_path, letter, c.port)
    assert result.exit_code == 1
    assert result.stderr == f"Error: cannot use smtp.ca_file {ca}: {why}\n  hint: {HINT}\n"
    assert box.greetings == 0
    assert box.messages == []


def test_a_ca_file_in_an_unknown_users_home_is_a_problem_not_a_traceback(
    letter: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: '~nosuchuser/ca.pem' raised RuntimeError ('Could not determine home
    directory.') while campaign.yaml was read: a traceback from every command."""
    monkeypatch.chdir(letter)
    settings_with(letter, "~no-such-user-zq/ca.pem")
    result = run("send", "test")
    assert result.exit_code == 1
    assert result.stderr == (
        "campaign.yaml:5: 'ca_file' starts with '~no-such-user-zq', a home folder that "
        "cannot be found\n"
        "  hint: write the file's folder out in full, or relative to campaign.yaml\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


class Outbox:
    """The worker's store, reduced to what ``MailWorker._send`` tells it."""

    def __init__(self) -> None:
        self.failures: list[tuple[int, str, bool]] = []
        self.done: list[int] = []

    def failed(self, ident: int, attempts: int, reason: str, retry: bool) -> bool:
        self.failures.append((ident, reason, retry))
        return retry

    def sent(self, idents: list[int]) -> None:
        self.done.extend(idents)


def test_the_worker_says_which_ca_file_is_missing_and_sends_once_it_is_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker's failed e-mail names the file (it said 'cannot reach the mail server');
    a file put right is read at the next batch: a failure is not kept for the process."""
    authority = trustme.CA()
    (tmp_path / "ws").mkdir()
    (tmp_path / "elsewhere").mkdir()
    ca = tmp_path / "ws" / "ca.pem"
    monkeypatch.chdir(tmp_path / "elsewhere")  # the worker runs from anywhere: the path in full
    box = Inbox()
    with listening(box, tls_context=server_context(authority), require_starttls=True) as c:
        smtp = Smtp(
            host="127.0.0.1",
            port=c.port,
            security="starttls",
            sender="coalition@example.org",
            ca_file=str(ca),
        )
        store = Outbox()
        worker = MailWorker(store, Settings(smtp=smtp), "")  # type: ignore[arg-type]
        mail = Mail(id=1, recipient="ada@example.org", subject="Confirm", body="Hi", attempts=0)
        assert worker._send([mail]) == 0
        assert store.failures == [
            (1, f"cannot use smtp.ca_file {ca}: no such file\n  hint: {HINT}", True)
        ]
        authority.cert_pem.write_to_path(str(ca))
        assert worker._send([mail]) == 1
        assert store.done == [1]
        assert [m["To"] for m in box.wait_for(1)] == ["ada@example.org"]


# --- What held --------------------------------------------------------------------


def test_a_workspace_does_not_trust_another_workspaces_ca_of_the_same_name(
    tmp_path: Path,
) -> None:
    """Two workspaces in one process, each with its own 'ca.pem': each trusts its own."""
    first, second = trustme.CA(), trustme.CA()
    smtps = []
    for name, authority in (("one", first), ("two", second)):
        folder = tmp_path / name
        folder.mkdir()
        authority.cert_pem.write_to_path(str(folder / "ca.pem"))
        (folder / "campaign.yaml").write_text("smtp:\n  ca_file: ca.pem\n")
        problems: list[Any] = []
        smtps.append(load_settings(folder / "campaign.yaml", problems).smtp)
        assert problems == []
    assert [s.ca_file for s in smtps] == [str(tmp_path / n / "ca.pem") for n in ("one", "two")]
    with listening(Inbox(), tls_context=server_context(first), require_starttls=True) as c:
        one, two = (Smtp(host="127.0.0.1", port=c.port, ca_file=s.ca_file) for s in smtps)
        hang_up(connect(one, ""))
        with pytest.raises(CampaignError, match="certificate verify failed"):
            connect(two, "")
        hang_up(connect(one, ""))  # and the failure did not spoil the first
    assert tls.cache_info().currsize == 2


def test_the_kept_settings_still_check_each_new_servers_certificate(tmp_path: Path) -> None:
    """A server whose certificate changes: a new one from the trusted CA is taken, one
    from another CA or for another name is refused, however often the settings served."""
    trusted, stranger = trustme.CA(), trustme.CA()
    ca = tmp_path / "ca.pem"
    trusted.cert_pem.write_to_path(str(ca))
    outcomes: list[str] = []
    for authority, names in (
        (trusted, ()),
        (stranger, ()),
        (trusted, ("localhost",)),  # trusted CA, wrong name
        (trusted, ()),  # renewed
    ):
        context = server_context(authority, *names)
        for security in ("starttls", "tls"):
            served: dict[str, Any] = (
                {"tls_context": context, "require_starttls": True}
                if security == "starttls"
                else {"ssl_context": context}
            )
            with listening(Inbox(), **served) as c:
                smtp = Smtp(host="127.0.0.1", port=c.port, security=security, ca_file=str(ca))
                try:
                    hang_up(connect(smtp, ""))
                    outcomes.append("ok")
                except CampaignError as exc:
                    assert exc.message.startswith(
                        f"cannot reach the mail server 127.0.0.1:{c.port}"
                    )
                    outcomes.append(
                        "name"
                        if "mismatch, certificate is not valid for '127.0.0.1'" in exc.message
                        else "untrusted"
                    )
    assert outcomes == ["ok", "ok", "untrusted", "untrusted"] + ["name"] * 2 + ["ok", "ok"]
    assert tls.cache_info().currsize == 1
    # Only the workspace's CA: not the system's as well (the docs said 'an extra' one).
    assert len(tls(str(ca)).get_ca_certs()) == 1
    assert tls(str(ca)).check_hostname is True
    assert tls(str(ca)).verify_mode == ssl.CERT_REQUIRED


def test_threads_sharing_the_settings_each_check_their_server(tmp_path: Path) -> None:
    """Worker threads connecting at once through one SSLContext: each to a trusted server
    gets through, each to an untrusted one is refused, none is mixed up with another."""
    trusted, stranger = trustme.CA(), trustme.CA()
    ca = tmp_path / "ca.pem"
    trusted.cert_pem.write_to_path(str(ca))
    results: dict[tuple[str, int], str] = {}
    with (
        listening(Inbox(), tls_context=server_context(trusted), require_starttls=True) as good,
        listening(Inbox(), tls_context=server_context(stranger), require_starttls=True) as bad,
    ):
        start = threading.Barrier(8)

        def attempt(kind: str, port: int, number: int) -> None:
            smtp = Smtp(host="127.0.0.1", port=port, security="starttls", ca_file=str(ca))
            start.wait()
            for round_ in range(3):
                try:
                    server = connect(smtp, "")
                    assert isinstance(server.sock, ssl.SSLSocket)
                    assert server.noop()[0] == 250
                    hang_up(server)
                    results[(kind, number * 3 + round_)] = "ok"
                except (CampaignError, smtplib.SMTPException) as exc:
                    results[(kind, number * 3 + round_)] = type(exc).__name__

        threads = [
            threading.Thread(target=attempt, args=(kind, c.port, n))
            for n in range(4)
            for kind, c in (("good", good), ("bad", bad))
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert sorted(v for (k, _), v in results.items() if k == "good") == ["ok"] * 12
    assert sorted(v for (k, _), v in results.items() if k == "bad") == ["CampaignError"] * 12


def test_home_absolute_and_relative_ca_files_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    folder = tmp_path / "ws"
    folder.mkdir()
    found = {}
    for written in ("~/ca.pem", str(tmp_path / "abs.pem"), "certs/a b.pem", "'0123'"):
        (folder / "campaign.yaml").write_text(f"smtp:\n  ca_file: {written}\n")
        problems: list[Any] = []
        found[written] = load_settings(folder / "campaign.yaml", problems).smtp.ca_file
        assert problems == []
    assert found == {
        "~/ca.pem": str(home / "ca.pem"),
        str(tmp_path / "abs.pem"): str(tmp_path / "abs.pem"),
        "certs/a b.pem": str(folder / "certs" / "a b.pem"),
        "'0123'": str(folder / "0123"),
    }
    (folder / "campaign.yaml").write_text("smtp:\n  ca_file: [a.pem]\n")
    problems = []
    assert load_settings(folder / "campaign.yaml", problems).smtp.ca_file == ""
    assert [p.message for p in problems] == ["'ca_file' must be text, not a list"]


def test_plain_smtp_never_reads_the_ca_file(tmp_path: Path) -> None:
    """security: none with a CA file that is not there: the message goes, no TLS is made."""
    box = Inbox()
    with listening(box) as c:
        smtp = Smtp(host="127.0.0.1", port=c.port, security="none", ca_file=str(tmp_path / "x"))
        server = connect(smtp, "")
        assert not isinstance(server.sock, ssl.SSLSocket)
        hang_up(server)
    assert tls.cache_info().currsize == 0
