"""Shared pages and incremental builds: the fast way gives what a from-scratch layout gives."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from campaign.compose import Composer
from campaign.names import unique_slugs
from campaign.render import render_pdf
from campaign.workspace import Workspace

from conftest import pdf_pages, run

PARAGRAPH = (
    "We write again about the resolution, because the record of the last years shows how "
    "much a steady voice at the Council has mattered to the families who are still waiting. "
)
ADDRESSEES = [
    ("Ada Minister", "Dear Minister,", ["Ministry of Tests", "Wilhelmstraße 1", "10117 Berlin"]),
    ("Bo Member", "Dear Mr. Member,", ["Room 301", "Members' Building", "Tokyo 100-8982"]),
    ("Cy Short", "Dear Cy,", ["Box 1", "Oslo"]),
    ("Dee Émilie Østergård", "Dear Ms. Østergård,", ["Øvre gate 3", "0551 Oslo", "Norway"]),
    # Wraps onto a second line: it cannot take the room of a one-line salutation.
    (
        "Eve Long",
        "Dear Honourable Member of the Standing Committee on Foreign Affairs, Human Rights "
        "and International Cooperation of the House,",
        ["Room 999", "Tokyo 100-8982"],
    ),
    ("Fay Last", "Dear Ms. Last,", ["Rue de la Loi 16", "1000 Bruxelles", "Belgium"]),
]


@pytest.fixture
def many(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace, as the current folder, with six addressees and three pages."""
    monkeypatch.chdir(minimal)
    letter = minimal / "letters" / "test"
    body = "\n\n".join(PARAGRAPH * 3 for _ in range(14))
    (letter / "body.md").write_text("We are {{ signatories.count }} signatories.\n\n" + body + "\n")
    lines = ["to:\n"]
    for name, salutation, address in ADDRESSEES:
        lines.append(f'  - name: {name}\n    salutation: "{salutation}"\n')
        lines.append("    address: [" + ", ".join(f'"{a}"' for a in address) + "]\n")
    lines.append("cc:\n  - name: Bob Deputy\n    address: [Unter den Linden 2, 10117 Berlin]\n")
    (letter / "recipients.yaml").write_text("".join(lines))
    return minimal


def from_scratch(ws: Path, tmp_path: Path) -> dict[str, list[str]]:
    """Each addressee's letter laid out whole, the slow way, as pages of text."""
    bundle = Workspace(ws).load()[0][0]
    composer = Composer(bundle)
    slugs = unique_slugs([r.name for r in composer.to])
    pages = {}
    for slug, addressee in zip(slugs, composer.to, strict=True):
        path = tmp_path / f"{slug}.pdf"
        path.write_bytes(render_pdf(composer.letter_html(addressee), bundle.letter.folder, ws))
        pages[slug] = pdf_pages(path)
    return pages


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_shared_pages_read_exactly_like_letters_laid_out_whole(
    many: Path, tmp_path: Path, jobs: str
) -> None:
    result = run("build", "--verbose", "--jobs", jobs, workspace=many)
    assert result.exit_code == 0, result.output
    assert "  6 letters to addressees share their pages\n" in result.stdout
    assert "  shared pages: 3 laid out once;" in result.stdout
    assert "  1 letter laid out whole\n" in result.stdout  # Eve's long salutation
    expected = from_scratch(many, tmp_path)
    out = many / "build" / "test" / "to"
    for slug, pages in expected.items():
        made = pdf_pages(out / f"{slug}.pdf")
        assert made == pages, slug
        assert len(made) == 3
        assert "Page 2 of 3" in made[1] and "Page 3 of 3" in made[2]
    assert "Dear Cy," in pdf_pages(out / "cy-short.pdf")[0]
    assert "Dear Minister," not in pdf_pages(out / "cy-short.pdf")[0]
    assert "Dee Émilie Østergård\nØvre gate 3" in re.sub(
        r" {2,}", "\n", pdf_pages(out / "dee-emilie-ostergard.pdf")[0]
    )


def test_a_text_that_names_the_addressee_is_laid_out_per_letter(many: Path, tmp_path: Path) -> None:
    body = many / "letters" / "test" / "body.md"
    body.write_text(f"Dear colleague {{{{ recipient.name }}}}, we write to you.\n\n{PARAGRAPH}\n")
    result = run("build", "--verbose", "--jobs", "1", workspace=many)
    assert result.exit_code == 0, result.output
    assert (
        "  letters to addressees laid out one by one: the text or the template uses the "
        "addressee outside the address and salutation\n"
    ) in result.stdout
    assert "  6 letters laid out whole\n" in result.stdout
    expected = from_scratch(many, tmp_path)
    for slug, pages in expected.items():
        assert pdf_pages(many / "build" / "test" / "to" / f"{slug}.pdf") == pages
    assert "Dear colleague Fay Last, we write" in expected["fay-last"][0]


PROOF_LINE = "proof: 7 letters, every address inside its window; 4 names in each list"


def made(stdout: str) -> list[str]:
    """The files a build says it made."""
    return sorted(
        line.strip()
        for line in stdout.splitlines()
        if line.startswith("  ") and not line.startswith("  proof: ")
    )


def test_a_second_build_with_nothing_changed_makes_nothing(many: Path) -> None:
    first = run("build", "--jobs", "1", workspace=many)
    assert first.stdout.startswith("build/test/: 15 files made, 0 up to date\n")
    assert first.stdout.endswith(f"  {PROOF_LINE}\n")
    before = {p: p.stat().st_mtime_ns for p in (many / "build").rglob("*.pdf")}
    again = run("build", "--jobs", "1", workspace=many)
    # The proof of the last build stands: proof.json is read, no PDF.
    assert again.stdout == f"build/test/: 0 files made, 15 up to date\n  {PROOF_LINE}\n"
    assert {p: p.stat().st_mtime_ns for p in (many / "build").rglob("*.pdf")} == before


def test_a_changed_address_makes_only_that_letter(many: Path) -> None:
    run("build", "--jobs", "1", workspace=many)
    recipients = many / "letters" / "test" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("Box 1", "Box 2"))
    result = run("build", "--jobs", "1", workspace=many)
    # The address is also on its envelope and label, and in the print file.
    assert result.stdout.splitlines()[0] == "build/test/: 6 files made, 9 up to date"
    assert made(result.stdout) == [
        "envelopes.pdf",
        "labels.pdf",
        "mailing.csv",
        "print.pdf",
        "proof.json",
        "to/cy-short.pdf",
    ]
    assert "Box 2" in pdf_pages(many / "build" / "test" / "to" / "cy-short.pdf")[0]


def test_a_new_signatory_makes_everything_that_shows_the_list(many: Path) -> None:
    run("build", "--jobs", "1", workspace=many)
    people = many / "signatories" / "people.yaml"
    people.write_text(
        people.read_text()
        + textwrap.indent(
            "- name: Gamma Org\n  type: organization\n  group: orgs\n  signed: 2024-04-20\n",
            "  ",
        )
    )
    result = run("build", "--jobs", "1", workspace=many)
    assert made(result.stdout) == sorted(
        [f"to/{slug}.pdf" for slug in unique_slugs([a[0] for a in ADDRESSEES])]
        + ["cc/bob-deputy.pdf", "signatories.pdf", "signatories.csv", "letter.html"]
        + ["print.pdf", "mailing.csv", "proof.json"]
    )
    assert "Gamma Org" in "".join(pdf_pages(many / "build" / "test" / "to" / "fay-last.pdf"))
    forced = run("build", "--jobs", "1", "--force", workspace=many)
    assert forced.stdout.startswith("build/test/: 15 files made, 0 up to date\n")
