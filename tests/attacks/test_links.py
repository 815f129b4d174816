"""A letter's own text files cannot be links out of their folder (found by an attack review)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from campaign.load.catalog import BUILTIN_TEMPLATES

from conftest import run

SLUG = "japan-hrc-2020"


def test_a_body_linked_to_the_sign_on_list_is_refused(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    body = example / "letters" / SLUG / "body.md"
    body.unlink()
    body.symlink_to(Path("..", "..", "signatories", f"{SLUG}.yaml"))
    result = run("build", "--jobs", "1")
    assert result.exit_code == 1
    real = (example / "signatories" / f"{SLUG}.yaml").resolve()
    said = f"letters/{SLUG}/body.md: body.md is not read: it leads to {real}, outside {SLUG}/\n"
    assert said in result.stderr
    assert "  hint: a letter's text must be a file of the letter's own folder;" in result.stderr
    assert not (example / "build").exists() or not any((example / "build").rglob("*.pdf"))


def test_a_body_linked_to_its_own_recipients_is_refused(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    body = example / "letters" / SLUG / "body.ja.md"
    body.unlink()
    body.symlink_to("recipients.yaml")
    result = run("check")
    assert result.exit_code == 1
    assert (
        f"letters/{SLUG}/body.ja.md: body.ja.md is not read: it leads to recipients.yaml, "
        "a list of recipients\n"
    ) in result.stderr


def test_a_template_whose_starter_is_a_link_out_makes_no_letter(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    run("new", "scratch")  # a shipped template's starters: the control
    assert (example / "letters" / "scratch" / "body.md").is_file()
    shutil.copytree(BUILTIN_TEMPLATES / "joint-letter", example / "templates" / "evil")
    starters = example / "templates" / "evil" / "new"
    (starters / "body.md").unlink()
    (starters / "body.md").symlink_to("/etc/passwd")
    result = run("new", "leak", "--template", "evil")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "templates/evil/new/body.md: not copied: it leads to /etc/passwd, outside evil/\n"
        "  hint: a letter or template passed on to you must hold its own files; "
        "replace the link with the file itself\n"
    )
    assert not (example / "letters" / "leak").exists()


def test_copying_a_letter_does_not_turn_a_link_out_into_a_file(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    (example / "letters" / SLUG / "notes.txt").symlink_to("/etc/passwd")
    result = run("new", "copy1", "--from", SLUG)
    assert result.exit_code == 1
    assert (
        f"letters/{SLUG}/notes.txt: not copied: it leads to /etc/passwd, outside {SLUG}/\n"
        in result.stderr
    )
    assert not (example / "letters" / "copy1").exists()


def test_a_file_name_from_a_template_is_escaped_where_it_is_printed(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    body = example / "letters" / SLUG / "body.md"
    body.write_text('{% include "\x1b[31mRED\x1b]0;TITLE\x07" %}\n')
    result = run("check")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b[31mRED" in result.stderr


def test_links_inside_a_letter_folder_still_work(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    folder = example / "letters" / SLUG
    os.rename(folder / "body.md", folder / "text.md")
    (folder / "body.md").symlink_to("text.md")
    assert run("check").exit_code == 0
