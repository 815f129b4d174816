"""The sign-on page seen from its tests: sending the form, reading pages and e-mails.

Shared by tests/e2e/test_signon.py and tests/attacks/test_signon.py, which run the
page under Flask's test client with an SMTP server on 127.0.0.1 (tests/smtpbox.py).
"""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from smtpbox import text_of

from campaign.signon import create_app
from campaign.signon.app import state_of
from campaign.signon.worker import MailWorker

SLUG = "test"
PUBLIC = "http://localhost"


@contextmanager
def opened(workspace: Path) -> Iterator[Flask]:
    """The sign-on page of the workspace's letter ``SLUG``; its database is closed after."""
    made = create_app(workspace, SLUG, public_url=PUBLIC)
    try:
        yield made
    finally:
        state_of(made).store.close()


def csrf(client: FlaskClient) -> str:
    """The page's form token (and the session cookie that goes with it)."""
    page = client.get("/").get_data(as_text=True)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


FORM = {
    "name": "Ada Lovelace",
    "kind": "individual",
    "affiliation": "Analytical Society",
    "country": "GB",
    "email": "ada@example.org",
    "group": "intl",
    "print_consent": "yes",
}


def sign(client: FlaskClient, **changes: str) -> Any:
    """Send the form with FORM's values, changed as given."""
    data = {"csrf_token": csrf(client), **FORM, **changes}
    return client.post("/", data={k: v for k, v in data.items() if v is not None})


def deliver(app: Flask) -> int:
    """Send every queued e-mail now, as the worker thread would."""
    state = state_of(app)
    worker = MailWorker(state.store, state.page.mail_settings(), "")
    return worker.send_due()


def links(message: EmailMessage) -> dict[str, str]:
    """The confirm and withdraw links of an e-mail, by kind, as paths."""
    found = re.findall(r"http://localhost(/(confirm|withdraw)/\S+)", text_of(message))
    return {kind: path for path, kind in found}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def payloads(found: dict[str, str]) -> dict[str, str]:
    """What links say, without when they were signed: the signature they are about."""
    return {kind: path.split(".")[0] for kind, path in found.items()}


def page_text(response: Any) -> str:
    """The visible text of a page, on one line."""
    html = response.get_data(as_text=True)
    html = html[html.index("<main>") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


CHECK_INBOX = (
    "Test Letter on Testing Check your inbox We have sent an e-mail to the address you "
    "gave. Open the link in it to confirm your signature: it counts only once confirmed. "
    "If nothing arrives, look in your spam folder. Back to the letter"
)


def confirm(client: FlaskClient, path: str) -> Any:
    """Open a confirmation link and press its button, as a person does.

    A link that asks nothing (already confirmed, expired, forged) answers the opening.
    """
    return press(client, path)


def withdraw(client: FlaskClient, path: str) -> Any:
    """Open a withdrawal link and press its button, as a person does."""
    return press(client, path)


def press(client: FlaskClient, path: str) -> Any:
    """Open a link and press the button of the page it shows, if it shows one."""
    asked = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', asked.get_data(as_text=True))
    if found is None:
        return asked
    return client.post(path, data={"csrf_token": found.group(1)})
