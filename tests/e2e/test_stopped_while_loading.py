"""A stop while the command line is still being loaded, before any command has begun.

Click and every command's module take a tenth of a second to load. Ctrl+C there
printed a KeyboardInterrupt traceback; SIGTERM and SIGHUP ended the process without a
word (exit status 143 or 129). Each is now a stop like any other: "Aborted!", 1.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from importlib.metadata import entry_points
from importlib.util import find_spec
from pathlib import Path

import pytest

from conftest import stops_as_in_a_terminal

# The stop arrives as ``module`` is about to be loaded.
_STOPPED_LOADING = textwrap.dedent(
    """
    import runpy, signal, sys

    class StopOnLoad:
        def find_spec(self, name, path, target=None):
            if name == "{module}":
                signal.raise_signal(signal.{number})
            return None

    sys.meta_path.insert(0, StopOnLoad())
    sys.argv = ["campaign", "check"]
    runpy.run_module("campaign", run_name="__main__", alter_sys=True)
    """
)


@pytest.mark.parametrize("number", ["SIGINT", "SIGTERM", "SIGHUP"])
# The stops' own module (imported before they are taken over: a second attack found
# that window), Click, and the command line itself. Not campaign.cli.entry: its first
# line is the first of campaign's to run, and a stop before it is Python's own start.
@pytest.mark.parametrize("module", ["campaign.model.stops", "click", "campaign.cli.main"])
def test_a_stop_while_loading_says_aborted(minimal: Path, module: str, number: str) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", _STOPPED_LOADING.format(module=module, number=number)],
        cwd=minimal,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=stops_as_in_a_terminal,
    )
    assert (ran.returncode, ran.stdout, ran.stderr) == (1, "", "\nAborted!\n")


def test_the_console_script_is_the_one_that_takes_over_the_stops_first() -> None:
    """``campaign`` and ``python -m campaign`` start at the same function."""
    (script,) = entry_points(group="console_scripts", name="campaign")
    assert script.value == "campaign.cli.entry:main"
    spec = find_spec("campaign.__main__")
    assert spec is not None and spec.origin is not None
    assert Path(spec.origin).read_text() == "from campaign.cli.entry import main\n\nmain()\n"
