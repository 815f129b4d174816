"""``campaign signatories``: every subcommand, on lists full of comments."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.cli import sig as sigcli
from campaign.errors import ProblemsFound
from campaign.lists import listfile
from campaign.lists.edit import OnList
from campaign.lists.listfile import ListFile, dump_value
from campaign.model import fields
from campaign.model.records import Signatory
from campaign.text.names import fold

from conftest import FIXTURES, Days, run

COMMENTED = (FIXTURES / "lists" / "commented.yaml").read_text()


@pytest.fixture
def ws(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace, as the current folder, with the comment-rich list."""
    shutil.copyfile(FIXTURES / "lists" / "commented.yaml", minimal / "signatories" / "people.yaml")
    monkeypatch.chdir(minimal)
    return minimal


def stamped(text: str) -> str:
    """A list's text with who added an entry and when written as USER and TIME."""
    text = re.sub(r"(source: sig add by ).+?, \d{4}-\d\d-\d\d \d\d:\d\d UTC", r"\1USER, TIME", text)
    return re.sub(
        r"(source: sig import .+? row \d+), \d{4}-\d\d-\d\d \d\d:\d\d UTC", r"\1, TIME", text
    )


def people(ws: Path) -> str:
    return stamped((ws / "signatories" / "people.yaml").read_text())


def sig(ws: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = run("sig", *args, workspace=ws, input=input)
    return result.exit_code, result.stdout, result.stderr


# -- list, export, stats ---------------------------------------------------------------


def test_list_shows_every_entry_with_its_line(ws: Path) -> None:
    code, out, err = sig(ws, "list", "people")
    assert (code, err) == (0, "")
    assert out == textwrap.dedent("""\
        line  name                    type          group  country  signed      status
        ----  ----------------------  ------------  -----  -------  ----------  -------
        7     Zoë Zimmer              individual    intl            2024-04-01  signed
        15    Émile Abel              individual    intl   France   2024-04-02  signed
        24    Flow Person             individual    intl            2024-04-03  signed
        27    Alpha Organization      organization  orgs            2024-04-03  pending
        32    Beta Organization (BO)  organization  orgs            2024-04-05  signed
        5 of 5 entries shown (1 pending, 4 signed)
        """)


def test_list_filters_combine(ws: Path) -> None:
    code, out, _ = sig(ws, "list", "people", "--group", "intl", "--as-of", "2024-04-02")
    assert code == 0
    assert "Zoë Zimmer" in out and "Émile Abel" in out and "Flow Person" not in out
    assert out.endswith("2 of 5 entries shown (2 signed)\n")
    code, out, _ = sig(ws, "list", "people", "--status", "pending", "--format", "json")
    assert json.loads(out)[0]["name"] == "Alpha Organization"
    assert len(json.loads(out)) == 1


def test_list_and_export_keep_private_fields_private(ws: Path) -> None:
    for args in (("list", "people", "--format", "csv"), ("export", "people")):
        code, out, _ = sig(ws, *args)
        assert code == 0
        assert "zoe@example.org" not in out and "Asked to be listed" not in out
        header = out.splitlines()[0]
        assert header.startswith(
            "name,name_latin,type,affiliation,country,sort_as,group,signed,status,withdrawn"
        )
        # Then any public field added to the field table since, and never a private one.
        assert header == ",".join(f.column for f in fields.SIGNATORY if not f.private)
    code, out, _ = sig(ws, "export", "people", "--private", "--format", "json")
    records = json.loads(out)
    assert records[0]["email"] == "zoe@example.org"
    assert records[1]["notes"] == "Asked to be listed\nwithout title."


def test_export_to_a_file_is_a_spreadsheet_csv(ws: Path) -> None:
    code, _, err = sig(ws, "export", "people", "-o", "out.csv")
    assert code == 0 and err == "wrote 5 entries to out.csv\n"
    raw = Path("out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfname,name_latin,type,") and b"\r\n" in raw


def test_stats_counts_by_status_group_type_country_and_day(ws: Path) -> None:
    code, out, _ = sig(ws, "stats", "people")
    assert code == 0
    assert out.startswith("signatories/people.yaml: 5 entries, 4 signed\n")
    assert "pending    1\nsigned     4\nwithdrawn  0" in out
    assert "intl              3\norgs              1" in out
    assert "individual       3\norganization     1" in out
    assert "(none given)        3\nFrance              1" in out
    assert "2024-04-03          1    3      #" in out
    assert "2024-04-05          1    4      #" in out


# -- add --------------------------------------------------------------------------------


def test_add_goes_after_its_group_and_touches_nothing_else(ws: Path) -> None:
    code, out, err = sig(
        ws, "add", "people", "--name", "Nadia Nour", "--type", "individual", "--group", "intl",
        "--affiliation", "Lawyer: human rights", "--signed", "2024-04-20",
        "--email", "n@example.org",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out == "added: Nadia Nour (intl, signed)\n"
    flow = "  - {name: Flow Person, type: individual, group: intl, signed: 2024-04-03}\n"
    assert people(ws) == COMMENTED.replace(
        flow,
        flow
        + "  - name: Nadia Nour\n"
        + "    type: individual\n"
        + "    affiliation: 'Lawyer: human rights'\n"
        + "    group: intl\n"
        + "    signed: 2024-04-20\n"
        + "    status: signed\n"
        + "    email: n@example.org\n"
        + "    source: sig add by USER, TIME\n",
    )


def test_add_without_the_required_fields(ws: Path) -> None:
    code, _, err = sig(ws, "add", "people", "--name", "Nadia Nour")
    assert code == 1
    assert err == "Error: add needs --type, --group (or run it in a terminal to be asked)\n"
    assert people(ws) == COMMENTED


def test_add_asks_for_missing_fields_in_a_terminal(
    ws: Path, monkeypatch: pytest.MonkeyPatch, days: Days
) -> None:
    monkeypatch.setattr(sigcli, "_interactive", lambda: True)
    code, out, _ = sig(ws, "add", "people", input="Omar Odeh\nindividual\nintl\n")
    assert code == 0
    assert out.endswith("added: Omar Odeh (intl, signed)\n")
    made = "  - name: Omar Odeh\n    type: individual\n    group: intl\n    signed: "
    assert people(ws).partition(made)[2][:10] in days


def test_add_refuses_someone_already_on_the_list(ws: Path) -> None:
    code, _, err = sig(ws, "add", "people", "--name", "zoe ZIMMER", "--type", "individual",
                       "--group", "intl")  # fmt: skip
    assert code == 1
    assert err == (
        "Error: signatories/people.yaml:7: Zoë Zimmer is already on the list (signed); "
        "nothing was changed\n"
    )
    code, _, err = sig(ws, "add", "people", "--name", "X", "--type", "individual",
                       "--group", "intl", "--email", "not-an-address")  # fmt: skip
    assert code == 1 and err.startswith("Error: --email 'not-an-address' is not valid")
    assert people(ws) == COMMENTED


def test_add_creates_a_new_list(ws: Path) -> None:
    code, out, _ = sig(ws, "add", "autumn", "--name", "First Org", "--type", "organization",
                       "--group", "orgs", "--signed", "2024-09-01", "--create")  # fmt: skip
    assert code == 0
    assert out == "added: First Org (orgs, signed)\ncreated signatories/autumn.yaml\n"
    assert stamped((ws / "signatories" / "autumn.yaml").read_text()) == (
        "# A sign-on list: 'campaign sig add --help' names its fields.\n"
        "signatories:\n"
        "  - name: First Org\n"
        "    type: organization\n"
        "    group: orgs\n"
        "    signed: 2024-09-01\n"
        "    status: signed\n"
        "    source: sig add by USER, TIME\n"
    )


# -- withdraw, approve, remove ------------------------------------------------------------


ZOE = """\
    signed: 2024-04-01
    status: signed
    email: zoe@example.org   # private
"""


def test_withdraw_keeps_the_entry_with_its_date(ws: Path) -> None:
    assert run("check", workspace=ws).stdout.startswith("test: 4 signatories")
    code, out, _ = sig(ws, "withdraw", "people", "zoe zimmer", "--date", "2024-04-10")
    assert code == 0
    assert out == "withdrawn: Zoë Zimmer (signatories/people.yaml:7), on 2024-04-10\n"
    assert people(ws) == COMMENTED.replace(
        ZOE,
        "    signed: 2024-04-01\n"
        "    status: withdrawn\n"
        "    email: zoe@example.org   # private\n"
        "    withdrawn: 2024-04-10\n",
    )
    assert run("check", workspace=ws).stdout.startswith("test: 3 signatories")
    code, _, err = sig(ws, "withdraw", "people", "zoe@example.org")
    assert code == 1
    assert err == (
        "Error: signatories/people.yaml:7: Zoë Zimmer is withdrawn; there is nothing to withdraw\n"
    )


def test_withdraw_by_email_and_today_by_default(ws: Path, days: Days) -> None:
    code, out, _ = sig(ws, "withdraw", "people", "OFFICE@beta.example")
    assert code == 0
    today = out[-11:-1]
    assert today in days
    assert out == f"withdrawn: Beta Organization (BO) (signatories/people.yaml:32), on {today}\n"
    assert people(ws).endswith(
        f"    email: office@beta.example\n    status: withdrawn\n    withdrawn: {today}\n"
        "\n# end of list\n"
    )


def test_an_ambiguous_who_changes_nothing(ws: Path) -> None:
    code, out, err = sig(ws, "withdraw", "people", "organization")
    assert (code, out) == (1, "")
    assert err == (
        "Error: 'organization' matches 2 entries; nothing was changed\n"
        "  signatories/people.yaml:27: Alpha Organization (orgs, pending)\n"
        "  signatories/people.yaml:32: Beta Organization (BO) (orgs, signed)\n"
        "  hint: give the full name or the e-mail address\n"
    )
    code, _, err = sig(ws, "withdraw", "people", "Zoe Zimmerman")
    assert code == 1
    assert err == (
        "Error: signatories/people.yaml: nobody on the list matches 'Zoe Zimmerman'\n"
        "  hint: did you mean 'Zoë Zimmer'?\n"
    )
    assert people(ws) == COMMENTED


def test_a_flow_style_entry_is_edited_inside_its_braces(ws: Path) -> None:
    code, _, _ = sig(ws, "withdraw", "people", "Flow Person", "--date", "2024-04-11")
    assert code == 0
    assert people(ws) == COMMENTED.replace(
        "  - {name: Flow Person, type: individual, group: intl, signed: 2024-04-03}\n",
        "  - {name: Flow Person, type: individual, group: intl, signed: 2024-04-03, "
        "status: withdrawn, withdrawn: 2024-04-11}\n",
    )


def test_approve_moves_pending_to_signed(ws: Path) -> None:
    code, out, _ = sig(ws, "approve", "people", "alpha")
    assert code == 0
    assert out == "approved: Alpha Organization (signatories/people.yaml:27), signed 2024-04-03\n"
    assert people(ws) == COMMENTED.replace(
        "status: pending   # waiting", "status: signed   # waiting"
    )
    code, out, _ = sig(ws, "approve", "people", "--all-pending")
    assert out == "signatories/people.yaml: no pending entries; nothing was changed\n"
    result = run("sig", "approve", "people", workspace=ws)
    assert result.exit_code == 2 and "give either WHO or --all-pending" in result.stderr


def test_remove_asks_first(ws: Path) -> None:
    code, out, _ = sig(ws, "remove", "people", "Émile Abel", input="n\n")
    assert code == 0 and out.endswith("nothing was changed\n")
    assert people(ws) == COMMENTED
    code, out, _ = sig(ws, "remove", "people", "emile abel", input="y\n")
    assert code == 0
    assert out.startswith("Delete Émile Abel (intl, signed) at signatories/people.yaml:15? [y/N]")
    assert out.endswith("removed: Émile Abel (intl, signed), was at signatories/people.yaml:15\n")
    entry = COMMENTED[COMMENTED.index("  - name: Émile Abel") : COMMENTED.index("\n  - {name")]
    assert people(ws) == COMMENTED.replace(entry, "")  # the blank lines around it stay
    code, out, _ = sig(ws, "remove", "people", "Flow Person", "--yes")
    assert "- {name: Flow" not in people(ws)


# -- refusing to write a broken list ----------------------------------------------------


def test_a_broken_list_is_reported_and_left_alone(ws: Path) -> None:
    path = ws / "signatories" / "people.yaml"
    broken = COMMENTED.replace(
        "    group: orgs\n    signed: 2024-04-05", "    group: orgs\n   signed: x"
    )
    path.write_text(broken)
    code, _, err = sig(ws, "withdraw", "people", "Zoë Zimmer")
    assert code == 1
    assert err == (
        "signatories/people.yaml:35: YAML syntax: this line is indented differently from the "
        "lines around it\n"
        "  hint: line it up with the other keys of the same entry, using spaces\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert path.read_text() == broken


def test_an_edit_that_would_not_validate_is_not_written(ws: Path) -> None:
    path = ws / "signatories" / "people.yaml"
    listfile = ListFile.load(path)
    listfile.update(0, signed="2024-02-30", status="maybe")
    with pytest.raises(ProblemsFound) as caught:
        listfile.save()
    assert [p.format() for p in caught.value.problems] == [
        "signatories/people.yaml:12: 'status' must be one of pending, signed, withdrawn, "
        "not 'maybe'\n  hint: use one of: pending, signed, withdrawn",
        "signatories/people.yaml:11: 'signed' is not a valid date: '2024-02-30': "
        "February 2024 has 29 days, not 30\n"
        "  hint: correct the day or the month; the date is written YYYY-MM-DD",
    ]
    assert path.read_text() == COMMENTED


# -- import ---------------------------------------------------------------------------


def test_import_a_google_form_export(ws: Path) -> None:
    code, out, err = sig(ws, "import", "people", str(FIXTURES / "csv" / "google-form.csv"),
                         "--group", "orgs")  # fmt: skip
    assert (code, err) == (0, "")
    src = FIXTURES / "csv" / "google-form.csv"
    assert out == (
        f"added: Gamma Network (orgs, pending) from {src}:2\n"
        f"added: Delta Group (orgs, pending) from {src}:3\n"
        "Imported 2 of 2 rows into signatories/people.yaml (0 already on the list).\n"
    )
    assert people(ws).endswith(
        "    email: office@beta.example\n"
        "  - name: Gamma Network\n    type: organization\n    country: Japan\n    group: orgs\n"
        "    signed: 2024-04-13\n    status: pending\n    email: info@gamma.example\n"
        "    source: sig import google-form.csv row 2, TIME\n"
        "  - name: Delta Group\n    type: organization\n    group: orgs\n"
        "    signed: 2024-04-14\n    status: pending\n    email: delta@example.org\n"
        "    source: sig import google-form.csv row 3, TIME\n"
        "\n# end of list\n"
    )
    # The same file again: everyone is already there, nothing changes.
    before = people(ws)
    code, out, _ = sig(ws, "import", "people", str(src), "--group", "orgs")
    assert code == 0
    assert out.splitlines()[0] == (
        f"{src}:2: already on the list: Gamma Network (signatories/people.yaml:37)"
    )
    assert out.endswith(
        "Imported 0 of 2 rows into signatories/people.yaml (2 already on the list).\n"
    )
    assert people(ws) == before


def test_import_semicolons_quoted_newlines_and_day_first_dates(ws: Path) -> None:
    src = FIXTURES / "csv" / "excel-semicolon.csv"
    code, out, _ = sig(ws, "import", "people", str(src), "--group", "intl", "--status", "signed")
    assert code == 0
    assert f"added: Åsa Ström (intl, signed) from {src}:4\n" in out  # row 2 spans two lines
    text = people(ws)
    assert (
        "  - name: Jürgen Groß\n    type: individual\n    affiliation: Chair; Board of Tests\n"
        "    country: Germany\n    group: intl\n    signed: 2024-04-15\n    status: signed\n"
        "    notes: |-\n      first line\n      second line\n"
    ) in text
    assert "    affiliation: Member of Parliament\n    country: Sweden\n" in text
    assert text.index("Jürgen") < text.index("# --- Organisations")


def test_import_odd_columns(ws: Path) -> None:
    src = FIXTURES / "csv" / "odd-columns.csv"
    code, out, err = sig(ws, "import", "people", str(src))
    assert (code, out) == (1, "")
    assert err == (
        f"{src}:1: warning: not imported: column 'Favourite colour'\n"
        "  hint: pass --map 'Column=field' to import one\n"
        f"{src}:4: the row has 6 cells but the heading line has 5\n"
        "  hint: a value holding the separator must be in double quotes\n"
        f"Error: 1 row of {src} cannot be imported; nothing was imported\n"
        "  hint: fix the rows, or pass --skip-invalid to import the rest\n"
    )
    assert people(ws) == COMMENTED
    code, out, err = sig(ws, "import", "people", str(src), "--skip-invalid", "--status", "signed")
    assert code == 0
    assert out.endswith(
        "Imported 2 of 3 rows into signatories/people.yaml (0 already on the list, 1 skipped).\n"
    )
    assert f"{src}:4: warning: skipped: the row has 6 cells" in err
    # The short row (no e-mail cell at all) is fine: missing cells are empty.
    assert "  - name: Zeta Org\n    type: organization\n    group: orgs\n" in people(ws)


def test_import_reports_every_bad_row_and_imports_nothing(ws: Path) -> None:
    src = FIXTURES / "csv" / "bad-rows.csv"
    code, out, err = sig(ws, "import", "people", str(src))
    assert (code, out) == (1, "")
    assert err == (
        f"{src}:3: the row has no name\n"
        "  hint: fill in the name, or delete the row\n"
        f"{src}:4: type 'robot' is neither individual nor organization\n"
        "  hint: pass --map-value 'type:robot=individual' (or =organization)\n"
        f"{src}:5: '2024-02-30' is not a date\n"
        "  hint: write dates as YYYY-MM-DD\n"
        f"{src}:6: 'lambda-at-example.org' is not a valid e-mail address "
        "(An email address must have an @-sign.)\n"
        f"Error: 4 rows of {src} cannot be imported; nothing was imported\n"
        "  hint: fix the rows, or pass --skip-invalid to import the rest\n"
    )
    assert people(ws) == COMMENTED
    code, out, _ = sig(ws, "import", "people", str(src), "--skip-invalid")
    assert out.splitlines() == [
        f"added: Theta Org (orgs, pending) from {src}:2",
        f"{src}:7: already on the list: Alpha Organization (signatories/people.yaml:27)",
        "Imported 1 of 6 rows into signatories/people.yaml (1 already on the list, 4 skipped).",
    ]


def test_import_with_a_column_map(ws: Path, tmp_path: Path) -> None:
    src = tmp_path / "form.csv"  # outside the workspace: shown with its full path
    src.write_text("Who,Kind,Where,Section,When\nRho Org,org,Peru,orgs,2024-04-30\n")
    code, _, err = sig(ws, "import", "people", str(src), "--map", "Who=name", "--map",
                         "Kind=type", "--map", "Where=country", "--map", "Section=group",
                         "--map", "When=signed")  # fmt: skip
    assert code == 0, err
    assert "  - name: Rho Org\n    type: organization\n    country: Peru\n" in people(ws)
    code, _, err = sig(ws, "import", "people", str(src))
    assert code == 1
    assert err == (
        f"Error: {src}:1: no column holds the signatory's name\n"
        "  hint: pass --map 'Your column=name'\n"
    )
    code, _, err = sig(ws, "import", "people", str(src), "--map", "Who=nmae")
    assert err == "Error: --map 'Who=nmae': unknown field 'nmae' (did you mean 'name'?)\n"


def test_import_asks_for_the_date_order_when_it_cannot_tell(ws: Path, tmp_path: Path) -> None:
    src = tmp_path / "form.csv"  # outside the workspace: shown with its full path
    src.write_text("name,type,group,date\nSigma Org,organization,orgs,03/04/2024\n")
    code, _, err = sig(ws, "import", "people", str(src))
    assert code == 1
    assert err == (
        f"Error: {src}:2: '03/04/2024' could be day/month or month/day\n"
        "  hint: pass --date-order dmy or --date-order mdy\n"
    )
    code, _, _ = sig(ws, "import", "people", str(src), "--date-order", "mdy")
    assert "    signed: 2024-03-04\n" in people(ws)


# -- dedupe ---------------------------------------------------------------------------


DUPLICATES = """\
signatories:
  # the same organisation three ways
  - name: FIDH - International Federation for Human Rights
    type: organization
    group: orgs
    signed: 2024-04-09
  - name: International Federation for Human Rights (FIDH)
    type: organization
    country: France
    group: orgs
    signed: 2024-04-02
    email: contact@fidh.example
  - name: FIDH
    type: organization
    group: orgs
    signed: 2024-04-05
  # same e-mail, different spelling
  - name: Émile Abel
    type: individual
    group: intl
    signed: 2024-04-03
    email: emile@example.org
  - name: Emile Abel-Martin
    type: individual
    affiliation: University of Tests
    group: intl
    signed: 2024-04-01
    email: EMILE@example.org
  # a leading 'The' and case
  - name: The Open Society
    type: organization
    group: orgs
    signed: 2024-04-04
  - name: open society
    type: organization
    group: orgs
    signed: 2024-04-06
  # same acronym, different organisations: not duplicates
  - name: Asia Justice and Rights (AJAR)
    type: organization
    group: orgs
    signed: 2024-04-01
  - name: Association of Journalists (AJAR)
    type: organization
    group: orgs
    signed: 2024-04-01
"""


def test_dedupe_lists_groups_of_likely_duplicates(ws: Path) -> None:
    (ws / "signatories" / "people.yaml").write_text(DUPLICATES)
    code, out, _ = sig(ws, "dedupe", "people")
    assert code == 0
    assert out == textwrap.dedent("""\
        1. same name with and without its acronym; acronym and full name
           signatories/people.yaml:3: FIDH - International Federation for Human Rights (signed, 2024-04-09)
           signatories/people.yaml:7: International Federation for Human Rights (FIDH) (signed, 2024-04-02) <e-mail on file>
           signatories/people.yaml:13: FIDH (signed, 2024-04-05)
        2. same e-mail address
           signatories/people.yaml:18: Émile Abel (signed, 2024-04-03) <e-mail on file>
           signatories/people.yaml:23: Emile Abel-Martin (signed, 2024-04-01) <e-mail on file>
           signatories/people.yaml:23: not merged: 'Emile Abel-Martin' and 'Émile Abel' are different names
        3. same name
           signatories/people.yaml:30: The Open Society (signed, 2024-04-04)
           signatories/people.yaml:34: open society (signed, 2024-04-06)
        3 groups of likely duplicates; 'dedupe --merge' merges them except where it says 'not merged'.
        """)  # noqa: E501


def test_dedupe_merge_keeps_earliest_signature_and_fullest_record(ws: Path) -> None:
    path = ws / "signatories" / "people.yaml"
    path.write_text(DUPLICATES)
    code, out, err = sig(ws, "dedupe", "people", "--merge")
    assert code == 0
    assert out.splitlines() == [
        "merged: FIDH - International Federation for Human Rights (signatories/people.yaml:3) "
        "into International Federation for Human Rights (FIDH) (signatories/people.yaml:7)",
        "merged: FIDH (signatories/people.yaml:13) "
        "into International Federation for Human Rights (FIDH) (signatories/people.yaml:7)",
        "merged: open society (signatories/people.yaml:34) "
        "into The Open Society (signatories/people.yaml:30)",
    ]
    # One e-mail address under two names may be two people (a shared office address).
    assert err == (
        "signatories/people.yaml:23: warning: not merged: 'Emile Abel-Martin' and 'Émile Abel' "
        "are different names\n"
        "  hint: if they are one signatory, give both the same name and merge again\n"
    )
    assert path.read_text() == textwrap.dedent("""\
        signatories:
          # the same organisation three ways
          - name: International Federation for Human Rights (FIDH)
            type: organization
            country: France
            group: orgs
            signed: 2024-04-02
            email: contact@fidh.example
            source: merge of FIDH - International Federation for Human Rights (no source) + International Federation for Human Rights (FIDH) (no source) + FIDH (no source)
          # same e-mail, different spelling
          - name: Émile Abel
            type: individual
            group: intl
            signed: 2024-04-03
            email: emile@example.org
          - name: Emile Abel-Martin
            type: individual
            affiliation: University of Tests
            group: intl
            signed: 2024-04-01
            email: EMILE@example.org
          # a leading 'The' and case
          - name: The Open Society
            type: organization
            group: orgs
            signed: 2024-04-04
            source: merge of The Open Society (no source) + open society (no source)
          # same acronym, different organisations: not duplicates
          - name: Asia Justice and Rights (AJAR)
            type: organization
            group: orgs
            signed: 2024-04-01
          - name: Association of Journalists (AJAR)
            type: organization
            group: orgs
            signed: 2024-04-01
        """)  # noqa: E501
    code, out, _ = sig(ws, "dedupe", "people")
    assert out == textwrap.dedent("""\
        1. same e-mail address
           signatories/people.yaml:11: Émile Abel (signed, 2024-04-03) <e-mail on file>
           signatories/people.yaml:16: Emile Abel-Martin (signed, 2024-04-01) <e-mail on file>
           signatories/people.yaml:16: not merged: 'Emile Abel-Martin' and 'Émile Abel' are different names
        1 group of likely duplicates; 'dedupe --merge' merges them except where it says 'not merged'.
        """)  # noqa: E501


NKHR = """\
signatories:
  - name: Network for Korean Human Rights (NKHR)
    type: organization
    country: Japan
    group: orgs
    signed: 2024-04-01
    email: office@nkhr.example.jp
  - name: North Korea Hunger Relief (NKHR)
    type: organization
    country: Canada
    group: orgs
    signed: 2024-04-02
    email: info@nkhr.example.ca
  - name: NKHR
    type: organization
    group: orgs
    signed: 2024-04-03
"""


def test_dedupe_merge_never_merges_two_organisations_sharing_an_acronym(ws: Path) -> None:
    path = ws / "signatories" / "people.yaml"
    path.write_text(NKHR)
    code, out, err = sig(ws, "dedupe", "people", "--merge")
    assert (code, out) == (
        0,
        "signatories/people.yaml: no duplicates sure to be one; nothing was changed\n",
    )
    assert err == (
        "signatories/people.yaml:8: warning: not merged: 'North Korea Hunger Relief (NKHR)' and "
        "'Network for Korean Human Rights (NKHR)' are different names\n"
        "  hint: if they are one signatory, give both the same name and merge again\n"
        "signatories/people.yaml:14: warning: not merged: 'NKHR' could stand for "
        "Network for Korean Human Rights or North Korea Hunger Relief\n"
        "  hint: write its full name with the acronym, e.g. "
        "'Network for Korean Human Rights (NKHR)', and merge again\n"
    )
    assert path.read_text() == NKHR
    code, out, _ = sig(ws, "dedupe", "people")
    assert out == textwrap.dedent("""\
        1. acronym and full name
           signatories/people.yaml:2: Network for Korean Human Rights (NKHR) (signed, 2024-04-01) <e-mail on file>
           signatories/people.yaml:8: North Korea Hunger Relief (NKHR) (signed, 2024-04-02) <e-mail on file>
           signatories/people.yaml:14: NKHR (signed, 2024-04-03)
           signatories/people.yaml:8: not merged: 'North Korea Hunger Relief (NKHR)' and 'Network for Korean Human Rights (NKHR)' are different names
           signatories/people.yaml:14: not merged: 'NKHR' could stand for Network for Korean Human Rights or North Korea Hunger Relief
        1 group of likely duplicates; 'dedupe --merge' merges them except where it says 'not merged'.
        """)  # noqa: E501


COHRE = """\
signatories:
  - name: Centre for Housing Rights and Evictions (COHRE)
    type: organization
    group: orgs
    signed: 2024-04-05
  - name: COHRE
    type: organization
    country: Switzerland
    group: orgs
    signed: 2024-04-01
    phone: +41 22 734 10 28
"""


def test_dedupe_merge_keeps_the_full_name_and_diff_does_not_see_a_withdrawal(ws: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
            cwd=ws, check=True, capture_output=True,
        )  # fmt: skip

    path = ws / "signatories" / "people.yaml"
    path.write_text(COHRE)
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "start")
    code, out, err = sig(ws, "dedupe", "people", "--merge")
    assert (code, err) == (0, "")
    assert out == (
        "merged: Centre for Housing Rights and Evictions (COHRE) (signatories/people.yaml:2) "
        "into COHRE (signatories/people.yaml:6)\n"
        "renamed: COHRE (signatories/people.yaml:6) to Centre for Housing Rights and Evictions "
        "(COHRE), the fullest name of those merged\n"
    )
    assert path.read_text() == textwrap.dedent("""\
        signatories:
          - name: Centre for Housing Rights and Evictions (COHRE)
            type: organization
            country: Switzerland
            group: orgs
            signed: 2024-04-01
            phone: +41 22 734 10 28
            source: merge of Centre for Housing Rights and Evictions (COHRE) (no source) + COHRE (no source)
        """)  # noqa: E501
    code, out, _ = sig(ws, "diff", "people", "--since", "HEAD")
    assert (code, out) == (0, "Since HEAD: 0 new signatories, 0 withdrawals; 1 signatory in all.\n")


# -- diff -----------------------------------------------------------------------------


def test_diff_since_a_date(ws: Path) -> None:
    sig(ws, "withdraw", "people", "Zoë Zimmer", "--date", "2024-04-10")
    code, out, _ = sig(ws, "diff", "people", "--since", "2024-04-02")
    assert code == 0
    assert out == textwrap.dedent("""\
        Since 2024-04-02: 2 new signatories, 1 withdrawal; 3 signatories in all.

        New signatories (2):
        - Beta Organization (BO)
        - Flow Person

        Withdrawn (1):
        - Zoë Zimmer (Professor, University of Tests)
        """)


def test_diff_since_a_git_revision(ws: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
            cwd=ws, check=True, capture_output=True,
        )  # fmt: skip

    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "start")
    sig(ws, "withdraw", "people", "Émile Abel")
    sig(ws, "approve", "people", "--all-pending")
    code, out, _ = sig(ws, "diff", "people", "--since", "HEAD")
    assert code == 0
    assert out == textwrap.dedent("""\
        Since HEAD: 1 new signatory, 1 withdrawal; 4 signatories in all.

        New signatories (1):
        - Alpha Organization

        Withdrawn (1):
        - Émile Abel (France)
        """)
    code, _, err = sig(ws, "diff", "people", "--since", "no-such-rev")
    assert code == 1
    assert err.startswith("Error: cannot read signatories/people.yaml at 'no-such-rev': ")


# -- two edits at once -------------------------------------------------------------------


ADDER = """\
import datetime, sys
from pathlib import Path
from campaign.lists.edit import add
path, prefix = Path(sys.argv[1]), sys.argv[2]
for n in range(25):
    add(path, {"name": f"{prefix} {n}", "type": "individual", "group": "intl",
               "signed": datetime.date(2024, 4, 20), "status": "signed"})
"""


def test_two_processes_editing_at_once_lose_nothing(ws: Path) -> None:
    import sys

    path = ws / "signatories" / "people.yaml"
    procs = [
        subprocess.Popen([sys.executable, "-c", ADDER, str(path), prefix])
        for prefix in ("Left", "Right")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    names = [entry.name for entry in ListFile.load(path).entries]
    for prefix in ("Left", "Right"):
        assert {f"{prefix} {n}" for n in range(25)} <= set(names)
    assert len(names) == 5 + 50
    assert path.read_text().startswith(COMMENTED[: COMMENTED.index("  - {name: Flow")])


# -- layouts and inputs found by trying to break the edits --------------------------------


@pytest.mark.parametrize(
    ("before", "command", "after"),
    [
        pytest.param(
            "signatories:\n  - name: Ann Ash\n    type: individual\n    group: intl\n"
            "    status:\n      pending\n    signed: 2024-04-01\n",
            ("approve", "people", "ann"),
            "signatories:\n  - name: Ann Ash\n    type: individual\n    group: intl\n"
            "    status: signed\n    signed: 2024-04-01\n",
            id="value-on-the-next-line",
        ),
        pytest.param(
            "signatories:\n  - name: Ann Ash\n    type: individual\n    group: intl  # note",
            ("withdraw", "people", "ann", "--date", "2024-04-02"),
            "signatories:\n  - name: Ann Ash\n    type: individual\n    group: intl  # note\n"
            "    status: withdrawn\n    withdrawn: 2024-04-02\n",
            id="no-line-break-at-the-end",
        ),
        pytest.param(
            "signatories:\n  - name: Ann Ash\n    type: individual\n    group: intl\n"
            "    notes: |\n      two\n      lines\n\n# Section\n",
            ("withdraw", "people", "ann", "--date", "2024-04-02"),
            "signatories:\n  - name: Ann Ash\n    type: individual\n    group: intl\n"
            "    notes: |\n      two\n      lines\n    status: withdrawn\n"
            "    withdrawn: 2024-04-02\n\n# Section\n",
            id="blank-line-after-a-block",
        ),
        pytest.param(
            "# nobody yet\nsignatories:\n  []\n# end\n",
            ("add", "people", "--name", "Ann Ash", "--type", "individual", "--group", "intl",
             "--signed", "2024-04-01"),
            "# nobody yet\nsignatories:\n  - name: Ann Ash\n    type: individual\n"
            "    group: intl\n    signed: 2024-04-01\n    status: signed\n"
            "    source: sig add by USER, TIME\n# end\n",
            id="empty-list-on-the-next-line",
        ),
        pytest.param(
            "signatories:\n- name: Ann Ash\n  type: individual\n  group: intl\n",
            ("add", "people", "--name", "Bo Bell", "--type", "individual", "--group", "intl",
             "--signed", "2024-04-01"),
            "signatories:\n- name: Ann Ash\n  type: individual\n  group: intl\n"
            "- name: Bo Bell\n  type: individual\n  group: intl\n  signed: 2024-04-01\n"
            "  status: signed\n  source: sig add by USER, TIME\n",
            id="entries-at-column-0",
        ),
    ],
)  # fmt: skip
def test_edits_in_unusual_layouts(
    ws: Path, before: str, command: tuple[str, ...], after: str
) -> None:
    path = ws / "signatories" / "people.yaml"
    path.write_text(before)
    code, _, err = sig(ws, *command)
    assert (code, err) == (0, "")
    assert stamped(path.read_text()) == after


def test_control_characters_are_refused(ws: Path, tmp_path: Path) -> None:
    code, _, err = sig(ws, "add", "people", "--name", "Evil\x1b[2J", "--type", "individual",
                       "--group", "intl")  # fmt: skip
    assert code == 1
    assert "'name' contains the control character U+001B" in err
    src = tmp_path / "form.csv"
    src.write_text("name,type,group\nWeb\x07Form,organization,orgs\n")
    code, _, err = sig(ws, "import", "people", str(src))
    assert code == 1
    assert err.startswith(f"{src}:2: 'name' contains the control character U+0007\n")
    assert people(ws) == COMMENTED


def test_refusals_that_protect_the_list(ws: Path) -> None:
    code, _, err = sig(ws, "export", "people", "-o", "signatories/people.yaml")
    assert code == 1
    assert err == (
        "Error: refusing to write CSV into signatories/people.yaml, a YAML file (a sign-on list?)\n"
    )
    code, _, err = sig(ws, "withdraw", "people", "Zoë Zimmer", "--date", "2024-03-01")
    assert code == 1
    assert err == (
        "Error: signatories/people.yaml:7: Zoë Zimmer signed on 2024-04-01, after 2024-03-01; "
        "nothing was changed\n  hint: check --date\n"
    )
    code, _, err = sig(ws, "diff", "people", "--since", "--output=x")
    assert code == 1 and "is neither a date nor a git revision" in err
    assert people(ws) == COMMENTED


def test_diff_of_a_list_younger_than_the_revision(ws: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=ws, check=True)
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.org", "commit", "-q",
         "--allow-empty", "-m", "start"], cwd=ws, check=True,
    )  # fmt: skip
    code, out, _ = sig(ws, "diff", "people", "--since", "HEAD")
    assert code == 0
    assert out.startswith("Since HEAD: 4 new signatories, 0 withdrawals; 4 signatories in all.")


def test_absurdly_nested_yaml_is_an_error_not_a_crash(ws: Path) -> None:
    path = ws / "signatories" / "people.yaml"
    path.write_text("signatories:\n  - name: X\n    notes: " + "[" * 5000 + "]" * 5000 + "\n")
    code, _, err = sig(ws, "list", "people")
    assert code == 1
    assert err == (
        "signatories/people.yaml:3: YAML nested too deeply to read (more than 100 levels)\n"
        "  hint: no field here needs nesting\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


# -- speed without a change of behaviour ------------------------------------------------

_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
_NAMES = st.sampled_from(["Ana Lee", "ana lee", "ÁNA LEE", "Bo", "The Bo", "bo ", "李", ""])
_MAILS = st.sampled_from(["", "a@x.org", "A@X.org", "b@x.org"])


@st.composite
def _entries(draw: st.DrawFn) -> list[Signatory]:
    return [
        Signatory(
            draw(_NAMES | _TEXT),
            "individual",
            "g",
            status=draw(st.sampled_from(["signed", "pending", "withdrawn"])),
            name_latin=draw(st.sampled_from(["", "Ana Lee", "Bo"])),
            email=draw(_MAILS),
            line=n + 1,
        )
        for n in range(draw(st.integers(0, 6)))
    ]


def _naive_already_on(entries: list[Signatory], record: dict[str, str]) -> Signatory | None:
    """The rule as it was written before the index: every entry against every name."""
    email = str(record.get("email") or "").casefold()
    names = [str(record[key]) for key in ("name", "name_latin") if record.get(key)]
    for entry in entries:
        for name in names:
            if entry.status == "withdrawn":
                continue
            folded = [fold(entry.name), *([fold(entry.name_latin)] if entry.name_latin else [])]
            if fold(name) in folded or bool(email and entry.email.casefold() == email):
                return entry
    return None


@given(
    _entries(),
    st.fixed_dictionaries(
        {"name": _NAMES | _TEXT, "email": _MAILS},
        optional={"name_latin": st.sampled_from(["", "Ana Lee", "bo"])},
    ),
)
def test_the_index_finds_who_comparing_every_entry_found(
    entries: list[Signatory], record: dict[str, str]
) -> None:
    assert OnList(entries).find(record) is _naive_already_on(entries, record)


@given(_TEXT | st.sampled_from(["yes", "04001", "1.10", "a: b", "- x", "#x", "x #y", "~", "null"]))
def test_a_value_written_without_the_emitter_is_what_the_emitter_writes(value: str) -> None:
    for key in ("name", "affiliation"):
        assert dump_value(key, value) == list(listfile._dumped.__wrapped__(key, value))
