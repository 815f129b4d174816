"""The file that passes SQLite's turn to write, planted hostile in a workspace's .campaign/."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from campaign.errors import CampaignError
from campaign.signon.app import secret_key
from campaign.signon.store import Store, default_url


def _store(tmp_path: Path) -> tuple[Store, Path]:
    folder = tmp_path / "ws" / ".campaign"
    folder.mkdir(parents=True)
    database = folder / "signon.sqlite"
    return Store(f"sqlite:///{database}"), database


def test_a_folder_in_place_of_the_turn_file_is_said_not_a_traceback(tmp_path: Path) -> None:
    store, database = _store(tmp_path)
    Path(f"{database}-turn").mkdir()
    with pytest.raises(CampaignError) as raised:
        store.prepare()
    assert str(raised.value) == (
        f"cannot open the sign-on database sqlite:///{database}: {database}-turn, the file that "
        "passes the turn to write, cannot be opened: Is a directory\n"
        "  hint: remove it; campaign makes it again"
    )
    store.close()


@pytest.mark.parametrize("kind", ["dangling", "outside file", "fifo"])
def test_a_turn_file_that_is_no_file_of_the_workspace_is_not_used(
    tmp_path: Path, kind: str
) -> None:
    store, database = _store(tmp_path)
    turn = Path(f"{database}-turn")
    outside = tmp_path / "outside"
    if kind == "fifo":
        os.mkfifo(turn)
        reason = "it is not a regular file"
    else:
        if kind == "outside file":
            outside.write_text("someone's file\n")
        turn.symlink_to(outside)
        reason = "Too many levels of symbolic links"
    with pytest.raises(CampaignError) as raised:
        store.prepare()
    assert str(raised.value) == (
        f"cannot open the sign-on database sqlite:///{database}: {turn}, the file that "
        f"passes the turn to write, cannot be opened: {reason}\n"
        "  hint: remove it; campaign makes it again"
    )
    assert outside.exists() == (kind == "outside file")
    store.close()


def test_a_fifo_planted_as_the_secret_key_is_said_not_waited_on(tmp_path: Path) -> None:
    folder = tmp_path / ".campaign"
    folder.mkdir()
    os.mkfifo(folder / "secret_key")
    said: list[str] = []

    def made() -> None:
        try:
            secret_key(tmp_path)
        except CampaignError as exc:
            said.append(str(exc))

    thread = threading.Thread(target=made, daemon=True)
    thread.start()
    thread.join(30)
    assert said == [f"{folder / 'secret_key'} holds no usable key; delete it to make a new one"]


def test_a_link_planted_as_the_database_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ws" / ".campaign"
    folder.mkdir(parents=True)
    outside = tmp_path / "outside.sqlite"
    (folder / "signon.sqlite").symlink_to(outside)
    with pytest.raises(CampaignError) as raised:
        Store(default_url(tmp_path / "ws")).prepare()
    assert str(raised.value) == (
        f"{folder / 'signon.sqlite'} is a link to {outside}: the sign-on database of a "
        "workspace is kept in it; nothing was changed\n"
        "  hint: remove the link, or name the database with --database"
    )
    assert not outside.exists()


def _interrupt_at_call(n: int) -> Any:
    """A profile function raising KeyboardInterrupt as the ``n``-th function starts."""
    calls = [0]

    def profile(_frame: object, event: str, _arg: object) -> None:
        if event == "call":
            calls[0] += 1
            if calls[0] == n:
                raise KeyboardInterrupt

    return profile


def test_a_ctrl_c_while_the_key_is_made_leaves_no_key_or_a_whole_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Interrupted at each function it calls in turn: made with O_EXCL and then written,
    a Ctrl+C in between left an empty key that every later start refused."""
    monkeypatch.delenv("CAMPAIGN_SECRET_KEY", raising=False)
    interrupted = 0
    for n in range(1, 80):
        workspace = tmp_path / str(n)
        workspace.mkdir()
        try:
            sys.setprofile(_interrupt_at_call(n))
            secret_key(workspace)
        except KeyboardInterrupt:
            interrupted += 1
        finally:
            sys.setprofile(None)
        made = workspace / ".campaign" / "secret_key"
        assert not made.exists() or len(made.read_text().strip()) >= 32, n  # never empty
        key = secret_key(workspace)  # started again: a key, whole
        assert len(key) >= 32 and secret_key(workspace) == key
    assert interrupted >= 20
