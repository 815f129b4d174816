"""CPU per letter of stamping a batch: the master opened per letter, or once per batch.

The worker's "stamping" phase (workers.run_stamp) alone, on one overlay batch of the
benchmark's campaign, both ways in one process, alternately, so the machine's load
weighs on each alike. "per letter" is the loop as it was: the master opened for each
letter, stamped, saved, written with write_atomic (a temporary file, fsync, rename,
fsync of the folder). "master once": the master opened once (joining.stamping), each
file still written so. "per batch" is the loop the worker runs: the master opened once,
the files written in place and flushed together at the end (atomic.written_together).
All make the same letters, which this checks (see _written_again). Run it on
its own: ``.venv/bin/python bench/stampbench.py [ADDRESSEES] [ROUNDS] [VARIANT]``.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pikepdf

from campaign.checks.letters import load_letters
from campaign.compose import overlays
from campaign.compose.composer import Composer, overlay_batch, sharing
from campaign.files.atomic import write_atomic, written_together
from campaign.load.workspace import Workspace
from campaign.pdf.engine import split_sheets
from campaign.pdf.joining import stamp, stamping
from campaign.pdf.render import fitted_layout, vary_layout, write
from campaign.pdf.variants import save

from generate import make_campaign


def per_letter(master: str, overlay: pikepdf.Pdf, outputs: list[Path], variant: str) -> None:
    """The loop as it was: the master opened for each letter, each file written atomically."""
    for index, out in enumerate(outputs):
        with pikepdf.open(master) as pdf:
            stamp(pdf.pages[0], overlay.pages[index], 0)
            data = save(pdf, variant, str(pdf.pdf_version))
        write_atomic(out, data)


def master_once(master: str, overlay: pikepdf.Pdf, outputs: list[Path], variant: str) -> None:
    """The master opened once, each file still written atomically."""
    with stamping(master, variant) as letter:
        for index, out in enumerate(outputs):
            write_atomic(out, letter([overlay.pages[index]]))


def per_batch(master: str, overlay: pikepdf.Pdf, outputs: list[Path], variant: str) -> None:
    """The loop of workers.run_stamp."""
    with stamping(master, variant) as letter, written_together() as put:
        for index, out in enumerate(outputs):
            put(out, letter([overlay.pages[index]]))


def _written_again(data: bytes) -> bytes:
    """``data`` as qpdf writes it with every stream read from a file, without its /ID.

    The ways differ only in the order of /Filter and /Length in page 1's content stream
    (compressed once per batch: joining.stamping), and so in the /ID, a hash of the bytes.
    """
    with pikepdf.open(io.BytesIO(data)) as pdf:
        del pdf.trailer["/ID"]
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True)
        return buffer.getvalue()


def run(addressees: int = 100, rounds: int = 5, variant: str = "") -> list[str]:
    """Lines of the report: CPU per letter of the stamping phase, each way, each round."""
    with tempfile.TemporaryDirectory() as tmp:
        root = make_campaign(Path(tmp) / "ws", addressees, 1000)
        bundle = load_letters(Workspace(root))[0][0]
        composer = Composer(bundle)
        folder = bundle.letter.folder
        document, _ = fitted_layout(sharing(composer).layers[0], folder, root, variant)
        layout = vary_layout(document)
        assert layout is not None, "the shipped template's parts can be placed alone"
        master = Path(tmp) / "master.pdf"
        master.write_bytes(write(document, variant))
        html, compact = overlay_batch(composer, composer.to, layout)
        assert compact
        laid_out, misfits = fitted_layout(html, folder, root, variant)
        assert not misfits
        laid_out = split_sheets(laid_out, overlays.stack_height(*layout))
        overlay = pikepdf.open(io.BytesIO(write(laid_out, variant)))
        assert len(overlay.pages) == addressees, "one page 1 per addressee"
        ways: dict[str, Callable[[str, pikepdf.Pdf, list[Path], str], None]] = {
            "per letter": per_letter,
            "master once": master_once,
            "per batch": per_batch,
        }
        made: dict[str, list[bytes]] = {}
        times: dict[str, list[float]] = {name: [] for name in ways}
        for round_ in range(rounds + 1):  # the first round warms the caches, untimed
            for name, way in ways.items():
                outputs = [Path(tmp) / f"{name}-{round_}" / f"{n}.pdf" for n in range(addressees)]
                outputs[0].parent.mkdir()
                start = time.thread_time()
                way(str(master), overlay, outputs, variant)
                if round_:
                    times[name].append((time.thread_time() - start) * 1000 / addressees)
                made[name] = [out.read_bytes() for out in outputs]
        same = [_written_again(data) for data in made["per letter"]]
        assert all([_written_again(d) for d in made[n]] == same for n in ways), "the same letters"
        lines = [
            f"Stamping {addressees} letters of one batch ({variant or 'plain PDF'}), CPU per "
            f"letter, {rounds} alternating rounds (load {os.getloadavg()[0]:.1f}):"
        ]
        for name, each in times.items():
            figures = " / ".join(f"{ms:.2f}" for ms in each)
            lines.append(f"  {name:<12} {figures} ms (median {sorted(each)[len(each) // 2]:.2f})")
        return lines


if __name__ == "__main__":
    numbers = [int(arg) for arg in sys.argv[1:3]]
    for line in run(*numbers, *sys.argv[3:4]):  # type: ignore[arg-type]
        print(line)
