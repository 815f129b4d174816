"""A folder, a socket, a huge file or a link to nothing where a file is read: said at its path.

Found on 5 December by an attack on e49051c (every read through campaign/paths.py, a
regular file only), before the fix:

- A folder where a file is read was a traceback (IsADirectoryError naming a file
  descriptor): ``paths.opened`` made the file object before looking at what it had
  opened. A socket was one too: opening it fails (ENXIO) before any look.
- A huge file (sparse, 20 GB) was read whole: MemoryError, or the machine's memory.
  One that no command reads, beside the letter, was read by ``check`` for the outputs'
  key and hashed by ``build`` for the no-op key, which never ended.
- campaign.yaml linked to a folder made ``build`` walk and hash that folder whole.
- ``export-mail`` copied each PDF with shutil.copyfile: a pipe was a traceback, a link
  to /dev/zero filled the disk.
- ``new X --from Y`` with Y's letter.yaml not a file: KeyError.
- campaign.yaml a link to nothing: taken as missing, and the letters built without
  the workspace's settings (its sender), exit 0.

Now a file is read only when what was opened is a regular file of at most 512 MB
(paths.MAX_READ); a key knows a bigger one by its size, time and inode; a copy reads
through paths too; a link to nothing is said.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
from bounded_run import campaign, no_crash, sparse

SLUG = "japan-hrc-2020"
LIST = f"signatories/{SLUG}.yaml"
HINT = "  hint: put the file itself there: campaign reads files, never a pipe or a device"
BIG = "  hint: a letter's files are far smaller: check that this is the file you meant"
FAILED = "Error: 1 problem in 1 file; nothing was written"


def _folder(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.mkdir(parents=True)


def _socket(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path.unlink(missing_ok=True)
    monkeypatch.chdir(path.parent)  # a socket's path must be short: bound by its name
    with socket.socket(socket.AF_UNIX) as bound:
        bound.bind(path.name)


@pytest.mark.parametrize(
    "command",
    [
        ["sig", "withdraw", SLUG, "Amnesty International Japan"],
        ["sig", "remove", SLUG, "Amnesty International Japan"],
        ["sig", "add", SLUG, "--name", "X Y", "--type", "individual", "--group", "international"],
    ],
)
@pytest.mark.parametrize("kind", ["folder", "socket"])
def test_a_list_to_edit_that_is_a_folder_or_a_socket_is_said(
    example: Path, monkeypatch: pytest.MonkeyPatch, kind: str, command: list[str]
) -> None:
    path = example / LIST
    _folder(path) if kind == "folder" else _socket(path, monkeypatch)
    ran = campaign(example, *command)
    no_crash(ran)
    assert (ran.code, ran.err.splitlines()) == (
        1,
        [f"Error: {LIST}: it is a {kind}, not a file", HINT],
    )


def test_a_log_that_is_a_folder_is_said(example: Path) -> None:
    (example / "letters" / SLUG / "log.yaml").mkdir()
    ran = campaign(example, "log", SLUG, "Replied")
    no_crash(ran)
    assert (ran.code, ran.err.splitlines()) == (
        1,
        [f"Error: letters/{SLUG}/log.yaml: it is a folder, not a file", HINT],
    )


def test_a_csv_to_import_that_is_a_socket_is_said(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _socket(example / "answers.csv", monkeypatch)
    ran = campaign(example, "sig", "import", SLUG, "answers.csv")
    no_crash(ran)
    assert (ran.code, ran.err.splitlines()) == (
        1,
        ["Error: answers.csv: it is a socket, not a file", HINT],
    )


def test_a_starter_file_that_is_a_folder_is_said(example: Path) -> None:
    _folder(example / "templates" / "joint-letter" / "new" / "body.md")
    ran = campaign(example, "new", "fresh")
    no_crash(ran)
    assert (ran.code, ran.err.splitlines()) == (
        1,
        [
            "Error: templates/joint-letter/new/body.md: not copied: it is a folder, not a file",
            HINT,
        ],
    )
    assert not (example / "letters" / "fresh").exists()


def test_a_mailing_csv_that_is_a_folder_is_said_by_status(example: Path) -> None:
    assert campaign(example, "build", timeout=180).code == 0
    _folder(example / "build" / SLUG / "mailing.csv")
    ran = campaign(example, "status", SLUG)
    no_crash(ran)
    assert (ran.code, ran.err.splitlines()) == (
        1,
        [f"Error: build/{SLUG}/mailing.csv: it is a folder, not a file", HINT],
    )


TOO_BIG = "it is 20 GB, more than campaign reads (64 MB)"


@pytest.mark.parametrize(
    ("name", "command", "said"),
    [
        ("campaign.yaml", ["check"], [f"campaign.yaml: cannot read file: {TOO_BIG}", BIG, FAILED]),
        (
            f"letters/{SLUG}/body.md",
            ["check"],
            [f"letters/{SLUG}/body.md: body.md is not read: {TOO_BIG}", BIG, FAILED],
        ),
        (LIST, ["sig", "list", SLUG], [f"{LIST}: cannot read file: {TOO_BIG}", BIG, FAILED]),
        (
            LIST,
            ["sig", "withdraw", SLUG, "Amnesty International Japan"],
            [f"Error: {LIST}: {TOO_BIG}", BIG],
        ),
        (
            "answers.csv",
            ["sig", "import", SLUG, "answers.csv"],
            [f"Error: answers.csv: {TOO_BIG}", BIG],
        ),
    ],
)
def test_a_huge_file_is_said_not_read_whole(
    example: Path, name: str, command: list[str], said: list[str]
) -> None:
    sparse(example / name, 20 << 30)
    ran = campaign(example, *command)
    no_crash(ran)
    assert (ran.code, ran.err.splitlines()) == (1, said)


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_big_file_beside_the_letter_that_nothing_reads(example: Path, command: str) -> None:
    # A recording of the hand-over kept with the letter: no command reads it.
    sparse(example / "letters" / SLUG / "handover-recording.bin", 1 << 40)
    ran = campaign(example, command, timeout=120)
    no_crash(ran)
    assert "MemoryError" not in ran.err
    assert ran.code == 0


def test_settings_linked_to_a_folder_are_said_by_build_as_by_check(
    example: Path, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    sparse(shared / "archive.bin", 1 << 40)
    (example / "campaign.yaml").unlink()
    (example / "campaign.yaml").symlink_to(shared)
    said = ["campaign.yaml: cannot read file: it is a folder, not a file", HINT, FAILED]
    checked = campaign(example, "check")
    assert (checked.code, checked.err.splitlines()) == (1, said)
    ran = campaign(example, "build", timeout=60)
    no_crash(ran)
    assert (ran.code, ran.err.splitlines()) == (1, said)


@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_export_mail_of_a_built_letter_that_is_a_pipe_or_a_device(example: Path, kind: str) -> None:
    assert campaign(example, "build", timeout=180).code == 0
    built = example / "build" / SLUG / "to" / "shinzo-abe.pdf"
    built.unlink()
    if kind == "pipe":
        os.mkfifo(built)
    else:
        built.symlink_to("/dev/zero")  # copied as it is, it fills the disk
    ran = campaign(example, "export-mail", SLUG, "-o", "out", file_size=200 << 20)
    code, err = ran.code, ran.err
    assert code == 1, f"exit {code} (-25: stopped at the file size limit)\n{err[-2000:]}"
    what = "a named pipe" if kind == "pipe" else "a device"
    assert err.splitlines() == [
        f"Error: build/{SLUG}/to/shinzo-abe.pdf: it is {what}, not a file",
        HINT,
    ]
    assert not (example / "out").exists()
    assert not (example / ".out.staging").exists()  # the half-made export is taken away


def test_new_from_a_letter_whose_letter_yaml_is_a_pipe(example: Path) -> None:
    path = example / "letters" / SLUG / "letter.yaml"
    path.unlink()
    os.mkfifo(path)
    ran = campaign(example, "new", "copy", "--from", SLUG)
    no_crash(ran)
    assert (ran.code, ran.err.splitlines()) == (
        1,
        [f"Error: letters/{SLUG}/letter.yaml: not copied: it is a named pipe, not a file", HINT],
    )
    assert not (example / "letters" / "copy").exists()


@pytest.mark.parametrize("command", ["check", "build"])
def test_settings_that_are_a_link_to_nothing_are_said(example: Path, command: str) -> None:
    # Handed over with its settings linked from a shared folder that did not come along.
    (example / "campaign.yaml").unlink()
    (example / "campaign.yaml").symlink_to("../shared/campaign.yaml")
    ran = campaign(example, command, timeout=180)
    no_crash(ran)
    assert (ran.code, ran.err.splitlines()) == (
        1,
        [
            "campaign.yaml: cannot read file: it is a link to nothing",
            "  hint: put the file itself there, or remove the link",
            FAILED,
        ],
    )
