"""A hostile .campaign/unchanged.json (the last build's record) in a workspace handed over."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from campaign.build import unchanged

from conftest import FIXTURES, copy_tree, run


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal workspace, built once."""
    root = copy_tree(FIXTURES / "minimal", tmp_path_factory.mktemp("built") / "ws")
    assert run("build", "--jobs", "1", workspace=root).exit_code == 0
    return root


@pytest.fixture
def ws(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built workspace with no record, the current folder."""
    root = tmp_path / "copy"
    shutil.copytree(built, root)
    (root / unchanged.RECORD).unlink()
    monkeypatch.chdir(root)
    return root


def _built(ws: Path) -> list[object]:
    """The build's exit status and first line, run in a thread that may hang."""
    done: list[object] = []
    thread = threading.Thread(
        target=lambda: done.extend(
            (r.exit_code, r.stdout.splitlines()[:1]) for r in [run("build", "--jobs", "1")]
        ),
        daemon=True,
    )
    thread.start()
    thread.join(120)
    return done


def test_a_record_nested_too_deep_is_a_full_build_not_a_traceback(ws: Path) -> None:
    (ws / unchanged.RECORD).write_bytes(b"[" * 200_000)
    assert _built(ws) == [(0, ["build/test/: 0 files made, 10 up to date"])]


def test_a_fifo_in_place_of_the_record_does_not_hang_the_build(ws: Path) -> None:
    os.mkfifo(ws / unchanged.RECORD)
    assert _built(ws) == [(0, ["build/test/: 0 files made, 10 up to date"])]
