"""Where every signature came from (``sig audit``), and opting out (``sig optout``)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import audited, run


def git(folder: Path, *args: str, author: str = "", date: str = "") -> str:
    env = dict(os.environ)
    if author:
        env |= {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": "hand@example.org"}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.strip()


def entries_of(path: Path) -> list[tuple[int, str, str, str]]:
    """(line, name, status, source) of each entry, read with regular expressions alone."""
    found: list[list[str | int]] = []
    for number, text in enumerate(path.read_text().splitlines(), start=1):
        if match := re.match(r"\s*- name: (.*)", text):
            found.append([number, match.group(1).strip("'\""), "signed", ""])
        elif match := re.match(r"\s+(status|source): (.*)", text):
            found[-1][2 if match.group(1) == "status" else 3] = match.group(2)
    return [(int(a), str(b), str(c), str(d)) for a, b, c, d in found]


def test_audit_of_the_example_list_outside_git(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    path = example / "signatories" / "japan-hrc-2020.yaml"
    printed = [(line, name) for line, name, status, _ in entries_of(path) if status == "signed"]
    result = run("sig", "audit", "japan-hrc-2020")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"signatories/japan-hrc-2020.yaml: {len(printed)} printed signatures, 0 with a source, "
        f"{len(printed)} flagged\n"
        + "".join(f"line {line}: {name}: flagged: no source\n" for line, name in printed)
        + "note: the list is not in a git repository, so who typed an entry without a source "
        "cannot be told\n"
    )
    assert len(printed) == 51


def test_audit_of_a_list_built_by_import_signon_add_and_hand_edits_in_git(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal)
    monkeypatch.delenv("GIT_DIR", raising=False)
    git(minimal, "init", "-q")
    git(minimal, "config", "user.name", "Cora Ordinator")
    git(minimal, "config", "user.email", "cora@example.org")
    listed = minimal / "signatories" / "people.yaml"
    git(minimal, "add", ".")
    git(
        minimal,
        "commit",
        "-qm",
        "The list as typed",
        author="Hand Typist",
        date="2024-04-05T10:00:00Z",
    )
    first = git(minimal, "rev-parse", "--short=7", "HEAD")
    (minimal / "form.csv").write_text(
        "Name,Type,Group,Email\nForm Signer,individual,intl,form@example.org\n"
        "Form Org,organization,orgs,org@example.org\n"
    )
    imported = run("sig", "import", "people", "form.csv", "--status", "signed")
    assert imported.exit_code == 0, imported.output
    added = run("sig", "add", "people", "--name", "Added Person", "--type", "individual",
                "--group", "intl", "--signed", "2024-04-04")  # fmt: skip
    assert added.exit_code == 0, added.output
    # What 'sig pull' writes for a signature confirmed on the sign-on page.
    with open(listed, "a") as handle:
        handle.write(
            "  - name: Web Signer\n    type: individual\n    group: intl\n"
            "    signed: 2024-04-04\n    email: web@example.org\n    contact: 'yes'\n"
            "    source: signon\n    confirmed: 2024-04-04T08:15:00Z\n"
        )
    git(minimal, "commit", "-qam", "Signatures in", date="2024-04-06T10:00:00Z")
    with open(listed, "a") as handle:
        handle.write("  - name: Typed Later\n    type: organization\n    group: orgs\n")
    git(minimal, "commit", "-qam", "One more", author="Hand Typist", date="2024-04-07T10:00:00Z")
    later = git(minimal, "rev-parse", "--short=7", "HEAD")
    with open(listed, "a") as handle:
        handle.write("  - name: Not Committed\n    type: organization\n    group: orgs\n")
    sources = {name: source for _, name, _, source in entries_of(listed)}
    assert re.fullmatch(
        r"sig import form\.csv row 2, \d{4}-\d\d-\d\d \d\d:\d\d UTC", sources["Form Signer"]
    )
    assert re.fullmatch(
        r"sig add by Cora Ordinator, \d{4}-\d\d-\d\d \d\d:\d\d UTC", sources["Added Person"]
    )
    lines = {name: line for line, name, _, _ in entries_of(listed)}
    result = run("sig", "audit", "people")
    assert result.exit_code == 0, result.output
    typed = f"flagged: hand edit only (Hand Typist, 2024-04-05, commit {first})"
    said = {
        "Zoë Zimmer": typed,
        "Émile Abel": typed,
        "Late Person": typed,
        "Form Signer": sources["Form Signer"],
        "beta Organization": typed,
        "Alpha Organization": typed,
        "Form Org": sources["Form Org"],
        "Added Person": sources["Added Person"],
        "Web Signer": "signon, confirmed 2024-04-04T08:15:00Z",
        "Typed Later": f"flagged: hand edit only (Hand Typist, 2024-04-07, commit {later})",
        "Not Committed": "flagged: hand edit only (not committed yet)",
    }
    assert result.stdout == (
        "signatories/people.yaml: 11 printed signatures, 4 with a source, 7 flagged\n"
        + audited(said, lines)
    )
    as_csv = run("sig", "audit", "people", "--format", "csv")
    assert as_csv.stdout.splitlines()[:2] == [
        "line,name,source,flag",
        f"{lines['Zoë Zimmer']},Zoë Zimmer,,"
        f'"hand edit only (Hand Typist, 2024-04-05, commit {first})"',
    ]
    as_json = run("sig", "audit", "people", "--format", "json")
    assert '"source": "signon, confirmed 2024-04-04T08:15:00Z"' in as_json.stdout


def test_a_merge_remembers_the_entries_it_was_made_of(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minimal)
    listed = minimal / "signatories" / "people.yaml"
    with open(listed, "a") as handle:
        handle.write(
            "  - name: Alpha Organization\n    type: organization\n    country: Germany\n"
            "    group: orgs\n    signed: 2024-04-04\n"
            "    source: sig add by Cora, 2024-04-04 09:00 UTC\n"
        )
    result = run("sig", "dedupe", "people", "--merge")
    assert result.exit_code == 0, result.output
    sources = {name: source for _, name, _, source in entries_of(listed)}
    assert sources["Alpha Organization"] == (
        "merge of Alpha Organization (no source) + "
        "Alpha Organization (sig add by Cora, 2024-04-04 09:00 UTC)"
    )


def test_optout_is_recorded_and_said_once(minimal: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(minimal)
    result = run("sig", "optout", "people", "ZOE.private@example.org", "--date", "2024-04-21")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "opted out: Zoë Zimmer (signatories/people.yaml:3), on 2024-04-21; "
        "'campaign notify' will not mail them\n"
    )
    assert "    email: zoe.private@example.org\n    optout: 2024-04-21\n  - name: Émile" in (
        (minimal / "signatories" / "people.yaml").read_text()
    )
    again = run("sig", "optout", "people", "Zoë Zimmer")
    assert again.exit_code == 0, again.output
    assert again.stdout == (
        "signatories/people.yaml:3: Zoë Zimmer opted out on 2024-04-21; nothing was changed\n"
    )
    nobody = run("sig", "optout", "people", "Zoe Zimer")
    assert nobody.exit_code == 1
    assert nobody.stderr == (
        "Error: signatories/people.yaml: nobody on the list matches 'Zoe Zimer'\n"
        "  hint: did you mean 'Zoë Zimmer'?\n"
    )


def test_a_list_edited_while_it_is_audited_is_said_not_flagged_wrongly(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit takes no lock: an edit between its reading of the entries and git's
    pairing of the lines would put flags on the wrong names, so it stops instead."""
    from campaign.lists import audit

    monkeypatch.chdir(minimal)
    git(minimal, "init", "-q")
    listed = minimal / "signatories" / "people.yaml"
    read = audit.load_signature_list

    def read_then_edited(*args: Any, **kwargs: Any) -> Any:
        found = read(*args, **kwargs)
        listed.write_text("# typed at the top meanwhile\n" + listed.read_text())
        return found

    monkeypatch.setattr(audit, "load_signature_list", read_then_edited)
    result = run("sig", "audit", "people")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == (
        "Error: signatories/people.yaml changed while it was being audited\n"
        "  hint: run the audit again once the edit is done\n"
    )
