"""Time, CPU and memory of a command, counted over every process it starts.

CPU: the benchmark makes itself a child subreaper (Linux ``PR_SET_CHILD_SUBREAPER``),
so a process orphaned by its parent (the fork server, its workers) is handed to the
benchmark instead of to init; the benchmark reaps it, and ``getrusage(RUSAGE_CHILDREN)``
then holds the CPU of every process the command started. ``/usr/bin/time`` counts only
the children its command waited for, which leaves the fork server's workers out.

Memory: the proportional set size (PSS) of every descendant, summed, sampled every
50 ms: a page shared by the fork server and its workers counts once in all, not once per
process as summed RSS would count it. A cgroup's ``memory.peak`` would be exact, but
needs cgroup v2 and the right to make a group, which a developer's machine or CI may
not give; the sampling misses only a peak shorter than 50 ms. Summed RSS is given too.

Sampling is not free: the kernel walks a process's pages to give its PSS, and on a
machine of two CPUs the sampler's share of one slowed a 6 s build by 0.7 s (11 %,
four runs each way alternating, 7 December). So a run that is timed is not sampled
(``memory=False``), and the peaks come from another run of the same command
(``with_peaks``).
"""

from __future__ import annotations

import ctypes
import os
import resource
import subprocess
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

_PR_SET_CHILD_SUBREAPER = 36
MB = 1024 * 1024


def _subreaper() -> None:
    """Make orphaned descendants this process's children, so they are reaped and counted."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER) failed")


_subreaper()


@dataclass(frozen=True)
class Run:
    """What one command took."""

    wall: float  # seconds
    cpu: float  # user + system seconds, every process
    pss: int  # peak of the summed proportional set size, bytes
    rss: int  # peak of the summed resident set size, bytes
    load: float  # the 1-minute load average at the end (other work on the machine)
    out: str = ""  # what the command printed

    @property
    def pss_mb(self) -> float:
        """Peak memory in MB (PSS)."""
        return self.pss / MB


def _descendants(root: int) -> list[int]:
    """The process ids below ``root`` (not itself)."""
    try:
        return _below(root)
    except FileNotFoundError:  # a kernel without /proc/PID/task/TID/children
        return _scanned(root)


def _below(root: int) -> list[int]:
    """The process ids below ``root``, each thread's children read from the kernel.

    Sampled every 50 ms while a build runs, this must cost little: reading every
    process's /proc/PID/stat, as _scanned does, took a tenth of a core on a busy
    machine, taken from the two the build runs on.
    """
    found: list[int] = []
    todo = [root]
    while todo:
        pid = todo.pop()
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except FileNotFoundError:
            if pid == root:
                raise
            continue  # gone since its parent named it
        for thread in threads:
            try:
                with open(f"/proc/{pid}/task/{thread}/children") as listed:
                    kids = [int(kid) for kid in listed.read().split()]
            except FileNotFoundError:
                if pid == root and not os.path.exists(f"/proc/{pid}/task/{thread}"):
                    continue  # a thread that ended
                if pid == root:
                    raise
                continue
            found += kids
            todo += kids
    return found


def _scanned(root: int) -> list[int]:
    """The process ids below ``root``, found by reading every process's parent."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], list(children.get(root, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def _memory(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in bytes; (0, 0) when it has gone."""
    pss = rss = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith("Rss:"):
                    rss = int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return pss, rss


def _reap_orphans(deadline: float) -> None:
    """Wait for the processes the command left behind, which were handed to us."""
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return  # none left
        if pid == 0:
            time.sleep(0.01)  # still running (a fork server winding down)


def measure(
    args: Sequence[str], cwd: Path, env: dict[str, str] | None = None, memory: bool = True
) -> Run:
    """Run ``args`` to its end; its wall time, CPU and peak memory over every process.

    Without ``memory`` nothing is sampled (the peaks are 0): the sampler's reads of
    /proc cost CPU beside the command, which a run that is timed should not pay.
    """
    me = os.getpid()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    peak_pss = peak_rss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_pss, peak_rss
        while not done.is_set():
            pss = rss = 0
            for pid in _descendants(me):
                p, r = _memory(pid)
                pss, rss = pss + p, rss + r
            peak_pss, peak_rss = max(peak_pss, pss), max(peak_rss, rss)
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - start
    _reap_orphans(time.monotonic() + 30)
    done.set()
    if memory:
        sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{err.decode(errors='replace')[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, peak_pss, peak_rss, os.getloadavg()[0], out.decode(errors="replace"))


def with_peaks(timed: Run, sampled: Run) -> Run:
    """``timed``'s wall and CPU time with the memory peaks of ``sampled``, a run of its own."""
    return replace(timed, pss=sampled.pss, rss=sampled.rss)


def in_process(work: object) -> tuple[float, float]:
    """Wall and CPU seconds of calling ``work()`` in this process (one thread)."""
    assert callable(work)
    start, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - start, time.process_time() - cpu
