"""The one module that lays out PDFs: what it may fetch, and what it refuses."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

from pypdf import PdfReader

from campaign.render import render_pdf


def tiny_png() -> bytes:
    """A valid 1×1 red PNG, made here so the test needs no image file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def images_in(pdf: bytes) -> int:
    return sum(len(page.images) for page in PdfReader(io.BytesIO(pdf)).pages)


def test_images_inside_the_workspace_are_used(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(tiny_png())
    pdf = render_pdf('<img src="logo.png" style="width:1cm">', tmp_path, tmp_path)
    assert images_in(pdf) == 1


def test_files_outside_the_workspace_and_the_network_are_refused(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    outside = tmp_path / "secret.png"
    outside.write_bytes(tiny_png())
    (ws / "link.png").symlink_to(outside)
    html = "".join(
        f'<img src="{src}" style="width:1cm">'
        for src in (
            outside.as_uri(),
            "../secret.png",
            "link.png",
            "http://127.0.0.1:9/logo.png",
            "https://example.org/logo.png",
        )
    )
    assert images_in(render_pdf(html, ws, ws)) == 0
