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
a tenth of a batch of overlays. It changes what the pinned version's
``set_page_type_computed_styles`` does, not what is laid out: PDFs are byte for byte
those made without it (tests/unit/test_pagestyles.py). Imported by engine.py only,
once WeasyPrint is.
"""

from __future__ import annotations

import threading
from typing import Any

_installing = threading.Lock()  # two threads laying out their first documents at once


def install() -> None:
    """Put the shared page styles in place (once per process; later calls do nothing)."""
    with _installing:
        _install()


def _install() -> None:
    import weasyprint.layout.page as page

    if getattr(page, "campaign_page_styles", False):
        return
    compute = page.set_page_type_computed_styles

    def computed_once(page_type: Any, html: Any, style_for: Any) -> None:
        if page_type.index == 0:
            compute(page_type, html, style_for)
            return
        # The document's StyleFor lives as long as its layout: what was computed for
        # it goes with it.
        shared: dict[tuple[Any, ...], tuple[Any, list[Any]]] = style_for.__dict__.setdefault(
            "campaign_page_styles", {}
        )
        rules = _matching(style_for, page_type)
        first = shared.get(rules)
        cascaded, computed = style_for.get_cascaded_styles(), style_for.get_computed_styles()
        if first is None:
            compute(page_type, html, style_for)
            kinds = [kind for element, kind in cascaded if element == page_type]
            shared[rules] = (page_type, kinds if None in kinds else [None, *kinds])
            return
        model, kinds = first
        for kind in kinds:  # the page's own (None), then its margin boxes' and areas'
            if (model, kind) in cascaded:
                cascaded[page_type, kind] = cascaded[model, kind]
            if (model, kind) in computed:
                computed[page_type, kind] = computed[model, kind]

    page.campaign_computed = compute  # what was replaced
    page.set_page_type_computed_styles = computed_once
    page.campaign_page_styles = True


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
