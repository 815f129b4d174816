"""read_confined checks the file it opened, not where a link led a moment before.

Found by an attack on 5 December; what it found, before the fix:
load/confine.py: ``real = resolved(path)`` is checked (inside the folder, not a
recipients list, not YAML), then ``path.read_text()`` follows the link afresh. A link
retargeted in between is read wherever it then leads: a letter's body.md flipped
between its text and recipients.yaml hands the recipients' addresses to the letter
(thousands of times in a few seconds here). Whoever may change links in a shared
workspace, but not read recipients.yaml, gets it printed into the PDF they receive.
The read must be of the file that was checked (open it, then check what was opened).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

from campaign.load.confine import Confined, read_confined

FLIP = textwrap.dedent(
    """\
    import os, sys, time
    folder, seconds = sys.argv[1], float(sys.argv[2])
    end, i = time.time() + seconds, 0
    while time.time() < end:
        os.symlink("recipients.yaml" if i % 2 else "text.md", folder + "/new.lnk")
        os.replace(folder + "/new.lnk", folder + "/body.md")
        i += 1
    """
)


def test_a_link_retargeted_while_read_never_hands_over_a_private_file(tmp_path: Path) -> None:
    folder = tmp_path / "letters" / "x"
    folder.mkdir(parents=True)
    (folder / "text.md").write_text("Dear minister,\n")
    (folder / "recipients.yaml").write_text("- name: A\n  email: secret@example.org\n")
    (folder / "body.md").symlink_to("text.md")
    flipper = subprocess.Popen([sys.executable, "-c", FLIP, str(folder), "4"])
    leaked = read = 0
    try:
        end = time.monotonic() + 3.5
        while time.monotonic() < end:
            try:
                text = read_confined(folder / "body.md", folder, public=True)
            except (Confined, OSError):
                continue
            read += 1
            leaked += "secret@example.org" in text
    finally:
        flipper.wait()
    assert read > 0
    assert leaked == 0, f"recipients.yaml read as the letter's text {leaked} times of {read}"
