"""Attacks on the reading to keep made by _read_apart's child after it answers (Later).

Before b752fd0 no child of a list's read outlived ``read_list``: it was waited for
before the entries were used. Now the child lives on, and a ``Later`` that is never
taken (a build that stops after reading its lists) is ended only when the object is
collected. These run in a process of their own: a list is read in a child only where
no other thread runs, and a build run in this process before leaves pool threads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"

_PRELUDE = """
import gc, json, os, sys, time, subprocess
from pathlib import Path
sys.path.insert(0, {bench!r})
from generate import make_campaign
ws = make_campaign(Path({ws!r}), addressees=3, signatories=2000)
ws = Path({ws!r})
forks = []
_fork = os.fork
def _counted():
    pid = _fork()
    if pid:
        forks.append(pid)
    return pid
os.fork = _counted
def left(pids):
    # The children not reaped yet (running, or zombies): waitpid finds them.
    out = []
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue
        out.append(pid)
    return out
"""


def _script(tmp_path: Path, body: str) -> dict:
    ws = tmp_path / "ws"
    code = _PRELUDE.format(bench=str(BENCH), ws=str(ws)) + body
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_build_that_stops_after_reading_leaves_no_child_nor_file_open(tmp_path: Path) -> None:
    """A build that fails (an error in a letter) after its long list was read apart.

    Broke: the child's ``Later`` is held in reference cycles of the failed command,
    so it is not ended when the command ends, nor when its result is dropped: each
    failed build in a process (CliRunner, anything running the CLI in-process) leaves
    one zombie child and one open descriptor (the unnamed file) until a full garbage
    collection happens to run. Three failed builds: three zombies, three descriptors.
    Expected: as before b752fd0, no child of a read (and no file of it) outlives the
    command that read the list.
    """
    got = _script(
        tmp_path,
        """
letter = ws / "letters" / "japan-hrc-2020" / "letter.yaml"
letter.write_text(letter.read_text().replace("date: 2020-02-13\\n", "date: 2020-02-31\\n", 1))
from click.testing import CliRunner
from campaign.cli.main import cli
fds = len(os.listdir("/proc/self/fd"))
codes, each = [], []
for _ in range(3):
    result = CliRunner().invoke(cli, ["--workspace", str(ws), "build", "--jobs", "1"], obj={})
    codes.append((result.exit_code, "February 2020 has 29 days" in result.output))
    del result
    time.sleep(0.5)  # the child has long made its reading: only its reaping is missing
    each.append((len(left(forks[-1:])), len(os.listdir("/proc/self/fd")) - fds))
print(json.dumps({"codes": codes, "forks": len(forks), "each": each}))
""",
    )
    assert got["codes"] == [[1, True]] * 3
    assert got["forks"] == 3  # the list was read apart, each time
    # After each failed build, with its result dropped: its child reaped, no file left
    # open. Broke: a zombie and an open descriptor after each (more piling
    # up until the collector happens to end them): [[1, 1]] * 3 here.
    assert got["each"] == [[0, 0]] * 3


def test_a_reading_never_taken_kills_no_process_that_is_not_its_child(tmp_path: Path) -> None:
    """The pid of a child reaped by another part of the program, killed later.

    ``_reaped`` says a child may be "reaped by another" (SIGCHLD ignored meanwhile,
    or any waitpid(-1)). With the child now living past ``read_list``, a ``Later``
    dropped afterwards (a build that stopped) still sends SIGKILL to the pid it
    remembers, which by then may be another process's: here an innocent ``sleep``
    given that pid (ns_last_pid) is killed. Expected: a reading that is not taken
    signals only its own child, never a pid that is no longer it.
    """
    if not os.access("/proc/sys/kernel/ns_last_pid", os.W_OK):
        pytest.skip("needs a writable /proc/sys/kernel/ns_last_pid to reuse a pid at will")
    got = _script(
        tmp_path,
        """
from campaign.lists.listfile import Later, read_list
keep = []
problems = []
read_list(ws / "signatories" / "japan-hrc-2020.yaml", problems, keep)
assert len(forks) == 1 and isinstance(keep[0], Later), (forks, keep)
child = forks[0]
os.waitpid(-1, 0)  # another part of the program reaps whatever child has ended
with open("/proc/sys/kernel/ns_last_pid", "w") as f:
    f.write(str(child - 1))
innocent = subprocess.Popen(["sleep", "30"])
same = innocent.pid == child
keep.clear()  # the reading is not wanted (a build that stopped): the Later goes
time.sleep(0.5)
alive = innocent.poll() is None
innocent.kill(); innocent.wait()
print(json.dumps({"same": same, "alive": alive}))
""",
    )
    if not got["same"]:
        pytest.skip("another process took the pid first")
    assert got["alive"] is True  # broke: False, the sleep was killed by SIGKILL
