"""Attacks on the shared pages laid out ahead (run.Ahead.layers), by a helper with a fresh context.

Each build runs in a fresh Python, as a command does (tests/aheadscript.py says the ways
it runs), with TMPDIR a short folder of the test's own (multiprocessing's socket goes
there, and a socket's path is short), so that what a build leaves in it can be seen.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from aheadscript import SCRIPT

from conftest import copy_tree, pdf_text, run_alone, snapshot

ADDRESSEE = """\
  - name: Member {n}
    title: Member of the House of Representatives
    salutation: Dear Member {n},
    address:
      - House of Representatives
      - 1-7-1 Nagata-cho, Chiyoda-ku
      - Tokyo 100-8960
      - Japan
"""


def _more_addressees(ws: Path, count: int, slug: str = "japan-hrc-2020") -> None:
    path = ws / "letters" / slug / "recipients.yaml"
    added = "".join(ADDRESSEE.format(n=n) for n in range(count))
    path.write_text(path.read_text().replace("\ncc:\n", f"\n{added}cc:\n", 1))


def _another_letter(ws: Path, slug: str) -> None:
    """A copy of the example's letter under ``slug``, with a list of its own."""
    shutil.copytree(ws / "letters/japan-hrc-2020", ws / "letters" / slug)
    source = ws / "signatories/japan-hrc-2020.yaml"
    (ws / "signatories" / f"{slug}.yaml").write_text(source.read_text())
    letter = ws / "letters" / slug / "letter.yaml"
    letter.write_text(letter.read_text().replace("list: japan-hrc-2020", f"list: {slug}"))


@pytest.fixture
def tmpdir_short() -> Iterator[Path]:
    """A TMPDIR of the test's own, short (a UNIX socket's path is at most 107 bytes)."""
    tmp = Path(tempfile.mkdtemp(prefix="atk-", dir="/tmp"))
    yield tmp
    shutil.rmtree(tmp, ignore_errors=True)


def _env(tmp: Path, **more: str) -> dict[str, str]:
    return {**os.environ, "TMPDIR": str(tmp), "SOURCE_DATE_EPOCH": "1600000000", **more}


def _build(
    ws: Path, way: str, tmp: Path, *args: str, prefix: tuple[str, ...] = (), **env: str
) -> tuple[int | None, list[str], list[int], str, str]:
    """``campaign build ARGS`` in ``ws``: its status, masters handed out, pools opened, output."""
    ran = subprocess.run(
        [*prefix, sys.executable, "-c", SCRIPT, way, "build", *args],
        capture_output=True,
        text=True,
        cwd=ws,
        env=_env(tmp, **env),
        timeout=120,
    )
    if not ran.stdout.strip():  # the command died before the script could say anything
        return None, [], [], ran.stdout, ran.stderr
    code, handed, opened = json.loads(ran.stdout.splitlines()[-1])
    return code, handed, opened, ran.stdout, ran.stderr


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = tempfile.mkdtemp(prefix="atk-probe-", dir="/tmp")
    try:
        ran = subprocess.run(
            ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=4k tmpfs "$0"', probe],
            capture_output=True,
        )
        return ran.returncode == 0
    finally:
        os.rmdir(probe)


# ---------------------------------------------------------------------------------------
# Breaks the attack found in the first version, each fixed since.
# ---------------------------------------------------------------------------------------


@pytest.mark.skipif(not _unshare_works(), reason="needs unshare -rm to mount a small tmpfs")
def test_a_tmpdir_with_no_room_for_a_pdf_does_not_fail_the_build(
    example: Path, tmpdir_short: Path
) -> None:
    """TMPDIR held only multiprocessing's socket before; now it holds a master's PDF.

    A build whose TMPDIR (often a small tmpfs) has room for the fork server's socket
    but not for one PDF: the worker laying out ahead fails to write the master, and the
    build died with a traceback (OSError: [Errno 28] No space left on device), though
    build/ had all the room it needed. It now lays the master out itself.
    """
    _more_addressees(example, 4)
    twin = copy_tree(example, example.parent / "twin")
    small = tmpdir_short / "t"  # a 4 KiB tmpfs, mounted in a namespace of the build's own
    small.mkdir()
    prefix = ("unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=4k tmpfs "$0" && exec "$@"')
    before = _build(twin, "not ahead", small, "--jobs", "2", prefix=(*prefix, str(small)))
    assert before[0] == 0, before[4]
    code, _, _, _, err = _build(
        example, "ahead", small, "--jobs", "2", prefix=(*prefix, str(small))
    )
    assert "No space left on device" not in err, err[-300:]
    assert code == 0, err[-300:]
    assert snapshot(example / "build") == snapshot(twin / "build")


def test_the_pool_opened_ahead_is_no_bigger_than_the_build_would_open(
    example: Path, tmpdir_short: Path
) -> None:
    """`--jobs` unset: "one per 40 PDFs to make, at most one per CPU" (build --help).

    The build sizes its pool by the work (pool_size): about 60 PDFs take 2 workers. The
    pool opened ahead for the first shared layer takes one per CPU, whatever the work,
    and the build then lays out with it: on a machine of 6 CPUs, 6 worker processes,
    each with its own WeasyPrint (over 100 MB once the Japanese edition's fonts are
    loaded), where 2 were wanted.
    """
    _more_addressees(example, 45)
    code, _, _, out, err = _build(example, "sized", tmpdir_short, CPUS="6")
    said = json.loads(out.splitlines()[0])
    assert code == 1 and "stopped by the test" in err
    assert said["needed"] == 2  # what the build opens without the change
    assert [n for n in said["opened"] if n > said["needed"]] == []


def test_a_build_killed_while_laying_out_ahead_leaves_no_pages_in_tmpdir_for_good(
    example: Path, tmpdir_short: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kill -9 (an OOM kill, a CI job cancelled) while the letters are still planned.

    The pages laid out ahead stayed in TMPDIR/campaign-shared-*/ for good: the letter's
    text as a PDF, outside the workspace (its staging folders, in build/, are removed by
    the next build). The next build to lay out ahead now removes the folders of this
    user's processes that have ended.
    """
    _more_addressees(example, 4)
    monkeypatch.chdir(example)
    monkeypatch.setenv("TMPDIR", str(tmpdir_short))  # run_alone passes this environment on
    command = [sys.executable, "-c", SCRIPT, "stop:kill", "build", "--jobs", "2"]
    assert run_alone(command)[2] == -signal.SIGKILL
    # The next build, in the same TMPDIR, runs to its end.
    again = _build(example, "ahead", tmpdir_short, "--jobs", "2")
    assert again[0] == 0, again[4]
    left = sorted(p.relative_to(tmpdir_short).as_posix() for p in tmpdir_short.rglob("*.pdf"))
    assert left == []


# ---------------------------------------------------------------------------------------
# What held in the first version, pinned.
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["sigterm", "ctrl+c", "group-sigterm"])
def test_a_build_stopped_while_laying_out_ahead_leaves_nothing(
    example: Path, tmpdir_short: Path, how: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped in its planning, the pool opened ahead busy: no process, file or traceback."""
    _more_addressees(example, 4)
    before = snapshot(example)
    monkeypatch.chdir(example)
    monkeypatch.setenv("TMPDIR", str(tmpdir_short))
    out, err, code = run_alone(
        [sys.executable, "-c", SCRIPT, f"stop:{how}", "build", "--jobs", "2"]
    )
    said, handed, opened = json.loads(out.splitlines()[-1])
    assert (code, said, opened) == (0, 1, [2])
    assert Path(handed[0]).parent.name.startswith("campaign-shared-")
    assert err == "\nAborted!\n"
    assert list(tmpdir_short.iterdir()) == []
    assert snapshot(example) == before


def test_outputs_are_the_same_bytes_with_or_without_pages_laid_out_ahead(
    example: Path, tmpdir_short: Path
) -> None:
    """Two letters, each with its Japanese edition, PDF/A-3b, three workers."""
    _more_addressees(example, 3)
    _another_letter(example, "second-letter")
    settings = example / "campaign.yaml"
    settings.write_text(settings.read_text() + "pdf_variant: pdf/a-3b\n")
    twin = copy_tree(example, example.parent / "twin")
    code, handed, _, _, err = _build(example, "ahead", tmpdir_short, "--jobs", "3")
    assert code == 0, err
    ahead = [out for out in handed if Path(out).parent.name.startswith("campaign-shared-")]
    # Each letter's addressees' (2) and its copies', in English and in Japanese (4):
    # every master the build needs was laid out ahead, none by the build itself.
    assert len(ahead) == len(handed) == 6
    assert list(tmpdir_short.iterdir()) == []
    code, handed, _, _, err = _build(twin, "not ahead", tmpdir_short, "--jobs", "3")
    assert code == 0, err
    assert snapshot(example / "build") == snapshot(twin / "build")


def test_a_forced_rebuild_with_pages_laid_out_ahead_makes_the_same_bytes(
    example: Path, tmpdir_short: Path
) -> None:
    _more_addressees(example, 3)
    assert _build(example, "not ahead", tmpdir_short, "--jobs", "2")[0] == 0
    first = snapshot(example / "build")
    code, handed, _, _, err = _build(example, "ahead", tmpdir_short, "--jobs", "2", "--force")
    assert code == 0, err
    assert Path(handed[0]).parent.name.startswith("campaign-shared-")
    assert snapshot(example / "build") == first


def test_a_first_addressee_that_does_not_fit_is_said_as_without_pages_laid_out_ahead(
    example: Path, tmpdir_short: Path
) -> None:
    """The master laid out ahead is the first addressee's: its misfit is said the same."""
    _more_addressees(example, 3)
    recipients = example / "letters/japan-hrc-2020/recipients.yaml"
    text = recipients.read_text()
    long = "Cabinet Secretariat " * 30
    recipients.write_text(text.replace("Cabinet Secretariat, Government of Japan", long, 1))
    twin = copy_tree(example, example.parent / "twin")
    code, handed, _, _, err = _build(example, "ahead", tmpdir_short, "--jobs", "2")
    assert Path(handed[0]).parent.name.startswith("campaign-shared-")
    twin_code, _, _, _, twin_err = _build(twin, "not ahead", tmpdir_short, "--jobs", "2")
    assert (code, err) == (twin_code, twin_err) == (1, twin_err)
    assert "the address of 'Shinzo Abe' needs" in err
    assert err.endswith("nothing was written\n")
    assert not (example / "build/japan-hrc-2020").exists()


def test_a_build_waiting_for_another_takes_nothing_stale_and_leaves_nothing(
    example: Path, tmpdir_short: Path
) -> None:
    """B lays out ahead while A holds build/'s lock; A's files are then up to date."""
    _more_addressees(example, 4)
    slow = SCRIPT.replace(
        "code = None\n",
        "finish = run._finish\n"
        "run._finish = lambda *a: (time.sleep(4), finish(*a))[1]\n"
        "code = None\n",
    )
    first = subprocess.Popen(
        [sys.executable, "-c", slow, "ahead", "build", "--jobs", "2"],
        cwd=example,
        env=_env(tmpdir_short),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lock_held = time.monotonic() + 60
    while not (example / "build/.japan-hrc-2020.staging").exists():
        assert time.monotonic() < lock_held and first.poll() is None
        time.sleep(0.05)
    other = Path(tempfile.mkdtemp(prefix="atk-", dir="/tmp"))
    try:
        code, handed, _, out, err = _build(example, "ahead", other, "--jobs", "2")
        assert list(other.iterdir()) == []
    finally:
        shutil.rmtree(other, ignore_errors=True)
    first_out, first_err = first.communicate(timeout=120)
    assert json.loads(first_out.splitlines()[-1])[0] == 0, first_err
    assert code == 0, err
    assert Path(handed[0]).parent.name.startswith("campaign-shared-")  # for nothing
    assert "build/japan-hrc-2020/: 0 files made, 15 up to date" in out
    assert "Member 3" in pdf_text(example / "build/japan-hrc-2020/to/member-3.pdf")


def test_jobs_1_opens_no_pool_ahead(example: Path, tmpdir_short: Path) -> None:
    _more_addressees(example, 45)
    code, handed, opened, _, err = _build(example, "ahead", tmpdir_short, "--jobs", "1")
    assert (code, opened) == (0, [1]), err
    assert not any("campaign-shared-" in out for out in handed)


def test_a_build_refused_after_laying_out_ahead_leaves_nothing(
    example: Path, tmpdir_short: Path, tmp_path: Path
) -> None:
    """build/ a link: refused once planned, the pool opened ahead busy."""
    _more_addressees(example, 3)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (example / "build").symlink_to(elsewhere)
    code, handed, _, _, err = _build(example, "ahead", tmpdir_short, "--jobs", "2")
    assert code == 1 and "build is a link" in err, err
    assert Path(handed[0]).parent.name.startswith("campaign-shared-")
    assert list(tmpdir_short.iterdir()) == []
    assert list(elsewhere.iterdir()) == []


def test_many_whole_letters_and_no_shared_pages_are_all_made(
    example: Path, tmpdir_short: Path
) -> None:
    """PDF/UA-1 lays every letter out whole: one job a CPU before open() leaves none out."""
    _more_addressees(example, 24)
    settings = example / "campaign.yaml"
    settings.write_text(settings.read_text() + "pdf_variant: pdf/ua-1\n")
    code, handed, opened, out, err = _build(example, "ahead", tmpdir_short, "--jobs", "2")
    assert (code, handed, opened) == (0, [], [2]), err
    assert "build/japan-hrc-2020/: 35 files made, 0 up to date" in out
    for n in range(24):
        letter = pdf_text(example / f"build/japan-hrc-2020/to/member-{n}.pdf")
        assert f"Dear Member {n}," in letter and "Shinzo Abe" not in letter.split("Dear")[0]
