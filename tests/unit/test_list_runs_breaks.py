"""Attacks on a long list's runs of names (pdf/listing.py, _runs): its parts against the whole.

Each test lays a list out in parts, with its one-line names set in runs where
listing.py finds it may, and whole (``write(layout(...))``), and compares what a
reader sees (each page's text), the pixels (40 dpi) and the outline. Every attack
checks that runs were actually kept, else it attacks nothing; the ones where runs are
refused say so. Those under "Breaks found" each made the parts differ from the whole
at f4d1d25 (a helper's attack, with a fresh context); each comment says what now stops it.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from listparts import (
    DATE,
    FAMILY,
    GIVEN,
    SMALL_PAGES,
    counting_runs,
    outline,
    write_signatories,
)

from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.load.workspace import Workspace
from campaign.pdf import listing
from campaign.pdf.render import layout, write

from conftest import pdf_pages, pictures, run

# The small pages of test_paged_list.py, the list unmarked.
LIST_PAGES = SMALL_PAGES + " ul { list-style: none; padding: 0; line-height: 1.35 }"
COUNT = 300  # names a list: some 17 small pages
SVG = (
    "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='6' height='6'%3E"
    "%3Crect width='6' height='6' fill='red'/%3E%3C/svg%3E"
)


def _names(count: int, start: int = 0) -> list[str]:
    return [f"{GIVEN[n % 6]} {FAMILY[n * 7 % 6]}{n}" for n in range(start, start + count)]


def _items(names: list[str], between: str = "") -> str:
    return between.join(f"<li>{name}</li>" for name in names)


def _page(body: str, css: str = "") -> str:
    return (
        f"<html><head><title>List</title><style>{LIST_PAGES} {css}</style></head><body>"
        f'<div class="title">A list</div><h1>Names</h1>{body}</body></html>'
    )


def _groups(*groups: list[str], css: str = "", ul: str = "") -> str:
    body = "".join(
        f"<h3>Group {n}</h3><ul{ul if n else ''}>{_items(names)}</ul>"
        for n, names in enumerate(groups)
    )
    return _page(body, css)


def _in_parts(
    html: str, folder: Path, monkeypatch: pytest.MonkeyPatch, part: int = 90
) -> tuple[bytes, bytes, int]:
    """The list in parts (with runs where taken) and whole, and how many runs the parts kept."""
    monkeypatch.setattr(listing, "PART", part)
    monkeypatch.setattr(listing, "LONG", 1)  # every list is cut, however short
    monkeypatch.setattr(listing, "PROBE", 60)  # the model from a short first part
    laid = counting_runs(monkeypatch)
    folder.mkdir(exist_ok=True)
    parts = listing.paged_list(html, folder, folder, "", DATE)
    assert parts is not None, "laid out whole: nothing attacked"
    whole = write(layout(html, folder, folder), "", DATE)
    return parts, whole, sum(runs for _, runs in laid)


def _same(parts: bytes, whole: bytes, folder: Path) -> None:
    (folder / "whole.pdf").write_bytes(whole)
    (folder / "parts.pdf").write_bytes(parts)
    assert pdf_pages(folder / "parts.pdf") == pdf_pages(folder / "whole.pdf")
    assert pictures(parts, dpi=40) == pictures(whole, dpi=40)
    assert outline(parts) == outline(whole)


def _attack(html: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, part: int = 90) -> None:
    """Runs must be kept, and the parts must be the whole."""
    parts, whole, runs = _in_parts(html, tmp_path / "list", monkeypatch, part)
    assert runs >= 3, "no runs kept: nothing attacked"
    _same(parts, whole, tmp_path / "list")


def _refused(html: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No run kept (refused, or laid out again without), and the parts are the whole."""
    parts, whole, runs = _in_parts(html, tmp_path / "list", monkeypatch)
    assert runs == 0
    _same(parts, whole, tmp_path / "list")


def _never_run(
    html: str,
    names: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    part: int = 90,
) -> None:
    """The parts are the whole, and none of ``names`` was ever planned in a run."""
    planned: list[str] = []
    runs = listing._runs

    def recording(*args: Any) -> str:
        text = runs(*args)
        planned.extend(re.findall(r"<li [^>]*data-campaign-run=[^>]*>([^<]*)</li>", text))
        return text

    monkeypatch.setattr(listing, "_runs", recording)
    parts, whole, _ = _in_parts(html, tmp_path / "list", monkeypatch, part)
    ran = {name for run in planned for name in run.split("\n")}
    assert ran and not ran & set(names)
    _same(parts, whole, tmp_path / "list")


# --- Breaks found ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "css",
    ["li[style] { color: #c00 }", "li:not([style]) { text-decoration: underline }"],
    ids=["style-attribute", "no-style-attribute"],
)
def test_a_selector_of_the_style_attribute_picks_the_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str
) -> None:
    # A run is an <li> with a style attribute its items had not: a rule on [style] (or
    # :not([style])) styled the runs' names otherwise. Now a style sheet that picks by
    # the style attribute gets no runs (_run_plan, _STYLE_PICKED).
    _refused(_groups(_names(COUNT), css=css), tmp_path, monkeypatch)


@pytest.mark.parametrize(
    "css",
    [
        "li::after { content: ''; display: inline-block; width: 6px; height: 6px;"
        " background: #c00 }",
        "li::before { content: ''; display: inline-block; width: 10px }",
        "li::before { content: ''; padding-left: 10px }",
        f'li::before {{ content: url("{SVG}") }}',
    ],
    ids=["after-inline-block", "before-inline-block", "before-empty-padding", "before-image"],
)
def test_generated_boxes_without_text_are_an_items_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str
) -> None:
    # A ::before/::after that shows a box, a picture or a padding but no text left the
    # item's line text its element's own: a run had it once, the items each. Now the
    # modelled item's line must hold its own text boxes and nothing else (_run_geometry).
    _refused(_groups(_names(COUNT), css=css), tmp_path, monkeypatch)


def test_items_that_are_bookmarks_are_one_bookmark_a_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ``li { bookmark-level }`` gives each item an outline entry; a run was one entry,
    # its label all its names. Now an item that is a bookmark is never in a run.
    css = "li { bookmark-level: 3; bookmark-label: content() }"
    _refused(_groups(_names(COUNT), css=css), tmp_path, monkeypatch)


@pytest.mark.parametrize(
    ("css", "first"),
    [
        (".b li { line-height: 1.2 }", 150),
        (".b li { line-height: 1.3 }", 150),
        (".b li { line-height: 1.5 }", 120),
        (".b li { margin-bottom: 1px }", 150),
        (".b li { font-size: 90% }", 150),
        (".b li { background: #ddd }", 150),
    ],
    ids=["shorter-line", "a-little-shorter-line", "taller-line", "gap", "font-size", "background"],
)
def test_a_group_styled_otherwise_than_the_modelled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str, first: int
) -> None:
    # The model (and _run_geometry's checks) is read from one item of the first part; a
    # later group whose items were shorter or taller (line height, gap, font) was set in
    # runs of the model's line, its pages came out as predicted, and the whole had other
    # names a page. Now only items written as the modelled one (its start tag, and the
    # same elements open around it) are set in runs: the second group's never are.
    second = _names(COUNT - first, first)
    html = _groups(_names(first), second, css=css, ul=' class="b"')
    _never_run(html, second, tmp_path, monkeypatch)


@pytest.mark.parametrize(
    "css",
    [".v { background: #ddd }", ".v { border-bottom: 1px solid #999 }", ".v { line-height: 1.2 }"],
    ids=["background", "border", "line-height"],
)
def test_items_of_a_class_styled_otherwise_than_the_modelled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str
) -> None:
    # Items 150-299 are <li class="v">: a run of them kept the class, and drew one
    # background, one border. Now their start tag is not the modelled item's.
    names = _names(COUNT)
    body = "<ul>" + "".join(
        f'<li class="v">{name}</li>' if 150 <= n < 300 else f"<li>{name}</li>"
        for n, name in enumerate(names)
    )
    _never_run(_page(body + "</ul>", css), names[150:], tmp_path, monkeypatch)


def test_items_outside_the_list_have_their_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # <li> elements straight in the body (not in the ul that ``list-style: none`` is set
    # on) show a disc each; a run showed one. Now other elements around them than
    # around the modelled item keep them out of runs.
    names = _names(COUNT)
    body = (
        f"<ul>{_items(names[:200])}</ul><p>between</p>{_items(names[200:230])}"
        f"<ul>{_items(names[230:])}</ul>"
    )
    _never_run(_page(body), names[200:230], tmp_path, monkeypatch)


def test_names_in_a_narrower_list_than_the_modelled_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The second group's ul is 40 % narrower. Its names are all 24 characters (the
    # prediction reads only the length), narrow ones where pages start and end, wide
    # ones inside: those wrapped in the whole, and in a run stayed one line, checked
    # against the model's (wider) first-line width. Now the second group's items,
    # in another ul than the modelled one's, are never in a run.
    length = 24
    first = _names(150)
    first[70] = first[75] = "M" * length  # the model's widest character: an M
    narrow = ["i" * (length - 4) + f"{n:04d}" for n in range(250)]
    css = ".b { margin-right: 40% }"
    bounds: set[int] = set()
    run_plan = listing._run_plan

    def recorded(*args: Any) -> Any:
        plan = run_plan(*args)
        if plan:
            bounds.update(plan.bounds)
        return plan

    # Where pages start, laid out once with narrow names only.
    with monkeypatch.context() as patched:
        patched.setattr(listing, "_run_plan", recorded)
        _in_parts(_groups(first, narrow, css=css, ul=' class="b"'), tmp_path / "a", patched)
    assert bounds
    edges = {b + d for b in bounds for d in (-1, 0, 1)}
    wide = "M M M M M M M " + "M" * (length - 14)
    second = [
        name if 150 + n in edges or n < 4 or n > 245 else wide for n, name in enumerate(narrow)
    ]
    _never_run(_groups(first, second, css=css, ul=' class="b"'), second, tmp_path, monkeypatch)


@pytest.mark.parametrize("space", ["\u00a0", "\u3000"], ids=["nbsp", "ideographic"])
def test_a_space_between_items_that_html_does_not_collapse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, space: str
) -> None:
    # A no-break (or ideographic) space written between two items is text, a line of
    # its own in the whole; _runs took it for white space (str.strip()) and dropped it
    # inside a run. Now only HTML's white space is (_HTML_SPACE).
    names = _names(COUNT)
    body = f"<ul>{_items(names[:170])}{space}{_items(names[170:])}</ul>"
    _attack(_page(body), tmp_path, monkeypatch)


# --- What held --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "css",
    [
        "li { word-spacing: 6px }",
        "li { word-spacing: -2px }",
        "li { letter-spacing: 1px }",
        "li { font-variant: small-caps }",
        "li { font-feature-settings: 'smcp' }",
        "li { text-decoration: underline }",
        "li { text-shadow: 1px 1px #c00 }",
        "li { opacity: .5 }",
        "li { vertical-align: 3px }",
        "li { line-height: 140% }",
        "li { line-height: calc(1em + 4px) }",
        ":root { --g: 3px } li { margin-bottom: var(--g) }",
        "li { margin-bottom: 2% }",
        "li { break-after: avoid }",
        "li { orphans: 1; widows: 1 }",
        "li { tab-size: 2 }",
        "li { hyphens: auto }",
        "li { overflow-wrap: anywhere }",
        "li { box-decoration-break: clone }",
        "li { unicode-bidi: plaintext }",
        "li { margin-left: -3px }",
        "li { clear: both }",
        "li { outline: 0 solid; outline-offset: 3px }",
        "li { display: block }",
        "ul { display: flow-root }",
        "ul { transform: translateX(3px) }",
        "ul { page-break-inside: auto }",
        "h3 { margin: 30px 0 }",
        "li:hover { color: #c00 }",
        ".x::first-line { color: #c00 }",
    ],
)
def test_styles_that_set_names_as_runs_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str
) -> None:
    _attack(_groups(_names(COUNT), css=css), tmp_path, monkeypatch)


@pytest.mark.parametrize(
    "css",
    [
        "li { text-align-last: justify }",
        "li { text-align-last: right }",
        "li { text-align-last: center }",
        "li::first-line { color: #c00 }",
        "li { padding-left: 5%; text-indent: -5% }",
        "li { min-height: 1em }",
        "@media print { li { background: #eee } }",
        "li { white-space: nowrap }",
        "li { white-space: pre-line }",
        "ul { direction: rtl }",
        "li { position: relative; top: 1px }",
        "li { display: flow-root }",
        "li { line-height: 8px }",
        "li::after { content: ' ' }",
        "li::after { content: ''; display: block; height: 0 }",  # a box of its own
    ],
)
def test_styles_whose_runs_are_refused_or_undone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str
) -> None:
    # _run_geometry refuses them, or _runs_held finds the runs otherwise than the items.
    parts, whole, runs = _in_parts(_groups(_names(COUNT), css=css), tmp_path / "list", monkeypatch)
    assert runs == 0
    _same(parts, whole, tmp_path / "list")


@pytest.mark.parametrize(
    "css",
    [
        "li { margin: 4px 0 1px }",
        "li::first-letter { color: #c00 }",
        "li { counter-increment: n } li::before { content: counter(n) ' ' }",
        "li:nth-child(-n+3) { font-size: 20px }",
        "li:nth-child(5n) { color: #c00 }",
        "li { break-after: right }",
    ],
)
def test_styles_whose_lists_are_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, css: str
) -> None:
    # An item's top margin (kept at a part's start, truncated at a page's), a first
    # letter: the seams differ. A counter, a place among siblings, a right page: refused
    # before. The list is laid out whole (runs or not).
    monkeypatch.setattr(listing, "PART", 90)
    monkeypatch.setattr(listing, "LONG", 1)
    monkeypatch.setattr(listing, "PROBE", 60)
    assert listing.paged_list(_groups(_names(COUNT), css=css), tmp_path, tmp_path, "", DATE) is None


# Each: how an item's name is written (n: its plain name), every fifth from the 70th.
NAMES: dict[str, Callable[[str], str]] = {
    "ampersand": lambda n: n.replace(" ", " &amp; "),
    "bare-ampersand": lambda n: n + " &amp",
    "unknown-reference": lambda n: n + " &notit;",
    "escaped-markup": lambda n: n + " &lt;b&gt;",
    "quotes": lambda n: "&quot;" + n + "&quot;",
    "newline-reference": lambda n: n.replace(" ", "&#10;"),
    "return-reference": lambda n: n + "&#13;",
    "nbsp": lambda n: n.replace(" ", "&nbsp;"),
    "soft-hyphen": lambda n: n[:3] + "\u00ad" + n[3:],
    "zero-width-space": lambda n: n[:3] + "\u200b" + n[3:],
    "zero-width-joiner": lambda n: n[:3] + "\u200d" + n[3:],
    "zero-width-non-joiner": lambda n: n + "\u200c",
    "word-joiner": lambda n: n.replace(" ", " \u2060"),
    "byte-order-mark": lambda n: "\ufeff" + n,
    "combining-first": lambda n: "\u0301" + n,
    "combining": lambda n: n.replace("a", "a\u0308"),
    "emoji": lambda n: n + " \U0001f600",
    "emoji-presentation": lambda n: n + " \u2764\ufe0f",
    "arabic-first": lambda n: "محمد " + n,
    "arabic-last": lambda n: n + " محمد",
    "hebrew": lambda n: "דוד כהן",
    "right-to-left-override": lambda n: "\u202e" + n,
    "right-to-left-mark": lambda n: n + "\u200f",
    "unclosed-embedding": lambda n: "\u202b" + n + " abc",
    "thai": lambda n: "สมชาย ใจดี",
    "devanagari": lambda n: "नमस्ते " + n,
    "cjk": lambda n: n + " 東京",
    "fullwidth": lambda n: "ＡＢＣ " + n,
    "ligature": lambda n: n + " fi",
    "hyphen": lambda n: n.replace(" ", "-"),
    "non-breaking-hyphen": lambda n: n.replace(" ", "\u2011"),
    "mongolian-separator": lambda n: n.replace(" ", "\u180e"),
    "tab": lambda n: n.replace(" ", "\t"),
    "leading-space": lambda n: " " + n,
    "trailing-space": lambda n: n + " ",
    "thin-space": lambda n: n.replace(" ", "\u2009"),
    "ideographic-space": lambda n: n.replace(" ", "\u3000"),
    "bold": lambda n: f"<b>{n}</b>",
}
# Several kinds in one list (a list laid out twice takes a second or two).
NAME_LISTS = [list(NAMES)[n : n + 5] for n in range(0, len(NAMES), 5)]


@pytest.mark.parametrize("kinds", NAME_LISTS, ids=["+".join(k) for k in NAME_LISTS])
def test_names_written_otherwise_in_runs_are_their_items(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kinds: list[str]
) -> None:
    names = _names(COUNT)
    written = [
        NAMES[kinds[(n // 5) % len(kinds)]](name) if n % 5 == 2 and n > 70 else name
        for n, name in enumerate(names)
    ]
    _attack(_groups(written), tmp_path, monkeypatch)


def test_names_as_wide_as_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A name of W's on the model's page makes the widest character a W: names of
    # emoji (wider) get past the model's guess, their widths around the line's (a
    # picture of 6 px wider each), some wrapping in the whole. _runs_held's width check
    # (the first line's width - 1 px) keeps them out of the runs kept.
    names = _names(COUNT)
    names[70] = names[80] = "W" * 18
    for n in range(100, COUNT, 3):
        count = 12 + n % 6
        names[n] = "\U0001f600" * (count // 2) + " " + "\U0001f600" * (count - count // 2)
    _attack(_groups(names), tmp_path, monkeypatch)


def test_long_unbreakable_and_empty_names_are_items_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _names(COUNT)
    for n in range(72, COUNT, 5):
        names[n] = names[n].replace(" ", "") * 3 if n % 2 else ""
    parts, whole, _ = _in_parts(_groups(names), tmp_path / "list", monkeypatch)
    _same(parts, whole, tmp_path / "list")


def _small_groups(sizes: list[int]) -> str:
    names, body, at = _names(COUNT), "", 0
    rnd = random.Random(1)
    while at < COUNT:
        size = rnd.choice(sizes)
        body += f"<h3>G{at}</h3><ul>{_items(names[at : at + size])}</ul>"
        at += size
    return _page(body)


@pytest.mark.parametrize(
    ("html", "runs"),
    [
        (_small_groups([1, 2, 3, 4, 5]), False),  # no group long enough for a run
        (_small_groups([1, 2, 5, 8, 13, 30]), True),
        (_page(f"<ol style='list-style: none'>{_items(_names(COUNT))}</ol>"), False),
        (_page("<ul>" + "".join(
            f"<li>{x}</li>" if n % 17 else f"<li>{x}<ul><li>sub</li></ul></li>"
            for n, x in enumerate(_names(COUNT))) + "</ul>"), False),
        (_page("<ul>" + "".join(
            f"<li>{x}" if n % 50 == 7 else f"<li>{x}</li>"
            for n, x in enumerate(_names(COUNT))) + "</ul>"), False),
        (_page("<ul>" + "".join(
            f'<li dir="rtl">{x}</li>' if 150 <= n < 300 else f"<li>{x}</li>"
            for n, x in enumerate(_names(COUNT))) + "</ul>"), True),
        (_page("<ul>" + "".join(
            f'<li lang="ja">{x} 直</li>' if 150 <= n < 300 else f"<li>{x} 直</li>"
            for n, x in enumerate(_names(COUNT))) + "</ul>"), True),
        (_groups(_names(120), _names(180, 120), css=".b li { text-align: center }",
                 ul=' class="b"'), True),
        (_groups(_names(120), _names(180, 120), ul=' dir="rtl"'), True),
        (_groups(_names(120), _names(180, 120), ul=' class="b"',
                 css=".b li { padding-left: 3em; text-indent: -3em }"), True),
        (_page("<ul>" + "".join(
            f'<li class="p">{x}</li>' if n % 50 == 49 else f"<li>{x}</li>"
            for n, x in enumerate(_names(COUNT))) + "</ul>", ".p { break-after: page }"), False),
        (_page("<ul>" + "".join(f"<li>\n{x}\n</li>\n" for x in _names(COUNT)) + "</ul>"), False),
        (_page("<ul>" + "".join(f"<li >{x}</li >" for x in _names(COUNT)) + "</ul>"), False),
    ],
    ids=["groups-of-1-to-5", "groups-of-1-to-30", "ol", "nested", "unclosed", "rtl-items",
         "lang-items", "centred-group", "rtl-group", "wider-indent-group",
         "forced-breaks", "newlines-in-items", "spaces-in-tags"],
)  # fmt: skip
def test_lists_built_otherwise_are_the_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, html: str, runs: bool
) -> None:
    parts, whole, kept = _in_parts(html, tmp_path / "list", monkeypatch)
    assert (kept > 0) == runs
    _same(parts, whole, tmp_path / "list")


@pytest.mark.parametrize("shift", [1, -1, -2, 5, "every-other", "halves"])
def test_runs_planned_on_mispredicted_pages_are_laid_out_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shift: int | str
) -> None:
    # Every predicted page start but the first moved, dropped or doubled: runs are
    # planned across true page starts; each part is laid out again without them.
    predict = listing._predict

    def wrong(*args: Any) -> Any:
        starts, pages = predict(*args)
        if shift == "every-other":
            moved = starts[:1] + starts[1::2]
        elif shift == "halves":
            moved = starts[:1] + [
                n for a, b in itertools.pairwise(starts) for n in ((a + b) // 2, b)
            ]
        else:
            assert isinstance(shift, int)
            moved = starts[:1] + [n + shift for n in starts[1:]]
        return listing._Prediction(moved, pages)

    monkeypatch.setattr(listing, "_predict", wrong)
    html = _groups(_names(130), _names(130, 130), _names(140, 260))
    parts, whole, runs = _in_parts(html, tmp_path / "list", monkeypatch)
    assert runs == 0
    _same(parts, whole, tmp_path / "list")


# --- Builds ---------------------------------------------------------------------------


def _own_template(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The workspace's own joint-letter template folder, made; parts of 300 names."""
    monkeypatch.setattr(listing, "PART", 300)
    monkeypatch.setattr(listing, "LONG", 600)
    folder = root / "templates" / "joint-letter"
    folder.mkdir(parents=True)
    return folder


def _built_and_whole(root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """Build (one job); compare signatories.pdf with the list laid out whole; the runs kept."""
    laid = counting_runs(monkeypatch)
    result = run("build", "--jobs", "1", workspace=root)
    assert result.exit_code == 0, result.stderr
    bundle = load_letters(Workspace(root))[0][0]
    html = Composer(bundle).signatories_html()
    whole = write(layout(html, bundle.letter.folder, root), "", DATE)
    (tmp_path / "whole.pdf").write_bytes(whole)
    built = root / "build" / "japan-hrc-2020" / "signatories.pdf"
    assert pdf_pages(built) == pdf_pages(tmp_path / "whole.pdf")
    assert pictures(built.read_bytes(), dpi=40) == pictures(whole, dpi=40)
    return sum(runs for _, runs in laid)


def test_a_built_list_of_4000_names_is_the_list_laid_out_whole(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped PART and LONG: 4000 names are cut in parts of 1500, with runs.
    write_signatories(example, 4000)
    assert _built_and_whole(example, tmp_path, monkeypatch) >= 10


def test_a_workspace_template_that_styles_a_group_builds_another_list(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A workspace's joint-letter gives each group's ul a class and sets the second group
    # a little tighter (a documented way: templates/<name>/ before the shipped one,
    # extra_css). The build's signatories.pdf had the first group's line for the second
    # group's names in runs, and other pages than the whole. Now only the first group's
    # items, written as the modelled one is, are set in runs.
    folder = _own_template(example, monkeypatch)
    shipped = Path(listing.__file__).parents[1] / "templates" / "joint-letter"
    signatures = (shipped / "signatures.html.j2").read_text(encoding="utf-8")
    (folder / "signatures.html.j2").write_text(
        signatures.replace("<ul>", '<ul class="group-{{ loop.index }}">')
    )
    (folder / "signatories.html.j2").write_text(
        '{% extends "builtin/joint-letter/signatories.html.j2" %}'
        "{% block extra_css %}.signatures .group-2 li { line-height: 1.3 }{% endblock %}"
    )
    write_signatories(example, 1300, wrapping=False)
    assert _built_and_whole(example, tmp_path, monkeypatch) >= 3
