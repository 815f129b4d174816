"""The overlay of a batch keeps the elements around the addressee parts and hides the rest."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.compose.overlays import HIDE, PART, Place, Sheet, compact_batch, marked, outlined

# A tree of the body: ("part",), ("void",) or (tag, children); an element's id is its place.
leaves = st.sampled_from([("part",), ("void",), ("text",)])
trees = st.recursive(
    leaves,
    lambda inner: st.tuples(st.sampled_from(["div", "p", "section"]), st.lists(inner, max_size=4)),
    max_leaves=12,
)


def html_of(node: tuple, counter: list[int]) -> str:
    """The HTML of ``node``, each element with an id in the order of its start tag."""
    counter[0] += 1
    n = counter[0]
    if node[0] == "part":
        return f'<!--vary--><p id="e{n}" class="vary">Dear <b>you</b>,</p><!--/vary-->'
    if node[0] == "void":
        return f'<br id="e{n}">'
    if node[0] == "text":
        return "some words "
    inner = "".join(html_of(child, counter) for child in node[1])
    return f'<{node[0]} id="e{n}" class="c">\n{inner}</{node[0]}>'


def expected(
    node: tuple, counter: list[int], parts: list[str], held: dict[str, set[int]], above: list[str]
) -> set[int]:
    """Each element's parts (by number) in ``held`` and the ids above it in ``around``."""
    counter[0] += 1
    n = counter[0]
    if node[0] == "text":
        return set()
    around[f"e{n}"] = above
    if node[0] == "part":
        parts.append(f"e{n}")
        held[f"e{n}"] = {len(parts) - 1}
        return held[f"e{n}"]
    holds: set[int] = set()
    for child in node[1] if node[0] != "void" else ():
        holds |= expected(child, counter, parts, held, [*above, f"e{n}"])
    held[f"e{n}"] = holds
    return holds


around: dict[str, list[str]] = {}


class Marks(HTMLParser):
    """How each element with an id came out: 'part', 'hidden' or 'kept'; the parts' numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, str] = {}
        self.numbers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if "id" not in given:
            return
        if PART in given:
            self.numbers.append(given[PART] or "")
            self.found[given["id"] or ""] = "hidden" if HIDE in given else "part"
        else:
            self.found[given["id"] or ""] = "hidden" if HIDE in given else "kept"


class Nesting(HTMLParser):
    """Each element's id with the ids of the elements it stands in."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.within: dict[str, list[str]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        name = dict(attrs).get("id") or ""
        if name:  # the elements inside a part have none
            self.within[name] = list(self.open)
        if tag != "br":
            self.open.append(name)

    def handle_endtag(self, tag: str) -> None:
        self.open.pop()


@settings(max_examples=60, deadline=None)
@given(st.lists(trees, min_size=1, max_size=4), st.sets(st.integers(0, 5)), st.booleans())
def test_an_element_is_kept_exactly_when_it_holds_a_part_shown(
    body: list[tuple], shown: set[int], drop: bool
) -> None:
    counter = [0]
    html = "\n".join(html_of(node, counter) for node in body)
    counter, parts, held = [0], [], {}
    around.clear()
    for node in body:
        expected(node, counter, parts, held, [])
    outline = outlined(html)
    if not parts:
        assert outline is None  # nothing to place: the whole page 1 is laid out
        return
    assert outline is not None
    marks = Marks()
    made = marked(html, outline, shown, drop)
    marks.feed(made)
    # An element is there when all above it are kept (a hidden one is left empty, or
    # left out with ``drop``); kept when it holds a part shown, or is one.
    want = {
        e: ("part" if e in parts else "kept") if holds & shown else "hidden"
        for e, holds in held.items()
        if all(held[a] & shown for a in around[e]) and (holds & shown or not drop)
    }
    assert marks.found == want
    nesting, whole = Nesting(), Nesting()
    nesting.feed(made)
    whole.feed(html)
    assert nesting.open == []  # every element left out was left out whole
    assert nesting.within == {e: whole.within[e] for e in want}
    assert marks.numbers == [str(n) for n in range(len(parts)) if parts[n] in want]


def test_a_body_whose_elements_are_not_closed_in_order_has_no_outline() -> None:
    assert (
        outlined('<div><p>Hello<!--vary--><p class="vary">Dear you,</p><!--/vary--></div>') is None
    )
    assert outlined('<div><!--vary--><p class="vary">Dear you,</p><!--/vary--></div></div>') is None
    assert outlined('<div><!--vary--><p class="vary">Dear you,</p></div>') is None
    assert outlined('<div><!--vary--><p class="vary">Dear you,</p><!--/vary--></div>') is not None


def test_the_marks_go_into_the_start_tags_and_nothing_else_changes() -> None:
    body = (
        '<div class="sheet">\n<div class="head">Sender</div>\n<img src="x.png">\n'
        '<!--vary--><p class="salutation vary">Dear <em>Ms. Ota</em>,</p><!--/vary-->\n</div>'
    )
    outline = outlined(body)
    assert outline is not None
    assert marked(body, outline, {0}) == (
        '<div class="sheet">\n<div data-vary-hide class="head"></div>\n'
        '<img data-vary-hide src="x.png">\n<!--vary--><p data-vary-part="0" '
        'class="salutation vary">Dear <em>Ms. Ota</em>,</p><!--/vary-->\n</div>'
    )
    # The sheet shows no part: it is hidden, and left empty.
    assert marked(body, outline, set()) == '<div data-vary-hide class="sheet"></div>'


@pytest.mark.parametrize(
    ("css", "compact"),
    [
        (
            '@page { @bottom-center { content: "Page " counter(page) " of " counter(pages); } }',
            True,
        ),
        ("h2 { counter-increment: section; }", False),
        ('.salutation::before { content: counters(item, "."); }', False),
        ("body { counter-reset: note; }", False),
    ],
)
def test_a_counter_other_than_the_pages_keeps_the_whole_page_1(css: str, compact: bool) -> None:
    page = (
        f'<html><head><style>{css}</style></head><body><div class="sheet"><h2>Re</h2>'
        '<!--vary--><p class="salutation vary">Dear you,</p><!--/vary--></div></body></html>'
    )
    place = Place(0, 0.0, 10.0, 100.0, 20.0, True, 100.0, 0.0, 10.0)
    sheet = Sheet(0.0, 0.0, 100.0, 200.0, 0.0, 0.0)
    made = compact_batch([page, page], (place,), (sheet,))
    assert (made is not None) == compact
    if made is not None:
        shown = '<div data-vary-sheet><div class="sheet"><!--vary-->'  # no selector sees h2
        assert made.count(f'<div data-vary-sheet="0">{shown}') == 2


@pytest.mark.parametrize(
    ("css", "kept"),
    [
        (".sheet h2 { color: red; } .salutation { margin: 0; }", False),
        ("h2 + .salutation { margin-top: 1em; }", True),
        ("h2 ~ p { margin-top: 1em; }", True),
        (".salutation:first-child { margin-top: 1em; }", True),  # it would become the first
        (".sheet > :nth-child(2) { color: red; }", True),
        (".sheet :last-child { color: red; }", False),  # the salutation is last either way
        ("@media print { h2 + p { color: red; } }", True),
        (":is(h2) + p { color: red; }", True),
    ],
)
def test_hidden_elements_are_left_out_where_no_selector_sees_them(css: str, kept: bool) -> None:
    page = (
        f'<html><head><style>{css}</style></head><body><div class="sheet"><h2>Re</h2>'
        '<!--vary--><p class="salutation vary">Dear you,</p><!--/vary--></div></body></html>'
    )
    place = Place(0, 0.0, 10.0, 100.0, 20.0, True, 100.0, 0.0, 10.0)
    sheet = Sheet(0.0, 0.0, 100.0, 200.0, 0.0, 0.0)
    made = compact_batch([page, page], (place,), (sheet,))
    assert made is not None
    assert made.count(f"<h2 {HIDE}></h2>") == (2 if kept else 0)
    assert made.count('class="salutation vary">Dear you,</p>') == 2


def test_a_linked_style_sheet_keeps_the_hidden_elements() -> None:
    page = (
        '<html><head><link rel="stylesheet" href="letter.css"></head><body><div class="sheet">'
        '<h2>Re</h2><!--vary--><p class="salutation vary">Dear you,</p><!--/vary--></div>'
        "</body></html>"
    )
    place = Place(0, 0.0, 10.0, 100.0, 20.0, True, 100.0, 0.0, 10.0)
    made = compact_batch([page], (place,), (Sheet(0.0, 0.0, 100.0, 200.0, 0.0, 0.0),))
    assert made is not None and made.count(f"<h2 {HIDE}></h2>") == 1


def _salutation_page(css: str, name: str = "you", body: str = "<body>") -> str:
    return (
        f'<html><head><style>{css}</style></head>{body}<div class="sheet"><h2>Re</h2>'
        f'<!--vary--><p class="salutation vary">Dear {name},</p><!--/vary--></div></body></html>'
    )


@pytest.mark.parametrize(
    ("css", "kept"),
    [
        # CSS nesting: the nested rule's selector is not read, so nothing is left out.
        (".sheet { h2 + .salutation { font-style: italic; } }", True),
        ("h2 { + .salutation { font-style: italic; } }", True),
        ("@media print { .sheet { & h2 { color: red; } } }", True),
        (".sheet { color: #111; }", False),  # declarations alone: read as before
    ],
)
def test_a_rule_nested_in_a_rule_keeps_the_hidden_elements(css: str, kept: bool) -> None:
    place = Place(0, 0.0, 10.0, 100.0, 20.0, True, 100.0, 0.0, 10.0)
    sheet = Sheet(0.0, 0.0, 100.0, 200.0, 0.0, 0.0)
    page = _salutation_page(css)
    made = compact_batch([page, page], (place,), (sheet,))
    assert made is not None
    assert made.count(f"<h2 {HIDE}></h2>") == (2 if kept else 0)


def test_the_bodys_own_start_tag_is_read_when_hidden_elements_are_left_out() -> None:
    """A rule picking by the body's class and a hidden sibling: it matches in the overlay
    (which keeps the body's tag), so the sibling is kept."""
    css = ".formal h2 + .salutation { font-style: italic; }"
    page = _salutation_page(css, body='<body class="formal">')
    place = Place(0, 0.0, 10.0, 100.0, 20.0, True, 100.0, 0.0, 10.0)
    made = compact_batch([page, page], (place,), (Sheet(0.0, 0.0, 100.0, 200.0, 0.0, 0.0),))
    assert made is not None and made.count(f"<h2 {HIDE}></h2>") == 2
    plain = compact_batch(
        [_salutation_page(css)] * 2, (place,), (Sheet(0.0, 0.0, 100.0, 200.0, 0.0, 0.0),)
    )
    assert plain is not None and plain.count(f"<h2 {HIDE}></h2>") == 0


def test_every_page_whose_elements_differ_is_asked_before_hidden_elements_are_left_out() -> None:
    """The first page's name has no mark-up, a later one's has: a rule picking the mark by
    a hidden sibling matches that page only, and keeps the sibling on every page."""
    css = "h2 + .salutation bdi { font-family: serif; }"
    first = _salutation_page(css, "Ann Lee")
    later = _salutation_page(css, 'Sakura <bdi lang="ja">田中</bdi>')
    place = Place(0, 0.0, 10.0, 100.0, 20.0, True, 100.0, 0.0, 10.0)
    sheet = Sheet(0.0, 0.0, 100.0, 200.0, 0.0, 0.0)
    made = compact_batch([first, first, later], (place,), (sheet,))
    assert made is not None and made.count(f"<h2 {HIDE}></h2>") == 3
    alike = compact_batch([first, _salutation_page(css, "Cy Ng")], (place,), (sheet,))
    assert alike is not None and alike.count(f"<h2 {HIDE}></h2>") == 0


texts = st.text(alphabet=st.sampled_from(list("ab <>&\"' \n")), max_size=6)
tags = st.sampled_from(
    ["<p>", "</p>", "<br>", '<p title="x>y">', "<p title='a<b'>", "<!-- a > b -->", "<bdi lang=ja>"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.tuples(texts, texts), tags), max_size=10))
def test_bodies_read_alike_have_the_same_elements_and_texts_there_or_not(
    slots: list[tuple[str, str] | str],
) -> None:
    """Two bodies of the same tags with other texts between them: when ``_elements`` reads
    them alike, an HTML parser reads the same start tags with the same attributes, and a
    text in the same places (empty, white space or other)."""
    import tinyhtml5

    from campaign.compose.overlays import _elements

    def read(body: str) -> list[tuple[str, tuple[tuple[str, str], ...], str]]:
        root = tinyhtml5.parse(f"<!DOCTYPE html><html><body>{body}</body></html>")
        found = []
        for element in root.iter():
            text, tail = element.text or "", element.tail or ""
            kinds = "".join("" if not t else " " if t.isspace() else "T" for t in (text, tail))
            found.append((str(element.tag), tuple(sorted(element.attrib.items())), kinds))
        return found

    one = "".join(s if isinstance(s, str) else s[0] for s in slots)
    other = "".join(s if isinstance(s, str) else s[1] for s in slots)
    if _elements(one) == _elements(other):
        assert read(one) == read(other)
    else:  # only a text holding a '<' is read as written, or texts of another kind
        kinds = [(s[0], s[1]) for s in slots if not isinstance(s, str)]
        assert any(
            "<" in a + b or (bool(a), a.isspace()) != (bool(b), b.isspace()) for a, b in kinds
        )


def test_each_style_sheet_is_read_on_its_own() -> None:
    """A comment left open at the end of one style sheet ends with it: the next one's
    rule picking the salutation by a hidden sibling keeps the sibling."""
    page = _salutation_page("/* left open").replace(
        "</style>", "</style><style>h2 + .salutation { font-style: italic; }</style>", 1
    )
    place = Place(0, 0.0, 10.0, 100.0, 20.0, True, 100.0, 0.0, 10.0)
    made = compact_batch([page, page], (place,), (Sheet(0.0, 0.0, 100.0, 200.0, 0.0, 0.0),))
    assert made is not None and made.count(f"<h2 {HIDE}></h2>") == 2
