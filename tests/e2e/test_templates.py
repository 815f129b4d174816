"""The shipped templates (joint-letter, formal-letter, petition) built and read back."""

from __future__ import annotations

import csv
import re
import struct
import subprocess
import textwrap
import xml.etree.ElementTree as ET
import zlib
from pathlib import Path

import pytest
import yaml
from pypdf import PdfReader

from campaign.drafting.scaffold import EXAMPLE
from campaign.load.catalog import BUILTIN_TEMPLATES
from campaign.text.wording import LABELS

from conftest import MM_PER_PT, Word, copy_tree, flat, pdf_pages, pdf_words, run

SLUG = "japan-hrc-2020"
SIGNERS = """\
signers:
  - name: Jane Doe
    title: Executive Director
    signature: signature-jane.png
  - name: Taro Yamada
    title: Chair of the Board
"""


def small_png(width: int = 3, height: int = 1) -> bytes:
    """A valid dark-blue PNG of a few pixels, written here so the test needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\x10\x20\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def use_template(ws: Path, template: str, extra: str = "") -> Path:
    """Switch the example letter to ``template`` by editing its letter.yaml; return the file."""
    path = ws / "letters" / SLUG / "letter.yaml"
    text = path.read_text().replace("template: joint-letter", f"template: {template}")
    path.write_text(text + extra)
    return path


def without_signatories(path: Path) -> None:
    """Take the 'signatories:' block (and the group headings of translations) out of letter.yaml."""
    text = re.sub(r"^signatories:\n(?:  .*\n)+", "", path.read_text(), flags=re.M)
    path.write_text(re.sub(r"^    headings:\n(?:      .*\n)+", "", text, flags=re.M))


def word(words: list[Word], text: str) -> Word:
    """The first word on the page that reads ``text``."""
    return next(w for w in words if w.text == text)


def images_drawn(path: Path, page: int) -> list[tuple[float, float, float, float]]:
    """Each image drawn on a page (1-based): left, top, right, bottom in mm from the top left."""
    reader = PdfReader(path)
    pdf_page = reader.pages[page - 1]
    height = float(pdf_page.mediabox.height)
    xobjects = pdf_page["/Resources"].get("/XObject", {})
    found = []

    def visit(op: bytes, args: list[object], cm: list[float], tm: list[float]) -> None:
        if op == b"Do" and xobjects[args[0]].get_object()["/Subtype"] == "/Image":
            a, _, _, d, e, f = cm
            box = (e, height - f - d, e + a, height - f)
            found.append(tuple(v * MM_PER_PT for v in box))

    pdf_page.extract_text(visitor_operand_before=visit)
    return found


# formal-letter ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def formal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The example as a formal letter with two signers (one with an image), built once."""
    ws = copy_tree(EXAMPLE, tmp_path_factory.mktemp("formal"))
    use_template(ws, "formal-letter", SIGNERS)
    (ws / "letters" / SLUG / "signature-jane.png").write_bytes(small_png())
    result = run("build", "-v", workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / SLUG, result.stdout


def test_formal_letter_is_addressed_in_the_window(formal: tuple[Path, str]) -> None:
    out, _ = formal
    letter = out / "to" / "shinzo-abe.pdf"
    first = pdf_pages(letter)[0]
    for line in ("Shinzo Abe", "Prime Minister of Japan", "Cabinet Secretariat", "Tokyo 100-8968"):
        assert line in first
    # DIN 5008 form B: the address field starts 45 mm from the top, 20 mm from the left.
    name = word(pdf_words(letter, 1), "Shinzo")
    assert 45 < name.top < 60 and 20 < name.left < 30
    assert "Joint Letter Secretariat" in first  # the letterhead
    assert "Re: Joint Open Letter on Japan’s Recent" in flat(first)


def test_formal_letter_signers_sign_side_by_side_with_the_image_above_the_name(
    formal: tuple[Path, str],
) -> None:
    out, _ = formal
    letter = out / "to" / "shinzo-abe.pdf"
    pages = pdf_pages(letter)
    page = next(n for n, text in enumerate(pages, 1) if "Jane Doe" in text)
    text = flat(pages[page - 1])
    assert text.index("with your staff.") < text.index("Jane Doe") < text.index("Supported by")
    words = pdf_words(letter, page)
    jane, taro = word(words, "Jane"), word(words, "Taro")
    director, chair = word(words, "Executive"), word(words, "Chair")
    assert abs(jane.top - taro.top) < 0.5 and jane.left < taro.left  # one row, in order
    assert abs(director.left - jane.left) < 0.5 and director.top > jane.bottom
    assert abs(chair.left - taro.left) < 0.5 and chair.top > taro.bottom
    # Jane's signature image stands just above her name, in her column; Taro has none.
    [(left, top, right, bottom)] = images_drawn(letter, page)
    assert abs(left - jane.left) < 1 and right < taro.left
    assert 0 < jane.top - bottom < 6
    assert 5 < bottom - top <= 18.5


def test_formal_letter_prints_its_supporters_then_cc(formal: tuple[Path, str]) -> None:
    out, _ = formal
    pages = pdf_pages(out / "to" / "shinzo-abe.pdf")
    text = flat(" ".join(pages))
    assert "Supported by (as of February 13, 2020)" in text
    assert "Individuals – international (6)" in text
    assert text.index("Supported by") < text.index("cc: Toshimitsu Motegi")
    assert "Signatories (as of" not in text
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert "Page 1 of" not in pages[0]
    assert "Supported by (as of February 13, 2020)" in flat(
        " ".join(pdf_pages(out / "signatories.pdf"))
    )


def test_formal_letter_shares_its_pages(formal: tuple[Path, str]) -> None:
    out, stdout = formal
    # Its one letter is laid out whole (a letter like no other); its copies share theirs.
    assert "1 letter to addressees laid out one by one: a letter like no other" in stdout
    assert "2 copies for cc share their pages" in stdout
    # The copies and the Japanese edition are signed by the same people.
    assert "Jane Doe" in flat(" ".join(pdf_pages(out / "cc" / "toshimitsu-motegi.pdf")))
    assert "賛同者（2020年2月13日現在）" in flat(
        " ".join(pdf_pages(out / "ja" / "to" / "shinzo-abe.pdf"))
    )


def test_formal_letter_web_page_names_the_signers_without_their_signature(
    formal: tuple[Path, str],
) -> None:
    html = (formal[0] / "letter.html").read_text()
    assert "<strong>Jane Doe</strong><br>Executive Director" in html
    assert "signature-jane" not in html and "file:" not in html and "<img" not in html


# petition -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def petition(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example as a petition, built once."""
    ws = copy_tree(EXAMPLE, tmp_path_factory.mktemp("petition"))
    use_template(ws, "petition")
    result = run("build", workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / SLUG


def printed(out: Path) -> list[dict[str, str]]:
    """The rows of signatories.csv: who the list prints, in order."""
    with (out / "signatories.csv").open(newline="", encoding="utf-8-sig") as file:
        return list(csv.DictReader(file))


def test_petition_cover_is_addressed_and_counts_the_signatures(petition: Path) -> None:
    letter = petition / "to" / "shinzo-abe.pdf"
    cover = pdf_pages(letter)[0]
    count = len(printed(petition))
    assert count == 51
    for line in ("Shinzo Abe", "Prime Minister of Japan", "1-6-1 Nagata-cho, Chiyoda-ku"):
        assert line in cover
    text = flat(cover)
    assert "PETITION Joint Open Letter on Japan’s Recent Disengagement" in text
    assert f"{count} signatures as of February 13, 2020" in text
    assert "Submitted by Joint Letter Secretariat" in text
    assert "Dear Prime Minister Abe" not in cover and "Page" not in cover
    # The count is the largest type on the cover.
    words = pdf_words(letter, 1)
    figure = word(words, str(count))
    assert figure.bottom - figure.top > 2 * (
        word(words, "Shinzo").bottom - word(words, "Shinzo").top
    )
    assert 45 < word(words, "Shinzo").top < 60  # in the DIN 5008 form B window


def test_petition_text_and_list_follow_the_cover(petition: Path) -> None:
    pages = pdf_pages(petition / "to" / "shinzo-abe.pdf")
    assert len(pages) >= 3
    second = flat(pages[1])
    assert second.startswith(
        "Joint open letter on human rights in North Korea Dear Prime Minister Abe,"
    )
    assert f"Page 2 of {len(pages)}" in pages[1]
    assert f"Page {len(pages)} of {len(pages)}" in pages[-1]
    text = flat(" ".join(pages[1:]))
    assert text.index("with your staff.") < text.index("Signatories (as of February 13, 2020)")
    assert "Individuals – international (6)" in text
    assert "Organizations & Japanese individuals (45)" in text
    assert text.index("Organizations & Japanese individuals (45)") < text.index("cc:")


def pdf_lines(path: Path) -> list[tuple[int, float, float, str]]:
    """Every line of text: page, top and left in mm, and the words of the line."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    found = []
    for number, page in enumerate(ET.fromstring(xhtml).iter("{http://www.w3.org/1999/xhtml}page")):
        for line in page.iter("{http://www.w3.org/1999/xhtml}line"):
            text = " ".join(w.text or "" for w in line)
            top, left = (float(line.attrib[k]) * MM_PER_PT for k in ("yMin", "xMin"))
            found.append((number + 1, top, left, text))
    return found


def _begins(line: str, name: str) -> bool:
    """Whether ``line`` is the first line of the entry for ``name`` (whole, or wrapped)."""
    return line == name or line.startswith(name + ",") or name.startswith(line + " ")


def test_petition_list_prints_every_name_in_order(petition: Path) -> None:
    """Group by group, column by column, top to bottom: the names come in the list's order."""
    lines = pdf_lines(petition / "to" / "shinzo-abe.pdf")
    rows = printed(petition)
    headings = list(dict.fromkeys(row["group"] for row in rows))
    starts = [next(n for n, line in enumerate(lines) if line[3].startswith(h)) for h in headings]
    # An entry starts at its column's edge; the lines it wraps onto are indented.
    edges = {
        round(x, 1) for _, _, x, text in lines if any(text.startswith(r["name"]) for r in rows)
    }
    seen = []
    for row in rows:
        n = next(
            n
            for n, (_, _, x, text) in enumerate(lines)
            if round(x, 1) in edges and _begins(text, row["name"])
        )
        page, top, left, _ = lines[n]
        group = sum(1 for start in starts if start < n)  # the last heading above
        seen.append((group, page, round(left), top))
    assert seen == sorted(seen)
    assert len({left for _, _, left, _ in seen}) == 3  # three columns
    assert [row["name"] for row in rows[:2]] == ["David Alton", "Sonja Biserko"]


def test_petition_in_japanese_counts_in_japanese(petition: Path) -> None:
    cover = flat(pdf_pages(petition / "ja" / "to" / "shinzo-abe.pdf")[0])
    assert "請願書" in cover and "署名51筆" in cover and "2020年2月13日現在" in cover


def test_petition_addressees_share_the_cover_and_the_text(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each addressee's address is stamped on the cover, their salutation on page 2."""
    monkeypatch.chdir(minimal)
    letter = minimal / "letters" / "test"
    (letter / "letter.yaml").write_text(
        (letter / "letter.yaml").read_text() + "template: petition\n"
    )
    (letter / "recipients.yaml").write_text(
        textwrap.dedent(
            """\
            to:
              - name: Ada Minister
                salutation: Dear Minister,
                address: [Ministry of Tests, Wilhelmstraße 1, 10117 Berlin]
              - name: Bo Member
                salutation: Dear Mr. Member,
                address: [Room 301, Members' Building, Tokyo 100-8982]
              - name: Cy Short
                salutation: Dear Cy,
                address: [Box 1, Oslo]
            """
        )
    )
    result = run("build", "-v", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "3 letters to addressees share their pages" in result.stdout
    assert "laid out whole" not in result.stdout
    people = [
        ("ada-minister", "Wilhelmstraße 1", "Dear Minister,"),
        ("bo-member", "Members' Building", "Dear Mr. Member,"),
        ("cy-short", "Box 1", "Dear Cy,"),
    ]
    for slug, address, salutation in people:
        cover, second, *_ = pdf_pages(minimal / "build" / "test" / "to" / f"{slug}.pdf")
        assert address in cover and "Dear" not in cover and "4 signatures" in cover
        assert flat(second).startswith(f"Test Letter on Testing {salutation} We are 4")
        for _, other, greeting in people:
            assert (other in cover) == (other == address)
            assert (greeting in second) == (greeting == salutation)


# joint-letter, and letters without a list -----------------------------------------------


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The example joint letter without 'signatories:', checked and built once."""
    ws = copy_tree(EXAMPLE, tmp_path_factory.mktemp("bare"))
    path = use_template(ws, "joint-letter")
    without_signatories(path)
    (ws / "letters" / SLUG / "body.md").write_text("We write to you about the resolution.\n")
    checked = run("check", workspace=ws)
    assert checked.exit_code == 0, checked.output
    result = run("build", workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / SLUG, checked.stdout


def test_joint_letter_without_a_list_builds_without_one(bare: tuple[Path, str]) -> None:
    out, checked = bare
    assert checked.splitlines()[0] == ("japan-hrc-2020: no signature list, 1 addressee, 2 in cc")
    made = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert "signatories.pdf" not in made and "signatories.csv" not in made
    assert "ja/signatories.pdf" not in made
    assert {"to/shinzo-abe.pdf", "letter.html", "ja/to/shinzo-abe.pdf", "ja/parallel.pdf"} <= set(
        made
    )
    letter = flat(" ".join(pdf_pages(out / "to" / "shinzo-abe.pdf")))
    assert "Dear Prime Minister Abe, We write to you about the resolution." in letter
    assert "Signatories" not in letter and "Thank you for your consideration." in letter
    assert "cc: Toshimitsu Motegi" in letter
    html = (out / "letter.html").read_text()
    assert 'class="signatures"' not in html and "Signatories" not in html


def test_formal_letter_without_a_list_prints_only_its_signers(minimal: Path) -> None:
    letter = minimal / "letters" / "test" / "letter.yaml"
    without_signatories(letter)
    letter.write_text(
        letter.read_text() + "template: formal-letter\nsigners:\n  - name: Ann Lone\n"
    )
    (letter.parent / "body.md").write_text("We write to you.\n")
    result = run("build", workspace=minimal)
    assert result.exit_code == 0, result.output
    out = minimal / "build" / "test"
    assert not (out / "signatories.pdf").exists() and not (out / "signatories.csv").exists()
    text = flat(" ".join(pdf_pages(out / "to" / "ada-minister.pdf")))
    assert "We write to you. With thanks. Ann Lone cc: Bob Deputy" in text


# bad input ----------------------------------------------------------------------------


def check_signers(ws: Path, signers: str) -> str:
    """What 'campaign check' says about the example as a formal letter with ``signers``."""
    use_template(ws, "formal-letter", signers)
    result = run("check", workspace=ws)
    assert "Traceback" not in result.output
    return result.stderr


def test_signature_outside_the_letter_folder_is_refused(example: Path) -> None:
    (example / "outside.png").write_bytes(small_png())
    stderr = check_signers(
        example,
        "signers:\n"
        "  - name: Jane Doe\n    signature: ../../outside.png\n"
        f"  - name: Taro Yamada\n    signature: {example / 'outside.png'}\n",
    )
    assert stderr == (
        "ws/letters/japan-hrc-2020/letter.yaml:32: signature '../../outside.png' of signer "
        "'Jane Doe' is outside the letter's folder\n"
        "  hint: copy the image into letters/japan-hrc-2020/ and give its file name, "
        "e.g. signature: signature.png\n"
        f"ws/letters/japan-hrc-2020/letter.yaml:34: signature '{example / 'outside.png'}' of "
        "signer 'Taro Yamada' is outside the letter's folder\n"
        "  hint: copy the image into letters/japan-hrc-2020/ and give its file name, "
        "e.g. signature: signature.png\n"
        "Error: 2 problems in 1 file; nothing was written\n"
    )
    again = copy_tree(EXAMPLE, example.parent / "ws2")
    (again / "letters" / SLUG / "link.png").symlink_to(example / "outside.png")
    linked = check_signers(again, "signers:\n  - name: Jane Doe\n    signature: link.png\n")
    assert "signature 'link.png' of signer 'Jane Doe' is outside the letter's folder" in linked


def test_missing_or_unknown_signature_images_are_errors(example: Path) -> None:
    (example / "letters" / SLUG / "sig.gif").write_bytes(b"GIF89a")
    (example / "letters" / SLUG / "fake.png").write_text("not an image")
    stderr = check_signers(
        example,
        "signers:\n"
        "  - name: Jane Doe\n    signature: signature-jane.png\n"
        "  - name: Taro Yamada\n    signature: sig.gif\n",
    )
    assert stderr == (
        "ws/letters/japan-hrc-2020/letter.yaml:32: signature 'signature-jane.png' of signer "
        "'Jane Doe' does not exist\n"
        "  hint: put the image in letters/japan-hrc-2020/, or remove 'signature:'\n"
        "ws/letters/japan-hrc-2020/letter.yaml:34: signature 'sig.gif' of signer "
        "'Taro Yamada' is not a PNG, JPEG or SVG file\n"
        "  hint: save the signature as .png, .jpg or .svg\n"
        "Error: 2 problems in 1 file; nothing was written\n"
    )


def test_a_file_that_is_not_the_image_it_says_is_an_error(example: Path) -> None:
    (example / "letters" / SLUG / "fake.png").write_text("not an image")
    stderr = check_signers(example, "signers:\n  - name: Jane Doe\n    signature: fake.png\n")
    assert stderr.splitlines()[:2] == [
        "ws/letters/japan-hrc-2020/letter.yaml:32: signature 'fake.png' of signer 'Jane Doe' "
        "is not a PNG image",
        "  hint: open and save it again in an image editor, or export it as .png",
    ]


def test_a_signer_needs_a_name(example: Path) -> None:
    stderr = check_signers(example, "signers:\n  - title: Executive Director\n")
    assert stderr == (
        "ws/letters/japan-hrc-2020/letter.yaml:31: 'signers' entry has no 'name'\n"
        "  hint: add 'name: ...', printed under the signature\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


def test_more_than_two_signers_is_a_warning_and_all_print(example: Path) -> None:
    extra = "".join(f"  - name: Signer {n}\n    title: Officer {n}\n" for n in (1, 2, 3))
    assert check_signers(example, "signers:\n" + extra) == (
        "ws/letters/japan-hrc-2020/letter.yaml:30: warning: 'signers' lists 3 people; "
        "a letter is signed by one or two\n"
        "  hint: all of them print, two to a row; keep those who sign for the organisation\n"
    )
    result = run("build", "japan-hrc-2020", workspace=example)
    assert result.exit_code == 0, result.output
    letter = example / "build" / SLUG / "to" / "shinzo-abe.pdf"
    text = flat(" ".join(pdf_pages(letter)))
    assert text.index("Signer 1") < text.index("Signer 2") < text.index("Signer 3")
    page = next(n for n, t in enumerate(pdf_pages(letter), 1) if "Signer 3" in t)
    words = pdf_words(letter, page)
    first = next(w for w in words if w.text == "1" and w.left > 0)
    third = next(w for w in words if w.text == "3")
    assert third.top > first.bottom  # the third signs on a second row


# template descriptions and wording ------------------------------------------------------


@pytest.mark.parametrize("name", ["joint-letter", "formal-letter", "petition"])
def test_each_template_describes_itself_in_one_line(name: str) -> None:
    path = BUILTIN_TEMPLATES / name / "template.yaml"
    data = yaml.safe_load(path.read_text())
    assert list(data) == ["description"]
    assert isinstance(data["description"], str) and "\n" not in data["description"].strip()
    assert len(path.read_text().splitlines()) == 1


def test_every_language_has_every_fixed_word() -> None:
    """Counted phrases may add plural forms ('signature_count_one'); the rest match English."""
    plural = re.compile(r"_(zero|one|two|few|many)$")
    english = {key for key in LABELS["en"] if not plural.search(key)}
    for language, labels in LABELS.items():
        assert {key for key in labels if not plural.search(key)} == english, language
        for key in labels:
            assert not plural.search(key) or plural.sub("", key) in labels, (language, key)
