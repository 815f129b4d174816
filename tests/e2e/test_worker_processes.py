"""No process started for a pool of workers outlives it, whatever the way out.

Each way out runs in a session of its own (a fresh Python that opens a pool of two
workers): what it says it met, the processes it still has when the pool has closed,
and then that nothing of its session is left once it has exited.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import only_the_tracker_speaks, pdf_text, processes, run_alone

# The scenario, run in the fresh process: ``way`` says how the pool is left.
SCRIPT = textwrap.dedent(
    """\
    import multiprocessing.forkserver, os, signal, sys, threading, time
    from pathlib import Path

    from campaign.pdf.pool import workers


    def children(pid):
        found = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                command = (stat.parent / "cmdline").read_bytes()
            except OSError:
                continue
            # multiprocessing's resource tracker lives as long as this process, by design
            if int(fields[1]) == pid and b"resource_tracker" not in command:
                found.append(int(stat.parent.name))
        return found


    def below(pid):
        return [p for child in children(pid) for p in (child, *below(child))]


    def busy(pool, mark):
        code = f"import os, time; open({str(mark)!r}, 'w').write(str(os.getpid()))"
        job = pool.submit(exec, code + "; time.sleep(60)")
        while not mark.exists() or not mark.read_text():
            time.sleep(0.05)
        return job, int(mark.read_text())


    def interrupt_while_starting():  # Ctrl+C once the first worker is forked, not yet started
        connect = multiprocessing.forkserver.connect_to_new_process

        def connected(fds):
            multiprocessing.forkserver.connect_to_new_process = connect
            got = connect(fds)
            os.kill(os.getpid(), signal.SIGINT)
            return got

        multiprocessing.forkserver.connect_to_new_process = connected


    def main(way, mark):
        if way == "ctrl+c while starting":
            interrupt_while_starting()
        try:
            with workers(2) as pool:
                if way == "success":  # sixteen jobs: each worker is replaced on the way
                    print(sum(pool.submit(abs, -n).result() for n in range(16)))
                elif way == "error":
                    pool.submit(int, "x").result()
                elif way == "idle worker killed":
                    job, taken = busy(pool, mark)
                    # The other worker waits for the next job, holding the job queue's lock.
                    (server,) = children(os.getpid())
                    (idle,) = [w for w in children(server) if w != taken]
                    os.kill(idle, signal.SIGKILL)
                    job.result()
                elif way == "server gone as a worker is replaced":
                    # A stop to the whole group ends the server as the pool's thread
                    # starts a replacement for a worker it ended: the server's answer cut.
                    def cut(fds):
                        raise EOFError("unexpected EOF")

                    multiprocessing.forkserver.connect_to_new_process = cut
                    job, taken = busy(pool, mark)
                    os.kill(taken, signal.SIGKILL)
                    job.result()
                elif way.startswith("no worker can be started"):
                    # Sixteen jobs: each worker is replaced after eight, and none can be.
                    def refused(fds):
                        raise OSError(24, "Too many open files")

                    if way.endswith("another's hook"):  # a program's own, set after ours
                        threading.excepthook = lambda args: None

                    jobs = [pool.submit(abs, -n) for n in range(16)]
                    jobs[0].result()
                    multiprocessing.forkserver.connect_to_new_process = refused
                    print(sum(pool.submit(abs, -n).result() for n in range(24)))
                elif way == "busy worker killed":
                    job, taken = busy(pool, mark)
                    os.kill(taken, signal.SIGKILL)
                    job.result()
                elif way == "ctrl+c":  # to every process of the terminal's group
                    job, _ = busy(pool, mark)
                    os.killpg(os.getpgrp(), signal.SIGINT)
                    job.result()
                elif way == "sigterm":
                    job, _ = busy(pool, mark)
                    os.kill(os.getpid(), signal.SIGTERM)
                    job.result()
                elif way == "killed":  # nothing of this process runs after
                    job, _ = busy(pool, mark)
                    os.kill(os.getpid(), signal.SIGKILL)
        except BaseException as exc:
            print(type(exc).__name__ + ":", str(exc).split("\\n")[0])
        print("left:", below(os.getpid()))


    if __name__ == "__main__":
        main(sys.argv[1], Path(sys.argv[2]))
    """
)


@pytest.mark.parametrize(
    ("way", "said"),
    [
        ("success", "120"),
        ("error", "ValueError: invalid literal for int() with base 10: 'x'"),
        (
            "idle worker killed",
            "WorkerDied: a worker process laying out PDFs was killed by signal 9 (SIGKILL); "
            "nothing was written",
        ),
        (
            "busy worker killed",
            "WorkerDied: a worker process laying out PDFs was killed by signal 9 (SIGKILL); "
            "nothing was written",
        ),
        (
            "server gone as a worker is replaced",
            "WorkerDied: a worker process to lay out PDFs could not be started (the process "
            "that starts them had ended); nothing was written",
        ),
        (
            "no worker can be started",
            "WorkerDied: a worker process to lay out PDFs could not be started ([Errno 24] "
            "Too many open files); nothing was written",
        ),
        (
            "no worker can be started, under another's hook",
            "WorkerDied: a worker process to lay out PDFs could not be started ([Errno 24] "
            "Too many open files); nothing was written",
        ),
        ("ctrl+c", "KeyboardInterrupt: "),
        ("sigterm", "KeyboardInterrupt: "),
        ("ctrl+c while starting", "KeyboardInterrupt: "),
    ],
)
def test_no_process_outlives_the_pool(tmp_path: Path, way: str, said: str) -> None:
    script = tmp_path / "scenario.py"
    script.write_text(SCRIPT)
    ran = run_alone([sys.executable, str(script), way, str(tmp_path / "busy")])
    assert ran == (f"{said}\nleft: []\n", "", 0)


def test_a_killed_pools_workers_end_at_once_and_say_nothing(tmp_path: Path) -> None:
    # The busy worker's job would run ten minutes, and the wait is two: a worker that
    # went on with it (its server waiting for it) would fail this, and print a
    # BrokenPipeError's traceback as it handed back its result.
    script = tmp_path / "scenario.py"
    script.write_text(SCRIPT.replace("time.sleep(60)", "time.sleep(600)"))
    out, err, code = run_alone([sys.executable, str(script), "killed", str(tmp_path / "busy")])
    assert (out, code) == ("", -signal.SIGKILL)
    assert only_the_tracker_speaks(err), err


def test_a_build_with_workers_lays_out_nothing_in_its_own_process(example: Path) -> None:
    """The shared pages go to a worker too: the build's own process never imports WeasyPrint."""
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from campaign.cli.main import cli\n"
        "said = CliRunner().invoke(cli, ['build', '--jobs', '2', '-v']).output\n"
        "print([line.strip() for line in said.splitlines() if 'shared pages:' in line])\n"
        "print('weasyprint' in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=example
    )
    shared = "shared pages: 3 laid out once; each copy's address and copy mark stamped on"
    said = f"[{shared!r}, {shared!r}]\nFalse\n"  # the letter and its Japanese edition
    assert (run.returncode, run.stdout, run.stderr) == (0, said, "")
    assert "COPY FOR YOSHIHIDE SUGA" in pdf_text(
        example / "build/japan-hrc-2020/cc/yoshihide-suga.pdf"
    )


def test_a_worker_starts_with_what_it_inherited_out_of_the_collectors_way() -> None:
    """What the fork server imported is frozen in a worker: its collections never walk it."""
    script = (
        "import gc\n"
        "from campaign.pdf.pool import workers\n"
        "with workers(2, separate=True) as pool:\n"
        "    frozen, modules = pool.submit(eval, "
        '\'(__import__("gc").get_freeze_count(), "weasyprint" in __import__("sys").modules)\''
        ").result()\n"
        "print(frozen > 50_000, modules, gc.get_freeze_count())\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert (run.returncode, run.stdout, run.stderr) == (0, "True True 0\n", "")


# A build run in a fresh Python: what it said, whether it started the workers' server
# ahead of its pool, whether that server was still running when this process first
# laid out a page itself, and the processes it still has once the command is done.
AHEAD = textwrap.dedent(
    """\
    import multiprocessing.forkserver, os, sys
    from click.testing import CliRunner
    import campaign.build.run
    import campaign.pdf.pool
    from campaign.cli.main import cli
    from conftest import processes

    if os.environ.get("GUESS"):  # the guess made wrong on purpose
        campaign.build.run.workers_ahead = lambda bundles, jobs: 2
    started, running = [], []
    ensure = multiprocessing.forkserver.ensure_running
    multiprocessing.forkserver.ensure_running = lambda: started.append(ensure())
    here = campaign.pdf.pool._InProcess.submit

    def submit(self, fn, job):
        if not running:
            running.append(multiprocessing.forkserver._forkserver._forkserver_pid is not None)
        return here(self, fn, job)

    campaign.pdf.pool._InProcess.submit = submit
    said = CliRunner().invoke(cli, sys.argv[1:])
    tracker = multiprocessing.resource_tracker._resource_tracker._pid
    left = [pid for pid in processes(1, os.getpid()) if pid != tracker]
    print(said.exit_code, said.output.splitlines()[-1], len(started) > 0, running, left)
    """
)


def ahead(workspace: Path, *args: str, guess: bool = False) -> str:
    """``campaign ARGS`` in ``workspace``, as AHEAD says (``guess``: a build takes workers)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1]), "GUESS": "1" * guess}
    run = subprocess.run(
        [sys.executable, "-c", AHEAD, *args],
        capture_output=True,
        text=True,
        cwd=workspace,
        env=env,
        timeout=300,
    )
    assert run.stderr == ""
    return run.stdout


PROVEN = "proof: 3 letters, every address inside its window; 51 names in each list"


def test_a_server_started_ahead_ends_with_a_build_its_check_stops(example: Path) -> None:
    """Started once the letters are read, before they are checked: a problem found ends it."""
    path = example / "letters/japan-hrc-2020/letter.yaml"
    path.write_text(path.read_text().replace("paper: a4", "paper: a44"))
    said = ahead(example, "build", "--jobs", "2")
    assert said.startswith("1 ") and said.endswith(" True [] []\n")


def test_a_server_started_ahead_for_nothing_ends_before_the_build_lays_out_here(
    example: Path,
) -> None:
    """A wrong guess (one letter to make again, here) costs no process beside this one."""
    # Three letters: guessed and laid out here, no server started.
    assert ahead(example, "build") == f"0   {PROVEN} False [False] []\n"
    recipients = example / "letters/japan-hrc-2020/recipients.yaml"
    recipients.write_text(recipients.read_text().replace("Yoshihide Suga", "Yoshihide Sugar"))
    said = ahead(example, "build", guess=True)
    assert said == f"0   {PROVEN} True [False] []\n"
    text = pdf_text(example / "build/japan-hrc-2020/cc/yoshihide-sugar.pdf")
    assert "COPY FOR YOSHIHIDE SUGAR" in text


def test_the_checks_workers_server_starts_as_the_letters_are_read_and_ends_with_it(
    example: Path,
) -> None:
    said = ahead(example, "check")
    assert said == "0 No problems found in 1 letter. True [] []\n"
    body = example / "letters/japan-hrc-2020/body.md"
    body.write_text(body.read_text() + "\n{{ recipient.nickname }}\n")
    said = ahead(example, "check")  # stopped before its fit check: the server ends too
    assert said == "1 Error: 1 problem in 1 file; nothing was written True [] []\n"
    (example / "letters/japan-hrc-2020/letter.yaml").unlink()
    said = ahead(example, "check")  # no letter read: nothing to start it for
    assert said.startswith("1 ") and said.endswith(" False [] []\n")


# A build whose workers' server is started ahead, stopped as its first letter is planned
# (the server then still importing): by SIGTERM to it, or Ctrl+C to its terminal's group.
STOPPED = textwrap.dedent(
    """\
    import os, signal, sys, time
    import campaign.build.check, campaign.build.run
    from campaign.cli.entry import main

    campaign.build.run.workers_ahead = lambda bundles, jobs: 2
    way, sys.argv[1:] = sys.argv[1], ["build"]


    def plan_letter(*args, **kwargs):
        time.sleep(0.2)  # the server is in its imports
        if way == "sigterm":
            os.kill(os.getpid(), signal.SIGTERM)
        else:
            os.killpg(os.getpgrp(), signal.SIGINT)
        time.sleep(5)


    campaign.build.check.plan_letter = plan_letter
    main()
    """
)


@pytest.mark.parametrize("way", ["sigterm", "ctrl+c"])
def test_a_build_stopped_in_its_check_leaves_no_server_and_says_nothing_of_it(
    example: Path, way: str
) -> None:
    """Stopped as Ctrl+C stops it, the server ended before the build exits, its imports silent."""
    said = example / "said"
    with said.open("w") as out:
        run = subprocess.Popen(
            [sys.executable, "-c", STOPPED, way],
            stdout=out,
            stderr=out,
            cwd=example,
            start_new_session=True,
        )
        try:
            code = run.wait(timeout=60)
            left = processes(3, run.pid)
            servers = [p for p in left if b"forkserver" in Path(f"/proc/{p}/cmdline").read_bytes()]
        finally:
            os.killpg(run.pid, signal.SIGKILL) if processes(3, run.pid) else None
    assert (code, said.read_text(), servers) == (1, "\nAborted!\n", [])
