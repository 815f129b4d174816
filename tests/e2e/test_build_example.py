"""Build the shipped example campaign and read what a reader would see."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import copy_example, flat, pdf_info, pdf_pages, pdf_text, pdf_words, run

SLUG = "japan-hrc-2020"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workspace, built once for every test in this module."""
    ws = copy_example(tmp_path_factory.mktemp("example"))
    result = run("build", workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / SLUG


def test_build_writes_every_output(out: Path) -> None:
    found = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert found == [
        "cc/toshimitsu-motegi.pdf",
        "cc/yoshihide-suga.pdf",
        "envelopes.pdf",
        # The Japanese translation: the same files, and the parallel edition.
        "ja/cc/toshimitsu-motegi.pdf",
        "ja/cc/yoshihide-suga.pdf",
        "ja/envelopes.pdf",
        "ja/labels.pdf",
        "ja/letter.html",
        "ja/mailing.csv",
        "ja/manifest.json",
        "ja/parallel.pdf",
        "ja/print.pdf",
        "ja/proof.json",
        "ja/signatories.csv",
        "ja/signatories.pdf",
        "ja/to/shinzo-abe.pdf",
        "labels.pdf",
        "letter.html",
        "mailing.csv",
        "manifest.json",
        "print.pdf",
        "proof.json",
        "signatories.csv",
        "signatories.pdf",
        "to/shinzo-abe.pdf",
    ]


def test_address_sits_in_the_din_5008_b_window(out: Path) -> None:
    words = pdf_words(out / "to" / "shinzo-abe.pdf")
    field = [
        w for w in words if w.left >= 20 and w.right <= 105 and w.top >= 44.9 and w.bottom <= 90.1
    ]
    text = " ".join(w.text for w in field)
    lines = [
        "Shinzo Abe",
        "Prime Minister of Japan",
        "Cabinet Secretariat, Government of Japan",
        "1-6-1 Nagata-cho, Chiyoda-ku",
        "Tokyo 100-8968",
    ]
    for line in lines:
        assert line in text
    # The return address is the first line of the field, above the addressee.
    first = min(field, key=lambda w: (round(w.top), w.left))
    assert first.text == "Joint"
    name = next(w for w in field if w.text == "Shinzo")
    assert name.top > first.bottom


def test_letter_reads_in_order(out: Path) -> None:
    pages = pdf_pages(out / "to" / "shinzo-abe.pdf")
    text = flat("\n".join(pages))
    order = [
        "Joint Letter Secretariat",
        "Shinzo Abe",
        "February 13, 2020",
        "Re: Joint Open Letter on Japan’s Recent Disengagement in Addressing Human Rights Abuses",
        "Dear Prime Minister Abe,",
        "on behalf of 51 non-governmental organizations",
        "Thank you for your consideration.",
        "Signatories (as of February 13, 2020)",
        "Individuals – international (6)",
        "Organizations & Japanese individuals (45)",
        "cc:",
        "Toshimitsu Motegi, Foreign Minister",
        "Yoshihide Suga, Minister in Charge of the Abduction Issue",
    ]
    positions = [text.index(part) for part in order]
    assert positions == sorted(positions)


def test_names_in_alphabetical_order_by_family_name(out: Path) -> None:
    text = flat(pdf_text(out / "to" / "shinzo-abe.pdf"))
    names = [
        "David Alton", "Sonja Biserko", "Marzuki Darusman", "Yanghee Lee",
        "Vitit Muntarbhorn", "Tomas Ojea Quintana",
        "1969 KAL Abductees' Families Association", "Action for Korea United",
        "Yoichiro Amameishi", "Asia Justice and Rights",
        "Kanagawa Association", "Makoto Kurosaka", "Lawyers for Human Rights",
        "Life Funds", "Teruaki Masumoto", "Miyazaki Association",
        "Network for North Korean Democracy and Human Rights", "NK Watch", "No Chain",
        "North Korean Human Rights Network", "Now Action & Unity",
        "Unification Strategy Institution",
    ]  # fmt: skip
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)


def test_page_numbers_from_page_two(out: Path) -> None:
    pages = pdf_pages(out / "to" / "shinzo-abe.pdf")
    assert len(pages) == 3
    assert "Page" not in pages[0]
    for number, page in enumerate(pages[1:], start=2):
        assert f"Page {number} of 3" in page
        assert "Joint open letter on human rights in North Korea" in page.splitlines()[0]


def test_cc_copy_is_marked_and_addressed_to_its_recipient(out: Path) -> None:
    path = out / "cc" / "toshimitsu-motegi.pdf"
    words = pdf_words(path)
    field = " ".join(w.text for w in words if w.left >= 20 and w.right <= 105 and 45 <= w.top <= 90)
    assert "Toshimitsu Motegi" in field and "2-2-1 Kasumigaseki" in field
    assert "Shinzo" not in field
    pages = pdf_pages(path)
    assert all("COPY FOR TOSHIMITSU MOTEGI" in page for page in pages)
    text = flat("\n".join(pages))
    assert "Copy of the letter sent to Shinzo Abe, Prime Minister of Japan." in text
    assert "Dear Prime Minister Abe," in text
    # The rest is the letter as sent.
    original = flat(pdf_text(out / "to" / "shinzo-abe.pdf"))
    assert (
        text[text.index("Re:") :]
        .replace("COPY FOR TOSHIMITSU MOTEGI ", "")
        .startswith(original[original.index("Re:") : original.index("Re:") + 400])
    )


def test_signatories_pdf_and_csv_agree(out: Path) -> None:
    text = flat(pdf_text(out / "signatories.pdf"))
    assert "Signatories (as of February 13, 2020)" in text
    assert "Individuals – international (6)" in text
    rows = list(csv.DictReader(io.StringIO((out / "signatories.csv").read_text("utf-8-sig"))))
    assert len(rows) == 51
    assert list(rows[0]) == ["group", "name", "type", "affiliation", "country", "signed"]
    assert [r["name"] for r in rows[:2]] == ["David Alton", "Sonja Biserko"]
    last_seen = -1
    for row in rows:
        position = text.index(row["name"])
        assert position > last_seen
        last_seen = position


def test_web_edition(out: Path) -> None:
    html = (out / "letter.html").read_text()
    assert '<html lang="en-US" dir="ltr">' in html
    assert "<title>Joint Open Letter on Japan’s Recent Disengagement" in html
    assert "Organizations &amp; Japanese individuals (45)" in html
    assert re.search(r"<li>Toshimitsu Motegi, Foreign Minister</li>", html)
    assert "2-2-1 Kasumigaseki" not in html  # postal addresses stay on paper


def test_pdf_metadata(out: Path) -> None:
    info = pdf_info(out / "to" / "shinzo-abe.pdf")
    assert info["Title"].startswith("Joint Open Letter on Japan’s")
    assert info["Author"] == "Joint Letter Secretariat"
    assert PdfReader(out / "to" / "shinzo-abe.pdf").trailer["/Root"]["/Lang"] == "en-US"
