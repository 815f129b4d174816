"""``signers:`` in letter.yaml: who signs a letter for the organisation, and their images."""

from __future__ import annotations

import os
from pathlib import Path

from campaign.errors import Problem
from campaign.load.schema import Fields, entry_called
from campaign.model.records import SIGNATURE_IMAGES, Signer
from campaign.paths import MAX_BINARY, read_bytes, resolved, unreadable


def load_signers(f: Fields, folder: Path) -> tuple[Signer, ...]:
    """``signers:``: who signs for the organisation, each with an optional signature image."""
    found = []
    items = f.items("signers")
    for line, raw in items:
        s = Fields(raw, f.path, f.problems, entry_called(raw, "signer", "'signers' entry"))
        s.known(("name", "title", "signature"))
        found.append(
            Signer(
                name=s.text(
                    "name", required=True, hint="add 'name: ...', printed under the signature"
                ),
                title=s.text("title"),
                signature=_signature_image(s, folder),
                line=line,
            )
        )
    if len(items) > 2:
        f.problems.append(
            Problem(
                f.path,
                f.line("signers"),
                f"'signers' lists {len(items)} people; a letter is signed by one or two",
                "all of them print, two to a row; keep those who sign for the organisation",
                warning=True,
            )
        )
    return tuple(found)


def _signature_image(s: Fields, folder: Path) -> Path | None:
    """The signer's signature image: a PNG, JPEG or SVG file in the letter's own folder."""
    value = s.text("signature")
    if not value:
        return None
    where = f"letters/{folder.name}/"
    given = Path(value)
    # resolved() follows symlinks, so a link in the folder that leads out is refused too.
    target = resolved(folder / given)
    if given.is_absolute() or ".." in given.parts or not target.is_relative_to(resolved(folder)):
        s.error(
            "signature",
            f"signature '{value}' of {s.what} is outside the letter's folder",
            f"copy the image into {where} and give its file name, e.g. signature: signature.png",
        )
        return None
    if given.suffix.lower() not in SIGNATURE_IMAGES:
        s.error(
            "signature",
            f"signature '{value}' of {s.what} is not a PNG, JPEG or SVG file",
            "save the signature as .png, .jpg or .svg",
        )
        return None
    if not os.path.lexists(target):
        s.error(
            "signature",
            f"signature '{value}' of {s.what} does not exist",
            f"put the image in {where}, or remove 'signature:'",
        )
        return None
    if refused := unreadable(target, MAX_BINARY):
        message = f"signature '{value}' of {s.what} cannot be read: {refused[0]}"
        s.error("signature", message, refused[1])
        return None
    kind_name = "JPEG" if given.suffix.lower() in (".jpg", ".jpeg") else given.suffix[1:].upper()
    if not _looks_like(target, given.suffix.lower()):
        s.error(
            "signature",
            f"signature '{value}' of {s.what} is not a {kind_name} image",
            "open and save it again in an image editor, or export it as .png",
        )
        return None
    return target


def _looks_like(path: Path, suffix: str) -> bool:
    """Whether the file starts as its kind of image does (a renamed file would print nothing)."""
    data = read_bytes(path, MAX_BINARY)
    if suffix == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    return b"<svg" in data
