"""A server process killed at any instruction leaves nothing the others wait on forever."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest
from flask import Flask

import campaign.signon.app as app_module
from campaign.signon.app import state_of

from signonpage import opened


def _killed_while_telling(app: Flask) -> None:
    """A forked process (a gunicorn worker) killed -9 as it tells the others of a change."""
    state = state_of(app)
    changes = state._changes
    lock = getattr(changes, "get_lock", None)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child dies here
        if lock is not None:
            lock().acquire()
        os.kill(os.getpid(), signal.SIGKILL)
    os.waitpid(pid, 0)


def test_a_worker_killed_as_it_marks_the_listing_stale_does_not_hang_the_others(
    workspace: Path,
) -> None:
    with opened(workspace) as app:
        state = state_of(app)
        _killed_while_telling(app)
        answers: list[int] = []
        asked = threading.Thread(
            target=lambda: answers.append(app.test_client().get("/").status_code), daemon=True
        )
        asked.start()
        asked.join(20)
        assert answers == [200]
        told = threading.Thread(target=state.forget_listing, daemon=True)
        told.start()
        told.join(20)
        assert not told.is_alive()


def test_a_change_told_by_another_process_is_shown_at_once(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The listing is kept for LIST_SECONDS by the clock: a busy machine could pass
    # a second between two calls here, and the first listing be made again (or the
    # last made again without the other process telling). An hour is this test's window.
    monkeypatch.setattr(app_module, "LIST_SECONDS", 3600.0)
    with opened(workspace) as app:
        state = state_of(app)
        asked: list[str] = []
        confirmed = state.store.confirmed

        def counted(slug: str) -> object:
            asked.append(slug)
            return confirmed(slug)

        state.store.confirmed = counted  # type: ignore[method-assign]
        with app.app_context():
            state.listing()
            state.listing()  # within LIST_SECONDS: the listing made before
            assert len(asked) == 1
            pid = os.fork()
            if pid == 0:  # pragma: no cover - a worker that confirms, then ends
                state.forget_listing()
                os._exit(0)
            os.waitpid(pid, 0)
            state.listing()
        assert len(asked) == 2
