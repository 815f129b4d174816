"""The ``campaign`` console script, which takes over the stop signals before loading the rest.

Loading the command line (Click, every command's module) takes a tenth of a second.
A Ctrl+C in it printed a traceback and a SIGTERM or SIGHUP ended the process with no
word; both now stop it as they stop a command: "Aborted!" and exit status 1. Only
Python's own start, before this module's first line, is left to Python.
"""

from __future__ import annotations

import os
import signal
import sys

# Taken at once, before anything more is imported: a stop while the rest loads is
# noted, and acted on as soon as the command's own handling is in place (main).
_NOTED: list[int] = []


def _note(number: int, _frame: object) -> None:
    _NOTED.append(number)


def _as_the_command() -> bool:
    """Whether this process is the ``campaign`` command (its script, or ``python -m``),
    not a program that imports this module (a test), whose signals stay its own."""
    script = sys.modules.get("__main__")
    spec = getattr(script, "__spec__", None)
    if spec is not None:
        return bool(spec.name == "campaign.__main__")
    return os.path.basename(getattr(script, "__file__", "") or "") == "campaign"


if _as_the_command():
    for _number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(_number) in (signal.SIG_DFL, signal.default_int_handler):
            signal.signal(_number, _note)  # one ignored (nohup's SIGHUP) stays ignored

from campaign.model import stops  # noqa: E402


def main() -> None:
    """Entry point of the ``campaign`` console script and of ``python -m campaign``.

    Ctrl+C, SIGTERM and SIGHUP stop every command alike, once (model/stops.py): here,
    around the whole process's work, its loading and "Aborted!" included. The process's
    own: on its way out the three are ignored for good. A program that runs a command
    inside itself (a test) calls ``campaign.cli.main.cli``, which leaves its signals
    alone.
    """
    try:
        with stops.command(noted=_note):
            if _NOTED:
                raise KeyboardInterrupt  # a stop noted while this process loaded
            from campaign.cli.main import cli

            cli(obj={})  # which says "Aborted!" of a stop once a command has begun
    except KeyboardInterrupt:
        # Stopped before any command began: nothing was done. Said as Click says it.
        sys.stderr.write("\nAborted!\n")
        raise SystemExit(1) from None
