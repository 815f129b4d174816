"""A link that leads back to itself, anywhere in a workspace, is a file that is not there.

Python 3.11's ``Path.resolve`` raises RuntimeError at such a link; campaign follows
links with ``paths.resolved`` only, and each place says so at the link's own path.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import run

SLUG = "japan-hrc-2020"


def test_a_letters_text_that_leads_back_to_itself_is_said_unreadable(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    body = example / "letters" / SLUG / "body.md"
    body.unlink()
    body.symlink_to("body.md")
    result = run("check")
    assert (result.exit_code, result.stderr) == (
        1,
        f"letters/{SLUG}/body.md: is not a file the letter can read\n"
        "  hint: write the letter's text here\n"
        "Error: 1 problem in 1 file; nothing was written\n",
    )


def test_a_picture_that_leads_back_to_itself_is_refused_where_the_letter_shows_it(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    folder = example / "letters" / SLUG
    (folder / "loop.png").symlink_to("loop.png")
    with (folder / "body.md").open("a") as body:
        body.write("\n![a picture](loop.png)\n")
    result = run("build", "--jobs", "1")
    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith(
        f"Error: letters/{SLUG}/: the letter links to a file that was not read: "
        f"letters/{SLUG}/loop.png (it is a link that leads back to itself)\n"
        "  hint: put the file itself there, or remove the link\n"
    )
    assert not list((example / "build").rglob("*.pdf"))


def test_a_workspace_whose_kept_readings_lead_back_to_themselves_still_builds(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    (example / ".campaign").mkdir(exist_ok=True)
    (example / ".campaign" / "lists").symlink_to("lists")
    result = run("build", "--jobs", "1")
    assert (result.exit_code, "Traceback" in result.stderr) == (0, False)
    assert (example / "build" / SLUG / "signatories.pdf").is_file()


def test_no_module_follows_links_but_through_paths() -> None:
    package = Path(__file__).parents[2] / "campaign"
    found = [
        f"{path.relative_to(package)}:{n}"
        for path in sorted(package.rglob("*.py"))
        if path != package / "paths.py"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\.resolve\((strict=\w+)?\)", line)  # a path's, not YAML's resolver
    ]
    assert found == []


@pytest.mark.parametrize("target", ["letter-old.css", "letter.css"])
def test_a_workspace_template_that_is_a_link_to_nothing_is_said_not_replaced(
    example: Path, monkeypatch: pytest.MonkeyPatch, target: str
) -> None:
    # Taken as missing, the shipped letter.css would print the letter in its stead.
    monkeypatch.chdir(example)
    own = example / "templates" / "joint-letter"  # the workspace's own parts of it
    own.mkdir(parents=True)
    (own / "letter.css").symlink_to(target)  # to a file not there, or to itself
    result = run("check")
    assert (result.exit_code, result.stderr.splitlines()[-3:]) == (
        1,
        [
            "templates/joint-letter/letter.css: templates/joint-letter/letter.css is a link "
            "to nothing "
            "(or one that leads back to itself)",
            "  hint: put the file itself there, or remove the link to use the shipped template's",
            "Error: 1 problem in 1 file; nothing was written",
        ],
    )
