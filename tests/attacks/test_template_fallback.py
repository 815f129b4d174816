"""A workspace's own template that cannot be read is said, not replaced by the shipped one.

Found by an attack on 5 December; what it found, before the fix:
411736d makes a template *file* that is a link to nothing an error at the link:
"taken as missing, the shipped file of that name would print the letter in its
stead". The same still happens one step up, or with anything but a file link:

- templates/joint-letter (or templates/ itself) a link to nothing, as a link to a
  shared checkout not cloned on this machine is: WorkspaceLoader is asked for
  templates/joint-letter/letter.html.j2, which is no file and no link itself, and
  make_environment adds no workspace loader when templates/ is no folder;
- letter.css a folder (or a FIFO) where the file was: is_file() and is_symlink() both
  False, so Jinja's FileSystemLoader misses it and the shipped letter.css is used;
- `campaign new --template`: catalog.starter() takes the first new/<file> that
  is_file(), so new/body.md a link to nothing starts the letter from the shipped text.

`campaign check` and `build` pass; the letter prints in the shipped design.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import run


def _gone(example: Path, relative: str) -> None:
    """``relative`` made a link to a folder that is not there (an uncloned checkout)."""
    place = example / relative
    if place.exists():
        shutil.rmtree(place)
    place.parent.mkdir(parents=True, exist_ok=True)
    place.symlink_to(Path("..", "..", "shared-checkout", place.name))


@pytest.mark.parametrize("relative", ["templates/joint-letter", "templates"])
def test_a_template_folder_that_is_a_link_to_nothing_is_said(
    example: Path, monkeypatch: pytest.MonkeyPatch, relative: str
) -> None:
    monkeypatch.chdir(example)
    _gone(example, relative)
    result = run("check")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert f"{relative}" in result.stderr


def test_a_template_file_that_is_a_folder_is_said(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    css = example / "templates" / "joint-letter" / "letter.css"
    css.mkdir(parents=True)  # the workspace's own parts of joint-letter: a folder for a file
    result = run("check")
    assert result.exit_code == 1, result.stdout + result.stderr
    assert "templates/joint-letter/letter.css" in result.stderr


def test_a_starter_that_is_a_link_to_nothing_is_said(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    body = example / "templates" / "joint-letter" / "new" / "body.md"
    body.parent.mkdir(parents=True)
    body.symlink_to(Path("..", "..", "..", "shared-checkout", "body.md"))
    result = run("new", "fresh", "--template", "joint-letter")
    assert (result.exit_code, result.stderr.splitlines()[-2:]) == (
        1,
        [
            "Error: templates/joint-letter/new/body.md: not copied: it is a link to nothing",
            "  hint: put the file itself there, or remove the link",
        ],
    )
    assert not (example / "letters" / "fresh").exists()
