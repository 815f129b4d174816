"""A long list cut into parts, attacked: a running element taken from the list's flow.

A group's heading set ``position: running()`` and shown in a margin box changes what
the margins show from page to page, as a named string does; the furniture laid out
once for all pages shows only what the list's start holds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.pdf import listing
from campaign.pdf.render import layout, write

from conftest import grouped_list, pdf_pages, pictures

DATE = "2020-02-13T00:00:00Z"


@pytest.mark.parametrize(
    "style",
    [
        "h3 { position: running(group); } @page { @top-center { content: element(group); } }",
        "h3 { position: running(group); } @page { @top-center { content: element(group, last); } }",
    ],
)
def test_a_list_with_a_running_heading_reads_as_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    html = grouped_list(style, 100)
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(write(layout(html, tmp_path, tmp_path), "", DATE))
    parts = tmp_path / "parts.pdf"
    listed = listing.paged_list(html, tmp_path, tmp_path, "", DATE)
    parts.write_bytes(listed if listed is not None else whole.read_bytes())
    assert "Group 3" in pdf_pages(whole)[8]
    assert pdf_pages(parts) == pdf_pages(whole)
    assert pictures(parts, dpi=30) == pictures(whole, dpi=30)
