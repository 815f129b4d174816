"""Input that fuzzing found to crash, hang or garble a command: now each is a clean problem."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import run

LAUGHS = "".join(
    f"{chr(98 + n)}: &{chr(98 + n)} [{', '.join([f'*{chr(97 + n)}'] * 9)}]\n" for n in range(8)
)
BOMB = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + LAUGHS


@pytest.fixture
def minimal(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace as the current folder (paths in messages are relative)."""
    monkeypatch.chdir(minimal)
    return minimal


def check_list(minimal: Path, text: str) -> str:
    """The error output of ``check`` with ``text`` as the sign-on list."""
    (minimal / "signatories" / "people.yaml").write_text(text)
    result = run("check")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    return result.stderr


def test_nesting_fifty_thousand_levels_deep_is_refused_not_a_crash(minimal: Path) -> None:
    # libyaml composes nodes recursively in C: this used to end the process (SIGSEGV).
    text = "signatories:\n  - name: " + "[" * 50_000 + "]" * 50_000 + "\n"
    assert check_list(minimal, text) == (
        "signatories/people.yaml:2: YAML nested too deeply to read (more than 100 levels)\n"
        "  hint: no field here needs nesting\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


def test_a_merge_bomb_is_read_in_a_moment(minimal: Path) -> None:
    # Each mapping merges the one before four times: 4**12 pairs with PyYAML's merging.
    bomb = "a: &a {x: 1, y: 2}\n" + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} {{<<: [{', '.join([f'*{chr(97 + n)}'] * 4)}]}}\n"
        for n in range(12)
    )
    err = check_list(minimal, bomb + "signatories: *m\n")
    assert err.endswith(
        "signatories/people.yaml:14: 'signatories' must be a list of entries, not a mapping\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


def test_a_merged_key_can_be_overridden_without_a_duplicate_warning(minimal: Path) -> None:
    text = textwrap.dedent(
        """\
        signatories:
          - &base {name: Ada One, type: individual, group: intl}
          - <<: *base
            name: Ada Two
            group: orgs
            type: organization
            signed: 2020-02-30
        """
    )
    # Before, each overridden key was 'key ... appears twice' (PyYAML merges by copying).
    assert check_list(minimal, text) == (
        "signatories/people.yaml:7: 'signed' is not a valid date: '2020-02-30': "
        "February 2020 has 29 days, not 30\n"
        "  hint: correct the day or the month; the date is written YYYY-MM-DD\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!int many", "'many' cannot be read as a whole number"),
        ("!!float x", "'x' cannot be read as a number"),
        ("!!bool maybe", "'maybe' cannot be read as true or false"),
        # Found by the fuzz test (5 December): a tag on nothing was a traceback.
        ("!!int", "not a whole number"),
        ("!!float", "not a number"),
        ("!!map [1]", "'!!map' on a value that is not a mapping"),
        ("!!seq {a: 1}", "'!!seq' on a value that is not a list"),
        # A plain value is text as written; only a number the file asks for is read as one.
        ("!!int " + "1" * 5000, "a number of 5000 digits is too long to read"),
        ("!!int 0x" + "f" * 4000, "a number of 4002 digits is too long to read"),
    ],
)
def test_a_value_its_tag_cannot_make_is_a_problem_at_its_line(
    minimal: Path, value: str, message: str
) -> None:
    text = f"signatories:\n  - name: Ada\n    notes: {value}\n"
    assert check_list(minimal, text) == (
        f"signatories/people.yaml:3: {message}\n"
        "  hint: put the value in quotes to keep it as text, or remove its '!!' tag\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


def test_a_list_as_a_key_is_refused_not_printed(minimal: Path) -> None:
    text = "signatories:\n  - name: Ada\n    ? [group, type]\n    : x\n"
    assert check_list(minimal, text) == (
        "signatories/people.yaml:3: a key must be a word, not a list or mapping\n"
        "  hint: write 'key: value'; a '?' at the start of a line begins a complex key\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


def test_a_billion_laughs_in_a_date_is_named_not_printed(minimal: Path) -> None:
    # Printed whole, the value would be 9**9 words long: the check never ended.
    text = BOMB + "signatories:\n  - {name: Ada, type: individual, group: intl, signed: *i}\n"
    assert check_list(minimal, text).endswith(
        "signatories/people.yaml:11: 'signed' is not a valid date: a list\n"
        "  hint: write dates as YYYY-MM-DD, e.g. 2020-02-13\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


def test_an_option_value_with_a_line_break_is_shown_on_one_line(minimal: Path) -> None:
    # Found by fuzzing the signatory commands: the message broke over two lines.
    result = run("sig", "add", "people", "--name", "Ada", "--type", "individual", "--group",
                 "intl", "--email", "ada\n\x1b[2J@example.org")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: --email 'ada\\n\\x1b[2J@example.org' is not valid: The email address contains "
        "invalid characters before the @-sign: '[', U+000A, U+001B.\n"
    )


def test_a_who_with_a_line_break_is_shown_on_one_line(minimal: Path) -> None:
    result = run("sig", "withdraw", "people", "Nobody\nHere")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: signatories/people.yaml: nobody on the list matches 'Nobody\\nHere'\n"
        "  hint: run 'campaign sig list' to see names\n"
    )
