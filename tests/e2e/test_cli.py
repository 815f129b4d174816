"""The command line itself: help for every command (tests/project/test_docs.py: the docs)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from campaign.cli.main import cli
from campaign.cli.sig import signatories

from conftest import run

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


def test_check_reports_what_it_checked(minimal: Path) -> None:
    result = run("check", workspace=minimal)
    assert result.exit_code == 0
    assert result.stdout == (
        "test: 4 signatories as of 2024-05-01, 1 addressee, 1 in cc\n"
        "No problems found in 1 letter.\n"
    )
    assert result.stderr == ""


SIG_COMMANDS = sorted(signatories.commands)


@pytest.mark.parametrize("name", SIG_COMMANDS)
def test_every_signatories_command_has_help(name: str) -> None:
    command = signatories.commands[name]
    assert command.help and len(command.help.strip()) > 20
    for group in ("signatories", "sig"):
        result = run(group, name, "--help")
        assert result.exit_code == 0
        assert result.stdout.startswith(f"Usage: cli {group} {name} ")


def test_sig_is_an_alias_of_signatories() -> None:
    assert run("sig", "--help").stdout == run("signatories", "--help").stdout.replace(
        "cli signatories", "cli sig"
    )


FAST_START = """\
import sys
from campaign.cli.main import cli
for args in (["--help"], ["check"], ["sig", "list", "japan-hrc-2020"], ["sig", "stats",
             "japan-hrc-2020"]):
    try:
        cli(args, obj={})
    except SystemExit as exit:
        assert not exit.code, (args, exit.code)
print("weasyprint" in sys.modules, "pikepdf" in sys.modules)
"""


def test_help_check_and_list_commands_never_import_weasyprint(example: Path) -> None:
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-c", FAST_START], cwd=example, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "False False"
