"""A build/<slug> that is a link out of the workspace is refused, not written through.

Found by an attack on 5 December; what it found, before the fix:
A workspace passed on as an archive may bring its build/ along, and in it a link
build/<slug> -> any folder of the receiver's (~/Documents). `campaign build` then
puts its outputs there, replacing the receiver's own files of the same names
(signatories.pdf, print.pdf, letter.html, mailing.csv, manifest.json, proof.json,
to/<name>.pdf) without a word. The build's outputs belong in the workspace's build/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run

SLUG = "japan-hrc-2020"


def test_a_build_folder_linked_out_of_the_workspace_is_not_written_through(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = tmp_path / "documents"
    theirs.mkdir()
    (theirs / "print.pdf").write_bytes(b"the receiver's own print.pdf")
    (example / "build").mkdir()
    (example / "build" / SLUG).symlink_to(theirs)
    monkeypatch.chdir(example)
    run("build", "--jobs", "1", SLUG)
    assert (theirs / "print.pdf").read_bytes() == b"the receiver's own print.pdf"
    assert sorted(p.name for p in theirs.iterdir()) == ["print.pdf"]


def test_the_link_is_said_and_nothing_is_written(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = tmp_path / "documents"
    theirs.mkdir()
    (example / "build").mkdir()
    (example / "build" / SLUG).symlink_to(theirs)
    monkeypatch.chdir(example)
    result = run("build", "--jobs", "1", SLUG)
    assert (result.exit_code, result.stderr) == (
        1,
        f"Building\nError: build/{SLUG} is a link (to {theirs}): a build writes only into the "
        "workspace's own build/ folder; nothing was written\n"
        "  hint: remove the link; the build makes the folder itself\n",
    )
    assert list(theirs.iterdir()) == []
