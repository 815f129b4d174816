"""The paper table: each paper's default windows are windows on that paper."""

from __future__ import annotations

from campaign.paper.envelopes import LABEL_SHEETS, WINDOWS, page_geometry
from campaign.paper.sizes import PAPERS


def test_each_paper_goes_by_default_in_a_window_made_for_it() -> None:
    wrong = [
        (paper.name, window)
        for paper in PAPERS.values()
        for window in (paper.envelope, *dict(paper.envelopes).values())
        if WINDOWS[window].paper != paper.name
    ]
    assert wrong == []


def test_every_window_and_label_sheet_is_on_a_known_paper() -> None:
    assert {w.paper for w in WINDOWS.values()} | set(LABEL_SHEETS) == set(PAPERS)


def test_the_window_lies_inside_the_sheet_of_its_paper() -> None:
    for window in WINDOWS.values():
        paper = PAPERS[window.paper]
        page = page_geometry(paper.name, window.name)
        assert page["size"] == paper.css
        assert window.left > 0 and window.left + window.width < paper.width
        assert window.top > 0 and window.top + window.height < paper.height
