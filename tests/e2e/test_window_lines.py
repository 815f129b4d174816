"""The address in a letter's window, one text a line a line, prints as the block a line it was.

An overlay lays out every addressee's address; as one text set ``white-space: pre``
(as_lines) it has far fewer boxes than a block a line, and it must print the same,
on whole letters and overlays alike. A line wider than the window is set a block a
line again, to wrap with its hanging indent.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer, overlay_batch, sharing
from campaign.load.workspace import Workspace
from campaign.pdf import render
from campaign.pdf.engine import split_sheets
from campaign.pdf.render import fitted_layout, layout, render_pdf, vary_layout, write

from conftest import flat, pdf_pages, pictures

# Addresses as people type them: spaces doubled and at the ends, Japanese and Arabic.
ODD = (
    '  - name: " Ada  Minister"\n    salutation: Dear Minister,\n'
    '    address: ["Wilhelmstraße  1 ", "東京都千代田区永田町 2-1-2", "مرحبا بكم في المدينة", '
    '"10117   Berlin"]\n'
)
# A line wider than the window: it wraps with a hanging indent.
WIDE = (
    '  - name: "Someone With A Very Long Name Indeed Who Wraps In The Window"\n'
    "    salutation: Dear Someone,\n    address: [Unter den Linden 2, 10117 Berlin]\n"
)
_TEXT = re.compile(r"(<div [^>]*class=\"address vary\"[^>]*?) data-fit-lines>(.*?)</div>", re.S)


def a_block_a_line(html: str) -> str:
    """``html`` with each window address a block a line, as before as_lines."""

    def spans(found: re.Match[str]) -> str:
        lines = found.group(2).split("\n")
        return found.group(1) + ">" + "".join(f"<span>{line}</span>" for line in lines) + "</div>"

    return _TEXT.sub(spans, html)


@pytest.mark.parametrize("wide", [False, True])
def test_window_addresses_set_as_text_read_and_look_as_a_block_a_line(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wide: bool
) -> None:
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    text = recipients.read_text()
    recipients.write_text(text.replace("cc:\n", ODD + (WIDE if wide else "") + "cc:\n"))
    bundles, _ = load_letters(Workspace.locate(minimal), None)
    composer, folder = Composer(bundles[0]), bundles[0].letter.folder
    laid_out: list[str] = []

    def recorded(html: str, *rest: Any) -> Any:
        laid_out.append(html)
        return layout(html, *rest)

    monkeypatch.setattr(render, "layout", recorded)
    for n, addressee in enumerate(composer.to):
        html = composer.letter_html(addressee)
        assert html.count("data-fit-lines>") == 1
        as_text, blocks = tmp_path / f"{n}.pdf", tmp_path / f"{n}-blocks.pdf"
        as_text.write_bytes(render_pdf(html, folder, minimal))
        blocks.write_bytes(render_pdf(a_block_a_line(html), folder, minimal))
        assert pdf_pages(as_text) == pdf_pages(blocks)
        assert pictures(as_text, last=1) == pictures(blocks, last=1)
    page_1 = flat(pdf_pages(tmp_path / "1.pdf")[0])
    assert "Ada Minister Wilhelmstraße 1 東京都千代田区永田町 2-1-2" in page_1
    # Laid out as text; a block a line again only when a line is wider than the window.
    wrapped = [
        bool(re.search(r"data-fit-lines[^>]*><span>", html))
        for html in laid_out
        if "data-fit-lines" in html
    ]
    assert wrapped.count(True) == (1 if wide else 0)

    # The overlay of all of them, cut apart, reads as the letters' own page 1s do.
    master, misfits = fitted_layout(sharing(composer).layers[0], folder, minimal)
    places = vary_layout(master)
    assert places is not None and not misfits
    batch, compact = overlay_batch(composer, composer.to, places)
    assert compact
    document, misfits = fitted_layout(batch, folder, minimal)
    assert not misfits
    cut = split_sheets(document, master.pages[0].height) or document
    overlay = tmp_path / "overlay.pdf"
    overlay.write_bytes(write(cut))
    pages = pdf_pages(overlay)
    assert len(pages) == len(composer.to)
    for n, page in enumerate(pages):
        letter = {line.strip() for line in pdf_pages(tmp_path / f"{n}.pdf")[0].splitlines()}
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines and set(lines) <= letter, (lines, letter)


def test_a_line_wider_than_an_address_narrower_than_its_window_wraps_as_a_block_would(
    minimal: Path, tmp_path: Path
) -> None:
    # A workspace's style may make the address narrower than the window: a line that fits
    # the window but not the address wraps there, set a block a line, and must here too.
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    text = recipients.read_text()
    line = "Unter den Linden 2, Hinterhaus, Aufgang C"  # ~60 mm at 10 pt: wider than 40 mm
    wide = (
        '  - name: "Bea Minister"\n    salutation: Dear Minister,\n'
        f'    address: ["{line}", "10117 Berlin"]\n'
    )
    recipients.write_text(text.replace("cc:\n", wide + "cc:\n"))
    bundles, _ = load_letters(Workspace.locate(minimal), None)
    composer, folder = Composer(bundles[0]), bundles[0].letter.folder
    narrow = "<style>.window .address { width: 40mm }</style></head>"
    html = composer.letter_html(composer.to[-1]).replace("</head>", narrow, 1)
    as_text, blocks = tmp_path / "text.pdf", tmp_path / "blocks.pdf"
    as_text.write_bytes(render_pdf(html, folder, minimal))
    blocks.write_bytes(render_pdf(a_block_a_line(html), folder, minimal))
    page_1 = pdf_pages(blocks)[0]
    assert line not in page_1 and "Hinterhaus" in page_1  # it wraps
    assert pdf_pages(as_text) == pdf_pages(blocks)
    assert pictures(as_text, last=1) == pictures(blocks, last=1)
