"""Where a path's links lead, for files anyone may have made links of.

Imports nothing of campaign: every layer may use it (the last of the layers contract).
"""

from __future__ import annotations

import os
from pathlib import Path


def resolved(path: Path | str) -> Path:
    """``path`` made absolute with every link on the way followed, as far as they lead.

    ``Path.resolve`` of Python 3.11 raises RuntimeError at a link that leads back to
    itself, which nothing that looks at a file expects; a workspace passed on by
    someone else may hold one anywhere (a letter's text, templates/, .campaign/).
    Followed as far as it leads, such a link is a file that is not there, or that
    cannot be read, and each caller says so at its own path, as Python 3.13 does.
    """
    return Path(os.path.realpath(path))
