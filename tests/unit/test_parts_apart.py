"""When an addressee's parts cannot be laid out apart from the page they stand on.

The shared pages are laid out with their first letter's parts hidden, and each letter's
own are laid out alone and stamped on. ``parts_apart`` says when that would not be the
letter: what a hidden part shows elsewhere, or what around a part sets it. Each kind is
one case here; the attack that found them builds whole campaigns
(tests/attacks/test_wrong_letter_breaks.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.compose.composer import _markup
from campaign.compose.pagestate import (
    across_pages,
    page_sized,
    sees_ahead,
    sees_around,
    sets_visibility,
)
from campaign.pdf.engine import layout
from campaign.pdf.render import parts_apart

LONG = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 6


def page(css: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html><head><style>@page {{ size: A5; margin: 15mm }} {css}</style>"
        f"</head><body>{body}</body></html>"
    )


SALUTATION = '<p class="salutation vary">Dear Ann Lee,</p>'


@pytest.mark.parametrize(
    ("css", "body", "why"),
    [
        ("", f"<h1>Re: a letter</h1>{SALUTATION}<p>{LONG}</p>", ""),
        # What a hidden part shows elsewhere.
        (
            ".salutation { string-set: who content() }"
            " @page { @top-center { content: string(who) } }",
            SALUTATION,
            "exports",
        ),
        (".salutation span { string-set: who content() }",
         '<p class="salutation vary">Dear <span>Ann</span>,</p>', "exports"),
        (".salutation { bookmark-level: 1 }", SALUTATION, "exports"),
        ("", '<p class="salutation vary">Dear <a href="https://example.org">Ann</a>,</p>',
         "exports"),
        (".salutation { float: footnote }", f"<p>{LONG}</p>{SALUTATION}", "exports"),
        (".salutation { position: fixed }", SALUTATION, "exports"),
        (".ref::after { content: target-text(attr(href)) }",
         '<p><a class="ref" href="#s">see</a></p><p class="salutation vary" id="s">Dear Ann,</p>',
         "exports"),
        ("", '<p class="salutation vary" id="s">Dear Ann,</p>', ""),  # an id nobody reads
        # What around a part sets it.
        (".subject { float: right; width: 40mm; height: 30mm }",
         f'<h1 class="subject">Re: a letter</h1>{SALUTATION}<p>{LONG}</p>', "beside"),
        (".logo { float: left; width: 20mm; height: 5mm }",  # ends above the salutation
         f'<div class="logo"></div><p>{LONG}</p>{SALUTATION}', ""),
        (".logo { float: left; width: 20mm; height: 40mm } .head { display: flow-root }",
         f'<div class="head"><div class="logo"></div></div>{SALUTATION}', ""),  # its own root
        (".aside { float: right; width: 20mm; height: 40mm }",  # after it: cannot move up
         f'{SALUTATION}<div class="aside"></div><p>{LONG}</p>', ""),
        (".start::first-line { color: red }",
         f'<div class="start">{SALUTATION}<p>{LONG}</p></div>', "beside"),
        (".start::first-letter { font-size: 200% }",
         f'<div class="start">{SALUTATION}<p>{LONG}</p></div>', "beside"),
        ('.salutation::after { content: "X"; position: absolute; top: 0; right: 0 }',
         SALUTATION, "beside"),  # placed in the page's box, where the overlay has the part
        ('.salutation { position: relative }'
         ' .salutation::after { content: "X"; position: absolute; top: 0; right: 0 }',
         SALUTATION, ""),  # placed in the part's own box: the same alone
        (".salutation { position: absolute; top: 0; left: 0 }", SALUTATION, "shrinks"),
        (".salutation { position: absolute; top: 0; left: 0; width: 60mm }", SALUTATION, ""),
        (".salutation { position: absolute; bottom: 0; left: 0; width: 60mm }",
         SALUTATION, "anchored"),  # its top is where its height ends it
        (".start { display: flex; flex-direction: column; justify-content: center;"
         " height: 40mm }", f'<div class="start">{SALUTATION}</div>', "anchored"),
        (".other::first-line { color: red }",  # a first line that is not around it
         f'<p class="other">{LONG}</p>{SALUTATION}', ""),
    ],
)  # fmt: skip
def test_a_part_is_laid_out_apart_only_when_nothing_else_depends_on_it(
    tmp_path: Path, css: str, body: str, why: str
) -> None:
    # As the shared layer lays it out: its parts hidden (layers.css.j2).
    html = page(f"{css} .vary {{ visibility: hidden }}", body)
    assert parts_apart(layout(html, tmp_path, tmp_path), html) == why


@pytest.mark.parametrize(
    ("css", "why"),
    [
        (" .vary { visibility: hidden }", ""),
        ("", "shown"),  # no layer rules: the part shows on the shared pages
        ("/* a comment left open .vary { visibility: hidden }", "shown"),
        (" .vary { visibility: hidden } .salutation b { visibility: visible }", "shown"),
        (" .vary { visibility: collapse }", ""),
    ],
)
def test_a_part_the_shared_pages_do_not_hide_is_found(tmp_path: Path, css: str, why: str) -> None:
    html = page(css, '<p class="salutation vary">Dear <b>Ann</b>,</p>')
    assert parts_apart(layout(html, tmp_path, tmp_path), html) == why


TEXT = st.text(st.characters(blacklist_characters="<>&\"'", blacklist_categories=("Cs",)))


@given(TEXT, TEXT)
def test_parts_that_differ_only_inside_are_marked_up_alike(one: str, other: str) -> None:
    own = f'<!--vary--><p class="salutation vary"><bdi lang="ja">{one}</bdi></p><!--/vary-->'
    plain = f'<!--vary--><p class="salutation vary">{other}</p><!--/vary-->'
    assert _markup([own]) == _markup([plain])


@pytest.mark.parametrize(
    "other",
    [
        '<!--vary--><p class="salutation vary formal">Dear Sir,</p><!--/vary-->',
        '<!--vary--><p class="salutation vary" lang="ja">Dear Sir,</p><!--/vary-->',
        '<!--vary--><div class="salutation vary">Dear Sir,</div><!--/vary-->',
    ],
)
def test_parts_marked_up_otherwise_are_told_apart(other: str) -> None:
    own = '<!--vary--><p class="salutation vary">Dear Ann Lee,</p><!--/vary-->'
    assert _markup([own]) != _markup([other])


@pytest.mark.parametrize(
    ("css", "across"),
    [
        ("@page { size: A4; margin: 0 }", False),
        ("@page :first { margin-top: 30mm }", True),
        ("@page :left { margin-left: 30mm }", True),
        ('@page { @bottom-right { content: "No. " counter(page) } }', True),
        ("@page { @bottom-right { content: counter(pages) } }", True),
        ("@page { @bottom-right { content: counters( page , '.') } }", True),
        (".to { string-set: who content() }", True),
        (".to { counter-increment: envelope }", True),
        (".to { position: running(head) } @page { @top-center { content: element(head) } }", True),
        (".title { position: running(head) }", False),  # letter.css's: no margin shows it
        ('@page { @top-center { content: "Airmail" } }', True),  # drawn over the envelope under
        (".to { break-before: right }", True),
        (".to { counter-incr\\65 ment: envelope }", True),  # escaped, as CSS reads it
        (".to { font: 11pt/1.3 sans-serif }", False),
        (".to:nth-child(even) { font-weight: bold }", True),  # every other envelope
        (".to + .to { break-before: page }", False),  # each on a page of its own anyway
        (".to ~ .to { color: red }", True),
        (".to { display: list-item }", True),  # numbered by the list-item counter
        (".to { text-indent: 1vh }", True),  # measured on a tall page of stacked envelopes
        (".to { width: calc(100% - 2.5dvw) }", True),
        (".to { margin-left: 12px; line-height: 1.2 }", False),
    ],
)
def test_a_page_that_counts_the_pages_or_carries_state_is_not_cut_into_parts(
    css: str, across: bool
) -> None:
    assert across_pages(page(css, '<div class="to">Ann Lee</div>')) is across


@pytest.mark.parametrize(
    ("css", "ahead"),
    [
        (".salutation { font-weight: bold }", False),
        ("h1 + .salutation { margin-top: 0 }", False),  # before it: page 1 holds it
        ("body:has(.closing) .salutation { text-transform: uppercase }", True),
        (".letter-start > :last-child { margin-bottom: 0 }", True),
        ("p:empty { display: none }", True),
        ("p:nth-last-child(2) { color: red }", True),
        ('@import "more.css";', True),
    ],
)
def test_a_style_sheet_that_sees_what_follows_page_1_is_found(css: str, ahead: bool) -> None:
    assert sees_ahead(page(css, SALUTATION)) is ahead


@pytest.mark.parametrize(
    ("css", "sized"),
    [
        (".salutation { text-indent: 4vh }", True),
        (".salutation { text-indent: .5VMIN }", True),
        (".salutation { --x: 20svw } .salutation { text-indent: var(--x) }", True),
        (".salutation { text-indent: 4mm } .vh { color: red }", False),  # a class, no length
        (".salutation { text-indent: 1em }", False),
    ],
)
def test_a_length_by_the_pages_size_is_found(css: str, sized: bool) -> None:
    assert page_sized(page(css, SALUTATION)) is sized


@pytest.mark.parametrize(
    ("html", "around"),
    [
        (page(".salutation { color: red }", SALUTATION), False),
        (page("", f"<style>.salutation {{ color: red }}</style>{SALUTATION}"), True),
        (page("", f'{SALUTATION}<link rel="stylesheet" href="x.css">'), True),
        (page("body > .letter-start .salutation { color: red }", SALUTATION), True),
        (page(":root>body p { color: red }", SALUTATION), True),
        (page("body:not(.draft) > .letter-start p { color: red }", SALUTATION), True),
        (page("body /* the letter */ > .letter-start p { color: red }", SALUTATION), True),
        (page("body { & > .letter-start p { color: red } }", SALUTATION), True),
        (page("div > .letter-start p { color: red }", SALUTATION), True),  # a sheet's <div>
        (page("* { box-sizing: border-box }", SALUTATION), True),
        (page('[lang|="ja"] { font-family: serif }', SALUTATION), False),
        (page(".window .address span { display: block }", SALUTATION), False),
        (page(":root { --x: 1 } html, body { margin: 0 }", SALUTATION), False),
        # Below the root, as in the letter (the shipped petition's rule).
        (page("html:lang(ar) .cover-kicker { letter-spacing: normal }", SALUTATION), False),
        (page(".letter-start > .salutation { color: red }", SALUTATION), False),
    ],
)
def test_a_style_sheet_a_page_1_alone_would_not_keep_is_found(html: str, around: bool) -> None:
    assert sees_around(html) is around


# The nesting's '&' is the rule it stands in: never a sheet's <div> (attack 6's look-alike).
@pytest.mark.parametrize(
    ("css", "around"),
    [
        (".letter-start { & .salutation { font-style: italic } }", False),
        (".letter-start { .salutation { font-style: italic } }", False),
        (".a, .letter-start { & > .salutation, & + p { color: red } }", False),
        (".letter-start { & > * { color: red } }", False),  # inside it: no sheet
        ("body { & > .letter-start { color: red } }", True),
        (".x { div & { color: red } }", True),  # a <div> above: a sheet may be it
    ],
)
def test_a_nested_rules_ampersand_stands_for_the_rule_it_is_in(css: str, around: bool) -> None:
    assert sees_around(page(css, SALUTATION)) is around


SHARED_LAYER = ".vary { visibility: hidden; }"
OVERLAY_LAYER = (
    ".sheet * { visibility: hidden; } .sheet .vary, .sheet .vary * { visibility: visible; }"
)


@pytest.mark.parametrize(
    ("css", "body", "sets"),
    [
        ("", SALUTATION, False),  # the layers' own rules only
        (".window { visibility: hidden }", SALUTATION, True),
        (".salutation { VISIBILITY : collapse }", SALUTATION, True),
        (".salutation { visib\\69 lity: hidden }", SALUTATION, True),  # an escape
        ("@media print { .window { visibility: hidden } }", SALUTATION, True),
        (".window { all: initial }", SALUTATION, True),  # resets it
        (".window { .address { visibility: hidden } }", SALUTATION, True),  # nested
        ("", SALUTATION.replace("<p ", '<p style="visibility:hidden" ', 1), True),
        ("", SALUTATION.replace("<p ", "<p style='color: red' ", 1), False),
        (".visibility { color: red } .x { --all: 1 }", SALUTATION, False),  # names alike
    ],
)
def test_the_letters_own_visibility_is_found_apart_from_the_layers(
    css: str, body: str, sets: bool
) -> None:
    shared = page(css + SHARED_LAYER, body)
    overlay = page(css + OVERLAY_LAYER, body)
    assert sets_visibility(shared, overlay) is sets
