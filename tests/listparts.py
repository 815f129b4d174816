"""What the tests of a long list laid out in parts share: names, pages, outlines, runs.

Used by tests/unit/test_paged_list.py and tests/unit/test_list_runs_breaks.py.
"""

from __future__ import annotations

import io
from pathlib import Path

import pikepdf
import pytest

from campaign.pdf import listing

DATE = "2020-02-13T00:00:00Z"
GIVEN = ("Aiko", "Bo", "Carlos", "Dana", "Emi", "Farid")
FAMILY = ("Abe", "Baek", "Chen", "Dubois", "Eriksen", "Fujita")
# Small pages with the furniture a list has: a running title and "Page N of M".
SMALL_PAGES = (
    "@page { size: a6; margin: 12mm 10mm;"
    ' @top-left { content: element(title) } @bottom-center { content: "Page " counter(page)'
    ' " of " counter(pages) } } @page :first { @top-left { content: none } }'
    " .title { position: running(title) } h3 { break-after: avoid }"
    " li { margin: 0 0 .25em; padding-left: 1.2em; text-indent: -1.2em; break-inside: avoid }"
    " li:nth-child(-n+3) { break-before: avoid }"
)


def outline(pdf: bytes) -> list[tuple[int, str, int, list[object]]]:
    """Each entry of the PDF's outline: its depth, title, page and the rest of its destination."""
    with pikepdf.open(io.BytesIO(pdf)) as opened, opened.open_outline() as tree:
        found: list[tuple[int, str, int, list[object]]] = []

        def walk(items: list[pikepdf.OutlineItem], depth: int) -> None:
            for item in items:
                page = opened.pages.index(pikepdf.Page(item.destination[0]))
                found.append((depth, item.title, page, list(item.destination)[1:]))
                walk(item.children, depth + 1)

        walk(tree.root, 0)
        return found


def counting_runs(monkeypatch: pytest.MonkeyPatch) -> list[tuple[bool, int]]:
    """Each part laid out: whether runs were planned for it, and how many its pages hold."""
    laid: list[tuple[bool, int]] = []
    lay_part = listing.lay_part

    def counting(job: listing.PartJob) -> listing.PartDone:
        done = lay_part(job)
        laid.append((job.runs is not None, done.runs))
        return done

    monkeypatch.setattr(listing, "lay_part", counting)
    return laid


def write_signatories(root: Path, names: int, wrapping: bool = True) -> None:
    """``names`` signatories in two groups; every 37th long enough to wrap (if ``wrapping``)."""
    entries = ["signatories:\n"]
    for n in range(names):
        name = f"{GIVEN[n % 6]} {FAMILY[n * 7 % 6]}{n}"
        if wrapping and n % 37 == 0:
            name += " of the Committee for the Remembrance of Everything Said" * 2
        group = "international" if n % 3 else "organizations"
        kind = "individual" if n % 3 else "organization"
        entries.append(
            f'  - name: "{name}"\n    type: {kind}\n    country: Japan\n    group: {group}\n'
            "    signed: 2020-02-01\n"
        )
    (root / "signatories" / "japan-hrc-2020.yaml").write_text("".join(entries))
