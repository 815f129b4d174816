"""The proof reads names of mixed directions back from the printed list (found by an attack).

A build stopped with "'ليلى يوسف (Farid Abe1007)' is missing in the printed list of
signatories" for any Arabic name that also held Latin letters or digits, and, once an
Arabic name stood on a page, for a Latin name with brackets: poppler gives such a
line's runs back in an order of its own ("2020 محمد علي"), and mirrors the brackets
of every line on such a page (")ARNKA("), the text after a name on its line even
between its runs ("ليلى(Japan,)Farid"). The proof guessed poppler's order; it now reads
a name of mixed directions as its runs of one direction, each as written, in any
order and near each other, and every name with its brackets folded. A name missing or
out of order is still refused, and two names of the same words in another order are
two names.
"""

from __future__ import annotations

import re
from pathlib import Path
from random import Random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.errors import CampaignError
from campaign.pdf.proof import _in_order, _Name, _Read, names_in_order
from campaign.pdf.render import render_pdf

from conftest import run

MIXED = [
    "محمد علي 2020",
    "محمد علي ٢٠٢٠",
    "ليلى يوسف (Farid Abe1007)",
    "Association for the Rescue of Abductees (ARNKA)",
    "جمعية [حقوق] الإنسان",
    "Émile Abel",
    "1969 KAL Abductees' Families Association",
]


def _list_pdf(tmp_path: Path, names: list[str], rtl: bool = False) -> Path:
    items = "".join(f"<li><bdi>{name}</bdi>, Somewhere</li>" for name in names)
    pdf = tmp_path / "list.pdf"
    html = f'<html dir="{"rtl" if rtl else "ltr"}"><body><ul>{items}</ul></body></html>'
    pdf.write_bytes(render_pdf(html, tmp_path, tmp_path))
    return pdf


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_names_of_mixed_directions_read_back_in_order(tmp_path: Path, rtl: bool) -> None:
    assert names_in_order(_list_pdf(tmp_path, MIXED, rtl), MIXED, rtl=rtl) == len(MIXED)


@pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
def test_a_name_of_mixed_directions_missing_or_out_of_order_is_refused(
    tmp_path: Path, rtl: bool
) -> None:
    without = [name for name in MIXED if "Farid" not in name]
    with pytest.raises(CampaignError) as caught:
        names_in_order(_list_pdf(tmp_path, without, rtl), MIXED, rtl=rtl)
    assert caught.value.message == (
        "list.pdf: 'ليلى يوسف (Farid Abe1007)' is missing in the printed list of signatories; "
        "nothing was written\n"
        "  hint: a template that prints the list itself must print signatories.groups' "
        "members in order"
    )
    swapped = [MIXED[1], MIXED[0], *MIXED[2:]]
    with pytest.raises(CampaignError) as caught:
        names_in_order(_list_pdf(tmp_path, swapped, rtl), MIXED, rtl=rtl)
    assert caught.value.message.startswith(
        "list.pdf: 'محمد علي ٢٠٢٠' is out of order in the printed list"
    )


def test_a_latin_name_keeps_its_letters_order_on_a_page_left_to_right(tmp_path: Path) -> None:
    # Only names that may read back in another order are read as their letters.
    with pytest.raises(CampaignError) as caught:
        names_in_order(_list_pdf(tmp_path, ["Ada Zed", "Abel Émile"]), ["Ada Zed", "Émile Abel"])
    assert caught.value.message.startswith("list.pdf: 'Émile Abel' is missing")


def test_a_name_is_not_found_inside_longer_words(tmp_path: Path) -> None:
    # A letter that prints no list, its text holding the name's letters inside words.
    pdf = tmp_path / "letter.pdf"
    text = "<p dir='rtl'>كتبنا ليلىيوسفية إليكم وعليمحمدي</p>"
    pdf.write_bytes(render_pdf(f"<html><body>{text}</body></html>", tmp_path, tmp_path))
    assert names_in_order(pdf, ["ليلى يوسف", "محمد علي"], rtl=True) == 0


def test_names_of_the_same_words_in_another_order_are_two(tmp_path: Path) -> None:
    # Mohammed Ali and Ali Mohammed: the words of a run right to left keep their order.
    names = ["محمد علي", "علي محمد", "Zoe Adams"]
    assert names_in_order(_list_pdf(tmp_path, names), names) == 3
    with pytest.raises(CampaignError) as caught:
        names_in_order(_list_pdf(tmp_path, [names[1], names[0], names[2]]), names)
    assert caught.value.message.startswith("list.pdf: 'علي محمد' is out of order")


_WORD = st.text(alphabet="محمدعليفاطمةحسن", min_size=1, max_size=5) | st.text(
    alphabet="AbeZ01٢٣", min_size=1, max_size=5
)
_NAME = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(
    names=st.lists(_NAME, min_size=1, max_size=8, unique=True),
    random=st.randoms(use_true_random=False),
    drop=st.integers(min_value=0, max_value=7),
)
def test_a_names_runs_read_in_any_order_and_a_dropped_name_does_not(
    names: list[str], random: Random, drop: int
) -> None:
    names = [f"ع ({name})" for name in names]  # each holds right-to-left text, and brackets
    wanted = [_Name(name, False) for name in names]

    def shown(name: _Name) -> str:
        # As poppler may give a line back: its runs in any order, the text after it on
        # its line between them, the brackets mirrored or gone.
        pieces = [run.written for run in name.runs] + [")Somewhere,"]
        random.shuffle(pieces)
        return " ".join(pieces)

    lines = [shown(name) for name in wanted]
    assert _in_order(_Read("Signatories\n" + "\n".join(lines)), wanted, Path("l.pdf")) == len(names)
    gone = drop % len(names)
    kept = _Read("Signatories\n" + "\n".join(line for n, line in enumerate(lines) if n != gone))
    if len(names) > 1 and any(run.written not in kept.strong for run in wanted[gone].runs):
        with pytest.raises(CampaignError, match=re.escape(f"'{names[gone]}' is missing")):
            _in_order(kept, wanted, Path("l.pdf"))


def test_the_example_builds_with_names_of_mixed_directions(tmp_path: Path) -> None:
    # The attack's names, in the example's list: the letter and its Japanese edition.
    result = run("init", str(tmp_path / "ws"))
    assert result.exit_code == 0, result.output
    listed = tmp_path / "ws" / "signatories" / "japan-hrc-2020.yaml"
    added = "".join(
        f'  - name: "{name}"\n    type: individual\n    group: international\n'
        "    signed: 2020-02-03\n"
        for name in MIXED[:3]
    )
    listed.write_text(listed.read_text().replace("signatories:\n", "signatories:\n" + added, 1))
    result = run("build", "--jobs", "1", workspace=tmp_path / "ws")
    assert result.exit_code == 0, result.output
    proof = "  proof: 3 letters, every address inside its window; 54 names in each list\n"
    assert result.stdout.count(proof) == 2
