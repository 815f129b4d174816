"""A text's line widths, measured to size a box, kept for the same text in the same style.

To size a box from what it holds (a page's margin box, a float, a table cell, an
inline-block), WeasyPrint measures its text line by line (``inline_line_widths`` in
layout/preferred.py): Pango lays the text out once for every place it may break, for
the narrowest width the box may take and again for the widest. A margin box is sized
anew on every page, so a running title is measured again on each page it stands on:
the furniture of a list of 10,000 names (213 pages) spent a third of its layout
measuring the same title and the same "of 213".

Here each measure is kept on the document's layout context, by the text and the
arguments it was asked with, with the style's values as they stood: asked again for
the same style while it still holds each of those very values (the objects, not equal
ones), the line's break and width are given as the measure gave them. A style whose
values were replaced since, or another style, is measured as WeasyPrint measures it.
Only the measuring for sizes goes this way: it reads nothing of the answer but where
the line ends and how wide it is (its Pango layout is not kept). It changes what the
pinned version's ``inline_line_widths`` does, not what it gives: PDFs are byte for
byte those made without it (tests/unit/test_linewidths.py). Imported by engine.py
only, once WeasyPrint is.
"""

from __future__ import annotations

from operator import is_
from typing import Any

from campaign.pdf.patching import once

_KEPT = 4096  # measures kept per document; a measure past it is not kept
# The longest text whose measure is kept: a box's min-content width measures a long text
# word by word, each time what is left of it, and keeping those would hold _KEPT copies
# of nearly the whole text (a float of 100 KB of words kept 360 MB). A running title or
# a page count is far shorter.
_LONGEST = 256


class _Values:
    """A style's values as they stood when a measure was kept: its keys and their objects."""

    __slots__ = ("keys", "style", "values")

    def __init__(self, style: Any) -> None:
        self.style = style  # held: the measures are kept by its id
        self.keys = tuple(style)
        self.values = tuple(map(style.get, self.keys))

    def hold(self, style: Any) -> bool:
        """Whether ``style`` is this style, holding each of these very values still."""
        return style is self.style and all(map(is_, self.values, map(style.get, self.keys)))


@once
def install() -> None:
    """Put the kept measures in place (once per process; later calls do nothing)."""
    import weasyprint.layout.preferred as preferred

    measure = preferred.split_first_line
    if getattr(measure, "campaign_measure", None) is not None:
        return

    def split_first_line(
        text: str,
        style: Any,
        context: Any,
        max_width: float | None,
        justification_spacing: float,
        is_line_start: bool = True,
        minimum: bool = False,
    ) -> Any:
        if len(text) > _LONGEST:  # not kept, nor looked for (hashing it costs as much)
            return split_first_line.campaign_measure(  # type: ignore[attr-defined]
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        kept = context.__dict__.get("campaign_widths")
        if kept is None:
            kept = context.__dict__["campaign_widths"] = ({}, {})
        measures, values = kept
        key = (text, id(style), max_width, justification_spacing, is_line_start, minimum)
        found = measures.get(key)
        if found is not None and found[0].hold(style):
            return found[1]
        answer = split_first_line.campaign_measure(  # type: ignore[attr-defined]
            text, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        if len(measures) < _KEPT:
            # The style's values are read after the measure: any it computed are in them.
            now = values.get(id(style))
            if now is None or not now.hold(style) or len(now.keys) != len(style):
                now = values[id(style)] = _Values(style)
            _, length, resume, width, height, baseline = answer
            measures[key] = (now, (None, length, resume, width, height, baseline))
        return answer

    # An attribute, not a name in the closure: tests measure with WeasyPrint's own.
    split_first_line.campaign_measure = measure  # type: ignore[attr-defined]
    preferred.split_first_line = split_first_line


def uninstalled() -> Any:
    """The ``split_first_line`` preferred.py called before this module's (for tests)."""
    import weasyprint.layout.preferred as preferred

    own = preferred.split_first_line
    return getattr(own, "campaign_measure", own)
