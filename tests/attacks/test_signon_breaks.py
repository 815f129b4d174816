"""Breaks found in the sign-on page and ``sig pull`` by a hostile review, each held here.

The page runs under Flask's test client with an SMTP server on 127.0.0.1; the list is
read back from the YAML file that ``sig pull`` wrote.
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from smtpbox import Inbox

from campaign.signon import create_app
from campaign.signon import store as store_module
from campaign.signon.app import state_of

from conftest import run
from signonpage import (
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
def app(workspace: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """The page on SQLite, then on PostgreSQL (conftest); sig pull reads the same one."""
    monkeypatch.setenv("CAMPAIGN_DATABASE", database_url)
    with opened(workspace) as made:
        yield made


@pytest.fixture
def sqlite_app(workspace: Path) -> Iterator[Flask]:
    """The page on the workspace's own SQLite file."""
    with opened(workspace) as made:
        yield made


@pytest.fixture
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> dt.datetime:
    """The database's clock stands still, so that the list's dates can be asserted."""
    moment = dt.datetime(2024, 5, 3, 9, 30, 15)
    monkeypatch.setattr(store_module, "now", lambda: moment)
    return moment


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CONFIRMED = "Test Letter on Testing Thank you: your signature is confirmed. Back to the letter"


def mailed(app: Flask, inbox: Inbox) -> dict[str, str]:
    """The links of the e-mail the last submission was sent."""
    deliver(app)
    return links(inbox.messages[-1])


def confirmed(app: Flask, client: FlaskClient, inbox: Inbox, **changes: str) -> dict[str, str]:
    """Sign (FORM, changed as given) and confirm from the e-mail: the e-mail's links."""
    sign(client, **changes)
    got = mailed(app, inbox)
    confirm(client, got["confirm"])
    return got


def approved(
    app: Flask, client: FlaskClient, inbox: Inbox, workspace: Path, **changes: str
) -> dict[str, str]:
    """A signature confirmed, then pulled and approved: the links of its e-mail."""
    got = confirmed(app, client, inbox, **changes)
    assert run("sig", "pull", "people", "--approve", workspace=workspace).exit_code == 0
    return got


def signed_again(
    app: Flask, client: FlaskClient, inbox: Inbox, first: dict[str, str], **changes: str
) -> dict[str, str]:
    """Withdraw by ``first``'s link, then sign again, not confirmed yet: the new links."""
    withdraw(client, first["withdraw"])
    sign(client, **changes)
    return mailed(app, inbox)


def listed(workspace: Path) -> str:
    return (workspace / "signatories" / "people.yaml").read_text()


def test_signing_again_with_the_address_of_a_withdrawal_not_pulled_yet_keeps_it_withdrawn(
    app: Flask, client: FlaskClient, inbox: Inbox, workspace: Path, fixed_time: dt.datetime
) -> None:
    # Anyone who knows the address can send the form with it: that must not undo a
    # withdrawal the list has not had yet, nor put the name back on the page.
    first = approved(app, client, inbox, workspace)
    again = signed_again(app, client, inbox, first, name="Ada Lovelace (again?)")
    state_of(app).forget_listing()  # not the page of a second ago: what the database says
    assert "Ada Lovelace" not in page_text(client.get("/"))
    pulled = run("sig", "pull", "people", workspace=workspace)
    assert (pulled.exit_code, pulled.stdout) == (
        0,
        "withdrawn: Ada Lovelace (signatories/people.yaml:27), on 2024-05-03\n"
        "signatories/people.yaml: 0 added (pending), 0 already on the list, 1 withdrawn.\n",
    )
    assert "    status: withdrawn\n" in listed(workspace)
    assert "Ada Lovelace" not in page_text(client.get("/"))
    # Confirming the new signature, by the owner of the address, signs anew.
    confirmed = confirm(client, again["confirm"])
    assert (confirmed.status_code, page_text(confirmed)) == (200, CONFIRMED)
    repulled = run("sig", "pull", "people", workspace=workspace)
    assert (repulled.exit_code, repulled.stdout) == (
        0,
        "added: Ada Lovelace (again?) (intl, pending)\n"
        "signatories/people.yaml: 1 added (pending), 0 already on the list, 0 withdrawn.\n",
    )
    assert "Ada Lovelace (again?)" in listed(workspace)


def test_signing_again_before_the_withdrawal_is_pulled_takes_the_new_answers_to_the_list(
    app: Flask,
    client: FlaskClient,
    inbox: Inbox,
    workspace: Path,
    fixed_time: dt.datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Found by the notify attack (5 December): signed with "contact me", pulled, withdrawn,
    # then signed again without it and confirmed before the next pull. That pull said
    # "0 added, 0 already on the list, 0 withdrawn" and the list kept contact: 'yes', so
    # notify would mail someone who had taken their consent back.
    first = approved(app, client, inbox, workspace, contact_consent="yes")
    assert "    contact: 'yes'\n" in listed(workspace)
    monkeypatch.setattr(store_module, "now", lambda: fixed_time + dt.timedelta(hours=2))
    again = signed_again(app, client, inbox, first)  # the box left empty this time
    confirm(client, again["confirm"])
    pulled = run("sig", "pull", "people", workspace=workspace)
    assert (pulled.exit_code, pulled.stdout) == (
        0,
        "updated: Ada Lovelace (signatories/people.yaml:27) signed again on the sign-on "
        "page: contact: 'no'\n"
        "signatories/people.yaml: 0 added (pending), 0 already on the list, 0 withdrawn, "
        "1 updated.\n",
    )
    text = listed(workspace)
    assert "    contact: 'no'\n" in text and "contact: 'yes'" not in text
    assert "    status: signed\n" in text  # the coordinator's approval stands
    again = run("sig", "pull", "people", workspace=workspace)  # nothing twice
    assert again.stdout.endswith("0 added (pending), 0 already on the list, 0 withdrawn.\n")


def test_a_signature_in_a_group_the_letter_no_longer_prints_is_not_pulled(
    app: Flask, client: FlaskClient, inbox: Inbox, workspace: Path, fixed_time: dt.datetime
) -> None:
    # The page offered the groups of letter.yaml when it started; the coordinator has
    # removed one since. Put in the list, the entry would break every check and build.
    org = {"name": "Org One", "kind": "organisation", "group": "orgs", "email": "o@example.org"}
    confirmed(app, client, inbox, **org)
    letter = workspace / "letters" / "test" / "letter.yaml"
    printed = letter.read_text()
    letter.write_text(printed.replace("    - key: orgs\n      heading: Organizations\n", ""))
    before = listed(workspace)
    pulled = run("sig", "pull", "people", workspace=workspace)
    assert (pulled.exit_code, pulled.output) == (
        1,
        "letters/test/letter.yaml:4: 'Org One' signed on the sign-on page in group 'orgs', "
        "which letter 'test' no longer prints\n"
        "  hint: put a group with key 'orgs' back in the letter's groups (the page offered "
        "it), then pull again\n"
        "Error: 1 problem in 1 file; nothing was written\n",
    )
    assert listed(workspace) == before
    letter.write_text(printed)
    again = run("sig", "pull", "people", workspace=workspace)
    assert (again.exit_code, again.output) == (
        0,
        "added: Org One (orgs, pending)\n"
        "signatories/people.yaml: 1 added (pending), 0 already on the list, 0 withdrawn.\n",
    )


class Killed(BaseException):
    """What SIGKILL does to a pull, at the one place it matters: after the list is written."""


def test_a_pull_killed_after_writing_the_list_is_finished_by_the_next_one_silently(
    app: Flask,
    client: FlaskClient,
    inbox: Inbox,
    workspace: Path,
    fixed_time: dt.datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The list is written before the database remembers what went into it; a pull
    # killed in between must leave the next pull nothing to add, report or withdraw.
    first = confirmed(app, client, inbox)

    def killed(*_args: object) -> None:
        raise Killed

    with monkeypatch.context() as patched:
        patched.setattr(store_module.Store, "mark_pulled", killed)
        with pytest.raises(Killed):
            run("sig", "pull", "people", workspace=workspace)
    written = listed(workspace)
    assert written.count("  - name: Ada Lovelace\n") == 1
    _the_next_pull_changes_nothing(workspace, written)
    withdraw(client, first["withdraw"])
    with monkeypatch.context() as patched:
        patched.setattr(store_module.Store, "mark_pulled", killed)
        with pytest.raises(Killed):
            run("sig", "pull", "people", workspace=workspace)
    withdrawn = listed(workspace)
    assert withdrawn.count("    status: withdrawn\n") == 2  # Ada, and the fixture's own
    _the_next_pull_changes_nothing(workspace, withdrawn)


NOTHING = "signatories/people.yaml: 0 added (pending), 0 already on the list, 0 withdrawn.\n"


def _the_next_pull_changes_nothing(workspace: Path, written: str) -> None:
    """A pull now adds, reports and withdraws nothing, and leaves the list as ``written``."""
    pulled = run("sig", "pull", "people", workspace=workspace)
    assert (pulled.exit_code, pulled.output) == (0, NOTHING)
    assert listed(workspace) == written


def test_a_pull_the_database_keeps_waiting_says_so_and_the_next_one_finishes_it(
    app: Flask,
    client: FlaskClient,
    inbox: Inbox,
    workspace: Path,
    fixed_time: dt.datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A database busy past its wait: a traceback, and what went into the list unsaid.

    Before the pull reads it, nothing is changed; as the pull marks what it wrote, the
    list is changed, and what was added is said (the next pull finds it and is silent).
    """
    confirmed(app, client, inbox)
    before = listed(workspace)

    def busy(*_args: object) -> None:
        raise store_module.Unavailable("no turn to write in 10 s: the database is busy")

    hint = "  hint: run 'campaign sig pull people' again; nothing is added twice"
    with monkeypatch.context() as patched:
        patched.setattr(store_module.Store, "to_pull", busy)
        stopped = run("sig", "pull", "people", workspace=workspace)
    assert (stopped.exit_code, stopped.stdout) == (1, "")
    assert stopped.stderr == (
        "Error: the sign-on database did not answer in time (no turn to write in 10 s: the "
        f"database is busy); nothing was changed\n{hint}\n"
    )
    assert listed(workspace) == before
    _unmarked(
        workspace,
        monkeypatch,
        busy,
        "Error: signatories/people.yaml was written, but the sign-on database did not answer "
        "in time to be told what went into it (no turn to write in 10 s: the database is "
        f"busy)\n{hint}, and it is told\n",
    )


def _unmarked(workspace: Path, monkeypatch: pytest.MonkeyPatch, marking: Any, error: str) -> str:
    """A pull whose telling the database what went into the list is ``marking``: what it
    says, and that the next pull changes nothing; the list it wrote."""
    with monkeypatch.context() as patched:
        patched.setattr(store_module.Store, "mark_pulled", marking)
        stopped = run("sig", "pull", "people", workspace=workspace)
    assert (stopped.exit_code, stopped.stdout) == (1, "added: Ada Lovelace (intl, pending)\n")
    assert stopped.stderr == error
    written = listed(workspace)
    assert written.count("  - name: Ada Lovelace\n") == 1
    _the_next_pull_changes_nothing(workspace, written)
    return written


def test_a_pull_stopped_as_it_tells_the_database_says_what_it_wrote(
    app: Flask,
    client: FlaskClient,
    inbox: Inbox,
    workspace: Path,
    fixed_time: dt.datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Ctrl+C (or SIGTERM, SIGHUP) between the list written and the database told: it
    said "Aborted!", as if nothing had been done, of a list it had changed."""
    confirmed(app, client, inbox)

    def stopped_here(*_args: object) -> None:
        raise KeyboardInterrupt  # as the command's stop raises it (model/stops.py)

    written = _unmarked(
        workspace,
        monkeypatch,
        stopped_here,
        "Error: signatories/people.yaml was written, but the pull was stopped before the "
        "sign-on database was told what went into it\n  hint: run 'campaign sig pull "
        "people' again; nothing is added twice, and it is told\n",
    )
    # Stopped there with nothing written: nothing was done, and it says so.
    with monkeypatch.context() as patched:
        patched.setattr(store_module.Store, "mark_pulled", stopped_here)
        again = run("sig", "pull", "people", workspace=workspace)
    assert (again.exit_code, again.stdout, again.stderr) == (1, "", "\nAborted!\n")
    assert listed(workspace) == written


def test_two_pulls_at_once_add_each_signature_once_and_report_it_once(
    app: Flask,
    client: FlaskClient,
    inbox: Inbox,
    workspace: Path,
    fixed_time: dt.datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The second pull waits for the list's lock; by then the first must have marked
    # what it pulled, or the second reports it again as a duplicate of itself.
    from campaign.signon.pull import letters_using, pull

    confirmed(app, client, inbox)
    path = workspace / "signatories" / "people.yaml"
    letters = letters_using(workspace, path)
    store = state_of(app).store
    second_read = threading.Event()
    mark, read = store_module.Store.mark_pulled, store_module.Store.to_pull

    def slow_mark(self: store_module.Store, *args: list[int]) -> None:
        second_read.wait(2)  # the other pull's turn to read, if it can get it now
        mark(self, *args)

    def reading(self: store_module.Store, names: list[str]) -> list[store_module.Submission]:
        found = read(self, names)
        if threading.current_thread().name == "second":
            second_read.set()
        return found

    monkeypatch.setattr(store_module.Store, "mark_pulled", slow_mark)
    monkeypatch.setattr(store_module.Store, "to_pull", reading)
    outcomes: dict[str, Any] = {}

    def pulling(name: str) -> None:
        outcomes[name] = pull(store, path, letters, False, False)

    first = threading.Thread(target=pulling, args=("first",), name="first")
    first.start()
    while "first" not in outcomes and not path.read_text().count("Ada Lovelace"):
        time.sleep(0.01)  # until the first pull has written the list
    second = threading.Thread(target=pulling, args=("second",), name="second")
    second.start()
    first.join()
    second.join()
    assert [(o.added, o.duplicates, o.changes) for o in map(outcomes.get, ("first", "second"))] == [
        (1, 0, ["added: Ada Lovelace (intl, pending)"]),
        (0, 0, []),
    ]


UNAVAILABLE = (
    "Test Letter on Testing Nothing was saved The sign-on page cannot reach its database "
    "just now, so nothing was saved. Please try again in a few minutes. Back to the letter"
)


def test_a_database_file_deleted_while_serving_is_a_503_not_a_ghost_that_loses_everything(
    sqlite_app: Flask, inbox: Inbox, workspace: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, client = sqlite_app, sqlite_app.test_client()
    # The server's open connections would go on writing into the deleted file, and the
    # page would thank every signer for a signature no one will ever see again.
    assert sign(client).status_code == 200
    poster = app.test_client()
    token = csrf(poster)
    database = workspace / ".campaign" / "signon.sqlite"
    for made in database.parent.glob("signon.sqlite*"):
        made.unlink()
    state_of(app).forget_listing()
    caplog.clear()
    with caplog.at_level(logging.INFO, "campaign.signon"):
        answers = [
            client.get("/"),
            poster.post("/", data={**FORM, "csrf_token": token, "email": "lost@example.org"}),
        ]
        health = client.get("/healthz")
    assert [(a.status_code, page_text(a)) for a in answers] == [(503, UNAVAILABLE)] * 2
    assert (health.status_code, health.get_data(as_text=True)) == (503, "database unavailable\n")
    assert caplog.records[0].getMessage() == (
        f"database unavailable (GET /): {database} was removed or replaced while in use; "
        "restart the server (with the file back in its place)"
    )
    assert not database.exists()  # not an empty database made in its place either


INVALID = (
    "Test Letter on Testing Nothing was saved This link is not valid. Open it from the "
    "e-mail again, or copy the whole link. Back to the letter"
)


def test_a_link_of_one_letter_does_nothing_on_another_letters_page(
    app: Flask, client: FlaskClient, inbox: Inbox, workspace: Path
) -> None:
    # Two letters of one workspace share its key and database: a link mailed by one
    # page must not confirm or withdraw anything through the other (which would ask
    # "withdraw from this letter?" of a signature of another letter).
    shutil.copytree(workspace / "letters" / SLUG, workspace / "letters" / "other")
    other = create_app(workspace, "other", public_url=PUBLIC)
    try:
        sign(client)
        got = mailed(app, inbox)
        elsewhere = other.test_client()
        answers = [
            elsewhere.get(got["confirm"]),
            elsewhere.post(got["confirm"]),
            elsewhere.get(got["withdraw"]),
            elsewhere.post(got["withdraw"]),
        ]
        assert [(a.status_code, page_text(a)) for a in answers] == [(400, INVALID)] * 4
        confirmed = confirm(client, got["confirm"])  # on its own page it still works
        assert (confirmed.status_code, page_text(confirmed)) == (200, CONFIRMED)
    finally:
        state_of(other).store.close()


ADDRESSES = (
    *("2001:db8:1:2::1", "2001:db8:1:2::2", "2001:db8:1:2:ffff::3", "2001:db8:1:2::4"),
    "2001:db8:1:3::1",
    *("::ffff:192.0.2.1", "192.0.2.1", "::ffff:192.0.2.1", "192.0.2.1"),
)


def test_the_client_limit_holds_for_every_address_of_one_ipv6_network(
    workspace: Path, inbox: Inbox
) -> None:
    # One IPv6 connection is given a /64 (2^64 addresses): counted address by address,
    # the limit per client holds nobody who changes address between submissions.
    (workspace / "campaign.yaml").write_text(
        (workspace / "campaign.yaml").read_text() + "signon:\n  per_address: 3\n"
    )
    app = create_app(workspace, SLUG, public_url=PUBLIC)
    try:
        client = app.test_client()
        token = csrf(client)
        answers = [
            client.post(
                "/",
                data={**FORM, "csrf_token": token, "email": f"n{n}@example.org"},
                environ_base={"REMOTE_ADDR": address},
            ).status_code
            for n, address in enumerate(ADDRESSES)
        ]
        # The fourth from the /64 is refused; another /64 is not held up; an IPv4
        # address is one client whether or not the server writes it as IPv6.
        assert answers == [200, 200, 200, 429, 200, 200, 200, 200, 429]
    finally:
        state_of(app).store.close()


def test_a_signature_confirmed_anew_while_a_pull_writes_its_withdrawal_is_pulled_next_time(
    app: Flask,
    client: FlaskClient,
    inbox: Inbox,
    workspace: Path,
    fixed_time: dt.datetime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The page does not wait for the list's lock: its owner may confirm signing again
    # between the pull reading the withdrawal and the pull marking it written.
    first = approved(app, client, inbox, workspace)
    again = signed_again(app, client, inbox, first, name="Ada Lovelace (again)")
    read = store_module.Store.to_pull

    def confirmed_meanwhile(
        self: store_module.Store, names: list[str]
    ) -> list[store_module.Submission]:
        found = read(self, names)
        confirm(client, again["confirm"])
        return found

    with monkeypatch.context() as patched:
        patched.setattr(store_module.Store, "to_pull", confirmed_meanwhile)
        assert run("sig", "pull", "people", workspace=workspace).stdout.startswith("withdrawn: ")
    pulled = run("sig", "pull", "people", workspace=workspace)
    assert (pulled.exit_code, pulled.output) == (
        0,
        "added: Ada Lovelace (again) (intl, pending)\n"
        "signatories/people.yaml: 1 added (pending), 0 already on the list, 0 withdrawn.\n",
    )


# Each prints nothing (the Hangul fillers, the blank braille pattern, a variation
# selector, the grapheme joiner, a tag) yet is not a zero-width space.
BLANK_NAMES = ("\u3164", "\u2800", "\u115f\u1160", "\uffa0", "\u034f", "\ufe0f", "\U000e0020")


def test_a_name_of_fillers_that_print_nothing_is_no_name_on_the_page_or_in_the_list(
    sqlite_app: Flask, inbox: Inbox, workspace: Path
) -> None:
    # The trick of blank user names: accepted, such a name was pulled into the list,
    # passed 'campaign check' and printed as an empty line among the signatories.
    client = sqlite_app.test_client()
    for name in BLANK_NAMES:
        answer = sign(client, name=f" {name}\u200b{name} ")
        assert answer.status_code == 400, repr(name)
        assert '<p class="error" id="name-error">Please fill this in.</p>' in answer.get_data(
            as_text=True
        )
    people = workspace / "signatories" / "people.yaml"
    people.write_text(
        people.read_text().replace(
            "signatories:\n",
            'signatories:\n  - name: "\\u3164\\u2800"\n    type: individual\n    group: intl\n',
            1,
        )
    )
    checked = run("check", workspace=workspace)
    assert (checked.exit_code, checked.stderr.splitlines()[0]) == (
        1,
        "signatories/people.yaml:3: signatory has no 'name'",
    )


def test_a_duplicate_of_a_signature_added_by_the_same_pull_is_named(
    app: Flask, client: FlaskClient, inbox: Inbox, workspace: Path, fixed_time: dt.datetime
) -> None:
    # Two confirmed signatures of one name from two addresses: the second was reported
    # as "already on the list as an entry", naming nothing the coordinator could find.
    for email in ("ada@example.org", "ada.other@example.org"):
        confirmed(app, client, inbox, email=email)
    pulled = run("sig", "pull", "people", workspace=workspace)
    assert (pulled.exit_code, pulled.output) == (
        0,
        "added: Ada Lovelace (intl, pending)\n"
        "not added: Ada Lovelace (confirmed on the sign-on page) is already on the list as "
        "Ada Lovelace (added by this pull)\n"
        "signatories/people.yaml: 1 added (pending), 1 already on the list, 0 withdrawn.\n",
    )
