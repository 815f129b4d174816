"""A small page laid out and written once in the workers' fork server, before it forks.

Imported only by the fork server, as its last preload (pool.PRELOAD). A process's first
layout costs about 0.1 s more than the next: the modules a layout imports when first
needed (pikepdf, the proof), cffi reading the C types WeasyPrint asks for, fontconfig's
first configuration, patterns compiled. Done here once, every worker, the first ones and
each one that replaces a worker after its jobs, starts with it done. It imports the PDF
layer's own modules.
"""

from __future__ import annotations

from pathlib import Path

from campaign.pdf.engine import layout, write

# Text in the default face, a running title and a page number: the machinery most
# outputs use (a margin box, a counter), with nothing a workspace provides.
_PAGE = (
    "<!doctype html><html lang='en'><head><style>"
    "@page{size:A4;margin:20mm;@bottom-center{content:'Page ' counter(page)}}"
    "</style></head><body><h1>Warm</h1><p>Ready to lay out, 1 2 3.</p></body></html>"
)


def warm() -> None:
    """Lay out and write ``_PAGE``; a failure is left for the jobs themselves to say."""
    here = Path(__file__).parent  # nothing is read from it: the page links to no file
    try:
        write(layout(_PAGE, here, here))
    except Exception:  # the server must start, whatever a first layout meets
        return


warm()
