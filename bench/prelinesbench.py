"""CPU per piece of mail of the addresses' layouts, with pdf/prelines.py and without it.

Both ways in one process, alternately, so the machine's load weighs on each alike: the
envelopes' addresses layer, the labels and the letters' overlays of the benchmark's
campaign, each laid out with WeasyPrint's own ``split_first_line`` and with the one
that lays a preformatted line out once; the PDFs of both must be the same bytes. Run it
on its own: ``.venv/bin/python bench/prelinesbench.py [ADDRESSEES] [ROUNDS]``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from campaign.compose.composer import overlay_batch, sharing
from campaign.pdf import prelines
from campaign.pdf.render import fitted_layout, render_pdf, vary_layout

from generate import composed

DATE = "2020-05-01T00:00:00Z"  # both ways alike: only what is drawn may differ


def run(addressees: int = 300, rounds: int = 5) -> list[str]:
    """Lines of the report: the median CPU per piece each way, and whether the bytes agree."""
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred
    import weasyprint.text.line_break as line_break

    with tempfile.TemporaryDirectory() as tmp:
        composer = composed(Path(tmp) / "ws", addressees, 10)
        root, folder = composer.bundle.root, composer.bundle.letter.folder
        layers = composer.envelope_layers()
        assert layers is not None, "the shipped envelopes.html.j2 has layers"
        master, _ = fitted_layout(sharing(composer).layers[0], folder, root)
        overlay, compact = overlay_batch(composer, composer.to, vary_layout(master))
        assert compact, "the shipped template's parts can be placed alone"
        kinds = {"envelopes": layers[1], "labels": composer.labels_html(), "overlays": [overlay]}
        render_pdf(overlay, folder, root)  # fonts, caches and the patch in place
        ways = {"own": prelines.uninstalled(), "once": line_break.split_first_line}
        cpu: dict[tuple[str, str], list[float]] = {(k, w): [] for k in kinds for w in ways}
        made: dict[tuple[str, str], list[bytes]] = {}
        try:
            for _ in range(rounds):
                for way, split in ways.items():
                    for module in (line_break, inline, preferred):
                        module.split_first_line = split
                    for kind, htmls in kinds.items():
                        start = time.process_time()
                        made[kind, way] = [render_pdf(h, folder, root, date=DATE) for h in htmls]
                        cpu[kind, way].append(time.process_time() - start)
        finally:
            for module in (line_break, inline, preferred):
                module.split_first_line = ways["once"]
    lines = [
        f"addresses' layouts, {addressees} addressees, {rounds} rounds alternating "
        f"(load {os.getloadavg()[0]:.1f}), median CPU a piece:"
    ]
    for kind in kinds:
        own, once = (sorted(cpu[kind, w])[rounds // 2] * 1000 / addressees for w in ways)
        same = made[kind, "own"] == made[kind, "once"]
        lines.append(
            f"  {kind:10s} WeasyPrint's own {own:.3f} ms, a line laid out once {once:.3f} ms "
            f"({once / own:.2f}); the same bytes: {same}"
        )
    return lines


if __name__ == "__main__":
    numbers = [int(arg) for arg in sys.argv[1:3]]
    for line in run(*numbers):
        print(line)
