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


def campaign(
    workspace: Path, *args: str, timeout: float = 60, file_size: int = 0, **env: str
) -> Ran:
    """``campaign ARGS`` in ``workspace``; ``file_size``: the most any file it writes may hold."""

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
        if file_size:  # a copy of /dev/zero stops here instead of filling the disk
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_size, file_size))

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


def no_crash(ran: Ran) -> None:
    """The command ended by itself, without a traceback."""
    assert ran.code is not None, f"hung, killed\n{ran.err[-2000:]}"
    assert "Traceback" not in ran.err, ran.err[-3000:]


def sparse(path: Path, size: int) -> None:
    """Make ``path`` a file of ``size`` bytes that takes no room on the disk."""
    path.unlink(missing_ok=True)
    with path.open("wb") as handle:
        handle.truncate(size)
