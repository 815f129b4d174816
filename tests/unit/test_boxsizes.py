"""A box's used sizes kept per style and containing block are what WeasyPrint would resolve."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import patchcheck
import pytest
from linecostcheck import document

from campaign.pdf import boxsizes

BOXES = [
    "",
    "margin: 2% 5% 1em; padding: 1% 3mm",
    "width: 60%; min-width: 30mm; max-width: 80%; box-sizing: border-box; padding: 2mm;"
    " border: 1pt solid",
    "height: 12mm; min-height: 10%; max-height: 40mm; box-sizing: padding-box; padding: 1mm",
    "width: calc(50% + 2em); margin-left: calc(10% - 1mm)",
    "margin: auto; width: 30vw; padding: 1vh 2vw",
    "float: left; width: 40%; margin-right: 2%",
    "position: absolute; left: 10%; width: 20%",
    "display: inline-block; width: 45%; padding: 1%",
    "border-radius: 10% 2mm; border: 2pt solid red; padding: 1em",
]


@contextmanager
def _weasyprint_own() -> Iterator[None]:
    import importlib

    import weasyprint.layout.percent as percent

    boxsizes.install()
    kept = percent.resolve_percentages
    modules = [
        importlib.import_module(f"weasyprint.layout.{name}")
        for name in ("percent", "inline", "page", "float", "grid", "absolute", "block",
                     "column", "table", "background", "replaced", "flex")
    ]  # fmt: skip
    modules = [m for m in modules if getattr(m, "resolve_percentages", None) is kept]
    for module in modules:
        module.resolve_percentages = percent.campaign_resolve
    try:
        yield
    finally:
        for module in modules:
            module.resolve_percentages = kept


def _both(html: str, tmp_path: Path) -> tuple[bytes, bytes]:
    return patchcheck.both(html, tmp_path, _weasyprint_own)


@pytest.mark.parametrize("style", BOXES)
def test_like_boxes_in_blocks_of_several_widths(tmp_path: Path, style: str) -> None:
    css = f".x {{ {style} }} .narrow {{ width: 55% }} section {{ position: relative }}"
    items = "".join(f"<div class='x'>Signatory {n}, Japan</div>" for n in range(30))
    body = (
        f"<section>{items}</section><section class='narrow'>{items}</section>"
        f"<ul style='columns: 2'>{''.join(f'<li class=x>Name {n}</li>' for n in range(40))}</ul>"
    )
    own, kept = _both(document(css, body), tmp_path)
    assert own == kept


def test_tables_flex_and_grids_of_like_cells(tmp_path: Path) -> None:
    css = (
        "table { border-collapse: collapse; width: 90% } td { border: 1pt solid; padding: 2%;"
        " width: 30% } .sep { border-collapse: separate } .flex { display: flex }"
        " .flex div { flex: 1; padding: 3% } .grid { display: grid;"
        " grid-template-columns: 1fr 2fr } .grid div { margin: 2% }"
    )
    rows = "".join(f"<tr><td>Name {n}</td><td>Japan</td><td>{n}</td></tr>" for n in range(25))
    cells = "".join(f"<div>Cell {n}</div>" for n in range(12))
    body = (
        f"<table>{rows}</table><table class='sep'>{rows}</table>"
        f"<div class='flex'>{cells}</div><div class='grid'>{cells}</div>"
    )
    own, kept = _both(document(css, body), tmp_path)
    assert own == kept


# Content that counts the pages: each page holding it is laid out again once the count
# is known, the document's first among them.
_COUNTED = "p::after { content: ' of ' counter(pages) }"
_TEXT = "Joint open letter on human rights, signed by the organisations below. " * 4


@pytest.mark.parametrize(
    "css",
    [
        "p { width: calc(100% - 10vh) }",
        "p { margin-left: calc(10vh + 1%) }",
        "p { padding-left: calc(2% + 3vmin) }",
    ],
)
def test_viewport_lengths_in_calc_when_the_first_page_moves(tmp_path: Path, css: str) -> None:
    # A calc() with a percentage is resolved by resolve_percentages, its viewport
    # lengths against the first page's area as WeasyPrint knows it then: the first
    # page's margins in vh make that area move each time the first page is made again
    # (for the page count), while the paragraphs' containing block keeps its width.
    body = "".join(f'<h2 style="break-before: page">Part {n}</h2><p>{_TEXT}</p>' for n in range(3))
    html = (
        f"<html lang='en'><head><style>@page {{ size: A6; margin: 10vh 12mm }} {css}"
        f" {_COUNTED}</style></head><body>{body}</body></html>"
    )
    own, kept = _both(html, tmp_path)
    assert own == kept
