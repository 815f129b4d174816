"""A long list cut into parts, attacked again: what a part does not see of the whole.

Each part is a document of its own: it holds the head, the elements its first item
stands in (reopened), its items, and nothing else of the body. What the whole list
carries from page to page, or holds outside a part, or asks of a page by its place
in the document, starts again in a part, or is missing from it; and the seam compares
only the text of a part's first page. Each case here came out different from the list
laid out whole (text, pixels, outline or links), silently, or failed a build that
laid out whole would have made. Laid out whole (``paged_list`` gives None) is always
right.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from campaign.pdf import listing
from campaign.pdf.render import layout, write

from conftest import grouped_list, pdf_pages, pictures

DATE = "2020-02-13T00:00:00Z"


def two_groups(style: str, size: int = 250, groups: int = 2) -> str:
    """A list page of ``groups`` groups of ``size`` names; ``style`` added."""
    return grouped_list(style, size, groups)


@pytest.fixture(autouse=True)
def short_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of 60 items, from lists of 120."""
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)


def _laid_out(html: str, tmp_path: Path) -> tuple[Path, Path]:
    """The list laid out whole, and as ``paged_list`` makes it (whole when it gives None)."""
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(write(layout(html, tmp_path, tmp_path), "", DATE))
    listed = listing.paged_list(html, tmp_path, tmp_path, "", DATE)
    parts = tmp_path / "parts.pdf"
    parts.write_bytes(listed if listed is not None else whole.read_bytes())
    return whole, parts


SEEN = {
    # A style sheet in the body before the list: a part holds none of the body before
    # its first item, so group 1's heading, inside a part, came out black.
    "a style sheet in the body": two_groups("").replace(
        "<body>", "<body><style>h3 { color: #c00 }</style>"
    ),
    # open-quote on headings is never closed: the quotes' depth runs from heading to
    # heading, and starts again in a part ("<Group 1" where the whole has "[Group 1").
    "quotes opened on each heading": two_groups(
        'h3 { quotes: "<" ">" "[" "]" } h3::before { content: open-quote }'
    ),
    # A counter, its names written with CSS escapes: _STATEFUL read them as written.
    "a counter in CSS escapes": two_groups(
        r"section { counter-re\73 et: g } h3 { counter-incr\65 ment: g }"
        r' h3::before { content: \63 ounter(g) ". " }'
    ),
    # ... or in a style attribute, with an HTML character reference.
    "a counter in a style attribute's reference": two_groups(
        r"h3::before { content: c\6Funter(g) }"
    ).replace("<h3>", '<h3 style="counter&#45;increment: g">'),
    # A counter style of its own marks the 200th item of a group: the list-item counter
    # is the markers' own, and starts again in a part, where another item was marked.
    "a counter style marking the 200th": two_groups(
        '@counter-style star { system: fixed 200; symbols: "*"; fallback: disc }'
        " ul { list-style: star }"
    ),
    # Siblings picked inside :where() / :is(): _by_place read only the top level.
    "a group after a group, in :where()": two_groups(
        ":where(h3 + ul + h3 + ul) li { color: #00c }"
    ),
    "groups after two headings, in :not(:is())": two_groups(
        "ul:not(:is(h3 ~ h3 ~ ul)) li { color: #00c }"
    ),
    # CSS nesting: the nested rule's selector was not read.
    "a nested rule": two_groups("ul { & li:nth-child(200) { color: #c00 } }"),
    # Pages picked by their place in the document: a part's pages are counted from its
    # own first, the seam compares no page's own look.
    "left pages shaded": two_groups("@page :left { background: #ddd }"),
    "the first page shaded": two_groups("@page :first { background: #ddd }"),
    "the third page shaded": two_groups("@page :nth(3) { background: #ddd }"),
    # A heading on a right page: a part's first page is a right page, so a part that
    # starts on a left page put blank pages elsewhere (20 pages for 18).
    "groups starting on a right page": two_groups("h3 { break-before: right }", 250, 3),
    # A named page's margin boxes: the furniture's pages are not named.
    "headings on a named page": two_groups(
        'h3 { page: grp } @page grp { @top-center { content: "GROUP PAGE" } }'
    ),
    # ... or through a custom property: the gate read only the words themselves.
    "groups starting on a right page, through var()": two_groups(
        "html { --side: right } h3 { break-before: var(--side) }", 250, 3
    ),
    # Footnotes are numbered by a counter of WeasyPrint's own style sheet: it started
    # again in a part ("1. second note" for "2. second note").
    "footnotes": two_groups(".fn { float: footnote }")
    .replace("<li>Name 0-3</li>", '<li>Name 0-3<span class="fn">first note</span></li>')
    .replace("<li>Name 1-200</li>", '<li>Name 1-200<span class="fn">second note</span></li>'),
    # A fixed box stands on every page from its own: a part holds none of the body
    # before its first item, and the seam compares lines of text, not a bare box.
    "a fixed band before the list": two_groups("").replace(
        "<body>",
        '<body><div style="position: fixed; top: 0; left: 0; width: 50mm; height: 5mm;'
        ' background: #c00"></div>',
    ),
}


@pytest.mark.parametrize("case", sorted(SEEN))
def test_a_list_in_parts_reads_and_looks_as_laid_out_whole(case: str, tmp_path: Path) -> None:
    whole, parts = _laid_out(SEEN[case], tmp_path)
    assert len(pdf_pages(whole)) > 10
    assert pdf_pages(parts) == pdf_pages(whole)
    assert pictures(parts, dpi=30) == pictures(whole, dpi=30)


def _links(pdf: Path) -> list[tuple[int, str]]:
    """Each link of ``pdf``: its page and where it goes."""
    found = []
    with pikepdf.open(pdf) as document:
        for number, page in enumerate(document.pages):
            for note in page.get("/Annots", []):
                if note.get("/Subtype") == "/Link":
                    action = note.get("/A")
                    goes = str(action.URI) if action is not None else "a page"
                    found.append((number, goes))
    return found


def _outline(pdf: Path) -> list[tuple[int, str]]:
    """The outline of ``pdf``: each entry's depth and title."""
    found: list[tuple[int, str]] = []
    with pikepdf.open(pdf) as document, document.open_outline() as outline:

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                found.append((depth, str(item.title)))
                walk(item.children, depth + 1)

        walk(outline.root, 0)
    return found


def test_a_link_in_a_list_in_parts_is_kept(tmp_path: Path) -> None:
    # The parts' pages are stamped on the furniture's: their links were left behind.
    html = two_groups("").replace(
        "<li>Name 1-200</li>", '<li>Name 1-200 <a href="https://example.org/">site</a></li>'
    )
    whole, parts = _laid_out(html, tmp_path)
    assert _links(whole) == [(10, "https://example.org/")]
    assert _links(parts) == _links(whole)


def test_a_link_to_an_element_around_the_items_is_kept(tmp_path: Path) -> None:
    html = (
        two_groups("")
        .replace('<section class="signatures">', '<section class="signatures" id="list">')
        .replace("<li>Name 1-200</li>", '<li>Name 1-200 <a href="#list">top</a></li>')
    )
    whole, parts = _laid_out(html, tmp_path)
    assert _links(whole) == [(10, "a page")]
    assert _links(parts) == _links(whole)


@pytest.mark.parametrize(
    "style",
    [
        'a::after { content: " (" target-text(attr(href)) ")" }',  # the text of another part's
        "",  # a link to an item of another part
    ],
)
def test_a_reference_to_an_item_of_another_part_is_the_whole_layouts(
    style: str, tmp_path: Path
) -> None:
    # The part holding the reference has no such anchor: the build failed, where laid
    # out whole the list is made.
    html = (
        two_groups(style)
        .replace("<li>Name 0-5</li>", '<li id="n5">Name 0-5</li>')
        .replace("<li>Name 1-200</li>", '<li>Name 1-200 <a href="#n5">see</a></li>')
    )
    whole, parts = _laid_out(html, tmp_path)
    assert pdf_pages(parts) == pdf_pages(whole)
    assert {page for page, _ in _links(whole)} == {10}
    assert _links(parts) == _links(whole)


def test_a_bookmark_on_an_element_around_the_items_is_in_the_outline_once(
    tmp_path: Path,
) -> None:
    # Each part reopens the section, and each reopened section made its bookmark again.
    html = two_groups('section { bookmark-level: 1; bookmark-label: "Signatures" }')
    whole, parts = _laid_out(html, tmp_path)
    assert _outline(whole) == [(0, "Signatures"), (1, "Group 0"), (1, "Group 1")]
    assert _outline(parts) == _outline(whole)


def _destinations(pdf: Path) -> list[str]:
    """The names of ``pdf``'s named destinations (where a link from elsewhere may point)."""
    with pikepdf.open(pdf) as document:
        names = document.Root.get("/Names")
        if names is None or "/Dests" not in names:
            return []
        listed = names.Dests.get("/Names", [])
        return [str(listed[n]) for n in range(0, len(listed), 2)]


@pytest.mark.parametrize(
    ("tag", "style"),
    [
        ('<li id="n1-200">', ""),
        ('<li><a name="n1-200"></a>', ""),
        ('<li class="n">', '.n { -weasy-anchor: "n1-200" }'),
    ],
)
def test_an_anchor_in_a_list_in_parts_is_kept(tag: str, style: str, tmp_path: Path) -> None:
    # An element's id is a named destination of the PDF ("signatories.pdf#n1-200"): the
    # parts' pages are stamped on the furniture's, their destinations were left behind.
    html = two_groups(style).replace("<li>Name 1-200", f"{tag}Name 1-200")
    whole, parts = _laid_out(html, tmp_path)
    assert _destinations(whole) == ["n1-200"]
    assert _destinations(parts) == _destinations(whole)


@pytest.mark.parametrize(
    "style",
    [
        # A box of no text, placed aside, before the section's content: on its first page
        # only, laid out whole; again at each part's start, where the seam compares text.
        "section { position: relative } section::before { content: ''; position: absolute;"
        " top: 0; right: 0; width: 10mm; height: 10mm; background: #c00 }",
        "ul::before { content: ''; float: right; width: 10mm; height: 10mm; background: #c00 }",
        "body::before { content: ''; float: right; width: 10mm; height: 10mm; background: #c00 }",
    ],
)
def test_what_an_element_shows_before_its_items_is_shown_once(style: str, tmp_path: Path) -> None:
    whole, parts = _laid_out(two_groups(style), tmp_path)
    assert pdf_pages(parts) == pdf_pages(whole)
    assert pictures(parts, dpi=30) == pictures(whole, dpi=30)


@pytest.mark.parametrize("end", ["</HEAD>", ""])
def test_a_part_is_styled_as_a_part_whatever_the_heads_end_tag(end: str, tmp_path: Path) -> None:
    # A part's own style sheet (no margin boxes, continued elements) went in before a
    # "</head>" written so: with "</HEAD>", or none (HTML needs none), it was not there,
    # and the section's ::before stood again at each part's start.
    html = two_groups(
        "section { position: relative } section::before { content: ''; position: absolute;"
        " top: 0; right: 0; width: 10mm; height: 10mm; background: #c00 }"
    ).replace("</head>", end)
    whole, parts = _laid_out(html, tmp_path)
    assert pdf_pages(parts) == pdf_pages(whole)
    assert pictures(parts, dpi=30) == pictures(whole, dpi=30)


@pytest.mark.parametrize("written", [r"runn\69ng(tag)", "running&#40;tag)"])
def test_a_running_element_among_the_items_written_otherwise_is_the_whole_layouts(
    written: str, tmp_path: Path
) -> None:
    # _may_run read a style attribute among the items as written: the margin boxes are
    # the furniture's, laid out from the list's start, and showed no "TAG".
    html = two_groups("@page { @top-center { content: element(tag) } }").replace(
        "<li>Name 1-200</li>", f'<li>Name 1-200<span style="position: {written}">TAG</span></li>'
    )
    whole, parts = _laid_out(html, tmp_path)
    assert "TAG" in pdf_pages(whole)[10]
    assert pdf_pages(parts) == pdf_pages(whole)


def test_the_marker_of_an_element_around_the_items_is_shown_once(tmp_path: Path) -> None:
    # The section, a list item, has a picture for its marker, outside its box: on the
    # section's first page laid out whole, and again at each part's start, where the
    # seam compared lines of text only. A part's style sheet cannot take it off
    # (::marker { content: none } leaves the picture, display: none fails the layout,
    # list-style on the section is its items' too): the seam compares pictures too.
    picture = (
        "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='10'"
        "%3E%3Crect width='10' height='10' fill='red'/%3E%3C/svg%3E"
    )
    style = (
        f'section {{ display: list-item; margin-left: 20mm; list-style: outside url("{picture}") }}'
    )
    whole, parts = _laid_out(two_groups(style), tmp_path)
    assert pdf_pages(parts) == pdf_pages(whole)
    assert pictures(parts, dpi=30) == pictures(whole, dpi=30)


@pytest.mark.parametrize(
    "html",
    [
        two_groups("[data-campaign-continued] li { color: #c00; }"),
        two_groups("[DATA-CAMPAIGN-CONTINUED] { margin-top: 5mm; }"),
        two_groups("").replace("<section", "<section data-campaign-continued"),
    ],
)
def test_a_page_that_names_the_parts_own_mark_is_laid_out_whole(html: str) -> None:
    # The mark a part puts on the elements it reopens: a style aimed at it picks them in
    # the parts only, and an element that carries it already is styled as reopened.
    assert not listing.is_long(html)
    assert listing.paged_list(html, Path("."), Path("."), "", DATE) is None
