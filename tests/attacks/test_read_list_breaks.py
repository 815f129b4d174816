"""Attacks on build and check taking a list from the reading kept for its bytes.

The oracle: the same command with .campaign/lists/ taken away (a full read of the
file) prints the same, exits the same and writes the same.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from campaign.lists import remembered

from conftest import run


def _afresh(workspace: Path, *args: str) -> tuple[int, str, str]:
    """What ``args`` gives with no reading kept: the list read whole."""
    kept = workspace / ".campaign" / "lists"
    saved = workspace.parent / "lists-saved"
    if kept.exists():
        shutil.copytree(kept, saved)
        shutil.rmtree(kept)
    try:
        result = run(*args, workspace=workspace)
        return result.exit_code, result.stdout, result.stderr
    finally:
        if saved.exists():
            shutil.rmtree(kept, ignore_errors=True)
            shutil.copytree(saved, kept)
            shutil.rmtree(saved)


def _told(workspace: Path, *args: str) -> tuple[int, str, str]:
    result = run(*args, workspace=workspace)
    return result.exit_code, result.stdout, result.stderr


def test_a_key_after_the_list_keeps_warnings_above_an_edit_in_place(minimal: Path) -> None:
    # A top-level key below 'signatories:' is warned about before any entry is read:
    # the warnings of a full read are not in the order of their lines. An edit below
    # an entry's warning must not move that warning, nor say it twice.
    people = minimal / "signatories" / "people.yaml"
    text = people.read_text().replace(
        "    country: France\n", "    country: France\n    colour: red\n"
    )
    people.write_text(text + "extra: 1\n")
    assert (
        run("sig", "set", "people", "Late Person", "country=Chile", workspace=minimal).exit_code
        == 0
    )
    assert (
        run("sig", "set", "people", "Émile Abel", "country=Spain", workspace=minimal).exit_code == 0
    )
    assert (minimal / ".campaign" / "lists" / "people.yaml.json").is_file()
    told = _told(minimal, "check")
    assert "colour" in told[2]
    assert told == _afresh(minimal, "check")


def test_check_writes_no_key_in_the_users_cache(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # check only looks for a reading: with none kept there is nothing to unseal, and no
    # key is made for it (a secret written into the user's home by a read-only command).
    cache = tmp_path / "fresh-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setattr(remembered, "_secret", None)
    assert run("check", workspace=minimal).exit_code == 0
    assert not cache.exists()
    assert not (minimal / ".campaign").exists()
