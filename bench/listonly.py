"""Lay out signatories.pdf of the campaign at ``argv[1]`` into ``argv[2]``, as a process of its own.

Run by the benchmark so that its CPU and memory are counted like any command's; prints
the seconds taken after WeasyPrint was imported, and the number of pages.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import weasyprint  # noqa: F401  (imported before the clock starts, as a build has it)

from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.load.workspace import Workspace
from campaign.pdf.render import layout, write


def main() -> None:
    """Compose, lay out and write the list; print seconds and pages."""
    root, target = Path(sys.argv[1]), Path(sys.argv[2])
    start = time.perf_counter()
    bundle = load_letters(Workspace(root))[0][0]
    document = layout(Composer(bundle).signatories_html(), bundle.letter.folder, root)
    target.write_bytes(write(document))
    print(f"{time.perf_counter() - start:.3f} {len(document.pages)}")


if __name__ == "__main__":
    main()
