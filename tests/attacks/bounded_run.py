"""Running the CLI in a child process, bounded in time and memory (tests of hostile special files).

A FIFO or a link to /dev/zero in a workspace hangs a command or fills its memory:
run in the test's own process, such a break would hang the suite or the machine.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MEMORY = 2 << 30  # far more than a build of the example needs; /dev/zero fills it in a second


@dataclass
class Ran:
    code: int | None  # None: still running when its time was up (killed then)
    out: str
    err: str


def campaign(workspace: Path, *args: str, timeout: float = 60, **env: str) -> Ran:
    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))

    child = subprocess.Popen(
        [sys.executable, "-m", "campaign", *args],
        cwd=workspace,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        preexec_fn=bounded,
        env={**os.environ, **env},
    )
    try:
        out, err = child.communicate(timeout=timeout)
        return Ran(child.returncode, out, err)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        out, err = child.communicate()
        return Ran(None, out, err)
