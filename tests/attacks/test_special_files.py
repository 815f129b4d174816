"""A FIFO, or a link to /dev/zero, in a workspace: a command ends, and says so.

Found by an attack on 5 December; what it found, before the fix:
Two readers open whatever a path leads to, with no look at what it is first:

- build/unchanged.py's key reads every file below letters/, signatories/ and
  templates/ whole (path.read_bytes()), before anything is checked: a named pipe
  anywhere there, even one no letter uses, hangs `campaign build` for ever; a link
  to /dev/zero fills the memory (a MemoryError's traceback, where memory is bounded).
- checks/fonts.py reads body.md and body.<lang>.md (path.read_text()) before
  load/confine.py's read_confined: a body that is a link out of the letter's folder
  is read all the same (to /dev/zero: all memory; to a file outside: its characters
  are warned about, line by line, while the same run says "body.md is not read"),
  and a body that is a FIFO inside the folder hangs `campaign check`.
"""

from __future__ import annotations

import os
from pathlib import Path

from bounded_run import campaign

SLUG = "japan-hrc-2020"


def test_a_fifo_no_letter_uses_does_not_hang_the_build(example: Path) -> None:
    os.mkfifo(example / "letters" / SLUG / "notes.fifo")
    ran = campaign(example, "build", "--jobs", "1")
    assert ran.code == 0, f"code {ran.code} (None: hung, killed after 60 s)\n{ran.err}"
    assert (example / "build" / SLUG / "to" / "shinzo-abe.pdf").is_file()


def test_a_link_to_dev_zero_no_letter_uses_does_not_fill_the_memory(example: Path) -> None:
    (example / "signatories" / "zero.bin").symlink_to("/dev/zero")
    ran = campaign(example, "build", "--jobs", "1")
    assert "Traceback" not in ran.err and "MemoryError" not in ran.err, ran.err[-600:]
    assert ran.code == 0


def test_a_body_linked_to_dev_zero_is_refused_not_read(example: Path) -> None:
    body = example / "letters" / SLUG / "body.md"
    body.unlink()
    body.symlink_to("/dev/zero")
    ran = campaign(example, "check")
    assert "MemoryError" not in ran.err and "Traceback" not in ran.err, ran.err[-600:]
    assert ran.code == 1
    assert f"letters/{SLUG}/body.md: is not a file the letter can read\n" in ran.err


def test_a_translated_body_that_is_a_fifo_does_not_hang_check(example: Path) -> None:
    body = example / "letters" / SLUG / "body.ja.md"
    body.unlink()
    os.mkfifo(body)
    ran = campaign(example, "check", timeout=45)
    assert ran.code == 1, f"code {ran.code} (None: hung, killed after 45 s)\n{ran.err}"
    assert f"letters/{SLUG}/body.ja.md" in ran.err


def test_a_body_linked_out_of_the_folder_is_not_read_at_all(example: Path, tmp_path: Path) -> None:
    outside = tmp_path / "private.txt"
    # A private-use character on line 3: no font has it, so a read of it is warned about.
    outside.write_text("user: alice\npin: 4242\ncode: \ue001\n")
    body = example / "letters" / SLUG / "body.md"
    body.unlink()
    body.symlink_to(outside)
    ran = campaign(example, "check")
    assert ran.code == 1
    assert "body.md is not read" in ran.err
    assert "U+E001" not in ran.err, ran.err  # its line 3 was read, and told of
