"""Benchmark of ``campaign build`` on a parliament-sized campaign.

700 addressees, 1,000 signatories, 3 people in cc. The naive way lays out every
letter from scratch; it is timed on a sample of 20 letters. The build is run as a
user runs it (``campaign build``, one worker per CPU), with the memory of its whole
process tree sampled while it runs.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from campaign.drafting.scaffold import EXAMPLE

from generate import english_only, make_campaign

CAMPAIGN = [sys.executable, "-m", "campaign"]


def _tree_rss(root_pid: int) -> int:
    """Resident memory of a process and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/statm") as statm:
                rss[int(entry)] = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root_pid]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def _run(args: list[str], cwd: Path) -> tuple[float, int]:
    """Run a command; its wall time and the peak memory of its process tree."""
    start = time.perf_counter()
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0

    def sample() -> None:
        nonlocal peak
        while process.poll() is None:
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = process.communicate()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{err.decode()}")
    return time.perf_counter() - start, peak


def _naive_per_letter(root: Path, sample: int = 20) -> float:
    """Seconds per letter when each is laid out whole, from a random sample."""
    from campaign.checks.letters import load_letters
    from campaign.compose.composer import Composer
    from campaign.load.workspace import Workspace
    from campaign.pdf.render import render_pdf

    bundle = load_letters(Workspace(root))[0][0]
    composer = Composer(bundle)
    render_pdf(composer.letter_html(composer.to[0]), bundle.letter.folder, root)  # warm up
    chosen = random.Random(3).sample(composer.to, sample)
    start = time.perf_counter()
    for addressee in chosen:
        render_pdf(composer.letter_html(addressee), bundle.letter.folder, root)
    return (time.perf_counter() - start) / sample


def _signature_list(root: Path) -> float:
    """Seconds to compose and lay out signatories.pdf for the campaign at ``root``."""
    from campaign.checks.letters import load_letters
    from campaign.compose.composer import Composer
    from campaign.load.workspace import Workspace
    from campaign.pdf.render import render_pdf

    start = time.perf_counter()
    bundle = load_letters(Workspace(root))[0][0]
    render_pdf(Composer(bundle).signatories_html(), bundle.letter.folder, root)
    return time.perf_counter() - start


def _print_file(folder: Path, tmp: Path) -> tuple[float, int, float, int]:
    """print.pdf from the built letters: objects stored once, and plain concatenation."""
    from campaign.pdf.joining import join_pdfs

    letters = sorted(folder.glob("to/*.pdf")) + sorted(folder.glob("cc/*.pdf"))
    figures = []
    for dedupe in (True, False):
        target = tmp / f"print-{dedupe}.pdf"
        start = time.perf_counter()
        join_pdfs(letters, target, duplex=True, dedupe=dedupe)
        figures += [time.perf_counter() - start, target.stat().st_size]
    return figures[0], int(figures[1]), figures[2], int(figures[3])


def run(addressees: int = 700, signatories: int = 1000) -> list[str]:
    """Time the naive and the shared-pages build; report lines."""
    MB = 1024 * 1024
    lines = [f"campaign build: {addressees} addressees, {signatories:,} signatories, 3 in cc"]
    with tempfile.TemporaryDirectory() as tmp:
        root = make_campaign(Path(tmp) / "big", addressees, signatories)
        naive = _naive_per_letter(root)
        seconds, peak = _run([*CAMPAIGN, "build"], root)
        per_letter = seconds / addressees
        noop, _ = _run([*CAMPAIGN, "build"], root)
        folder = next((root / "build").iterdir())
        pieces = len((folder / "mailing.csv").read_text(encoding="utf-8").splitlines()) - 1
        kept, kept_size, plain, plain_size = _print_file(folder, Path(tmp))
        small = make_campaign(Path(tmp) / "small", 100, signatories)
        _, small_peak = _run([*CAMPAIGN, "build"], small)
        helps = [_run([*CAMPAIGN, "--help"], root)[0] for _ in range(5)]
        huge = make_campaign(Path(tmp) / "huge", 1, 10_000)
        list_seconds = _signature_list(huge)
        editions = _editions(Path(tmp))
    lines += [
        f"  naive, each letter laid out whole (sample of 20): {naive:7.3f} s per letter",
        f"  build, shared pages:                  {per_letter:7.3f} s per letter "
        f"= {naive / per_letter:.0f}x faster",
        f"  whole build ({addressees} letters + cc + list): {seconds:7.1f} s "
        f"(naive: about {naive * addressees:.0f} s)",
        f"  peak memory, all processes: {peak / MB:5.0f} MB "
        f"(100 addressees: {small_peak / MB:.0f} MB)",
        f"  rebuild with nothing changed: {noop:7.2f} s",
        f"  print.pdf ({pieces} letters), objects stored once: {kept:5.1f} s, "
        f"{kept_size / MB:.0f} MB",
        f"  naive, plain concatenation:               {plain:5.1f} s, {plain_size / MB:.0f} MB "
        f"= {plain_size / kept_size:.0f}x the size",
        f"  campaign --help:              {min(helps):7.2f} s (best of 5)",
        f"  signatories.pdf of 10,000 names: {list_seconds:6.1f} s",
        "  the example letter (3 pieces of mail, 51 names), English only: "
        f"{editions[0]:.1f} s, peak {editions[1] / MB:.0f} MB",
        "  the same with its Japanese edition and parallel.pdf:           "
        f"{editions[2]:.1f} s, peak {editions[3] / MB:.0f} MB",
    ]
    return lines


def _editions(tmp: Path) -> tuple[float, int, float, int]:
    """Build the example without and with its Japanese edition: time and peak memory."""
    english = tmp / "english"
    shutil.copytree(EXAMPLE, english)
    english_only(english / "letters" / "japan-hrc-2020")
    both = tmp / "both"
    shutil.copytree(EXAMPLE, both)
    return (*_run([*CAMPAIGN, "build"], english), *_run([*CAMPAIGN, "build"], both))
