"""Envelopes stacked on tall pages and cut: a workspace's own style must not make them wrong.

The build lays the addresses out 25 envelopes to a tall page and cuts each page into
envelopes (engine.split_sheets). Whatever a workspace's template draws by the page (a
page number, a page or canvas background) would count or paint the tall page, not the
envelope: such a template is laid out an envelope a page, and reads and looks the same.
"""

from __future__ import annotations

from pathlib import Path

import pikepdf
import pytest

from campaign.load.catalog import BUILTIN_TEMPLATES

from conftest import flat, pdf_pages, pictures, run

SENDER = "Test Coalition 1 Test Street 10115 Berlin"
STACKING = 'layer == "overlay" and stack|default(1) > 1'


def _addressees(ws: Path, count: int) -> list[str]:
    """Write ``count`` addressees; return their names."""
    names = [f"Person {n + 1}" for n in range(count)]
    lines = ["to:\n"] + [
        f"  - name: {name}\n    salutation: Dear {name},\n"
        f"    address: [Room {n + 1}, Test Street 3, 10115 Berlin]\n"
        for n, name in enumerate(names)
    ]
    (ws / "letters" / "test" / "recipients.yaml").write_text("".join(lines))
    return names


def _own_template(ws: Path, style: str, stacked: bool = True) -> None:
    """The shipped envelopes with ``style`` added; ``stacked=False`` drops the stacking."""
    shipped = (BUILTIN_TEMPLATES / "joint-letter" / "envelopes.html.j2").read_text()
    assert STACKING in shipped and shipped.count("</style>") == 2
    own = shipped.replace("</style>", f"{style}\n</style>", 1)
    if not stacked:
        own = own.replace(STACKING, "false")
    folder = ws / "templates" / "joint-letter"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "envelopes.html.j2").write_text(own)


def _build(ws: Path) -> Path:
    result = run("build", "--jobs", "1", workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / "test" / "envelopes.pdf"


def test_a_page_number_on_an_envelope_counts_envelopes_not_tall_pages(minimal: Path) -> None:
    # counter(page) is worked out when the pages are laid out: on a tall page of 25
    # stacked envelopes every one of them would say 1.
    # A line of its own: the address's lines are one text (as_lines), not blocks.
    _own_template(
        minimal, '.envelope .to::before { content: "No. " counter(page); display: block; }'
    )
    names = _addressees(minimal, 4)
    built = _build(minimal)
    assert [flat(page) for page in pdf_pages(built)] == [
        f"{SENDER} No. {n} {name} Room {n} Test Street 3 10115 Berlin"
        for n, name in enumerate(names, 1)
    ]


@pytest.mark.parametrize(
    "style",
    [
        # Painted over the whole page: on a tall page, each envelope shows a slice of it.
        "@page { background: linear-gradient(#fff, #000); }",
        "html { background: linear-gradient(#fff, #000); }",
        # The first page only: on a tall page, the first 25 envelopes.
        "@page :first { background: #ccc; }",
        # By the page's number or side: a tall page is page 1, a right page, whatever
        # envelope stands on it.
        "@page :left { background: #ccc; }",
        "@page :nth(2) { size: 220mm 120mm; }",
        "@page :nth(2n) { margin-left: 5mm; }",
    ],
)
def test_a_background_of_the_page_looks_as_on_envelopes_laid_out_a_page_each(
    minimal: Path, tmp_path: Path, style: str
) -> None:
    names = _addressees(minimal, 3)
    _own_template(minimal, style)
    built = _build(minimal)
    stacked = pdf_pages(built), pictures(built)
    _own_template(minimal, style, stacked=False)
    alone = _build(minimal)
    assert [flat(page) for page in stacked[0]] == [
        f"{SENDER} {name} Room {n} Test Street 3 10115 Berlin" for n, name in enumerate(names, 1)
    ]
    assert stacked[0] == pdf_pages(alone)
    assert stacked[1] == pictures(alone)


def test_an_envelope_box_shorter_than_its_page_keeps_the_pages_size(minimal: Path) -> None:
    # A workspace's copy makes the envelope's box a millimetre shorter than its page:
    # laid out a page each, every page is still a DL envelope (220 × 110 mm).
    _own_template(minimal, ".envelope { height: 109mm; }")
    _addressees(minimal, 3)
    built = _build(minimal)
    with pikepdf.open(built) as pdf:
        sizes = {tuple(float(v) for v in page.mediabox) for page in pdf.pages}
    assert sizes == {(0.0, 0.0, 623.622047, 311.811024)}
