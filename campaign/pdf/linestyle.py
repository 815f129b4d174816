"""What each line of text asks of its style, found once per style rather than once per line.

WeasyPrint lays out every line of text with a Pango layout of its own, and for each
one builds a new Pango font description from the style (the font families joined,
size, weight, style, stretch, variant), and, for the line box and its text, finds the
line's strut (its height and baseline) by formatting sixteen of the style's values
into a string key, which names the strut it keeps per font configuration. A list of
10,000 names, each one line, built 10,000 identical descriptions and 20,000 identical
keys: about a tenth of a line's CPU.

Here a font description is made once for the values it is made from and handed to each
layout of those values: Pango copies a description into the layout it is set on
(``pango_layout_set_font_description``) and only reads it for font metrics, so a
shared one gives every layout what a new one would. A strut is kept on the style it
was found for with the values its key was made from: asked again while each of those
values is still the very object it was (so its string, and so the key, is the same),
the style gets the strut WeasyPrint's own cache would hand it (it never replaces a
strut it keeps). A style whose values were replaced since has its strut found as
WeasyPrint finds it. It changes what the pinned version's ``get_font_description``
(as ``Layout.setup`` calls it) and ``strut`` do, not what they give: PDFs are byte for
byte those made without it (tests/unit/test_linestyle.py). Imported by engine.py
only, once WeasyPrint is.
"""

from __future__ import annotations

from operator import is_
from typing import Any

from campaign.pdf.patching import once

# What WeasyPrint's strut key is made of (text/line_break._font_style_cache_key with
# the size), in its order.
_STRUT_KEYS = (
    "font_family", "font_style", "font_stretch", "font_weight", "font_variant_ligatures",
    "font_variant_position", "font_variant_caps", "font_variant_numeric",
    "font_variant_alternates", "font_variant_east_asian", "font_feature_settings",
    "font_variation_settings", "font_language_override", "lang", "font_size", "line_height",
)  # fmt: skip
_DESCRIPTIONS_KEPT = 1024  # distinct font descriptions kept (a document uses a few dozen)


@once
def install() -> None:
    """Put the shared descriptions and kept struts in place (once per process)."""
    import weasyprint.css.computed_values as computed_values
    import weasyprint.css.units as units
    import weasyprint.layout.inline as inline
    import weasyprint.text.line_break as line_break
    from weasyprint.text.constants import PANGO_STRETCH, PANGO_STYLE, PANGO_VARIANT
    from weasyprint.text.ffi import TO_UNITS

    if getattr(line_break, "campaign_line_style", False):
        return
    describe = line_break.get_font_description
    strut = line_break.strut
    descriptions: dict[tuple[Any, ...], Any] = {}

    def description_once(style: Any) -> Any:
        # The values fonts.get_font_description sets, read in its order and made as it
        # makes them (a value is computed when first read).
        family = ",".join(style["font_family"])
        font_style = PANGO_STYLE[style["font_style"]]
        stretch = PANGO_STRETCH[style["font_stretch"]]
        weight = style["font_weight"]
        size = int(style["font_size"] * TO_UNITS)
        variant = PANGO_VARIANT[style["font_variant_caps"]]
        variations = style["font_variation_settings"]
        if variations != "normal":
            variations = ",".join(f"{key}={value}" for key, value in variations)
        key = (family, font_style, stretch, type(weight), weight, size, variant, variations)
        found = descriptions.get(key)
        if found is None:
            if len(descriptions) >= _DESCRIPTIONS_KEPT:
                descriptions.clear()
            found = descriptions[key] = describe(style)
        return found

    def strut_once(style: Any) -> Any:
        if style["font_size"] == 0:
            return strut(style)  # read first, as strut reads it
        values = tuple(map(style.__getitem__, _STRUT_KEYS))
        kept = style.__dict__.get("campaign_strut")
        if kept is not None and all(map(is_, kept[0], values)):
            return kept[1]
        found = strut(style)
        style.__dict__["campaign_strut"] = (values, found)
        return found

    line_break.campaign_unshared = (describe, strut)  # what was replaced
    line_break.get_font_description = description_once
    for module in (line_break, inline, units, computed_values):
        if getattr(module, "strut", None) is strut:
            module.strut = strut_once
    line_break.campaign_line_style = True
