"""A long list cut into parts: an item's look taken from its place among its siblings.

Each part is a document of its own, so ``li:nth-child(even)``, ``li + li`` or
``:first-child`` count the items from the part's first, not the list's: text and
places stay the same and only the look changes. The seam check must see it, and the
list must look exactly as laid out whole.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.pdf import listing
from campaign.pdf.render import layout, write

from conftest import grouped_list, pdf_pages, pictures

DATE = "2020-02-13T00:00:00Z"


def _groups(style: str, size: int = 100) -> str:
    """Six groups of ``size`` names (conftest.grouped_list)."""
    return grouped_list(style, size)


@pytest.mark.parametrize(
    "style",
    [
        "li:nth-child(even) { background: #ccc; }",  # a striped list
        "li:first-child { color: #c00; }",
        "li + li { color: #00c; }",
    ],
)
def test_a_list_styled_by_sibling_place_looks_as_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    html = _groups(style)
    whole = tmp_path / "whole.pdf"
    whole.write_bytes(write(layout(html, tmp_path, tmp_path), "", DATE))
    parts = tmp_path / "parts.pdf"
    listed = listing.paged_list(html, tmp_path, tmp_path, "", DATE)
    parts.write_bytes(listed if listed is not None else whole.read_bytes())
    assert len(pdf_pages(whole)) == 15
    assert pdf_pages(parts) == pdf_pages(whole)
    assert pictures(parts, dpi=30) == pictures(whole, dpi=30)


def test_a_plain_list_is_still_cut_into_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The look compared at the seams is the same for items that look the same.
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    cuts: list[int] = []
    lay_part = listing.lay_part
    monkeypatch.setattr(listing, "lay_part", lambda job: cuts.append(job.first) or lay_part(job))
    html = _groups("")
    listed = listing.paged_list(html, tmp_path, tmp_path, "", DATE)
    assert listed is not None
    assert len(cuts) > 3
    (tmp_path / "parts.pdf").write_bytes(listed)
    (tmp_path / "whole.pdf").write_bytes(write(layout(html, tmp_path, tmp_path), "", DATE))
    assert pdf_pages(tmp_path / "parts.pdf") == pdf_pages(tmp_path / "whole.pdf")
    assert pictures(tmp_path / "parts.pdf", dpi=30) == pictures(tmp_path / "whole.pdf", dpi=30)
