"""print.pdf is joined while the workers still lay out the letters, and is what joining
the finished letters gives, byte for byte."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from campaign.build import run as build_run
from campaign.pdf import joining

from conftest import run

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
    join_pdfs = joining.join_pdfs

    def watched(parts: list[Path], target: Path, *args: Any, **kwargs: Any) -> list[int]:
        if target.name == "print.pdf":
            wait = kwargs["before"]

            def before(part: Path) -> None:
                wait(part)
                letters_seen.append(len(list(target.parent.glob("to/*.pdf"))))

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
    join_pdfs(files, tmp_path / "print.pdf", duplex=True)
    assert (tmp_path / "print.pdf").read_bytes() == (folder / "print.pdf").read_bytes()
