"""tinyhtml5's scanning patterns kept by their characters (compose/scanning.py): attacks.

Each test sets tinyhtml5's own table (a plain dict, which builds each pattern anew)
against the installed one on hostile input: every tokenizer state, NULs, CR/LF, lone
surrogates, characters ``re.escape`` treats specially, text outside Latin-1, text
across the input stream's chunks; the trees (namespaced or not), the parse errors and
any exception must be the same. Each pattern is compared with tinyhtml5's own on every
code point, and parsing goes on in threads while the table is put in place.
"""

from __future__ import annotations

import io
import re
import sys
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import tinyhtml5
import tinyhtml5.inputstream
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinyhtml5.constants import ascii_letters, space_characters
from tinyhtml5.parser import HTMLParser

from campaign.compose import scanning

# Every (characters, opposite) the pinned tokenizer passes to chars_until
# (grep chars_until tinyhtml5/tokenizer.py: twelve calls, eleven sets).
UNQUOTED = frozenset(("&", ">", '"', "'", "=", "<", "`", "\u0000")) | space_characters
ASKED = {
    (space_characters, True),
    (("&", "<", "\u0000"), False),
    (("<", "\u0000"), False),
    ("\u0000", False),
    (("<", "-", "\u0000"), False),
    (ascii_letters, True),
    (('"', "&", "\u0000"), False),
    (("'", "&", "\u0000"), False),
    (UNQUOTED, False),
    (">", False),
    (("-", "\u0000"), False),
    ("]", False),
}

# Every code point, lone surrogates included: two patterns that find the same runs in
# this find the same runs in any text (each is one class of characters, repeated).
EVERY = "".join(map(chr, range(sys.maxunicode + 1)))

# Pieces that take the tokenizer through each of its states, and characters re.escape
# (or a character class) treats specially.
HOSTILE = [
    # text and character references
    "a", " ", "\t", "\n", "\r", "\r\n", "\x0c", "\x0b", "\x00", "\x01", "\x7f", "\x80", "\x9f",
    "&", "&amp;", "&amp", "&#0;", "&#x0;", "&#x110000;", "&#xD800;", "&#128;", "&#x80;",
    "&#65", "&#x;", "&#;", "&notin;", "&notit;", "&ampx", "&lt", "&AMP;", "&#X41;",
    "]", "^", "-", "\\", "[", "[^", "^]", "a-z", "\\x00", "\\]", "$", "|", "*", "+", "?", ".",
    "(", ")", "{", "}", "`", "~", "#",
    "\ud800", "\udfff", "\udbff\udc00", "\U0001f600", "\ufffd", "\ufeff", "\uffff",
    "\U0010ffff", "\U000effff", "\u3000", "\u2028", "\x85", "〒100-8968 東京都", "منظمة",
    "\u0130", "\u212a", "K", "k", "ſ", "ß",
    # tags and attributes: quoted, unquoted, empty, duplicated, broken
    "<", ">", "</", "/>", "<p>", "</p>", "<P CLASS=X>", "<a b>", "<a b=>", "<a b='>",
    '<a b="', "<a b=c d=e>", "<a b=c\x00d>", "<a b='c\x00&amp;]'>", '<a b="c\x00&lt;-^">',
    "<a b=`c>", "<a b=c'd>", "<a b=c\"d>", "<a b=c=d>", "<a b=c<d>", "<a b=&amp;c>",
    "<a b=&notin;>", "<a b='&notit;'>", "<a\x00b>", "<a b\x00=c>", "<a/b>", "<a b c/>",
    "<a b=c b=d>", "<a\tb\n=\rc\x0c>", "</a b=c>", "</>", "</ >", "<3", "<?php ?>", "<!>",
    "<a b=\u3000c>", "<div title=ü\U0001f600>",
    # comments, bogus comments, CDATA
    "<!--", "-->", "<!-- a -- b -->", "<!---->", "<!-->", "<!--->", "<!-- -\x00- -->",
    "<!-- --!>", "--!", "<!-- <!-- -->", "<!-x>", "<!bogus\x00>", "<?x\x00>", "</3>",
    "<![CDATA[", "]]>", "<![CDATA[a]b]]c]]>", "<![CDATA[\x00]]>", "]]", "<![cdata[x]]>",
    "<svg>", "</svg>", "<math>", "</math>", "<svg><![CDATA[<p>&amp;]]]></svg>",
    "<math><mi><![CDATA[x]]></mi></math>", "<svg><foreignObject><p>x</p></foreignObject>",
    "<svg viewBox='0 0 1 1'><path d=M0/></svg>", "<math><annotation-xml encoding=text/html>",
    # doctypes
    "<!DOCTYPE html>", "<!doctype>", "<!DOCTYPE", "<!DOCTYPE x PUBLIC>",
    '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN" "http://www.w3.org/TR/html4/strict.dtd">',
    "<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0 Transitional//EN'>",
    "<!DOCTYPE html SYSTEM 'about:legacy-compat'>", '<!DOCTYPE html SYSTEM "\x00]>',
    "<!DOCTYPE a PUBLIC'x'SYSTEM'y'>", "<!DOCTYPE a bogus x>", "<!DOCTYPE\x00>",
    "<!DOCTYPE a PUBLIC \"x\x00>", "<!DOCTYPE html SYSTEM>",
    # raw text, RCDATA, script data
    "<script>", "</script>", "<script><!--<script>x</script>-->\x00</script>",
    "<script>a<!--b-->c<-</script", "<script><!-- -- <!-- --></script>",
    "<style>", "</style>", "<style>a\x00</sty</style>", "<textarea>", "</textarea>",
    "<textarea>\n&amp;\x00<b></textarea>", "<title>", "</title>", "<title>&lt;</title\x00>",
    "<xmp>", "</xmp>", "<xmp><b>&amp;</xmp>", "<noscript>", "</noscript>", "<iframe>",
    "</iframe>", "<iframe><p>&amp;</iframe>", "<noembed>x</noembed>", "<noframes>",
    "<plaintext>", "<plaintext>\x00&amp;<p>", "<listing>\n", "<pre>\r\n\r\nx</pre>",
    # structure
    "<table>", "<tr>", "<td>", "</table>", "<select><option>", "<template>", "</template>",
    "<frameset>", "<html a=b>", "<body c=d>", "<head>", "</body>", "</html>", "<br/>",
    "<image>", "<isindex>", "<li>", "<ul>", "<dd>", "<h1>", "<h2>", "</h1>", "<form>",
]  # fmt: skip

LONG = "x" * 10_300  # longer than the input stream's chunk (10,240 characters)

PIECES = st.one_of(
    st.sampled_from(HOSTILE), st.text(st.characters(codec=None, exclude_categories=()), max_size=8)
)
# Text before, so that what follows starts near the end of the stream's first chunk.
BEFORE = st.sampled_from(["", "", "", "a" * 10_230, LONG, "\x00" * 10_237, "- " * 5_118])


def _theirs(characters: Any, opposite: bool) -> re.Pattern[str]:
    """The pattern tinyhtml5's chars_until builds, as its code builds it."""
    regex = "".join([f"\\x{ord(character):02x}" for character in characters])
    if not opposite:
        regex = f"^{regex}"
    return re.compile(f"[{regex}]+")


@contextmanager
def _table(table: dict[Any, Any]) -> Iterator[None]:
    kept = tinyhtml5.inputstream.characters_until_regex
    tinyhtml5.inputstream.characters_until_regex = table
    try:
        yield
    finally:
        tinyhtml5.inputstream.characters_until_regex = kept


def _read(text: str | bytes, how: str) -> tuple[Any, ...]:
    """What tinyhtml5 makes of ``text`` read ``how``: each tree, its errors, or what it raised."""
    made: list[Any] = []
    for namespaced in (True, False):
        parser = HTMLParser(namespace_html_elements=namespaced)
        try:
            if how == "stream":
                tree = parser.parse(io.StringIO(text))  # as sheettree and WeasyPrint read
            elif how == "fragment":
                tree = parser.parse_fragment(text)
            else:
                tree = parser.parse(text)
            made.append(ET.tostring(tree, encoding="unicode"))
        except Exception as exc:  # the same exception, if any, counts as the same
            made.append(f"raised {type(exc).__name__}: {exc}")
        made.append(tuple(parser.errors))
    return tuple(made)


WARM = scanning._Patterns()  # one table for every example, as in a long build


def _compare(text: str | bytes, how: str) -> None:
    with _table({}):
        own = _read(text, how)
    with _table(scanning._Patterns()):
        cold = _read(text, how)
    with _table(WARM):
        warm = _read(text, how)
    assert cold == own
    assert warm == own


def test_each_hostile_piece_alone_parses_the_same() -> None:
    for piece in [*HOSTILE, LONG + "<p a=b>" + LONG]:
        for how in ("string", "stream", "fragment"):
            _compare(piece, how)


def test_each_hostile_piece_inside_every_state_parses_the_same() -> None:
    """Each piece where each tag, attribute value, comment, doctype and raw text is open."""
    openers = [
        "<p>", "<a b=", "<a b='", '<a b="', "<!--", "<!-", "<?", "<!DOCTYPE ",
        "<!DOCTYPE a PUBLIC '", '<!DOCTYPE a SYSTEM "', "<svg><![CDATA[", "<script>",
        "<script><!--", "<style>", "<textarea>", "<title>", "<xmp>", "<iframe>",
        "<noscript>", "<plaintext>", "<a", "</a", "&#x", "<table>",
    ]  # fmt: skip
    for opener in openers:
        for piece in HOSTILE:
            _compare(opener + piece + "x" + piece, "string")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(BEFORE, st.lists(PIECES, max_size=25).map("".join), st.sampled_from(["string", "stream"]))
def test_any_hostile_document_parses_the_same(before: str, text: str, how: str) -> None:
    _compare(before + text, how)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(HOSTILE), max_size=25).map("".join))
def test_any_hostile_document_in_bytes_parses_the_same(text: str) -> None:
    """Bytes go through the binary stream (encoding sniffed): the same chars_until."""
    _compare(text.encode("utf-8", "surrogatepass"), "string")


def test_the_characters_asked_for_are_those_listed() -> None:
    """Every set the tokenizer asks for (on the hostile pieces) is in ASKED, and each one is."""
    asked: set[Any] = set()

    class Recording(dict[Any, Any]):
        def __getitem__(self, key: Any) -> Any:
            asked.add(key)
            raise KeyError(key)  # tinyhtml5 then builds its own

    with _table(Recording()):
        for piece in HOSTILE:
            for opener in ("", "<a b=", "<!DOCTYPE ", "<svg><![CDATA[", "<!--", "<script>"):
                tinyhtml5.parse(opener + piece + " x")
    assert asked == ASKED


def test_each_pattern_finds_the_runs_tinyhtml5_means_on_every_code_point() -> None:
    table = scanning._Patterns()
    for characters, opposite in ASKED:
        theirs = _theirs(characters, opposite)
        ours = table[(characters, opposite)]
        assert [m.span() for m in ours.finditer(EVERY)] == [
            m.span() for m in theirs.finditer(EVERY)
        ], (characters, opposite)
        for start in (0, 1, 0x26, 0x3C, 0x5D, 0x80, 0xD800, 0xDFFF, 0x10FFFF):
            theirs_match = theirs.match(EVERY, start)
            ours_match = ours.match(EVERY, start)
            assert (ours_match and ours_match.span()) == (theirs_match and theirs_match.span())


SPECIAL = st.sampled_from(list("]^-\\[$.|?*+(){}&~# \t\n\r\x0b\x0c\x00<>\"'=`"))
LATIN1 = st.characters(max_codepoint=0xFF, exclude_categories=())


@settings(max_examples=300, deadline=None)
@given(st.frozensets(st.one_of(SPECIAL, LATIN1), min_size=1, max_size=12), st.booleans())
def test_any_set_of_characters_up_to_latin1_reads_as_tinyhtml5_reads_it(
    characters: frozenset[str], opposite: bool
) -> None:
    """Beyond the sets asked for: any set tinyhtml5's ``\\xNN`` construction can express."""
    for given_as in (characters, tuple(sorted(characters)), "".join(sorted(characters))):
        ours = scanning._Patterns()[(given_as, opposite)]
        theirs = _theirs(given_as, opposite)
        sample = EVERY[:0x180] + "]^-\\" + EVERY[0xD7F0:0xE010]
        assert [m.span() for m in ours.finditer(sample)] == [
            m.span() for m in theirs.finditer(sample)
        ]


def test_parsing_in_threads_while_the_table_is_put_in_place() -> None:
    documents = ["".join(HOSTILE[i::7]) for i in range(7)] + [
        LONG + "<a b='c\x00'>" + "&amp;" * 3000
    ]
    with _table({}):
        expected = [_read(text, "stream") for text in documents]
    seen: list[Any] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def parse() -> None:
        try:
            while not stop.is_set():
                seen.append([_read(text, "stream") for text in documents])
        except BaseException as exc:  # pragma: no cover - a failure to report
            failures.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    threads = [threading.Thread(target=parse) for _ in range(4)]
    with _table({}):
        try:
            for thread in threads:
                thread.start()
            for _ in range(2_000):
                tinyhtml5.inputstream.characters_until_regex = {}
                scanning.install()
                scanning.install()
            while len(seen) < 8:
                stop.wait(0.01)
        finally:
            stop.set()
            for thread in threads:
                thread.join()
            sys.setswitchinterval(interval)
        table = tinyhtml5.inputstream.characters_until_regex
    assert failures == []
    assert len(seen) >= 8
    assert all(each == expected for each in seen)
    # Whatever the race left in the table, each pattern under a set of characters reads
    # as tinyhtml5's own would.
    assert isinstance(table, scanning._Patterns)
    for (characters, opposite), pattern in list(table.items()):
        if not isinstance(characters, re.Pattern):
            assert pattern.pattern == scanning._Patterns()[(characters, opposite)].pattern
