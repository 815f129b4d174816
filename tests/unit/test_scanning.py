"""tinyhtml5's scanning patterns kept by the characters asked for make the same trees."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import tinyhtml5
import tinyhtml5.inputstream
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.compose import scanning

SHIPPED = Path(__file__).resolve().parents[2] / "templates"

# Pieces of HTML the tokenizer reads in its different states: text, character
# references, tags and attributes (quoted, unquoted, empty), comments, doctypes, CDATA,
# raw text (style, script, textarea, title), NULs, and text in other scripts.
PIECES = [
    "<p>", "</p>", "<div class=\"to\" data-fit=1>", "<br/>", "<p title='a&amp;b'>",
    "<td colspan=2 nowrap>", "<img src=x.png alt=\"\">", "<!-- a comment -->", "<!-->",
    "<!DOCTYPE html>", "<![CDATA[x]]>", "<style>p { color: red } </p></style>",
    "<script>if (a < b && c) {}</script>", "<textarea>&lt;b&gt;</textarea>",
    "<title>A &amp; B</title>", "&amp;", "&lt;", "&#x41;", "&#65;", "&nbsp;", "&notanentity;",
    "&", "<", ">", "\"", "'", "=", "-", "--", "]]>", "\x00", "\t", "\n", " ", "/",
    "Amnesty International", "〒100-8968 東京都", "منظمة العفو", "a b  c",
    "<pre>\nline</pre>", "<table><tr><td>x</td></tr></table>", "<ul><li>one<li>two</ul>",
]  # fmt: skip


@contextmanager
def _tinyhtml5_own() -> Iterator[None]:
    """tinyhtml5's own table (a plain dict) while inside, the kept patterns after."""
    scanning.install()
    kept = tinyhtml5.inputstream.characters_until_regex
    tinyhtml5.inputstream.characters_until_regex = {}
    try:
        yield
    finally:
        tinyhtml5.inputstream.characters_until_regex = kept


def _trees(text: str) -> tuple[bytes, bytes]:
    """The tree tinyhtml5 makes of ``text`` with its own table, and with the kept one."""
    with _tinyhtml5_own():
        own = ET.tostring(tinyhtml5.parse(text))
    return own, ET.tostring(tinyhtml5.parse(text))


def _shipped_documents() -> list[str]:
    """Every template the project ships, as text (Jinja syntax left in: it is text too)."""
    return [path.read_text() for path in sorted(SHIPPED.rglob("*.j2"))]


def test_the_shipped_templates_parse_to_the_same_trees() -> None:
    documents = _shipped_documents()
    assert len(documents) > 10
    for text in documents:
        own, kept = _trees(text)
        assert own == kept


def test_each_set_of_characters_is_compiled_once() -> None:
    scanning.install()
    table = tinyhtml5.inputstream.characters_until_regex
    for text in _shipped_documents():
        tinyhtml5.parse(text)
    patterns = dict(table)
    assert 3 <= len(patterns) <= 20  # one per set of characters the tokenizer stops at
    for text in _shipped_documents():
        tinyhtml5.parse(text)
    assert {key: id(pattern) for key, pattern in table.items()} == {
        key: id(pattern) for key, pattern in patterns.items()
    }  # read again: nothing added, nothing compiled anew


def test_each_pattern_reads_what_tinyhtml5_means_it_to() -> None:
    table = scanning._Patterns()
    assert table[(("&", "<", "\x00"), False)].match("ab c&d").group() == "ab c"
    assert table[(("&", "<", "\x00"), False)].match("<p>") is None
    assert table[(frozenset(" \t\n"), True)].match(" \t\nx").group() == " \t\n"
    assert table[("]", False)].match("a-b]]>").group() == "a-b"
    assert table[(("-", "\x00"), False)].match("x\x00").group() == "x"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_any_document_parses_to_the_same_tree(text: str) -> None:
    own, kept = _trees(text)
    assert own == kept
