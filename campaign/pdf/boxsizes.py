"""A box's used margins, paddings, sizes and borders found once per style and containing block.

WeasyPrint gives every box it lays out its used margins, paddings, widths, heights and
border widths (``resolve_percentages``): about twenty values read from the box's style,
each resolved against the containing block's width or height by a function call of its
own. Boxes of like elements share one computed style, and a list's lines share their
anonymous ones, so the items of a list of 10,000 names did the same work 40,000 times
for the same style and the same containing block: about a twelfth of a line's CPU.

Here what it sets on a box is kept on the style, by the containing block's width and
height (and whether the box is a page, and the page sizes a viewport length in a
calc() is resolved against then), with the style values it read: asked again
while each of those values is still the very object it was, for the same containing
block, the box is given the same used values (a number, a keyword, or the computed
value itself, none of which is changed in place afterwards). What it sets depends on
nothing else: the style's values, the containing block's size, whether the box is a
page, and the sizes WeasyPrint took from the document's first page (a calc() with a
percentage is resolved here, its vw or vh against them, and they move each time the
first page is made again when its margins are relative to the page). A style whose
values were replaced since (WeasyPrint sets some on a style of its own making) has them
resolved anew, and a box of a table whose borders collapse (whose border widths may
have been resolved with the table's) always is. It changes what the pinned version's
``resolve_percentages`` does, not what it gives: PDFs are byte for byte those made
without it (tests/unit/test_boxsizes.py). Imported by engine.py only, once WeasyPrint
is.
"""

from __future__ import annotations

from operator import is_
from typing import Any

from campaign.pdf.patching import once

# What resolve_percentages reads from the style, and sets on the box.
_READ = (
    "margin_left", "margin_right", "margin_top", "margin_bottom", "padding_left",
    "padding_right", "padding_top", "padding_bottom", "width", "min_width", "max_width",
    "height", "min_height", "max_height", "border_collapse", "border_top_width",
    "border_right_width", "border_bottom_width", "border_left_width", "box_sizing",
)  # fmt: skip
_SET = (
    "margin_left", "margin_right", "margin_top", "margin_bottom", "padding_left",
    "padding_right", "padding_top", "padding_bottom", "width", "min_width", "max_width",
    "height", "min_height", "max_height", "border_top_width", "border_right_width",
    "border_bottom_width", "border_left_width",
)  # fmt: skip
_KEPT_PER_STYLE = 16  # containing blocks a style keeps used values for


@once
def install() -> None:
    """Put the kept used values in place (once per process; later calls do nothing)."""
    import importlib

    import weasyprint.layout.percent as percent
    from weasyprint.formatting_structure.boxes import Box, PageBox

    if getattr(percent, "campaign_box_sizes", False):
        return
    resolve = percent.resolve_percentages

    def resolve_once(box: Any, containing_block: Any) -> None:
        if isinstance(containing_block, Box):
            size = (containing_block.width, containing_block.height)
        else:
            size = tuple(containing_block)
        style = box.style
        kept = style.__dict__.get("campaign_sizes")
        # campaign: a calc() left for layout (one with a percentage) resolves its
        # viewport lengths against the page sizes known at the time, which move each
        # time the document's first page is made again.
        pages = getattr(style, "initial_page_sizes", None) or {}
        key = (*size, isinstance(box, PageBox), pages.get("box"), pages.get("area"))
        found = kept.get(key) if kept is not None else None
        if found is not None:
            values, used = found
            if all(map(is_, values, map(style.__getitem__, _READ))):
                box.__dict__.update(used)
                return
        resolve(box, containing_block)
        if style["border_collapse"] == "collapse":
            return  # its border widths may be the table's: resolved each time
        values = tuple(map(style.__getitem__, _READ))  # all read by resolve already
        if kept is None or len(kept) >= _KEPT_PER_STYLE:
            kept = style.__dict__["campaign_sizes"] = {}
        kept[key] = (values, {name: getattr(box, name) for name in _SET})

    percent.campaign_resolve = resolve  # what was replaced
    for name in ("percent", "inline", "page", "float", "grid", "absolute", "block", "column",
                 "table", "background", "replaced", "flex"):  # fmt: skip
        module = importlib.import_module(f"weasyprint.layout.{name}")
        if getattr(module, "resolve_percentages", None) is resolve:
            module.__dict__["resolve_percentages"] = resolve_once
    percent.campaign_box_sizes = True
