"""Where a command's time goes, phase by phase: for developers, off unless asked for.

With ``CAMPAIGN_TIMINGS`` naming a file, each phase (``with phase("overlays"):``)
appends one line to it when it ends: the process, the phase, its wall and CPU
seconds, when it started (seconds since the epoch) and the thread it ran in. The
command and its workers append to the same file, so a phase laid out in several
workers is counted in each. ``bench/phases.py`` sums the lines into a
table (docs/dev/benchmarks.md).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

ENV = "CAMPAIGN_TIMINGS"


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Count the time of the block as phase ``name`` (when ``CAMPAIGN_TIMINGS`` is set)."""
    target = os.environ.get(ENV)
    if not target:
        yield
        return
    # CPU of this thread alone: a phase in another thread of the process is its own.
    wall, cpu, began = time.perf_counter(), time.thread_time(), time.time()
    try:
        yield
    finally:
        line = (
            f"{os.getpid()}\t{name}\t{time.perf_counter() - wall:.6f}"
            f"\t{time.thread_time() - cpu:.6f}\t{began:.6f}"
            f"\t{threading.current_thread().name}\n"
        )
        # One write of a short line in append mode: lines from several processes
        # never interleave.
        with open(target, "a", encoding="utf-8") as out:
            out.write(line)
