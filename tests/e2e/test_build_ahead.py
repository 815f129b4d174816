"""A group's shared pages laid out while the build still compares the other letters to them.

Each build runs in a fresh Python (as a command does), which records every job handed
to the workers; TMPDIR is the test's own, so that the private folder the pages laid out
ahead go to can be seen removed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from aheadscript import SCRIPT

from conftest import copy_tree, pdf_text, run_alone, snapshot

ADDRESSEE = """\
  - name: Member {n}
    title: Member of the House of Representatives
    address:
      - House of Representatives
      - 1-7-1 Nagata-cho, Chiyoda-ku
      - Tokyo 100-8960
      - Japan
"""


def _more_addressees(ws: Path, count: int, long: int | None = None) -> None:
    """``count`` more letters to addressees; the one numbered ``long`` with a line too long."""
    path = ws / "letters/japan-hrc-2020/recipients.yaml"
    added = ""
    for n in range(count):
        entry = ADDRESSEE.format(n=n)
        if n == long:
            entry = entry.replace("House of Representatives\n", "House " * 40 + "\n", 1)
        added += entry
    path.write_text(path.read_text().replace("\ncc:\n", f"\n{added}cc:\n", 1))


def _build(ws: Path, way: str, *args: str) -> tuple[int, list[str], Path]:
    """Build ``ws`` in a fresh process: its status and the masters' files handed out."""
    # Short: multiprocessing puts its socket there, and a socket's path is at most 107 bytes.
    tmp = Path(tempfile.mkdtemp(prefix="ahead-", dir="/tmp"))
    env = {**os.environ, "TMPDIR": str(tmp), "SOURCE_DATE_EPOCH": "1600000000"}
    ran = subprocess.run(
        [sys.executable, "-c", SCRIPT, way, "build", "--jobs", "2", *args],
        capture_output=True,
        text=True,
        cwd=ws,
        env=env,
    )
    assert ran.stdout, ran.stderr
    code, handed, _ = json.loads(ran.stdout.splitlines()[-1])
    return code, handed, tmp


def test_the_letters_shared_pages_are_laid_out_ahead_and_taken_by_the_build(
    example: Path, tmp_path: Path
) -> None:
    _more_addressees(example, 5)
    ws, twin = example, copy_tree(example, tmp_path / "twin" / "ws")
    code, handed, tmp = _build(ws, "ahead")
    assert code == 0
    # Every shared layer laid out in the private folder as soon as planning found it:
    # the letters', then the copies' (compared copy by copy, before the letters are
    # compared), then the Japanese edition's copies' (its one addressee's letter is laid
    # out whole). The build laid out none itself.
    assert [Path(out).parent.parent for out in handed] == [tmp] * 3
    assert Path(handed[0]).parent.name.startswith("campaign-shared-")
    assert [Path(out).name for out in handed] == ["0.pdf", "1.pdf", "2.pdf"]
    assert list(tmp.iterdir()) == []  # the private folder is gone with the build
    tmp.rmdir()
    code, handed, _ = _build(twin, "not ahead")
    assert code == 0
    assert handed == [
        str(twin / "build/.japan-hrc-2020.staging/.shared-0.pdf"),
        str(twin / "build/.japan-hrc-2020.staging/.shared-1.pdf"),
        str(twin / "build/japan-hrc-2020/.ja.staging/.shared-0.pdf"),
    ]
    # The same files, byte for byte, whichever way the pages were laid out.
    assert snapshot(ws / "build") == snapshot(twin / "build")
    letter = pdf_text(ws / "build/japan-hrc-2020/to/member-3.pdf")
    assert "Member 3" in letter and "Shinzo Abe" not in letter.split("Dear")[0]


def test_pages_laid_out_ahead_that_are_not_the_builds_are_not_taken(
    example: Path, tmp_path: Path
) -> None:
    _more_addressees(example, 3)
    code, handed, tmp = _build(example, "other pages ahead")
    assert code == 0
    # Laid out ahead, then again by the build: its own HTML differs.
    assert len(handed) == 6 and [Path(out).parent.parent for out in handed[:3]] == [tmp] * 3
    assert handed[3] == str(example / "build/.japan-hrc-2020.staging/.shared-0.pdf")
    assert "ahead only" not in pdf_text(example / "build/japan-hrc-2020/to/member-0.pdf")
    assert list(tmp.iterdir()) == []
    tmp.rmdir()


def test_a_rebuild_lays_out_nothing_ahead_unless_forced(example: Path) -> None:
    """A letter built before may be up to date: its pages are laid out only if it is not."""
    _more_addressees(example, 3)
    assert _build(example, "ahead")[0] == 0
    recipients = example / "letters/japan-hrc-2020/recipients.yaml"
    # The letters name every cc: each letter is made again, from pages the build lays out.
    recipients.write_text(recipients.read_text().replace("Yoshihide Suga", "Yoshihide Sugar"))
    code, handed, _ = _build(example, "ahead")
    staging = example / "build/.japan-hrc-2020.staging"
    assert (code, handed) == (0, [str(staging / ".shared-0.pdf"), str(staging / ".shared-1.pdf")])
    assert "Yoshihide Sugar" in pdf_text(example / "build/japan-hrc-2020/to/member-1.pdf")
    code, handed, tmp = _build(example, "ahead", "--force")
    assert code == 0 and Path(handed[0]).parent.parent == tmp


def test_a_build_that_stops_after_laying_out_ahead_leaves_nothing(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An address that does not fit stops the build once the pages laid out ahead are taken."""
    _more_addressees(example, 4, long=2)
    before = snapshot(example)
    tmp = Path(tempfile.mkdtemp(prefix="ahead-", dir="/tmp"))
    env_script = f"import os; os.environ['TMPDIR'] = {str(tmp)!r}\n" + SCRIPT
    monkeypatch.chdir(example)
    out, err, code = run_alone([sys.executable, "-c", env_script, "ahead", "build", "--jobs", "2"])
    assert code == 0 and json.loads(out.splitlines()[-1])[0] == 1
    assert (
        "recipients.yaml:27: the address of 'Member 2' needs 12 lines in the din5008-b window, "
        "which holds 9\n" in err
    )
    assert err.endswith("Error: 2 problems in 1 file; nothing was written\n")
    assert list(tmp.iterdir()) == []
    tmp.rmdir()
    assert not (example / "build/japan-hrc-2020").exists()
    assert {k: v for k, v in snapshot(example).items() if not k.startswith("build/")} == before


def test_a_check_that_fails_after_laying_out_ahead_leaves_nothing(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--strict makes the warnings found once the letters are planned stop the build."""
    _more_addressees(example, 3)  # none has a salutation: a warning, an error with --strict
    before = snapshot(example)
    tmp = Path(tempfile.mkdtemp(prefix="ahead-", dir="/tmp"))
    env_script = f"import os; os.environ['TMPDIR'] = {str(tmp)!r}\n" + SCRIPT
    monkeypatch.chdir(example)
    command = [sys.executable, "-c", env_script, "ahead", "build", "--jobs", "2", "--strict"]
    out, err, code = run_alone(command)
    code_said, handed, _ = json.loads(out.splitlines()[-1])
    assert (code, code_said) == (0, 1)
    # The letters' and both editions' copies' pages laid out ahead, for nothing.
    assert [Path(out).parent.parent for out in handed] == [tmp] * 3
    assert "addressee 'Member 0' has no salutation" in err
    assert err.endswith("nothing was written\n")
    assert list(tmp.iterdir()) == []
    tmp.rmdir()
    assert snapshot(example) == before
