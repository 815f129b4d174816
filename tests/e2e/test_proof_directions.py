"""The proof reads names of both directions back from the printed list (two attacks).

A build stopped with "'ليلى يوسف (Farid Abe1007)' is missing in the printed list of
signatories" for any Arabic name that also held Latin letters or digits, and, once an
Arabic name stood on a page, for a Latin name with brackets: poppler gives such a line
back in an order of its own ("2020 محمد علي"), the text after the name even between its
parts, and mirrors the brackets of every line on the page (")ARNKA("). A first mend
read such a name as its runs of one direction in any order; the second attack (the
tests marked so) showed that it let a wrong name pass: a year borrowed from the
affiliation, two people's words, "علي Abu محمد" for "محمد Abu علي". A list with a
name right to left, or on pages right to left, is now read as it stands (poppler's word
boxes, by where they start) and compared with each name, or its whole line, as
Unicode's bidirectional algorithm sets it in its own direction (ICU), as
``templating.isolated`` prints it. Each test lays the list out as the shipped templates
do (each line through ``isolated``) and reads it as a build does.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from campaign.compose.templating import _isolate
from campaign.errors import CampaignError
from campaign.pdf.proof import names_in_order, verify
from campaign.pdf.render import render_pdf

from conftest import run

BOTH = pytest.mark.parametrize("rtl", [False, True], ids=["ltr", "rtl"])
AFTER = ", Somewhere"


def _pdf(
    tmp_path: Path, lines: list[str], rtl: bool = False, css: str = "", tag: str = "ul"
) -> Path:
    """Each of ``lines`` printed as the shipped templates print ``s.line``: through ``isolated``."""
    items = "".join(f"<li>{_isolate(escape(line), rtl)}</li>" for line in lines)
    return _page(tmp_path, f"<{tag}>{items}</{tag}>", rtl, css, "list.pdf")


def _page(tmp_path: Path, body: str, rtl: bool, css: str = "", name: str = "page.pdf") -> Path:
    """A page of HTML laid out as a template's (a list, a letter, a signature block)."""
    pdf = tmp_path / name
    html = (
        f'<html dir="{"rtl" if rtl else "ltr"}"><head><style>{css}</style></head>'
        f"<body>{body}</body></html>"
    )
    pdf.write_bytes(render_pdf(html, tmp_path, tmp_path))
    return pdf


def _list_pdf(
    tmp_path: Path, names: list[str], rtl: bool = False, after: str = AFTER, css: str = ""
) -> Path:
    """The list of ``names``, each followed by ``after`` on its line."""
    return _pdf(tmp_path, [name + after for name in names], rtl, css)


def _read(pdf: Path, names: list[str], rtl: bool, after: str = AFTER) -> int:
    """As a build reads its list: each name, with the line it is printed in."""
    return names_in_order(pdf, names, rtl=rtl, lines=[name + after for name in names])


MIXED = [
    "محمد علي 2020",
    "محمد علي ٢٠٢٠",
    "ليلى يوسف (Farid Abe1007)",
    "Association for the Rescue of Abductees (ARNKA)",
    "جمعية [حقوق] الإنسان",
    "Émile Abel",
    "1969 KAL Abductees' Families Association",
]


@BOTH
def test_names_of_both_directions_read_back_in_order(tmp_path: Path, rtl: bool) -> None:
    assert _read(_list_pdf(tmp_path, MIXED, rtl), MIXED, rtl) == len(MIXED)


@BOTH
def test_a_name_of_both_directions_missing_or_out_of_order_is_refused(
    tmp_path: Path, rtl: bool
) -> None:
    without = [name for name in MIXED if "Farid" not in name]
    with pytest.raises(CampaignError) as caught:
        _read(_list_pdf(tmp_path, without, rtl), MIXED, rtl)
    assert caught.value.message == (
        "list.pdf: 'ليلى يوسف (Farid Abe1007)' is missing in the printed list of signatories; "
        "nothing was written\n"
        "  hint: a template that prints the list itself must print signatories.groups' "
        "members in order"
    )
    swapped = [MIXED[1], MIXED[0], *MIXED[2:]]
    with pytest.raises(CampaignError) as caught:
        _read(_list_pdf(tmp_path, swapped, rtl), MIXED, rtl)
    assert caught.value.message.startswith(
        "list.pdf: 'محمد علي ٢٠٢٠' is out of order in the printed list"
    )


def test_a_latin_name_keeps_its_letters_order_on_a_page_left_to_right(tmp_path: Path) -> None:
    with pytest.raises(CampaignError) as caught:
        names_in_order(_list_pdf(tmp_path, ["Ada Zed", "Abel Émile"]), ["Ada Zed", "Émile Abel"])
    assert caught.value.message.startswith("list.pdf: 'Émile Abel' is missing")


@BOTH
def test_names_of_the_same_words_in_another_order_are_two(tmp_path: Path, rtl: bool) -> None:
    # Mohammed Ali and Ali Mohammed.
    names = ["محمد علي", "علي محمد", "Zoe Adams"]
    assert _read(_list_pdf(tmp_path, names, rtl), names, rtl) == 3
    with pytest.raises(CampaignError) as caught:
        _read(_list_pdf(tmp_path, [names[1], names[0], names[2]], rtl), names, rtl)
    assert caught.value.message.startswith("list.pdf: 'علي محمد' is out of order")


# -- the second attack: wrong names that passed the first mend ----------------------


@BOTH
def test_a_year_in_the_affiliation_does_not_stand_for_the_names(tmp_path: Path, rtl: bool) -> None:
    """Second attack: 'محمد علي 1969, Founded 2020' printed for 'محمد علي 2020'."""
    pdf = _list_pdf(tmp_path, ["محمد علي 1969", "Zed Ali"], rtl, after=", Founded 2020")
    with pytest.raises(CampaignError, match="'محمد علي 2020' is missing"):
        _read(pdf, ["محمد علي 2020", "Zed Ali"], rtl, after=", Founded 2020")


@BOTH
def test_two_people_of_one_name_swapped_are_refused(tmp_path: Path, rtl: bool) -> None:
    """Second attack: 'سارة 1990' printed before 'سارة 1989', both 'Class of 1990'."""
    after = ", Class of 1990"
    pdf = _list_pdf(tmp_path, ["سارة 1990", "سارة 1989", "Zed Ali"], rtl, after=after)
    with pytest.raises(CampaignError, match="out of order"):
        _read(pdf, ["سارة 1989", "سارة 1990", "Zed Ali"], rtl, after=after)


@BOTH
def test_a_name_made_of_two_other_peoples_words_is_refused(tmp_path: Path, rtl: bool) -> None:
    """Second attack: 'محمد Jones' and 'Anna Smith' printed, 'محمد Smith' expected."""
    pdf = _list_pdf(tmp_path, ["محمد Jones", "Anna Smith", "Zed Ali"], rtl)
    with pytest.raises(CampaignError, match="'محمد Smith' is missing"):
        _read(pdf, ["محمد Smith", "Zed Ali"], rtl)


@BOTH
def test_arabic_words_around_latin_in_another_order_are_refused(tmp_path: Path, rtl: bool) -> None:
    """Second attack: 'علي Abu محمد' printed for 'محمد Abu علي' (another person)."""
    pdf = _list_pdf(tmp_path, ["علي Abu محمد", "Zed Ali"], rtl)
    with pytest.raises(CampaignError, match="'محمد Abu علي' is missing"):
        _read(pdf, ["محمد Abu علي", "Zed Ali"], rtl)


@BOTH
def test_a_name_across_two_names_is_refused(tmp_path: Path, rtl: bool) -> None:
    """Second attack: bare names 'حسن محمد', 'علي حسن' do not print 'محمد علي'."""
    pdf = _list_pdf(tmp_path, ["حسن محمد", "علي حسن", "Zed Ali"], rtl, after="")
    with pytest.raises(CampaignError, match="'محمد علي' is missing"):
        _read(pdf, ["محمد علي", "Zed Ali"], rtl, after="")


def test_signatories_pdf_that_reads_as_no_list_is_refused(tmp_path: Path) -> None:
    """Second attack: every name misprinted read as "prints no list", and passed."""
    pdf = _list_pdf(tmp_path, ["Ann Smyth", "محمد علي 2021"])
    with pytest.raises(CampaignError) as caught:
        verify([], pdf, ["Ann Smith", "محمد علي 2020"], {}, tmp_path, False, None, None)
    assert caught.value.message == (
        "list.pdf: none of the 2 names reads back from the printed list of signatories; "
        "nothing was written\n"
        "  hint: a template that prints the list itself must print signatories.groups' "
        "members in order"
    )


# -- the second attack: correct lists the first mend refused ------------------------


@BOTH
@pytest.mark.parametrize(
    "names",
    [
        ["ناجون من حرب 1975–1990", "ناجون 1975-1990", "Zed Ali"],
        ["محمّد علي", "Zed Ali"],
        ["שָׁלוֹם כהן", "Zed Ali"],
        [unicodedata.normalize("NFD", "Zoë Abel"), "Zoë Ørsted"],
        [unicodedata.normalize("NFD", "أحمد علي"), "Zed Ali"],
    ],
    ids=["two-years", "shadda", "niqqud", "decomposed-latin", "decomposed-hamza"],
)
def test_names_with_marks_and_numbers_read_back(
    tmp_path: Path, rtl: bool, names: list[str]
) -> None:
    assert _read(_list_pdf(tmp_path, names, rtl), names, rtl) == len(names)


@BOTH
def test_names_of_both_directions_wrapped_read_back(tmp_path: Path, rtl: bool) -> None:
    names = [
        "جمعية حقوق الإنسان في اليابان 2020",
        "ليلى يوسف (Farid Abe1007)",
        "Zed Ali",
        "Association for the Rescue of Abductees (ARNKA) مع الأصدقاء",
    ]
    pdf = _list_pdf(tmp_path, names, rtl, css="body{width:5cm}")
    assert _read(pdf, names, rtl) == len(names)


@BOTH
@pytest.mark.parametrize(
    "names",
    [
        ["علی‌رضا محمدی", "فاطمه‌سادات حسینی"],
        ["عمران خان", "ملالہ یوسفزئی", "فیض احمد فیض"],
        ["דוד בן־גוריון", "שרה כהן", "משה (מוישה) לוי"],
        ["عبد الله", "عبدالله بن محمد", "الإمام", "آل سعود"],
        ["محمد ١٢٣", "منظمة ٢٠٢٠ لحقوق الإنسان", "۱۴۰۰ فاطمه"],
        ["د. محمد علي (Dr. M. Ali)", "Mohammed «محمد» Ali", "O'Brien-علي", "A.B. محمد"],
    ],
    ids=["persian-zwnj", "urdu", "hebrew", "lam-alef", "indic-digits", "mixed"],
)
def test_real_looking_names_read_back(tmp_path: Path, rtl: bool, names: list[str]) -> None:
    """Held in both attacks."""
    assert _read(_list_pdf(tmp_path, names, rtl), names, rtl) == len(names)


@BOTH
def test_a_long_affiliation_after_names_of_both_directions(tmp_path: Path, rtl: bool) -> None:
    after = ", " + "Japanese Association for Human Rights and Peace in East Asia " * 6
    names = ["ليلى يوسف (Farid Abe1007)", "محمد علي 2020", "Zed Ali"]
    assert _read(_list_pdf(tmp_path, names, rtl, after=after), names, rtl, after=after) == 3


@BOTH
def test_swapped_surnames_and_a_name_printed_once_are_refused(tmp_path: Path, rtl: bool) -> None:
    """Held in both attacks."""
    pdf = _list_pdf(tmp_path, ["محمد Jones", "علي Smith", "Zed Ali"], rtl)
    with pytest.raises(CampaignError, match="is missing"):
        _read(pdf, ["محمد Smith", "علي Jones", "Zed Ali"], rtl)
    pdf = _list_pdf(tmp_path, ["محمد علي", "Zed Ali"], rtl)
    with pytest.raises(CampaignError, match="'محمد علي' is out of order"):
        _read(pdf, ["محمد علي", "محمد علي", "Zed Ali"], rtl)
    pdf = _list_pdf(tmp_path, ["Ann Lee", "محمد علي", "Zed Ali"], rtl)
    with pytest.raises(CampaignError, match="out of order"):
        _read(pdf, ["Zed Ali", "محمد علي", "Ann Lee"], rtl)


def test_a_letter_that_prints_no_list_reads_as_none(tmp_path: Path) -> None:
    pdf = tmp_path / "letter.pdf"
    text = "<p dir='rtl'>كتبنا إليكم بشأن حقوق الإنسان في اليابان</p>"
    pdf.write_bytes(render_pdf(f"<html><body>{text}</body></html>", tmp_path, tmp_path))
    assert names_in_order(pdf, ["ليلى يوسف", "محمد علي"], rtl=True) == 0


_WORD = st.sampled_from(
    ["محمد", "علي", "فاطمة", "حسن", "الإنسان", "لا", "Abe", "Kim", "Smith", "2020", "٢٣", "(ARNKA)"]
)
_NAME = st.lists(_WORD, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=25, deadline=None)
@given(
    names=st.lists(_NAME, min_size=2, max_size=6, unique=True),
    rtl=st.booleans(),
    pick=st.integers(min_value=0, max_value=5),
)
def test_any_list_reads_in_order_and_one_dropped_or_swapped_does_not(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], rtl: bool, pick: int
) -> None:
    tmp = tmp_path_factory.mktemp("list")
    assert _read(_list_pdf(tmp, names, rtl), names, rtl) == len(names)
    gone = pick % len(names)
    kept = [name for n, name in enumerate(names) if n != gone]
    # A name dropped: refused, unless another line holds it whole ("محمد" in "محمد علي").
    if not any(names[gone] in name for name in kept):
        with pytest.raises(CampaignError):
            _read(_list_pdf(tmp, kept, rtl), names, rtl)
    one, two = sorted((gone, (gone + 1) % len(names)))
    if names[one] not in names[two] and names[two] not in names[one]:
        swapped = [*names[:one], names[two], *names[one + 1 : two], names[one], *names[two + 1 :]]
        with pytest.raises(CampaignError):
            _read(_list_pdf(tmp, swapped, rtl), names, rtl)


def test_the_example_builds_with_names_of_both_directions(tmp_path: Path) -> None:
    # The first attack's names, in the example's list: the letter and its Japanese edition.
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
