"""Every kind of bad input: the exact message, exit status 1, and no output touched."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_tree, run, snapshot

CASES = sorted(p.name for p in (FIXTURES / "bad").iterdir() if p.is_dir())


@pytest.fixture
def built(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace, built once, as the current folder."""
    monkeypatch.chdir(minimal)
    result = run("build")
    assert result.exit_code == 0, result.output
    return minimal


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", ["check", "build"])
def test_bad_input_is_reported_and_nothing_is_written(built: Path, case: str, command: str) -> None:
    """Each folder in fixtures/bad/ breaks the minimal workspace in one way."""
    before = snapshot(built / "build")
    copy_tree(FIXTURES / "bad" / case, built)
    (built / "expected.txt").unlink()
    result = run(command)
    assert result.exit_code == 1
    assert result.stderr == (FIXTURES / "bad" / case / "expected.txt").read_text()
    assert "Traceback" not in result.output
    assert snapshot(built / "build") == before


def test_unknown_key_is_a_warning_and_strict_makes_it_an_error(built: Path) -> None:
    letter = built / "letters" / "test" / "letter.yaml"
    letter.write_text(letter.read_text() + "sujbect: typo\n")
    warned = run("check")
    assert warned.exit_code == 0
    assert warned.stderr == (
        "letters/test/letter.yaml:13: warning: unknown key 'sujbect' in letter.yaml\n"
        "  hint: did you mean 'subject'?\n"
    )
    strict = run("check", "--strict")
    assert strict.exit_code == 1
    assert strict.stderr == (
        "letters/test/letter.yaml:13: unknown key 'sujbect' in letter.yaml\n"
        "  hint: did you mean 'subject'?\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


def test_every_problem_in_one_pass_across_files(built: Path) -> None:
    (built / "campaign.yaml").write_text("language: xx-YY\npaper: a3\n")
    (built / "letters" / "test" / "recipients.yaml").write_text(
        textwrap.dedent(
            """\
            to:
              - title: Minister without a name
                address: [Somewhere]
            cc: not a list
            """
        )
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == textwrap.dedent(
        """\
        campaign.yaml:1: unknown language 'xx-YY'
          hint: use a tag such as en-US, en-GB, fr, ja or ko
        campaign.yaml:2: 'paper' must be one of a4, letter, not 'a3'
          hint: use one of: a4, letter
        letters/test/recipients.yaml:2: 'to' entry has no 'name'
          hint: add 'name: ...'
        letters/test/recipients.yaml:4: 'cc' must be a list of entries, not text
        Error: 4 problems in 2 files; nothing was written
        """
    )


def test_not_a_workspace(tmp_path: Path) -> None:
    result = run("check")
    assert result.exit_code == 1
    assert "is not inside a campaign workspace" in result.stderr
    assert "run 'campaign init DIR' to make one" in result.stderr


def test_unknown_letter_slug(built: Path) -> None:
    result = run("build", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: no letter 'nope' in ")
    assert result.stderr.endswith("(letters: test)\n")


def test_file_that_is_not_utf8(built: Path) -> None:
    (built / "signatories" / "people.yaml").write_bytes(b"signatories:\n  - name: Caf\xe9\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "signatories/people.yaml:2: not valid UTF-8 text\n  hint: save the file as UTF-8"
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "We are {{ signatories.count }.\n",
            "letters/test/body.md:1: template syntax: unexpected '}'\n",
        ),
        (
            "One\n\n{{ 1 / 0 }}\n",
            "letters/test/body.md:3: template error: division by zero\n",
        ),
        (
            "{{ nonsense }}\n",
            "letters/test/body.md:1: unknown name 'nonsense'\n"
            "  hint: names you can use here: addressees, cc, date_line, direction, enclosures, "
            "labels, "
            "language, letter, named, recipient, say, say_count, sender, signatories, signers, "
            "to\n",
        ),
    ],
)
def test_body_errors_name_the_line(built: Path, body: str, expected: str) -> None:
    (built / "letters" / "test" / "body.md").write_text(body)
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr == expected + "Error: 1 problem in 1 file; nothing was written\n"
