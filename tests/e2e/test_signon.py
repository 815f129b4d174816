"""The sign-on page: the form, double opt-in by e-mail, withdrawal, and ``sig pull``.

Flask's test client for most flows, the real production server (``campaign signon
serve``) on 127.0.0.1 for one, and aiosmtpd on 127.0.0.1 receiving the e-mails.
"""

from __future__ import annotations

import datetime as dt
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from smtpbox import Inbox, serve, text_of

from campaign.signon import create_app
from campaign.signon import store as store_module
from campaign.signon.app import state_of
from campaign.signon.worker import MailWorker

from conftest import run
from signonpage import (
    CHECK_INBOX,
    FORM,
    PUBLIC,
    SLUG,
    confirm,
    deliver,
    links,
    opened,
    page_text,
    payloads,
    sign,
    withdraw,
)


@pytest.fixture
def app(workspace: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The sign-on page of the minimal letter, served to Flask's test client.

    Each test runs twice: on an SQLite file, then on a real PostgreSQL (conftest);
    CAMPAIGN_DATABASE gives sig pull the same database.
    """
    monkeypatch.setenv("CAMPAIGN_DATABASE", database_url)
    with opened(workspace) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


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
    asked = client.get(got["confirm"])
    assert (asked.status_code, page_text(asked)) == (
        200,
        "Test Letter on Testing Confirm my signature Confirm that you sign this letter, as: "
        "Ada Lovelace Confirm my signature Back to the letter",
    )
    assert '<form method="post">' in asked.get_data(as_text=True)
    confirmed = confirm(client, got["confirm"])
    assert (confirmed.status_code, page_text(confirmed)) == (
        200,
        "Test Letter on Testing Thank you: your signature is confirmed. Back to the letter",
    )
    shown = page_text(client.get("/"))
    assert "Signatures so far: 6 Individuals (4)" in shown
    assert "Ada Lovelace , Analytical Society, United Kingdom" in shown
    for again in (client.get(got["confirm"]), client.post(got["confirm"], data=csrf_of(asked))):
        assert (again.status_code, page_text(again)) == (
            200,
            "Test Letter on Testing This signature was already confirmed. Back to the letter",
        )


def csrf_of(response: Any) -> dict[str, str]:
    """The form token a page carries, as the data its button sends."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))
    assert found is not None
    return {"csrf_token": found.group(1)}


def test_opening_the_confirmation_link_confirms_nothing_until_its_button_is_pressed(
    app: Flask, client: FlaskClient, inbox: Inbox, workspace: Path
) -> None:
    # A company's mail gateway opens every link in incoming mail: were opening enough,
    # anyone could sign with an employee's address and the gateway would confirm it.
    sign(client, name="<script>alert(1)</script> {{ 7*7 }}")
    deliver(app)
    got = links(inbox.messages[0])
    listed = (workspace / "signatories" / "people.yaml").read_text()
    scanner = app.test_client()  # the gateway has no cookie of the page
    for _ in range(2):
        shown = scanner.get(got["confirm"])
        assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; {{ 7*7 }}" in html and "<script>" not in html
    assert unconfirmed(app) == [("<script>alert(1)</script> {{ 7*7 }}", None)]
    pulled = run("sig", "pull", "people", workspace=workspace)
    assert pulled.exit_code == 0
    assert (workspace / "signatories" / "people.yaml").read_text() == listed
    forced = scanner.post(got["confirm"])  # a POST without the page's token confirms nothing
    assert (forced.status_code, "The page had expired, so nothing was confirmed." in
            page_text(forced)) == (400, True)  # fmt: skip
    assert unconfirmed(app) == [("<script>alert(1)</script> {{ 7*7 }}", None)]
    done = scanner.post(got["confirm"], data=csrf_of(shown))
    assert (done.status_code, page_text(done)) == (
        200,
        "Test Letter on Testing Thank you: your signature is confirmed. Back to the letter",
    )
    assert unconfirmed(app)[0][1] is not None
    assert run("sig", "pull", "people", workspace=workspace).exit_code == 0
    assert "{{ 7*7 }}" in (workspace / "signatories" / "people.yaml").read_text()


def unconfirmed(app: Flask) -> list[tuple[str, Any]]:
    """Each submission's name and confirmation time, as the database holds them."""
    with state_of(app).store.engine.connect() as c:
        rows = c.execute(sa.text("SELECT name, confirmed FROM submissions ORDER BY id")).all()
    return [(row[0], row[1]) for row in rows]


FIXED = dt.datetime(2024, 5, 3, 9, 30, 15)


@pytest.fixture
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """The database's clock stands at FIXED, so that the list's dates can be asserted."""
    monkeypatch.setattr(store_module, "now", lambda: FIXED)
    return FIXED


def signed_up(app: Flask, client: FlaskClient, inbox: Inbox, **changes: str) -> dict[str, str]:
    """Sign with FORM changed as given, and return the links of the e-mail that came."""
    before = len(inbox.messages)
    assert sign(client, **changes).status_code == 200
    deliver(app)
    assert len(inbox.messages) == before + 1
    return links(inbox.messages[-1])


PEOPLE = (
    Path(__file__).parent / "fixtures" / "minimal" / "signatories" / "people.yaml"
).read_text()


def test_sig_pull_puts_each_confirmed_signature_in_the_list_once(
    app: Flask, client: FlaskClient, inbox: Inbox, workspace: Path, fixed_time: dt.datetime
) -> None:
    ada = signed_up(app, client, inbox)
    org = signed_up(
        app, client, inbox, name="<script>{{ 7*7 }}", kind="organisation", affiliation="",
        country="", email="Org@Example.org", group="orgs", contact_consent="yes",
    )  # fmt: skip
    again = signed_up(app, client, inbox, name="Emile ABEL", email="emile@example.org")
    signed_up(app, client, inbox, name="Never Confirmed", email="late@example.org")
    for got in (ada, org, again):
        assert confirm(client, got["confirm"]).status_code == 200
    dry = run("sig", "pull", "people", "--dry-run", workspace=workspace)
    assert (dry.exit_code, dry.stdout, dry.stderr) == (
        0,
        "added: Ada Lovelace (intl, pending)\n"
        "added: <script>{{ 7*7 }} (orgs, pending)\n"
        "not added: Emile ABEL (confirmed on the sign-on page) is already on the list as "
        "Émile Abel (signatories/people.yaml:8)\n"
        "Dry run: 2 added (pending), 1 already on the list, 0 withdrawn; nothing was changed.\n",
        "",
    )
    assert (workspace / "signatories" / "people.yaml").read_text() == PEOPLE
    done = run("sig", "pull", "people", workspace=workspace)
    assert (done.exit_code, done.stdout.splitlines()[-1]) == (
        0,
        "signatories/people.yaml: 2 added (pending), 1 already on the list, 0 withdrawn.",
    )
    late = "  - name: Late Person\n    type: individual\n    group: intl\n    signed: 2024-05-03\n"
    assert (workspace / "signatories" / "people.yaml").read_text() == PEOPLE.replace(
        late,
        late + "  - name: Ada Lovelace\n    type: individual\n    affiliation: Analytical Society\n"
        "    country: United Kingdom\n    group: intl\n    signed: 2024-05-03\n"
        "    status: pending\n    email: ada@example.org\n    contact: 'no'\n"
        "    source: signon\n    confirmed: '2024-05-03T09:30:15Z'\n",
    ) + (
        "  - name: <script>{{ 7*7 }}\n    type: organization\n    group: orgs\n"
        "    signed: 2024-05-03\n    status: pending\n    email: Org@Example.org\n"
        "    contact: 'yes'\n    source: signon\n    confirmed: '2024-05-03T09:30:15Z'\n"
    )
    twice = run("sig", "pull", "people", workspace=workspace)
    assert (twice.exit_code, twice.stdout) == (
        0,
        "signatories/people.yaml: 0 added (pending), 0 already on the list, 0 withdrawn.\n",
    )


def test_a_withdrawal_asks_first_then_leaves_the_page_and_the_list(
    app: Flask, client: FlaskClient, inbox: Inbox, workspace: Path, fixed_time: dt.datetime
) -> None:
    got = signed_up(app, client, inbox)
    confirm(client, got["confirm"])
    assert run("sig", "pull", "people", "--approve", workspace=workspace).exit_code == 0
    listed = (workspace / "signatories" / "people.yaml").read_text()
    assert "  - name: Ada Lovelace\n" in listed and "    status: signed\n" in listed
    assert "Ada Lovelace" in page_text(client.get("/"))
    asked = client.get(got["withdraw"])  # what a mail scanner does: nothing changes
    assert (asked.status_code, page_text(asked)) == (
        200,
        "Test Letter on Testing Withdraw my signature Withdraw your signature from this "
        "letter? Your name will no longer be published with it. Withdraw my signature "
        "Back to the letter",
    )
    assert '<form method="post">' in asked.get_data(as_text=True)
    assert "Ada Lovelace" in page_text(client.get("/"))
    done = withdraw(client, got["withdraw"])
    assert (done.status_code, page_text(done)) == (
        200,
        "Test Letter on Testing Your signature has been withdrawn. Back to the letter",
    )
    assert "Ada Lovelace" not in page_text(client.get("/"))  # at once, before the pull
    again = client.post(got["withdraw"])
    assert (again.status_code, page_text(again)) == (
        200,
        "Test Letter on Testing This signature was already withdrawn. Back to the letter",
    )
    replayed = client.get(got["confirm"])  # the old confirmation link signs nobody again
    assert (replayed.status_code, page_text(replayed)) == (
        200,
        "Test Letter on Testing This signature was already withdrawn. Back to the letter",
    )
    pulled = run("sig", "pull", "people", workspace=workspace)
    assert (pulled.exit_code, pulled.stdout) == (
        0,
        "withdrawn: Ada Lovelace (signatories/people.yaml:27), on 2024-05-03\n"
        "signatories/people.yaml: 0 added (pending), 0 already on the list, 1 withdrawn.\n",
    )
    assert (workspace / "signatories" / "people.yaml").read_text() == listed.replace(
        "    status: signed\n    email: ada@example.org\n",
        "    status: withdrawn\n    email: ada@example.org\n",
    ).replace(
        "    confirmed: '2024-05-03T09:30:15Z'\n",
        "    confirmed: '2024-05-03T09:30:15Z'\n    withdrawn: 2024-05-03\n",
    )
    assert "Ada Lovelace" not in page_text(client.get("/"))
    assert run("sig", "pull", "people", workspace=workspace).stdout == (
        "signatories/people.yaml: 0 added (pending), 0 already on the list, 0 withdrawn.\n"
    )


def test_an_address_that_signed_already_is_sent_its_withdrawal_link(
    app: Flask, client: FlaskClient, inbox: Inbox
) -> None:
    got = signed_up(app, client, inbox)
    confirm(client, got["confirm"])
    again = signed_up(app, client, inbox, name="Someone Else")
    message = inbox.messages[-1]
    assert message["Subject"] == "Your signature: Test Letter on Testing"
    assert text_of(message) == (
        "Someone, probably you, asked to sign the letter “Test Letter on Testing” again with "
        "this e-mail address. Your signature is already there:\n\n    Ada Lovelace\n"
        "    Analytical Society, United Kingdom\n    (Individuals)\n\nNothing has changed. "
        f"To withdraw your signature, open this link:\nhttp://localhost{again['withdraw']}\n"
    )
    assert payloads(again) == {"withdraw": payloads(got)["withdraw"]}
    assert "Someone Else" not in page_text(client.get("/"))


def test_an_unconfirmed_address_signing_again_replaces_its_submission(
    app: Flask, client: FlaskClient, inbox: Inbox
) -> None:
    # The newest submission is the one its owner means (a typo put right); the links
    # of the older one confirm nothing any more, as each confirms what it showed.
    first = signed_up(app, client, inbox)
    second = signed_up(app, client, inbox, name="Ada Changed Her Mind")
    assert payloads(second) != payloads(first)
    assert "    Ada Changed Her Mind\n" in text_of(inbox.messages[-1])
    old = client.get(first["confirm"])
    assert (old.status_code, page_text(old)) == (
        400,
        "Test Letter on Testing Nothing was saved This link is not valid. Open it from the "
        "e-mail again, or copy the whole link. Back to the letter",
    )
    confirmed = confirm(client, second["confirm"])
    assert confirmed.status_code == 200
    shown = page_text(client.get("/"))
    assert "Ada Changed Her Mind" in shown and "Ada Lovelace" not in shown
    third = signed_up(app, client, inbox, name="Ada Once Signed")  # confirmed: it stays
    assert payloads(third) == {"withdraw": payloads(second)["withdraw"]}
    assert "Ada Once Signed" not in page_text(client.get("/"))


def fetch(opener: urllib.request.OpenerDirector, url: str, data: dict[str, str] | None = None,
          host: str = "") -> tuple[int, str]:  # fmt: skip
    """GET (or, with data, POST) through the opener's cookies: the status and the page."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers={"Host": host} if host else {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_production_server_serves_the_whole_round(workspace: Path, inbox: Inbox) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "campaign", "signon", "serve", SLUG, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()  # the port the server found free, bound
        serving = re.fullmatch(
            rf"Serving {SLUG} at (http://127\.0\.0\.1:\d+)/ \(Ctrl\+C to stop\)\n", first
        )
        assert serving, first
        url = serving.group(1)
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        status, page = fetch(opener, url + "/")
        assert status == 200
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found is not None
        status, page = fetch(opener, url + "/", {"csrf_token": found.group(1), **FORM})
        assert status == 200
        assert "Check your inbox" in page
        deadline = time.monotonic() + 30
        while not inbox.messages and time.monotonic() < deadline:
            time.sleep(0.05)  # the worker sends it on its own
        (message,) = inbox.messages
        link = _link(message, "confirm")
        assert link.startswith(f"{url}/confirm/")  # the public address is where it listens
        status, page = fetch(opener, link)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert (status, found is not None) == (200, True), page
        assert found is not None
        status, page = fetch(opener, link, {"csrf_token": found.group(1)})
        assert (status, "Thank you: your signature is confirmed." in page) == (200, True)
        assert "Ada Lovelace" in fetch(opener, url + "/")[1]
        assert fetch(opener, url + "/healthz") == (200, "ok\n")
        assert fetch(opener, url + "/", host="evil.example")[0] == 400
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    assert (process.returncode, out) == (0, "Stopped.\n")
    assert "Traceback" not in err


def _link(message: EmailMessage, kind: str) -> str:
    found = re.search(rf"(http://\S+/{kind}/\S+)", text_of(message))
    assert found is not None
    return found.group(1)


def test_the_page_and_its_mail_speak_the_letters_language_right_to_left(
    workspace: Path, inbox: Inbox
) -> None:
    letter = workspace / "letters" / "test" / "letter.yaml"
    letter.write_text(letter.read_text() + "language: ar\n")
    app = create_app(workspace, SLUG, public_url=PUBLIC)
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    assert html.startswith('<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n')
    assert '<h2 id="sign-heading">وقّع هذه الرسالة</h2>' in html
    assert '<option value="EG">مصر</option>' in html  # CLDR's names, in Arabic
    assert 'dir="ltr" value=""' in html  # an e-mail address reads left to right
    answer = sign(client, country="EG")
    assert page_text(answer) == (
        "Test Letter on Testing تفقّد بريدك الوارد أرسلنا رسالة إلى العنوان الذي أدخلته. "
        "افتح الرابط الذي فيها لتأكيد توقيعك، فهو لا يُحتسب إلا بعد التأكيد. إن لم تصلك "
        "الرسالة فتفقّد مجلد الرسائل غير المرغوب فيها. العودة إلى الرسالة"
    )
    deliver(app)
    (message,) = inbox.messages
    assert message["Subject"] == "يُرجى تأكيد توقيعك: Test Letter on Testing"
    assert "    Analytical Society, مصر\n" in text_of(message)
    state_of(app).store.close()


def test_every_field_has_its_label(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    ids = re.findall(r'<(?:input|select) id="([^"]+)"', html)
    assert ids == ["name", "affiliation", "country", "email", "homepage"]
    assert [i for i in ids if f'<label for="{i}">' not in html] == []
    # Boxes and buttons sit inside their own label; each group has its legend.
    boxes = re.findall(r"<label><input type=\"(?:radio|checkbox)\" name=\"(\w+)\"", html)
    assert boxes == ["kind", "kind", "group", "group", "print_consent", "contact_consent"]
    assert html.count("<legend>") == 2


class Clock:
    """The database's clock, moved by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now


def outbox_rows(app: Flask) -> list[tuple[Any, ...]]:
    """(recipient, attempts, sent?, given up?, failed) of every e-mail, in order."""
    engine = state_of(app).store.engine
    with engine.connect() as c:
        box = store_module.outbox.c
        rows = c.execute(
            sa.select(
                box.recipient, box.attempts, box.sent.is_not(None), box.given_up.is_not(None),
                box.failed, box.due,
            ).order_by(box.id)
        ).all()  # fmt: skip
    return [tuple(r) for r in rows]


def test_an_email_that_cannot_go_is_tried_again_later_and_a_refused_one_given_up(
    app: Flask, client: FlaskClient, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(FIXED)
    monkeypatch.setattr(store_module, "now", clock)
    inbox.refuse = "refused@example.org"
    sign(client)
    sign(client, email="refused@example.org")
    with socket.socket() as closed:  # a port nothing listens on: the server is down
        closed.bind(("127.0.0.1", 0))
        monkeypatch.setenv("CAMPAIGN_SMTP_PORT", str(closed.getsockname()[1]))
        assert deliver(app) == 0
    waited = dt.timedelta(seconds=30)
    assert [(*row[:4], row[5]) for row in outbox_rows(app)] == [
        ("ada@example.org", 1, False, False, FIXED + waited),
        ("refused@example.org", 1, False, False, FIXED + waited),
    ]
    assert outbox_rows(app)[0][4].startswith("cannot reach the mail server 127.0.0.1:")
    monkeypatch.undo()
    monkeypatch.setattr(store_module, "now", clock)
    for _ in serve(monkeypatch, inbox):
        assert deliver(app) == 0  # not due yet
        clock.now += waited
        assert deliver(app) == 1
    assert [m["To"] for m in inbox.messages] == ["ada@example.org"]
    assert [row[:5] for row in outbox_rows(app)] == [
        ("ada@example.org", 1, True, False, outbox_rows(app)[0][4]),
        ("refused@example.org", 2, False, True, "550 5.1.1 mailbox unavailable"),
    ]


def test_unconfirmed_signatures_and_old_mail_are_forgotten(
    app: Flask, client: FlaskClient, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock(FIXED)
    monkeypatch.setattr(store_module, "now", clock)
    sign(client)
    sign(client, email="unconfirmed@example.org")
    deliver(app)
    confirm(client, links(inbox.messages[0])["confirm"])
    state = state_of(app)
    worker = MailWorker(state.store, state.page.mail_settings(), "")
    clock.now += dt.timedelta(days=6, hours=23)
    worker.purge(force=True)
    assert [row[0] for row in outbox_rows(app)] == []  # sent, and two days old
    clock.now += dt.timedelta(hours=2)
    worker.purge(force=True)
    with state.store.engine.connect() as c:
        rows = c.execute(sa.text("SELECT email, client FROM submissions")).all()
    assert [tuple(r) for r in rows] == [("ada@example.org", "")]  # no client address kept


def test_the_page_and_the_list_agree_after_a_pull(
    app: Flask, client: FlaskClient, inbox: Inbox, workspace: Path
) -> None:
    for n, group in enumerate(("intl", "orgs", "intl")):
        got = signed_up(app, client, inbox, name=f"Signer {n}", email=f"s{n}@example.org",
                        group=group)  # fmt: skip
        confirm(client, got["confirm"])
    shown = page_text(client.get("/"))
    assert "Signatures so far: 8 Individuals (5)" in shown and "Organizations (3)" in shown
    run("sig", "pull", "people", "--approve", workspace=workspace)
    stats = run("sig", "stats", "people", workspace=workspace).stdout
    assert stats.startswith("signatories/people.yaml: 10 entries, 8 signed\n")
    assert "Signatures so far: 8 Individuals (5)" in page_text(client.get("/"))
    # Pulled as pending, they wait for 'sig approve', on the page as in the list.
    got = signed_up(app, client, inbox, name="Signer 3", email="s3@example.org")
    confirm(client, got["confirm"])
    assert "Signatures so far: 9 " in page_text(client.get("/"))
    run("sig", "pull", "people", workspace=workspace)
    assert "Signatures so far: 8 " in page_text(client.get("/"))
    run("sig", "approve", "people", "Signer 3", workspace=workspace)
    assert "Signatures so far: 9 " in page_text(client.get("/"))
