"""Stopping the pool does not wait for a results' lock that a dead worker holds.

Found by the attack on 3e70fe9, whose ``_WatchedPool.stop()`` took the result queue's
lock (waiting up to STOP_GRACE) before it ended the workers, so that none is killed
as it sends a result. A worker that had died holding that lock (the kernel's OOM killer
in the middle of a send, or a SIGTERM to the whole process group as ``docker stop``
sends) lets go of nothing: stop() waited its whole grace for the lock, then, as before,
its grace for the pool's threads: 10 s where it took 5, past ``docker stop``'s 10 s.
Now it stops waiting as soon as a worker is seen to have died.

Each scenario runs in a process of its own, with STOP_GRACE an hour: a wait for the
lock's grace is a hang, which ``run_alone``'s timeout ends. The process ends with
``os._exit``: the pool's threads, waiting for the dead worker's lock as they did before
3e70fe9, are not what is tested here.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from conftest import run_alone

SCENARIO = textwrap.dedent(
    """\
    import os, signal, sys, time
    from pathlib import Path

    import campaign.pdf.pool as pool_module
    from campaign.pdf.pool import workers

    pool_module.STOP_GRACE = 3600.0  # a wait for the grace would be a hang


    def results_lock():
        frame = sys._getframe()
        while "outqueue" not in frame.f_locals:
            frame = frame.f_back
        return frame.f_locals["outqueue"]._wlock


    def killed_while_sending(mark):
        results_lock().acquire()
        Path(mark).write_text("sending")
        os.kill(os.getpid(), signal.SIGKILL)  # the OOM killer, in the middle of the send


    def terminated_while_sending(mark):
        with results_lock():
            Path(mark).write_text("sending")
            time.sleep(3600)  # a SIGTERM to the group ends it here


    if __name__ == "__main__":
        how, mark = sys.argv[1], Path(sys.argv[2])
        with workers(2) as pool:
            watched = pool._pool
            pool.submit(globals()[how], str(mark))
            while not mark.exists():
                time.sleep(0.01)
            if how == "terminated_while_sending":
                signal.signal(signal.SIGTERM, signal.SIG_IGN)  # this process goes on
                os.killpg(0, signal.SIGTERM)
            lock = watched._outqueue._wlock
            print(watched._free(lock), flush=True)
            os._exit(0)
    """
)


def _scenario(tmp_path: Path, how: str) -> str:
    script = tmp_path / "scenario.py"
    script.write_text(SCENARIO)
    out, err, code = run_alone([sys.executable, str(script), how, str(tmp_path / "m")], 120)
    assert code == 0, err
    return out


def test_a_worker_killed_as_it_sends_is_not_waited_for(tmp_path: Path) -> None:
    """Killed outright holding the lock: the lock is given up on, not waited for."""
    assert _scenario(tmp_path, "killed_while_sending") == "False\n"


def test_a_worker_terminated_with_its_group_as_it_sends_is_not_waited_for(
    tmp_path: Path,
) -> None:
    """SIGTERM to the process group (docker stop) while a worker holds the lock."""
    assert _scenario(tmp_path, "terminated_while_sending") == "False\n"
