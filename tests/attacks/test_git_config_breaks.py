"""A workspace's own ``.git/config`` never gets git to run a command for campaign.

Found reading what ``sig audit`` asks git: ``git blame FILE`` reads the working tree, so a
repository's clean and smudge filters, its text conversion and its file-system monitor
ran, each a command the workspace's ``.git/config`` names. git is now asked in one place
(campaign/files/git.py), about committed objects only.
"""

from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaign.files.git import _same_lines

from conftest import audited, run

HOOKS = ("post-index-change", "pre-commit", "post-checkout", "reference-transaction")


def git(folder: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env |= {"GIT_AUTHOR_DATE": "2024-04-05T10:00:00Z", "GIT_COMMITTER_DATE": "2024-04-05T10:00:00Z"}
    done = subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout.strip()


def committed(folder: Path) -> str:
    """Make ``folder`` a repository with everything in it committed; the short commit."""
    git(folder, "init", "-q")
    git(folder, "config", "user.name", "Cora Ordinator")
    git(folder, "config", "user.email", "cora@example.org")
    git(folder, "add", ".")
    git(folder, "commit", "-qm", "The list as typed")
    return git(folder, "rev-parse", "--short=7", "HEAD")


def make_hostile(folder: Path, marks: Path) -> None:
    """Give the repository settings and attributes that each run a command writing a mark."""

    def mark(name: str) -> str:
        return f"touch {marks / name}"

    hooks = folder / ".git" / "evil-hooks"
    hooks.mkdir()
    for hook in HOOKS:
        (hooks / hook).write_text(f"#!/bin/sh\n{mark(hook)}\n")
        (hooks / hook).chmod(0o755)
    with open(folder / ".git" / "config", "a") as config:
        config.write(
            f'[core]\n\tfsmonitor = "{mark("fsmonitor")}; false"\n'
            f"\thooksPath = {hooks}\n"
            f'\tpager = "{mark("pager")}; cat"\n'
            f'[filter "evil"]\n\tclean = "{mark("clean")}; cat"\n'
            f'\tsmudge = "{mark("smudge")}; cat"\n'
            f'[diff "evil"]\n\ttextconv = "{mark("textconv")}; cat"\n'
            # Not a command, but it garbles what git says of authors unless overridden.
            "[i18n]\n\tlogOutputEncoding = UTF-16\n"
        )
    (folder / ".gitattributes").write_text("* filter=evil diff=evil\n")


def test_git_in_a_hostile_repository_runs_nothing_and_still_answers(
    minimal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: 'sig audit' ran the repository's clean and smudge filters, its text
    conversion and its file-system monitor (four marks), through 'git blame FILE'."""
    monkeypatch.chdir(minimal)
    first = committed(minimal)
    marks = tmp_path / "marks"
    marks.mkdir()
    make_hostile(minimal, marks)
    listed = minimal / "signatories" / "people.yaml"
    text = listed.read_text()
    # A hand edit in the middle of the list, and one at its end, neither committed.
    middle = "  - name: Late Person\n"
    text = text.replace(
        middle, "  - name: Typed Between\n    type: organization\n    group: orgs\n" + middle
    )
    text += "  - name: Typed Last\n    type: organization\n    group: orgs\n"
    listed.write_text(text)
    audit = run("sig", "audit", "people")
    diff = run("sig", "diff", "people", "--since", "HEAD")
    added = run("sig", "add", "people", "--name", "Added Person", "--type", "individual",
                "--group", "intl", "--signed", "2024-04-04")  # fmt: skip
    assert sorted(p.name for p in marks.iterdir()) == []
    assert audit.exit_code == 0, audit.output
    lines = {
        m.group(1): n
        for n, t in enumerate(text.splitlines(), 1)
        if (m := re.match(r"  - name: (.*)", t))
    }
    typed = f"flagged: hand edit only (Cora Ordinator, 2024-04-05, commit {first})"
    said = {
        "Zoë Zimmer": typed,
        "Émile Abel": typed,
        "Typed Between": "flagged: hand edit only (not committed yet)",
        "Late Person": typed,
        "beta Organization": typed,
        "Alpha Organization": typed,
        "Typed Last": "flagged: hand edit only (not committed yet)",
    }
    assert audit.stdout == (
        "signatories/people.yaml: 7 printed signatures, 0 with a source, 7 flagged\n"
        + audited(said, lines)
    )
    assert (diff.exit_code, diff.stdout.splitlines()[0]) == (
        0,
        "Since HEAD: 2 new signatories, 0 withdrawals; 7 signatories in all.",
    )
    assert added.exit_code == 0, added.output
    assert "source: sig add by Cora Ordinator, " in listed.read_text()


def test_notify_new_since_reads_the_committed_list_without_running_anything(
    workspace: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'notify --only new-since=REV' reads the list at REV through the same door."""
    monkeypatch.chdir(workspace)
    committed(workspace)
    marks = tmp_path / "marks"
    marks.mkdir()
    make_hostile(workspace, marks)
    listed = workspace / "signatories" / "people.yaml"
    listed.write_text(
        listed.read_text()
        + "  - name: New Comer\n    type: individual\n    group: intl\n    signed: 2024-04-04\n"
        "    email: new@example.org\n    contact: 'yes'\n"
    )
    result = run("notify", "test", "--message", "check", "--only", "new-since=HEAD")
    assert sorted(p.name for p in marks.iterdir()) == []
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("would send: New Comer <new@example.org> | ")


def test_a_blame_git_cannot_give_is_said_not_taken_for_no_commits(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: a blame.ignoreRevsFile naming a missing file (a common global setting) made
    'git blame' fail, and the audit then flagged every line as not committed yet.

    (Blame now reads no ignoreRevsFile at all, test_git_breaks2.py; a list whose committed
    text the repository lacks is a blame git cannot give.)"""
    monkeypatch.chdir(minimal)
    committed(minimal)
    git(minimal, "config", "blame.ignoreRevsFile", ".git-blame-ignore-revs")
    assert run("sig", "audit", "people").exit_code == 0
    blob = git(minimal, "rev-parse", "HEAD:signatories/people.yaml")
    (minimal / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    audit = run("sig", "audit", "people")
    assert audit.exit_code == 1
    assert audit.stdout == ""
    assert audit.stderr.startswith(
        "Error: git cannot say who committed the lines of signatories/people.yaml: "
    )
    assert audit.stderr.endswith(
        "\n  hint: campaign reads only the objects the repository holds, and fetches none: a "
        "partial clone may lack the list's history until git fetches it for you\n"
    )


def test_a_checkout_with_windows_line_endings_is_not_all_uncommitted(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With core.autocrlf the file on disk ends its lines in CR LF and the commit in LF."""
    monkeypatch.chdir(minimal)
    first = committed(minimal)
    git(minimal, "config", "core.autocrlf", "true")
    listed = minimal / "signatories" / "people.yaml"
    listed.write_bytes(listed.read_bytes().replace(b"\n", b"\r\n"))
    audit = run("sig", "audit", "people")
    assert audit.exit_code == 0, audit.output
    flags = audit.stdout.splitlines()[1:]
    assert len(flags) == 5
    assert all(f.endswith(f"(Cora Ordinator, 2024-04-05, commit {first})") for f in flags)


@pytest.mark.parametrize("how", ["no commit", "not tracked"])
def test_a_list_git_does_not_track_or_a_repository_without_commits(
    minimal: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Both are lists of which nothing is committed yet, as 'git blame FILE' said."""
    monkeypatch.chdir(minimal)
    if how == "no commit":
        git(minimal, "init", "-q")
    else:
        (minimal / "signatories" / "people.yaml").rename(minimal / "people.yaml")
        committed(minimal)
        (minimal / "people.yaml").rename(minimal / "signatories" / "people.yaml")
    audit = run("sig", "audit", "people")
    assert audit.exit_code == 0, audit.output
    flags = audit.stdout.splitlines()
    assert flags[0] == "signatories/people.yaml: 5 printed signatures, 0 with a source, 5 flagged"
    assert len(flags) == 6
    assert all(f.endswith(": flagged: hand edit only (not committed yet)") for f in flags[1:])


@given(
    st.lists(st.sampled_from([b"a", b"b", b"c", b"a\r", b""]), max_size=30),
    st.lists(st.sampled_from([b"a", b"b", b"c", b"b\r", b""]), max_size=30),
)
def test_lines_paired_are_the_same_lines_in_the_same_order(
    old: list[bytes], new: list[bytes]
) -> None:
    """A line is said to be committed only if the committed file has it, in order."""
    pairs = _same_lines(old, new)
    assert all(old[i].rstrip(b"\r") == new[j].rstrip(b"\r") for i, j in pairs)
    assert all(i1 < i2 and j1 < j2 for (i1, j1), (i2, j2) in itertools.pairwise(pairs))


@given(st.data())
def test_every_committed_line_is_found_when_lines_were_only_added(data: st.DataObject) -> None:
    """Entries typed in anywhere leave each committed line paired with itself."""
    old = [f"line {n}".encode() for n in range(data.draw(st.integers(0, 300)))]
    new = list(old)
    for _ in range(data.draw(st.integers(0, 20))):
        at = data.draw(st.integers(0, len(new)))
        new.insert(at, data.draw(st.sampled_from([b"    group: orgs", b"", b"line 1", b"new"])))
    pairs = _same_lines(old, new)
    assert [i for i, _ in pairs] == list(range(len(old)))


def test_another_users_repository_is_said_not_taken_for_no_repository(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Broke: git refuses a repository another user owns, and the audit then said the list
    was not in a git repository and flagged every entry 'no source'."""
    monkeypatch.chdir(minimal)
    committed(minimal)
    # git's own switch for its tests: the repository is taken to be another user's.
    monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    audit = run("sig", "audit", "people")
    where = minimal.resolve()
    assert (audit.exit_code, audit.stdout) == (1, "")
    assert audit.stderr == (
        "Error: git cannot say who committed the lines of signatories/people.yaml: detected "
        f"dubious ownership in repository at '{where}'\n"
        "  hint: the repository belongs to another user; if you trust it, "
        f"`git config --global --add safe.directory {where}`\n"
    )
    diff = run("sig", "diff", "people", "--since", "HEAD")
    assert diff.exit_code == 1
    assert diff.stderr.endswith(f"safe.directory {where}`\n")


@pytest.mark.parametrize("name", [".mailmap", ".gitattributes", "signatories/.gitattributes"])
def test_a_fifo_in_the_working_tree_holds_nothing_up(
    minimal: Path, tmp_path: Path, name: str
) -> None:
    """Broke: git's blame reads the working tree's .mailmap even for a commit; a FIFO
    there held 'sig audit' until git's two-minute timeout. (The attributes files, which
    git reads to convert text, held nothing up before either: kept as guards.)"""
    first = committed(minimal)
    os.mkfifo(minimal / name)
    campaign = str(Path(sys.executable).with_name("campaign"))
    done = subprocess.run(
        [campaign, "sig", "audit", "people"], cwd=minimal, capture_output=True, text=True,
        timeout=60, env={k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
    )  # fmt: skip
    assert (done.returncode, done.stderr) == (0, "")
    flags = done.stdout.splitlines()[1:]
    assert len(flags) == 5
    assert all(f.endswith(f"(Cora Ordinator, 2024-04-05, commit {first})") for f in flags)
