"""CPU per addressee of one overlay batch: a page per sheet, or sheets stacked on tall pages.

Both ways in one process, alternately, so the machine's load weighs on each alike:
``STACK`` set to 1 lays each addressee's sheet out on a page of its own (as before
sheets were stacked), the shipped value stacks them. Each round times the layout and
writing of the batch's overlay, then the whole worker's job (layout, checks against
the master, stamping and writing every letter). Run it on its own:
``.venv/bin/python bench/overlaybench.py [ADDRESSEES] [ROUNDS]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from campaign.checks.letters import load_letters
from campaign.compose import overlays
from campaign.compose.composer import Composer, overlay_batch, sharing
from campaign.load.workspace import Workspace
from campaign.pdf.engine import split_sheets
from campaign.pdf.render import fitted_layout, vary_layout, write
from campaign.pdf.workers import StampJob, run_stamp

from generate import make_campaign


def _cpu(work: Callable[[], None]) -> float:
    """CPU seconds of ``work`` in this process."""
    start = time.process_time()
    work()
    return time.process_time() - start


def run(addressees: int = 100, rounds: int = 3) -> list[str]:
    """Lines of the report: CPU per addressee of the batch, each way, each round."""
    stack = overlays.STACK
    with tempfile.TemporaryDirectory() as tmp:
        root = make_campaign(Path(tmp) / "ws", addressees, 10)
        bundle = load_letters(Workspace(root))[0][0]
        composer = Composer(bundle)
        folder = bundle.letter.folder
        master_html = sharing(composer).layers[0]
        master, _ = fitted_layout(master_html, folder, root)
        layout = vary_layout(master)
        assert layout is not None, "the shipped template's parts can be placed alone"
        places, sheets = layout
        shared = Path(tmp) / "master.pdf"
        shared.write_bytes(write(master))
        height = overlays.stack_height(places, sheets)
        outputs = tuple(str(Path(tmp) / f"letter-{n}.pdf") for n in range(addressees))

        def batch(k: int) -> str:
            overlays.STACK = k
            html, compact = overlay_batch(composer, composer.to, layout)
            assert compact
            return html

        htmls = {1: batch(1), stack: batch(stack)}
        overlays.STACK = stack

        def overlay(k: int) -> Callable[[], None]:
            def work() -> None:
                document, misfits = fitted_layout(htmls[k], folder, root)
                assert not misfits
                write(split_sheets(document, height) if k > 1 else document)

            return work

        def job(k: int) -> Callable[[], None]:
            def work() -> None:
                stamp = StampJob(
                    str(shared), (), htmls[k], outputs, str(folder), str(root),
                    places=places, stack=height if k > 1 else 0.0,
                )  # fmt: skip
                written, misfits = run_stamp(stamp)
                assert len(written) == addressees and not misfits

            return work

        overlay(stack)()  # fonts and caches warmed before timing
        times: dict[str, list[float]] = {}
        for _ in range(rounds):
            for k in (1, stack):
                for name, work in (("overlay", overlay(k)), ("job", job(k))):
                    ms = _cpu(work) * 1000 / addressees
                    times.setdefault(f"{name} {k}", []).append(ms)
        lines = [
            f"One overlay batch of {addressees} addressees, CPU of one process per addressee, "
            f"{rounds} alternating rounds (load {os.getloadavg()[0]:.1f}):"
        ]
        for name, label in (("overlay", "layout + writing"), ("job", "whole job with stamping")):
            for k in (1, stack):
                each = " / ".join(f"{ms:.2f}" for ms in times[f"{name} {k}"])
                lines.append(f"  {label:<24} {k:>2} sheet(s) a page: {each} ms")
        return lines


if __name__ == "__main__":
    numbers = [int(arg) for arg in sys.argv[1:3]]
    for line in run(*numbers):
        print(line)
