"""print.pdf is joined while the workers still lay out the letters, and is what joining
the finished letters gives, byte for byte; each of its pages reads and looks as the
letter's own page."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from campaign.build import run as build_run
from campaign.pdf import joining

from conftest import pdf_pages, pictures, run

ADDRESSEES = 80
BATCH = 20  # four overlay batches, whatever the build's own size: the workers lay out long
# after the first batch is done


def test_print_pdf_is_joined_while_the_letters_are_laid_out(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(minimal)
    letter = minimal / "letters" / "test"
    lines = ["to:\n"] + [
        f"  - name: Person Number{n}\n    address: [Street {n}, 10117 Berlin]\n"
        for n in range(ADDRESSEES)
    ]
    lines.append("cc:\n  - name: Bob Deputy\n    address: [Unter den Linden 2, 10117 Berlin]\n")
    (letter / "recipients.yaml").write_text("".join(lines))
    letters_seen: list[int] = []  # letters in staging as the print run reads each of its parts
    masters: dict[str, Path] = {}  # each stamped letter's master, kept past the build
    join_pdfs = joining.join_pdfs

    def watched(parts: list[Path], target: Path, *args: Any, **kwargs: Any) -> list[int]:
        if target.name == "print.pdf":
            wait = kwargs["before"]

            def before(part: Path) -> Path | None:
                master: Path | None = wait(part)
                letters_seen.append(len(list(target.parent.glob("to/*.pdf"))))
                if master is not None:
                    masters[part.name] = tmp_path / master.name
                    if not masters[part.name].exists():
                        shutil.copy(master, masters[part.name])
                return master

            kwargs["before"] = before
        return join_pdfs(parts, target, *args, **kwargs)

    monkeypatch.setattr(joining, "join_pdfs", watched)
    monkeypatch.setattr(build_run, "STAMP_BATCH", BATCH)
    result = run("build", "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert len(letters_seen) == ADDRESSEES + 1  # each letter and the copy to Bob
    # The first letter went into print.pdf before the last one was laid out.
    assert letters_seen[0] < ADDRESSEES
    folder = minimal / "build" / "test"
    with (folder / "mailing.csv").open(encoding="utf-8") as rows:
        files = [folder / row["file"] for row in csv.DictReader(rows)]
    assert len(masters) == ADDRESSEES  # every letter to an addressee was stamped
    join_pdfs(files, tmp_path / "print.pdf", duplex=True, before=lambda p: masters.get(p.name))
    assert (tmp_path / "print.pdf").read_bytes() == (folder / "print.pdf").read_bytes()


PARAGRAPH = "We write again about the resolution, as the families are still waiting. " * 6
# A link on the last page: an annotation, which belongs to one page.
LINKED = "Read [the resolution](https://example.org/resolution) again."
# A salutation that wraps does not take the master's room: that letter is laid out whole.
LONG = (
    "Dear Honourable Member of the Standing Committee on Foreign Affairs, Human Rights "
    "and International Cooperation of the House,"
)


def test_each_page_of_print_pdf_reads_and_looks_as_the_letters_own(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The stamped letters' later pages are the master's, stored once; their page 1s
    # draw the same contents with another stamp each. Each must show its own letter's.
    monkeypatch.chdir(minimal)
    letter = minimal / "letters" / "test"
    (letter / "body.md").write_text("\n\n".join([PARAGRAPH] * 17 + [LINKED]) + "\n")
    people = [("Ada One", "Dear Ada,"), ("Bo Two", "Dear Bo,"), ("Cy Long", LONG)]
    people += [("Dee Four", "Dear Dee,")]
    lines = ["to:\n"] + [
        f'  - name: {name}\n    salutation: "{salutation}"\n    address: [Street {n}, Berlin]\n'
        for n, (name, salutation) in enumerate(people)
    ]
    lines.append("cc:\n  - name: Bob Deputy\n    address: [Unter den Linden 2, 10117 Berlin]\n")
    (letter / "recipients.yaml").write_text("".join(lines))
    stamped: list[str] = []
    join_pdfs = joining.join_pdfs

    def watched(parts: list[Path], target: Path, *args: Any, **kwargs: Any) -> list[int]:
        if target.name == "print.pdf":
            wait = kwargs["before"]

            def before(part: Path) -> Path | None:
                master: Path | None = wait(part)
                stamped.extend([part.name] if master is not None else [])
                return master

            kwargs["before"] = before
        return join_pdfs(parts, target, *args, **kwargs)

    monkeypatch.setattr(joining, "join_pdfs", watched)
    result = run("build", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert stamped == ["ada-one.pdf", "bo-two.pdf", "dee-four.pdf"]  # Cy's laid out whole
    folder = minimal / "build" / "test"
    printed = pdf_pages(folder / "print.pdf")
    looks = pictures(folder / "print.pdf")
    with (folder / "mailing.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["file"] for r in rows] == [
        "to/ada-one.pdf", "to/bo-two.pdf", "to/cy-long.pdf", "to/dee-four.pdf", "cc/bob-deputy.pdf"
    ]  # fmt: skip
    blanks = 0
    for row in rows:
        first, count = int(row["first_page"]) - 1, int(row["pages"])
        own = folder / row["file"]
        assert count == 3 and printed[first : first + count] == pdf_pages(own), row["file"]
        assert looks[first : first + count] == pictures(own), row["file"]
        assert printed[first + count].strip() == ""  # the blank page after an odd letter
        blanks += 1
    assert len(printed) == 4 * len(rows) and blanks == len(rows)
    # Page 1 is each letter's own: the same contents, stamped with another address.
    assert len({printed[4 * n] for n in range(len(rows))}) == len(rows)
    # Each page's links are its own objects, as many as the letters hold.
    with pikepdf.open(folder / "print.pdf") as joined:
        links = [a.objgen for page in joined.pages for a in page.obj.get("/Annots", [])]
    expected = 0
    for row in rows:
        with pikepdf.open(folder / row["file"]) as own_pdf:
            expected += sum(len(page.obj.get("/Annots", [])) for page in own_pdf.pages)
    assert len(links) == len(set(links)) == expected > 0
