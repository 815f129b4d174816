"""Each language on the page as its readers expect: French typography, Korean words, dates."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from campaign.text.typography import NNBSP, french, typeset

from conftest import flat, pdf_pages, run

FRENCH_BODY = """\
Nous sommes {{ signatories.count }} signataires; 20 000 personnes l'ont lu. Pourquoi?

La ministre a dit: "nous verrons".
"""


def french_letter(ws: Path) -> Path:
    """The minimal letter in French, with straight apostrophes in its YAML fields."""
    folder = ws / "letters" / "test"
    letter = folder / "letter.yaml"
    text = letter.read_text().replace(
        "closing: With thanks.", "closing: Veuillez agréer l'expression de notre considération."
    )
    letter.write_text(text + "language: fr\n")
    (folder / "body.md").write_text(FRENCH_BODY)
    people = ws / "signatories" / "people.yaml"
    people.write_text(people.read_text().replace("University of Tests", "L'Observatoire des tests"))
    campaign = ws / "campaign.yaml"
    campaign.write_text(
        campaign.read_text().replace(
            "  name: Test Coalition\n", "  name: Test Coalition\n  place: Paris\n"
        )
    )
    return folder


def test_a_french_letter_follows_french_typography_in_every_field(minimal: Path) -> None:
    french_letter(minimal)
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    text = flat(" ".join(pdf_pages(minimal / "build" / "test" / "to" / "ada-minister.pdf")))
    # pdftotext shows the narrow no-break spaces as spaces: here, where none was typed.
    assert "Paris, le 2 mai 2024 Objet : Test subject line" in text
    assert "Nous sommes 4 signataires ; 20 000 personnes l’ont lu. Pourquoi ?" in text
    assert "La ministre a dit : « nous verrons »." in text
    assert "Veuillez agréer l’expression de notre considération." in text
    assert "Émile Abel, L’Observatoire des tests, France" in text
    assert "'" not in text and '"' not in text


def test_the_french_rules_apply_to_the_text_of_a_page_not_its_markup() -> None:
    page = (
        '<p title="l\'avis">L&#39;avis &amp; l&#39;ordre: &#34;oui&#34;!</p>'
        "<style>a:b;</style><p>20 000 et 1\u00a0000\u00a0000 à 10:30, https://x.org</p>"
    )
    assert typeset(page, "fr-FR") == (
        f'<p title="l\'avis">L’avis &amp; l’ordre{NNBSP}: «{NNBSP}oui{NNBSP}»{NNBSP}!</p>'
        f"<style>a:b;</style><p>20{NNBSP}000 et 1{NNBSP}000{NNBSP}000 à 10:30, https://x.org</p>"
    )
    assert typeset(page, "en-GB") == page


@given(st.text(alphabet="ab1 '\"«»:;!?\u00a0/", max_size=30))
def test_french_marks_never_stand_where_a_line_can_break(text: str) -> None:
    out = french(text)
    for before, after in itertools.pairwise(out):
        if after in ";!?»":
            assert before not in " \u00a0"
        if before == "«":
            assert after not in " \u00a0"


def test_korean_words_are_kept_whole_on_paper_only() -> None:
    keep = '<bdi style="white-space: nowrap">'
    page = "<p>개인입니다. 2025년 &amp; Ltd</p><title>개인</title>"
    assert typeset(page, "en-US") == (
        f"<p>{keep}개인입니다.</bdi> {keep}2025년</bdi> &amp; Ltd</p><title>개인</title>"
    )
    assert typeset(page, "ko", paper=False) == page


KOREAN_BODY = (
    "우리는 대한민국 정부에 북한 인권 문제를 해결하기 위한 노력을 계속해 주실 것을 "
    "요청하는 시민사회단체와 개인입니다. " * 6
)


def test_a_korean_letter_breaks_lines_only_between_words(minimal: Path) -> None:
    folder = minimal / "letters" / "test"
    letter = folder / "letter.yaml"
    letter.write_text(letter.read_text() + "language: ko\n")
    (folder / "body.md").write_text(KOREAN_BODY + "\n")
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    words = set(KOREAN_BODY.split())
    text = pdf_pages(minimal / "build" / "test" / "to" / "ada-minister.pdf")[0]
    lines = [line.split() for line in text.splitlines() if "우리는" in line or "요청하는" in line]
    assert len(lines) > 3  # the paragraph runs over several lines
    for line in lines:
        assert set(line) <= words, line


def test_a_group_heading_keeps_at_least_three_of_its_entries_on_its_page(minimal: Path) -> None:
    from campaign.checks.letters import load_letters
    from campaign.compose.composer import Composer
    from campaign.load.workspace import Workspace
    from campaign.pdf.render import layout

    people = minimal / "signatories" / "people.yaml"
    orgs = "".join(
        f"  - name: Organization {n:02d}\n    type: organization\n    group: orgs\n"
        for n in range(22)
    )

    def pages(first: int) -> list[list[Any]]:
        """The text boxes of each page of signatories.pdf, ``first`` people before the orgs."""
        individuals = "".join(
            f"  - name: Person {n:03d}\n    type: individual\n    group: intl\n"
            for n in range(first)
        )
        people.write_text("signatories:\n" + individuals + orgs)
        bundles, _ = load_letters(Workspace(minimal), ["test"])
        html = Composer(bundles[0]).signatories_html()
        return [_texts(page._page_box) for page in layout(html, minimal, minimal).pages]

    # Where the second heading stands after 100 people: how many more people bring it
    # to the foot of its page, with room under it for one or two of its own entries.
    laid_out = pages(100)
    first_page = [b for b in laid_out[0] if b.text.startswith("Person")]
    pitch = first_page[1].position_y - first_page[0].position_y
    foot = max(b.position_y + b.height for b in first_page)
    heading = next(b for page in laid_out for b in page if b.text == "Organizations (22)")
    room = int((foot - heading.position_y - heading.height) / pitch)
    kept = []  # for each length of the first group: the second heading's entries on its page
    for first in range(100 + room - 4, 100 + room + 2):
        page = next(p for p in pages(first) if any(b.text == "Organizations (22)" for b in p))
        kept.append(sum(b.text.startswith("Organization ") for b in page))
    assert min(kept) >= 3, kept
    assert min(kept) < 22, kept  # the heading did come to the foot of a page


def _texts(box: object) -> list[Any]:
    """Every text box inside a layout box."""
    found = [box] if getattr(box, "text", None) else []
    for child in getattr(box, "children", None) or []:
        found += _texts(child)
    return found


def test_a_kana_reading_orders_japanese_only_korean_files_the_hanja_reading() -> None:
    import datetime as dt

    from campaign.compose.signatures import signature_block
    from campaign.model.records import GroupSpec, Signatory

    people = tuple(
        Signatory(name=name, type="individual", group="people", sort_as=reading)
        for name, reading in [
            ("John Smith", ""),
            ("서지훈", ""),
            ("山田花子", "やまだはなこ"),
            ("박민수", ""),
            ("石川一郎", "いしかわいちろう"),
        ]
    )

    def order(language: str) -> list[str]:
        block = signature_block(
            people, (GroupSpec("people", "People"),), dt.date(2025, 1, 1), language
        )
        return [s.name for s in block.groups[0].members]

    # Korean: Hangul in 가나다 order with the Hanja filed by their readings (山 산, 石 석),
    # then Latin names; the kana readings play no part.
    assert order("ko") == ["박민수", "山田花子", "서지훈", "石川一郎", "John Smith"]
    # Japanese: Latin names first, then the kana readings (いしかわ before やまだ), Hangul last.
    assert order("ja") == ["John Smith", "石川一郎", "山田花子", "박민수", "서지훈"]
