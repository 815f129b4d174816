"""Where a build's time goes, phase by phase: ``python bench/phases.py [ADDRESSEES] [--timeline]``.

``python bench/phases.py --list [NAMES] [--timeline]``: the same for signatories.pdf laid
out alone (``bench/listonly.py``), its parts, furniture and join on the workers.
A long list laid out in one process (``--jobs 1``) times its parts inside the "list"
phase: there they are counted twice in the sum.

Builds the benchmark's campaign (700 addressees, 1,000 names, 3 in cc) once with
``CAMPAIGN_TIMINGS`` set (campaign/model/timings.py): the command and each worker
write a line per phase. Printed per phase: CPU seconds summed over the processes,
wall seconds summed over them (a phase in two workers at once counts twice), and the
processes it ran in; then the whole build as measure.py counts it, and the load.
With ``--timeline``, also which process (and thread) ran which phase when: a lane
per thread, a character per step of time, the phase's first letter where it ran
(``.`` where the lane ran none), so idle cores and serial stretches show.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from generate import make_campaign
from measure import measure

HERE = Path(__file__).parent

# The order a build goes through them (a phase never met is left out).
ORDER = (
    "load/check",
    "sharing/keys",
    "fit check",
    "composing",
    "shared layers",
    "whole letters",
    "overlays",
    "stamping",
    "envelopes/labels",
    "list",
    "list part",
    "list furniture",
    "list join",
    "enclosures",
    "print.pdf",
    "proof",
    "waiting for print.pdf",
    "moves",
)


def table(lines: list[str], main: int) -> list[str]:
    """The phases of a timings file, summed; ``main`` is the command's own process."""
    cpu: dict[str, float] = defaultdict(float)
    wall: dict[str, float] = defaultdict(float)
    where: dict[str, set[str]] = defaultdict(set)
    for line in lines:
        pid, name, seconds, thread_cpu = line.split("\t")[:4]
        wall[name] += float(seconds)
        cpu[name] += float(thread_cpu)
        where[name].add("main" if int(pid) == main else pid)
    rows = [f"{'phase':<24}{'CPU s':>8}{'wall s':>8}  processes"]
    for name in [*ORDER, *sorted(set(cpu) - set(ORDER))]:
        if name in cpu:
            workers = len(where[name] - {"main"})
            runs = ("main" if "main" in where[name] else "") + (
                f"{' + ' if 'main' in where[name] else ''}{workers} workers" if workers else ""
            )
            rows.append(f"{name:<24}{cpu[name]:>8.2f}{wall[name]:>8.2f}  {runs}")
    rows.append(f"{'(sum)':<24}{sum(cpu.values()):>8.2f}")
    return rows


# The letter each phase is drawn with on the timeline.
MARKS = {
    "load/check": "L", "sharing/keys": "k", "fit check": "f", "composing": "c",
    "shared layers": "M", "whole letters": "W", "overlays": "o", "stamping": "t",
    "envelopes/labels": "e", "list": "l",
    "list part": "P", "list furniture": "F", "list join": "J", "enclosures": "n", "print.pdf": "p",
    "proof": "r", "waiting for print.pdf": "w", "moves": "v",
}  # fmt: skip


def timeline(lines: list[str], main: int, start: float, end: float, width: int = 100) -> list[str]:
    """A lane per process and thread: which phase ran when, from ``start`` to ``end``."""
    step = (end - start) / width
    lanes: dict[tuple[int, str], list[str]] = {}
    for line in lines:
        pid, name, seconds, _cpu, began, thread = line.split("\t")
        lane = lanes.setdefault((int(pid) != main, f"{pid} {thread}"), ["."] * width)
        first = int((float(began) - start) / step)
        last = int((float(began) + float(seconds) - start) / step)
        for n in range(max(first, 0), min(last, width - 1) + 1):
            lane[n] = MARKS.get(name, "?")
    rows = [f"timeline: {step:.2f} s per character, from the command's start"]
    for (worker, who), lane in sorted(lanes.items()):
        label = ("" if worker else "main ") + who
        rows.append(f"{label[:28]:<28}{''.join(lane)}")
    used = {line.split("\t")[1] for line in lines}
    names = [n for n in [*ORDER, *sorted(used - set(ORDER))] if n in used]
    rows.append("  ".join(f"{MARKS.get(n, '?')}={n}" for n in names))
    return rows


def list_only(names: int) -> None:
    """Lay out the list of ``names`` alone (bench/listonly.py) with timings on, twice."""
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = make_campaign(tmp / "big", 1, names)
        # The first reads the list whole, the second takes the reading the first kept.
        for attempt in ("the list read whole", "its reading kept"):
            timings = tmp / "timings.tsv"
            timings.unlink(missing_ok=True)
            env = {**os.environ, "CAMPAIGN_TIMINGS": str(timings)}
            start = time.time()
            command = [sys.executable, "listonly.py", str(root), str(tmp / "out.pdf")]
            run = measure(command, HERE, env)
            lines = timings.read_text(encoding="utf-8").splitlines()
            print(f"signatories.pdf of {names:,} names alone, {attempt}")
            print("\n".join(table(lines, -1)))  # the command itself writes no phase
            if "--timeline" in sys.argv:
                print("\n".join(timeline(lines, -1, start, start + run.wall)))
            print(
                f"whole command: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU (every process), "
                f"{run.pss_mb:.0f} MB peak PSS; load {run.load:.2f}"
            )


def main() -> None:
    """Build once with timings on, print the table."""
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if "--list" in sys.argv:
        list_only(int(args[0]) if args else 10_000)
        return
    addressees = int(args[0]) if args else 700
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = make_campaign(tmp / "big", addressees, 1000)
        timings = tmp / "timings.tsv"
        env = {**os.environ, "CAMPAIGN_TIMINGS": str(timings)}
        # The command's pid is the one that writes 'load/check' (it runs nowhere else).
        start = time.time()
        run = measure([sys.executable, "-m", "campaign", "build"], root, env)
        lines = timings.read_text(encoding="utf-8").splitlines()
        main_pid = int(next(line for line in lines if "\tload/check\t" in line).split("\t")[0])
        print(f"campaign build, {addressees} addressees, 1,000 names, 3 in cc")
        print("\n".join(table(lines, main_pid)))
        if "--timeline" in sys.argv:
            print("\n".join(timeline(lines, main_pid, start, start + run.wall)))
        print(
            f"whole build: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU (every process), "
            f"{run.pss_mb:.0f} MB peak PSS; load {run.load:.2f}"
        )


if __name__ == "__main__":
    main()
