"""A second round of attacks on a long list's runs of names (pdf/listing.py, _runs), at f6f62a4.

As in test_list_runs_breaks.py: each test lays a list out in parts (its one-line names
set in runs where listing.py finds it may) and whole, and compares each page's text,
the pixels (40 dpi) and the outline; each checks that runs were kept, or that they
were refused, so that it attacks something. Each test under "Breaks found" made the
parts differ from the whole at f6f62a4; its comment says what did, and what stops it now.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from listparts import write_signatories
from test_list_runs_breaks import (
    COUNT,
    _attack,
    _built_and_whole,
    _groups,
    _in_parts,
    _items,
    _names,
    _never_run,
    _own_template,
    _page,
    _refused,
    _same,
)

from campaign.pdf import listing
from campaign.pdf.render import layout


def _without_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """No part is planned with runs: what is attacked is the parts themselves."""
    monkeypatch.setattr(listing, "_run_plan", lambda *args: None)


def _laid_whole(html: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``paged_list`` gives the list up to be laid out whole (a seam did not match)."""
    monkeypatch.setattr(listing, "PART", 90)
    monkeypatch.setattr(listing, "LONG", 1)
    monkeypatch.setattr(listing, "PROBE", 60)
    assert listing.paged_list(html, tmp_path, tmp_path, "", "") is None


def _second_page_starts(html: str) -> int:
    """The item that starts the second page of ``html`` laid out whole."""
    document = layout(html, Path("/tmp"), Path("/tmp"))
    return next(n for n, (_, page) in enumerate(listing._item_boxes(document)) if page == 1)


# --- Breaks found ------------------------------------------------------------------------


# Each made the parts differ at f6f62a4 (but the last two, which held, and are refused
# since): now refused, and the parts are the whole.
REFUSED = {
    # A run's own style is a style attribute, of specificity (1,0,0) in WeasyPrint: an
    # author's !important rule with an id in :not()/:is() outweighed it, and the run's
    # lines stood 1.2em or half a gap off. Now _runs_held reads the run's computed
    # style, where its box starts and where each line stands (_run_as_planned).
    "padding": "li:not(#z) { padding-left: 1.2em !important }",
    "indent": "li:not(#z) { text-indent: -1.2em !important }",
    "is": "li:is(#z, li) { text-indent: -1.2em !important }",
    "nested": "ul { & li:not(#z) { padding-left: 1.2em !important } }",
    "margin-top": "li:not(#z) { margin-top: 0 !important }",
    "margin-bottom": "li:not(#z) { margin-bottom: 4px !important }",
    # A transform is about the box's own centre: each item's about its own in the whole,
    # a run's names all about the run's. Now an item with one is never in a run.
    "scale": "li { transform: scale(1.05) }",
    "rotate": "li { transform: rotate(1deg) }",
    "skew": "li { transform: skewX(10deg) }",
    # An item of a set width is its width and its hanging indent's padding wide; a run,
    # without the padding, was narrower, and auto margins placed it farther right. Now
    # an item of a set width, or with auto margins, is never in a run.
    "centred": "li { width: 200px; margin: 0 auto .25em }",
    "right": "li { width: 60%; margin-left: auto }",
    "border-box-centred": (
        "li { box-sizing: border-box; width: 200px; margin-left: auto; margin-right: auto }"
    ),
    "translate": "li { transform: translateY(2px) }",
}


@pytest.mark.parametrize("css", list(REFUSED.values()), ids=list(REFUSED))
def test_styles_that_outweigh_move_or_size_a_run_refuse_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str
) -> None:
    _refused(_groups(_names(COUNT), css=css), tmp_path, monkeypatch)


@pytest.mark.parametrize(
    ("body", "css"),
    [
        (
            "<ul>{a}</ul><div class='narrow'/><h3>B</h3><ul>{b}</ul>",
            ".narrow li { line-height: 1.2 }",
        ),
        (
            "<ul>{a}</ul><div class='narrow'/><h3>B</h3><ul>{b}</ul>",
            ".narrow li { background: #ddd }",
        ),
        (
            "<dl><dd/><ul>{a}</ul><dd class='narrow'/><ul>{b}</ul></dl>",
            "dd { margin: 0 } .narrow li { line-height: 1.2 }",
        ),
    ],
    ids=["div-line-height", "div-background", "dd"],
)
def test_a_self_closed_start_tag_leaves_an_element_open_around_the_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str, css: str
) -> None:
    # ``<div class="narrow"/>`` is a start tag in HTML (the slash means nothing on a
    # div): the div holds all that follows it. Python's HTMLParser opened and closed it
    # at once, so the second group's items seemed to stand where the first's do, and
    # were set in runs of the first group's line. Now _Items opens such an element, and
    # _runs_held compares the elements each run stands in, as laid out, with the
    # modelled item's (_chain): the second group's names are never in a run.
    names = _names(COUNT)
    html = _page(body.format(a=_items(names[:150]), b=_items(names[150:])), css)
    _never_run(html, names[150:], tmp_path, monkeypatch, part=300)


def test_the_model_read_from_the_last_item_of_a_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The model was read from the first two items of the probe's second page; when the
    # first was the last of its group, the gap between them was the gap between groups
    # (here the ul's 0.4 px bottom padding more), and every run was set that much apart
    # a line, the pages starting where predicted all the same. Now the model is read
    # from two items with nothing between them.
    names = _names(COUNT)
    css = "ul { margin: 0; padding-bottom: 0.4px }"
    last = _second_page_starts(_page(f"<ul>{_items(names)}</ul>", css))
    html = _page(f"<ul>{_items(names[: last + 1])}</ul><ul>{_items(names[last + 1 :])}</ul>", css)
    models: list[Any] = []
    model = listing._model

    def recorded(document: Any) -> Any:
        models.append(model(document))
        return models[-1]

    monkeypatch.setattr(listing, "_model", recorded)
    parts, whole, runs = _in_parts(html, tmp_path / "list", monkeypatch)
    assert models[0].item != last and models[0].gap == pytest.approx(4.0)
    assert runs >= 3
    _same(parts, whole, tmp_path / "list")


@pytest.mark.parametrize("height", [78, 90])
def test_names_beside_a_float(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, height: int) -> None:
    # A float beside the second group's start narrows the lines beside it. In the
    # whole, item 153's name wraps beside it; in a run, a line set white-space:pre
    # cannot wrap, and WeasyPrint moved it below the float; the page still started
    # where predicted, and the run was kept. Now each of a run's lines must stand right
    # under the one before (_run_as_planned): that part is laid out without its runs.
    names = _names(COUNT)
    names[153:176] = [(name + " of Committee X")[:24] for name in names[153:176]]
    css = f".f {{ float: right; width: 50%; height: {height}px; background: #eee }}"
    body = f"<ul>{_items(names[:150])}</ul><div class='f'></div><ul>{_items(names[150:])}</ul>"
    _attack(_page(body, css), tmp_path, monkeypatch)


# Not the runs': the parts themselves (laid out without runs), styled otherwise than whole.


@pytest.mark.parametrize(
    "css",
    ["ul:first-child { break-after: page }", "ul:first-of-type { break-after: page }"],
    ids=["first-child", "first-of-type"],
)
def test_a_first_child_rule_picks_each_parts_reopened_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str
) -> None:
    # by_place let a rule by :first-child/:first-of-type through when it set only where
    # pages break. Here it picks a ul: in a part, the ul it reopens is its body's first
    # child, so a page break followed the continued group, pages into the part, where no
    # seam looks. Now a rule by place may set only where a page breaks before the
    # element (which falls at a part's start, where a seam is): the list is laid out
    # whole.
    _without_runs(monkeypatch)
    _laid_whole(
        _groups(_names(130), _names(130, 130), _names(140, 260), css=css), tmp_path, monkeypatch
    )


@pytest.mark.parametrize(
    "body",
    [
        "<section class='s'><h2>Signatures</h2><ul>{items}</ul></section>",
        "<ul class='s'>{items}</ul>",
    ],
    ids=["section", "ul"],
)
def test_an_important_bookmark_of_a_reopened_element_is_in_each_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str
) -> None:
    # A part reopens the elements around its first item, and _CONTINUED takes their
    # bookmarks away with [data-campaign-continued]{bookmark-level:none!important}, of
    # specificity (0,1,0). An author's .s:not(#z) {bookmark-level: 2 !important}
    # outweighed it: each part's reopened section was a bookmark again. Now a part reads
    # its reopened elements as laid out (_continued_as_set), and the list is laid out
    # whole when one is not as _CONTINUED sets it.
    _without_runs(monkeypatch)
    css = ".s:not(#z) { bookmark-level: 2 !important; bookmark-label: 'Signatures' !important }"
    _laid_whole(_page(body.format(items=_items(_names(COUNT))), css), tmp_path, monkeypatch)


def test_a_workspace_that_centres_its_list_builds_another_list(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A workspace's signatories.html.j2 (templates/joint-letter/, extends the shipped
    # one) centres the names in a column 70 % wide; a run, without the hanging indent's
    # padding, stood 0.6em right of where the whole has it. Now such names are not set
    # in runs, and the built list is the whole's.
    folder = _own_template(example, monkeypatch)
    (folder / "signatories.html.j2").write_text(
        '{% extends "builtin/joint-letter/signatories.html.j2" %}{% block extra_css %}'
        ".signatures li { width: 70%; margin-left: auto; margin-right: auto }{% endblock %}"
    )
    write_signatories(example, 1300, wrapping=False)
    assert _built_and_whole(example, tmp_path, monkeypatch) == 0


# --- What held ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("css", "runs"),
    [
        ("li:not(#z) { white-space: normal !important }", False),  # lines not its names
        ("li:not(#z) { line-height: 22px !important }", False),  # pages start elsewhere
        ("li[style/**/] { color: #c00 }", True),  # not a selector WeasyPrint takes
    ],
    ids=["white-space", "line-height", "commented-style-selector"],
)
def test_important_rules_that_undo_the_runs_or_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str, runs: bool
) -> None:
    html = _groups(_names(COUNT), css=css)
    parts, whole, kept = _in_parts(html, tmp_path / "list", monkeypatch)
    assert (kept > 0) == runs
    _same(parts, whole, tmp_path / "list")


@pytest.mark.parametrize(
    "css",
    [
        # A layer's !important weighs less than a style attribute's in WeasyPrint.
        "@layer a { li:not(#z) { padding-left: 1.2em !important } }",
        "li { break-inside: auto } ul { orphans: 3; widows: 3 }",
    ],
    ids=["layer", "widows"],
)
def test_styles_the_runs_keep(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str) -> None:
    _attack(_groups(_names(COUNT), css=css), tmp_path, monkeypatch)


@pytest.mark.parametrize(
    "html",
    [
        _groups(_names(COUNT), css='@page :first { @top-right { content: "X" !important } }'),
        _groups(_names(130), _names(130, 130), _names(140, 260), css="h3:first-of-type"
                " { break-before: page }"),
        _groups(_names(130), _names(130, 130), _names(140, 260), css="ul:nth-of-type(-n+2)"
                " { break-before: page }"),
        _page(f"<section class='s'><ul>{_items(_names(COUNT))}</ul></section>",
              ".s:not(#z)::before { content: 'S' !important }"),
        _page(f"<section class='s'><ul>{_items(_names(COUNT))}</ul></section>",
              ".s:not(#z) { padding-top: 30px !important }"),
        _page("<ul>" + "".join(f"<li hidden>{n}</li>" if i % 40 == 20 else f"<li>{n}</li>"
                               for i, n in enumerate(_names(COUNT))) + "</ul>"),
        _page("<ul>" + "".join(f"<template><li>{n}</li></template>" if i % 40 == 20
                               else f"<li>{n}</li>" for i, n in enumerate(_names(COUNT)))
              + "</ul>"),
    ],
    ids=["first-page-margin-box", "first-heading", "second-list", "continued-before",
         "continued-padding", "hidden-items", "template-items"],
)  # fmt: skip
def test_lists_whose_seams_do_not_match_are_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, html: str
) -> None:
    # Each part's first page differs from the page the part before laid out there (a
    # margin box of its own, a heading or a group pushed to a page of its own, a
    # reopened element's ::before or padding, items numbered otherwise than _Items
    # has them): laid out whole.
    _laid_whole(html, tmp_path, monkeypatch)


def _modelled(name: str) -> str:
    """The list with ``name`` as the item the model is read from (the second page's first)."""
    names = _names(COUNT)
    names[_second_page_starts(_groups(names))] = name
    return _groups(names)


@pytest.mark.parametrize(
    ("name", "runs"),
    [
        ("山田 花子", False),  # a taller line (a fallback font): predicted pages too short
        ("محمد علي", False),
        ("Tom &amp; Jerry", True),
        ("Bo \U0001f600", True),
        ("Aiko Abe of the Committee for the Remembrance of Everything Said", True),  # wraps
    ],
    ids=["japanese", "arabic", "entity", "emoji", "wrapped"],
)
def test_an_unusual_modelled_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, runs: bool
) -> None:
    parts, whole, kept = _in_parts(_modelled(name), tmp_path / "list", monkeypatch)
    assert (kept > 0) == runs
    _same(parts, whole, tmp_path / "list")


def test_arabic_first_names_of_items_dir_auto(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # WeasyPrint reads neither dir="auto" nor unicode-bidi: plaintext: an Arabic-first
    # name stands left in an item as in a run.
    names = [
        "محمد " + name if n % 5 == 2 and n > 70 else name for n, name in enumerate(_names(COUNT))
    ]
    body = "<ul>" + "".join(f'<li dir="auto">{name}</li>' for name in names) + "</ul>"
    _attack(_page(body, "li { unicode-bidi: plaintext }"), tmp_path, monkeypatch)


@pytest.mark.parametrize("height", [60, 250])
def test_names_beside_a_float_that_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, height: int
) -> None:
    # Short names beside a float (left: each line moved as the item's), or a float so
    # tall that its lines moved below it start other pages than predicted (refused).
    names = _names(COUNT)
    css = f".f {{ float: left; width: 40%; height: {height}px }}"
    body = f"<ul>{_items(names[:150])}</ul><div class='f'></div><ul>{_items(names[150:])}</ul>"
    _attack(_page(body, css), tmp_path, monkeypatch)


def test_a_comment_between_every_two_items_refuses_every_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "<ul>" + "<!-- -->".join(f"<li>{name}</li>" for name in _names(COUNT)) + "</ul>"
    _refused(_page(body), tmp_path, monkeypatch)
