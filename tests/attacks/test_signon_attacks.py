"""The public sign-on page against hostile visitors, forged links and a database that fails.

Each attack is tried on the page under Flask's test client, with an SMTP server on
127.0.0.1; what is stored is read back from the database itself.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from smtpbox import Inbox, text_of

from campaign.errors import CampaignError
from campaign.model.records import SignonSettings
from campaign.signon import create_app
from campaign.signon.app import state_of
from campaign.signon.store import Store

import pgserver
from conftest import SENDER, run
from signonpage import (
    CHECK_INBOX,
    FORM,
    PUBLIC,
    SLUG,
    confirm,
    csrf,
    deliver,
    links,
    opened,
    page_text,
    sign,
    withdraw,
)


@pytest.fixture
def app(workspace: Path) -> Iterator[Flask]:
    with opened(workspace) as made:
        yield made


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def stored(app: Flask) -> tuple[list[tuple[Any, ...]], int]:
    """The submissions (name, e-mail, confirmed?) and the number of e-mails queued."""
    engine = state_of(app).store.engine
    with engine.connect() as c:
        people = c.execute(
            sa.text("SELECT name, email, confirmed IS NOT NULL FROM submissions ORDER BY id")
        ).all()
        mails = c.execute(sa.text("SELECT count(*) FROM outbox")).scalar_one()
    return [tuple(p) for p in people], int(mails)


INVALID = (
    "Test Letter on Testing Nothing was saved This link is not valid. Open it from the "
    "e-mail again, or copy the whole link. Back to the letter"
)


# -- links --------------------------------------------------------------------------


def test_a_forged_or_altered_link_is_refused(app: Flask, client: FlaskClient, inbox: Inbox) -> None:
    sign(client)
    deliver(app)
    got = links(inbox.messages[0])
    forger = URLSafeTimedSerializer("a key that is not the page's", salt="campaign-signon-confirm")
    payload = got["confirm"].split("/")[-1].split(".")[0]
    altered = got["confirm"][:-2] + ("AA" if not got["confirm"].endswith("AA") else "BB")
    ident, nonce = state_of(app).confirm_links.loads(got["confirm"].split("/")[-1])
    token = csrf(client)
    for path in (
        f"/confirm/{forger.dumps([ident, nonce])}",  # signed with another key
        altered,  # its signature changed
        f"/confirm/{payload}",  # no signature at all
        "/confirm/" + got["withdraw"].split("/")[-1],  # a withdrawal link made a confirmation
        "/withdraw/" + got["confirm"].split("/")[-1],  # and the other way round
        f"/confirm/{state_of(app).confirm_links.dumps([ident, 'another nonce'])}",
    ):
        for answer in (client.get(path), client.post(path, data={"csrf_token": token})):
            assert (answer.status_code, page_text(answer)) == (400, INVALID), path
    assert stored(app)[0] == [("Ada Lovelace", "ada@example.org", False)]


def test_an_expired_link_is_refused(
    app: Flask, client: FlaskClient, inbox: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    eight_days_ago = int(time.time()) - 8 * 86400
    with monkeypatch.context() as patched:
        patched.setattr(TimestampSigner, "get_timestamp", lambda _self: eight_days_ago)
        sign(client)
        deliver(app)
    answer = client.get(links(inbox.messages[0])["confirm"])
    assert (answer.status_code, page_text(answer)) == (
        410,
        "Test Letter on Testing Nothing was saved This link has expired. Fill in the form "
        "again with the same e-mail address to get a new one. Back to the letter",
    )
    assert stored(app)[0] == [("Ada Lovelace", "ada@example.org", False)]
    # The withdrawal link lives a year (signon.withdraw_days): eight days is nothing.
    assert client.get(links(inbox.messages[0])["withdraw"]).status_code == 200


def test_a_replayed_link_changes_nothing_more(
    app: Flask, client: FlaskClient, inbox: Inbox
) -> None:
    sign(client)
    deliver(app)
    got = links(inbox.messages[0])
    assert confirm(client, got["confirm"]).status_code == 200
    for _ in range(3):
        again = client.get(got["confirm"])
        assert (again.status_code, page_text(again)) == (
            200,
            "Test Letter on Testing This signature was already confirmed. Back to the letter",
        )
    assert withdraw(client, got["withdraw"]).status_code == 200
    for path in (got["confirm"], got["withdraw"]):
        late = client.post(path) if "withdraw" in path else client.get(path)
        assert (late.status_code, page_text(late)) == (
            200,
            "Test Letter on Testing This signature was already withdrawn. Back to the letter",
        )
    engine = state_of(app).store.engine
    with engine.connect() as c:
        row = c.execute(sa.text("SELECT confirmed, withdrawn FROM submissions")).one()
    assert row[0] is not None and row[1] is not None


# -- the form -------------------------------------------------------------------------


EXPIRED_FORM = "The form had expired, so nothing was sent. Please fill it in again."


def test_a_form_without_its_token_or_with_another_visitors_is_refused(
    app: Flask, client: FlaskClient
) -> None:
    other = app.test_client()
    others_token = csrf(other)
    csrf(client)  # this visitor has a session of its own
    for token in (None, "", others_token, "x" * 40):
        data = {**FORM, **({"csrf_token": token} if token is not None else {})}
        answer = client.post("/", data=data)
        assert answer.status_code == 400
        assert f'<p class="error note" role="alert">{EXPIRED_FORM}</p>' in answer.get_data(
            as_text=True
        )
        assert 'value="Ada Lovelace"' in answer.get_data(as_text=True)  # kept for the retry
    fresh = app.test_client()  # no cookie at all: a form posted from another site
    assert fresh.post("/", data={**FORM, "csrf_token": others_token}).status_code == 400
    assert stored(app) == ([], 0)


def test_a_withdrawal_without_its_button_s_token_withdraws_nothing(
    app: Flask, client: FlaskClient, inbox: Inbox
) -> None:
    # Another site that has seen the link (a forwarded e-mail, a log) posts to it from
    # the signer's browser: only the button of the page the link shows withdraws.
    sign(client)
    deliver(app)
    got = links(inbox.messages[0])
    confirm(client, got["confirm"])
    others_token = csrf(app.test_client())
    for token in (None, "", others_token, "x" * 40):
        answer = client.post(
            got["withdraw"], data={"csrf_token": token} if token is not None else {}
        )
        assert (answer.status_code, page_text(answer)) == (
            400,
            "Test Letter on Testing Withdraw my signature The page had expired, so nothing "
            "was withdrawn. Please press the button again. Withdraw your signature from "
            "this letter? Your name will no longer be published with it. Withdraw my "
            "signature Back to the letter",
        )
    fresh = app.test_client()  # no cookie at all
    assert fresh.post(got["withdraw"], data={"csrf_token": others_token}).status_code == 400
    assert stored(app)[0] == [("Ada Lovelace", "ada@example.org", True)]
    assert "Ada Lovelace" in page_text(client.get("/"))
    done = withdraw(client, got["withdraw"])
    assert (done.status_code, page_text(done)) == (
        200,
        "Test Letter on Testing Your signature has been withdrawn. Back to the letter",
    )


def test_a_robot_filling_in_the_trap_is_answered_as_anyone_and_nothing_is_kept(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    page = client.get("/").get_data(as_text=True)
    assert (
        '<div class="field trap" aria-hidden="true">\n'
        '    <label for="homepage">Leave this field empty: it is here to catch robots.</label>\n'
        '    <input id="homepage" name="homepage" type="text" tabindex="-1" autocomplete="off" '
        'value="">'
    ) in page
    with caplog.at_level(logging.INFO, "campaign.signon"):
        trapped = sign(client, homepage="http://spam.example")
    honest = app.test_client()
    answer = sign(honest, email="real@example.org")
    assert (trapped.status_code, trapped.get_data()) == (200, answer.get_data())
    assert page_text(trapped) == CHECK_INBOX
    assert stored(app) == ([("Ada Lovelace", "real@example.org", False)], 1)
    assert [r.getMessage() for r in caplog.records] == ["honeypot: a submission was dropped"]


def test_the_rate_limits_hold_per_client_and_per_address(workspace: Path, inbox: Inbox) -> None:
    (workspace / "campaign.yaml").write_text(SENDER + "signon:\n  per_address: 3\n  per_email: 2\n")
    app = create_app(workspace, SLUG, public_url=PUBLIC)
    client = app.test_client()
    answers = [sign(client, email="same@example.org") for _ in range(3)]
    # Two e-mails to one address an hour; the third is answered alike and not sent.
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert len({a.get_data() for a in answers}) == 1
    assert stored(app)[1] == 2
    refused = sign(client, email="other@example.org")  # one client, a fourth time
    assert (refused.status_code, page_text(refused)) == (
        429,
        "Test Letter on Testing Nothing was saved Too many signatures have come from your "
        "connection in the last hour. Please try again later. Back to the letter",
    )
    elsewhere = app.test_client()
    answer = elsewhere.post(
        "/",
        data={**FORM, "csrf_token": csrf(elsewhere), "email": "other@example.org"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert answer.status_code == 200  # another client is not held up
    assert stored(app) == (
        [("Ada Lovelace", "same@example.org", False), ("Ada Lovelace", "other@example.org", False)],
        3,
    )
    state_of(app).store.close()


def test_a_bad_setting_of_the_limits_is_said_at_its_line(workspace: Path) -> None:
    (workspace / "campaign.yaml").write_text(
        SENDER + "signon:\n  per_adress: 3\n  per_email: -1\n  confirm_days: 2.5\n"
    )
    result = run("check", workspace=workspace)
    assert (result.exit_code, result.stderr) == (
        1,
        "campaign.yaml:7: warning: unknown key 'per_adress' in signon\n"
        "  hint: did you mean 'per_address'?\n"
        "campaign.yaml:8: 'per_email' must be between 0 and 1000000, not -1\n"
        "campaign.yaml:9: 'confirm_days' must be a whole number, not 2.5\n"
        "Error: 2 problems in 1 file; nothing was written\n",
    )


def test_the_page_never_tells_whether_an_address_has_signed(
    app: Flask, client: FlaskClient, inbox: Inbox
) -> None:
    new = sign(client, email="new@example.org")
    sign(client, email="confirmed@example.org")
    deliver(app)
    confirm(client, links(inbox.messages[-1])["confirm"])
    answers = {
        "new": new,
        "pending, again": sign(client, email="new@example.org"),
        "confirmed, again": sign(client, email="confirmed@example.org"),
        "confirmed, in capitals": sign(client, email="CONFIRMED@example.org"),
    }
    assert {(a.status_code, a.get_data()) for a in answers.values()} == {(200, new.get_data())}
    assert {a.headers.get("Set-Cookie") for a in answers.values()} == {None}
    deliver(app)
    # What differs goes to the inbox, which only the address's owner reads.
    assert [m["Subject"] for m in inbox.messages[2:]] == [
        "Please confirm your signature: Test Letter on Testing",
        "Your signature: Test Letter on Testing",
        "Your signature: Test Letter on Testing",
    ]


def test_a_huge_field_is_refused_whole_and_a_long_one_at_its_field(
    app: Flask, client: FlaskClient
) -> None:
    token = csrf(client)
    huge = client.post("/", data={**FORM, "csrf_token": token, "name": "A" * 1_000_000})
    assert (huge.status_code, page_text(huge)) == (
        413,
        "Test Letter on Testing Nothing was saved What was sent is far larger than the form "
        "allows. Back to the letter",
    )
    long = client.post("/", data={**FORM, "csrf_token": token, "affiliation": "B" * 301})
    html = long.get_data(as_text=True)
    assert long.status_code == 400
    assert (
        '<input id="affiliation" name="affiliation" type="text" maxlength="300" '
        'autocomplete="organization-title" value="' + "B" * 300 + '" '
        'aria-describedby="affiliation-error" aria-invalid="true">\n'
        '    <p class="error" id="affiliation-error">This is too long: at most 300 '
        "characters.</p>"
    ) in html
    assert stored(app) == ([], 0)


def test_control_characters_are_refused_and_direction_overrides_closed(
    app: Flask, client: FlaskClient, inbox: Inbox
) -> None:
    bad = sign(client, name="Ada\x1b[2JLovelace")
    assert bad.status_code == 400
    assert (
        '<p class="error" id="name-error">This contains a control character, which cannot be '
        "printed.</p>"
    ) in bad.get_data(as_text=True)
    invisible = sign(client, name="\u200b\u200d \u2066")
    assert invisible.status_code == 400
    assert '<p class="error" id="name-error">Please fill this in.</p>' in invisible.get_data(
        as_text=True
    )
    assert stored(app) == ([], 0)
    assert sign(client, name="Ada \u202eecalevoL", affiliation="line\nbreak").status_code == 200
    engine = state_of(app).store.engine
    with engine.connect() as c:
        row = c.execute(sa.text("SELECT name, affiliation FROM submissions")).one()
    assert tuple(row) == ("Ada \u202eecalevoL\u202c", "line break")
    deliver(app)
    confirm(client, links(inbox.messages[0])["confirm"])
    assert "<bdi>Ada \u202eecalevoL\u202c</bdi>" in client.get("/").get_data(as_text=True)


def test_markup_and_template_syntax_in_a_name_print_as_typed(
    app: Flask, client: FlaskClient, inbox: Inbox
) -> None:
    name = "<script>alert(1)</script>{{ 7*7 }}{% raw %}"
    sign(client, name=name, affiliation="<b>bold</b>")
    deliver(app)
    assert "    <script>alert(1)</script>{{ 7*7 }}{% raw %}\n" in text_of(inbox.messages[0])
    confirm(client, links(inbox.messages[0])["confirm"])
    page = client.get("/").get_data(as_text=True)
    assert (
        "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}{% raw %}</bdi>, "
        "<bdi>&lt;b&gt;bold&lt;/b&gt;, United Kingdom</bdi>"
    ) in page
    listed = page[page.index('<section class="signatures"') :]
    listed = listed[: listed.index("</section>")]
    assert "<script>" not in page and "49" not in listed
    retry = sign(client, name=name, email="")  # shown again in the form, escaped
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}{% raw %}"' in retry.get_data(
        as_text=True
    )


def test_private_fields_never_reach_the_page(app: Flask, client: FlaskClient, inbox: Inbox) -> None:
    sign(client, email="hidden.address@example.org", contact_consent="yes")
    deliver(app)
    confirm(client, links(inbox.messages[0])["confirm"])
    page = client.get("/").get_data(as_text=True)
    assert "Ada Lovelace" in page
    for private in ("hidden.address", "127.0.0.1", "zoe.private"):
        assert private not in page


def test_a_request_for_another_host_is_refused(app: Flask, client: FlaskClient) -> None:
    token = csrf(client)
    for host in ("evil.example", "localhost.evil.example", "localhost:8080"):
        answer = client.post("/", data={**FORM, "csrf_token": token}, headers={"Host": host})
        assert (answer.status_code, page_text(answer)) == (
            400,
            "Test Letter on Testing Nothing was saved This page is not served under this "
            "address. Back to the letter",
        )
    assert client.get("/healthz", headers={"Host": "10.0.0.5:8000"}).status_code == 200
    assert stored(app) == ([], 0)


# -- the database -----------------------------------------------------------------------


UNAVAILABLE = (
    "Test Letter on Testing Nothing was saved The sign-on page cannot reach its database "
    "just now, so nothing was saved. Please try again in a few minutes. Back to the letter"
)


def test_a_database_that_goes_away_is_a_503_and_loses_nothing(
    workspace: Path, inbox: Inbox, caplog: pytest.LogCaptureFixture
) -> None:
    if pgserver.binaries() is None:
        pytest.skip(pgserver.MISSING)
    with pgserver.running() as server:
        app = create_app(workspace, SLUG, server.create_database(), PUBLIC, db_timeout=2)
        client = app.test_client()
        sign(client)
        deliver(app)
        link = links(inbox.messages[0])["confirm"]
        confirm(client, link)
        poster = app.test_client()
        token = csrf(poster)
        server.stop()
        state_of(app).forget_listing()  # the page keeps its list a second; not this time
        caplog.clear()
        with caplog.at_level(logging.INFO, "campaign.signon"):
            answers = [
                client.get("/"),
                poster.post("/", data={**FORM, "csrf_token": token, "email": "lost@example.org"}),
                client.get(link),
                client.post(link),
            ]
            health = client.get("/healthz")
        assert [(a.status_code, page_text(a)) for a in answers] == [(503, UNAVAILABLE)] * 4
        assert (health.status_code, health.get_data(as_text=True)) == (
            503,
            "database unavailable\n",
        )
        lines = [r.getMessage() for r in caplog.records]
        assert [line.split(":")[0] for line in lines] == [
            "database unavailable (GET /)",
            "database unavailable (POST /)",
            f"database unavailable (GET {link})",
            f"database unavailable (POST {link})",
            "health check",
        ]
        assert all(r.exc_info is None for r in caplog.records)  # a line, not a traceback
        server.start()
        back = client.get("/")
        assert back.status_code == 200 and "Ada Lovelace" in page_text(back)
        assert sign(app.test_client(), email="later@example.org").status_code == 200
        assert stored(app) == (
            [
                ("Ada Lovelace", "ada@example.org", True),
                ("Ada Lovelace", "later@example.org", False),
            ],
            2,
        )
        state_of(app).store.close()


def test_a_database_of_a_newer_campaign_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'signon.sqlite'}"
    Store(url).prepare()
    engine = sa.create_engine(url)
    with engine.begin() as c:
        c.execute(sa.text("UPDATE schema_version SET version = 99"))
    engine.dispose()
    with pytest.raises(CampaignError) as caught:
        Store(url).prepare()
    assert caught.value.message == (
        f"the sign-on database {url} has schema version 99, which this campaign (1) does "
        "not know; nothing was changed\n"
        "  hint: upgrade campaign, or give --database another database"
    )


def test_one_address_signing_from_many_threads_at_once_is_one_signature(
    workspace: Path, database_url: str
) -> None:
    app = create_app(workspace, SLUG, database_url, PUBLIC)
    clients = [app.test_client() for _ in range(12)]
    tokens = [csrf(c) for c in clients]
    statuses: list[int] = []
    start = threading.Barrier(len(clients))

    def send(client: FlaskClient, token: str) -> None:
        start.wait()
        answer = client.post("/", data={**FORM, "csrf_token": token, "email": "Twelve@Example.org"})
        statuses.append(answer.status_code)

    threads = [
        threading.Thread(target=send, args=pair) for pair in zip(clients, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 12
    people, mails = stored(app)
    assert people == [("Ada Lovelace", "Twelve@Example.org", False)]
    # signon.per_email (its default): the rest were answered alike and not sent
    assert mails == min(len(clients), SignonSettings().per_email)
    state_of(app).store.close()
