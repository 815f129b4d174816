"""A workspace on disk: where it is, and which letters and templates it holds."""

from __future__ import annotations

from pathlib import Path

from campaign.errors import CampaignError
from campaign.load.catalog import template_names
from campaign.paths import resolved


class Workspace:
    """The folder holding ``campaign.yaml``, ``letters/``, ``signatories/``, ``templates/``."""

    def __init__(self, root: Path) -> None:
        self.root = resolved(root)

    @classmethod
    def find(cls, start: Path) -> Workspace:
        """The nearest folder at or above ``start`` that looks like a workspace."""
        start = resolved(start)
        for folder in (start, *start.parents):
            if (folder / "campaign.yaml").is_file() or any(
                (folder / sub).is_dir() for sub in ("letters", "signatories")
            ):
                return cls(folder)
        raise CampaignError(
            f"{start} is not inside a campaign workspace (no campaign.yaml or letters/ found); "
            "run 'campaign init DIR' to make one"
        )

    @classmethod
    def locate(cls, given: str | None) -> Workspace:
        """The folder given with -C/--workspace, else the nearest one from the current folder."""
        return cls(Path(given)) if given else cls.find(Path.cwd())

    def slugs(self) -> list[str]:
        """Every letter in ``letters/``, alphabetically."""
        folder = self.root / "letters"
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))

    def template_names(self) -> list[str]:
        """Templates the workspace can use: its own and the shipped ones."""
        return template_names(self.root)
