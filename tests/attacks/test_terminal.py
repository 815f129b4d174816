"""Attacks on the terminal: nothing a file holds reaches it raw; every message names the line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run

HIJACK = "\x1b]0;HIJACK\x07\x1b[2J"  # set the window title, then clear the screen


@pytest.fixture
def ws(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace, as the current folder."""
    monkeypatch.chdir(minimal)
    return minimal


def test_a_csv_cell_with_escape_sequences_is_shown_escaped(ws: Path) -> None:
    # It reached the terminal raw in the "could be day/month" message (issue 17 §4).
    (ws / "form.csv").write_text(
        f"name,type,group,date\nSigma Org,organization,orgs,03/04/2020 {HIJACK}\n"
    )
    result = run("sig", "import", "people", "form.csv")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: form.csv:2: '03/04/2020 \\x1b]0;HIJACK\\x07\\x1b[2J' could be day/month or "
        "month/day\n"
        "  hint: pass --date-order dmy or --date-order mdy\n"
    )


def test_a_value_in_any_error_is_escaped_where_errors_are_printed(ws: Path) -> None:
    # The one place: every CampaignError, whoever wrote its message; its own hint line stays.
    (ws / "form.csv").write_text("name,type,group\nSigma Org,organization,orgs\n")
    result = run("sig", "import", "people", "form.csv", "--map", f"Nom{HIJACK}\nforged=name")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: form.csv:1: --map names a column 'Nom\\x1b]0;HIJACK\\x07\\x1b[2J\\nforged' "
        "the file does not have\n"
        "  hint: the columns are: 'name', 'type', 'group'\n"
    )


@pytest.mark.parametrize(("byte", "code"), [("\x00", "U+0000"), ("\x1b", "U+001B")])
def test_a_raw_control_byte_in_yaml_is_named_with_its_line(ws: Path, byte: str, code: str) -> None:
    # Before: "... position 499" and no line.
    shutil.copyfile(FIXTURES / "lists" / "commented.yaml", ws / "signatories" / "people.yaml")
    path = ws / "signatories" / "people.yaml"
    lines = path.read_text().splitlines(keepends=True)
    lines[14] = lines[14].replace("Émile", f"Émile{byte}[2J")
    path.write_text("".join(lines))
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"signatories/people.yaml:15: a control character ({code}) that YAML does not allow\n"
        "  hint: remove it: such characters can rewrite a terminal or hide text\n"
    ), result.stderr
    assert "\x1b" not in result.stderr and "\x00" not in result.stderr


def test_an_option_value_that_is_no_date_is_shown_escaped(ws: Path) -> None:
    result = run("sig", "withdraw", "people", "Zoë Zimmer", "--date", f"2024{HIJACK}")
    assert result.exit_code == 2  # Click's usage errors
    assert result.stderr.endswith(
        "\nError: Invalid value for '--date': '2024\\x1b]0;HIJACK\\x07\\x1b[2J' "
        "is not a date written YYYY-MM-DD\n"
    )
