"""Letter lint: `check` warns about what is valid but probably wrong in a draft."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import Days, pdf_pages, run


@pytest.fixture
def ws(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace, as the current folder."""
    monkeypatch.chdir(minimal)
    return minimal


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there) with ``new`` in ``path``."""
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


LETTER = Path("letters/test/letter.yaml")
BODY = Path("letters/test/body.md")
LIST = Path("signatories/people.yaml")


def checked(*args: str) -> tuple[int, str]:
    """Exit status and standard error of `campaign check`."""
    result = run("check", *args)
    return result.exit_code, result.stderr


def test_the_minimal_letter_has_nothing_to_say(ws: Path) -> None:
    assert checked() == (0, "")


def test_a_count_typed_into_the_text_that_the_list_does_not_bear_out(ws: Path) -> None:
    BODY.write_text(
        textwrap.dedent(
            """\
            We, 12 organizations and individuals, write to you. Of the 1,200 individual
            signatories, some wrote in 2019 organizations' newsletters.

            We are 4 signatories, 2 organizations, {{ signatories.count }} signers in all.
            """
        )
    )
    assert checked() == (
        0,
        "letters/test/body.md:1: warning: '1,200 individual signatories' is typed into the "
        "text, but the letter prints 4 signatories\n"
        "  hint: write {{ signatories.count }} (or signatories.group.KEY.count) to keep it true\n"
        "letters/test/body.md:1: warning: '12 organizations' is typed into the text, but the "
        "letter prints 4 signatories\n"
        "  hint: write {{ signatories.count }} (or signatories.group.KEY.count) to keep it true\n",
    )


def test_a_name_no_letter_defines_is_found_in_a_branch_not_taken(ws: Path) -> None:
    BODY.write_text(
        "Dear friends,\n\n{% if letter.language == 'fr' %}{{ salut }}{% endif %}\n"
        "{% for g in signatories.groups %}{{ g.heading }}{% endfor %}\n"
    )
    status, stderr = checked()
    assert status == 1
    assert stderr.startswith(
        "letters/test/body.md:3: unknown name 'salut'\n"
        "  hint: names you can use here: addressees, cc, date_line, direction, enclosures, "
        "labels, "
        "language, letter, named, recipient, say, say_count, sender, signatories, signers, to\n"
    )


def test_names_a_body_makes_itself_are_not_unknown(ws: Path) -> None:
    # 'loop' inside a for, a macro and its parameters, 'caller', and what {% set %} makes
    # are the body's own: check used to refuse them as names no letter defines.
    BODY.write_text(
        "Dear friends,\n\n"
        "{% macro shout(x) %}{{ x | upper }}{% endmacro %}"
        "{% macro wrap(x) %}{{ x }}{{ caller() }}{% endmacro %}\n"
        "{% set total = signatories.count %}\n"
        "{% for g in signatories.groups %}{{ loop.index }}. {{ shout(g.heading) }}"
        "{% endfor %} {{ total }}\n"
        "{% call wrap('a') %}b{% endcall %} {{ nmae }}\n"
    )
    status, stderr = checked()
    assert status == 1
    assert stderr.splitlines()[0] == "letters/test/body.md:6: unknown name 'nmae'"
    assert "'loop'" not in stderr and "'shout'" not in stderr and "'caller'" not in stderr
    BODY.write_text(BODY.read_text().replace(" {{ nmae }}", ""))
    assert checked()[0] == 0


def test_dates_still_to_come(ws: Path, days: Days) -> None:
    edit(LETTER, "date: 2024-05-02", "date: 2999-05-02")
    edit(LETTER, "as_of: 2024-05-01", "as_of: 2999-05-02")
    edit(LIST, "signed: 2024-04-03\n  - name: Alpha", "signed: 2999-01-01\n  - name: Alpha")
    assert checked() in [
        (
            0,
            f"letters/test/letter.yaml:3: warning: the letter is dated 2999-05-02, which is "
            f"still to come (today is {today})\n"
            "  hint: correct the date, or keep it if the letter goes out on that day\n"
            "signatories/people.yaml:27: warning: 'beta Organization' signed on 2999-01-01, a "
            "day still to come\n"
            "  hint: correct the date (YYYY-MM-DD)\n",
        )
        for today in days
    ]


def test_as_of_after_the_letters_date(ws: Path) -> None:
    edit(LETTER, "as_of: 2024-05-01", "as_of: 2024-06-01")
    assert checked() == (
        0,
        "letters/test/letter.yaml:6: warning: signatures are counted as of 2024-06-01, after "
        "the letter's date 2024-05-02\n"
        "  hint: set as_of to 2024-05-02 or earlier: the letter cannot list who signed after it\n",
    )


def test_signatures_left_out_between_as_of_and_the_letters_date(ws: Path) -> None:
    edit(LETTER, "date: 2024-05-02", "date: 2024-05-09")
    assert checked() == (
        0,
        "letters/test/letter.yaml:6: warning: 1 signature dated after as_of (2024-05-01) and "
        "no later than the letter's date (2024-05-09) is left out\n"
        "  hint: set as_of to 2024-05-09 to print them, or keep 2024-05-01 if the list closed "
        "then\n",
    )


def test_a_group_that_prints_nobody(ws: Path) -> None:
    edit(LIST, "group: orgs\n    signed: 2024-04-03\n  - name: Alpha", "group: orgs\n    "
         "signed: 2024-04-03\n    status: withdrawn\n  - name: Alpha")  # fmt: skip
    edit(LIST, "country: Germany\n    group: orgs", "country: Germany\n    group: orgs\n"
         "    status: pending")  # fmt: skip
    BODY.write_text("We write to you.\n")
    assert checked() == (
        0,
        "letters/test/letter.yaml:10: warning: group 'orgs' prints no signatories as of "
        "2024-05-01: everyone in it is withdrawn, pending or signed later\n"
        "  hint: remove the group from letter.yaml, or move as_of to a later date\n",
    )


def test_an_addressee_without_a_salutation(ws: Path) -> None:
    edit(Path("letters/test/recipients.yaml"), "    salutation: Dear Minister,\n", "")
    assert checked() == (
        0,
        "letters/test/recipients.yaml:2: warning: addressee 'Ada Minister' has no salutation, "
        "so the letter opens 'Dear Ada Minister,'\n"
        "  hint: add 'salutation: ...' as you would greet them, e.g. 'Dear Prime Minister,'\n",
    )


def test_no_salutation_is_fine_where_the_default_names_nobody(ws: Path) -> None:
    edit(Path("letters/test/recipients.yaml"), "    salutation: Dear Minister,\n", "")
    edit(LETTER, "date: 2024-05-02", "date: 2024-05-02\nlanguage: ja")
    status, stderr = checked()
    assert status == 0 and "salutation" not in stderr  # a Japanese letter opens with 拝啓


def test_a_letter_longer_than_its_page_limit(ws: Path) -> None:
    BODY.write_text("\n\n".join(f"Paragraph {n} of a long letter." for n in range(60)) + "\n")
    assert checked() == (0, "")
    assert run("build").exit_code == 0
    pages = len(pdf_pages(ws / "build/test/to/ada-minister.pdf"))
    assert pages > 2
    edit(LETTER, "closing: With thanks.", "closing: With thanks.\nmax_pages: 2")
    assert checked() == (
        0,
        f"letters/test/letter.yaml:13: warning: the letter runs to {pages} pages; max_pages is 2\n"
        "  hint: shorten the text, or raise max_pages\n",
    )
    edit(LETTER, "max_pages: 2", f"max_pages: {pages}")
    assert checked() == (0, "")


def test_strict_makes_lint_an_error(ws: Path) -> None:
    edit(LETTER, "subject: Test subject line", 'subject: "[TODO: the subject]"')
    assert checked() == (
        0,
        "letters/test/letter.yaml:2: warning: placeholder still to fill: [TODO: the subject]\n",
    )
    assert checked("--strict") == (
        1,
        "letters/test/letter.yaml:2: placeholder still to fill: [TODO: the subject]\n"
        "Error: 1 problem in 1 file; nothing was written\n",
    )
