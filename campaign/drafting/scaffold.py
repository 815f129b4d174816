"""``campaign init``: a new workspace with the joint-letter template and a working example."""

from __future__ import annotations

from pathlib import Path

from campaign.errors import CampaignError
from campaign.files.atomic import fsync_dir, remove_atomic, write_atomic
from campaign.load.catalog import BUILTIN_TEMPLATES, EXAMPLE
from campaign.paths import MAX_BINARY, read_bytes

# In the new workspace while init writes it: an init stopped half way is carried on
# by the next, which takes the files it finds identical to ours as already written.
UNFINISHED = ".campaign-init"
# What a workspace's git must never hold: the build (letters with addresses, and the send
# log with every recipient's e-mail address), local databases, and files left by a kill.
GITIGNORE = """\
# Written by 'campaign init'. Made by campaign, never to be committed:
# build/ holds the letters with their addresses and sent.jsonl, the log of who was
# e-mailed (recipients' addresses); .campaign/ holds local databases and caches.
build/
sent.jsonl
.campaign/
# Left by a command that was stopped half way; the next one clears them.
.*.tmp
letters/.*.drafting/
.campaign-init
"""


def init_workspace(target: Path, template: str = "joint-letter", bare: bool = False) -> list[Path]:
    """Copy the example (``bare``: only its campaign.yaml) and the template into ``target``.

    Never overwrites a file. The workspace gets a .gitignore and, bare, empty letters/
    and signatories/ folders for 'campaign new' to fill.
    """
    sources = [(EXAMPLE, target), (BUILTIN_TEMPLATES / template, target / "templates" / template)]
    pairs: list[tuple[Path | bytes, Path]] = []
    for source_root, dest_root in sources:
        for source in sorted(_files(source_root)):
            if not source.is_file() or "__pycache__" in source.parts:
                continue
            if bare and source_root == EXAMPLE and source.name != "campaign.yaml":
                continue
            pairs.append((source, dest_root / source.relative_to(source_root)))
    pairs.append((GITIGNORE.encode(), target / ".gitignore"))
    marker = target / UNFINISHED
    resuming = marker.is_file()
    clashes = [
        dest for source, dest in pairs if dest.exists() and not (resuming and _same(source, dest))
    ]
    if clashes:
        shown = ", ".join(str(p) for p in clashes[:3])
        raise CampaignError(
            f"{target} already holds {shown}{' ...' if len(clashes) > 3 else ''}; "
            "nothing was written (choose an empty or new folder)"
        )
    write_atomic(marker, "campaign init is writing this workspace\n")
    for content, dest in pairs:
        if not dest.exists():
            # Each file whole or not at all: a copy cut short would pass for the example.
            write_atomic(dest, _bytes(content))
    for folder in ("letters", "signatories"):
        (target / folder).mkdir(exist_ok=True)
    remove_atomic(marker)
    fsync_dir(target)
    return [dest for _, dest in pairs]


def _files(root: Path) -> list[Path]:
    """A template's files, or the example workspace's: what the wheel ships of it."""
    if root != EXAMPLE:
        return list(root.rglob("*"))
    # From a checkout EXAMPLE is the repository's top: only the workspace's own files.
    return [
        root / "campaign.yaml",
        *[f for d in ("letters", "signatories") for f in (root / d).rglob("*")],
    ]


def _bytes(source: Path | bytes) -> bytes:
    return source if isinstance(source, bytes) else read_bytes(source, MAX_BINARY)


def _same(source: Path | bytes, dest: Path) -> bool:
    """Whether ``dest`` is a file holding exactly what ``source`` holds."""
    return (
        dest.is_file() and not dest.is_symlink() and read_bytes(dest, MAX_BINARY) == _bytes(source)
    )
