"""A page's styles computed once for all the pages the same page rules match.

WeasyPrint computes the styles of every page anew, and of its sixteen margin boxes,
because each page is a page type of its own (its number is part of it, for ``:nth()``
rules). A page's styles come from the page rules that match it and from nothing else
of the page: two pages matched by the same rules, in the same order, get the same
declarations, and so the same computed values. Here the second and later pages share
the styles computed for the first page (after the document's first) that the same
rules matched; the document's first page always has its own (WeasyPrint learns the
page size while laying it out, and a length relative to the page read before that
would differ). WeasyPrint changes a page's styles after computing them only in ways
that give the same values when done again (the page counter's increment, ``overflow``
from the root). About a sixth of the furniture of a long list, 2,000 names' pages, and
a tenth of a batch of overlays.

A style is computed as its values are first read, and sharing one is exact only when
it gives the same values however often and whenever they are read. Two kinds of page
rules do not, and pages they match have styles of their own, as WeasyPrint makes them
(tests/unit/test_pagestyles_breaks.py): a display of a table's (StyleFor zeroes a
table box's margins, or paddings, in a style it hands out already read, never in a
fresh one, and WeasyPrint's own are always fresh), and a length relative to the page
when the first page's own size or margins are too (the size moves each time the first
page is made again, and a value takes the size of the moment it is first read).

It changes what the pinned version's ``set_page_type_computed_styles`` does, not what
is laid out: PDFs are byte for byte those made without it (tests/unit/
test_pagestyles.py). Imported by engine.py only, once WeasyPrint is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from campaign.pdf.patching import once


@once
def install() -> None:
    """Put the shared page styles in place (once per process; later calls do nothing)."""
    import weasyprint.layout.page as page
    from weasyprint.css.tokens import Pending
    from weasyprint.css.units import VIEWPORT_UNITS

    if getattr(page, "campaign_page_styles", False):
        return
    compute = page.set_page_type_computed_styles

    def relative(declared: Any) -> bool:
        return _relative(declared, VIEWPORT_UNITS, Pending)

    def computed_once(page_type: Any, html: Any, style_for: Any) -> None:
        # The document's StyleFor lives as long as its layout: what was computed for
        # it goes with it.
        shared: _Shared = style_for.__dict__.setdefault("campaign_page_styles", _Shared())
        cascaded, computed = style_for.get_cascaded_styles(), style_for.get_computed_styles()
        if page_type.index == 0:
            compute(page_type, html, style_for)
            # The size the others' lengths relative to the page are taken from is the
            # first page's, set each time it is made: it moves when the first page's own
            # size or margins are relative to the page (read before any size is known
            # the first time, A4 taken).
            if relative(cascaded.get((page_type, None), {}).values()):
                shared.sizes_move = True
            return
        rules = _matching(style_for, page_type)
        first = shared.rules.get(rules)
        if first is None:
            compute(page_type, html, style_for)
            kinds = [kind for element, kind in cascaded if element == page_type]
            kinds = kinds if None in kinds else [None, *kinds]
            declared = [cascaded.get((page_type, kind), {}) for kind in kinds]
            first = _First(
                page_type,
                kinds,
                relative=any(relative(values.values()) for values in declared),
                table=any(_table(values.get("display"), Pending) for values in declared),
            )
            shared.rules[rules] = first
            return
        if first.table or (first.relative and shared.sizes_move):
            compute(page_type, html, style_for)  # styles of its own, fresh as WeasyPrint's
            return
        for kind in first.kinds:  # the page's own (None), then its margin boxes' and areas'
            if (first.page_type, kind) in cascaded:
                cascaded[page_type, kind] = cascaded[first.page_type, kind]
            if (first.page_type, kind) in computed:
                computed[page_type, kind] = computed[first.page_type, kind]

    page.campaign_computed = compute  # what was replaced
    page.set_page_type_computed_styles = computed_once
    page.campaign_page_styles = True


@dataclass
class _First:
    """The first page computed for some page rules, whose styles the next ones may take."""

    page_type: Any
    kinds: list[Any]  # of its styles: the page's own (None), its margin boxes' and areas'
    relative: bool  # a declaration holds a length relative to the page (or may: var())
    table: bool  # a declaration gives a display of a table's (or may)


@dataclass
class _Shared:
    """What a document's pages share: the first page computed for each set of page rules."""

    rules: dict[tuple[tuple[int, int, int], ...], _First] = field(default_factory=dict)
    sizes_move: bool = False  # the first page's size may differ from one making to the next


def _relative(declared: Any, units: Any, pending: type) -> bool:
    """Whether ``declared`` values hold a length relative to the page, or may (``var()``)."""
    stack = list(declared)
    while stack:
        value = stack.pop()
        if isinstance(value, pending):
            return True  # var(): what it stands for is known only when it is read
        if isinstance(value, str):
            continue
        unit = getattr(value, "unit", None)
        if isinstance(unit, str) and unit.lower() in units:
            return True
        if isinstance(value, tuple | list):
            stack.extend(value)
            continue
        for inside in ("arguments", "content"):  # calc(), min() ...; ( ) within them
            if isinstance(held := getattr(value, inside, None), list):
                stack.extend(held)
    return False


def _table(declared: Any, pending: type) -> bool:
    """Whether a declared ``display`` (value, weight) may be a table's, or a part of one.

    StyleFor.__call__ zeroes such a box's margins (and a collapsing table's paddings),
    but only in a style already read: in a fresh one, as WeasyPrint's own page styles
    always are when it asks for them, it finds nothing and leaves them.
    """
    if declared is None:
        return False
    value = declared[0]
    if isinstance(value, pending) or value == "inherit":
        return True  # var(), or the root's display: known only when read
    return isinstance(value, tuple) and any("table" in part for part in value)


def _matching(style_for: Any, page_type: Any) -> tuple[tuple[int, int, int], ...]:
    """Which selectors of which page rules match ``page_type``, in the cascade's order."""
    # As StyleFor.add_page_declarations walks them: the same walk, so the same rules.
    return tuple(
        (sheet_number, rule_number, selector_number)
        for sheet_number, (sheet, _origin, _specificity) in enumerate(style_for._sheets)
        for rule_number, (_rule, selectors, _declarations) in enumerate(sheet.page_rules)
        for selector_number, selector in enumerate(selectors)
        if style_for._page_type_match(selector[2], page_type)
    )
