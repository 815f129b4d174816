"""``campaign init``: a new workspace with the joint-letter template and a working example."""

from __future__ import annotations

import shutil
from pathlib import Path

from campaign.catalog import BUILTIN_TEMPLATES
from campaign.errors import CampaignError

EXAMPLE = Path(__file__).parent / "data" / "example"


def init_workspace(target: Path, template: str = "joint-letter") -> list[Path]:
    """Copy the example and the template into ``target``; never overwrite a file."""
    sources = [(EXAMPLE, target), (BUILTIN_TEMPLATES / template, target / "templates" / template)]
    pairs = []
    for source_root, dest_root in sources:
        for source in sorted(source_root.rglob("*")):
            if source.is_file() and "__pycache__" not in source.parts:
                pairs.append((source, dest_root / source.relative_to(source_root)))
    clashes = [dest for _, dest in pairs if dest.exists()]
    if clashes:
        shown = ", ".join(str(p) for p in clashes[:3])
        raise CampaignError(
            f"{target} already holds {shown}{' ...' if len(clashes) > 3 else ''}; "
            "nothing was written (choose an empty or new folder)"
        )
    for source, dest in pairs:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, dest)
    return [dest for _, dest in pairs]
