"""More of what a workspace's repository could get git to do, or say, for campaign.

Each test is a break found attacking campaign/files/git.py: a command the repository
names that ran, or an audit that said something untrue without a word.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from test_git_config_breaks import committed, git

from conftest import run

MALLORY = ("-c", "user.name=Mallory", "-c", "user.email=mallory@example.org")


def partial_clone_missing(folder: Path, origin: Path, missing: str, marks: Path) -> None:
    """Make ``folder`` a partial clone of ``origin`` that lacks the object ``missing``.

    Its promisor remote is fetched from by a command of its own (remote.origin.uploadpack),
    and by each other transport that runs one, were git to fetch the missing object.
    """
    shutil.copytree(folder, origin)
    git(folder, "repack", "-adq")
    kept = [line.split()[0] for line in git(folder, "rev-list", "--objects", "--all").splitlines()]
    packs = folder / ".git" / "objects" / "pack"
    fresh = folder.parent / "fresh-pack"
    fresh.mkdir()
    subprocess.run(
        ["git", "-C", str(folder), "pack-objects", "-q", str(fresh / "pack")],
        input="".join(f"{oid}\n" for oid in kept if oid != missing),
        text=True,
        capture_output=True,
        check=True,
    )
    for old in packs.iterdir():
        old.unlink()
    for new in fresh.iterdir():
        new.rename(packs / new.name)
    git(folder, "config", "core.repositoryformatversion", "1")
    git(folder, "config", "extensions.partialClone", "origin")
    git(folder, "config", "remote.origin.promisor", "true")
    git(folder, "config", "remote.origin.url", str(origin))
    git(
        folder,
        "config",
        "remote.origin.uploadpack",
        f"touch {marks / 'uploadpack'}; git-upload-pack",
    )
    git(folder, "config", "core.sshCommand", f"touch {marks / 'ssh'}; false")
    git(folder, "config", "protocol.allow", "always")


@pytest.mark.parametrize("command", ["sig audit", "sig diff", "notify"])
def test_a_partial_clone_fetches_nothing_and_runs_nothing(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """Broke: in a partial clone without the list's blob, git fetched it from the
    repository's promisor remote, running the remote.origin.uploadpack command the
    workspace's .git/config names (a mark), for 'sig audit', 'sig diff --since' and
    'notify --only new-since' alike (and core.sshCommand, ext::, a remote helper, ...)."""
    monkeypatch.chdir(workspace)
    committed(workspace)
    marks = tmp_path / "marks"
    marks.mkdir()
    blob = git(workspace, "rev-parse", "HEAD:signatories/people.yaml")
    partial_clone_missing(workspace, tmp_path / "origin", blob, marks)
    if command == "sig audit":
        result = run("sig", "audit", "people")
    elif command == "sig diff":
        result = run("sig", "diff", "people", "--since", "HEAD")
    else:
        result = run("notify", "test", "--message", "check", "--only", "new-since=HEAD")
    assert sorted(p.name for p in marks.iterdir()) == []
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("Error: ")
    assert "\n  hint: " in result.stderr
    assert "Traceback" not in result.stderr


def test_a_mailmap_typed_into_the_workspace_does_not_rename_who_committed(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: 'sig audit' said an entry Mallory committed was committed by Cora
    Ordinator, because a .mailmap (not even committed) in the working tree said so; git
    blame reads it from the working tree and gives mapped names."""
    monkeypatch.chdir(minimal)
    committed(minimal)
    listed = minimal / "signatories" / "people.yaml"
    listed.write_text(
        listed.read_text() + "  - name: Typed By Mallory\n    type: organization\n    group: orgs\n"
    )
    git(minimal, *MALLORY, "commit", "-qam", "An entry")
    mallory = git(minimal, "rev-parse", "--short=7", "HEAD")
    (minimal / ".mailmap").write_text("Cora Ordinator <mallory@example.org>\n")
    audit = run("sig", "audit", "people")
    assert audit.exit_code == 0, audit.output
    assert audit.stdout.splitlines()[-1] == (
        "line 36: Typed By Mallory: flagged: hand edit only "
        f"(Mallory, 2024-04-05, commit {mallory})"
    )


def test_blame_ignore_revs_do_not_give_a_line_to_a_commit_that_never_had_it(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: with blame.ignoreRevsFile naming Mallory's commit (a file in the working
    tree, and a setting in .git/config), the name Mallory typed was said to be committed
    by Cora Ordinator in her commit, which never had that line."""
    monkeypatch.chdir(minimal)
    committed(minimal)
    listed = minimal / "signatories" / "people.yaml"
    listed.write_text(listed.read_text().replace("Zoë Zimmer", "Zoë Zimmermann"))
    git(minimal, *MALLORY, "commit", "-qam", "A name")
    mallory = git(minimal, "rev-parse", "HEAD")
    (minimal / ".git-blame-ignore-revs").write_text(mallory + "\n")
    git(minimal, "config", "blame.ignoreRevsFile", ".git-blame-ignore-revs")
    audit = run("sig", "audit", "people")
    assert audit.exit_code == 0, audit.output
    assert audit.stdout.splitlines()[1] == (
        "line 3: Zoë Zimmermann: flagged: hand edit only "
        f"(Mallory, 2024-04-05, commit {mallory[:7]})"
    )


def test_an_entry_typed_above_one_that_starts_alike_is_not_said_committed(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: an entry typed by hand just above a committed one that starts with the same
    line ('  - type: organization') was said to be committed by Cora Ordinator, and the
    committed one below it said to be not committed yet: the audit looked at an entry's
    first line alone, and that line is the same in both."""
    monkeypatch.chdir(minimal)
    listed = minimal / "signatories" / "people.yaml"
    alike = "  - type: organization\n    name: beta Organization\n"
    listed.write_text(
        listed.read_text().replace("  - name: beta Organization\n    type: organization\n", alike)
    )
    first = committed(minimal)
    listed.write_text(
        listed.read_text().replace(
            alike,
            "  - type: organization\n    name: Typed By Hand\n    group: orgs\n"
            "    signed: 2024-04-03\n" + alike,
        )
    )
    audit = run("sig", "audit", "people")
    assert audit.exit_code == 0, audit.output
    assert audit.stdout.splitlines()[4:6] == [
        "line 27: Typed By Hand: flagged: hand edit only (not committed yet)",
        "line 31: beta Organization: flagged: hand edit only "
        f"(Cora Ordinator, 2024-04-05, commit {first})",
    ]


@pytest.mark.parametrize("rev", ["HEAD^{/The list}", "origin/main"])
def test_a_revision_with_a_slash_is_read_not_a_traceback(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, rev: str
) -> None:
    """Broke: 'sig diff --since origin/main' (any revision with a slash: a remote's
    branch, feature/x, HEAD^{/text}) ended in a traceback, ValueError from
    Path.with_name, after git had read the list at that revision."""
    monkeypatch.chdir(minimal)
    committed(minimal)
    git(minimal, "update-ref", "refs/remotes/origin/main", "HEAD")
    listed = minimal / "signatories" / "people.yaml"
    listed.write_text(
        listed.read_text()
        + "  - name: New Comer\n    type: individual\n    group: intl\n    signed: 2024-04-04\n"
    )
    diff = run("sig", "diff", "people", "--since", rev)
    assert diff.exit_code == 0, diff.output
    assert diff.stdout.splitlines()[0] == (
        f"Since {rev}: 1 new signatory, 0 withdrawals; 6 signatories in all."
    )
