"""A real SMTP server on 127.0.0.1 for the tests that send mail (aiosmtpd, started here)."""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

import pytest
import trustme
from aiosmtpd.controller import Controller


def server_context(authority: trustme.CA, *names: str) -> ssl.SSLContext:
    """The server's TLS: a certificate for ``names`` (127.0.0.1 by default) from ``authority``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert(*(names or ("127.0.0.1",))).configure_cert(context)
    return context


class Inbox:
    """Collects what the server accepts; can refuse one address and drop the connection."""

    def __init__(self, refuse: str = "", drop_after: int = 0, drop_at: str = "data") -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[list[str]] = []
        self.refuse = refuse
        # After that many messages, the server goes away: at "data", once it has the
        # whole of the next one (the sender cannot tell whether it went), at "rcpt",
        # before any of it is sent.
        self.drop_after = drop_after
        self.drop_at = drop_at
        self._arrived = threading.Condition()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        if self.drop_at == "rcpt" and self.drop_after and len(self.messages) >= self.drop_after:
            server.transport.close()
            return "421 going away"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.drop_at == "data" and self.drop_after and len(self.messages) >= self.drop_after:
            server.transport.close()  # the server goes away mid-run
            return "421 going away"
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self._arrived:
            self.messages.append(parsed)
            self.envelopes.append(list(envelope.rcpt_tos))
            self._arrived.notify_all()
        return "250 OK: queued"

    def wait_until(
        self, done: Callable[[list[EmailMessage]], bool], timeout: float = 30
    ) -> list[EmailMessage]:
        """The messages once ``done`` holds for them, or all there are after ``timeout``."""
        with self._arrived:
            self._arrived.wait_for(lambda: done(self.messages), timeout)
            return list(self.messages)

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        """The first ``count`` messages, once they have come (a server that sends later)."""
        got = self.wait_until(lambda messages: len(messages) >= count, timeout)
        assert len(got) >= count, f"{len(got)} of {count} messages came in {timeout} s"
        return got[:count]


def text_of(message: EmailMessage) -> str:
    """The plain-text part, with the line breaks SMTP turned into CRLF made plain again."""
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


@contextmanager
def listening(inbox: Inbox, **smtp: Any) -> Iterator[Controller]:
    """Run ``inbox`` on a free port of 127.0.0.1 (``controller.port``); stopped afterwards."""
    for attempt in range(10):
        with socket.socket() as probe:  # a free port on 127.0.0.1
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(inbox, hostname="127.0.0.1", port=port, **smtp)
        try:
            controller.start()
            break
        except OSError:  # another server took the port meanwhile: another one
            if attempt == 9:
                raise
    try:
        yield controller
    finally:
        controller.stop()


def serve(monkeypatch: pytest.MonkeyPatch, inbox: Inbox, **smtp: Any) -> Iterator[Controller]:
    """Run ``inbox`` on a free port of 127.0.0.1, with CAMPAIGN_SMTP_* pointing at it."""
    with listening(inbox, **smtp) as controller:
        monkeypatch.setenv("CAMPAIGN_SMTP_HOST", "127.0.0.1")
        monkeypatch.setenv("CAMPAIGN_SMTP_PORT", str(controller.port))
        monkeypatch.setenv("CAMPAIGN_SMTP_SECURITY", "none")
        monkeypatch.setenv("CAMPAIGN_SMTP_PER_MINUTE", "100000")
        yield controller
