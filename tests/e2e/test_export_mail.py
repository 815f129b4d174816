"""``campaign export-mail``: a PDF per recipient and the address in columns."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from campaign.paper.postal import split_address

from conftest import run

SLUG = "japan-hrc-2020"


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_the_example_exports_three_letters_and_their_addresses(example: Path) -> None:
    result = run("export-mail", SLUG, workspace=example)
    assert result.exit_code == 0, result.output
    out = example / "build" / SLUG / "mail"
    assert result.stdout.endswith("mail/: 3 letters and addresses.csv\n")
    assert sorted(p.name for p in out.iterdir()) == [
        "001-shinzo-abe.pdf",
        "002-toshimitsu-motegi.pdf",
        "003-yoshihide-suga.pdf",
        "addresses.csv",
    ]
    built = example / "build" / SLUG
    assert (out / "001-shinzo-abe.pdf").read_bytes() == (built / "to/shinzo-abe.pdf").read_bytes()
    assert (out / "003-yoshihide-suga.pdf").read_bytes() == (
        built / "cc/yoshihide-suga.pdf"
    ).read_bytes()
    rows = read_csv(out / "addresses.csv")
    assert rows[0] == {
        "order": "1",
        "file": "001-shinzo-abe.pdf",
        "name": "Shinzo Abe",
        "title": "Prime Minister of Japan",
        "organization": "",
        "address_line1": "Cabinet Secretariat, Government of Japan",
        "address_line2": "1-6-1 Nagata-cho, Chiyoda-ku",
        "city": "Tokyo",
        "region": "",
        "postal_code": "100-8968",
        "country": "Japan",
        "country_code": "JP",
        "role": "to",
    }
    assert [(r["name"], r["postal_code"], r["role"]) for r in rows[1:]] == [
        ("Toshimitsu Motegi", "100-8919", "cc"),
        ("Yoshihide Suga", "100-8968", "cc"),
    ]


@pytest.mark.parametrize(
    ("lines", "home", "expected"),
    [
        (
            ["The White House", "1600 Pennsylvania Avenue NW", "Washington, DC 20500"],
            "US",
            (("The White House", "1600 Pennsylvania Avenue NW"), "Washington", "DC", "20500", "US"),
        ),
        (
            ["10 Downing Street", "London SW1A 2AA", "UK"],
            "",
            (("10 Downing Street",), "London", "", "SW1A 2AA", "GB"),
        ),
        (
            ["Wilhelmstraße 1", "10117 Berlin", "Germany"],
            "JP",
            (("Wilhelmstraße 1",), "Berlin", "", "10117", "DE"),
        ),
        (
            ["House of Commons", "Ottawa ON K1A 0A6", "Canada"],
            "",
            (("House of Commons",), "Ottawa", "ON", "K1A 0A6", "CA"),
        ),
        (
            ["Rue de la Loi 16", "1000 Bruxelles", "Belgium"],
            "",
            (("Rue de la Loi 16",), "Bruxelles", "", "1000", "BE"),
        ),
        (  # the postal code on a line of its own, under the city
            ["Storting", "Oslo", "0026", "Norway"],
            "",
            (("Storting",), "Oslo", "", "0026", "NO"),
        ),
        (  # a country with dots, from a sender elsewhere
            ["1 Main St", "Springfield, IL 62701", "U.S.A."],
            "JP",
            (("1 Main St",), "Springfield", "IL", "62701", "US"),
        ),
        (  # a region spelled out, after a comma
            ["350 Fifth Avenue", "New York, New York 10118"],
            "US",
            (("350 Fifth Avenue",), "New York", "NY", "10118", "US"),
        ),
        (  # a city whose last word names a region, without a comma: still the city
            ["Rashtrapati Bhavan", "New Delhi 110004"],
            "IN",
            (("Rashtrapati Bhavan",), "New Delhi", "", "110004", "IN"),
        ),
        (  # the Correios layout: "City - ST", the postal code on its own line
            ["Esplanada dos Ministérios", "Brasília - DF", "70150-900"],
            "BR",
            (("Esplanada dos Ministérios",), "Brasília", "DF", "70150-900", "BR"),
        ),
        (  # the country in its own language, on a letter written in English
            ["Wilhelmstraße 1", "10117 Berlin", "Deutschland"],
            "",
            (("Wilhelmstraße 1",), "Berlin", "", "10117", "DE"),
        ),
    ],
)
def test_addresses_split_into_columns(
    lines: list[str], home: str, expected: tuple[tuple[str, ...], str, str, str, str]
) -> None:
    address, missing = split_address(tuple(lines), home)
    assert missing == []
    found = (address.lines, address.city, address.region, address.postal_code, address.country_code)
    assert found == expected


def at_home_in_germany(ws: Path) -> None:
    """Give the sender's address a country: domestic addresses may then leave it out."""
    settings = ws / "campaign.yaml"
    settings.write_text(settings.read_text().replace("10115 Berlin]", "10115 Berlin, Germany]"))


def test_an_address_without_a_country_is_named(minimal: Path) -> None:
    result = run("export-mail", "test", workspace=minimal)
    assert result.exit_code == 0
    assert result.stderr == "".join(
        f"ws/letters/test/recipients.yaml:{line}: warning: no country found in the address "
        f"of '{name}'\n"
        "  hint: end the address with the country; for domestic mail, end the sender's "
        "address in campaign.yaml with it instead\n"
        for line, name in ((2, "Ada Minister"), (8, "Bob Deputy"))
    )


def test_an_address_without_a_postal_code_is_named(minimal: Path) -> None:
    at_home_in_germany(minimal)
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("10117 Berlin]", "Berlin]", 1))
    result = run("export-mail", "test", workspace=minimal)
    assert result.exit_code == 0
    assert result.stderr == (
        "ws/letters/test/recipients.yaml:2: warning: no postal code found in the address of "
        "'Ada Minister'\n"
        "  hint: end the address with the line holding the postal code and city, then the country\n"
    )
    rows = read_csv(minimal / "build" / "test" / "mail" / "addresses.csv")
    # The sender is in Germany, so a domestic address without a country line is German.
    assert [(r["city"], r["postal_code"], r["country"]) for r in rows] == [
        ("Berlin", "", "Germany"),
        ("Berlin", "10117", "Germany"),
    ]


def test_strict_refuses_it_and_writes_nothing(minimal: Path) -> None:
    at_home_in_germany(minimal)
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("10117 Berlin]", "Berlin]", 1))
    result = run("export-mail", "test", "--strict", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr.startswith("ws/letters/test/recipients.yaml:2: no postal code found")
    assert result.stderr.endswith("Error: 1 problem in 1 file; nothing was written\n")
    assert not (minimal / "build" / "test" / "mail").exists()


def test_a_folder_holding_other_files_is_refused(minimal: Path, tmp_path: Path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "thesis.odt").write_text("years of work")
    result = run("export-mail", "test", "-o", str(mine), workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: {mine} holds other files; nothing was written\n"
        "  hint: choose an empty or new folder with --output\n"
    )
    assert [p.name for p in mine.iterdir()] == ["thesis.odt"]


def test_an_export_folder_with_the_users_own_files_added_is_refused(minimal: Path) -> None:
    assert run("export-mail", "test", workspace=minimal).exit_code == 0
    out = minimal / "build" / "test" / "mail"
    (out / "cover-note.odt").write_text("my own words")
    result = run("export-mail", "test", workspace=minimal)
    assert result.exit_code == 1
    assert "mail holds other files; nothing was written" in result.stderr
    assert (out / "cover-note.odt").read_text() == "my own words"


def test_a_new_export_replaces_the_last_one_whole(minimal: Path) -> None:
    assert run("export-mail", "test", workspace=minimal).exit_code == 0
    recipients = minimal / "letters" / "test" / "recipients.yaml"
    text = recipients.read_text()
    recipients.write_text(text[: text.index("cc:")])  # Bob Deputy is no longer in cc
    assert run("export-mail", "test", workspace=minimal).exit_code == 0
    out = minimal / "build" / "test" / "mail"
    assert sorted(p.name for p in out.iterdir()) == ["001-ada-minister.pdf", "addresses.csv"]


EPA = """\
to:
  - name: Environmental Protection Agency
    salutation: Dear Administrator,
    address:
      - 1200 Pennsylvania Avenue NW
      - "Washington, DC 20460"
"""
EPA_WARNING = (
    "ws/letters/test/recipients.yaml:2: warning: the address of 'Environmental Protection "
    "Agency' names no country, and its last line 'Washington, DC 20460' is an address in "
    "United States, not in Switzerland\n"
    "  hint: end the address with the line 'United States', so that it is mailed there\n"
)


@pytest.fixture
def in_switzerland(minimal: Path) -> Path:
    """A sender in Switzerland writing to an American agency, without a country line."""
    (minimal / "campaign.yaml").write_text(
        "sender:\n  name: Test Coalition\n  address:\n    - Rue de Varembé 3\n"
        "    - 1202 Geneva\n    - Switzerland\n"
    )
    (minimal / "letters" / "test" / "recipients.yaml").write_text(EPA)
    return minimal


def test_a_us_address_from_switzerland_without_a_country_is_read_as_american_and_named(
    in_switzerland: Path,
) -> None:
    result = run("export-mail", "test", workspace=in_switzerland)
    assert result.exit_code == 0, result.output
    assert result.stderr == EPA_WARNING
    row = read_csv(in_switzerland / "build" / "test" / "mail" / "addresses.csv")[0]
    parts = ("address_line1", "address_line2", "city", "region", "postal_code", "country")
    assert [row[part] for part in parts] == [
        "1200 Pennsylvania Avenue NW", "", "Washington", "DC", "20460", "United States",
    ]  # fmt: skip


def test_strict_refuses_an_address_read_as_another_countrys(in_switzerland: Path) -> None:
    result = run("export-mail", "test", "--strict", workspace=in_switzerland)
    assert result.exit_code == 1
    assert result.stderr == (
        EPA_WARNING.replace("warning: ", "") + "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert not (in_switzerland / "build" / "test" / "mail").exists()


def test_check_warns_of_an_address_read_as_another_countrys(in_switzerland: Path) -> None:
    result = run("check", workspace=in_switzerland)
    assert result.exit_code == 0, result.output
    assert result.stderr == EPA_WARNING
    assert result.stdout.endswith("No problems found in 1 letter (1 warning).\n")
    strict = run("check", "--strict", workspace=in_switzerland)
    assert strict.exit_code == 1


def test_a_street_number_is_not_taken_for_a_swiss_postal_code(in_switzerland: Path) -> None:
    # With a state the United States does not have, the line is no American address:
    # nothing is found, and it is said, rather than '1200' read as a Swiss postal code.
    recipients = in_switzerland / "letters" / "test" / "recipients.yaml"
    recipients.write_text(EPA.replace("DC 20460", "XY 20460"))
    result = run("export-mail", "test", workspace=in_switzerland)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "ws/letters/test/recipients.yaml:2: warning: no postal code found in the address of "
        "'Environmental Protection Agency'\n"
        "  hint: end the address with the line holding the postal code and city, "
        "then the country\n"
    )
    row = read_csv(in_switzerland / "build" / "test" / "mail" / "addresses.csv")[0]
    assert (row["postal_code"], row["country"]) == ("", "Switzerland")
    # Not found is not wrong: check leaves it to export-mail, which needs the columns.
    assert run("check", workspace=in_switzerland).stderr == ""


def test_a_postal_code_that_is_not_the_states_is_named(in_switzerland: Path) -> None:
    recipients = in_switzerland / "letters" / "test" / "recipients.yaml"
    recipients.write_text(EPA.replace("DC 20460", "CA 20460") + '      - "USA"\n')
    result = run("check", workspace=in_switzerland)
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "ws/letters/test/recipients.yaml:2: warning: the postal code 20460 is not one of "
        "California's, in the address of 'Environmental Protection Agency'\n"
        "  hint: check the postal code, and the state or region before it\n"
    )
    exported = run("export-mail", "test", "--strict", workspace=in_switzerland)
    assert exported.exit_code == 1


def test_an_american_address_from_america_passes_quietly(in_switzerland: Path) -> None:
    (in_switzerland / "campaign.yaml").write_text(
        "sender:\n  name: Test Coalition\n  address:\n    - 1 Main St\n"
        "    - Springfield, IL 62701\n    - USA\n"
    )
    result = run("export-mail", "test", "--strict", workspace=in_switzerland)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
