"""A PDF made with one of campaign's WeasyPrint patches undone, beside the same PDF made with it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from campaign.pdf.render import render_pdf

DATE = "2020-05-01T00:00:00Z"  # both PDFs of a pair carry it: only what is drawn may differ


def page(body: str, lang: str = "") -> str:
    """An A5 page of serif text holding ``body``: what the patches' tests draw on."""
    opened = f'<html lang="{lang}">' if lang else "<html>"
    return (
        f"{opened}<head><style>@page {{ size: A5; margin: 15mm }}"
        " body { font: 11pt serif }</style></head><body>" + body + "</body></html>"
    )


def own(html: str, tmp_path: Path, undone: Callable[[], AbstractContextManager[None]]) -> bytes:
    """The PDF of ``html`` laid out while ``undone()`` gives WeasyPrint its own code back."""
    with undone():
        return render_pdf(html, tmp_path, tmp_path, date=DATE)


def both(
    html: str, tmp_path: Path, undone: Callable[[], AbstractContextManager[None]]
) -> tuple[bytes, bytes]:
    """The PDF as WeasyPrint alone makes it (inside ``undone()``), and as campaign does."""
    return own(html, tmp_path, undone), render_pdf(html, tmp_path, tmp_path, date=DATE)


@contextmanager
def prelines_undone() -> Iterator[None]:
    """WeasyPrint's own split_first_line while inside (pdf/prelines.py undone), ours after.

    preferred.py's is linewidths' (its kept measures), which measures with prelines':
    inside, it measures with WeasyPrint's own, as it would with prelines undone.
    """
    import weasyprint.layout.inline as inline
    import weasyprint.layout.preferred as preferred
    import weasyprint.text.line_break as line_break

    from campaign.pdf import linewidths, prelines

    prelines.install()  # as laying out any document does
    linewidths.install()
    ours = {module: module.split_first_line for module in (line_break, inline)}
    measuring = preferred.split_first_line
    measure = measuring.campaign_measure
    for module in (line_break, inline):
        module.split_first_line = prelines.uninstalled()
    measuring.campaign_measure = prelines.uninstalled()
    try:
        yield
    finally:
        for module, function in ours.items():
            module.split_first_line = function
        measuring.campaign_measure = measure


@contextmanager
def _undone(module_name: str, name: str, patch_name: str) -> Iterator[None]:
    """``module``'s ``name`` as it was before campaign's ``patch`` while inside, ours after."""
    import importlib

    module = importlib.import_module(module_name)
    patch = importlib.import_module(f"campaign.pdf.{patch_name}")
    patch.install()  # as laying out any document does
    ours = getattr(module, name)
    setattr(module, name, patch.uninstalled())
    try:
        yield
    finally:
        setattr(module, name, ours)


def linewidths_undone() -> AbstractContextManager[None]:
    """preferred.py's split_first_line without linewidths' kept measures while inside."""
    return _undone("weasyprint.layout.preferred", "split_first_line", "linewidths")


def glyphdraw_undone() -> AbstractContextManager[None]:
    """WeasyPrint's own draw_first_line while inside (pdf/glyphdraw.py undone), ours after."""
    return _undone("weasyprint.draw.text", "draw_first_line", "glyphdraw")


def nofloats_undone() -> AbstractContextManager[None]:
    """WeasyPrint's own avoid_collisions for lines while inside (pdf/nofloats.py undone)."""
    return _undone("weasyprint.layout.inline", "avoid_collisions", "nofloats")
