"""A long list laid out in parts reads, looks and is outlined exactly as laid out whole."""

from __future__ import annotations

import dataclasses
import io
import re
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pikepdf
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from listparts import DATE, SMALL_PAGES, counting_runs, outline, write_signatories
from PIL import Image, ImageChops

from campaign.build import run as build_run
from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.errors import CampaignError
from campaign.load.workspace import Workspace
from campaign.model.limits import DEFAULT as DEFAULT_LIMITS
from campaign.pdf import listing
from campaign.pdf.pool import _InProcess
from campaign.pdf.render import layout, render_pdf, write

from conftest import pdf_pages, pictures, run

LATIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-,."
CJK = "東京都千代田区霞が関丁目番号外務省大臣官房서울특별시종로구세종대로"


def _list(root: Path, names: int, template: str = "joint-letter") -> None:
    """``names`` signatories in two groups; every 37th name long enough to wrap."""
    letter = root / "letters" / "japan-hrc-2020" / "letter.yaml"
    text = letter.read_text(encoding="utf-8")
    letter.write_text(text.replace("template: joint-letter", f"template: {template}"))
    write_signatories(root, names)


def _html(root: Path, edition: int = 0) -> tuple[str, Path]:
    bundle = load_letters(Workspace(root))[0][0]
    bundle = bundle.editions[edition - 1] if edition else bundle  # 1: the Japanese edition
    return Composer(bundle).signatories_html(), bundle.letter.folder


@pytest.mark.parametrize(
    ("template", "edition", "names"),
    [("joint-letter", 0, 400), ("joint-letter", 1, 400), ("petition", 0, 1000)],
    ids=["joint-letter", "joint-letter-ja", "petition"],
)
def test_a_list_in_parts_is_the_list_laid_out_whole(
    example: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    template: str,
    edition: int,
    names: int,
) -> None:
    # Parts of 60 names: a cut every page or so, through wrapped names and group changes.
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    _list(example, names, template)
    html, base = _html(example, edition)
    whole = write(layout(html, base, example), "", DATE)
    parts = listing.paged_list(html, base, example, "", DATE)
    assert parts is not None
    if edition:  # the build's way to it: render_pdf
        assert render_pdf(html, base, example, "", DATE) == parts
    (tmp_path / "whole.pdf").write_bytes(whole)
    (tmp_path / "parts.pdf").write_bytes(parts)
    pages = pdf_pages(tmp_path / "whole.pdf")
    assert len(pages) > 5
    assert pdf_pages(tmp_path / "parts.pdf") == pages
    assert outline(parts) == outline(whole)
    with pikepdf.open(io.BytesIO(parts)) as a, pikepdf.open(io.BytesIO(whole)) as b:
        assert a.trailer.Info == b.trailer.Info and a.Root.Lang == b.Root.Lang
    looks = pictures(whole, dpi=40)
    assert pictures(parts, dpi=40) == looks
    assert len(looks) == len(pages)


class _Recording:
    """Lays each part out here, as handed out, and remembers where each started."""

    def __init__(self) -> None:
        self.firsts: list[int] = []
        self.handed: list[tuple[str, int]] = []  # ('part', its first item), ('furniture', pages)

    def submit(self, fn: Callable[[Any], Any], job: Any) -> Any:
        done = _InProcess().submit(fn, job)
        if isinstance(job, listing.FurnitureJob):
            self.handed.append(("furniture", job.pages))
        if not isinstance(job, listing.PartJob):
            return done
        self.firsts.append(job.first)
        self.handed.append(("part", job.first))

        def result() -> Any:
            self.handed.append(("read", job.first))
            return done.result()

        return SimpleNamespace(result=result)


@pytest.mark.parametrize("shift", [0, 1, -2], ids=["as-predicted", "one-late", "two-early"])
def test_parts_cut_where_predicted_or_else_again_from_the_true_cut_are_the_whole(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shift: int
) -> None:
    # Every predicted page start but the (true) first moved by ``shift`` items: the parts
    # handed out from there start mid-page, and each is laid out again from its true cut.
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    predict = listing._predict

    def wrong(*args: Any) -> Any:
        starts, pages = predict(*args)
        return listing._Prediction(starts[:1] + [n + shift for n in starts[1:]], pages)

    monkeypatch.setattr(listing, "_predict", wrong)
    _list(example, 400)
    html, base = _html(example)
    pool = _Recording()
    parts = listing.paged_list(html, base, example, "", DATE, pool=pool)
    assert parts is not None
    whole = write(layout(html, base, example), "", DATE)
    (tmp_path / "whole.pdf").write_bytes(whole)
    (tmp_path / "parts.pdf").write_bytes(parts)
    assert pdf_pages(tmp_path / "parts.pdf") == pdf_pages(tmp_path / "whole.pdf")
    assert pictures(parts, dpi=40) == pictures(whole, dpi=40)
    assert outline(parts) == outline(whole)
    if shift:  # parts were handed out from wrong cuts, and their layouts not used
        assert [n for n in pool.firsts if n not in _true_starts(html, base, example)]


def _cut_small(example: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Path, bytes]:
    """A list of 400 names cut every 60: its HTML, its folder, its PDF laid out here."""
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    _list(example, 400)
    html, base = _html(example)
    expected = listing.paged_list(html, base, example, "", DATE)  # here: nothing ahead
    assert expected is not None
    return html, base, expected


def test_the_first_part_is_handed_out_before_the_text_is_read_and_laid_out_once(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    html, base, expected = _cut_small(example, monkeypatch)
    pool = _Recording()
    feed = listing._Items.feed

    def feeding(self: Any, data: str) -> None:
        if data is html:
            pool.handed.append(("text read", len(data)))
        feed(self, data)

    monkeypatch.setattr(listing._Items, "feed", feeding)
    parts = listing.paged_list(html, base, example, "", DATE, pool=pool)
    assert parts == expected
    assert pool.handed[:2] == [("part", 0), ("text read", len(html))]
    assert pool.firsts.count(0) == 1


def test_a_first_part_handed_out_ahead_for_another_document_is_not_taken(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Its job is compared whole with the first part's as cut from the whole text.
    html, base, expected = _cut_small(example, monkeypatch)
    ahead = listing._probe_ahead
    read: list[str] = []

    def another(*args: Any) -> Any:
        found = ahead(*args)
        assert found is not None
        job, _ = found
        other = dataclasses.replace(job, html=job.html.replace("<li", "<li class=x", 1))
        return other, SimpleNamespace(result=lambda: read.append("read"))

    monkeypatch.setattr(listing, "_probe_ahead", another)
    pool = _Recording()
    assert listing.paged_list(html, base, example, "", DATE, pool=pool) == expected
    assert read == []
    assert pool.firsts.count(0) == 2  # handed out ahead, and again as cut from the whole


def test_a_list_with_too_few_items_for_a_first_part_has_none_handed_out_ahead(
    tmp_path: Path,
) -> None:
    items = "".join(f"<li>Name {n}</li>" for n in range(listing.PROBE + 1))
    html = f"<html><body><ul>{items}</ul></body></html>"
    pool = _Recording()
    assert listing._probe_ahead(html, pool, tmp_path, tmp_path, "", DEFAULT_LIMITS, "") is None
    assert listing._probe_ahead(html + "</li>", _InProcess(), tmp_path, tmp_path, "",
                                DEFAULT_LIMITS, "") is None  # fmt: skip
    assert pool.handed == []


@pytest.mark.parametrize("extra", [0, 1], ids=["as-predicted", "one-page-too-many"])
def test_the_furniture_is_laid_out_with_the_parts_and_used_only_for_the_true_page_count(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: int
) -> None:
    # The furniture ("Page N of M") is handed out before the last part, for the number
    # of pages predicted; predicted one too many, it is laid out again for the true one.
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    _list(example, 400)
    html, base = _html(example)
    laid_out = listing._pages(layout(html, base, example))
    true = sorted(_true_starts(html, base, example))

    def foreseen(model: Any, html: str, found: Any, start: int, gaps: Any) -> Any:
        # The pages from the one ``start`` opens (the parts start only at such pages).
        at = next(
            i for i, page in enumerate(laid_out) if page.opens_item and page.starts[:1] == [start]
        )
        starts = [n for n in true if n >= start]
        return listing._Prediction(starts, len(laid_out) - at + extra)

    monkeypatch.setattr(listing, "_predict", foreseen)
    pool = _Recording()
    parts = listing.paged_list(html, base, example, "", DATE, pool=pool)
    assert parts is not None
    whole = write(layout(html, base, example), "", DATE)
    (tmp_path / "whole.pdf").write_bytes(whole)
    (tmp_path / "parts.pdf").write_bytes(parts)
    pages = pdf_pages(tmp_path / "whole.pdf")
    assert pdf_pages(tmp_path / "parts.pdf") == pages
    assert outline(parts) == outline(whole)
    assert pictures(parts, dpi=40) == pictures(whole, dpi=40)
    furnished = [n for kind, n in pool.handed if kind == "furniture"]
    assert furnished == ([len(pages) + 1, len(pages)] if extra else [len(pages)])
    last_read = max(i for i, (kind, _) in enumerate(pool.handed) if kind == "read")
    assert pool.handed.index(("furniture", len(pages) + extra)) < last_read


def test_laid_out_in_one_process_the_furniture_is_laid_out_once_for_the_true_page_count(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One job after the other (--jobs 1), nothing is gained by laying the furniture out
    # ahead: a wrong prediction of the page count costs no second furniture.
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    predict = listing._predict

    def more(*args: Any) -> Any:
        starts, pages = predict(*args)
        return listing._Prediction(starts, pages + 1)

    monkeypatch.setattr(listing, "_predict", more)
    furnished: list[int] = []
    lay_furniture = listing.lay_furniture

    def recorded(job: listing.FurnitureJob) -> bytes | None:
        furnished.append(job.pages)
        return lay_furniture(job)

    monkeypatch.setattr(listing, "lay_furniture", recorded)
    _list(example, 400)
    html, base = _html(example)
    parts = listing.paged_list(html, base, example, "", DATE)
    assert parts is not None
    with pikepdf.open(io.BytesIO(parts)) as pdf:
        assert furnished == [len(pdf.pages)]


def _true_starts(html: str, base: Path, root: Path) -> set[int]:
    """The items that start pages of the list laid out whole (its first page's first item: 0)."""
    document = layout(html, base, root)
    return {0} | {
        page.starts[0] for page in listing._pages(document) if page.opens_item and page.starts
    }


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_built_list_is_cut_on_the_builds_workers_and_reads_as_laid_out_whole(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    # The build hands a long list's parts to its own workers (none with one job: the
    # list is laid out in the build's process, one part after the other).
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    pools: list[str] = []

    def recorded(*args: Any, pool: Any = None, **kwargs: Any) -> bytes | None:
        pools.append(type(pool).__name__)
        return listing.paged_list(*args, pool=pool, **kwargs)

    monkeypatch.setattr(build_run, "paged_list", recorded)
    _list(example, 400)
    result = run("build", "--jobs", jobs, workspace=example)
    assert result.exit_code == 0, result.stderr
    assert pools == ([] if jobs == "1" else ["_Pool", "_Pool"])  # English and Japanese
    for edition in (0, 1):
        html, base = _html(example, edition)
        whole = write(layout(html, base, example), "", DATE)
        (tmp_path / f"whole-{edition}.pdf").write_bytes(whole)
        folder = example / "build" / "japan-hrc-2020"
        built = (
            folder / "signatories.pdf" if not edition else next(folder.glob("*/signatories.pdf"))
        )
        assert pdf_pages(built) == pdf_pages(tmp_path / f"whole-{edition}.pdf")


def test_a_cut_that_does_not_come_out_as_the_whole_lays_it_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A numbered list counts from 1 again in each part: its first page differs from
    # the page the part before laid out, so the list is laid out whole.
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    items = "".join(f"<li>Name {n}</li>" for n in range(300))
    html = f"<html><head><title>t</title></head><body><ol>{items}</ol></body></html>"
    assert listing.paged_list(html, tmp_path, tmp_path) is None
    (tmp_path / "out.pdf").write_bytes(render_pdf(html, tmp_path, tmp_path))
    pages = pdf_pages(tmp_path / "out.pdf")
    assert pages[-1].splitlines()[-1] == "300. Name 299"


@pytest.mark.parametrize(
    "html",
    [
        "<html><head></head><body><ul>" + "<li>a</li>" * 300 + "</ul></body></html>",
        '<html><head></head><body><div class="window"></div><ul>'
        + "<li>a</li>" * 300
        + "</ul></body></html>",
    ],
    ids=["short", "fitted"],
)
def test_short_lists_and_fitted_pages_are_laid_out_whole(tmp_path: Path, html: str) -> None:
    assert listing.paged_list(html, tmp_path, tmp_path) is None
    assert listing.paged_list(html, tmp_path, tmp_path, "pdf/a-3b") is None


def test_whether_a_list_is_long_is_read_once_however_it_is_asked() -> None:
    # A build asks three times, with and without the variant named; each reading of a
    # 10,000-name list's text took a tenth of a second.
    items = "".join(f"<li>Name {n}</li>" for n in range(listing.LONG))
    html = f"<html><body><ul>{items}</ul></body></html>"
    listing._is_long.cache_clear()
    assert listing.is_long(html) is True
    assert listing.is_long(html, "") is True
    assert listing.is_long(html, variant="") is True
    assert listing.is_long(html, "pdf/a-3b") is False
    info = listing._is_long.cache_info()
    assert (info.hits, info.misses) == (2, 2)


def test_pictures_compare(tmp_path: Path) -> None:
    """The pixel comparison above can fail: two different pages differ."""
    one = render_pdf("<p>a</p>", tmp_path, tmp_path)
    two = render_pdf("<p>b</p>", tmp_path, tmp_path)
    a, b = pictures(one, dpi=40), pictures(two, dpi=40)
    diff = ImageChops.difference(Image.open(io.BytesIO(a[0])), Image.open(io.BytesIO(b[0])))
    assert diff.getbbox() is not None


def test_a_part_that_cannot_be_written_stops_as_the_whole_list_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A part's error is the whole layout's, and nothing is left behind.
    monkeypatch.setattr(listing, "PART", 60)
    monkeypatch.setattr(listing, "LONG", 120)
    items = "".join(f"<li>Name {n}{chr(0xE000) if n == 250 else ''}</li>" for n in range(300))
    html = f"<html><head></head><body><ul>{items}</ul></body></html>"
    with pytest.raises(CampaignError) as raised:
        render_pdf(html, tmp_path, tmp_path)
    assert str(raised.value) == (
        "no installed font has '\\ue000' (U+E000): it would print as an empty box; "
        "nothing was written\n"
        "  hint: install a font that has it (fonts-noto covers most scripts), "
        "or write the text without it"
    )
    assert not list(tmp_path.iterdir())


NAME = st.text(alphabet=st.sampled_from(LATIN + CJK + "     "), min_size=1, max_size=70).map(
    lambda s: " ".join(s.split()) or "x"
)
SHORT = st.text(alphabet=st.sampled_from(LATIN + CJK + "  "), min_size=1, max_size=24).map(
    lambda s: " ".join(s.split()) or "x"
)


# Without shrinking: each example lays out a list twice.
@settings(max_examples=3, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(groups=st.lists(st.lists(NAME, min_size=60, max_size=120), min_size=1, max_size=3))
def test_any_list_in_parts_is_the_list_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, groups: list[list[str]]
) -> None:
    monkeypatch.setattr(listing, "PART", 30)
    monkeypatch.setattr(listing, "LONG", 1)  # every list is cut, however short
    body = "".join(
        f"<h3>Group {n} ({len(names)})</h3><ul>{''.join(f'<li>{x}</li>' for x in names)}</ul>"
        for n, names in enumerate(groups)
    )
    html = (
        f"<html><head><title>List</title><style>{SMALL_PAGES}</style></head><body>"
        f'<div class="title">A list</div><h1>Names</h1>{body}</body></html>'
    )
    folder = tmp_path / str(len(list(tmp_path.iterdir())))
    folder.mkdir()
    whole = write(layout(html, folder, folder), "", DATE)
    parts = listing.paged_list(html, folder, folder, "", DATE)
    assert parts is not None
    (folder / "whole.pdf").write_bytes(whole)
    (folder / "parts.pdf").write_bytes(parts)
    assert pdf_pages(folder / "parts.pdf") == pdf_pages(folder / "whole.pdf")
    assert outline(parts) == outline(whole)
    assert pictures(parts, dpi=40) == pictures(whole, dpi=40)


@pytest.mark.parametrize(
    ("template", "edition", "mixed"),
    [("joint-letter", 0, False), ("joint-letter", 1, False), ("joint-letter", 0, True),
     ("petition", 0, False)],
    ids=["joint-letter", "joint-letter-ja", "japanese-names", "petition"],
)  # fmt: skip
def test_a_list_whose_names_run_is_the_list_laid_out_whole(
    example: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    template: str,
    edition: int,
    mixed: bool,
) -> None:
    # Parts of several pages: the pages inside each hold runs of one-line names, around
    # the names that wrap (every 37th) and the second group's heading.
    monkeypatch.setattr(listing, "PART", 300)
    monkeypatch.setattr(listing, "LONG", 600)
    laid = counting_runs(monkeypatch)
    _list(example, 1300, template)
    if mixed:  # every third name ends in Japanese (a fallback font, a taller line)
        names = example / "signatories" / "japan-hrc-2020.yaml"
        text = names.read_text(encoding="utf-8")
        names.write_text(re.sub(r'(name: "[^"]*[0369])"', r'\1 東京都千代田区"', text))
    html, base = _html(example, edition)
    parts = listing.paged_list(html, base, example, "", DATE)
    assert parts is not None
    if template == "petition":  # its names stand in columns: a run could start one
        assert laid and not any(planned or runs for planned, runs in laid)
    else:
        # A part whose pages did not start where predicted (here: about the second group's
        # heading) is laid out again without its runs; the others keep theirs.
        assert sum(runs for _, runs in laid) >= 10
    whole = write(layout(html, base, example), "", DATE)
    (tmp_path / "whole.pdf").write_bytes(whole)
    (tmp_path / "parts.pdf").write_bytes(parts)
    assert pdf_pages(tmp_path / "parts.pdf") == pdf_pages(tmp_path / "whole.pdf")
    assert outline(parts) == outline(whole)
    assert pictures(parts, dpi=40) == pictures(whole, dpi=40)


def test_runs_that_do_not_come_out_as_their_names_are_laid_out_without(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The model's widest character taken as a tenth of itself: names that wrap are put
    # in runs, whose lines are then wider than a name's first line may be.
    monkeypatch.setattr(listing, "PART", 300)
    monkeypatch.setattr(listing, "LONG", 600)
    run_plan = listing._run_plan

    def narrow(*args: Any) -> Any:
        plan = run_plan(*args)
        return plan and dataclasses.replace(plan, per_char=plan.per_char / 10)

    monkeypatch.setattr(listing, "_run_plan", narrow)
    laid = counting_runs(monkeypatch)
    _list(example, 1300)
    html, base = _html(example)
    parts = listing.paged_list(html, base, example, "", DATE)
    assert parts is not None
    # (A part whose runs hold no name that wraps keeps them.)
    assert 0 in [runs for planned, runs in laid if planned]
    whole = write(layout(html, base, example), "", DATE)
    (tmp_path / "whole.pdf").write_bytes(whole)
    (tmp_path / "parts.pdf").write_bytes(parts)
    assert pdf_pages(tmp_path / "parts.pdf") == pdf_pages(tmp_path / "whole.pdf")
    assert pictures(parts, dpi=40) == pictures(whole, dpi=40)


@pytest.mark.parametrize(
    "style",
    [
        "li { background: #eee }",
        "li { border-bottom: 0.5pt solid #ccc }",
        "ul { list-style: disc }",
        "li { padding-top: 1pt }",
        "li { line-height: normal }",
        "li::before { content: '- ' }",
        "li { text-transform: uppercase }",
        "li { height: 14pt }",
    ],
)
def test_items_whose_boxes_show_are_not_set_in_runs(
    example: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, style: str
) -> None:
    # Each of these draws something for an item's own box, or sets its line otherwise
    # than one line of a run would: the list is cut as before, without runs.
    monkeypatch.setattr(listing, "PART", 300)
    monkeypatch.setattr(listing, "LONG", 600)
    laid = counting_runs(monkeypatch)
    _list(example, 700)
    html, base = _html(example)
    html = html.replace("</style>", f".signatures {style}</style>", 1)
    parts = listing.paged_list(html, base, example, "", DATE)
    assert parts is not None
    assert laid and not any(planned or runs for planned, runs in laid)
    whole = write(layout(html, base, example), "", DATE)
    (tmp_path / "whole.pdf").write_bytes(whole)
    (tmp_path / "parts.pdf").write_bytes(parts)
    assert pdf_pages(tmp_path / "parts.pdf") == pdf_pages(tmp_path / "whole.pdf")


# Without shrinking: each example lays out a list twice.
@settings(max_examples=3, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(groups=st.lists(st.lists(SHORT, min_size=100, max_size=220), min_size=1, max_size=3))
def test_any_list_whose_names_run_is_the_list_laid_out_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, groups: list[list[str]]
) -> None:
    monkeypatch.setattr(listing, "PART", 90)
    monkeypatch.setattr(listing, "LONG", 1)  # every list is cut, however short
    body = "".join(
        f"<h3>Group {n} ({len(names)})</h3><ul>{''.join(f'<li>{x}</li>' for x in names)}</ul>"
        for n, names in enumerate(groups)
    )
    html = (
        f"<html><head><title>List</title><style>{SMALL_PAGES} ul {{ list-style: none;"
        " padding: 0; line-height: 1.35 }</style></head><body>"
        f'<div class="title">A list</div><h1>Names</h1>{body}</body></html>'
    )
    folder = tmp_path / str(len(list(tmp_path.iterdir())))
    folder.mkdir()
    parts = listing.paged_list(html, folder, folder, "", DATE)
    assert parts is not None
    whole = write(layout(html, folder, folder), "", DATE)
    (folder / "whole.pdf").write_bytes(whole)
    (folder / "parts.pdf").write_bytes(parts)
    assert pdf_pages(folder / "parts.pdf") == pdf_pages(folder / "whole.pdf")
    assert outline(parts) == outline(whole)
    assert pictures(parts, dpi=40) == pictures(whole, dpi=40)
