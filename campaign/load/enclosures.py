"""``enclosures:`` in letter.yaml: PDFs of the letter's folder that follow every letter and copy."""

from __future__ import annotations

import os
from pathlib import Path

from campaign.errors import Problem
from campaign.load.schema import Fields, kind
from campaign.load.yamlfile import LineDict, LineList
from campaign.model.records import Enclosure
from campaign.paths import MAX_BINARY, opened, resolved, unreadable

HINT_FILE = "give the file name of a PDF in letters/{slug}/, e.g. - report.pdf"


def load_enclosures(f: Fields, folder: Path) -> tuple[Enclosure, ...]:
    """``enclosures:``: each a file name, or a mapping with ``file:`` and a ``title:`` to print."""
    value = f.data.get("enclosures")
    if value is None or value == []:
        return ()
    if not isinstance(value, LineList):
        f.error(
            "enclosures",
            f"'enclosures' must be a list of PDF files, not {kind(value)}",
            HINT_FILE.format(slug=folder.name),
        )
        return ()
    found = []
    for line, item in zip(value.item_lines, value, strict=True):
        if isinstance(item, LineDict):
            e = Fields(item, f.path, f.problems, "enclosure")
            e.known(("file", "title"))
            name, title, at = e.text("file", required=True), e.text("title"), e.line("file")
        elif isinstance(item, str):
            name, title, at = item.strip(), "", line
        else:
            f.problems.append(
                Problem(
                    f.path,
                    line,
                    f"each enclosure must be a file name or a mapping, not {kind(item)}",
                    HINT_FILE.format(slug=folder.name),
                )
            )
            continue
        if name and (path := _pdf_file(f, at, name, folder)):
            found.append(Enclosure(path, title or name, at))
    return tuple(found)


def _pdf_file(f: Fields, line: int, name: str, folder: Path) -> Path | None:
    """The enclosure's file: a PDF inside the letter's own folder (an error where it is not)."""
    where = f"letters/{folder.name}/"
    given = Path(name)
    target = resolved(folder / given)  # a symlink leading out of the folder is refused too

    def error(message: str, hint: str) -> None:
        f.problems.append(Problem(f.path, line, f"enclosure '{name}' {message}", hint))

    if given.is_absolute() or ".." in given.parts or not target.is_relative_to(resolved(folder)):
        error("is outside the letter's folder", f"copy the PDF into {where} and give its file name")
    elif given.suffix.lower() != ".pdf":
        error("is not a PDF file", "save or export the document as PDF, and name it .pdf")
    elif not os.path.lexists(target):
        error("does not exist", f"put the PDF in {where}, or take it out of 'enclosures'")
    elif refused := unreadable(target, MAX_BINARY):
        error(f"cannot be read: {refused[0]}", refused[1])
    elif not _looks_like_pdf(target):
        error(
            "cannot be read as a PDF (it does not start and end as one)",
            "download or export it again, and open it in a PDF reader to check it",
        )
    else:
        return target
    return None


def _looks_like_pdf(path: Path) -> bool:
    """Whether the file starts and ends as a PDF does: a renamed or cut-short file does not."""
    try:
        with opened(path, MAX_BINARY) as (file, size):
            head = file.read(1024)
            file.seek(max(0, size - 2048))
            tail = file.read(2048)
    except OSError:
        return False
    return b"%PDF-" in head and b"%%EOF" in tail
