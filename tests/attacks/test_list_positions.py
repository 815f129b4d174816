"""A long list cut into parts: a style that picks items by their place, away from the seams.

A part reopens the elements its first item stands in, so the items of a continued group
are counted from the part's first and the elements around them have no siblings before
or after them. The seam check sees what that changes on the page where a part starts;
a style that picks the 200th item of a group, or forces a break before the 150th,
changes pages inside a part, which no seam compares: the first three cases came out
wrong, silently, before such lists were laid out whole (``listing._by_place``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.pdf import listing
from campaign.pdf.render import layout, render_pdf, write

from conftest import grouped_list, pdf_pages, pictures

DATE = "2020-02-13T00:00:00Z"

PLACED = {
    "the 200th of a group": 'li:nth-child(200)::after { content: " MARKED"; }',
    "the 200th of its type": "li:nth-of-type(200) { color: #c00; }",
    "a forced break in a group": "li:nth-child(150) { break-before: page; }",
    "every seventh": 'li:nth-child(7n)::after { content: " SEVENTH"; }',
    "the last ones of a group": 'li:nth-last-child(-n+10)::after { content: " LAST"; }',
    "groups after the first": "h3 ~ ul li { color: #c00; }",
    "a group after a group": "ul + h3 + ul li { color: #00c; }",
    "the first few, in colour": "li:nth-child(-n+3) { color: #c00; }",
    "printed only": "@media print { li:nth-child(even) { background: #ccc; } }",
}


def two_groups(style: str) -> str:
    """A list page of two groups of 250 names; ``style`` added."""
    return grouped_list(style, 250, groups=2)


@pytest.fixture(autouse=True)
def short_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of 60 items, from lists of 120: five parts to the list."""
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)


@pytest.mark.parametrize("case", sorted(PLACED))
def test_a_style_that_picks_items_by_their_place_is_laid_out_whole(case: str) -> None:
    html = two_groups(PLACED[case])
    assert not listing.is_long(html)
    assert listing.paged_list(html, Path("."), Path("."), "", DATE) is None


def test_the_item_picked_by_its_place_is_the_whole_layouts(tmp_path: Path) -> None:
    html = two_groups(PLACED["the 200th of a group"])
    (tmp_path / "made.pdf").write_bytes(render_pdf(html, tmp_path, tmp_path))
    (tmp_path / "whole.pdf").write_bytes(write(layout(html, tmp_path, tmp_path), "", DATE))
    made = "\n".join(pdf_pages(tmp_path / "made.pdf"))
    assert made.count("MARKED") == 2
    assert "Name 0-199 MARKED" in made and "Name 1-199 MARKED" in made
    assert made == "\n".join(pdf_pages(tmp_path / "whole.pdf"))


def test_the_first_items_kept_with_their_heading_are_still_cut_into_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The shipped templates' rule: breaks only, and only a group's first three, which
    # in a part stand on its first page, compared line by line at the seam.
    cuts: list[int] = []
    lay_part = listing.lay_part
    monkeypatch.setattr(listing, "lay_part", lambda job: cuts.append(job.first) or lay_part(job))
    html = two_groups("h3 { break-after: avoid } li:nth-child(-n+3) { break-before: avoid }")
    listed = listing.paged_list(html, tmp_path, tmp_path, "", DATE)
    assert listed is not None
    assert len(cuts) > 3
    (tmp_path / "parts.pdf").write_bytes(listed)
    (tmp_path / "whole.pdf").write_bytes(write(layout(html, tmp_path, tmp_path), "", DATE))
    assert pdf_pages(tmp_path / "parts.pdf") == pdf_pages(tmp_path / "whole.pdf")
    assert pictures(tmp_path / "parts.pdf", dpi=30) == pictures(tmp_path / "whole.pdf", dpi=30)
