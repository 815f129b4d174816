"""The PDF layer: the only package that imports WeasyPrint and pikepdf.

``render`` lays HTML out (reading only the files a letter may show), ``workers``
runs layouts in worker processes, ``joining`` joins PDFs, ``variants`` makes
PDF/A and PDF/UA, ``pictures`` checks pictures before layout, ``proof`` reads a
build's text back. Takes HTML, not letters: may import load, model, paper, text,
files and errors, never compose or checks.
"""
