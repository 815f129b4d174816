"""A build with nothing changed says so without composing; any change builds as before."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import campaign.build.check
from campaign.build import unchanged

from conftest import FIXTURES, copy_tree, run


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal workspace, built once (with a warning to tell), for every test to copy."""
    root = copy_tree(FIXTURES / "minimal", tmp_path_factory.mktemp("built") / "ws")
    people = root / "signatories" / "people.yaml"
    people.write_text(people.read_text().replace("signatories:", "surplus: 1\nsignatories:", 1))
    here = Path.cwd()
    os.chdir(root)
    try:
        assert run("build", "--jobs", "1").exit_code == 0
    finally:
        os.chdir(here)
    return root


@pytest.fixture
def ws(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built workspace (times kept), the current folder."""
    root = tmp_path / "copy"
    shutil.copytree(built, root)  # copy2: sizes and times as the build left them
    monkeypatch.chdir(root)
    return root


class Checked(Exception):
    """The build went on to load and compose the letters."""


def _no_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def check(*args: object, **kwargs: object) -> None:
        raise Checked

    monkeypatch.setattr(campaign.build.check, "check", check)


def test_an_unchanged_build_says_what_a_full_check_says_without_one(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (ws / unchanged.RECORD).unlink()
    full = run("build", "--jobs", "1")  # every output found up to date the long way
    assert full.exit_code == 0
    assert full.stdout.startswith("build/test/: 0 files made, ")
    assert "warning: unknown key 'surplus'" in full.stderr
    _no_check(monkeypatch)
    again = run("build", "--jobs", "1")
    assert (again.exit_code, again.stdout, again.stderr) == (0, full.stdout, full.stderr)


def _edit(path: str, text: str = "\n") -> Callable[[Path], None]:
    def change(root: Path) -> None:
        with (root / path).open("a", encoding="utf-8") as handle:
            handle.write(text)

    return change


def _touch(path: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        stat = (root / path).stat()
        os.utime(root / path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))

    return change


def _remove(path: str) -> Callable[[Path], None]:
    return lambda root: (root / path).unlink()


CHANGES = {
    "the text": _edit("letters/test/body.md", "\nOne more line.\n"),
    "the recipients": _edit("letters/test/recipients.yaml", "# a comment\n"),
    "the list": _edit("signatories/people.yaml", "# a comment\n"),
    "the settings": _edit("campaign.yaml", "# a comment\n"),
    "a new template": _edit("templates/joint-letter/extra.css", "p {}\n"),
    "a new file in the letter": _edit("letters/test/notes.txt", "x\n"),
    "an output touched": _touch("build/test/signatories.pdf"),
    "an output gone": _remove("build/test/signatories.pdf"),
    "the manifest gone": _remove("build/test/manifest.json"),
    "a file put in build/": _edit("build/test/to/stray.pdf", "%PDF-1.4\n"),
    "the record broken": _edit(str(unchanged.RECORD), "}"),
}


def test_a_copy_of_the_workspace_built_is_told_without_a_check(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_check(monkeypatch)  # the tests below start from here: a change, then a full build
    result = run("build", "--jobs", "1")
    assert (result.exit_code, result.stdout.splitlines()[0]) == (
        0,
        "build/test/: 0 files made, 10 up to date",
    )


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_to_an_input_or_an_output_builds_in_full(
    ws: Path, monkeypatch: pytest.MonkeyPatch, change: Callable[[Path], None]
) -> None:
    (ws / "templates" / "joint-letter").mkdir(parents=True, exist_ok=True)
    (ws / "build" / "test" / "to").mkdir(parents=True, exist_ok=True)
    change(ws)
    _no_check(monkeypatch)
    with pytest.raises(Checked):
        run("build", "--jobs", "1")


OPTIONS = {
    "--force": ["--force"],
    "--verbose": ["--verbose"],
    "--strict": ["--strict"],
    "a letter named": ["test"],
    "--pdf-variant": ["--pdf-variant", "pdf/a-3b"],
}


@pytest.mark.parametrize("options", OPTIONS.values(), ids=OPTIONS.keys())
def test_other_options_build_in_full(
    ws: Path, monkeypatch: pytest.MonkeyPatch, options: list[str]
) -> None:
    _no_check(monkeypatch)
    with pytest.raises(Checked):
        run("build", "--jobs", "1", *options)


def test_another_date_for_the_pdfs_or_another_folder_builds_in_full(
    ws: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _no_check(monkeypatch)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1733220000")
    with pytest.raises(Checked):
        run("build", "--jobs", "1")
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    monkeypatch.chdir(ws / "letters")
    with pytest.raises(Checked):
        run("build", "--jobs", "1", workspace=ws)
    monkeypatch.chdir(ws)
    assert run("build", "--jobs", "1").exit_code == 0  # as it was: told again
