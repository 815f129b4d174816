"""A long list laid out in parts, with a workspace's own styles that carry state across pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.pdf import listing
from campaign.pdf.render import layout, write

from conftest import grouped_list, pdf_pages

DATE = "2020-02-13T00:00:00Z"


def _groups(style: str, size: int = 50) -> str:
    """Six groups of ``size`` names (conftest.grouped_list)."""
    return grouped_list(style, size)


def test_a_running_header_naming_the_group_is_the_whole_layouts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    html = _groups(
        "h3 { string-set: group content() } @page { @top-right { content: string(group) } }"
    )
    _same(html, tmp_path)


def test_numbered_group_headings_are_the_whole_layouts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    html = _groups(
        "section { counter-reset: g } h3 { counter-increment: g } "
        'h3::before { content: counter(g) ". " }',
        100,
    )
    _same(html, tmp_path)


def _same(html: str, tmp_path: Path) -> None:
    whole = write(layout(html, tmp_path, tmp_path), "", DATE)
    parts = listing.paged_list(html, tmp_path, tmp_path, "", DATE)
    (tmp_path / "whole.pdf").write_bytes(whole)
    pages = pdf_pages(tmp_path / "whole.pdf")
    assert len(pages) > 5
    if parts is not None:  # laid out whole is always right
        (tmp_path / "parts.pdf").write_bytes(parts)
        assert pdf_pages(tmp_path / "parts.pdf") == pages
