"""What in a page's HTML makes one page's look depend on others, read as CSS reads it.

A document laid out in parts, each a document of its own, is what it would be whole
only if no page depends on pages in another part. A long list (pdf/listing.py) and
hundreds of envelopes or label sheets (build/plan.py) are cut so; each asks here
first, and is laid out whole when its HTML holds any of these.
"""

from __future__ import annotations

import functools
import itertools
import re
from html import unescape
from typing import Any

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
# Elements numbered by the list-item counter (an item's marker), which counts on from
# one part to the next.
LISTED = re.compile(r"list-item|<(?:ol|li)\b", re.IGNORECASE)
# Selectors that pick an element by what follows it or what it holds, and style sheets
# that cannot be read here: a letter's page 1 laid out without the rest of the letter
# (its overlay layer) would not match them as the whole letter does.
AHEAD = re.compile(
    r":(?:has\(|empty\b|(?:last|only)-(?:child|of-type)\b|nth-last-(?:child|of-type)\b)"
    r"|@import|<link\b[^>]*stylesheet",
    re.IGNORECASE,
)
# A length measured by the page's size (vh, vw, vmin, vmax, and their small, large and
# dynamic kinds): a sheet laid out alone, or stacked on a tall page, has another page.
PAGE_SIZED = re.compile(
    r"(?<![\w-])(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?[sld]?v(?:h|w|i|b|min|max)\b", re.IGNORECASE
)
STYLE = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.S | re.I)
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


def sees_ahead(html: str) -> bool:
    """Whether a style sheet of ``html`` picks elements by what follows them or what they hold."""
    return bool(AHEAD.search(as_read(html)))


def sees_around(html: str) -> bool:
    """Whether ``html`` styles page 1 by more than page 1 alone holds, as the overlay has it.

    A style sheet in the body (the overlay keeps the head's), or a selector of a child
    of the body or the root (the overlay wraps each page 1 in sheets of its own).
    """
    body = html.find("<body")
    if re.search(r"<style\b|<link\b", html[body:] if body >= 0 else "", re.IGNORECASE):
        return True
    return any(_reaches_sheets(as_read(sheet)) for sheet in STYLE.findall(html))


# The sheets a page 1 laid out alone stands in are <div>s with attributes of their own.
_ROOTS = ("html", "body")


@functools.lru_cache(maxsize=64)
def _reaches_sheets(sheet: str) -> bool:
    """Whether a selector of ``sheet`` may match otherwise where page 1 stands in sheets.

    Any compound that a sheet's ``<div>`` could match (no class, no id, a type of
    ``div`` or none) may pick it, or pick what is in it by it; and one of the root or
    the body, left of a combinator, picks by a structure the sheets change. Read by
    tinycss2, comments and nesting included: conservative, never a wrong letter.
    """
    import tinycss2

    def compounds(tokens: list[Any]) -> list[list[tuple[list[Any], str]]]:
        """Each selector of a list, as its compounds, each with the combinator after it."""
        selectors: list[list[tuple[list[Any], str]]] = [[([], "")]]
        for token in tokens:
            last, joined = selectors[-1][-1]
            if token.type == "literal" and token.value == ",":
                selectors.append([([], "")])
            elif token.type == "literal" and token.value in (">", "+", "~"):
                selectors[-1][-1] = (last, token.value)
            elif token.type == "whitespace":
                if last:
                    selectors[-1][-1] = (last, joined or " ")
            else:
                if joined:
                    selectors[-1].append(([], ""))
                selectors[-1][-1][0].append(token)
        return [[c for c in selector if c[0]] for selector in selectors]

    def follows(compound: list[Any], mark: str, name: str = "") -> bool:
        """Whether ``compound`` holds ``mark`` (a literal) followed by ``name`` (or anything)."""
        return any(
            a.type == "literal" and a.value == mark and (not name or b.lower_value == name)
            for a, b in itertools.pairwise(compound)
            if b.type == "ident"
        )

    def typed(compound: list[Any]) -> str:
        return compound[0].lower_value if compound[0].type == "ident" else ""

    def attribute(token: Any) -> str:
        names = [t.lower_value for t in token.content if t.type == "ident"]
        return names[0] if names else ""

    def may_be_sheet(compound: list[Any]) -> bool:
        # No id, no class, no attribute a sheet has not, and a type of div or none: a
        # sheet's <div> may be it.
        if any(token.type == "hash" for token in compound) or follows(compound, "."):
            return False
        blocks = [t for t in compound if t.type == "[] block"]
        if any(not attribute(t).startswith("data-vary-") for t in blocks):
            return False
        return typed(compound) in ("", "div")

    def names_root(compound: list[Any]) -> bool:
        return typed(compound) in _ROOTS or follows(compound, ":", "root")

    def nested(outer: list[Any], inner: list[Any]) -> list[Any]:
        """A nested rule's selector as written out: '&' is the outer one, else it is above."""
        if not outer:
            return inner
        made: list[Any] = []
        for above in selectors_of(outer):
            for each in selectors_of(inner):
                if made:
                    made.append(tinycss2.ast.LiteralToken(0, 0, ","))
                if any(t.type == "literal" and t.value == "&" for t in each):
                    made += [x for t in each for x in (above if t == "&" else [t])]
                else:
                    made += [*above, tinycss2.ast.WhitespaceToken(0, 0, " "), *each]
        return made

    def reaches(rules: list[Any], outer: list[Any]) -> bool:
        for rule in rules:
            if rule.type == "at-rule" and rule.content is not None:
                if rule.lower_at_keyword in ("page", "font-face", "counter-style"):
                    continue
                inner = tinycss2.parse_blocks_contents(rule.content, True, True)
                if reaches(inner, outer):
                    return True
            if rule.type != "qualified-rule":
                continue
            selector = nested(outer, list(rule.prelude))
            for parts in compounds(selector):
                if not parts:
                    continue
                *left, (subject, _) = parts
                # A sheet picks what is below it; the root or the body, what stands
                # right under it (``body > .x``), which the sheets change (``html .x``
                # picks the same).
                if any(may_be_sheet(c) or (names_root(c) and j != " ") for c, j in left):
                    return True
                above = all(may_be_sheet(c) or names_root(c) for c, _ in left)
                if above and may_be_sheet(subject) and not names_root(subject):
                    return True  # the sheet itself: its style reaches what it holds
            inner = tinycss2.parse_blocks_contents(rule.content, True, True)
            if reaches([r for r in inner if r.type != "declaration"], selector):
                return True
        return False

    return reaches(tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True), [])


def selectors_of(tokens: list[Any]) -> list[list[Any]]:
    """A selector list's selectors (tinycss2 tokens), split at its commas."""
    found: list[list[Any]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            found.append([])
        else:
            found[-1].append(token)
    return found


def page_sized(html: str) -> bool:
    """Whether ``html`` measures a length by the page's size (``4vh``, ``20vw``)."""
    return bool(PAGE_SIZED.search(as_read(html)))


# A declaration that shows or hides a box: 'visibility', or 'all', which resets it.
SHOWS = re.compile(r"(?<![\w-])(?:visibility|all)\s*:", re.IGNORECASE)
# A tag's style attribute, quoted or not.
_STYLE_ATTRIBUTE = re.compile(r"""\sstyle\s*=\s*("[^"]*"|'[^']*'|[^\s>]+)""", re.IGNORECASE)


def sets_visibility(shared: str, overlay: str) -> bool:
    """Whether the letter's own styles show or hide boxes, which its layers do over them.

    The shared layer hides the parts by ``visibility`` and the overlay all but the parts
    (layers.css.j2), over whatever the letter sets: a window the letter hides would show
    its address in every overlay. The letter's own rules are those both layers' style
    sheets hold (the layers' own differ); its style attributes are in either's tags.
    """
    own = _rules(shared) & _rules(overlay)
    if any(SHOWS.search(rule) for rule in own):
        return True
    tags = (
        t for html in (shared, overlay) for t in re.findall(r"<[^>]*>", html[html.find("<body") :])
    )
    return any(SHOWS.search(as_read(v)) for tag in tags for v in _STYLE_ATTRIBUTE.findall(tag))


def _rules(html: str) -> set[str]:
    """Each rule of ``html``'s style sheets, written out with the at-rules around it."""
    return {rule for sheet in STYLE.findall(html) for rule in _sheet_rules(as_read(sheet))}


@functools.lru_cache(maxsize=64)
def _sheet_rules(sheet: str) -> frozenset[str]:
    """``_rules`` of one style sheet's text (read once: every letter carries the same few)."""
    import tinycss2

    found: set[str] = set()

    def add(rules: list[Any], around: str) -> None:
        for rule in rules:
            if rule.type == "at-rule" and rule.content is not None:
                within = f"{around}@{rule.lower_at_keyword} {tinycss2.serialize(rule.prelude)}{{"
                add(tinycss2.parse_blocks_contents(rule.content, True, True), within)
            elif rule.type in ("qualified-rule", "declaration"):
                found.add(around + tinycss2.serialize([rule]))
            elif rule.type == "error":
                found.add(around + rule.message)

    add(tinycss2.parse_stylesheet(sheet, True, True), "")
    return frozenset(found)


# What in a page can style it: a style sheet, or a tag (its style attribute, a link to a
# style sheet, an item of a list). The rest is text, which no style is read from.
_STYLING = re.compile(r"<style\b[^>]*>.*?</style\s*>|<[^>]*>", re.S | re.IGNORECASE)


def across_pages(*pages: str) -> bool:
    """Whether a page of ``pages`` may look otherwise than it would in a part of its own.

    Envelopes and label sheets: besides what runs from page to page, an element picked
    by its place among its siblings (every other envelope) or numbered as an item would
    be counted within its part alone, and the envelope under every page is the first;
    a length by the page's size would be measured on a tall page of stacked envelopes.
    Each distinct style sheet and tag of the parts is read once: hundreds of parts
    carry the same few.
    """
    seen = {found.group() for html in pages for found in _STYLING.finditer(html)}
    read = as_read("\n".join(sorted(seen)))
    return bool(
        STATEFUL.search(read)
        or SIDED.search(read)
        or NUMBERED.search(read)
        or LISTED.search(read)
        or PAGE_SIZED.search(read)
        or any(by_place(html) for html in pages)
    )


# Selectors that pick an element by its place among its siblings.
_PLACED = re.compile(
    r":(?:nth-(?:last-)?(?:child|of-type)|(?:first|last|only)-(?:child|of-type)|has)\b",
    re.IGNORECASE,
)
# What a rule picking elements by their place may set and still be cut into parts:
# where pages may break, for the first few items of a group (see by_place).
_BREAK_PROPERTIES = frozenset(
    ("break-before", "break-after", "break-inside", "page-break-before", "page-break-after",
     "page-break-inside", "orphans", "widows")
)  # fmt: skip
# In a list cut into parts, only where a page may break before the element picked: a
# part's reopened group is its parent's first child, and a break after it, or inside it
# (orphans and widows are inherited), would fall on any page of the part, where no seam
# is compared; a break before it falls at the part's start, where one is.
_BEFORE_PROPERTIES = frozenset(("break-before", "page-break-before"))
_FIRST_FEW = re.compile(
    r":(?:first-child|first-of-type|nth-(?:child|of-type)\(\s*-1?n\s*\+\s*[1-3]\s*\))",
    re.IGNORECASE,
)


def by_place(html: str, first_few: bool = False) -> bool:
    """Whether a style sheet of ``html`` picks elements by their place among their siblings.

    A part reopens the elements its first item stands in: the items of a continued
    group are counted from the part's first, and those elements have no siblings
    before or after them. A style that picks the 200th item, the last ones, every other
    one, or a group after another would pick other items in the parts than in the
    whole list, on pages inside a part that no seam compares. One rule of the kind is
    kept: it sets only where pages may break before the element (``li:nth-child(-n+3)
    { break-before: avoid }``, the shipped templates' own) and picks a group's first
    three items, or an element right after another (``+``), which in a part can differ
    only on its first page, where the seam check compares every line with the whole's. Without
    ``first_few`` (envelopes and label sheets, each part starting on a page of its own),
    any rule of the kind that sets only where pages may break is kept
    (``.envelope + .envelope { break-before: page }``).
    """
    return any(_sheet_by_place(sheet, first_few) for sheet in STYLE.findall(html))


@functools.lru_cache(maxsize=64)
def _sheet_by_place(sheet: str, first_few: bool) -> bool:
    """by_place of one style sheet's text: each part of hundreds carries the same one."""
    import tinycss2

    def placed(rules: list[Any], outer: list[Any]) -> bool:
        # ``outer``: the selectors of the rules these are nested in (CSS nesting), and
        # the preludes of the at-rules (an @scope's root).
        for rule in rules:
            if rule.type == "at-rule" and rule.content is not None:
                if rule.lower_at_keyword in ("page", "font-face", "counter-style"):
                    continue  # not about elements (a page's place is the seams' to see)
                inner = tinycss2.parse_blocks_contents(rule.content, True, True)
                if placed(inner, [*outer, *rule.prelude]):
                    return True
            if rule.type != "qualified-rule":
                continue
            selector = [*outer, *rule.prelude]
            inner = tinycss2.parse_blocks_contents(rule.content, True, True)
            if placed([r for r in inner if r.type != "declaration"], selector):
                return True
            # (serialize writes an empty comment between tokens that would run together)
            prelude = tinycss2.serialize(selector).replace("/**/", "")
            # Combinators anywhere, in :is(), :where(), :not() and :has() too.
            combinators = _literals(selector)
            siblings = "~" in combinators
            if not (_PLACED.search(prelude) or siblings or "+" in combinators):
                continue
            names = {d.lower_name for d in inner if d.type == "declaration"}
            if siblings or not names <= (_BEFORE_PROPERTIES if first_few else _BREAK_PROPERTIES):
                return True
            if first_few and _PLACED.search(_FIRST_FEW.sub("", prelude)):
                return True  # a place other than among the first three
        return False

    rules = tinycss2.parse_stylesheet(sheet, skip_comments=True, skip_whitespace=True)
    return placed(rules, [])


def _literals(tokens: list[Any]) -> list[str]:
    """The combinators and other literals of a selector list, in functions too.

    Not in an attribute selector's brackets, where ``~=`` is no combinator.
    """
    found = []
    for token in tokens:
        if token.type == "literal":
            found.append(token.value)
        elif token.type == "function":
            found += _literals(token.arguments)
        elif token.type == "() block":
            found += _literals(token.content)
    return found
