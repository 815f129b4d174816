"""A PDF made with one of campaign's WeasyPrint patches undone, beside the same PDF made with it."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from campaign.pdf.render import render_pdf

DATE = "2020-05-01T00:00:00Z"  # both PDFs of a pair carry it: only what is drawn may differ


def own(html: str, tmp_path: Path, undone: Callable[[], AbstractContextManager[None]]) -> bytes:
    """The PDF of ``html`` laid out while ``undone()`` gives WeasyPrint its own code back."""
    with undone():
        return render_pdf(html, tmp_path, tmp_path, date=DATE)


def both(
    html: str, tmp_path: Path, undone: Callable[[], AbstractContextManager[None]]
) -> tuple[bytes, bytes]:
    """The PDF as WeasyPrint alone makes it (inside ``undone()``), and as campaign does."""
    return own(html, tmp_path, undone), render_pdf(html, tmp_path, tmp_path, date=DATE)
