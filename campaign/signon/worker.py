"""The mail worker: sends the outbox's e-mails, retrying with longer and longer waits.

It runs as a thread of ``campaign signon serve`` or on its own (``campaign signon
worker``). Several workers may share a database: each claims an e-mail before
sending it, and a claim left by a worker that died is taken over after a while.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from campaign.errors import CampaignError
from campaign.mail.send import (
    LOST,
    NOT_ASCII,
    SENT,
    connect,
    deliver,
    hang_up,
    header_control,
    sendable,
)
from campaign.model.records import Settings, Smtp
from campaign.signon.store import Mail, Store, Unavailable

log = logging.getLogger("campaign.signon.mail")

POLL_SECONDS = 1.0
PURGE_SECONDS = 3600.0
# Sent e-mails are marked in the database this many at a time: one write each took the
# turn to write from the page's submissions as often as they came. A worker killed
# between sending and marking sends those few again once their claim times out.
MARK_SENT = 10


class MailWorker:
    """A thread sending queued e-mails until stopped."""

    def __init__(
        self,
        store: Store,
        settings: Settings,
        password: str,
        wake: threading.Event | None = None,
        poll: float = POLL_SECONDS,
        alive: Callable[[], bool] | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.smtp: Smtp = settings.smtp
        self.password = password
        self.sender = self.smtp.sender or (settings.sender.email if settings.sender else "")
        self.sender_name = settings.sender.name if settings.sender else ""
        self.wake = wake or threading.Event()
        self.poll = poll
        self.alive = alive  # the worker stops once this says no (its server is gone)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._purged = 0.0

    def check(self) -> None:
        """Refuse settings no e-mail could be sent with, before anything runs."""
        if not self.smtp.host:
            raise CampaignError(
                "no mail server for the sign-on page's e-mails: set smtp.host in "
                "campaign.yaml or CAMPAIGN_SMTP_HOST"
            )
        if not self.sender:
            raise CampaignError(
                "no From address for the sign-on page's e-mails: set smtp.from or "
                "sender.email in campaign.yaml, or CAMPAIGN_SMTP_FROM"
            )

    def start(self) -> None:
        """Send in a background thread."""
        self._thread = threading.Thread(target=self.run, name="signon-mail", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish the e-mail being sent, then stop."""
        self.stop_soon()
        if self._thread is not None:
            self._thread.join(timeout=90)

    def stop_soon(self) -> None:
        """Have the worker stop once the e-mail being sent is sent and marked."""
        self._stop.set()
        self.wake.set()

    @property
    def stopping(self) -> bool:
        """Whether the worker was asked to stop."""
        return self._stop.is_set()

    def run(self) -> None:
        """Send until stopped."""
        while not self._stop.is_set():
            if self.alive is not None and not self.alive():
                log.info("mail worker: the server is gone; stopping")
                return
            try:
                self.purge()
                self.send_due()
            except Unavailable as exc:
                log.error("mail worker: database unavailable: %s", exc)
            self.wake.wait(self.poll)
            self.wake.clear()

    def purge(self, force: bool = False) -> None:
        """Forget expired unconfirmed submissions and old e-mails, once an hour."""
        moment = _monotonic()
        if not force and self._purged and moment - self._purged < PURGE_SECONDS:
            return
        self._purged = moment
        stale, mails = self.store.purge(self.settings.signon.confirm_days)
        if stale or mails:
            log.info("purged %d unconfirmed submissions and %d old e-mails", stale, mails)

    def send_due(self) -> int:
        """Send every e-mail that is due; returns how many the server accepted."""
        sent = 0
        while not self._stop.is_set() and (self.alive is None or self.alive()):
            batch = self.store.claim()
            if not batch:
                return sent
            sent += self._send(batch)
        return sent

    def _send(self, batch: list[Mail]) -> int:
        try:
            server = connect(self.smtp, self.password)
        except CampaignError as exc:
            for mail in batch:
                self._failed(mail, exc.message, retry=True)
            return 0
        sent = 0
        done: list[int] = []  # sent, not yet marked so: marked a few at a time
        between = False  # whether it stopped between e-mails, where a goodbye is heard
        try:
            for number, mail in enumerate(batch):
                if self._stop.is_set():
                    # The rest let go now: left claimed, no worker took them for five
                    # minutes (CLAIM_TIMEOUT), as after every restart of the server.
                    self.store.release(batch[number:])
                    break
                try:
                    message = self.message(mail)
                except ValueError as exc:  # an address or subject no e-mail can carry
                    self._failed(mail, str(exc), retry=False)
                    continue
                outcome, reason = deliver(server, message)
                if outcome == SENT:
                    done.append(mail.id)
                    sent += 1
                    if len(done) >= MARK_SENT:
                        self.store.sent(done)
                        done = []
                    continue
                self._failed(mail, reason, retry=outcome == LOST)
                if outcome == LOST:
                    for rest in batch[number + 1 :]:
                        self._failed(rest, "not tried: the connection was lost", retry=True)
                    return sent
            between = True
        finally:
            # Marked first: a server slow to say goodbye must not cost the marks (the
            # worker is killed a minute after it is asked to stop). A database that
            # cannot take them leaves them to be sent again, and the connection closed.
            try:
                if done:
                    self.store.sent(done)
            finally:
                hang_up(server, politely=between)
        return sent

    def _failed(self, mail: Mail, reason: str, retry: bool) -> None:
        again = self.store.failed(mail.id, mail.attempts, reason, retry)
        outcome = "will try again" if again else "given up"
        log.warning("e-mail %d not sent (%s): %s", mail.id, outcome, reason)

    def message(self, mail: Mail) -> EmailMessage:
        """The e-mail of an outbox row."""
        message = EmailMessage()
        message["From"] = Address(display_name=self.sender_name, addr_spec=self.sender)
        if not (to := sendable(mail.recipient)):  # its domain in ASCII, for any server
            raise ValueError(f"the address has {NOT_ASCII}")
        message["To"] = Address(addr_spec=to)
        if header_control(mail.subject):
            raise ValueError("the subject holds a line break")
        message["Subject"] = mail.subject
        message["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        message["Message-ID"] = make_msgid(domain=self.sender.rpartition("@")[2] or None)
        message["Auto-Submitted"] = "auto-generated"
        message.set_content(mail.body)
        return message


def _monotonic() -> float:
    import time

    return time.monotonic()
