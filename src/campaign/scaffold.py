"""``campaign init``: a new workspace with the joint-letter template and a working example."""

from __future__ import annotations

from pathlib import Path

from campaign.catalog import BUILTIN_TEMPLATES
from campaign.errors import CampaignError
from campaign.fsutil import fsync_dir, remove_temporaries, write_atomic

EXAMPLE = Path(__file__).parent / "data" / "example"
# In the new workspace while init writes it: an init stopped half way is carried on
# by the next, which takes the files it finds identical to ours as already written.
UNFINISHED = ".campaign-init"


def init_workspace(target: Path, template: str = "joint-letter") -> list[Path]:
    """Copy the example and the template into ``target``; never overwrite a file."""
    sources = [(EXAMPLE, target), (BUILTIN_TEMPLATES / template, target / "templates" / template)]
    pairs = []
    for source_root, dest_root in sources:
        for source in sorted(source_root.rglob("*")):
            if source.is_file() and "__pycache__" not in source.parts:
                pairs.append((source, dest_root / source.relative_to(source_root)))
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
    for source, dest in pairs:
        remove_temporaries(dest)
        if not dest.exists():
            # Each file whole or not at all: a copy cut short would pass for the example.
            write_atomic(dest, source.read_bytes())
    marker.unlink()
    remove_temporaries(marker)
    fsync_dir(target)
    return [dest for _, dest in pairs]


def _same(source: Path, dest: Path) -> bool:
    """Whether ``dest`` is a file holding exactly what ``source`` holds."""
    return dest.is_file() and not dest.is_symlink() and dest.read_bytes() == source.read_bytes()
