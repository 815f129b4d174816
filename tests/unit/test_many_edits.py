"""Many entries changed in one save: the text is searched and read once, not once an entry.

``sig approve --all-pending`` on 10,000 pending entries took 260 s (found on 7 December
by the attack on the { } edits): each entry's edit searched the list's whole text for
what ties entries together (``listfile._TIED``), and a text with none of it was read to
its end each time. The search is now made once per loaded list; this counts them.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest

from campaign.lists import listfile
from campaign.lists.listfile import ListFile


class _Counted:
    """``listfile._TIED``, its searches counted."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.searches = pattern, 0

    def search(self, text: str) -> Any:
        self.searches += 1
        return self.pattern.search(text)


def _pending_list(folder: Path, count: int, tied: bool) -> Path:
    root = Path(tempfile.mkdtemp(dir=folder))
    (root / ".campaign").mkdir()
    (root / "signatories").mkdir()
    path = root / "signatories" / "people.yaml"
    entries = "".join(
        f"  - name: Person {n}\n    type: individual\n    group: g\n    status: pending\n"
        + ("    affiliation: R&D\n" if tied and n == 0 else "")
        for n in range(count)
    )
    path.write_text("signatories:\n" + entries, encoding="utf-8")
    return path


@pytest.mark.parametrize("tied", [False, True], ids=["plain", "tied"])
def test_every_entry_changed_searches_the_text_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tied: bool
) -> None:
    counted = _Counted(listfile._TIED)
    monkeypatch.setattr(listfile, "_TIED", counted)
    path = _pending_list(tmp_path, 300, tied)
    listed = ListFile.load(path)
    for n in range(300):
        listed.update(n, status="signed")
    listed.save()
    assert counted.searches == 1
    text = path.read_text(encoding="utf-8")
    assert text.count("status: signed") == 300 and "pending" not in text
