"""The sign-on page: the form, double opt-in by e-mail, withdrawal, and ``sig pull``.

Flask's test client for most flows, the real waitress server (``campaign signon
serve``) on 127.0.0.1 for one, and aiosmtpd on 127.0.0.1 receiving the e-mails.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from smtpbox import Inbox, serve, text_of

from campaign.signon import create_app
from campaign.signon.app import state_of
from campaign.signon.worker import MailWorker

SLUG = "test"
PUBLIC = "http://localhost"


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    """An SMTP server on 127.0.0.1 (CAMPAIGN_SMTP_* point at it), stopped after the test."""
    box = Inbox()
    for _server in serve(monkeypatch, box):
        yield box


@pytest.fixture
def workspace(minimal: Path, inbox: Inbox) -> Path:
    """The minimal workspace, whose sender has an e-mail address to send from."""
    (minimal / "campaign.yaml").write_text(
        "sender:\n  name: Test Coalition\n  address: [1 Test Street, 10115 Berlin]\n"
        "  email: coalition@example.org\nlanguage: en-US\n"
    )
    return minimal


@pytest.fixture
def app(workspace: Path) -> Iterator[Flask]:
    """The sign-on page of the minimal letter, served to Flask's test client."""
    made = create_app(workspace, SLUG, public_url=PUBLIC)
    yield made
    state_of(made).store.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


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


def test_a_signature_is_confirmed_by_its_email_and_then_shows(
    app: Flask, client: FlaskClient, inbox: Inbox
) -> None:
    before = page_text(client.get("/"))
    assert "Signatures so far: 5 Individuals (3)" in before
    answer = sign(client)
    assert answer.status_code == 200
    assert page_text(answer) == CHECK_INBOX
    assert "Ada Lovelace" not in page_text(client.get("/"))  # not before it is confirmed
    assert deliver(app) == 1
    (message,) = inbox.messages
    assert message["To"] == "ada@example.org"
    assert message["From"] == "Test Coalition <coalition@example.org>"
    assert message["Subject"] == "Please confirm your signature: Test Letter on Testing"
    got = links(message)
    text = text_of(message)
    assert text == (
        "Someone, probably you, asked to add this signature to the letter “Test Letter on "
        "Testing”:\n\n    Ada Lovelace\n    Analytical Society, United Kingdom\n"
        f"    (Individuals)\n\nTo confirm it, open this link within 7 days:\n"
        f"http://localhost{got['confirm']}\n\nIf it was not you, ignore this message: nothing "
        "is signed without this confirmation.\n\nTo withdraw your signature later, open this "
        f"link:\nhttp://localhost{got['withdraw']}\n"
    )
    confirmed = client.get(got["confirm"])
    assert (confirmed.status_code, page_text(confirmed)) == (
        200,
        "Test Letter on Testing Thank you: your signature is confirmed. Back to the letter",
    )
    shown = page_text(client.get("/"))
    assert "Signatures so far: 6 Individuals (4)" in shown
    assert "Ada Lovelace , Analytical Society, United Kingdom" in shown
    again = client.get(got["confirm"])
    assert (again.status_code, page_text(again)) == (
        200,
        "Test Letter on Testing This signature was already confirmed. Back to the letter",
    )
