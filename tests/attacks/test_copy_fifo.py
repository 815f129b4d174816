"""`campaign new X --from SLUG` with a named pipe in the letter copied: said, not a traceback.

drafting/new.py copies what is not a text file with shutil.copy2, which raises
shutil.SpecialFileError at a FIFO ("is a named pipe"); it is said at the pipe's path
(found by an attack).
"""

from __future__ import annotations

import os
from pathlib import Path

from bounded_run import campaign

SLUG = "japan-hrc-2020"


def test_copying_a_letter_holding_a_fifo_says_so_without_a_traceback(example: Path) -> None:
    os.mkfifo(example / "letters" / SLUG / "notes.pipe")
    ran = campaign(example, "new", "copy", "--from", SLUG, timeout=45)
    assert ran.code is not None, "hung"
    assert "Traceback" not in ran.err, ran.err[-500:]
    assert (ran.code, ran.err.splitlines()[-2:]) == (
        1,
        [
            f"Error: letters/{SLUG}/notes.pipe: not copied: "
            f"`{example}/letters/{SLUG}/notes.pipe` is a named pipe",
            "  hint: a letter's folder holds files, folders and links; take that one out",
        ],
    )
    assert not (example / "letters" / ".copy.drafting").exists()
    assert not (example / "letters" / "copy").exists()
