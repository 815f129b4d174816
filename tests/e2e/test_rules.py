"""The rules users rely on, checked on the minimal workspace's built PDFs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import campaign.pdf.render
from campaign.errors import CampaignError

from conftest import flat, pdf_info, pdf_text, pdf_words, run, snapshot


def build(ws: Path) -> Path:
    result = run("build", workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / "test"


def all_text(out: Path) -> str:
    """Everything a reader can see in every output of a letter."""
    parts = [pdf_text(p) for p in sorted(out.rglob("*.pdf"))]
    parts += [p.read_text("utf-8-sig") for p in (out / "letter.html", out / "signatories.csv")]
    return "\n".join(parts)


def test_only_signed_signatures_up_to_as_of_print(minimal: Path) -> None:
    out = build(minimal)
    text = flat(pdf_text(out / "to" / "ada-minister.pdf"))
    assert "We are 4 signatories, 2 of them organizations." in text
    assert "Signatories (as of May 1, 2024)" in text
    assert "Individuals (2) Émile Abel, University of Tests, France Zoë Zimmer" in text
    assert "Organizations (2) Alpha Organization, Germany beta Organization" in text
    everything = all_text(out)
    for absent in ("Withdrawn Person", "Pending Person", "Late Person"):
        assert absent not in everything


def test_private_fields_never_reach_an_output(minimal: Path) -> None:
    people = minimal / "signatories" / "people.yaml"
    people.write_text(
        people.read_text().replace(
            "    email: zoe.private@example.org\n",
            "    email: zoe.private@example.org\n    phone: '+49 PHONE-MARKER'\n"
            "    notes: NOTES-MARKER called twice\n",
        )
    )
    out = build(minimal)
    markers = ("zoe.private@example.org", "ada.private@example.org", "PHONE-MARKER", "NOTES-MARKER")
    everything = all_text(out)
    raw = b"".join(p.read_bytes() for p in out.rglob("*") if p.is_file())
    for marker in markers:
        assert marker not in everything
        assert marker.encode() not in raw


def test_markup_in_names_prints_literally(minimal: Path) -> None:
    people = minimal / "signatories" / "people.yaml"
    people.write_text(
        people.read_text()
        .replace("name: beta Organization", "name: '<b>Bold</b> & Co {{ 7*7 }}'")
        .replace("country: Germany", "country: \"<script>alert('x')</script>\"")
    )
    out = build(minimal)
    text = flat(pdf_text(out / "to" / "ada-minister.pdf"))
    assert "<b>Bold</b> & Co {{ 7*7 }}" in text
    assert "<script>alert('x')</script>" in text
    html = (out / "letter.html").read_text()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co {{ 7*7 }}" in html
    assert "<script>" not in html and "49" not in html


def test_recipient_fields_in_the_body(minimal: Path) -> None:
    body = minimal / "letters" / "test" / "body.md"
    body.write_text("We write to you, {{ recipient.name }} ({{ recipient.title }}).\n")
    text = flat(pdf_text(build(minimal) / "to" / "ada-minister.pdf"))
    assert "We write to you, Ada Minister (Minister of Tests)." in text


def test_letter_paper_uses_the_us_10_window(minimal: Path) -> None:
    letter = minimal / "letters" / "test" / "letter.yaml"
    letter.write_text(letter.read_text() + "paper: letter\n")
    out = build(minimal)
    assert "612 x 792 pts (letter)" in pdf_info(out / "to" / "ada-minister.pdf")["Page size"]
    inch = 25.4
    words = pdf_words(out / "to" / "ada-minister.pdf")
    wanted = ("Ada", "Minister", "Wilhelmstraße", "10117")
    address = [w for w in words if w.text in wanted and w.top < 100]
    assert {w.text for w in address} == {"Ada", "Minister", "Wilhelmstraße", "10117"}
    for w in address:
        assert 0.625 * inch <= w.left and w.right <= 0.875 * inch + 90
        assert 2.1 * inch - 0.5 <= w.top and w.bottom <= 3.1 * inch + 0.5


def test_address_too_long_for_the_window(minimal: Path) -> None:
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    recipients.write_text(
        recipients.read_text().replace(
            "address: [Ministry of Tests, Wilhelmstraße 1, 10117 Berlin]",
            "address: [Ministry of Tests, Floor 3, Room 12, Building B, Wilhelmstraße 1, "
            "Mitte, Berlin, 10117 Berlin, Germany]",
        )
    )
    result = run("check", workspace=minimal)
    assert result.exit_code == 1
    hint = (
        "  hint: shorten the title, join address lines (street and district on one line), "
        "or leave out the organization\n"
    )
    assert result.stderr == (
        "ws/letters/test/recipients.yaml:2: the address of 'Ada Minister' needs 11 lines in "
        "the din5008-b window, which holds 9\n" + hint + "ws/letters/test/recipients.yaml:2: "
        "the address of 'Ada Minister' needs 11 lines on the DL envelope, which holds 10\n"
        + hint
        + "Error: 2 problems in 1 file; nothing was written\n"
    )


def test_workspace_template_extends_the_shipped_one_block_by_block(minimal: Path) -> None:
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(
        textwrap.dedent(
            """\
            {% extends "builtin/joint-letter/letter.html.j2" %}
            {% block closing %}
            <p class="closing">In solidarity, {{ sender.name }}.</p>
            {% endblock %}
            """
        )
    )
    text = flat(pdf_text(build(minimal) / "to" / "ada-minister.pdf"))
    assert "In solidarity, Test Coalition." in text
    assert "With thanks." not in text
    assert "Re: Test subject line" in text  # the rest is the shipped template


def test_failed_build_leaves_previous_outputs(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = build(minimal)
    before = snapshot(out)
    body = minimal / "letters" / "test" / "body.md"
    body.write_text("A changed text.\n")
    calls = []
    real = campaign.pdf.render.layout

    def flaky(*args: object) -> object:
        calls.append(1)
        if len(calls) == 2:
            raise CampaignError("could not lay out the PDF: simulated failure")
        return real(*args)  # type: ignore[arg-type]

    # One job: the layout runs in this process, where the failure is planted.
    monkeypatch.setattr(campaign.pdf.render, "layout", flaky)
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 1
    assert "Error: could not lay out the PDF: simulated failure" in result.stderr
    assert snapshot(out) == before
    assert sorted(p.name for p in out.parent.iterdir()) == ["test"]


def test_removed_recipient_loses_its_letter(minimal: Path) -> None:
    out = build(minimal)
    assert (out / "cc" / "bob-deputy.pdf").exists()
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    text = recipients.read_text()
    recipients.write_text(text[: text.index("cc:")])
    build(minimal)
    assert not (out / "cc" / "bob-deputy.pdf").exists()


def test_init_makes_a_workspace_that_builds(tmp_path: Path) -> None:
    result = run("init", "fresh")
    assert result.exit_code == 0
    assert "Created a workspace in fresh" in result.stdout
    ws = tmp_path / "fresh"
    assert (ws / "templates" / "joint-letter" / "letter.html.j2").is_file()
    assert run("build", workspace=ws).exit_code == 0
    out = ws / "build" / "japan-hrc-2020"
    assert sorted(p.name for p in (out / "to").iterdir()) == ["shinzo-abe.pdf"]
    again = run("init", "fresh")
    assert again.exit_code == 1
    assert "already holds" in again.stderr and "nothing was written" in again.stderr


def test_the_repository_example_is_the_one_init_ships() -> None:
    from campaign.drafting.scaffold import EXAMPLE

    repo = Path(__file__).parent.parent.parent
    for shipped in EXAMPLE.rglob("*"):
        if shipped.is_file():
            ours = repo / shipped.relative_to(EXAMPLE)
            assert ours.read_bytes() == shipped.read_bytes(), ours


def test_python_dash_m_and_version() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "campaign", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.startswith("campaign, version ")
