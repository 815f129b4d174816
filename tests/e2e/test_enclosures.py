"""``enclosures:``: PDFs after every letter and copy, in print.pdf, mailing.csv and the mail."""

from __future__ import annotations

import csv
from pathlib import Path

import pikepdf
import pytest

from conftest import flat, pdf_pages, run

LETTER = "letters/test/letter.yaml"


def annex(path: Path, pages: int, words: str = "Annex page") -> Path:
    """A PDF of ``pages`` A4 pages, each saying ``words`` and its number."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    for n in range(pages):
        page = pdf.add_blank_page(page_size=(595, 842))
        page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.Contents = pdf.make_stream(f"BT /F1 20 Tf 72 700 Td ({words} {n + 1}) Tj ET".encode())
    pdf.save(path)
    return path


def enclose(ws: Path, entries: str) -> None:
    """Add an ``enclosures:`` list to the test letter."""
    path = ws / LETTER
    path.write_text(path.read_text() + "enclosures:\n" + entries)


@pytest.fixture
def enclosed(minimal: Path) -> Path:
    """The minimal letter with a titled two-page opinion and a one-page annex, built."""
    folder = minimal / "letters" / "test"
    annex(folder / "opinion.pdf", 2, "Opinion page")
    annex(folder / "annex.pdf", 1)
    enclose(
        minimal, "  - file: opinion.pdf\n    title: Legal opinion of 3 March 2024\n  - annex.pdf\n"
    )
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    return minimal / "build" / "test"


def test_enclosures_follow_every_letter_and_copy(enclosed: Path) -> None:
    for name in ("to/ada-minister.pdf", "cc/bob-deputy.pdf"):
        pages = pdf_pages(enclosed / name)
        letter = flat(" ".join(pages[:-3]))
        assert "With thanks. Enclosures: Legal opinion of 3 March 2024; annex.pdf" in letter
        assert [flat(p) for p in pages[-3:]] == ["Opinion page 1", "Opinion page 2", "Annex page 1"]


def test_print_file_and_mailing_list_count_the_enclosures(enclosed: Path) -> None:
    letter = len(pdf_pages(enclosed / "to" / "ada-minister.pdf"))
    copy = len(pdf_pages(enclosed / "cc" / "bob-deputy.pdf"))
    rows = list(csv.DictReader((enclosed / "mailing.csv").open()))
    assert [(r["file"], int(r["pages"]), int(r["sheets"])) for r in rows] == [
        ("to/ada-minister.pdf", letter, (letter + 1) // 2),
        ("cc/bob-deputy.pdf", copy, (copy + 1) // 2),
    ]
    # Each piece from an odd page: a blank page after one with an odd number of pages.
    printed = pdf_pages(enclosed / "print.pdf")
    assert len(printed) == 2 * ((letter + 1) // 2) + 2 * ((copy + 1) // 2)
    assert flat(printed[letter - 1]) == "Annex page 1"


def test_export_mail_carries_the_enclosures(enclosed: Path, tmp_path: Path) -> None:
    workspace = enclosed.parent.parent
    result = run("export-mail", "test", "-o", str(tmp_path / "out"), workspace=workspace)
    assert result.exit_code == 0, result.output
    exported = sorted((tmp_path / "out").glob("*.pdf"))
    assert [p.read_bytes() for p in exported] == [
        (enclosed / "to" / "ada-minister.pdf").read_bytes(),
        (enclosed / "cc" / "bob-deputy.pdf").read_bytes(),
    ]


@pytest.mark.parametrize(
    ("entry", "make", "message", "hint"),
    [
        (
            "  - report.pdf\n",
            None,
            "enclosure 'report.pdf' does not exist",
            "put the PDF in letters/test/, or take it out of 'enclosures'",
        ),
        (
            "  - report.pdf\n",
            b"This is a note, not a PDF.\n",
            "enclosure 'report.pdf' cannot be read as a PDF (it does not start and end as one)",
            "download or export it again, and open it in a PDF reader to check it",
        ),
        (
            "  - report.docx\n",
            b"PK",
            "enclosure 'report.docx' is not a PDF file",
            "save or export the document as PDF, and name it .pdf",
        ),
        (
            "  - ../../campaign.yaml\n",
            None,
            "enclosure '../../campaign.yaml' is outside the letter's folder",
            "copy the PDF into letters/test/ and give its file name",
        ),
    ],
)
def test_a_missing_or_unreadable_enclosure_is_an_error_at_its_line(
    minimal: Path, entry: str, make: bytes | None, message: str, hint: str
) -> None:
    if make is not None:
        (minimal / "letters" / "test" / entry.strip("- \n")).write_bytes(make)
    enclose(minimal, entry)
    line = (minimal / LETTER).read_text().count("\n")
    for command in ("check", "build"):
        result = run(command, workspace=minimal)
        assert result.exit_code == 1
        assert result.stderr == (
            f"ws/{LETTER}:{line}: {message}\n  hint: {hint}\n"
            "Error: 1 problem in 1 file; nothing was written\n"
        )
    assert not (minimal / "build").exists()


def test_a_pdf_that_cannot_be_opened_stops_the_build_at_its_line(minimal: Path) -> None:
    broken = b"%PDF-1.7\n\x00\x01 nothing\n%%EOF\n"  # starts and ends as a PDF, holds none
    (minimal / "letters" / "test" / "broken.pdf").write_bytes(broken)
    enclose(minimal, "  - broken.pdf\n")
    line = (minimal / LETTER).read_text().count("\n")
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"ws/{LETTER}:{line}: enclosure 'broken.pdf' cannot be read as a PDF "
        "(unable to find trailer dictionary while recovering damaged file)\n"
        "  hint: download or export it again, and open it in a PDF reader to check it\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert not (minimal / "build" / "test" / "to").exists()
