"""The PDF layer: the only package that imports WeasyPrint and pikepdf.

``weasy`` imports WeasyPrint (its libraries found without running a compiler),
``engine`` lays HTML out and writes it (reading only the files a letter may show),
``cascade`` has WeasyPrint read a style sheet once per process, ``shaping`` has Pango
shape a line once for its layout and its drawing, ``pagestyles`` has a page's styles
computed once for the pages the same page rules match, ``linestyle`` a line's font
description and strut once per style, ``boxsizes`` a box's used sizes once per style and
containing block, ``prelines`` a preformatted line laid out once, ``linewidths`` a text's
widths measured once per style for the boxes sized from it, ``glyphdraw`` a line's
glyphs read from Pango a run at a time, ``nofloats`` a line beside no float placed without
looking for one (each put in place once by ``patching``),
``render`` measures and checks what it laid out, ``pool`` keeps the worker processes
(``warmup`` lays a page out in their server before it forks them), ``workers`` holds the
jobs they run, ``listing`` lays a long list out in parts, ``joining`` joins PDFs,
``variants`` makes PDF/A and PDF/UA, ``pictures`` checks pictures before layout,
``proof`` reads a build's text back. Takes HTML, not letters: may import load, model,
paper, text, files, errors and paths, and of compose only what reads the HTML it is
given (an overlay's places and marks, ``sheettree``, ``scanning``); never checks.
"""
