"""Shared pages and incremental builds: the fast way gives what a from-scratch layout gives."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path
from typing import Any

import pytest

from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer, sharing
from campaign.load.workspace import Workspace
from campaign.pdf.render import render_pdf
from campaign.text.names import unique_slugs

from conftest import flat, pdf_pages, run

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
    bundle = load_letters(Workspace(ws))[0][0]
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
    # Eve's long salutation wraps: her letter is laid out whole, and -v says why.
    assert "  5 letters to addressees share their pages\n" in result.stdout
    assert "  shared pages: 3 laid out once;" in result.stdout
    assert (
        "  1 letter to addressees laid out whole: their address or salutation takes other "
        "room than on the shared pages (a longer salutation wraps), which would move the "
        "text after it\n"
    ) in result.stdout
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
        "  6 letters to addressees laid out one by one: the text or the template uses the "
        "addressee outside the address and salutation\n"
    ) in result.stdout
    assert "laid out whole" not in result.stdout  # said once, with why
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


ALICE_AND_BOB = """\
to:
  - name: Alice Alpha
    organization: Alpha Rights Network
    salutation: Dear Ms. Alpha,
    address:
      - 1 Alpha Road
      - 10115 Berlin
  - name: Bob Beta
    salutation: Dear Mr. Beta,
    address:
      - 2 Beta Street
      - 0151 Oslo
"""


@pytest.fixture
def alice_and_bob(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace, as the current folder, to Alice (with an organization) and Bob."""
    monkeypatch.chdir(minimal)
    (minimal / "letters" / "test" / "recipients.yaml").write_text(ALICE_AND_BOB)
    return minimal


def append_to_body(ws: Path, text: str) -> None:
    """Add ``text`` as the last paragraph of the letter's body.md."""
    body = ws / "letters" / "test" / "body.md"
    body.write_text(body.read_text() + "\n" + text + "\n")


def letter_words(ws: Path, file: str) -> list[str]:
    """Every word of a built letter to an addressee, in reading order."""
    return flat("\n".join(pdf_pages(ws / "build" / "test" / file))).split()


def assert_each_letter_reads_as_laid_out_whole(ws: Path, tmp_path: Path) -> None:
    """Each built letter to an addressee has the text of that letter laid out on its own."""
    bundle = load_letters(Workspace(ws))[0][0]
    composer = Composer(bundle)
    for piece in composer.pieces:
        if piece.role != "to":
            continue
        whole = tmp_path / "whole.pdf"
        html = composer.letter_html(composer.to[piece.index])
        whole.write_bytes(render_pdf(html, bundle.letter.folder, ws))
        assert pdf_pages(ws / "build" / "test" / piece.file) == pdf_pages(whole), piece.file


CONDITION = "{% if recipient.organization %}ORG-TEXT{% else %}NO-ORG-TEXT{% endif %}"


@pytest.mark.parametrize("jobs", [[], ["--jobs", "1"]])
def test_text_on_a_condition_on_the_addressee_is_each_letters_own(
    alice_and_bob: Path, tmp_path: Path, jobs: list[str]
) -> None:
    append_to_body(alice_and_bob, CONDITION)
    result = run("build", "--verbose", *jobs, workspace=alice_and_bob)
    assert result.exit_code == 0, result.output
    assert (
        "  2 letters to addressees laid out one by one: the text or the template uses the "
        "addressee outside the address and salutation\n"
    ) in result.stdout
    assert "laid out whole" not in result.stdout  # said once, with why
    alice = letter_words(alice_and_bob, "to/alice-alpha.pdf")
    bob = letter_words(alice_and_bob, "to/bob-beta.pdf")
    assert "ORG-TEXT" in alice and "NO-ORG-TEXT" not in alice
    assert "NO-ORG-TEXT" in bob and "ORG-TEXT" not in bob
    assert_each_letter_reads_as_laid_out_whole(alice_and_bob, tmp_path)


@pytest.mark.parametrize("jobs", [[], ["--jobs", "1"]])
def test_text_for_one_addressee_by_name_is_in_that_letter_only(
    alice_and_bob: Path, tmp_path: Path, jobs: list[str]
) -> None:
    append_to_body(alice_and_bob, '{% if recipient.name == "Bob Beta" %}ONLY-FOR-BOB{% endif %}')
    result = run("build", "--verbose", *jobs, workspace=alice_and_bob)
    assert result.exit_code == 0, result.output
    assert (
        "  2 letters to addressees laid out one by one: the text or the template uses the "
        "addressee outside the address and salutation\n"
    ) in result.stdout
    assert "ONLY-FOR-BOB" in letter_words(alice_and_bob, "to/bob-beta.pdf")
    assert "ONLY-FOR-BOB" not in letter_words(alice_and_bob, "to/alice-alpha.pdf")
    assert_each_letter_reads_as_laid_out_whole(alice_and_bob, tmp_path)


def how_laid_out(stdout: str) -> list[str]:
    """What ``build -v`` said of how the letters were laid out (sharing, or whole and why)."""
    return [line for line in stdout.splitlines() if "laid out" in line or "share" in line]


HIDDEN_SALUTATION = """\
{% extends "builtin/joint-letter/letter.html.j2" %}
{% block salutation %}
<!--vary--><p class="salutation vary" style="display: none">{{ recipient.salutation }}</p>\
<!--/vary-->
{% endblock %}
"""


def test_shared_pages_with_no_addressee_part_in_the_flow_say_why_each_letter_is_whole(
    alice_and_bob: Path, tmp_path: Path
) -> None:
    # Nothing in the flow to hold each letter's parts against: every letter is laid out
    # whole, and --verbose says so with why instead of counting them as sharing.
    own = alice_and_bob / "templates" / "joint-letter"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(HIDDEN_SALUTATION)
    result = run("build", "--verbose", "--jobs", "1", workspace=alice_and_bob)
    assert result.exit_code == 0, result.output
    said = how_laid_out(result.stdout)
    assert said == [
        "  2 letters to addressees laid out whole: the shared pages show no address or "
        "salutation in the flow of the text to check each letter's against"
    ]
    assert_each_letter_reads_as_laid_out_whole(alice_and_bob, tmp_path)


def test_a_salutation_that_runs_onto_another_page_says_why_its_batch_is_whole(
    alice_and_bob: Path, tmp_path: Path
) -> None:
    # One overlay batch holds every letter: one salutation too long for its page puts
    # the batch's pages out of line with its letters, so all of them are laid out whole.
    recipients = alice_and_bob / "letters" / "test" / "recipients.yaml"
    long = "Dear " + " ".join(["Honourable"] * 400) + ","
    recipients.write_text(
        recipients.read_text()
        + f'  - name: Cy Long\n    salutation: "{long}"\n'
        + "    address: [1 Long Street, 1000 Bruxelles]\n"
    )
    result = run("build", "--verbose", "--jobs", "1", workspace=alice_and_bob)
    assert result.exit_code == 0, result.output
    said = how_laid_out(result.stdout)
    assert said == [
        "  3 letters to addressees laid out whole: the address or salutation of a letter in "
        "their batch ran onto other pages than on the shared pages, so the batch could not be "
        "cut into its letters"
    ]
    assert_each_letter_reads_as_laid_out_whole(alice_and_bob, tmp_path)


CY_AND_DEE = """\
  - name: Cy Gamma
    organization: Gamma Watch
    salutation: Dear Cy,
    address: [3 Gamma Way, 1000 Bruxelles]
  - name: Dee Delta
    salutation: Dear Dee,
    address: [4 Delta Lane, 75001 Paris]
  - name: Eve Epsilon
    salutation: Dear Eve,
    address: [5 Epsilon Road, 1200 Wien]
"""


@pytest.mark.parametrize("jobs", [[], ["--jobs", "1"]])
def test_letters_alike_outside_the_addressee_parts_share_their_pages_in_groups(
    alice_and_bob: Path, tmp_path: Path, jobs: list[str]
) -> None:
    recipients = alice_and_bob / "letters" / "test" / "recipients.yaml"
    recipients.write_text(recipients.read_text() + CY_AND_DEE)
    append_to_body(alice_and_bob, CONDITION)
    result = run("build", "--verbose", *jobs, workspace=alice_and_bob)
    assert result.exit_code == 0, result.output
    # Alice and Cy (ORG-TEXT), Bob, Dee and Eve (NO-ORG-TEXT): two shared layers.
    assert (
        "  5 letters to addressees share their pages, in 2 groups alike outside the "
        "addressee parts\n"
        "  shared pages: 2 laid out once; each letter's address and salutation stamped on\n"
    ) in result.stdout
    assert "laid out whole" not in result.stdout
    for slug in ("alice-alpha", "cy-gamma"):
        words = letter_words(alice_and_bob, f"to/{slug}.pdf")
        assert "ORG-TEXT" in words and "NO-ORG-TEXT" not in words
    for slug in ("bob-beta", "dee-delta", "eve-epsilon"):
        words = letter_words(alice_and_bob, f"to/{slug}.pdf")
        assert "NO-ORG-TEXT" in words and "ORG-TEXT" not in words
    assert_each_letter_reads_as_laid_out_whole(alice_and_bob, tmp_path)


def test_a_text_that_comes_to_depend_on_the_addressee_is_made_again(
    alice_and_bob: Path, tmp_path: Path
) -> None:
    recipients = alice_and_bob / "letters" / "test" / "recipients.yaml"
    recipients.write_text(recipients.read_text() + CY_AND_DEE)
    first = run("build", "--verbose", "--jobs", "1", workspace=alice_and_bob)
    assert "  5 letters to addressees share their pages\n" in first.stdout
    append_to_body(alice_and_bob, CONDITION)
    again = run("build", "--jobs", "1", workspace=alice_and_bob)
    assert again.exit_code == 0, again.output
    assert made(again.stdout) == sorted(
        [f"to/{slug}.pdf" for slug in ("alice-alpha", "bob-beta", "cy-gamma")]
        + [f"to/{slug}.pdf" for slug in ("dee-delta", "eve-epsilon")]
        + ["letter.html", "print.pdf", "mailing.csv", "proof.json"]
    )
    assert_each_letter_reads_as_laid_out_whole(alice_and_bob, tmp_path)
    # And back: the condition taken out again, every letter is as it was at first.
    body = alice_and_bob / "letters" / "test" / "body.md"
    body.write_text(body.read_text().replace(CONDITION, ""))
    back = run("build", "--verbose", "--jobs", "1", workspace=alice_and_bob)
    assert "  5 letters to addressees share their pages\n" in back.stdout
    assert_each_letter_reads_as_laid_out_whole(alice_and_bob, tmp_path)


def count_layers(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The layers of every letter composed from now on, in order."""
    layers: list[str | None] = []
    real = Composer.letter_html

    def counting(self: Composer, addressee: Any, copy_for: Any = None, layer: Any = None) -> str:
        layers.append(layer)
        return real(self, addressee, copy_for, layer)

    monkeypatch.setattr(Composer, "letter_html", counting)
    return layers


def test_a_shipped_template_is_proven_shared_from_one_composition(
    many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    composer = Composer(load_letters(Workspace(many))[0][0])
    layers = count_layers(monkeypatch)
    shared = sharing(composer)
    assert shared.groups == ((0, 1, 2, 3, 4, 5),)
    assert shared.reasons == ()
    # One shared layer for all six, and each addressee's page 1 (milliseconds each).
    assert layers == ["shared", "overlay"] + ["overlay"] * 6


SALUTATION = '<!--vary--><p class="salutation vary">{}</p><!--/vary-->'


@pytest.mark.parametrize(
    "block",
    [
        SALUTATION.format("{{ recipient.salutation }}") + "<p>{{ recipient.name }}</p>",
        SALUTATION.format("{% set s = recipient.salutation %}{{ s }}") + "<p>{{ s }}</p>",
        "{% set ns = namespace(n=0) %}"
        + SALUTATION.format("{% set ns.n = recipient.address|length %}")
        + "<p>{{ ns.n }} lines</p>",
        "{% set kept %}" + SALUTATION.format("{{ recipient.salutation }}") + "{% endset %}"
        "{{ kept }}<p>{{ kept|length }}</p>",
        SALUTATION.format("{{ named(recipient) }}"),  # a call: not proven, though harmless
        "{{ super() }}<p>{{ super()|length }}</p>",  # the part's output as a value
    ],
)
def test_what_a_marked_part_reads_cannot_reach_the_rest_unseen(
    many: Path, monkeypatch: pytest.MonkeyPatch, block: str
) -> None:
    custom = many / "templates" / "custom"
    custom.mkdir(parents=True)
    (custom / "letter.html.j2").write_text(
        '{% extends "builtin/joint-letter/letter.html.j2" %}\n'
        "{% block salutation %}" + block + "{% endblock %}\n"
    )
    yaml = many / "letters" / "test" / "letter.yaml"
    yaml.write_text(yaml.read_text() + "template: custom\n")
    composer = Composer(load_letters(Workspace(many))[0][0])
    layers = count_layers(monkeypatch)
    sharing(composer)
    # Not proven from one composition: every addressee's shared layer is compared.
    assert layers.count("shared") >= 6


def boxed(document: Any, page: int) -> list[str]:
    """The elements laid out on ``page``, as tag.class, in document order, each once."""
    found: list[str] = []

    def walk(box: Any) -> None:
        box = getattr(box, "_box", box)  # an absolutely placed box, not its placeholder
        element = getattr(box, "element", None)
        if element is not None and isinstance(element.tag, str):
            name = element.tag + "".join(f".{c}" for c in (element.get("class") or "").split())
            if name not in found:
                found.append(name)
        for child in getattr(box, "children", ()):
            walk(child)

    walk(document.pages[page]._page_box)
    return found


@pytest.mark.parametrize(
    ("template", "language"), [("joint-letter", "en"), ("petition", "en"), ("joint-letter", "ar")]
)
def test_an_overlay_lays_out_the_addressee_parts_alone_where_the_master_has_them(
    many: Path, template: str, language: str
) -> None:
    from campaign.compose.composer import overlay_batch
    from campaign.compose.overlays import stack_height
    from campaign.pdf.engine import split_sheets
    from campaign.pdf.render import fitted_layout, vary_layout
    from campaign.pdf.workers import placed_as_master

    yaml = many / "letters" / "test" / "letter.yaml"
    yaml.write_text(yaml.read_text() + f"template: {template}\n")
    if language != "en":  # right to left: the parts stand on the same side as on the master
        yaml.write_text(yaml.read_text() + f"language: {language}\n")
    bundle = load_letters(Workspace(many))[0][0]
    composer = Composer(bundle)
    folder = bundle.letter.folder
    master, misfits = fitted_layout(sharing(composer).layers[0], folder, many)
    assert misfits == []
    layout = vary_layout(master)
    assert layout is not None
    places = layout[0]
    per = 1 if template == "joint-letter" else 2  # a petition's salutation is on page 2
    assert [(p.page, p.flow) for p in places] == [(0, False), (per - 1, True)]
    html, compact = overlay_batch(composer, composer.to[:3], layout)
    assert compact
    document, misfits = fitted_layout(html, folder, many)
    assert misfits == []
    assert len(document.pages) == 1  # every sheet stacked on one tall page
    document = split_sheets(document, stack_height(*layout))
    assert len(document.pages) == 3 * per
    # Nothing but the parts and the elements around them: no letterhead, date or subject.
    around = ["html", "body", "div", "div.sheet", "div.window"]
    if per == 1:
        assert boxed(document, 0) == [
            *around,
            "div.address.vary",  # its lines one text (as_lines), no element a line
            # but in the Arabic letter, where each Latin line runs left to right (isolated)
            *(["bdi"] if language == "ar" else []),
            "div.letter-start",
            "p.salutation.vary",
        ]
    else:
        assert boxed(document, 0) == [*around, "div.address.vary"]
        assert boxed(document, 1) == [
            "html",
            "body",
            "div",
            "div.sheet",
            "div.letter-start",
            "p.salutation.vary",
        ]
    # Each part stands exactly where the master has it, the salutation at its size.
    assert placed_as_master(document, places, per) == {0, 1, 2}
    if language != "en":
        return
    pdf = many / "overlay.pdf"
    pdf.write_bytes(document.write_pdf())
    text = [flat(page) for page in pdf_pages(pdf)]
    assert text[0] == "Ada Minister Ministry of Tests Wilhelmstraße 1 10117 Berlin" + (
        " Dear Minister," if per == 1 else ""
    )
    assert text[per - 1].endswith("Dear Minister,")
    assert text[3 * per - 1].endswith("Dear Cy,")


def test_each_sheet_cut_from_a_tall_page_reads_as_its_own_addressee(
    many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaign.compose import overlays
    from campaign.compose.composer import overlay_batch
    from campaign.pdf.engine import split_sheets
    from campaign.pdf.render import fitted_layout, vary_layout, write

    monkeypatch.setattr(overlays, "STACK", 4)  # six sheets: four on a page, then two
    bundle = load_letters(Workspace(many))[0][0]
    composer = Composer(bundle)
    folder = bundle.letter.folder
    master, _ = fitted_layout(sharing(composer).layers[0], folder, many)
    layout = vary_layout(master)
    assert layout is not None
    html, compact = overlay_batch(composer, composer.to, layout)
    assert compact
    document, misfits = fitted_layout(html, folder, many)
    assert misfits == []
    assert len(document.pages) == 2
    document = split_sheets(document, overlays.stack_height(*layout))
    pdf = many / "overlay.pdf"
    pdf.write_bytes(write(document))
    # A sheet cut at the wrong place would show its neighbour's address, or nothing.
    assert [flat(page) for page in pdf_pages(pdf)] == [
        " ".join([name, *address, salutation]) for name, salutation, address in ADDRESSEES
    ]


def test_an_address_too_long_on_a_stacked_sheet_is_said_of_its_own_addressee(
    many: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from campaign.compose import overlays

    monkeypatch.setattr(overlays, "STACK", 4)  # Fay's sheet is the second of the second page
    recipients = many / "letters" / "test" / "recipients.yaml"
    long = ", ".join(f'"Floor {n}"' for n in range(9))
    text = recipients.read_text()
    assert text.count('"Belgium"]') == 1
    recipients.write_text(text.replace('"Belgium"]', f'"Belgium", {long}]'))
    line = text[: text.index("Fay Last")].count("\n") + 1
    result = run("build", "--jobs", "1", workspace=many)
    assert result.exit_code == 1
    hint = (
        "  hint: shorten the title, join address lines (street and district on one line), "
        "or leave out the organization\n"
    )
    where = f"letters/test/recipients.yaml:{line}: the address of 'Fay Last' needs"
    assert result.output == (
        f"Building\n{where} 13 lines in the din5008-b window, which holds 9\n{hint}"
        f"{where} 13 lines on the DL envelope, which holds 10\n{hint}"
        "Error: 2 problems in 1 file; nothing was written\n"
    )
