"""A line beside no float placed without looking for one (pdf/nofloats.py): WeasyPrint's bytes."""

from __future__ import annotations

from html import escape
from pathlib import Path
from typing import Any

import patchcheck
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.pdf import nofloats
from campaign.pdf.proof import pdf_text
from campaign.pdf.render import render_pdf

TEXT = "Amnesty International, Human Rights Watch and the Citizens' Alliance " * 3
# Blocks whose lines are placed: with and without floats beside them, in both
# directions, indented, padded, bordered, in columns, cells, list items and boxes of
# their own; a float that ends part way down, so lines beside it and after it mix.
BLOCKS = [
    "<p>{text}</p>",
    '<p style="text-indent: 12mm; padding: 3mm 7mm; border: 2px solid">{text}</p>',
    '<p dir="rtl" style="text-align: right">{text}</p>',
    '<p dir="rtl" style="text-indent: 5mm; margin: 0 9mm">{text}</p>',
    '<div style="float: left; width: 30mm; height: 15mm; background: #ccc"></div><p>{text}</p>',
    '<div style="float: right; width: 20mm">{text}</div><p dir="rtl">{text}</p>',
    '<div style="float: left; width: 25mm; height: 8mm"></div><p>{text}</p><p>{text}</p>',
    '<ul><li>{text}</li><li style="list-style-position: inside">{text}</li></ul>',
    '<ol dir="rtl"><li>{text}</li></ol>',
    '<div style="columns: 2">{text} {text}</div>',
    "<table><tr><td>{text}</td><td dir='rtl'>{text}</td></tr></table>",
    '<p>before <span style="display: inline-block; width: 40mm">{text}</span> after</p>',
    '<div style="position: absolute; left: 10mm; top: 40mm; width: 60mm">{text}</div>',
    '<p style="white-space: pre">one line\n  two lines\n\tthree</p>',
    "<p>{text}<br>after a break<br><br>and an empty line</p>",
    '<p style="text-align: justify">{text}</p><p style="text-align: center">{text}</p>',
    "<p><style>p::first-line {{ font-weight: bold; font-size: 14pt }}</style>{text}</p>",
    '<p style="display: flow-root; margin-left: 11mm">{text}</p>',
]


def test_the_patch_is_in_place_and_weasyprints_own_is_kept(tmp_path: Path) -> None:
    render_pdf(patchcheck.page("<p>x</p>"), tmp_path, tmp_path)  # lays out: installs
    import weasyprint.layout.float as float_
    import weasyprint.layout.inline as inline

    assert inline.avoid_collisions is not float_.avoid_collisions
    assert nofloats.uninstalled() is float_.avoid_collisions


@pytest.mark.parametrize("block", BLOCKS)
def test_every_block_draws_the_same_bytes(block: str, tmp_path: Path) -> None:
    html = patchcheck.page(block.format(text=escape(TEXT)) * 2)
    own, ours = patchcheck.both(html, tmp_path, patchcheck.nofloats_undone)
    assert ours == own


def test_lines_beside_no_float_take_the_short_way(tmp_path: Path) -> None:
    import weasyprint.layout.inline as inline

    render_pdf(patchcheck.page("<p>x</p>"), tmp_path, tmp_path)  # installs
    ours = inline.avoid_collisions
    own = ours.campaign_own
    asked: list[bool] = []

    def counted(context: Any, *args: Any, **kwargs: Any) -> Any:
        asked.append(bool(context.excluded_shapes))
        return own(context, *args, **kwargs)

    ours.campaign_own = counted
    try:
        plain = render_pdf(patchcheck.page(f"<p>{escape(TEXT)}</p>"), tmp_path, tmp_path)
        assert asked == []  # every line placed without WeasyPrint's search
        beside = '<div style="float: left; width: 30mm; height: 40mm"></div>'
        render_pdf(patchcheck.page(beside + f"<p>{escape(TEXT)}</p>"), tmp_path, tmp_path)
        assert asked and all(asked)  # beside a float: WeasyPrint's way, each time
    finally:
        ours.campaign_own = own
    out = tmp_path / "out.pdf"
    out.write_bytes(plain)
    assert " ".join(pdf_text(out).split()) == " ".join(TEXT.split())


PIECES = st.sampled_from(
    [
        "<p>{text}</p>",
        '<p dir="rtl">{text}</p>',
        '<div style="float: left; width: 20mm; height: 6mm"></div>',
        '<div style="float: right; width: 15mm">{text}</div>',
        '<div style="clear: both"></div>',
        '<p style="text-indent: -4mm; margin-left: 6mm">{text}</p>',
    ]
)
WORDS = st.lists(st.sampled_from(["word", "longerword", "ع", "日本", "-", "a b"]), max_size=40)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pieces=st.lists(st.tuples(PIECES, WORDS), min_size=1, max_size=8))
def test_any_mix_of_floats_and_lines_draws_the_same_bytes(
    pieces: list[tuple[str, list[str]]], tmp_path: Path
) -> None:
    body = "".join(piece.format(text=escape(" ".join(words))) for piece, words in pieces)
    own, ours = patchcheck.both(patchcheck.page(body), tmp_path, patchcheck.nofloats_undone)
    assert ours == own
