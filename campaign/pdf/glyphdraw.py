"""A line's glyphs written to the page from Pango's arrays read whole, not one field at a time.

To draw a line of text, WeasyPrint reads each glyph's number, advance and offsets from
Pango through cffi, one attribute at a time, and builds the line's text operators from
them. For a list of 10,000 names that was a ninth of its CPU (58 microseconds a name).
Here each of a line's runs has its glyphs read in one call, as packed records, and the
same operators are written from them. A line that needs anything more goes WeasyPrint's
own way whole, before anything of it is written: an ellipsis to make, a colour, bitmap
or picture font, a glyph that no font has, a glyph raised or lowered, a Pango whose
records are not laid out as this reads them. It changes what the pinned version's
``draw_first_line`` does, not what it gives: PDFs are byte for byte those made without
it (tests/unit/test_glyphdraw.py). Imported by engine.py only, once WeasyPrint is.
"""

from __future__ import annotations

import struct
from typing import Any

from campaign.pdf.patching import once

# PangoGlyphInfo: the glyph, its geometry (width, x offset, y offset), its attributes;
# read as the bytes of the first three (what a glyph's operators depend on) and the last.
_GLYPH = struct.Struct("=12si4x")
_KEY = struct.Struct("=Iii")
# Pango before 1.48.2 gave a font's size wrongly; WeasyPrint then takes the style's.
_FONT_SIZE_FROM_FONT = 14802


@once
def install() -> None:
    """Put the line drawing in place (once per process; later calls do nothing)."""
    import weasyprint.draw.text as text
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    own = text.draw_first_line
    if getattr(own, "campaign_own", None) is not None:
        return
    layout_read = (
        ffi.sizeof("PangoGlyphInfo") == _GLYPH.size == 20
        and ffi.offsetof("PangoGlyphInfo", "geometry") == 4
        and ffi.sizeof("PangoGlyphGeometry") == 12
        and ffi.sizeof("gint") == 4
    )
    if not layout_read:
        return  # a Pango built otherwise: WeasyPrint's own drawing, unchanged
    size_from_font = pango.pango_version() >= _FONT_SIZE_FROM_FONT
    empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
    extents = pango.pango_font_get_glyph_extents

    def weasyprints(
        stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any, matrix: Any
    ) -> Any:
        """The line drawn by WeasyPrint's own code; every font's kept operators dropped."""
        try:
            return own(stream, textbox, text_overflow, block_ellipsis, matrix)
        finally:
            # Its way with a character no font has gives it a glyph number the font does
            # not use, and sets that glyph's width: two font files of one family share
            # a font, and the number may be another file's glyph, its kept operators
            # then stale (the attack's break). Rare lines: each font's are made anew.
            for font in (getattr(stream, "_fonts", None) or {}).values():
                font.__dict__.pop("campaign_pieces", None)

    def draw_first_line(
        stream: Any, textbox: Any, text_overflow: str, block_ellipsis: Any, matrix: Any
    ) -> Any:
        if text_overflow == "ellipsis" or block_ellipsis != "none":
            return weasyprints(stream, textbox, text_overflow, block_ellipsis, matrix)
        if not textbox.text.strip() or textbox.style["font_size"] < 1e-6:
            return []  # as WeasyPrint: nothing drawn for these
        layout = textbox.pango_layout
        pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
        first_line, _ = layout.get_first_line()

        # The line's operators are made before any is written, so that a line WeasyPrint
        # must draw is handed to it whole. What is done on the way is what it would do
        # the same: a font added (adding it again gives the one added), a glyph's
        # characters and width noted on the font once.
        runs = []
        utf8 = b""
        run = first_line.runs[0]
        while run != ffi.NULL:
            glyph_item = run.data
            run = run.next
            glyph_string = glyph_item.glyphs
            count = glyph_string.num_glyphs
            pango_font = glyph_item.item.analysis.font
            font, font_size = stream.add_font(pango_font)
            if not size_from_font:
                font_size = textbox.style["font_size"]
            if font.svg or font.png or font.colr or font.bitmap:
                return weasyprints(stream, textbox, text_overflow, block_ellipsis, matrix)
            # A glyph's operators depend on its number, advance and offset, the font and
            # its size, and its width noted on the font: kept on the font, by size.
            try:
                kept = font.campaign_pieces
            except AttributeError:
                kept = font.campaign_pieces = {}
            pieces = kept.get(font_size)
            if pieces is None:
                pieces = kept[font_size] = {}
            clusters: list[int] | None = None
            out = ["<"]
            records = ffi.buffer(glyph_string.glyphs, count * _GLYPH.size)
            for i, (key, y_offset) in enumerate(_GLYPH.iter_unpack(records)):
                if y_offset:
                    return weasyprints(stream, textbox, text_overflow, block_ellipsis, matrix)
                piece = pieces.get(key)
                if piece is None:
                    glyph, width, x_offset = _KEY.unpack(key)
                    if glyph == empty:
                        piece = f">{-width / font_size}<"
                    elif glyph & unknown:
                        return weasyprints(stream, textbox, text_overflow, block_ellipsis, matrix)
                    else:
                        if glyph not in font.to_unicode:
                            # The glyph's characters: from its cluster to the next's, in
                            # the text's order (backwards in a right-to-left run).
                            if clusters is None:
                                clusters = ffi.unpack(glyph_string.log_clusters, count)
                            item = glyph_item.item
                            start = clusters[i]
                            if item.analysis.level % 2:
                                end = item.length if i == 0 else clusters[i - 1]
                            else:
                                end = item.length if i == count - 1 else clusters[i + 1]
                            utf8 = utf8 or layout.text.encode()
                            font.to_unicode[glyph] = utf8[
                                item.offset + start : item.offset + end
                            ].decode()
                        piece = _piece(stream, font, pango_font, font_size, glyph, width, x_offset)
                    pieces[key] = piece
                out.append(piece)
            runs.append((pango_font, font, font_size, "".join(out)))

        stream.set_text_matrix(*matrix.values)
        previous = None
        string = ""
        for pango_font, font, font_size, glyphs in runs:
            if pango_font != previous:  # the same font object: its operators go on
                previous = pango_font
                if string:
                    stream.show_text(string)
                string = ""
                stream.set_font_size(font.hash, font_size)
            string += glyphs
            # The run's glyphs closed; an empty pair dropped.
            string = string[:-1] if string[-1] == "<" else string + ">"
        stream.show_text(string)
        return []

    def _piece(
        stream: Any,
        font: Any,
        pango_font: Any,
        font_size: float,
        glyph: int,
        width: int,
        x_offset: int,
    ) -> str:
        """A glyph's operators: its offset, its number, and the kerning to its advance."""
        offset = x_offset / font_size
        piece = f">{-offset}<" if offset else ""
        piece += f"{glyph:04x}"
        logical_width = font.widths.get(glyph)
        if logical_width is None:
            extents(pango_font, glyph, stream.ink_rect, stream.logical_rect)
            logical_width = font.widths[glyph] = round(
                stream.logical_rect.width * 1000 * FROM_UNITS / font_size
            )
        kerning = logical_width + offset - width * 1000 * FROM_UNITS / font_size
        return piece + f">{int(kerning)}<" if kerning else piece

    draw_first_line.campaign_own = own  # type: ignore[attr-defined]
    text.draw_first_line = draw_first_line


def uninstalled() -> Any:
    """WeasyPrint's own ``draw_first_line`` (for tests that compare with it)."""
    import weasyprint.draw.text as text

    return getattr(text.draw_first_line, "campaign_own", text.draw_first_line)
