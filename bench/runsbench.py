"""CPU a name of a list's part: an ``<li>`` a name, or runs of names in one ``pre`` text.

Not the list's pages: a run here is its names' text alone, a line a name, without the
styling that would set each line where an ``<li>`` sets it (see "A list's names as
runs of one text" in docs/dev/benchmarks.md); what it measures is what a name's
element costs. Each way in one process, alternately, the runs with pdf/prelines.py and
without it. Run it on its own: ``.venv/bin/python bench/runsbench.py [NAMES] [RUN]``.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from pathlib import Path

from campaign.compose.composer import Composer
from campaign.pdf.listing import _cut, _Items
from campaign.pdf.render import render_pdf

from generate import composed

sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
import patchcheck


def _runs(html: str, size: int) -> str:
    """``html`` with each list's items as runs of ``size`` names, a line a name."""

    def runs(found: re.Match[str]) -> str:
        items = re.findall(r"<li>(.*?)</li>", found.group(1), re.S)
        return (
            "<ul>"
            + "".join(
                '<li class="run" style="white-space: pre">'
                + "\n".join(items[n : n + size])
                + "</li>"
                for n in range(0, len(items), size)
            )
            + "</ul>"
        )

    return re.sub(r"<ul>(.*?)</ul>", runs, html, flags=re.S)


def run(names: int = 2000, size: int = 25, rounds: int = 3) -> list[str]:
    """Lines of the report: the median CPU a name each way."""
    with tempfile.TemporaryDirectory() as tmp:
        composer: Composer = composed(Path(tmp) / "ws", 1, names)
        root, folder = composer.bundle.root, composer.bundle.letter.folder
        html = composer.signatories_html()
        found = _Items(html)
        found.feed(html)
        found.close()
        part = _cut(html, found, 0, len(found.items))
        in_runs = _runs(part, size)
        render_pdf(part, folder, root)  # fonts, caches and the patches in place

        def undone() -> bytes:
            with patchcheck.prelines_undone():
                return render_pdf(in_runs, folder, root)

        ways = {
            "an <li> a name": lambda: render_pdf(part, folder, root),
            "runs, prelines": lambda: render_pdf(in_runs, folder, root),
            "runs, without": undone,
        }
        cpu: dict[str, list[float]] = {way: [] for way in ways}
        for _ in range(rounds):
            for way, work in ways.items():
                start = time.process_time()
                work()
                cpu[way].append(time.process_time() - start)
    lines = [f"{names:,} names, runs of {size} (load {os.getloadavg()[0]:.1f}), median CPU:"]
    for way, each in cpu.items():
        lines.append(f"  {way:16s} {sorted(each)[rounds // 2] / names * 1000:.3f} ms a name")
    return lines


if __name__ == "__main__":
    numbers = [int(arg) for arg in sys.argv[1:3]]
    for line in run(*numbers):
        print(line)
