"""A build killed outright: its workers say nothing, even one whose job ends just then.

Found by an attack on 5 December; what it found, before the fix:
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

import signal
import sys
import textwrap
from pathlib import Path

from conftest import only_the_tracker_speaks, run_alone

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
    out, err, code = run_alone([sys.executable, str(script), str(tmp_path / "started")])
    assert (out, code) == ("", -signal.SIGKILL)
    assert only_the_tracker_speaks(err), err
