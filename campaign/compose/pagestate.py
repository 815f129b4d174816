"""What in a page's HTML makes one page's look depend on others, read as CSS reads it.

A document laid out in parts, each a document of its own, is what it would be whole
only if no page depends on pages in another part. A long list (pdf/listing.py) and
hundreds of envelopes or label sheets (build/plan.py) are cut so; each asks here
first, and is laid out whole when its HTML holds any of these.
"""

from __future__ import annotations

import re
from html import unescape

# Styles whose state runs from page to page (a named string, a counter other than the
# page's, the depth of quotes opened, the item's number an own counter style marks
# with a symbol of its choice) would start again in each part, a reference to an
# element's text may point into another part, and style sheets not in the page cannot
# be read for them.
STATEFUL = re.compile(
    r"string-set|counter-(?:reset|increment|set)|counters?\((?!\s*pages?\s*\))"
    r"|(?:no-)?(?:open|close)-quote|target-(?:text|counters?)\(|@counter-style|symbols\("
    r"|@import|<link\b[^>]*stylesheet",
    re.IGNORECASE,
)
# Pages picked otherwise than as the first (a named page, left and right ones, blank
# ones, the nth), and breaks to a left or right page: a part's pages are counted from
# its own first, which is a right one. A footnote is numbered by WeasyPrint's own
# counter, which starts again in each part; a fixed box stands on every page from its
# own on. A value given through a custom property (var()) may be any of these.
SIDED = re.compile(
    r"@page\b(?!(?:\s|,|:first\b)*[{;])"
    r"|(?:page-)?break-(?:before|after)\s*:[^;}]*\b(?:left|right|recto|verso|var\()"
    r"|\bfloat\s*:[^;}]*\b(?:footnote|var\()|\bposition\s*:[^;}]*\b(?:fixed|var\()",
    re.IGNORECASE,
)
# What a part would count or show of its own pages alone: the page's number and the
# number of pages, the first page's own look, anything in a page's margins (an element
# running there; a mark drawn again over the envelope under every page). A long list
# lays these out apart, on its furniture; envelopes and labels have none. (An element
# set running, as letter.css sets the letter's running title, shows only where a
# margin names it.)
NUMBERED = re.compile(
    r"counters?\(\s*pages?\s*[,)]|@page\b[^{;]*:first\b|element\("
    r"|@(?:top|bottom|left|right)-(?:left|center|right|top|middle|bottom)",
    re.IGNORECASE,
)
# A character escaped in CSS: a hexadecimal code (and one white space after it), or itself.
_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n\r\f]?|(.))", re.S)


def as_read(html: str) -> str:
    """``html`` with its character references and its CSS escapes written as what they stand for.

    A style attribute's ``counter&#45;increment`` and a style sheet's ``counter-incr\\65 ment``
    are the property they spell.
    """

    def character(found: re.Match[str]) -> str:
        code = found.group(1)
        if code is None:
            return found.group(2)
        number = int(code, 16)
        surrogate = 0xD800 <= number <= 0xDFFF
        return chr(number) if 0 < number <= 0x10FFFF and not surrogate else "\ufffd"

    return _ESCAPE.sub(character, unescape(html))


def across_pages(html: str) -> bool:
    """Whether a page of ``html`` may look otherwise than it would in a part of its own."""
    read = as_read(html)
    return bool(STATEFUL.search(read) or SIDED.search(read) or NUMBERED.search(read))
