"""Paper for the post, read back from the PDFs: windows, fold marks, envelopes, labels, print."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from conftest import Word, flat, pdf_info, pdf_pages, pdf_words, run

INCH = 25.4
# The address fields as the standards give them (DESIGN.md), not as the code has them:
# left, top, right, bottom in millimetres from the sheet's top-left corner.
FIELDS = {
    "din5008-b": ("a4", (20, 45, 105, 90)),
    "din5008-a": ("a4", (20, 27, 105, 72)),
    "us-10": ("letter", (0.875 * INCH, 2.1 * INCH, 0.875 * INCH + 90, 3.1 * INCH)),
    "us-10-intl": ("letter", (0.875 * INCH, 2.1 * INCH, 0.875 * INCH + 90, 3.1 * INCH)),
    "jp-chou3": ("a4", (22, 12, 112, 57)),
}
FOLDS = {
    "din5008-b": [105, 148.5, 210],  # two fold marks and the hole-punch mark
    "din5008-a": [87, 148.5, 192],
    "us-10": [],
    "us-10-intl": [],
    "jp-chou3": [],
}
ENVELOPE_SIZES = {  # millimetres, as the envelope is fed to the printer
    "din5008-b": (220, 110),
    "din5008-a": (229, 162),
    "us-10": (9.5 * INCH, 4.125 * INCH),
    "us-10-intl": (9.5 * INCH, 4.125 * INCH),
    "jp-chou3": (120, 235),
}


def use(ws: Path, envelope: str) -> None:
    """Set the test letter's paper and envelope."""
    paper, _ = FIELDS[envelope]
    letter = ws / "letters" / "test" / "letter.yaml"
    letter.write_text(letter.read_text() + f"paper: {paper}\nenvelope: {envelope}\n")


def build(ws: Path) -> Path:
    result = run("build", "--jobs", "1", workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / "test"


def rows_of(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines, top to bottom, each left to right.

    A word belongs to a line when its middle lies within the line's height: words set
    in different fonts (Latin digits beside Japanese) have different tops.
    """
    rows: list[list[Word]] = []
    for w in sorted(words, key=lambda w: w.top):
        middle = (w.top + w.bottom) / 2
        if rows and rows[-1][0].top <= middle <= rows[-1][0].bottom:
            rows[-1].append(w)
        else:
            rows.append([w])
    return [sorted(row, key=lambda w: w.left) for row in rows]


def lines_of(words: list[Word]) -> list[str]:
    """The text of each line of ``words``."""
    return [" ".join(w.text for w in row) for row in rows_of(words)]


@pytest.mark.parametrize("envelope", list(FIELDS))
def test_the_window_shows_the_return_line_and_the_address(minimal: Path, envelope: str) -> None:
    use(minimal, envelope)
    out = build(minimal)
    left, top, right, bottom = FIELDS[envelope][1]
    words = pdf_words(out / "to" / "ada-minister.pdf")
    inside = [
        w
        for w in words
        if w.left >= left - 1
        and w.right <= right + 1
        and w.top >= top - 1
        and w.bottom <= bottom + 1
    ]
    assert lines_of(inside) == [
        "Test Coalition · 1 Test Street · 10115 Berlin",
        "Ada Minister",
        "Minister of Tests",
        "Ministry of Tests",
        "Wilhelmstraße 1",
        "10117 Berlin",
    ]
    # The return line starts at the top of the field; the text 5 mm in from its left edge.
    first = min(inside, key=lambda w: (w.top, w.left))
    assert first.text == "Test"
    assert abs(first.top - top) <= 1
    starts = [min(row, key=lambda w: w.left).left for row in rows_of(inside)]
    assert [round(x - (left + 5)) for x in starts] == [0] * 6
    # Nothing else on the page strays into the field.
    strays = [w for w in words if w not in inside and w.right > left and w.left < right]
    assert [w for w in strays if w.bottom > top and w.top < bottom] == []


def dark_rows(pdf: Path, tmp_path: Path) -> list[float]:
    """Heights (mm from the top) of marks in the left 10 mm of page 1, at 150 dpi."""
    subprocess.run(
        [
            "pdftoppm",
            "-gray",
            "-png",
            "-r",
            "150",
            "-f",
            "1",
            "-l",
            "1",
            str(pdf),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("L")
    columns = int(10 / INCH * 150)
    marks: list[float] = []
    for y in range(image.height):
        if min(image.getpixel((x, y)) for x in range(columns)) < 200:
            mm = y / 150 * INCH
            if not marks or mm - marks[-1] > 2:
                marks.append(mm)
    return marks


@pytest.mark.parametrize("envelope", list(FOLDS))
def test_fold_marks_where_the_standard_has_them(
    minimal: Path, envelope: str, tmp_path: Path
) -> None:
    use(minimal, envelope)
    out = build(minimal)
    marks = dark_rows(out / "to" / "ada-minister.pdf", tmp_path)
    assert len(marks) == len(FOLDS[envelope])
    for found, wanted in zip(marks, FOLDS[envelope], strict=True):
        assert abs(found - wanted) <= 1


@pytest.mark.parametrize("envelope", list(ENVELOPE_SIZES))
def test_one_envelope_per_piece_of_mail_in_the_matching_size(minimal: Path, envelope: str) -> None:
    use(minimal, envelope)
    out = build(minimal)
    width, height = ENVELOPE_SIZES[envelope]
    info = pdf_info(out / "envelopes.pdf")
    assert info["Pages"] == "2"
    points = [float(n) for n in info["Page size"].split()[:3:2]]
    assert [round(p * 25.4 / 72) for p in points] == [round(width), round(height)]
    pages = [flat(page) for page in pdf_pages(out / "envelopes.pdf")]
    sender = "Test Coalition 1 Test Street 10115 Berlin"
    to = [
        "Ada Minister Minister of Tests Ministry of Tests Wilhelmstraße 1 10117 Berlin",
        "Bob Deputy Deputy Minister Office of the Deputy Unter den Linden 2 10117 Berlin",
    ]
    # Western envelopes: return address first (top left); 長形3号: at the foot.
    first = envelope != "jp-chou3"
    assert pages == [f"{sender} {t}" if first else f"{t} {sender}" for t in to]
    for page in (1, 2):
        words = pdf_words(out / "envelopes.pdf", page)
        assert all(
            w.left >= 0 and w.right <= width and w.top >= 0 and w.bottom <= height for w in words
        )


# Label grids: (columns, rows, label width, height, first left, first top, pitch x, pitch y).
SHEETS = {
    "a4": (3, 7, 63.5, 38.1, 7.25, 15.15, 66.04, 38.1),
    "letter": (3, 10, 2.625 * INCH, 1.0 * INCH, 0.1875 * INCH, 0.5 * INCH, 2.75 * INCH, 1.0 * INCH),
}
LONG = "Department for International Cooperation and Multilateral Human Rights Affairs"
WORD = "Rindfleischetikettierungsüberwachungsaufgabenübertragungsgesetzreferatsleitung"


@pytest.mark.parametrize("paper", list(SHEETS))
def test_labels_fill_the_sheet_in_order_and_nothing_is_cut_off(minimal: Path, paper: str) -> None:
    columns, rows, width, height, left, top, pitch_x, pitch_y = SHEETS[paper]
    per_sheet = columns * rows
    letter = minimal / "letters" / "test"
    (letter / "letter.yaml").write_text((letter / "letter.yaml").read_text() + f"paper: {paper}\n")
    people = [
        (f"Member {n:02d}", [f"Room {n}", "Parliament Street 1", "Capital 1000"])
        for n in range(per_sheet + 3)
    ]
    people[1] = ("Ms. Longname-Featherstonehaugh", [LONG, "Parliament Street 1", "Capital 1000"])
    people[2] = (
        "山田 花子",
        ["衆議院第一議員会館 1201号室", "東京都千代田区永田町2-2-1", "〒100-8981"],
    )
    # One word longer than the label even in the smallest type: it has to break.
    people[3] = ("Referat 3", [WORD, "Berlin"])
    text = "to:\n" + "".join(
        f"  - name: {name}\n    address: [{', '.join(repr(a) for a in address)}]\n"
        for name, address in people
    )
    (letter / "recipients.yaml").write_text(
        text + "cc:\n  - name: Bob Deputy\n    address: [Unter den Linden 2]\n"
    )
    out = build(minimal)
    assert pdf_info(out / "labels.pdf")["Pages"] == "2"
    expected = [[name, *address] for name, address in people] + [
        ["Bob Deputy", "Unter den Linden 2"]
    ]
    for n, lines in enumerate(expected):
        sheet, cell = divmod(n, per_sheet)
        row, column = divmod(cell, columns)
        x, y = left + column * pitch_x, top + row * pitch_y
        words = [
            w
            for w in pdf_words(out / "labels.pdf", sheet + 1)
            if x - 0.5 <= w.left
            and w.right <= x + width + 0.5
            and y - 0.5 <= w.top
            and w.bottom <= y + height + 0.5
        ]
        # Every line of the address, whole, inside the label's edges; a line too long
        # for the label even in the smallest type wraps.
        if LONG in lines:
            assert " ".join(lines_of(words)) == " ".join(lines)
        elif WORD in lines:
            assert "".join(lines_of(words)).replace(" ", "") == "".join(lines).replace(" ", "")
        else:
            assert lines_of(words) == lines, (n, lines)


def test_print_pdf_starts_every_letter_on_an_odd_page(minimal: Path) -> None:
    letter = minimal / "letters" / "test"
    body = "\n\n".join(
        ["A paragraph that fills the page with words about the resolution. " * 12] * 8
    )
    (letter / "body.md").write_text(body + "\n")
    recipients = (letter / "recipients.yaml").read_text()
    (letter / "recipients.yaml").write_text(
        recipients.replace("cc:\n", "  - name: Cy Second\n    address: [Box 1, Oslo]\ncc:\n")
    )
    out = build(minimal)
    letters = ["to/ada-minister.pdf", "to/cy-second.pdf", "cc/bob-deputy.pdf"]
    counts = [int(pdf_info(out / name)["Pages"]) for name in letters]
    assert counts[0] % 2 == 1  # the case that needs a blank page after it
    with (out / "mailing.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["order"], r["recipient"], r["role"], r["file"]) for r in rows] == [
        ("1", "Ada Minister", "to", letters[0]),
        ("2", "Cy Second", "to", letters[1]),
        ("3", "Bob Deputy", "cc", letters[2]),
    ]
    assert [int(r["pages"]) for r in rows] == counts
    assert [int(r["sheets"]) for r in rows] == [(c + 1) // 2 for c in counts]
    assert {r["envelope"] for r in rows} == {"DL window"}
    pages = pdf_pages(out / "print.pdf")
    assert len(pages) == sum(2 * int(r["sheets"]) for r in rows)
    first = 1
    for row, name, count in zip(rows, letters, counts, strict=True):
        assert int(row["first_page"]) == first and first % 2 == 1
        # The letter's pages, as they are in its own file, then a blank page if it was odd.
        assert pages[first - 1 : first - 1 + count] == pdf_pages(out / name)
        if count % 2:
            assert pages[first - 1 + count].strip() == ""
        first += 2 * int(row["sheets"])
    assert "Ada Minister" in pages[0] and "Cy Second" in pages[int(rows[1]["first_page"]) - 1]


def test_print_pdf_never_merges_objects_that_only_look_alike(tmp_path: Path) -> None:
    import pikepdf

    from campaign.pdf.joining import join_pdfs

    # {/W 12} and {/W1 2} spell the same characters once keys and values are run
    # together; they must stay two objects.
    parts = []
    for n, value in enumerate(({"/W": 12}, {"/W1": 2})):
        pdf = pikepdf.new()
        pdf.add_blank_page()
        pdf.pages[0].obj.Extra = pdf.make_indirect(pikepdf.Dictionary(value))
        pdf.save(tmp_path / f"{n}.pdf")
        parts.append(tmp_path / f"{n}.pdf")
    join_pdfs(parts, tmp_path / "joined.pdf")
    with pikepdf.open(tmp_path / "joined.pdf") as joined:
        extras = [dict(page.obj.Extra.items()) for page in joined.pages]
    assert extras == [{"/W": 12}, {"/W1": 2}]
