"""The files of a workspace that a template or a letter's layout may never read."""

from __future__ import annotations

from pathlib import Path

# What a letter may show is public; these hold what is not (e-mail addresses, phone
# numbers, notes, the send log) or settings no letter needs. Suffixes cover a file
# copied or linked anywhere in the workspace under another name.
_PRIVATE_SUFFIXES = {
    ".yaml": "a YAML file",
    ".yml": "a YAML file",
    ".jsonl": "a log",
    ".db": "a database",
    ".sqlite": "a database",
    ".sqlite3": "a database",
}


def off_limits(path: Path, root: Path) -> str:
    """Why the resolved ``path`` is never read for a letter, or '' if it may be.

    ``root`` is the workspace folder, resolved.
    """
    if path.is_relative_to(root / "signatories"):
        return "a sign-on list"
    if path.is_relative_to(root / "build"):
        return "a build output"
    suffix = path.suffix.lower()
    if path.name == "campaign.yaml":
        return "the workspace's settings"
    if path.name.startswith("recipients") and suffix in (".yaml", ".yml"):
        return "a list of recipients"
    return _PRIVATE_SUFFIXES.get(suffix, "")
