"""The sign-on page from outside: its server process, an SMTP inbox, and an HTTP client.

Shared by the end-to-end tests (tests/e2e/test_signon_*.py) and ``make bench``
(bench/signonbench.py); everything runs on 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path

import sqlalchemy as sa
from smtpbox import Inbox, listening, text_of

from conftest import stops_as_in_a_terminal

SLUG = "japan-hrc-2020"
LIST = "japan-hrc-2020"
LINK = re.compile(r"https?://[^\s<>\"]+/(confirm|withdraw)/[^\s<>\"]+")


# --- Mail ---------------------------------------------------------------------------


def recipients(messages: list[EmailMessage]) -> set[str]:
    """The addresses the messages went to."""
    return {address.addr_spec for m in messages for address in m["To"].addresses}


def links(message: EmailMessage) -> dict[str, str]:
    """The message's confirm and withdraw links, by kind."""
    return {found.group(1): found.group(0) for found in LINK.finditer(text_of(message))}


@contextmanager
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    """An SMTP server on 127.0.0.1 and a free port, collecting into an Inbox."""
    inbox = Inbox()
    with listening(inbox) as controller:
        yield inbox, controller.port


def use_smtp(workspace: Path, port: int) -> None:
    """Point the workspace's ``smtp:`` settings (those ``campaign send`` uses) at ``port``."""
    config = workspace / "campaign.yaml"
    config.write_text(
        config.read_text() + "smtp:\n  host: 127.0.0.1\n"
        f"  port: {port}\n  security: none\n  per_minute: 100000\n"
        # Every test client comes from 127.0.0.1: no limit per address here.
        "signon:\n  per_address: 0\n"
    )


# --- The server ---------------------------------------------------------------------


@dataclass
class Server:
    """A ``campaign signon serve`` process and the URL it printed."""

    process: subprocess.Popen[str]
    url: str
    stderr: Path

    @property
    def address(self) -> tuple[str, int]:
        parts = urllib.parse.urlsplit(self.url)
        return parts.hostname or "127.0.0.1", parts.port or 80

    def stop(self) -> int:
        """SIGTERM, as a service manager stops it; returns the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def kill(self) -> None:
        """SIGKILL to every process of the server at once: no handler, no cleanup, as when
        the machine stops or a service manager kills the whole group.

        The master and its server processes are one process group; the mail worker the
        master starts is a session of its own (so that Ctrl+C in a terminal reaches the
        server alone), which a kill of the group misses: left alive, it went on with the
        e-mails it had claimed, and nothing was ever left claimed by a killed worker.
        """
        # Found while the master lives: once it is gone, its children are init's.
        for group in _child_groups(self.process.pid) - {self.process.pid}:
            with suppress(ProcessLookupError):  # it ended by itself meanwhile
                os.killpg(group, signal.SIGKILL)
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def log(self) -> str:
        return self.stderr.read_text(errors="replace")


def _child_groups(pid: int) -> set[int]:
    """The process groups of the live processes whose parent is ``pid``."""
    groups = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # state, parent, group, ... after the command's name (which may hold anything)
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        if int(fields[1]) == pid and fields[0] != "Z":
            groups.add(int(fields[2]))
    return groups


def serve(
    workspace: Path,
    *options: str,
    slug: str = SLUG,
    database: str = "",
    stderr: Path | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = 60,
) -> Server:
    """Start ``campaign signon serve`` on a free port of 127.0.0.1; returns once it listens."""
    # Port 0: the server binds a free port itself and says which. A port found free here
    # first could be taken by another test's server before this one binds it.
    stderr = stderr or Path(tempfile.mkstemp(".err", "signon-", workspace.parent)[1])
    command = [sys.executable, "-m", "campaign", "-C", str(workspace), "signon", "serve", slug]
    command += ["--host", "127.0.0.1", "--port", "0", *options]
    if database:
        command += ["--database", database]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=stderr.open("w"),
        text=True,
        env={**os.environ, **(env or {})},
        cwd=workspace,  # not a checkout, whose campaign/ would shadow the installed one
        # Ctrl+C, SIGTERM and SIGHUP as in a terminal, even when the tests run in the
        # background or under nohup.
        preexec_fn=stops_as_in_a_terminal,
        start_new_session=True,  # its own process group: kill() reaches every process
    )
    assert process.stdout is not None
    first = process.stdout.readline()
    serving = re.match(rf"Serving {re.escape(slug)} at (http://127\.0\.0\.1:\d+)/ ", first)
    assert serving, f"{first!r}\n{stderr.read_text()}"
    server = Server(process, serving.group(1), stderr)
    deadline = time.monotonic() + timeout
    while True:  # the line may come before the socket listens
        try:
            status, _ = Client(server).get("/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        assert process.poll() is None, server.log()
        assert time.monotonic() < deadline, f"not healthy after {timeout} s\n{server.log()}"
        time.sleep(0.1)


# --- The client ---------------------------------------------------------------------


@dataclass
class Form:
    """What the page's form offers: its hidden fields and each select's option values."""

    hidden: dict[str, str] = field(default_factory=dict)
    options: dict[str, list[str]] = field(default_factory=dict)


class _FormReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.form = Form()
        self._select = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "input" and found.get("type") == "hidden" and "name" in found:
            self.form.hidden[found["name"]] = found.get("value", "")
        elif tag == "select":
            self._select = found.get("name", "")
            self.form.options.setdefault(self._select, [])
        elif tag == "option" and self._select and found.get("value"):
            self.form.options[self._select].append(found["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = ""


def read_form(html: str) -> Form:
    """The form of the sign-on page."""
    reader = _FormReader()
    reader.feed(html)
    return reader.form


class Client:
    """One visitor: one keep-alive connection and its cookies."""

    def __init__(self, server: Server, timeout: float = 30) -> None:
        self.server = server
        self.host, self.port = server.address
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: Mapping[str, str] = {}
    ) -> tuple[int, str]:
        """Status and text of one request; a dropped keep-alive connection is opened again."""
        if path.startswith("http"):
            path = urllib.parse.urlsplit(path).path
        sent = dict(headers)
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            self._conn.request(method, path, body=body, headers=sent)
            response = self._conn.getresponse()
            text = response.read().decode("utf-8", errors="replace")
        except OSError:
            self.close()
            raise
        except http.client.HTTPException as exc:  # a reply cut short counts as no reply
            self.close()
            raise ConnectionError(f"{method} {path}: {exc!r}") from exc
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        if response.will_close:
            self.close()
        return response.status, text

    def get(self, path: str) -> tuple[int, str]:
        return self.request("GET", path)

    def post(self, path: str, fields: Mapping[str, str]) -> tuple[int, str]:
        return self.request("POST", path, urllib.parse.urlencode(fields).encode())

    def page(self) -> Form:
        """Open the sign-on page; returns its form."""
        status, html = self.get("/")
        assert status == 200, html[:2000]
        return read_form(html)

    def sign(self, form: Form, fields: Mapping[str, str]) -> tuple[int, str]:
        """Submit the form with its hidden fields and ``fields``."""
        return self.post("/", {**form.hidden, **fields})

    def confirm(self, link: str, form: Form) -> tuple[int, str]:
        """Press a confirmation link's button: a POST with the session's form token."""
        return self.post(link, {"csrf_token": form.hidden["csrf_token"]})


def submission(n: int, form: Form, tag: str = "load") -> dict[str, str]:
    """The fields of the ``n``-th made-up signer (a unique e-mail address each)."""
    groups = form.options.get("group") or ["international"]
    return {
        "name": f"{tag.title()} Signer {n}",
        "kind": "individual",
        "affiliation": f"Benchmark Institute {n % 97}",
        "country": "JP",
        "email": f"{tag}{n}@signers.example",
        "group": groups[n % len(groups)],
        "print_consent": "yes",
        "homepage": "",
    }


def succeeded(status: int, text: str) -> bool:
    """Whether a submission got the 'check your inbox' page."""
    return status == 200 and "inbox" in text.casefold()


# --- The database, read directly ----------------------------------------------------


def database_url(workspace: Path, database: str = "") -> str:
    """The URL the server uses: ``database``, or the workspace's SQLite file by default."""
    return database or f"sqlite:///{workspace / '.campaign' / 'signon.sqlite'}"


def _column(workspace: Path, database: str, query: str) -> list[str]:
    engine = sa.create_engine(database_url(workspace, database))
    try:
        with engine.connect() as conn:
            return [str(value) for value in conn.execute(sa.text(query)).scalars()]
    finally:
        engine.dispose()


def stored_emails(workspace: Path, database: str = "") -> list[str]:
    """The e-mail address of every submission in the database, one per row."""
    return _column(workspace, database, "SELECT email FROM submissions")


def queued_confirmations(workspace: Path, database: str = "") -> list[str]:
    """The address of every confirmation mail in the outbox, sent or not, one per row."""
    return _column(workspace, database, "SELECT recipient FROM outbox")


def claimed_confirmations(workspace: Path, database: str = "") -> list[str]:
    """The address of every e-mail a worker took and has not sent."""
    query = "SELECT recipient FROM outbox WHERE claimed IS NOT NULL AND sent IS NULL"
    return _column(workspace, database, query)
