"""WeasyPrint's style sheets read once per process, not once for every document.

A build lays out hundreds of small documents (overlay batches, envelopes, labels, parts
of a list) that carry the same style sheet; reading it is done once here
(``_sheet_cache``). It changes what WeasyPrint's ``find_stylesheets`` calls (the pinned
version, tested by tests/unit/test_sheet_cache.py and
tests/attacks/test_sheet_cache_breaks.py), not what is laid out: a build's PDFs are
byte for byte those made without it. Imported by engine.py only, once WeasyPrint is.
"""

from __future__ import annotations

import re
import threading
from typing import Any


def install() -> None:
    """Put the cache in place (once per process; later calls do nothing)."""
    _sheet_cache()


# The at-rules a style sheet read once may hold: they change nothing outside the sheet
# but the document's page rules, which are kept with it. Any other (@import and
# @font-face fetch files through the letter's own fetcher, @counter-style and @layer
# add to the document's state) has the sheet read anew for each document.
_KEPT_AT = frozenset(
    {"page", "media", "supports"}
    | {f"{side}-{place}" for side in ("top", "bottom") for place in ("left", "center", "right")}
    | {f"{side}-{place}" for side in ("left", "right") for place in ("top", "middle", "bottom")}
    | {f"{v}-{h}-corner" for v in ("top", "bottom") for h in ("left", "right")}
)
# An at-keyword as CSS reads it: '@' and a name, which may hold escapes.
_AT_KEYWORD = re.compile(r"@(-?(?:[\w-]|\\.)+)", re.S)
_KEPT_CHARS = 1_000_000  # a bigger sheet (pictures written into it) is read each time
_KEPT_SHEETS = 16
# The sheets read so far in this process, by text, base URL and media: each with the
# page rules it adds to a document.
_KEPT: dict[tuple[str, str, str], tuple[Any, list[Any]]] = {}
# Held while _KEPT is looked in or changed: a build with one job lays out a long list in
# a thread of its own (its parts) while its own thread lays out the letters.
_KEPT_LOCK = threading.Lock()


def _keeps(css: str) -> bool:
    """Whether a style sheet's text may be read once and used for every document."""
    if len(css) > _KEPT_CHARS:
        return False
    for found in _AT_KEYWORD.finditer(css):
        name = found.group(1)
        if "\\" in name or name.lower() not in _KEPT_AT:
            return False  # an escaped name is judged by reading it: not here
    return True


def _sheet_cache() -> None:
    """Have WeasyPrint read each ``<style>`` once per process, not once per document.

    An overlay batch, an envelope batch and a part of the list each carry the template's
    style sheet; reading it (parsing, checking each declaration, compiling selectors)
    takes about 10 ms a document in a build. A sheet is kept by its text, base URL and
    media: what WeasyPrint makes of it (its selectors, declarations and page rules, read-only in the
    cascade) depends on nothing else. Its page rules are also added to the document's
    list, as reading it would, which the sheets read after it share. A sheet that
    reaches further is read each time (_keeps).
    """
    import weasyprint.css

    made = weasyprint.css.CSS
    if getattr(made, "campaign_kept", False):
        return

    def css(**given: Any) -> Any:
        text = given.get("string")
        page_rules = given.get("page_rules")
        if not isinstance(text, str) or page_rules is None or not _keeps(text):
            return made(**given)
        key = (text, str(given.get("base_url")), str(given.get("media_type")))
        with _KEPT_LOCK:
            found = _KEPT.get(key)
        if found is None:
            own: list[Any] = []
            sheet = made(**{**given, "page_rules": own})  # read outside the lock
            with _KEPT_LOCK:
                # Another thread may have read it meanwhile, or dropped the oldest.
                if (found := _KEPT.get(key)) is None:
                    while len(_KEPT) >= _KEPT_SHEETS:
                        del _KEPT[next(iter(_KEPT))]  # the oldest: a build uses a few at a time
                    _KEPT[key] = found = (sheet, own)
        page_rules.extend(found[1])
        return found[0]

    css.campaign_kept = True  # type: ignore[attr-defined]
    weasyprint.css.CSS = css
