"""Lay out signatories.pdf of the campaign at ``argv[1]`` into ``argv[2]``, as a process of its own.

Run by the benchmark so that its CPU and memory are counted like any command's; the list
is read as ``campaign build`` reads it (a reading kept for its bytes, else the file,
leaving a reading), and laid out as a build lays it out: on the workers, this process
never importing WeasyPrint. Prints the seconds taken after this script's imports, the
seconds of those spent reading the list and composing its HTML (the peer's figure starts
from its .tex, written before), and the number of pages.
"""

from __future__ import annotations

import io
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import pikepdf

from campaign.build.run import Ahead
from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.errors import Problem
from campaign.lists.listfile import Kept, keep_readings, read_list
from campaign.load.workspace import Workspace
from campaign.model.records import SignatureList
from campaign.pdf.listing import is_long
from campaign.pdf.pool import default_jobs, workers
from campaign.pdf.render import render_pdf


def main() -> None:
    """Compose, lay out and write the list; print seconds and pages."""
    root, target = Path(sys.argv[1]), Path(sys.argv[2])
    start = time.perf_counter()
    # As a build reads it: from the reading kept for the list's bytes, if any; a list
    # read whole leaves one (listfile.read_list).
    readings: list[Kept] = []
    with ExitStack() as stack:
        # As a build does: the workers' server started as a long list's file is found,
        # or once the letters are read.
        ahead = Ahead(stack, None)

        def reader(path: Path, found: list[Problem]) -> SignatureList | None:
            ahead.reading(path)
            return read_list(path, found, readings)

        bundles = load_letters(Workspace(root), read_list=reader)[0]
        ahead.loaded(bundles)
        bundle = bundles[0]
        # The build's way: a long list is laid out in parts (listing.py), on one worker
        # per CPU; a short one here, whole.
        html = Composer(bundle).signatories_html()
        read = time.perf_counter() - start
        with workers(default_jobs() if is_long(html) else 1) as pool:
            pdf = render_pdf(html, bundle.letter.folder, root, pool=pool)
    target.write_bytes(pdf)
    keep_readings(readings)  # as a build keeps them, once it has made its files
    seconds = time.perf_counter() - start
    with pikepdf.open(io.BytesIO(pdf)) as written:
        print(f"{seconds:.3f} {read:.3f} {len(written.pages)}")


if __name__ == "__main__":
    main()
