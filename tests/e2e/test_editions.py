"""A formal letter's translated edition and its parallel edition, read back from the PDFs."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import copy_example, flat, pdf_pages, pdf_words, run

SLUG = "japan-hrc-2020"
SIGNERS = """\
signers:
  - name: Jane Doe
    title: Executive Director
  - name: Taro Yamada
    title: Chair of the Board
"""
TRANSLATED = """\
    parallel: side-by-side
    signers:
      - title: 事務局長
      - name: 山田太郎
        title: 理事長
"""


@pytest.fixture(scope="module")
def formal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example as a formal letter with two signers, translated into Japanese, built once."""
    ws = copy_example(tmp_path_factory.mktemp("formal"))
    path = ws / "letters" / SLUG / "letter.yaml"
    text = path.read_text().replace("template: joint-letter", "template: formal-letter")
    assert "    parallel: side-by-side\n" in text
    path.write_text(text.replace("    parallel: side-by-side\n", TRANSLATED) + SIGNERS)
    result = run("build", workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / SLUG


def test_a_translation_gives_the_signers_titles_in_its_language(formal: Path) -> None:
    text = flat(" ".join(pdf_pages(formal / "ja" / "to" / "shinzo-abe.pdf")))
    assert "Jane Doe 山田太郎 事務局長 理事長" in text
    assert "Executive Director" not in text and "Taro Yamada" not in text
    english = flat(" ".join(pdf_pages(formal / "to" / "shinzo-abe.pdf")))
    assert "Jane Doe Taro Yamada Executive Director Chair of the Board" in english


def test_the_parallel_edition_of_a_formal_letter_signs_side_by_side(formal: Path) -> None:
    letter = formal / "ja" / "parallel.pdf"
    pages = pdf_pages(letter)
    page = next(n for n, text in enumerate(pages, 1) if "Jane Doe" in text)
    words = pdf_words(letter, page)
    jane = next(w for w in words if w.text == "Jane")
    taro = next(w for w in words if w.text == "Taro")
    # formal-letter's own styles: the two signers in one row, each in a column of 70 mm.
    assert abs(jane.top - taro.top) < 0.5
    assert 80 < taro.left - jane.left < 90


def test_a_translation_that_miscounts_the_signers_is_refused(tmp_path: Path) -> None:
    ws = copy_example(tmp_path / "ws")
    path = ws / "letters" / SLUG / "letter.yaml"
    text = path.read_text().replace("template: joint-letter", "template: formal-letter")
    extra = "    signers:\n      - title: 事務局長\n"
    path.write_text(text.replace("    parallel: side-by-side\n", extra) + SIGNERS)
    result = run("check", workspace=ws)
    assert result.exit_code == 1
    assert result.stderr == (
        f"ws/letters/{SLUG}/letter.yaml:29: translation 'ja' has an entry for 1 of the "
        "letter's 2 signers\n"
        "  hint: give one entry per signer of the letter, in the same order "
        "(a '- title: ...' for each; leave out what stays as it is)\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
