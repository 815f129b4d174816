"""A pool stopped while a worker sends a result: its threads end with it.

Found on 7 December, chasing a test that failed two runs in three
(tests/unit/test_read_list.py, whose ``forks`` fixture waits for a process with no
thread but its own): a build run in the process before had left three of the pool's
threads waiting for ever. A build ends as a worker may be finishing a job nobody waits
for (a part or a master laid out ahead); stopping the pool killed it in the middle of
sending the result, holding the results' lock, and the pool's task handler and its
terminate waited for that lock for ever (the result handler for the rest of the
message). In this process, the list was then never read apart, and each such build left
three threads and a pipe behind. Here a job holds the lock, as a worker sending a long
result does, when the pool is stopped.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from conftest import only_the_tracker_speaks, run_alone

SCRIPT = textwrap.dedent(
    """\
    import sys, threading, time
    from pathlib import Path

    from campaign.pdf.pool import workers


    def send_a_long_result(mark):
        # The results' queue of the worker running this job, as it sends a result.
        frame = sys._getframe()
        while "outqueue" not in frame.f_locals:
            frame = frame.f_back
        with frame.f_locals["outqueue"]._wlock:
            Path(mark).write_text("sending")
            time.sleep(1.0)
        return "sent"


    if __name__ == "__main__":
        mark = Path(sys.argv[1])
        with workers(2) as pool:
            pool.submit(send_a_long_result, str(mark))  # its result is not waited for
            while not mark.exists():
                time.sleep(0.01)
        deadline = time.monotonic() + 30
        while threading.active_count() > 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        print(sorted(t.name for t in threading.enumerate()))
    """
)


def test_a_pool_stopped_while_a_worker_sends_leaves_no_thread(tmp_path: Path) -> None:
    script = tmp_path / "scenario.py"
    script.write_text(SCRIPT)
    out, err, code = run_alone([sys.executable, str(script), str(tmp_path / "sending")])
    assert (out, code) == ("['MainThread']\n", 0), err
    assert only_the_tracker_speaks(err), err
