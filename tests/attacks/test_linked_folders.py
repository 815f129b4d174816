"""The no-op rebuild never replays a build whose inputs changed behind a linked folder.

Found by an attack on 5 December; what it found, before the fix:
build/unchanged.py hashes the inputs by walking letters/, signatories/ and templates/
with os.walk, which lists a link to a folder but never goes into it. A letter folder
that is a link (letters/<slug> -> a checkout elsewhere: `workspace.slugs()` and the
build take it as any letter) has none of its files in the key: its text edited, the
next `campaign build` prints "0 files made, 11 up to date" and leaves the old PDFs.
Likewise a link to a folder of pictures, retargeted: the key is the same.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from conftest import run

SLUG = "japan-hrc-2020"


def _text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_a_linked_letter_folders_edited_text_is_built_again(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(example)
    drafts = example / "drafts"
    drafts.mkdir()
    (example / "letters" / SLUG).rename(drafts / SLUG)
    (example / "letters" / SLUG).symlink_to(Path("..", "drafts", SLUG))
    assert run("build", "--jobs", "1").exit_code == 0
    body = drafts / SLUG / "body.md"
    body.write_text(body.read_text().replace("North Korea", "Xanadu-Edited", 1))
    again = run("build", "--jobs", "1")
    assert again.exit_code == 0
    assert "Xanadu-Edited" in _text(example / "build" / SLUG / "to" / "shinzo-abe.pdf"), (
        again.stdout
    )


def test_a_retargeted_link_to_a_folder_of_pictures_is_built_again(
    example: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PIL import Image

    monkeypatch.chdir(example)
    folder = example / "letters" / SLUG
    for name, colour in (("pics-red", "red"), ("pics-blue", "blue")):
        (folder / name).mkdir()
        Image.new("RGB", (40, 40), colour).save(folder / name / "logo.png")
    (folder / "pics").symlink_to("pics-red")
    with (folder / "body.md").open("a") as body:
        body.write("\n![logo](pics/logo.png)\n")
    assert run("build", "--jobs", "1", SLUG).exit_code == 0
    pdf = example / "build" / SLUG / "to" / "shinzo-abe.pdf"
    red = hashlib.sha256(pdf.read_bytes()).hexdigest()
    (folder / "pics").unlink()
    (folder / "pics").symlink_to("pics-blue")  # the letter now shows another picture
    again = run("build", "--jobs", "1", SLUG)
    assert again.exit_code == 0
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() != red, again.stdout
