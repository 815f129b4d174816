"""The list's first part handed out ahead (listing._probe_ahead) and its gaps measured apart."""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from campaign.errors import CampaignError
from campaign.pdf import listing
from campaign.pdf.pool import WorkerDied, _InProcess, workers
from campaign.pdf.render import layout, write

from conftest import grouped_list, pdf_pages

DATE = "2020-02-13T00:00:00Z"


class _Handed:
    """Remembers each job handed out; lays it out here, at once (``lazy``: only when read)."""

    def __init__(self, lazy: bool = False) -> None:
        self.lazy = lazy
        self.handed: list[tuple[str, int | None]] = []
        self.read: list[tuple[str, int | None]] = []  # the lazy jobs' results asked for

    def submit(self, fn: Callable[[Any], Any], job: Any) -> Any:
        self.handed.append((fn.__name__, getattr(job, "first", None)))
        if self.lazy:

            def result() -> Any:
                self.read.append((fn.__name__, getattr(job, "first", None)))
                return fn(job)

            return SimpleNamespace(result=result)
        return _InProcess().submit(fn, job)


def _small(monkeypatch: pytest.MonkeyPatch, long: int = 120) -> None:
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", long)


def _same_as_whole(html: str, tmp_path: Path, pool: Any) -> None:
    parts = listing.paged_list(html, tmp_path, tmp_path, "", DATE, pool=pool)
    assert parts is not None
    (tmp_path / "whole.pdf").write_bytes(write(layout(html, tmp_path, tmp_path), "", DATE))
    (tmp_path / "parts.pdf").write_bytes(parts)
    assert pdf_pages(tmp_path / "parts.pdf") == pdf_pages(tmp_path / "whole.pdf")


_LIST = grouped_list("", 100)  # 600 names: the prefix of PROBE + 2 items is in groups 0-2
_NESTED = "<li>Name 3-0<ul>" + "<li>x</li>" * 100 + "</ul></li>"


# Broke (mended: what the text read ahead can tell is checked as the whole is, by
# listing._cuttable, and a second body tag anywhere hands nothing out): paged_list's
# checks ran after _probe_ahead, so a list to be laid out whole (something after the
# prefix says so) had its first 200 names laid out on a worker all the same.
# held (as designed): what only the whole text tells (an end tag that closes nothing
# after the text read ahead, fewer items than "<li" tags) is found once the first part
# is handed out; the list is then laid out whole and that part's outcome never read,
# so nothing of it (a result, an error) stands for the whole's.
@pytest.mark.parametrize(
    ("html", "handed"),
    [
        (_LIST.replace("</section>", "</section><style>li{color:red}</style>"), []),
        (_LIST.replace("<h3>Group 4</h3>", "<body><h3>Group 4</h3>"), []),
        (_LIST.replace("<li>Name 4-0</li>", "<li>Name 4-0</li></div>"), [("lay_part", 0)]),
        # 301 items (fewer than LONG), 401 "<li": is_long says long, the items say not.
        (
            _LIST.split("<h3>Group 3")[0] + f"<h3>G</h3><ul>{_NESTED}</ul></section></body></html>",
            [("lay_part", 0)],
        ),
    ],
    ids=["style-in-body", "body-tag-after", "stray-end-tag", "fewer-items-than-long"],
)
def test_a_list_not_to_be_cut_has_no_part_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, html: str, handed: list[Any]
) -> None:
    _small(monkeypatch, long=400)
    assert listing.is_long(html)
    pool = _Handed(lazy=True)
    assert listing.paged_list(html, tmp_path, tmp_path, "", DATE, pool=pool) is None
    assert pool.handed == handed
    assert pool.read == []


# Broke (mended: the gaps are read only once the first part is to be cut): a list whose
# first part comes out to be laid out whole (a background on the body: PartDone.whole)
# had no gaps measured before the change, and was laid out whole, which says the first
# file it could not read. The gaps, measured anyway on the other worker, raised their
# error instead: another picture than the whole's.
def test_a_list_laid_out_whole_says_its_first_missing_picture(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small(monkeypatch)
    html = (
        grouped_list("body { background: #eee }", 100)
        .replace("<li>Name 2-50</li>", '<li>Name 2-50 <img src="a.png"></li>')
        .replace("<h3>Group 5</h3>", '<h3>Group 5 <img src="b.png"></h3>')
    )
    with pytest.raises(CampaignError) as whole:
        layout(html, tmp_path, tmp_path)
    assert "a.png" in str(whole.value)
    try:
        parts = listing.paged_list(html, tmp_path, tmp_path, "", DATE, pool=_Handed())
    except CampaignError as exc:
        said = str(exc)
    else:  # None: laid out whole, which says the whole's error
        assert parts is None
        said = str(whole.value)
    assert said == str(whole.value)


# held: a prefix that ends inside a comment, a CDATA section holding </li>, end tags in
# capitals, </li> in an attribute: the first part is handed out ahead, taken (laid out
# once), and the parts are the whole.
@pytest.mark.parametrize(
    "html",
    [
        _LIST.replace("<li>Name 2-0</li>", "<li>Name 2-0</li><!-- </li></li></li> -->"),
        _LIST.replace("<li>Name 1-98</li>", "<li>Name 1-98<![CDATA[ </li> ]]></li>"),
        _LIST.replace("</li>", "</LI>", 150),
        _LIST.replace("<li>Name 1-97</li>", '<li title="</li><li>">Name 1-97</li>'),
    ],
    ids=["comment-open-at-prefix-end", "cdata", "capitals", "in-attribute"],
)
def test_held_a_prefix_read_otherwise_is_taken_only_as_the_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, html: str
) -> None:
    _small(monkeypatch)
    pool = _Handed()
    _same_as_whole(html, tmp_path, pool)
    assert pool.handed.count(("lay_part", 0)) == 1


# held: twelve groups, their headings of three heights: more gaps than GAPS_MEASURED,
# measured on another job than the first part's, and the parts are still the whole.
def test_held_gaps_past_those_measured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _small(monkeypatch)
    html = grouped_list("", 50, 12)
    for g in range(0, 12, 3):
        html = html.replace(f"<h3>Group {g}</h3>", f'<h3 style="font-size: 30px">Group {g}</h3>')
        html = html.replace(f"<h3>Group {g + 1}</h3>", f'<h3 style="margin: 0">Group {g + 1}</h3>')
    pool = _Handed()
    _same_as_whole(html, tmp_path, pool)
    assert pool.handed.count(("measure_gaps", None)) == 1


# held: on real workers, a missing picture in the first part (the job handed out ahead)
# is said as laid out whole, with nothing left waiting.
def test_held_an_error_of_the_part_handed_out_ahead_is_said(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small(monkeypatch)
    html = _LIST.replace("<li>Name 0-5</li>", '<li>Name 0-5 <img src="gone.png"></li>')
    with pytest.raises(CampaignError) as whole:
        layout(html, tmp_path, tmp_path)
    with workers(2) as pool, pytest.raises(CampaignError) as parts:
        listing.paged_list(html, tmp_path, tmp_path, "", DATE, pool=pool)
    assert str(parts.value) == str(whole.value)


# held: the workers killed as the first part is handed out ahead: WorkerDied, no hang.
def test_held_workers_killed_under_the_part_handed_out_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _small(monkeypatch)
    ahead = listing._probe_ahead

    def killing(html: str, pool: Any, *rest: Any) -> Any:
        found = ahead(html, pool, *rest)
        for worker in pool._pool.started:
            os.kill(worker.pid, signal.SIGKILL)
        return found

    monkeypatch.setattr(listing, "_probe_ahead", killing)
    with workers(2) as pool, pytest.raises(WorkerDied):
        listing.paged_list(_LIST, tmp_path, tmp_path, "", DATE, pool=pool)
