"""CPU of ``envelopes.pdf`` and ``labels.pdf`` per piece of mail, laid out the build's way.

Envelopes are timed both ways in one process, alternately, so the machine's load
weighs on each alike: laid out whole (a template without layers) and as the build
lays them out with layers (the sender's envelope once, the addresses in parts, joined
with it drawn under every page), the addresses an envelope a page (as they were) and
stacked on tall pages the join cuts (as they are); and each address as one text, a line
a line (as they are), against a block a line (as they were), on envelopes and labels
alike. Run it on its own: ``.venv/bin/python bench/envelopebench.py [ADDRESSEES] [ROUNDS]``.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from campaign.compose.composer import ENVELOPES_PER_PAGE
from campaign.pdf.joining import join_pdfs
from campaign.pdf.render import render_pdf

from generate import composed

# Each address line in a block of its own, as the shipped templates set them before
# as_lines: each line a <span>, the labels' spans blocks that never wrap.
_ADDRESS = re.compile(r'(<div class="(?:to|label)"[^>]*>)(.*?)</div>', re.S)
_LABEL_STYLE = (
    ".label { white-space: pre; }",
    ".label span { display: block; white-space: nowrap; }",
)


def a_block_a_line(html: str) -> str:
    """``html`` with each address line in a block of its own."""
    html = html.replace(*_LABEL_STYLE)
    return _ADDRESS.sub(
        lambda found: (
            found.group(1)
            + "".join(f"<span>{line}</span>" for line in found.group(2).split("\n"))
            + "</div>"
        ),
        html,
    )


def _cpu(work: Callable[[], None]) -> float:
    """CPU seconds of ``work`` in this process."""
    start = time.process_time()
    work()
    return time.process_time() - start


def run(addressees: int = 700, rounds: int = 2) -> list[str]:
    """Lines of the report: CPU per piece of mail, whole and in layers, and of the labels."""
    with tempfile.TemporaryDirectory() as tmp:
        composer = composed(Path(tmp) / "ws", addressees, 10)
        root, folder = composer.bundle.root, composer.bundle.letter.folder
        layers = composer.envelope_layers()
        assert layers is not None, "the shipped envelopes.html.j2 has layers"
        under, overlays = layers

        def made(parts: list[str], below: str | None = None) -> Callable[[], None]:
            def work() -> None:
                files = []
                for n, html in enumerate(parts):
                    files.append(Path(tmp) / f"part-{n}.pdf")
                    files[-1].write_bytes(render_pdf(html, folder, root))
                shared = None
                if below is not None:
                    shared = Path(tmp) / "under.pdf"
                    shared.write_bytes(render_pdf(below, folder, root))
                join_pdfs(files, Path(tmp) / "out.pdf", dedupe=False, under=shared)

            return work

        whole = made(composer.envelopes_html())
        layered = made(overlays, under)
        composer.stack = 1  # the addresses' layer as it was: an envelope a page
        single = made(composer.envelope_layers()[1], under)  # type: ignore[index]
        blocks = made([a_block_a_line(html) for html in overlays], under)
        label_parts = composer.labels_html()
        labels = made(label_parts)
        label_blocks = made([a_block_a_line(html) for html in label_parts])
        made(overlays[:1], under)()  # fonts and caches warmed before timing
        ways = {
            "whole": whole,
            "single": single,
            "layers": layered,
            "blocks": blocks,
            "labels": labels,
            "label blocks": label_blocks,
        }
        times: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(rounds):
            for name, work in ways.items():
                times[name].append(_cpu(work))
        pieces = len(composer.pieces)
        best = {name: min(each) * 1000 / pieces for name, each in times.items()}
        return [
            f"envelopes.pdf and labels.pdf, {pieces} pieces of mail, CPU of one process "
            f"(load {os.getloadavg()[0]:.1f}):",
            f"  envelopes laid out whole   {best['whole']:6.2f} ms a piece",
            f"  in layers, a page each     {best['single']:6.2f} ms a piece "
            f"({best['whole'] / best['single']:.2f}x)",
            f"  in layers, {ENVELOPES_PER_PAGE:2d} a page      {best['layers']:6.2f} ms a piece "
            f"({best['whole'] / best['layers']:.2f}x)",
            f"    the same, a block a line {best['blocks']:6.2f} ms a piece (as before)",
            f"  labels                     {best['labels']:6.2f} ms a piece",
            f"    a block a line           {best['label blocks']:6.2f} ms a piece (as before)",
        ]


if __name__ == "__main__":
    numbers = [int(arg) for arg in sys.argv[1:3]]
    for line in run(*numbers):
        print(line)
