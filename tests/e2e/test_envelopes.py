"""Envelopes as the build makes them: the addresses drawn over one envelope laid out once.

What every envelope shows (the sender) is laid out once and drawn under each page; the
addresses are laid out in parts. The pages must read and look exactly as the envelopes
laid out whole, and a workspace template that knows no layers is laid out whole.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pikepdf
import pytest

from campaign.checks.letters import load_letters
from campaign.compose.composer import ENVELOPES_PER_PAGE, ENVELOPES_PER_PART, Composer
from campaign.load.catalog import BUILTIN_TEMPLATES
from campaign.load.workspace import Workspace
from campaign.paper.envelopes import ENVELOPES, WINDOWS
from campaign.pdf import render
from campaign.pdf.engine import split_sheets
from campaign.pdf.joining import join_pdfs
from campaign.pdf.render import fitted_layout, layout, render_pdf

from conftest import flat, pdf_pages, pictures, run

SENDER = "Test Coalition 1 Test Street 10115 Berlin"
TO = [
    "Ada Minister Minister of Tests Ministry of Tests Wilhelmstraße 1 10117 Berlin",
    "Bob Deputy Deputy Minister Office of the Deputy Unter den Linden 2 10117 Berlin",
]
# The shipped template before it had layers, as a workspace may hold a copy of it.
NO_LAYERS = """\
<!DOCTYPE html>
<html lang="{{ language }}">
<head>
<meta charset="utf-8">
<title>{{ labels.envelopes }}: {{ letter.title }}</title>
<style>
{% include part("letter.css") %}
@page { size: {{ envelope.width }}mm {{ envelope.height }}mm; margin: 0; }
.envelope { position: relative; height: {{ envelope.height }}mm; overflow: hidden; }
.envelope + .envelope { break-before: page; }
.envelope .from { position: absolute; left: 10mm; top: 10mm; font: 8pt var(--font-sans); }
.envelope .to { position: absolute; left: {{ envelope.to_left }}mm; top: {{ envelope.to_top }}mm;
  width: {{ envelope.to_width }}mm; height: 40mm; font: 11pt var(--font-sans); }
.envelope span { display: block; }
</style>
</head>
<body>
{% for item in mailing %}
<div class="envelope" data-fit-frame>
  <div class="from" data-fit="sender">
    <span>{{ sender.name }}</span>
{% for line in sender.address %}
    <span>{{ line }}</span>
{% endfor %}
  </div>
  <div class="to" data-fit="address" data-fit-frame>
{% for line in item.recipient.lines %}
    <span>{{ line }}</span>
{% endfor %}
  </div>
</div>
{% endfor %}
</body>
</html>
"""


def build(ws: Path) -> Path:
    result = run("build", "--jobs", "1", workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / "test" / "envelopes.pdf"


def drawn_under(pdf: Path) -> set[tuple[int, int]]:
    """The objects each page draws under its own content, as (object number, generation)."""
    with pikepdf.open(pdf) as doc:
        found = set()
        for page in doc.pages:
            objects = page.Resources.get("/XObject", {})
            found |= {objects[name].objgen for name in objects if name == "/CampaignUnder"}
        return found


@pytest.mark.parametrize("envelope", ["din5008-b", "jp-chou3"])
def test_envelopes_read_and_look_as_laid_out_whole(
    minimal: Path, tmp_path: Path, envelope: str
) -> None:
    letter = minimal / "letters" / "test" / "letter.yaml"
    letter.write_text(letter.read_text() + f"envelope: {envelope}\n")
    built = build(minimal)
    assert len(drawn_under(built)) == 1  # one envelope, laid out once, under every page
    # The same envelopes laid out whole, one document per part, joined as the build joins.
    bundles, _ = load_letters(Workspace.locate(minimal), None)
    composer = Composer(bundles[0])
    parts = []
    for n, html in enumerate(composer.envelopes_html()):
        parts.append(tmp_path / f"part-{n}.pdf")
        parts[-1].write_bytes(render_pdf(html, bundles[0].letter.folder, minimal))
    whole = tmp_path / "whole.pdf"
    join_pdfs(parts, whole, dedupe=False)
    first = envelope != "jp-chou3"  # 長形3号 has the return address at its foot
    wanted = [f"{SENDER} {t}" if first else f"{t} {SENDER}" for t in TO]
    assert [flat(page) for page in pdf_pages(built)] == wanted
    assert pdf_pages(built) == pdf_pages(whole)
    assert pictures(built) == pictures(whole)


def test_an_envelope_template_without_layers_is_laid_out_whole(minimal: Path) -> None:
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "envelopes.html.j2").write_text(NO_LAYERS)
    built = build(minimal)
    assert drawn_under(built) == set()
    assert [flat(page) for page in pdf_pages(built)] == [f"{SENDER} {t}" for t in TO]


@pytest.mark.parametrize(("envelope", "name"), [("din5008-b", "DL"), ("jp-chou3", "長形3号")])
def test_a_return_address_running_into_the_address_stops_the_build(
    minimal: Path, envelope: str, name: str
) -> None:
    letter = minimal / "letters" / "test" / "letter.yaml"
    letter.write_text(letter.read_text() + f"envelope: {envelope}\n")
    settings = minimal / "campaign.yaml"
    lines = ", ".join(f"Floor {n}" for n in range(12))
    settings.write_text(settings.read_text().replace("[1 Test Street,", f"[{lines},"))
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[1:] == [  # after the progress bar's label
        f"ws/campaign.yaml:1: the sender's address does not fit on the {name} envelope",
        "  hint: give the sender's address fewer lines under 'sender:' (street and district "
        "on one line), or shorten them",
        "Error: 1 problem in 1 file; nothing was written",
    ]
    assert not (minimal / "build" / "test").exists()


def _addressees(ws: Path, count: int, long: int = -1) -> list[str]:
    """Write ``count`` addressees (``long`` with an address of 12 lines); return their names."""
    names = [f"Person {n + 1}" for n in range(count)]
    lines = ["to:\n"]
    for n, name in enumerate(names):
        address = [f"Room {n + 1}", "Test Street 3", "10115 Berlin"]
        if n == long:
            address = [f"Floor {floor}" for floor in range(9)] + address
        lines.append(
            f"  - name: {name}\n    salutation: Dear {name},\n    address: [{', '.join(address)}]\n"
        )
    (ws / "letters" / "test" / "recipients.yaml").write_text("".join(lines))
    return names


def test_each_envelope_shows_its_own_addressee_and_no_other(minimal: Path) -> None:
    # Two parts: the first with two pages of envelopes stacked, the second with a
    # shorter stack; each page of envelopes.pdf is one envelope, in mailing order.
    count = ENVELOPES_PER_PART + ENVELOPES_PER_PAGE // 2 + 1
    names = _addressees(minimal, count)
    built = build(minimal)
    assert [flat(page) for page in pdf_pages(built)] == [
        f"{SENDER} {name} Room {n} Test Street 3 10115 Berlin" for n, name in enumerate(names, 1)
    ]
    with pikepdf.open(built) as pdf:
        sizes = {tuple(float(v) for v in page.mediabox) for page in pdf.pages}
    assert sizes == {(0.0, 0.0, 623.622047, 311.811024)}  # DL: 220 × 110 mm


def test_an_address_too_long_for_its_envelope_on_a_stacked_page_is_said_by_name(
    minimal: Path,
) -> None:
    # The addressee stands on the second page of envelopes of the first part, below
    # another: the misfit is theirs, not the neighbour's nor the page's first.
    long = ENVELOPES_PER_PAGE + 1
    _addressees(minimal, ENVELOPES_PER_PAGE + 3, long)
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 1
    said = [line for line in result.stderr.splitlines() if not line.startswith("  hint:")]
    line = 2 + 3 * long
    assert said[1:] == [  # after the progress bar's label
        f"ws/letters/test/recipients.yaml:{line}: the address of 'Person {long + 1}' needs "
        "13 lines in the din5008-b window, which holds 9",
        f"ws/letters/test/recipients.yaml:{line}: the address of 'Person {long + 1}' needs "
        "13 lines on the DL envelope, which holds 10",
        "Error: 2 problems in 1 file; nothing was written",
    ]
    assert not (minimal / "build" / "test").exists()


def test_envelopes_a_template_stacks_otherwise_are_laid_out_a_page_each(minimal: Path) -> None:
    # A workspace's copy whose stacking style leaves room above the envelopes: they
    # cannot be cut into pages exactly, so they are laid out again without the style.
    shipped = (BUILTIN_TEMPLATES / "joint-letter" / "envelopes.html.j2").read_text()
    stacking = "<style data-sheets>\n"
    assert stacking in shipped
    own = minimal / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "envelopes.html.j2").write_text(
        shipped.replace(stacking, stacking + "body { padding-top: 1mm; }\n")
    )
    names = _addressees(minimal, 3)
    built = build(minimal)
    assert [flat(page) for page in pdf_pages(built)] == [
        f"{SENDER} {name} Room {n} Test Street 3 10115 Berlin" for n, name in enumerate(names, 1)
    ]
    with pikepdf.open(built) as pdf:
        sizes = {tuple(float(v) for v in page.mediabox) for page in pdf.pages}
    assert sizes == {(0.0, 0.0, 623.622047, 311.811024)}


@pytest.mark.parametrize(
    ("envelope", "paper"),
    [("din5008-b", "a4"), ("din5008-a", "a4"), ("us-10", "letter"), ("jp-chou3", "a4")],
)
def test_the_shipped_envelopes_are_cut_not_laid_out_again(
    minimal: Path, envelope: str, paper: str
) -> None:
    # Envelopes that cannot be cut are laid out again a page each: right, but twice the
    # work. The shipped template's must always be cut, on every envelope.
    letter = minimal / "letters" / "test" / "letter.yaml"
    letter.write_text(letter.read_text() + f"envelope: {envelope}\npaper: {paper}\n")
    _addressees(minimal, ENVELOPES_PER_PAGE + 2)
    bundles, _ = load_letters(Workspace.locate(minimal), None)
    layers = Composer(bundles[0]).envelope_layers()
    assert layers is not None
    for part in layers[1]:
        document, misfits = fitted_layout(part, bundles[0].letter.folder, minimal)
        assert (misfits, len(document.pages)) == ([], 2)
        cut = split_sheets(document, ENVELOPES[WINDOWS[envelope].envelope].height * 96 / 25.4)
        assert cut is not None
        assert len(cut.pages) == ENVELOPES_PER_PAGE + 2


# Addresses as people type them: spaces doubled and at the ends, Japanese and Arabic.
ODD = (
    '  - name: " Ada  Minister"\n    salutation: Dear Minister,\n'
    '    address: ["Wilhelmstraße  1 ", "東京都千代田区永田町 2-1-2", "مرحبا بكم في المدينة", '
    '"10117   Berlin"]\n'
)
# A line wider than any envelope's field: it wraps with a hanging indent.
WIDE = (
    '  - name: "Someone With A Very Long Name Indeed Who Wraps On Every Envelope Field"\n'
    "    salutation: Dear Someone,\n    address: [Unter den Linden 2, 10117 Berlin]\n"
)


def _a_block_a_line(html: str) -> str:
    """``html`` with each address line in a block of its own, as before as_lines."""
    html = html.replace(
        ".label { white-space: pre; }", ".label span { display: block; white-space: nowrap; }"
    )

    def spans(found: re.Match[str]) -> str:
        lines = found.group(2).split("\n")
        return found.group(1) + "".join(f"<span>{line}</span>" for line in lines) + "</div>"

    return re.sub(r'(<div class="(?:to|label)"[^>]*>)(.*?)</div>', spans, html, flags=re.S)


@pytest.mark.parametrize(
    ("envelope", "paper"), [("din5008-b", "a4"), ("us-10", "letter"), ("jp-chou3", "a4")]
)
@pytest.mark.parametrize("wide", [False, True])
def test_addresses_set_as_text_read_and_look_as_a_block_a_line(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, envelope: str, paper: str,
    wide: bool,
) -> None:  # fmt: skip
    # An address is one text, a line a line (as_lines), far quicker to lay out than a
    # block a line; it must print as the blocks would, on envelopes and labels alike. A
    # line wider than the envelope's field is set a block a line again, to wrap.
    letter = minimal / "letters" / "test" / "letter.yaml"
    letter.write_text(letter.read_text() + f"envelope: {envelope}\npaper: {paper}\n")
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    text = recipients.read_text()
    recipients.write_text(text.replace("cc:\n", ODD + (WIDE if wide else "") + "cc:\n"))
    bundles, _ = load_letters(Workspace.locate(minimal), None)
    composer, folder = Composer(bundles[0]), bundles[0].letter.folder
    laid_out: list[str] = []

    def recorded(html: str, *rest: Any) -> Any:
        laid_out.append(html)
        return layout(html, *rest)

    monkeypatch.setattr(render, "layout", recorded)
    made = {"envelopes": composer.envelopes_html(), "labels": composer.labels_html()}
    for kind, parts in made.items():
        assert len(parts) == 1
        as_text, blocks = tmp_path / f"{kind}.pdf", tmp_path / f"{kind}-blocks.pdf"
        as_text.write_bytes(render_pdf(parts[0], folder, minimal))
        blocks.write_bytes(render_pdf(_a_block_a_line(parts[0]), folder, minimal))
        assert pdf_pages(as_text) == pdf_pages(blocks)
        assert pictures(as_text) == pictures(blocks)
    pages = pdf_pages(tmp_path / "envelopes.pdf")
    assert "Ada Minister Wilhelmstraße 1 東京都千代田区永田町 2-1-2" in flat(pages[1])
    # Laid out as text; a block a line again only the address whose line is wider than
    # the field, as it would be on an envelope alone (then the blocks the test made: each
    # address a block a line).
    envelopes = [
        len(re.findall(r"data-fit-lines[^>]*><span>", html))
        for html in laid_out
        if 'class="to"' in html
    ]
    assert envelopes == ([0, 1, 4] if wide else [0, 3])
