"""No child of a long list's read outlives the command that read it, even one that stops.

Found by the attack on b752fd0, where the read's child answered first and made the
reading to keep after (a ``Later``, ended when collected): a build that stopped after
reading left the child and its file until a collection happened to run. That change
was taken back (the child living on held the 20,000-name list's parse beside the
layout: 10 to 25 MB more at the peak, for 0.06 s); the rule stays tested. It runs in a
process of its own: a list is read in a child only where no other thread runs, and a
build run in this process before leaves pool threads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"

_PRELUDE = """
import json, os, sys, time
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

    Broke on b752fd0: the child's ``Later`` was held in reference cycles of the failed
    command, so each failed build in a process (CliRunner, anything running the CLI
    in-process) left one zombie child and one open descriptor until a full garbage
    collection happened to run. Expected: no child of a read (and no file of it)
    outlives the command that read the list.
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
    time.sleep(0.5)  # a child left behind would have ended by now: only unreaped
    each.append((len(left(forks[-1:])), len(os.listdir("/proc/self/fd")) - fds))
print(json.dumps({"codes": codes, "forks": len(forks), "each": each}))
""",
    )
    assert got["codes"] == [[1, True]] * 3
    assert got["forks"] == 3  # the list was read apart, each time
    # After each failed build, with its result dropped: its child reaped, no file left
    # open (on b752fd0: a zombie and an open descriptor after each, [[1, 1]] * 3).
    assert got["each"] == [[0, 0]] * 3
