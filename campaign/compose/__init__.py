"""From a loaded letter to the HTML of each output; no PDF work here.

``templating`` is the one sandboxed Jinja environment (with ``bounds`` and
``plaindata``: what a template may do and see); ``composer`` composes each output;
``vary`` proves the shared layer does not depend on the addressee; ``overlays``
writes the page of each addressee's parts alone, placed as on the shared pages; ``signatures``
orders and counts who signed; ``bundle`` is a letter with all it needs; ``sheettree``
parses a batch of sheets a shape at a time, and ``scanning`` keeps tinyhtml5's patterns. May import
load, model, paper, text, files, errors and paths; of outside parsers, Jinja, and the HTML,
CSS and selector parsers WeasyPrint uses (tinyhtml5, tinycss2, cssselect2), never
WeasyPrint itself.
"""
