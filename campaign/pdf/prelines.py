"""A preformatted line (``white-space: pre``) laid out by Pango once, not twice as WeasyPrint does.

To find where the first line of a text ends, WeasyPrint has Pango lay out that line and
the next character; it then sets the line's own text and lays it out again, for its size
and its drawing. An address is one text set ``pre``, a line a line, and every line of it
went through Pango twice for its layout and twice more for each width measured (a box
whose width is measured from its text). Here such a line, ending at its first newline
and holding no other break, is given to WeasyPrint alone, and where the next line starts
is the newline's end: what WeasyPrint's second layout was, and what it returns, made
directly. Text that wraps or collapses spaces, or a line holding any other break, goes
WeasyPrint's own way. It changes what the pinned version's ``split_first_line`` does,
not what it gives: PDFs are byte for byte those made without it
(tests/unit/test_prelines.py). Imported by engine.py only, once WeasyPrint is.
"""

from __future__ import annotations

from typing import Any

from campaign.pdf.patching import once
from campaign.pdf.shaping import PARAGRAPH_ENDS

# Every character that ends a line where Pango lays text out, but the newline.
_OTHER_BREAKS = PARAGRAPH_ENDS - {"\n"}


@once
def install() -> None:
    """Put the one-layout lines in place (once per process; later calls do nothing)."""
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred
    import weasyprint.text.line_break as line_break

    own = line_break.split_first_line
    if getattr(own, "campaign_own", None) is not None:
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
        end = text.find("\n")
        line = text[:end]
        if end <= 0 or style["white_space"] != "pre" or not _OTHER_BREAKS.isdisjoint(line):
            return own(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        layout, length, resume, width, height, baseline = own(
            line, style, context, max_width, justification_spacing, is_line_start, minimum
        )
        if resume is not None:  # a break this module does not know of: WeasyPrint's way
            return own(
                text, style, context, max_width, justification_spacing, is_line_start, minimum
            )
        return layout, length, len(line.encode()) + 1, width, height, baseline

    split_first_line.campaign_own = own  # type: ignore[attr-defined]
    # Each module that calls it holds its own name for it.
    for module in (line_break, inline, preferred):
        module.split_first_line = split_first_line


def uninstalled() -> Any:
    """WeasyPrint's own ``split_first_line`` (for tests that compare with it)."""
    import weasyprint.text.line_break as line_break

    return getattr(line_break.split_first_line, "campaign_own", line_break.split_first_line)
