"""Each line's text shaped once by Pango, where WeasyPrint shapes it again to draw it.

WeasyPrint lays out a line of text with a Pango layout, then drops the layout and, to
draw the line, makes a new one for the same text and has Pango itemize and shape it
again. Here a layout the line was measured with is kept until the line is drawn, and
drawn as it is when nothing it holds can differ from the layout WeasyPrint would make:
the same style, no spacing added to justify the line, its whole text on one line, and
single-paragraph mode set before the text was shaped (WeasyPrint draws in that mode;
turning it on later would have Pango shape the text again). Otherwise WeasyPrint makes
its layout anew, as it always did. It changes what the pinned version's ``Layout``
does (tested by tests/unit/test_shaping.py), not what is drawn: a build's PDFs are byte
for byte those made without it. Imported by engine.py only, once WeasyPrint is.
"""

from __future__ import annotations

from typing import Any

# Characters Pango may take to end a paragraph (a layout holding one is shaped in
# paragraphs unless single-paragraph mode is on, so the mode cannot be set early).
_PARAGRAPH_ENDS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")


def install() -> None:
    """Put the kept layouts in place (once per process; later calls do nothing)."""
    from weasyprint.text.ffi import ffi, pango
    from weasyprint.text.line_break import Layout

    if getattr(Layout, "campaign_shaped_once", False):
        return
    set_text = Layout.set_text
    deactivate = Layout.deactivate
    reactivate = Layout.reactivate

    def set_text_once(self: Any, text: str, justify: bool = False) -> None:
        set_text(self, text, justify)
        # Set while no line is shaped yet, so the mode costs nothing; the drawing sets it
        # too, and a layout already in it is not shaped again.
        self.campaign_one_paragraph = _PARAGRAPH_ENDS.isdisjoint(self.text)
        if self.campaign_one_paragraph:
            pango.pango_layout_set_single_paragraph_mode(self.layout, True)

    def keep(self: Any) -> None:
        if getattr(self, "campaign_kept", False):
            self.campaign_kept = False  # drawn: let it go as WeasyPrint does
            deactivate(self)
        elif getattr(self, "campaign_one_paragraph", False) and not self.justification_spacing:
            self.campaign_kept = True  # measured: keep it for the drawing
        else:
            deactivate(self)

    def draw_as_kept(self: Any, style: Any) -> None:
        if (
            getattr(self, "campaign_kept", False)
            and style is self.style
            and not self.justification_spacing
            and pango.pango_layout_get_line_readonly(self.layout, 1) == ffi.NULL
        ):
            return  # what WeasyPrint would make anew, already shaped
        self.campaign_kept = False
        reactivate(self, style)

    Layout.campaign_unshaped = (set_text, deactivate, reactivate)  # what was replaced
    Layout.set_text = set_text_once
    Layout.deactivate = keep
    Layout.reactivate = draw_as_kept
    Layout.campaign_shaped_once = True
