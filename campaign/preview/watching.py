"""Noticing that a letter's input files changed, by polling their times and sizes.

Polling (every few tenths of a second) needs no dependency and works the same on
every file system, network shares and editors that replace files included.
"""

from __future__ import annotations

from pathlib import Path

from campaign.paths import files_below


def watched_files(root: Path, slug: str) -> list[Path]:
    """Every file the letter ``slug`` is made from: its folder, the lists, settings, templates."""
    found = [root / "campaign.yaml", *sorted((root / "signatories").glob("*.yaml"))]
    for folder in (root / "letters" / slug, root / "templates"):
        if folder.is_dir():
            # As the build reads them: through folder links that stay inside the folder,
            # each such link listed too (turned to another folder, it changes the letter).
            found += [p for p in files_below(folder) if not _scratch(p)]
    return found


def _scratch(path: Path) -> bool:
    """Editors' swap, lock and backup files change while typing; they are no input."""
    name = path.name
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".tmp"))


def snapshot(paths: list[Path]) -> dict[Path, tuple[int, ...]]:
    """Modification time, size and inode of what each path that exists leads to."""
    seen: dict[Path, tuple[int, ...]] = {}
    for path in paths:
        try:
            stat = path.stat()
        except OSError:  # gone, or being replaced by an editor: absent from this look
            continue
        # The inode too: a link turned to another folder made in the same instant has
        # the same time and size.
        seen[path] = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
    return seen


class Watcher:
    """Notices when any input of a letter changes, by comparing snapshots of mtimes."""

    def __init__(self, root: Path, slug: str) -> None:
        self.root, self.slug = root, slug
        self.last = self._look()

    def _look(self) -> dict[Path, tuple[int, ...]]:
        return snapshot(watched_files(self.root, self.slug))

    def changed(self) -> bool:
        """Whether a file was changed, added or removed since the last call."""
        now = self._look()
        if now == self.last:
            return False
        self.last = now
        return True
