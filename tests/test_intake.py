"""A new user's first campaign (issue 18): messages they can act on, form imports, sig set."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run


@pytest.fixture
def ws(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace as the current folder."""
    monkeypatch.chdir(minimal)
    return minimal


BODY = Path("letters/test/body.md")


def test_every_unknown_name_in_one_pass_with_did_you_mean(ws: Path) -> None:
    BODY.write_text(
        "We are {{ signatories.cout }}.\n"
        "{{ signatorys.count }}\n"
        "{{ sender.nmae }}\n"
        "{{ signatories.groups.orgs }}\n"
        "{% if signatorys %}{% endif %}{{ signatories.count }}\n"
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == (
        "letters/test/body.md:1: unknown name 'cout' "
        "(this value has: as_of, count, group, groups)\n"
        "  hint: did you mean 'count'?\n"
        "letters/test/body.md lines 2, 5: unknown name 'signatorys'\n"
        "  hint: did you mean 'signatories'?\n"
        "letters/test/body.md:3: unknown name 'nmae' "
        "(this value has: address, email, name, website)\n"
        "  hint: did you mean 'name'?\n"
        "letters/test/body.md:4: unknown name 'orgs': signatories.groups is a list (of 2), "
        "not something with names\n"
        "  hint: loop over it ({% for item in ... %}) or take one item by its place ([0], [1], "
        "...); the one whose key is 'orgs' is signatories.group.orgs\n"
        "Error: 5 problems in 1 file; nothing was written\n"
    )


def test_a_filter_says_what_it_needs_and_what_it_got(ws: Path) -> None:
    BODY.write_text("Hello.\n\n{{ letter.title | long_date }}\n")
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr == (
        "letters/test/body.md:3: the filter 'long_date' needs a date, but was given text "
        "('Test Letter on Testing')\n"
        "  hint: for example {{ letter.date | long_date }}\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert not (ws / "build").exists()


def test_an_empty_body_is_a_warning(ws: Path) -> None:
    BODY.write_text("{# nothing yet #}\n\n")
    result = run("check")
    assert result.exit_code == 0
    assert result.stderr == (
        "letters/test/body.md: warning: body.md is empty: the letter would print without a text\n"
        "  hint: write the letter's text here, in Markdown\n"
    )


LETTER = Path("letters/test/letter.yaml")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "date: 2024-05-02\n",
            "",
            "letters/test/letter.yaml:1: letter.yaml has no 'date'\n"
            "  hint: write dates as YYYY-MM-DD, e.g. 2020-02-13\n",
        ),
        (
            "date: 2024-05-02",
            "date: 2024-13-02",
            "letters/test/letter.yaml:3: 'date' is not a valid date: '2024-13-02': "
            "there is no month 13\n"
            "  hint: correct the day or the month; the date is written YYYY-MM-DD\n",
        ),
        (
            "date: 2024-05-02",
            "date: 2026-11-31",
            "letters/test/letter.yaml:3: 'date' is not a valid date: '2026-11-31': "
            "November 2026 has 30 days, not 31\n"
            "  hint: correct the day or the month; the date is written YYYY-MM-DD\n",
        ),
        (
            "as_of: 2024-05-01",
            "as_of: 2024-02-30",
            "letters/test/letter.yaml:6: 'as_of' is not a valid date: '2024-02-30': "
            "February 2024 has 29 days, not 30\n"
            "  hint: correct the day or the month; the date is written YYYY-MM-DD\n",
        ),
    ],
)
def test_a_bad_date_is_one_problem_without_follow_ups(
    ws: Path, old: str, new: str, expected: str
) -> None:
    LETTER.write_text(LETTER.read_text().replace(old, new))
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == expected + "Error: 1 problem in 1 file; nothing was written\n"
