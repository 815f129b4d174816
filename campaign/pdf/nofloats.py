"""A line placed where no float stands: its bounds taken from its block, not looked for.

Before it lays out a line and again after, WeasyPrint asks where the line may go
between the floats beside it (``avoid_collisions``): it measures the line's box,
builds the lists of floats that collide with it and of their edges, and checks what
kind of box it placed. With no float on the page (a list's names, a letter's body)
the answer is the containing block's content edges, less the line's margins: here a
line box, placed as WeasyPrint places lines, gets that answer by the same arithmetic in
the same order, and any other box, or a line beside a float, goes WeasyPrint's own way.
It changes what the pinned version's ``avoid_collisions`` does, not what it gives:
PDFs are byte for byte those made without it (tests/unit/test_nofloats.py). Imported
by engine.py only, once WeasyPrint is.
"""

from __future__ import annotations

from typing import Any

from campaign.pdf.patching import once


@once
def install() -> None:
    """Put the placing of lines beside no float in place (once per process)."""
    import weasyprint.layout.inline as inline
    from weasyprint.formatting_structure.boxes import LineBox

    own = inline.avoid_collisions
    if getattr(own, "campaign_own", None) is not None:
        return

    def avoid_collisions(
        context: Any, box: Any, containing_block: Any, outer: bool = True
    ) -> tuple[float, float, float]:
        if outer or context.excluded_shapes or type(box) is not LineBox:
            return avoid_collisions.campaign_own(  # type: ignore[attr-defined,no-any-return]
                context, box, containing_block, outer
            )
        # WeasyPrint's, with no shape to collide with, for a line box (not outer).
        position_y = box.border_box_y()
        if box.border_height() == 0 and box.is_floated():
            return 0, position_y, containing_block.width
        max_left_bound = containing_block.content_box_x()
        max_right_bound = max_left_bound + containing_block.width
        max_left_bound += box.margin_left
        max_right_bound -= box.margin_right
        position_x = max_left_bound
        if containing_block.style["direction"] == "rtl" and box.style["float"] == "none":
            position_x = max_right_bound  # a line starts at its right bound
        available_width = max_right_bound - max_left_bound
        position_x -= box.margin_left
        position_y -= box.margin_top
        return position_x, position_y, available_width

    # An attribute, not a name in the closure: tests count the lines that go its way.
    avoid_collisions.campaign_own = own  # type: ignore[attr-defined]
    inline.avoid_collisions = avoid_collisions


def uninstalled() -> Any:
    """WeasyPrint's own ``avoid_collisions``, as inline.py called it (for tests)."""
    import weasyprint.layout.inline as inline

    return getattr(inline.avoid_collisions, "campaign_own", inline.avoid_collisions)
