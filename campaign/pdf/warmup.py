"""A small page laid out and written once in the workers' fork server, before it forks.

Imported only by the fork server, as its last preload (pool.PRELOAD). A process's first
layout costs about 0.1 s more than the next: the modules a layout imports when first
needed (pikepdf, the proof), cffi reading the C types WeasyPrint asks for, fontconfig's
first configuration, patterns compiled. Done here once, every worker, the first ones and
each one that replaces a worker after its jobs, starts with it done. It imports the PDF
layer's own modules.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from campaign.pdf.engine import layout, write

# A page with no text: on a machine whose fontconfig knows no font (a workspace may
# bring all of its own), Pango ends the process that lays out text in a default face.
# Text costs little more on its first layout than later (0.04 s of the 0.1 s saved).
_PAGE = (
    "<!doctype html><html lang='en'><head><style>@page{size:A4;margin:20mm}</style></head>"
    "<body><div style='height:10mm;border-top:1px solid #000;background:#eee'></div>"
    "</body></html>"
)


def warm() -> None:
    """Lay out and write ``_PAGE``; a failure is left for the jobs themselves to say."""
    here = Path(__file__).parent  # nothing is read from it: the page links to no file
    try:
        # WeasyPrint warns where fontconfig knows no font: the jobs say so, if it matters.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            write(layout(_PAGE, here, here))
    except Exception:  # the server must start, whatever a first layout meets
        return


warm()
