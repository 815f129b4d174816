"""Every text field takes the text as written in the file, whatever YAML would make of it."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from campaign.load.schema import Fields
from campaign.load.yamlfile import LineDict, parse_yaml

from conftest import flat, pdf_pages, pdf_words, run

# din5008-b's address field, millimetres from the top-left corner (tests/test_paper.py).
WINDOW = (20, 45, 105, 90)

KOREAN_SENDER = """\
sender:
  name: Seoul Human Rights Network
  address:
    - 12 Jong-ro
    - Seoul
    - 04001
    - Korea
language: en-US
"""

RECIPIENTS = """\
to:
  - name: Ada Minister
    title: Minister of Tests
    salutation: Dear Minister,
    address:
      - Ministry of Tests
      - Hauptstraße 1
      - 07233
      - Germany
"""


def test_a_postcode_written_with_a_leading_zero_prints_as_written(minimal: Path) -> None:
    # YAML 1.1 reads 04001 as the octal number 2049, and 07233 as 3739.
    (minimal / "campaign.yaml").write_text(KOREAN_SENDER)
    (minimal / "letters" / "test" / "recipients.yaml").write_text(RECIPIENTS)
    result = run("check", workspace=minimal)
    assert (result.exit_code, result.stderr) == (0, ""), result.output
    result = run("build", "--jobs", "1", workspace=minimal)
    assert result.exit_code == 0, result.output
    out = minimal / "build" / "test"
    letter = out / "to" / "ada-minister.pdf"
    page = flat(pdf_pages(letter)[0])
    # the letterhead
    assert page.startswith("Seoul Human Rights Network 12 Jong-ro Seoul 04001 Korea Seoul Human"), (
        page
    )
    # the return line and the address, in the window
    left, top, right, bottom = WINDOW
    inside = [
        w.text
        for w in pdf_words(letter)
        if w.left >= left - 1 and w.right <= right + 1 and w.top >= top - 1
        and w.bottom <= bottom + 1
    ]  # fmt: skip
    assert " ".join(inside) == (
        "Seoul Human Rights Network · 12 Jong-ro · Seoul · 04001 · Korea "
        "Ada Minister Minister of Tests Ministry of Tests Hauptstraße 1 07233 Germany"
    )
    # the envelope
    envelope = flat(pdf_pages(out / "envelopes.pdf")[0])
    assert envelope == (
        "Seoul Human Rights Network 12 Jong-ro Seoul 04001 Korea "
        "Ada Minister Minister of Tests Ministry of Tests Hauptstraße 1 07233 Germany"
    )
    for pdf in out.rglob("*.pdf"):
        text = flat(" ".join(pdf_pages(pdf)))
        assert "2049" not in text and "3739" not in text, pdf


LIST = """\
signatories:
  - name: Yes
    type: organization
    country: NO
    affiliation: 1.10
    sort_as: 0x1F
    group: orgs
    signed: 2024-04-03
  - name: Ola Nordmann
    type: individual
    country: no
    affiliation: .inf
    group: intl
    phone: 0047 22 00 00 00
    notes: 2024-04-03
    signed: 2024-04-02
"""


def test_words_yaml_reads_as_true_false_or_numbers_stay_text(minimal: Path) -> None:
    (minimal / "signatories" / "people.yaml").write_text(LIST)
    result = run("sig", "export", "people", "--private", "--format", "json", workspace=minimal)
    assert (result.exit_code, result.stderr) == (0, "")
    fields = ("name", "country", "affiliation", "sort_as", "phone", "notes", "signed")
    assert [{k: e[k] for k in fields} for e in json.loads(result.stdout)] == [
        {
            "name": "Yes",
            "country": "NO",
            "affiliation": "1.10",
            "sort_as": "0x1F",
            "phone": None,
            "notes": None,
            "signed": "2024-04-03",
        },
        {
            "name": "Ola Nordmann",
            "country": "no",
            "affiliation": ".inf",
            "sort_as": None,
            "phone": "0047 22 00 00 00",
            "notes": "2024-04-03",
            "signed": "2024-04-02",
        },
    ]


def test_a_number_field_reads_the_number_written_and_never_octal(minimal: Path) -> None:
    (minimal / "campaign.yaml").write_text(
        textwrap.dedent("""\
            sender: {name: Test Coalition}
            limits:
              pdf_memory_mb: 0200
              pdf_seconds: 1_000
              template_seconds: 0x10
            smtp: {host: mail.example.org, port: 0587}
            """)
    )
    problems: list = []  # type: ignore[type-arg]
    data = parse_yaml((minimal / "campaign.yaml").read_text(), Path("campaign.yaml"), problems)
    limits = Fields(data["limits"], Path("campaign.yaml"), problems, "limits")
    assert limits.number("pdf_memory_mb", 50, 10**6) == 200.0  # not 128
    assert limits.number("pdf_seconds", 0.1, 86400) == 1000.0
    assert limits.number("template_seconds", 0.1, 86400) is None
    smtp = Fields(data["smtp"], Path("campaign.yaml"), problems, "smtp")
    assert smtp.number("port", 1, 65535) == 587.0  # 0587 is not even octal
    assert [p.format() for p in problems] == [
        "campaign.yaml:5: 'template_seconds' must be a number, not text"
    ]


def test_a_key_is_the_word_written(minimal: Path) -> None:
    problems: list = []  # type: ignore[type-arg]
    data = parse_yaml("headings:\n  no: Norsk\n  04001: x\n  yes: y\n", Path("x.yaml"), problems)
    assert (list(data["headings"]), problems) == (["no", "04001", "yes"], [])


# Plain scalars YAML 1.1 would read as something else: octal, hexadecimal, sexagesimal
# and underscored numbers, floats, infinities, booleans, dates and timestamps.
TRICKY = st.sampled_from(
    [
        "04001",
        "07233",
        "0x1F",
        "0o17",
        "0b101",
        "1_000",
        "1:30",
        "1.10",
        "1e3",
        ".5",
        "-0",
        "+1",
        ".inf",
        "-.Inf",
        ".NaN",
        "yes",
        "Yes",
        "YES",
        "no",
        "No",
        "NO",
        "on",
        "On",
        "OFF",
        "off",
        "y",
        "n",
        "Y",
        "N",
        "true",
        "False",
        "TRUE",
        "2020-02-13",
        "2020-2-3",
        "2020-02-30",
        "2001-12-14t21:59:43.10-05:00",
        "0.0.1",
    ]
)
WORDISH = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._+\-]{0,15}", fullmatch=True)


@settings(max_examples=200)
@given(st.one_of(TRICKY, WORDISH))
def test_every_plain_scalar_is_read_as_the_text_written(value: str) -> None:
    text = f"name: {value}\nlines:\n  - {value}\nflow: [{value}]\n{value}: key\n"
    problems: list = []  # type: ignore[type-arg]
    data = parse_yaml(text, Path("x.yaml"), problems)
    assert problems == []
    assert isinstance(data, LineDict)
    fields = Fields(data, Path("x.yaml"), problems, "x")
    assert fields.text("name") == value
    assert fields.lines("lines") == (value,)
    assert fields.lines("flow") == (value,)
    assert value in data and data[value] == "key"
    assert problems == []


def test_a_template_description_is_the_text_written(example: Path) -> None:
    own = example / "templates" / "v110"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text('{% extends "builtin/joint-letter/letter.html.j2" %}\n')
    (own / "template.yaml").write_text("description: 1.10\n")
    listed = run("templates", workspace=example).stdout
    assert "v110           1.10 (this workspace's, extends joint-letter)\n" in listed, listed
