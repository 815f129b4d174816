"""A batch of sheets read by their shapes makes the very tree tinyhtml5 makes of it whole."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import tinyhtml5
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.compose.overlays import SHEET
from campaign.compose.sheettree import sheet_tree
from campaign.pdf.engine import layout, write

from conftest import tree_shown

HEAD = (
    '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>T</title>'
    "<style>p { margin: 0 } .a { font-weight: bold }</style></head>\n<body>"
)
TAIL = "</body>\n</html>\n"


def whole(html: str) -> ET.Element:
    """The tree tinyhtml5 makes of ``html``, read as WeasyPrint reads a string."""
    tree: ET.Element = tinyhtml5.parse(io.StringIO(html), namespace_html_elements=False)
    return tree


def sheet(inner: str, n: int = 0) -> str:
    return f'<div {SHEET}="{n}"><div {SHEET}>{inner}</div></div>'


def batch(*inners: str) -> str:
    return HEAD + "".join(sheet(inner) for inner in inners) + TAIL


ADDRESS = (
    '<div class="sheet">\n\n<div class="window" data-fit-frame>\n  <!--vary-->'
    '<div data-vary-part="0" class="address vary" data-fit="address">\n'
    "    <span>{name}</span>\n    <span>Room 3&amp;4</span>\n  </div><!--/vary-->\n</div>\n"
    '<div class="letter-start"><!--vary--><p data-vary-part="1" class="salutation vary">'
    "Dear {name},</p><!--/vary-->\n</div>\n</div>"
)


def test_a_batch_of_addressees_reads_as_tinyhtml5_reads_it_whole() -> None:
    names = ["Ana O&#39;Neil", "Bo &lt;Li&gt;", "Chen &quot;C&quot;", "Dee", "Émile Zola"]
    html = batch(*(ADDRESS.format(name=name) for name in names * 4))
    tree = sheet_tree(html)
    assert tree is not None
    assert tree_shown(tree) == tree_shown(whole(html))
    body = tree.find("body")
    assert body is not None and len(body) == 20
    salutation = body[1].find(".//p[@data-vary-part='1']")
    assert salutation is not None and salutation.text == "Dear Bo <Li>,"


@pytest.mark.parametrize(
    "inner",
    [
        "<pre>\nfirst line</pre>",  # the parser drops a line break right after <pre>
        "<table><tr><td>a</td></tr>text</table>",  # text in a table moves before it
        "<textarea>\na</textarea>",
        "<style>p &amp; q</style>",  # no character reference in a style sheet
        "<p>a<div>b</div></p>",  # <div> closes the <p>: an empty <p> after it
        "<b>a<p>b</b>c</p>",  # a formatting element left to reopen
        "<div>a<br/>b</div><span/>x",
        "a &notin; b &not c &#128; d",
        "<svg><title>a</title></svg>",
        "<div title='a>b'>c</div>",
        "<!-- a <b> --> c",
        "<div>x < y</div>",
    ],
)
def test_what_the_parser_reads_otherwise_is_left_to_it(inner: str) -> None:
    html = batch(*(ADDRESS.format(name="A") for _ in range(3)), inner, inner)
    tree = sheet_tree(html)
    assert tree is None or tree_shown(tree) == tree_shown(whole(html))


def test_a_document_the_parser_leaves_elsewhere_than_the_body_is_left_to_it() -> None:
    sheets = "".join(sheet(ADDRESS.format(name="A")) for _ in range(3))
    for html in (
        HEAD.replace("</head>", "<style>/* <body> */</style></head>") + sheets + TAIL,
        HEAD.replace("<style>", "<style><!--") + sheets + TAIL,  # the style never ends
        HEAD + "<b>" + sheets + TAIL,  # sheets inside an element the head left open
        HEAD.replace("<!DOCTYPE html>\n", "") + sheets + TAIL,  # quirks mode
        HEAD + sheets + "</body>\n</html>\n<p>late</p>",
        HEAD + sheets.replace("A", "A\r\nB") + TAIL,
    ):
        tree = sheet_tree(html)
        assert tree is None or tree_shown(tree) == tree_shown(whole(html))
    assert sheet_tree(HEAD + "<b>" + sheets + TAIL) is None


# Pieces of a sheet, the plain and the treacherous: what the parser reads otherwise
# (implied end tags, reopened formatting elements, raw text, dropped line breaks).
pieces = st.sampled_from(
    [
        "<div>", "</div>", "<p>", "</p>", "<span>", "</span>", "<b>", "</b>", "<i>",
        "</i>", "<a href='x'>", "</a>", "<br>", "</br>", "<br/>", "<div/>", "<li>",
        "<ul>", "</ul>", "<pre>", "</pre>", "<table>", "<td>", "</table>", "<h1>", "</h1>",
        "<h2>", "<style>", "</style>", "<textarea>", "</textarea>", "<title>", "<!--",
        "-->", "<!-- c -->", "<svg>", "</svg>", "<img src='a.png'>", "<hr>", "<p class=a>",
        "\n", "  ", "word", " &amp; ", "&lt;", "&#39;", "&not", "&notin;", "&#0;", "<",
        ">", "'", '"', "a=b", "&", "é", "漢字", "<div title=\"a>b\">", "<div a\"b=\"c>",
        "<i a'b='c>", "<span x=\">", '">', "'>", "</span>", "<span title=x>",
    ]
)  # fmt: skip
sheets = st.lists(st.lists(pieces, max_size=12).map("".join), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(sheets, st.integers(min_value=1, max_value=4))
def test_any_batch_reads_as_tinyhtml5_reads_it_or_is_left_to_it(
    inners: list[str], copies: int
) -> None:
    # Each sheet a few times, as addressees share a shape; with the text of another.
    html = batch(*(inner.replace("word", f"word{n}") for inner in inners for n in range(copies)))
    tree = sheet_tree(html)
    assert tree is None or tree_shown(tree) == tree_shown(whole(html))


def test_sheets_read_by_shape_are_laid_out_and_written_as_read_whole(tmp_path: Path) -> None:
    from campaign.pdf import engine

    html = batch(*(ADDRESS.format(name=f"Name {n} &amp; Co") for n in range(6)))
    assert sheet_tree(html) is not None
    fast = write(layout(html, tmp_path, tmp_path), date="2026-01-01T00:00:00Z")
    engine.sheet_tree = lambda html: None  # type: ignore[assignment]
    try:
        slow = write(layout(html, tmp_path, tmp_path), date="2026-01-01T00:00:00Z")
    finally:
        engine.sheet_tree = sheet_tree
    assert fast == slow
