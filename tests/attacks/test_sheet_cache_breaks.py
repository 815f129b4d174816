"""Attacks on the style sheets read once per process (cascade._sheet_cache).

A kept sheet is one object shared by every document that carries it: what WeasyPrint
makes of it (a gradient, say) is the same object in each. Nothing may tell that apart
from each document reading the sheet anew, and the cache itself may be used by
several threads at once (a build with --jobs 1 lays out a long list in a thread of
its own while the build's thread lays out the letters).
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from campaign.pdf import cascade, listing

from conftest import grouped_list

DATE = "2020-02-13T00:00:00Z"


@pytest.mark.parametrize(
    "style",
    [
        "@page { size: 120mm 80mm; background: linear-gradient(#fff, #eef) }",
        "li { background-image: linear-gradient(#fff, #eef) }",
    ],
)
def test_a_list_is_cut_as_it_was_when_each_part_read_its_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    """The seams compare each part's look: a value WeasyPrint keeps as an object (a
    gradient) was another object in each part, and now is one shared by the parts."""
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    html = grouped_list(style, 100)
    with monkeypatch.context() as fresh:
        fresh.setattr(cascade, "_keeps", lambda css: False)  # every sheet read anew
        anew = listing.paged_list(html, tmp_path, tmp_path, "", DATE)
    cascade._KEPT.clear()
    kept = listing.paged_list(html, tmp_path, tmp_path, "", DATE)
    assert any(style in key[0] for key in cascade._KEPT)  # the sheet was kept
    assert kept == anew


class _Sheet:
    """Stands in for WeasyPrint's CSS: what the cache keeps, at once."""

    def __init__(self, **given: Any) -> None:
        given["page_rules"].append(given["string"])


@pytest.fixture
def quick_sheets(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The cache around a sheet that is read at once, so threads meet in the cache itself."""
    import weasyprint.css

    monkeypatch.setattr(weasyprint.css, "CSS", _Sheet)
    monkeypatch.setattr(cascade, "_KEPT", {})
    cascade._sheet_cache()
    yield weasyprint.css.CSS


def test_threads_reading_sheets_at_once_never_fail(quick_sheets: Any) -> None:
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns as often as they can
    failed: list[BaseException] = []

    def read(thread: int) -> None:
        for n in range(15_000):
            rules: list[Any] = []
            try:
                quick_sheets(
                    string=f"p {{ color: #{thread}{n} }}",
                    base_url="file:///w/",
                    media_type="print",
                    page_rules=rules,
                )
            except Exception as exc:  # KeyError, StopIteration, RuntimeError
                failed.append(exc)
                return
            assert rules == [f"p {{ color: #{thread}{n} }}"]

    try:
        threads = [threading.Thread(target=read, args=(t,)) for t in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
    assert failed == []
    assert len(cascade._KEPT) <= cascade._KEPT_SHEETS
