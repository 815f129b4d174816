"""Each line's text shaped once by Pango, where WeasyPrint shapes it again to draw it.

WeasyPrint lays out a line of text with a Pango layout, then drops the layout and, to
draw the line, makes a new one for the same text and has Pango itemize and shape it
again. Here a layout the line was measured with is kept until the line is drawn, and
drawn as it is when nothing it holds can differ from the layout WeasyPrint would make:
the same style, no word spacing (each text WeasyPrint sets while measuring spaces its
own spaces and leaves an earlier text's spacing in place) and none added to justify the
line, word wrapping, its whole text on one line no wider than its box (a drawing that
ellipsizes it would find nothing to lay out anew), and single-paragraph mode set before
the text was shaped (WeasyPrint draws in that mode; turning it on later would have Pango
shape the text again). Otherwise WeasyPrint makes its layout anew, as it always did. It
changes what the pinned version's ``Layout`` does, not what is drawn: a build's PDFs
are byte for byte those made without it (tests/unit/test_shaping.py,
tests/attacks/test_shaping_breaks.py).
Imported by engine.py only, once WeasyPrint is.
"""

from __future__ import annotations

from typing import Any

from campaign.pdf.patching import once

# Characters Pango may take to end a paragraph (a layout holding one is shaped in
# paragraphs unless single-paragraph mode is on, so the mode cannot be set early).
PARAGRAPH_ENDS = frozenset("\n\r\x0b\x0c\x85\u2028\u2029")


@once
def install() -> None:
    """Put the kept layouts in place (once per process; later calls do nothing)."""
    from weasyprint.text.ffi import TO_UNITS, ffi, pango
    from weasyprint.text.line_break import Layout

    if getattr(Layout, "campaign_shaped_once", False):
        return
    set_text = Layout.set_text
    deactivate = Layout.deactivate
    reactivate = Layout.reactivate

    def set_text_once(self: Any, text: str, justify: bool = False) -> None:
        set_text(self, text, justify)
        if getattr(self, "campaign_drawing", False):
            return  # WeasyPrint sets the drawing's mode itself, after its first text
        # Set while no line is shaped yet, so the mode costs nothing; the drawing sets it
        # too, and a layout already in it is not shaped again. A text that may hold
        # paragraphs is measured as WeasyPrint measures it, in paragraphs (the layout
        # may have held a text without any before).
        self.campaign_one_paragraph = PARAGRAPH_ENDS.isdisjoint(self.text)
        pango.pango_layout_set_single_paragraph_mode(self.layout, self.campaign_one_paragraph)

    def keep(self: Any) -> None:
        if getattr(self, "campaign_drawing", False) or getattr(self, "campaign_kept", False):
            # drawn: let it go as WeasyPrint does
            self.campaign_kept = self.campaign_drawing = False
            deactivate(self)
        elif (
            getattr(self, "campaign_one_paragraph", False)
            and not self.justification_spacing
            # Each text set gives its spaces word spacing and none takes an earlier
            # text's away, so a layout measured with several texts may hold spacing
            # where the drawn text has none: with word spacing, always laid out anew.
            and not self.style["word_spacing"]
        ):
            self.campaign_kept = True  # measured: keep it for the drawing
        else:
            deactivate(self)

    def draw_as_kept(self: Any, style: Any) -> None:
        self.campaign_drawing = True
        if (
            getattr(self, "campaign_kept", False)
            and style is self.style
            and not self.justification_spacing
        ):
            # A new layout wraps words (a long word may have been cut at any letter
            # while measuring): the same wrapping, for a drawing that sets a width. A
            # layout already wrapping words, or without a width, is not laid out again.
            pango.pango_layout_set_wrap(self.layout, pango.PANGO_WRAP_WORD)
            if pango.pango_layout_get_line_readonly(self.layout, 1) == ffi.NULL and _fits(self):
                return  # what WeasyPrint would make anew, already shaped
        self.campaign_kept = False
        reactivate(self, style)

    def _fits(self: Any) -> bool:
        # A line wider than its box: a drawing that ellipsizes it sets the same width
        # and Pango, having wrapped nothing, would not lay the kept line out again.
        if self.max_width is None:
            return True  # drawn without a width: nothing to ellipsize
        extents = ffi.new("PangoRectangle *")
        pango.pango_layout_line_get_extents(
            pango.pango_layout_get_line_readonly(self.layout, 0), ffi.NULL, extents
        )
        fits: bool = extents.x >= 0 and extents.x + extents.width <= self.max_width * TO_UNITS
        ffi.release(extents)
        return fits

    Layout.campaign_unshaped = (set_text, deactivate, reactivate)  # what was replaced
    Layout.set_text = set_text_once
    Layout.deactivate = keep
    Layout.reactivate = draw_as_kept
    Layout.campaign_shaped_once = True
