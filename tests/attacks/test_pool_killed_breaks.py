"""A build killed outright: its workers must say nothing, even one whose job ends just then.

74b02d4 has each worker let go of the fork server's "alive" pipe, so that the server
exits as soon as the build is SIGKILLed and the kernel then kills the workers
(PR_SET_PDEATHSIG). But the server needs some time to notice and exit (its select
wakes, SystemExit unwinds, the interpreter with WeasyPrint loaded finalizes: tens to
hundreds of milliseconds on a busy machine), and meanwhile the workers run on. A job
that finishes in that window hands its result to the dead build's pipe and the
worker prints two BrokenPipeError tracebacks on the build's stderr - what the
commit says no longer happens. Seen with real builds (bench/generate.py, 40
letters, 3,000 names, `kill -9` a few seconds in): 3 kills in 12 printed them.

Here the job is made to finish the moment the build is dead (it waits for that),
the situation a long build's workers are in whenever a batch ends just after the kill.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from conftest import processes

SCRIPT = textwrap.dedent(
    """\
    import os, sys, time
    from pathlib import Path

    from campaign.pdf.pool import workers


    def finish_when_dead(args):
        build, mark = args
        Path(mark).write_text("started")
        while True:  # the build gone (a zombie, or reaped): hand back a result at once
            try:
                state = Path(f"/proc/{build}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                break
            if state in ("Z", "X"):
                break
            time.sleep(0.001)
        return "x" * 100_000  # more than a pipe holds: the write fails, whoever reads


    if __name__ == "__main__":
        mark = Path(sys.argv[1])
        with workers(2) as pool:
            job = pool.submit(finish_when_dead, (os.getpid(), str(mark)))
            while not mark.exists():
                time.sleep(0.01)
            os.kill(os.getpid(), 9)
    """
)


def test_a_killed_builds_worker_finishing_its_job_then_says_nothing(tmp_path: Path) -> None:
    script = tmp_path / "scenario.py"
    script.write_text(SCRIPT)
    run = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "started")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = run.communicate(timeout=120)
    finally:
        os.killpg(run.pid, signal.SIGKILL) if processes(3, run.pid) else None
        run.wait()
    assert (out, run.returncode) == ("", -signal.SIGKILL)
    said = [line for line in err.splitlines() if line.strip()]
    # Only multiprocessing's resource tracker may speak (as test_worker_processes allows).
    assert all("resource_tracker" in line for line in said), err
    for _ in range(100):
        if not processes(3, run.pid):
            break
        time.sleep(0.05)
    assert processes(3, run.pid) == []
