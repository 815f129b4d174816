"""The sign-on store on SQLite and on a real PostgreSQL: what a submission becomes, and turns."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from campaign.signon.store import Store, Submission, Unavailable, submissions

FIELDS = {
    "name": "Ada Lovelace",
    "kind": "individual",
    "affiliation": "Analytical Society",
    "country": "GB",
    "email": "Ada@Example.org",
    "mailbox": "ada@example.org",
    "grp": "intl",
    "contact_consent": True,
}


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    made = Store(database_url, timeout=2)
    made.prepare()
    yield made
    made.close()


def add(store: Store, **changes: Any) -> Submission:
    with store.writing() as c:
        found = store.add(c, "letter", {**FIELDS, **changes}, "127.0.0.1")
    assert found is not None
    return found


def mailboxes(store: Store) -> list[str]:
    """Every submission's mailbox, sorted."""
    with store.engine.connect() as c:
        return sorted(c.execute(select(submissions.c.mailbox)).scalars())


def test_a_new_submission_is_returned_as_the_database_keeps_it(store: Store) -> None:
    made = add(store)
    assert made == store.get(made.id)
    assert (made.name, made.group, made.confirmed, made.pulled) == (
        "Ada Lovelace",
        "intl",
        None,
        None,
    )


def test_a_mailbox_signs_once_and_its_newest_unconfirmed_submission_wins(store: Store) -> None:
    first = add(store)
    again = add(store, name="Someone Else", email="ADA@example.org")
    assert (again.id, again.name, again.email, again.confirmed) == (
        first.id,
        "Someone Else",
        "ADA@example.org",
        None,
    )
    assert again.nonce != first.nonce  # the first submission's links are void
    assert again == store.get(first.id)
    assert mailboxes(store) == ["ada@example.org"]
    assert store.confirm(again.id, again.nonce) == "confirmed"
    signed = store.get(first.id)
    late = add(store, name="Third Try")  # once confirmed, the signature stays as it is
    assert late == signed
    assert mailboxes(store) == ["ada@example.org"]


def test_a_writer_waits_its_turn_and_says_so_when_it_never_comes(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has many writers at once")
    store = Store(database_url, timeout=0.3)
    store.prepare()
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with store.writing():
            holding.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        with pytest.raises(Unavailable) as refused, store.writing():
            pass
        assert str(refused.value) == "no turn to write in 0.3 s: the database is busy"
    finally:
        release.set()
        holder.join()
    add(store)  # its turn came back
    store.close()


def test_many_threads_writing_at_once_all_get_their_turn(store: Store) -> None:
    failed: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for n in range(10):
                add(store, email=f"p{k}-{n}@example.org", mailbox=f"p{k}-{n}@example.org")
        except BaseException as exc:
            failed.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failed == []
    assert mailboxes(store) == sorted(f"p{k}-{n}@example.org" for k in range(8) for n in range(10))
