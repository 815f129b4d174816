"""The command line itself: help for every command, and every command documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from campaign.cli import cli

from conftest import run

README = (Path(__file__).parent.parent / "README.md").read_text()
COMMANDS = sorted(cli.commands)


def test_top_level_help_lists_every_command() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help(name: str) -> None:
    command = cli.commands[name]
    assert isinstance(command, click.Command)
    assert command.help and len(command.help.strip()) > 20
    result = run(name, "--help")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"Usage: cli {name} ")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"### `campaign {name}" in README


def test_readme_opens_with_the_two_commands() -> None:
    head = README.split("## ")[0]
    assert "make demo" in head and "make test" in head


def test_check_reports_what_it_checked(minimal: Path) -> None:
    result = run("check", workspace=minimal)
    assert result.exit_code == 0
    assert result.stdout == (
        "test: 4 signatories as of 2024-05-01, 1 addressee, 1 in cc\n"
        "No problems found in 1 letter.\n"
    )
    assert result.stderr == ""
