"""What went wrong reading a workspace's files after b13e69e, and holds now.

Found on 5 December by a second attack on dc050a1, before the fix:

- A file was bounded by what fstat says of its size. A file of /proc says 0 and may
  hold far more (/proc/self/pagemap: 8 bytes for every page of the address space).
  Linked beside a letter, where nothing reads it, it was hashed whole for the no-op key
  of ``build`` and the outputs' key of ``check``: both ran for ever. Now no read goes
  past the size the file said it had ("it grew while it was read").
- A file of 512 MB and one byte was "512 MB, more than campaign reads (512 MB)". Now a
  size rounded to the limit is said in bytes.
- A YAML file under the limit (450 MB) was a MemoryError: read, decoded and parsed, it
  takes several times its size. A text is now read up to 64 MB (paths.MAX_READ); a
  picture, a font or a PDF up to 512 MB (MAX_BINARY).
- A picture that was a named pipe, a folder or a link back to itself was "no such
  file"; a link to nothing was said at the name it leads to; a picture over the limit
  was Python's exception with a hint that did not fit. Now each is said as what it is,
  at the name the letter gives, with its own hint.
- A read that failed (EIO; here a link to /proc/self/mem) was a traceback in ``sig
  add``/``withdraw``, ``status`` and ``send``. Now every read failure is said at its
  path, and the CLI says any other error of a file at its path.
- The preview dropped the connection for a picture over the limit. Now it answers 404.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from bounded_run import campaign, no_crash, sparse

from campaign.paths import MAX_READ

SLUG = "japan-hrc-2020"
LIST = f"signatories/{SLUG}.yaml"
LIMIT = MAX_READ  # for a text


@pytest.mark.skipif(not os.path.exists("/proc/self/pagemap"), reason="Linux /proc only")
@pytest.mark.parametrize("command", ["check", "build"])
def test_a_link_to_an_endless_proc_file_beside_the_letter_does_not_hang(
    example: Path, command: str
) -> None:
    # fstat says 0 bytes: check_regular lets it through, and fingerprint hashes it to its
    # end, 8 bytes for every page of a 128 TB address space.
    (example / "letters" / SLUG / "notes.txt").symlink_to("/proc/self/pagemap")
    ran = campaign(example, command, timeout=90)
    no_crash(ran)


def test_a_file_just_over_the_limit_is_not_said_to_be_the_limit(example: Path) -> None:
    sparse(example / LIST, LIMIT + 1)
    ran = campaign(example, "check")
    assert ran.code == 1, ran.err
    assert ran.err.splitlines()[0] == (
        f"{LIST}: cannot read file: it is 67,108,865 bytes, more than campaign reads "
        "(67,108,864 bytes)"
    )


def test_a_list_at_the_limit_is_no_memory_error(example: Path) -> None:
    # 450 MB was read (MAX_READ was 512 MB for every file) and then took more than the
    # 2 GB given here: bytes, their text, the parser's copy. A text is now read up to
    # 64 MB; the largest one read still fits.
    path = example / LIST
    with path.open("r+b") as handle:
        handle.truncate(LIMIT)
    ran = campaign(example, "check", timeout=120)
    no_crash(ran)
    assert "MemoryError" not in ran.err, ran.err[-2000:]
    assert ran.code == 1


def _show_picture(example: Path, name: str = "photo.png") -> Path:
    letter = example / "letters" / SLUG
    with (letter / "body.md").open("a", encoding="utf-8") as body:
        body.write(f"\n![A photo]({name})\n")
    return letter / name


def _picture_said(example: Path) -> str:
    ran = campaign(example, "build", timeout=180)
    no_crash(ran)
    assert ran.code == 1, ran.err[-2000:]
    errors = [line for line in ran.err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, ran.err[-2000:]
    return errors[0]


@pytest.mark.parametrize(
    ("kind", "what"),
    [
        ("fifo", "a named pipe"),
        ("folder", "a folder"),
        ("loop", "a link that leads back to itself"),
    ],
)
def test_a_picture_that_is_not_a_file_is_said_as_what_it_is(
    example: Path, kind: str, what: str
) -> None:
    picture = _show_picture(example)
    if kind == "fifo":
        os.mkfifo(picture)
    elif kind == "folder":
        picture.mkdir()
    else:
        picture.symlink_to(picture.name)
    said = _picture_said(example)
    assert f"letters/{SLUG}/photo.png" in said, said
    assert "no such file" not in said, said  # it is there: said as missing, it is looked for
    assert what in said, said


def test_a_picture_that_is_a_link_to_nothing_is_said_at_the_link(example: Path) -> None:
    picture = _show_picture(example)
    picture.symlink_to("gone.png")
    said = _picture_said(example)
    # The letter names photo.png: the user looks for it, and finds no gone.png anywhere.
    assert f"letters/{SLUG}/photo.png" in said, said
    assert "link to nothing" in said, said


def test_a_picture_over_the_limit_is_said_as_other_files_are(example: Path) -> None:
    picture = _show_picture(example)
    sparse(picture, 600 << 20)
    ran = campaign(example, "build", timeout=180)
    no_crash(ran)
    assert ran.code == 1, ran.err[-2000:]
    assert "NotAFile" not in ran.err, ran.err[-2000:]
    assert "[Errno" not in ran.err, ran.err[-2000:]
    assert str(example) not in ran.err, ran.err[-2000:]  # paths are said from the workspace
    assert "it is 600 MB, more than campaign reads (512 MB)" in ran.err, ran.err[-2000:]
    assert "hint: a letter's files are far smaller" in ran.err, ran.err[-2000:]


# A read that fails (a disk's EIO; /proc/self/mem fails so at offset 0) is an OSError
# that is not NotAFile: check says it at its path ("cannot read file: Input/output
# error"), these commands end in a traceback.
EIO = "/proc/self/mem"


@pytest.mark.skipif(not os.path.exists(EIO), reason="Linux /proc only")
@pytest.mark.parametrize(
    "command",
    [
        ["sig", "add", SLUG, "--name", "X Y", "--type", "individual", "--group", "international"],
        ["sig", "withdraw", SLUG, "Amnesty International Japan"],
    ],
)
def test_a_list_whose_read_fails_is_said_by_list_edits(example: Path, command: list[str]) -> None:
    assert campaign(example, "check").code == 0
    (example / LIST).unlink()
    (example / LIST).symlink_to(EIO)
    ran = campaign(example, *command)
    no_crash(ran)
    assert (ran.code, ran.err.splitlines()) == (
        1,
        [
            f"Error: {LIST}: reading it failed (Input/output error)",
            "  hint: copy the file again from where it came from",
        ],
    )


@pytest.mark.skipif(not os.path.exists(EIO), reason="Linux /proc only")
@pytest.mark.parametrize(
    ("name", "command"),
    [
        ("sent.jsonl", ["status", SLUG]),
        ("sent.jsonl", ["send", SLUG]),
        ("mailing.csv", ["status", SLUG]),
    ],
)
def test_a_build_file_whose_read_fails_is_said(
    example: Path, name: str, command: list[str]
) -> None:
    assert campaign(example, "build", timeout=180).code == 0
    path = example / "build" / SLUG / name
    path.unlink(missing_ok=True)
    path.symlink_to(EIO)
    ran = campaign(example, *command, timeout=180)
    no_crash(ran)
    assert ran.code == 1
    assert f"build/{SLUG}/{name}" in ran.err, ran.err


def test_the_preview_answers_for_a_picture_over_the_limit(example: Path) -> None:
    # The picture route checks is_file(), then read_bytes raises NotAFile in the request's
    # thread: no answer at all (the connection is dropped), and Python's repr in the log.
    import http.client
    import signal
    import socket
    import subprocess
    import sys
    import time

    sparse(example / "letters" / SLUG / "huge.png", 600 << 20)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "campaign", "preview", SLUG, "--port", str(port), "--no-open"],
        cwd=example,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert server.stdout is not None
        assert "Previewing" in server.stdout.readline()
        status = None
        for _ in range(50):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                connection.request("GET", "/letter/huge.png")
                status = connection.getresponse().status
                break
            except ConnectionRefusedError:
                time.sleep(0.2)
            except http.client.RemoteDisconnected:
                status = "no answer"
                break
            finally:
                connection.close()
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        _out, err = server.communicate()
    assert status in (404, 413), f"{status}\n{err}"
    assert "NotAFile(" not in err, err
