"""Attacks on build and check taking a list from the reading kept for its bytes.

The oracle: the same command with .campaign/lists/ taken away (a full read of the
file) prints the same, exits the same and writes the same.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from campaign.errors import Problem
from campaign.lists import listfile, remembered
from campaign.lists.edit import set_fields
from campaign.load.records import load_signature_list

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


def _texts(minimal: Path) -> tuple[Path, bytes, bytes]:
    """The minimal workspace's list, its bytes, and the same with one name changed.

    The other text is as long as the first, so that written in place over it, it
    leaves the file's size as it was.
    """
    people = minimal / "signatories" / "people.yaml"
    first = people.read_bytes()
    other = first.replace("Zoë Zimmer".encode(), "Yoë Yimmer".encode())
    assert len(other) == len(first)
    return people, first, other


def test_a_list_changed_and_changed_back_while_a_build_reads_it_keeps_no_other_reading(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Written in place twice while the build parses it (a sync that keeps the time, or
    # two saves within a file system's coarse tick): inode, size, time and bytes are
    # the same after as before, but what was parsed was the other text. The reading
    # must be of the bytes it is kept under.
    people, first, other = _texts(minimal)
    was = os.stat(people)
    parse = listfile.load_signature_list

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        with people.open("r+b") as out:  # in place, same file
            out.write(other)
        try:
            return parse(*args, **kwargs)
        finally:
            with people.open("r+b") as out:
                out.write(first)
            os.utime(people, ns=(was.st_atime_ns, was.st_mtime_ns))

    monkeypatch.setattr(listfile, "load_signature_list", meanwhile)
    kept: list[listfile.Kept] = []
    listfile.read_list(people, [], kept)
    listfile.keep_readings(kept)  # as a build does once it has succeeded
    monkeypatch.undo()
    assert people.read_bytes() == first
    loaded = listfile.read_list(people, [])
    assert loaded is not None
    assert loaded.entries[0].name == "Zoë Zimmer"


def test_a_hand_edit_while_a_sig_command_reads_the_list_leaves_no_reading_of_it(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The edit is spliced into the bytes the command read; what it parsed must be those
    # bytes too, or the reading it keeps holds entries of a text never written.
    people, _, other = _texts(minimal)
    parse = listfile.load_signature_list

    def meanwhile(*args: Any, **kwargs: Any) -> Any:
        if "text" not in kwargs:  # the read of the file, not the check of the new text
            with people.open("r+b") as out:  # by hand, in place, without the lock
                out.write(other)
        return parse(*args, **kwargs)

    monkeypatch.setattr(listfile, "load_signature_list", meanwhile)
    set_fields(people, "Late Person", {"country": "Chile"}, (), True)
    monkeypatch.undo()
    problems: list[Problem] = []
    told = listfile.read_list(people, problems)
    whole: list[Problem] = []
    assert (told, problems) == (load_signature_list(people, whole, allow_empty=True), whole)
