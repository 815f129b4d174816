"""Copies for cc from pages of their own, laid out once: each reads as the copy laid out whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.load.workspace import Workspace
from campaign.pdf.render import render_pdf

from conftest import pdf_pages, run

PARAGRAPH = "We write again about the resolution, which has mattered to the families. "
# Name, address: the copy's window; the mark on every page says "COPY FOR <NAME>".
COPIES = [
    ("Bob Deputy", ["Unter den Linden 2", "10117 Berlin"]),
    ("Cleo Envoy", ["Rue de la Loi 200", "1049 Bruxelles"]),
    ("Dan Aide", ["Box 7", "0150 Oslo"]),
]


def workspace(minimal: Path, copies: list[tuple[str, list[str]]], title: str = "") -> Path:
    """The minimal workspace with two addressees, three pages of text and ``copies``."""
    letter = minimal / "letters" / "test"
    body = "\n\n".join(PARAGRAPH * 8 for _ in range(14))
    (letter / "body.md").write_text(body + "\n")
    if title:
        yaml = letter / "letter.yaml"
        yaml.write_text(yaml.read_text() + f"short_title: {title}\n")
    lines = ["to:\n"]
    for name in ("Ada Minister", "Bo Member"):
        lines.append(f"  - name: {name}\n    address: [Room 301, Tokyo 100-8982]\n")
    lines.append("cc:\n")
    for name, address in copies:
        lines.append(f"  - name: {name}\n    address: [" + ", ".join(address) + "]\n")
    (letter / "recipients.yaml").write_text("".join(lines))
    return minimal


def whole(ws: Path) -> dict[str, list[str]]:
    """Each copy for cc laid out whole, the slow way, as pages of text."""
    bundle = load_letters(Workspace(ws))[0][0]
    composer = Composer(bundle)
    pages = {}
    for number, piece in enumerate(composer.pieces):
        if piece.role == "cc":
            path = ws / f"{piece.index}.pdf"
            path.write_bytes(render_pdf(composer.piece_html(number), bundle.letter.folder, ws))
            pages[piece.file] = pdf_pages(path)
    return pages


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_copies_share_their_pages_and_each_reads_as_laid_out_whole(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, jobs: str
) -> None:
    monkeypatch.chdir(minimal)
    ws = workspace(minimal, COPIES)
    result = run("build", "--verbose", "--jobs", jobs, workspace=ws)
    assert result.exit_code == 0, result.output
    assert "  2 letters to addressees share their pages\n" in result.stdout
    assert "  3 copies for cc share their pages\n" in result.stdout
    assert "laid out whole" not in result.stdout
    expected = whole(ws)
    folder = ws / "build" / "test"
    for (name, address), (file, pages) in zip(COPIES, expected.items(), strict=True):
        got = pdf_pages(folder / file)
        assert got == pages
        assert len(got) >= 3
        others = [other for other in COPIES if other[0] != name]
        for number, text in enumerate(got):
            # Its own mark on every page, and no other copy's mark.
            assert text.count(f"COPY FOR {name.upper()}") == 1, (file, number)
            assert not any(other.upper() in text for other, _ in others), (file, number)
        # Its own address in the window of page 1, and no other's (the list of the
        # letter's cc recipients, which names them all, comes on its last page).
        assert all(line in got[0] for line in address), file
        assert not any(line in got[0] for _, lines in others for line in lines), file


def test_a_mark_that_moves_the_running_title_is_laid_out_whole(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The margin boxes of a page share its width by what each holds: this mark is long
    # enough to wrap the running title beside it, which the shared pages (laid out with
    # the first copy's short mark) draw on one line.
    monkeypatch.chdir(minimal)
    long = "Prof. Dr. Maximiliane Theodora von Hohenzollern-Sigmaringen-Wittelsbach"
    copies = [*COPIES[:2], (long, ["Schloss 1", "72488 Sigmaringen"])]
    ws = workspace(minimal, copies, title="Joint letter on the resolution at the Council")
    result = run("build", "--verbose", workspace=ws)
    assert result.exit_code == 0, result.output
    assert "  2 copies for cc share their pages\n" in result.stdout
    assert (
        "  1 copy for cc laid out whole: what their page margins show (a copy's mark) is "
        "drawn otherwise than on the shared pages (a longer mark wraps what stands beside "
        "it)\n"
    ) in result.stdout
    folder = ws / "build" / "test"
    for file, pages in whole(ws).items():
        assert pdf_pages(folder / file) == pages
    # The wrapped title is what the copy laid out whole shows.
    (file,) = (folder / "cc").glob("prof-dr-*.pdf")
    later = pdf_pages(file)[1]
    assert "Joint letter on the resolution at the Council" not in later


def test_the_one_addressee_is_laid_out_whole_and_the_copies_share_their_pages(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Shared pages for one letter would cost no less, laid out in the build's own
    # process: the letter goes to a worker whole, beside the copies' shared pages.
    monkeypatch.chdir(minimal)
    ws = workspace(minimal, COPIES)
    recipients = ws / "letters" / "test" / "recipients.yaml"
    text = recipients.read_text()
    recipients.write_text(
        text.replace("  - name: Bo Member\n    address: [Room 301, Tokyo 100-8982]\n", "")
    )
    result = run("build", "--verbose", "--jobs", "2", workspace=ws)
    assert result.exit_code == 0, result.output
    assert (
        "  1 letter to addressees laid out one by one: a letter like no other costs no less "
        "from shared pages than laid out whole\n"
    ) in result.stdout
    assert (
        "  3 copies for cc share their pages\n"
        "  shared pages: 4 laid out once; each copy's address and copy mark stamped on\n"
    ) in result.stdout
    bundle = load_letters(Workspace(ws))[0][0]
    composer = Composer(bundle)
    (letter,) = [p for p in composer.pieces if p.role == "to"]
    alone = ws / "alone.pdf"
    alone.write_bytes(render_pdf(composer.piece_html(0), bundle.letter.folder, ws))
    assert pdf_pages(ws / "build" / "test" / letter.file) == pdf_pages(alone)
