"""Attacks on keeping a sign-on list: import, set, withdraw, and what prints after.

Each case here came out wrong on 391b86f:

- a form export imported again after someone withdrew (Google Forms gives every
  answer each time) added them back, signed if ``--status signed``: the row they sent
  before they withdrew was taken for a new signature, and printed under the letter;
- an entry with a withdrawal date and ``status: signed`` (a "Withdrawn on" column
  imported, a date typed by hand) printed, counted, with no word from ``check``;
- ``sig set`` and ``sig import`` wrote a list that ``check`` then refuses: the same
  name twice (``sig set name=`` another's name, a row in Latin letters after the row
  that gave the same name as ``name_latin``). An edit was checked entry by entry,
  never for duplicates; so the build stopped, or one person was listed twice;
- a row whose name was nothing but invisible characters passed the import's own
  checks, then the list's: the whole import was refused, ``--skip-invalid`` or not,
  at a line of a YAML file that was never written;
- Japanese names that differ by a voicing mark (グリーン "green", クリーン "clean";
  が is not か) were one name to every comparison: the second could not sign,
  ``withdraw`` of one withdrew the other, ``dedupe --merge`` merged them;
- (found the same day, in the attack's report) a list exported with ``sig export`` and
  imported again changed every name starting with = + - @: the quote the export puts
  before such a cell, so that a spreadsheet never runs it, stayed in the name
  ("'@Home Collective"), with exit 0.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import imported, run


@pytest.fixture
def ws(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace as the current folder."""
    monkeypatch.chdir(minimal)
    return minimal


PEOPLE = Path("signatories/people.yaml")


def _printed() -> str:
    """The build's signatories.csv: who the letter prints."""
    assert run("build").exit_code == 0
    return Path("build/test/signatories.csv").read_text(encoding="utf-8-sig")


# -- a withdrawn signer comes back with the next export of the same form ------------------


def test_a_form_imported_again_does_not_bring_back_who_withdrew(ws: Path) -> None:
    form = (
        "Timestamp,Full name,Signing as,Group\n"
        "2024-04-10,Ann Lee,An individual,intl\n"
        "2024-04-11,Bob Ray,An individual,intl\n"
    )
    assert imported("people", form, "--status", "signed").exit_code == 0
    withdrawn = run("sig", "withdraw", "people", "Ann Lee", "--date", "2024-04-20")
    assert withdrawn.stdout == "withdrawn: Ann Lee (signatories/people.yaml:27), on 2024-04-20\n"
    # The next export holds every answer again, and one more.
    form = (
        "Timestamp,Full name,Signing as,Group\n"
        "2024-04-10,Ann Lee,An individual,intl\n"
        "2024-04-11,Bob Ray,An individual,intl\n"
        "2024-04-25,Cy Doe,An individual,intl\n"
    )
    again = imported("people", form, "--status", "signed")
    assert again.exit_code == 0
    assert again.stdout == (
        "added: Cy Doe (intl, signed) from form.csv:4\n"
        "form.csv:2: withdrawn from the list on 2024-04-20: Ann Lee "
        "(signatories/people.yaml:27); not added again\n"
        "form.csv:3: already on the list: Bob Ray (signatories/people.yaml:34)\n"
        "Imported 1 of 3 rows into signatories/people.yaml (1 already on the list, "
        "1 withdrawn).\n"
    )
    assert "Ann Lee" not in _printed()


def test_a_signature_sent_after_the_withdrawal_is_a_new_one(ws: Path) -> None:
    # Signed, withdrew, then signed again on the form: the new row counts.
    form = "Timestamp,Full name,Signing as,Group\n2024-04-30,Withdrawn Person,Me,intl\n"
    people = PEOPLE.read_text().replace(
        "    status: withdrawn\n", "    status: withdrawn\n    withdrawn: 2024-04-20\n"
    )
    PEOPLE.write_text(people)
    result = imported("people", form, "--map-value", "Signing as:Me=individual")
    assert result.stdout == (
        "added: Withdrawn Person (intl, pending) from form.csv:2\n"
        "Imported 1 of 1 rows into signatories/people.yaml (0 already on the list).\n"
    )


def test_a_row_without_a_date_does_not_bring_back_who_withdrew(ws: Path) -> None:
    # "Withdrawn Person" withdrew, on a day the list does not say: an undated row (dated
    # today by the import) cannot be told from the signature withdrawn.
    form = "Full name,Signing as,Group\nWithdrawn Person,An individual,intl\n"
    result = imported("people", form, "--status", "signed")
    assert result.stdout == (
        "form.csv:2: withdrawn from the list: Withdrawn Person "
        "(signatories/people.yaml:14); not added again\n"
        "Imported 0 of 1 rows into signatories/people.yaml (0 already on the list, "
        "1 withdrawn).\n"
    )


# -- an edit that leaves the same name twice ----------------------------------------------


def test_set_refuses_a_name_another_entry_has(ws: Path) -> None:
    before = PEOPLE.read_bytes()
    result = run("sig", "set", "people", "Émile Abel", "name=Zoe Zimmer")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "signatories/people.yaml:8: 'Zoe Zimmer' has the same name as the signatory on line 3\n"
        "  hint: keep one entry, or mark the older one 'status: withdrawn'\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert PEOPLE.read_bytes() == before


def test_set_refuses_a_latin_name_another_entry_has(ws: Path) -> None:
    before = PEOPLE.read_bytes()
    result = run("sig", "set", "people", "Late Person", "name_latin=Émile Abel")
    assert result.exit_code == 1
    assert result.stderr == (
        "signatories/people.yaml:23: 'Late Person' has the same name as the signatory "
        "on line 8\n"
        "  hint: keep one entry, or mark the older one 'status: withdrawn'\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert PEOPLE.read_bytes() == before


def test_a_row_in_latin_letters_after_the_same_name_in_its_script_is_a_repeat(
    ws: Path,
) -> None:
    form = (
        "Full name,Latin name,Signing as,Group\n"
        "山田花子,Hanako Yamada,An individual,intl\n"
        "Hanako Yamada,,An individual,intl\n"
    )
    result = imported("people", form)
    assert result.exit_code == 0
    assert result.stdout == (
        "added: 山田花子 (intl, pending) from form.csv:2\n"
        "form.csv:3: already on the list: 山田花子 (row at line 2)\n"
        "Imported 1 of 2 rows into signatories/people.yaml (1 already on the list).\n"
    )
    assert run("check").exit_code == 0


# -- a day of withdrawal beside 'signed' ---------------------------------------------------


def test_a_withdrawal_date_beside_signed_is_an_error_not_a_printed_name(ws: Path) -> None:
    PEOPLE.write_text(
        PEOPLE.read_text().replace(
            "    email: zoe.private@example.org\n",
            "    email: zoe.private@example.org\n    withdrawn: 2024-04-20\n",
        )
    )
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr == (
        "signatories/people.yaml:8: signatory 'Zoë Zimmer' withdrew on 2024-04-20, "
        "but its status is 'signed'\n"
        "  hint: write 'status: withdrawn'; if they signed again, take out 'withdrawn'\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert not Path("build").exists()


def test_a_row_with_a_day_of_withdrawal_comes_in_withdrawn(ws: Path) -> None:
    form = (
        "Timestamp,Full name,Signing as,Group,Withdrawn on\n"
        "2024-04-01,Wendy Gone,An individual,intl,2024-04-05\n"
        "2024-04-02,Sam Stays,An individual,intl,\n"
    )
    result = imported("people", form, "--status", "signed")
    assert result.stdout == (
        "added: Wendy Gone (intl, withdrawn) from form.csv:2\n"
        "added: Sam Stays (intl, signed) from form.csv:3\n"
        "Imported 2 of 2 rows into signatories/people.yaml (0 already on the list).\n"
    )
    assert _printed() == (
        "group,name,type,affiliation,country,signed\n"
        "Individuals,Émile Abel,individual,University of Tests,France,2024-04-02\n"
        "Individuals,Sam Stays,individual,,,2024-04-02\n"
        "Individuals,Zoë Zimmer,individual,,,2024-04-01\n"
        "Organizations,Alpha Organization,organization,,Germany,2024-04-03\n"
        "Organizations,beta Organization,organization,,,2024-04-03\n"
    )


# -- a row the import lets through and the list refuses ---------------------------------


def test_a_name_of_invisible_characters_is_a_bad_row_not_a_refused_list(ws: Path) -> None:
    form = (
        "Full name,Signing as,Group\n"
        "\u200b\u200b,An individual,intl\n"
        "Ok Person,An individual,intl\n"
    )
    result = imported("people", form, "--skip-invalid")
    assert result.exit_code == 0
    assert result.stderr == (
        "form.csv:2: warning: skipped: the row has no name\n"
        "  hint: fill in the name, or delete the row\n"
    )
    assert result.stdout == (
        "added: Ok Person (intl, pending) from form.csv:3\n"
        "Imported 1 of 2 rows into signatories/people.yaml (0 already on the list, 1 skipped).\n"
    )


def test_a_row_the_list_would_refuse_is_told_at_its_row(ws: Path) -> None:
    before = PEOPLE.read_bytes()
    form = (
        "Full name,Signing as,Group,Status,Withdrawn on\n"
        "Ann Lee,An individual,intl,signed,2024-04-05\n"
    )
    result = imported("people", form)
    assert result.exit_code == 1
    assert result.stderr == (
        "form.csv:2: signatory 'Ann Lee' withdrew on 2024-04-05, but its status is 'signed'\n"
        "  hint: write 'status: withdrawn'; if they signed again, take out 'withdrawn'\n"
        "Error: 1 row of form.csv cannot be imported; nothing was imported\n"
        "  hint: fix the rows, or pass --skip-invalid to import the rest\n"
    )
    assert PEOPLE.read_bytes() == before


# -- a voicing mark is a letter, not an accent ----------------------------------------------


def test_names_told_apart_by_a_voicing_mark_are_two_signatories(ws: Path) -> None:
    assert run("sig", "add", "people", "--name", "グリーン・ジャパン", "--type", "organization",
               "--group", "orgs", "--signed", "2024-04-10").exit_code == 0  # fmt: skip
    added = run("sig", "add", "people", "--name", "クリーン・ジャパン", "--type", "organization",
                "--group", "orgs", "--signed", "2024-04-11")  # fmt: skip
    assert added.exit_code == 0
    assert added.stdout == "added: クリーン・ジャパン (orgs, signed)\n"
    withdrawn = run("sig", "withdraw", "people", "クリーン・ジャパン", "--date", "2024-04-20")
    assert withdrawn.stdout == (
        "withdrawn: クリーン・ジャパン (signatories/people.yaml:42), on 2024-04-20\n"
    )
    assert "グリーン・ジャパン" in _printed()


def test_accents_and_half_width_kana_still_fold_as_one_name(ws: Path) -> None:
    # Half-width ｸﾞﾘｰﾝ is グリーン; Émile is Emile.
    for name in ("ｸﾞﾘｰﾝ", "グリーン"):
        result = run("sig", "add", "people", "--name", name, "--type", "organization",
                     "--group", "orgs")  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: signatories/people.yaml:36: ｸﾞﾘｰﾝ is already on the list (signed); "
        "nothing was changed\n"
    )
    result = run("sig", "add", "people", "--name", "Emile Abel", "--type", "individual",
                 "--group", "intl")  # fmt: skip
    assert result.stderr == (
        "Error: signatories/people.yaml:8: Émile Abel is already on the list (signed); "
        "nothing was changed\n"
    )


# -- a list exported and imported again -------------------------------------------------


def test_a_name_kept_from_running_as_a_formula_reads_back_as_written(ws: Path) -> None:
    form = (
        "Name,Type,Group\n"
        "@Home Collective,organization,intl\n"
        "=Equal Rights,organization,intl\n"
        "-Minus Org,organization,intl\n"
        "'t Hooft Circle,organization,intl\n"
    )
    assert imported("people", form).exit_code == 0
    assert run("sig", "export", "people", "-o", "out.csv").exit_code == 0
    exported = Path("out.csv").read_text(encoding="utf-8-sig")
    assert "\n'@Home Collective," in exported  # a spreadsheet shows it, never runs it
    again = run("sig", "import", "copy", "out.csv", "--create")
    assert again.exit_code == 0, again.output
    added = [line for line in again.stdout.splitlines() if "(intl, pending)" in line]
    names = sorted(line.removeprefix("added: ").split(" (intl")[0] for line in added)
    assert names == [  # and the minimal list's own pending entry
        "'t Hooft Circle", "-Minus Org", "=Equal Rights", "@Home Collective", "Pending Person"
    ]  # fmt: skip
