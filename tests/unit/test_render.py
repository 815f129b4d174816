"""The one module that lays out PDFs: what it may fetch, and what it refuses."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from campaign.errors import CampaignError
from campaign.pdf.render import render_pdf

from conftest import tiny_png


def images_in(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_images_inside_the_workspace_are_used(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(tiny_png())
    pdf = render_pdf('<img src="logo.png" style="width:1cm">', tmp_path, tmp_path)
    assert images_in(pdf) == 1


@pytest.mark.parametrize(
    ("src", "why"),
    [
        ("OUTSIDE", "secret.png (outside the workspace)"),
        ("../secret.png", "secret.png (outside the workspace)"),
        ("link.png", "secret.png (outside the workspace)"),  # the link's target is shown
        ("missing.png", "ws/missing.png (no such file)"),
        ("http://127.0.0.1:9/logo.png", "http://127.0.0.1:9/logo.png (the network is never used)"),
        ("https://example.org/a.png", "https://example.org/a.png (the network is never used)"),
    ],
)
def test_files_outside_the_workspace_and_the_network_are_refused(
    tmp_path: Path, src: str, why: str
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    outside = tmp_path / "secret.png"
    outside.write_bytes(tiny_png())
    (ws / "link.png").symlink_to(outside)
    src = outside.as_uri() if src == "OUTSIDE" else src
    with pytest.raises(CampaignError) as refused:
        render_pdf(f'<img src="{src}" style="width:1cm">', ws, ws)
    assert refused.value.message == (
        f"ws/: the letter links to a file that was not read: {why}\n"
        "  hint: a letter shows only pictures, fonts and style sheets from its own folder or "
        "templates/, never a private file or the network; copy the file into the letter's "
        "folder and link to it by its name"
    )
