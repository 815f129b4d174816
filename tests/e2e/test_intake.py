"""A new user's first campaign (issue 18): messages they can act on, form imports, sig set."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.errors import Problem, grouped

from conftest import imported, run


@pytest.fixture
def ws(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The minimal workspace as the current folder."""
    monkeypatch.chdir(minimal)
    return minimal


BODY = Path("letters/test/body.md")


def test_every_unknown_name_in_one_pass_with_did_you_mean(ws: Path) -> None:
    BODY.write_text(
        "We are {{ signatories.cout }}.\n"
        "{{ signatorys.count }}\n"
        "{{ sender.nmae }}\n"
        "{{ signatories.groups.orgs }}\n"
        "{% if signatorys %}{% endif %}{{ signatories.count }}\n"
    )
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == (
        "letters/test/body.md:1: unknown name 'cout' "
        "(this value has: as_of, count, group, groups)\n"
        "  hint: did you mean 'count'?\n"
        "letters/test/body.md lines 2, 5: unknown name 'signatorys'\n"
        "  hint: did you mean 'signatories'?\n"
        "letters/test/body.md:3: unknown name 'nmae' "
        "(this value has: address, email, name, place, website)\n"
        "  hint: did you mean 'name'?\n"
        "letters/test/body.md:4: unknown name 'orgs': signatories.groups is a list (of 2), "
        "not something with names\n"
        "  hint: loop over it ({% for item in ... %}) or take one item by its place ([0], [1], "
        "...); the one whose key is 'orgs' is signatories.group.orgs\n"
        "Error: 5 problems in 1 file; nothing was written\n"
    )


def test_a_filter_says_what_it_needs_and_what_it_got(ws: Path) -> None:
    BODY.write_text("Hello.\n\n{{ letter.title | long_date }}\n")
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr == (
        "letters/test/body.md:3: the filter 'long_date' needs a date, but was given text "
        "('Test Letter on Testing')\n"
        "  hint: for example {{ letter.date | long_date }}\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert not (ws / "build").exists()


def test_an_empty_body_is_a_warning(ws: Path) -> None:
    BODY.write_text("{# nothing yet #}\n\n")
    result = run("check")
    assert result.exit_code == 0
    assert result.stderr == (
        "letters/test/body.md: warning: body.md is empty: the letter would print without a text\n"
        "  hint: write the letter's text here, in Markdown\n"
    )


LETTER = Path("letters/test/letter.yaml")


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "date: 2024-05-02\n",
            "",
            "letters/test/letter.yaml:1: letter.yaml has no 'date'\n"
            "  hint: write dates as YYYY-MM-DD, e.g. 2020-02-13\n",
        ),
        (
            "date: 2024-05-02",
            "date: 2024-13-02",
            "letters/test/letter.yaml:3: 'date' is not a valid date: '2024-13-02': "
            "there is no month 13\n"
            "  hint: correct the day or the month; the date is written YYYY-MM-DD\n",
        ),
        (
            "date: 2024-05-02",
            "date: 2026-11-31",
            "letters/test/letter.yaml:3: 'date' is not a valid date: '2026-11-31': "
            "November 2026 has 30 days, not 31\n"
            "  hint: correct the day or the month; the date is written YYYY-MM-DD\n",
        ),
        (
            "as_of: 2024-05-01",
            "as_of: 2024-02-30",
            "letters/test/letter.yaml:6: 'as_of' is not a valid date: '2024-02-30': "
            "February 2024 has 29 days, not 30\n"
            "  hint: correct the day or the month; the date is written YYYY-MM-DD\n",
        ),
    ],
)
def test_a_bad_date_is_one_problem_without_follow_ups(
    ws: Path, old: str, new: str, expected: str
) -> None:
    LETTER.write_text(LETTER.read_text().replace(old, new))
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == expected + "Error: 1 problem in 1 file; nothing was written\n"


FORM = (
    "Timestamp,Name,I am signing as,Organisation / affiliation,Country\n"
    "2024/04/20 10:00:00,Alice Martin,An individual,University of Lyon,France\n"
    "2024/04/20 11:00:00,Green Future,An organisation,,Germany\n"
    "2024/04/21 09:00:00,Marie Curie,Un particulier,Institut Curie,France\n"
    "2024/04/21 10:00:00,Nord Sud,Une organisation,,France\n"
    "2024/04/21 11:00:00,Ana Ruiz,Una persona,,Spain\n"
    "2024/04/21 12:00:00,Verein Eins,Eine Organisation,,Germany\n"
    "2024/04/21 13:00:00,山田花子,個人,,Japan\n"
    "2024/04/21 14:00:00,북한인권시민연합,단체,,Korea\n"
)


@pytest.fixture
def draft(ws: Path) -> Path:
    """The minimal workspace with a new draft 'climate', whose list 'climate' is new."""
    assert run("new", "climate").exit_code == 0
    return ws


def test_a_form_export_imports_with_its_answers_and_groups_from_the_type(draft: Path) -> None:
    result = imported("climate", FORM)
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == (
        "added: Alice Martin (individuals, pending) from form.csv:2\n"
        "added: Green Future (organizations, pending) from form.csv:3\n"
        "added: Marie Curie (individuals, pending) from form.csv:4\n"
        "added: Nord Sud (organizations, pending) from form.csv:5\n"
        "added: Ana Ruiz (individuals, pending) from form.csv:6\n"
        "added: Verein Eins (organizations, pending) from form.csv:7\n"
        "added: 山田花子 (individuals, pending) from form.csv:8\n"
        "added: 북한인권시민연합 (organizations, pending) from form.csv:9\n"
        "Imported 8 of 8 rows into signatories/climate.yaml (0 already on the list).\n"
    )
    text = Path("signatories/climate.yaml").read_text()
    assert (
        "  - name: Alice Martin\n    type: individual\n    affiliation: University of Lyon\n"
        in text
    )
    assert "  - name: 북한인권시민연합\n    type: organization\n    country: Korea\n" in text


def test_answers_are_mapped_with_map_value(draft: Path) -> None:
    form = (
        "Name,I am signing as,Section\n"
        "Alice Martin,Myself only,Indiv\n"
        "Green Future,For my employer,Orgs\n"
    )
    result = imported(
        "climate", form,
        "--map-value", "I am signing as:Myself only=individual",
        "--map-value", "I am signing as:For my employer=organization",
        "--map-value", "Section:Indiv=individuals",
        "--map-value", "Section:Orgs=organizations",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "added: Alice Martin (individuals, pending) from form.csv:2\n"
        "added: Green Future (organizations, pending) from form.csv:3\n"
        "Imported 2 of 2 rows into signatories/climate.yaml (0 already on the list).\n"
    )


def test_a_repeated_row_problem_is_said_once_with_its_rows(draft: Path) -> None:
    rows = "".join(f"Person {n},Someone\n" for n in range(2, 20))
    before = Path("signatories/climate.yaml").read_text()
    result = imported("climate", "Name,I am signing as\n" + rows)
    assert result.exit_code == 1
    assert result.stderr == (
        "form.csv rows 2–19: type 'Someone' is neither individual nor organization\n"
        "  hint: pass --map-value 'I am signing as:Someone=individual' (or =organization)\n"
        "form.csv rows 2–19: the row has no group\n"
        "  hint: add a group column, or pass --group GROUP "
        "(the letters print: organizations, individuals)\n"
        "Error: 18 rows of form.csv cannot be imported; nothing was imported\n"
        "  hint: fix the rows, or pass --skip-invalid to import the rest\n"
    )
    assert Path("signatories/climate.yaml").read_text() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--map", "Who=name", "--map", "who=affiliation"),
            "Error: --map 'who=affiliation': column 'Who' is already mapped to 'name'\n"
            "  hint: map each column once\n",
        ),
        (
            ("--map-value", "Kind:A=individual", "--map-value", "Kind:a=organization"),
            "Error: --map-value 'Kind:a=organization': 'a' is already mapped to 'individual' "
            "by --map-value 'Kind:A=individual'\n"
            "  hint: map each answer once\n",
        ),
    ],
)
def test_mapping_twice_is_an_error(draft: Path, args: tuple[str, ...], message: str) -> None:
    result = imported("climate", "Who,Name,Kind\nAlice,Alice,A\n", *args)
    assert result.exit_code == 1
    assert result.stderr == message


def test_a_misspelt_list_is_refused_and_create_starts_one(draft: Path) -> None:
    result = imported("climat", FORM)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: no sign-on list 'climat' (signatories/climat.yaml); nothing was written\n"
        "  hint: did you mean 'climate'? (--create starts a new list)\n"
    )
    assert not Path("signatories/climat.yaml").exists()
    added = run("sig", "add", "scratch", "--name", "A B", "--type", "individual", "--group", "x")
    assert added.exit_code == 1
    assert not Path("signatories/scratch.yaml").exists()
    created = run(
        "sig", "add", "scratch", "--name", "A B", "--type", "individual", "--group", "x",
        "--create", "--signed", "2024-04-01",
    )  # fmt: skip
    assert created.exit_code == 0
    assert created.stdout == ("added: A B (x, signed)\ncreated signatories/scratch.yaml\n")


def test_a_group_no_letter_prints_is_refused_unless_forced(draft: Path) -> None:
    base = ("sig", "add", "climate", "--name", "Kim", "--type", "individual")
    refused = run(*base, "--group", "individual")
    assert refused.exit_code == 1
    assert refused.stderr == (
        "Error: group 'individual' is printed by no letter that uses this list; nothing was "
        "changed\n"
        "  hint: did you mean 'individuals'? (--force takes it anyway)\n"
    )
    refused_too = imported("climate", FORM, "--group", "organisations")
    assert refused_too.exit_code == 1
    assert refused_too.stderr == refused.stderr.replace("'individual'", "'organisations'").replace(
        "'individuals'", "'organizations'"
    )
    forced = run(*base, "--group", "individual", "--force", "--signed", "2024-04-01")
    assert forced.exit_code == 0
    assert forced.stdout == (
        "added: Kim (individual, signed)\n"
        "note: no letter prints group 'individual' yet; letters print only the groups their "
        "letter.yaml names\n"
    )
    assert "group: individual\n" in Path("signatories/climate.yaml").read_text()


def test_adding_to_a_printed_group_gives_no_note(draft: Path) -> None:
    run("sig", "remove", "climate", "TODO the first individual", "--yes")
    result = run(
        "sig", "add", "climate", "--name", "Kim", "--type", "individual",
        "--group", "individuals", "--signed", "2024-04-01",
    )  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout == "added: Kim (individuals, signed)\n"


def test_sig_set_changes_fields_in_place(ws: Path) -> None:
    path = Path("signatories/people.yaml")
    before = path.read_text()
    result = run("sig", "set", "people", "Émile Abel", "country=Belgium", "sort_as=Abel E",
                 "affiliation=")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "changed: Émile Abel (signatories/people.yaml:8): country France -> Belgium\n"
        "changed: Émile Abel (signatories/people.yaml:8): sort_as (none) -> Abel E\n"
        "changed: Émile Abel (signatories/people.yaml:8): affiliation University of Tests "
        "-> (none)\n"
    )
    assert path.read_text() == before.replace(
        "    affiliation: University of Tests\n    country: France\n",
        "    country: Belgium\n",
    ).replace("    signed: 2024-04-02\n  - name: Withdrawn", "    signed: 2024-04-02\n"
              "    sort_as: Abel E\n  - name: Withdrawn")  # fmt: skip
    moved = run("sig", "set", "people", "Zoë Zimmer", "group=orgs", "email=z@example.org")
    assert moved.stdout == (
        "changed: Zoë Zimmer (signatories/people.yaml:3): group intl -> orgs\n"
        "changed: Zoë Zimmer (signatories/people.yaml:3): email (private) -> (private)\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("Zoë Zimmer", "gruop=orgs"),
            "Error: 'gruop=orgs': unknown field 'gruop'\n  hint: did you mean 'group'?\n",
        ),
        (
            ("Zoë Zimmer", "group=org"),
            "Error: group 'org' is printed by no letter that uses this list; nothing was changed\n"
            "  hint: did you mean 'orgs'? (--force takes it anyway)\n",
        ),
        (
            ("Zoë Zimmer", "type=person"),
            "signatories/people.yaml:4: 'type' must be one of individual, organization, "
            "not 'person'\n"
            "  hint: use one of: individual, organization\n"
            "Error: 1 problem in 1 file; nothing was written\n",
        ),
        (
            ("Zoë Zimmer", "signed=2024-02-30"),
            "Error: 'signed=2024-02-30': '2024-02-30' is not a date written YYYY-MM-DD\n",
        ),
        (
            ("Nobody", "group=orgs"),
            "Error: signatories/people.yaml: nobody on the list matches 'Nobody'\n"
            "  hint: run 'campaign sig list' to see names\n",
        ),
    ],
)
def test_sig_set_refuses_what_would_be_wrong(ws: Path, args: tuple[str, ...], message: str) -> None:
    before = Path("signatories/people.yaml").read_text()
    result = run("sig", "set", "people", *args)
    assert result.exit_code == 1
    assert result.stderr == message
    assert Path("signatories/people.yaml").read_text() == before


def test_an_empty_group_is_a_warning_until_the_letter_is_sent(draft: Path) -> None:
    for who in ("TODO the first organization", "TODO the first individual"):
        assert run("sig", "remove", "climate", who, "--yes").exit_code == 0
    checked = run("check", "climate")
    assert checked.exit_code == 0
    assert (
        "letters/climate/letter.yaml:14: warning: group 'organizations' has no signatories in "
        "climate.yaml yet\n"
        "  hint: groups used in the list: none; the letter cannot be sent until it has some\n"
    ) in checked.stderr
    sent = run("send", "climate")
    assert sent.exit_code == 1
    assert sent.stderr.endswith("Error: 2 problems in 1 file; nothing was written\n")
    assert (
        "letters/climate/letter.yaml:14: group 'organizations' has no signatories in "
        "climate.yaml\n"
        "  hint: groups used in the list: none\n"
        "letters/climate/letter.yaml:16: group 'individuals' has no signatories in "
        "climate.yaml\n"
        "  hint: groups used in the list: none\n"
    ) in sent.stderr


def test_init_writes_a_gitignore_and_bare_leaves_out_the_example(tmp_path: Path) -> None:
    result = run("init", "--bare", "fresh")
    assert result.exit_code == 0
    assert result.stdout == (
        "Created a workspace in fresh (24 files).\nNext: cd fresh && campaign new SLUG\n"
    )
    ws = tmp_path / "fresh"
    assert sorted(p.name for p in ws.iterdir()) == [
        ".gitignore", "campaign.yaml", "letters", "signatories", "templates",
    ]  # fmt: skip
    assert not any((ws / "letters").iterdir()) and not any((ws / "signatories").iterdir())
    ignored = (ws / ".gitignore").read_text().splitlines()
    assert {"build/", "sent.jsonl", ".campaign/"} <= set(ignored)
    # git itself keeps the build and the send log out of a commit.
    (ws / "build" / "x").mkdir(parents=True)
    (ws / "build" / "x" / "sent.jsonl").write_text("{}\n")
    (ws / ".campaign").mkdir()
    (ws / ".campaign" / "db").write_text("x")
    git = ["git", "-C", str(ws)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    staged = subprocess.run(
        [*git, "diff", "--cached", "--name-only"], check=True, capture_output=True, text=True
    ).stdout.split()
    assert ".gitignore" in staged and "campaign.yaml" in staged
    assert not [name for name in staged if name.startswith(("build/", ".campaign/"))]
    full = run("init", "whole")
    assert full.stdout.startswith("Created a workspace in whole (30 files).\n")
    assert (tmp_path / "whole" / ".gitignore").read_text() == (ws / ".gitignore").read_text()


RECIPIENTS = Path("letters/test/recipients.yaml")


@pytest.mark.parametrize(
    ("address", "warned"),
    [
        (
            "[Environmental Protection Agency, 1200 Pennsylvania Avenue NW, Washington, DC 20460]",
            "letters/test/recipients.yaml:5: warning: 'address' lines 'Washington' and "
            "'DC 20460' look like one line split at a comma\n"
            "  hint: in [ ] every comma starts a new line: quote the line "
            "(\"Washington, DC 20460\") or write 'address:' as a block list, one '- ' item "
            "per line\n",
        ),
        (
            "[Cabinet Office, 1-6-1 Nagata-cho, Chiyoda-ku, Tokyo 100-8968]",
            "letters/test/recipients.yaml:5: warning: 'address' lines '1-6-1 Nagata-cho' and "
            "'Chiyoda-ku' look like one line split at a comma\n"
            "  hint: in [ ] every comma starts a new line: quote the line "
            "(\"1-6-1 Nagata-cho, Chiyoda-ku\") or write 'address:' as a block list, one '- ' "
            "item per line\n",
        ),
        ('[Environmental Protection Agency, "Washington, DC 20460", United States]', ""),
        ("\n      - Washington\n      - DC 20460", ""),
        ("[Ministry of Tests, Wilhelmstraße 1, 10117 Berlin, Germany]", ""),
    ],
)
def test_a_flow_list_cut_at_a_comma_is_a_warning(ws: Path, address: str, warned: str) -> None:
    text = RECIPIENTS.read_text()
    RECIPIENTS.write_text(
        text.replace(
            "address: [Ministry of Tests, Wilhelmstraße 1, 10117 Berlin]", f"address: {address}"
        )
    )
    result = run("check")
    assert result.exit_code == 0, result.output
    assert result.stderr == warned


@given(
    lines=st.lists(st.integers(min_value=1, max_value=60), max_size=30),
    others=st.lists(st.integers(min_value=1, max_value=60), max_size=5),
)
def test_a_repeated_problem_is_printed_once_naming_every_line(
    lines: list[int], others: list[int]
) -> None:
    same = [Problem(Path("form.csv"), n, "type 'x' is neither", "map it") for n in lines]
    other = [Problem(Path("form.csv"), n, "no name", "") for n in others]
    texts = grouped(same + other)
    for problems, message in ((same, "type 'x' is neither"), (other, "no name")):
        said = [t for t in texts if message in t]
        numbers = sorted({p.line for p in problems})
        assert len(said) == (1 if numbers else 0)
        if len(numbers) > 1:
            where = said[0].split(": ", 1)[0].removeprefix("form.csv rows ")
            named: set[int] = set()
            for part in where.split(", "):
                first, _, last = part.partition("–")
                named |= set(range(int(first), int(last or first) + 1))
            assert named == set(numbers)
        elif numbers:
            assert said == [
                Problem(Path("form.csv"), numbers[0], message, problems[0].hint).format()
            ]
    assert sum(t.count("hint: map it") for t in texts) == (1 if lines else 0)


def test_a_group_column_naming_no_printed_group_is_refused_row_by_row(draft: Path) -> None:
    rows = "Name,Signing as,Group\nAlice,Myself,individual\nBob,Myself,individual\nCarl,Myself,x\n"
    result = imported("climate", rows, "--map-value", "type:Myself=individual")
    assert result.exit_code == 1
    assert result.stderr == (
        "form.csv rows 2, 3: group 'individual' is printed by no letter that uses this list\n"
        "  hint: did you mean 'individuals'? (--force takes it anyway)\n"
        "form.csv:4: group 'x' is printed by no letter that uses this list\n"
        "  hint: the letters print: organizations, individuals (--force takes it anyway)\n"
        "Error: 3 rows of form.csv cannot be imported; nothing was imported\n"
        "  hint: fix the rows, or pass --skip-invalid to import the rest\n"
    )
    forced = run(
        "sig", "import", "climate", "form.csv", "--map-value", "type:Myself=individual", "--force"
    )
    assert forced.exit_code == 0
    assert forced.stdout.endswith(
        "Imported 3 of 3 rows into signatories/climate.yaml (0 already on the list).\n"
    )


def test_answers_come_from_a_file_too(draft: Path) -> None:
    Path("answers.yaml").write_text(
        "I am signing as:\n  Myself only: individual\n  Employer: organization\n"
    )
    form = "Name,I am signing as\nAlice Martin,Myself only\nGreen,Employer\n"
    result = imported("climate", form, "--answers", "answers.yaml")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "added: Alice Martin (individuals, pending) from form.csv:2\n"
        "added: Green (organizations, pending) from form.csv:3\n"
        "Imported 2 of 2 rows into signatories/climate.yaml (0 already on the list).\n"
    )
    clash = run(
        "sig", "import", "climate", "form.csv", "--answers", "answers.yaml",
        "--map-value", "I am signing as:Employer=individual",
    )  # fmt: skip
    assert clash.exit_code == 1
    assert clash.stderr == (
        "Error: --map-value 'I am signing as:Employer=individual': 'Employer' is already "
        "mapped to 'organization' by answers.yaml:3\n"
        "  hint: map each answer once\n"
    )
    Path("answers.yaml").write_text("I am signing as: individual\n")
    bad = run("sig", "import", "climate", "form.csv", "--answers", "answers.yaml")
    assert bad.exit_code == 1
    assert bad.stderr == (
        "answers.yaml:1: 'I am signing as' must map answers to values\n"
        "  hint: write each column, then its answers and their values: "
        "'Column: {Answer: value}'\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
