"""The ``campaign`` console script, which takes over the stop signals before loading the rest.

Loading the command line (Click, every command's module) takes a tenth of a second.
A Ctrl+C in it printed a traceback and a SIGTERM or SIGHUP ended the process with no
word; both now stop it as they stop a command: "Aborted!" and exit status 1.
"""

from __future__ import annotations

import sys

from campaign.model import stops


def main() -> None:
    """Entry point of the ``campaign`` console script and of ``python -m campaign``.

    Ctrl+C, SIGTERM and SIGHUP stop every command alike, once (model/stops.py): here,
    around the whole process's work, its loading and "Aborted!" included. The process's
    own: on its way out the three are ignored for good. A program that runs a command
    inside itself (a test) calls ``campaign.cli.main.cli``, which leaves its signals
    alone.
    """
    with stops.command():
        try:
            from campaign.cli.main import cli
        except KeyboardInterrupt:
            # Stopped before any command began: nothing was done. Said as Click says it.
            sys.stderr.write("\nAborted!\n")
            raise SystemExit(1) from None
        cli(obj={})
