"""What a letter may read: its template's files, and the pictures, fonts and style sheets
of its folder and templates/; never a sign-on list, a private file or the network.

Issue 17 section 2 (include through links, attachments of the private list, a list
outside the workspace), issue 17 section 3 (pictures over a budget, SVG bombs) and
issue 16 section 3 (a picture the letter asks for and does not get; a Markdown link
that is dropped).
"""

from __future__ import annotations

import base64
import io
import struct
import textwrap
import zlib
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from campaign.errors import CampaignError, display_path
from campaign.pdf.render import render_pdf

from conftest import pdf_text, run, snapshot

HINT = (
    "  hint: a letter shows only pictures, fonts and style sheets from its own folder or "
    "templates/, never a private file or the network; copy the file into the letter's "
    "folder and link to it by its name"
)
BAD_FILE_HINT = "  hint: open the file to check that it is what its name says, or save it again"
TEMPLATE_HINT = (
    "  hint: templates read only their own files, never a sign-on list, recipients, "
    "settings or build outputs; copy the file itself into the template's folder"
)


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_header(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` × ``height`` (its pixels are never there)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b""))


def real_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (300, 200), (200, 10, 10)).save(out, "PNG")
    return out.getvalue()


def use_bomb(levels: int = 9) -> str:
    """Each level draws the one below ten times: 10**levels circles."""
    defs = ['<circle id="l0" r="1"/>']
    for n in range(1, levels + 1):
        uses = "".join(f'<use href="#l{n - 1}" x="{k}"/>' for k in range(10))
        defs.append(f'<g id="l{n}">{uses}</g>')
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        f"<defs>{''.join(defs)}</defs><use href='#l{levels}'/></svg>"
    )


SVG_XXE = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&x;</text></svg>'
)
BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + n)} "{("&" + chr(97 + n) + ";") * 10}">' for n in range(8))
    + ']><svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>'
)


def refusal(ws: Path, html: str) -> str:
    """The message laying out ``html`` in ``ws`` stops with."""
    with pytest.raises(CampaignError) as refused:
        render_pdf(html, ws, ws)
    return refused.value.message


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    return folder


# -- pictures a letter asks for and does not get (issue 16 §3, issue 17 §3) -------------


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("logo.png", b"not a picture at all\n", "not a picture: not PNG, JPEG, GIF or WebP data"),
        ("signature.png", real_png()[:300], "a damaged picture: image file is truncated"),
        (
            "huge.png",
            png_header(30_000, 30_000),
            "900,000,000 pixels; a picture may have at most 50 million",
        ),
        (
            "big.png",
            png_header(8_000, 8_000),
            "8,000 × 8,000 pixels; a picture may have at most 50 million",
        ),
        (
            "bomb.svg",
            use_bomb().encode(),
            "an SVG whose <use> elements draw more than 100,000 elements (or refer to each "
            "other in a circle)",
        ),
        (
            "xxe.svg",
            SVG_XXE.encode(),
            "an SVG that declares entities (<!ENTITY ...>) is not read",
        ),
        (
            "laughs.svg",
            BILLION_LAUGHS.encode(),
            "an SVG that declares entities (<!ENTITY ...>) is not read",
        ),
        (
            "circle.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g></svg>',
            "an SVG whose <use> elements draw more than 100,000 elements (or refer to each "
            "other in a circle)",
        ),
        (
            "page.svg",
            b"<html><body>hi</body></html>",
            "not an SVG picture: its root element is not <svg>",
        ),
    ],
)
def test_a_picture_that_cannot_be_shown_stops_the_letter(
    ws: Path, name: str, content: bytes, why: str
) -> None:
    (ws / name).write_bytes(content)
    assert refusal(ws, f'<img src="{name}" style="width:1cm">') == (
        f"ws/: the letter links to a file that was not read: ws/{name} ({why})\n{HINT}"
    )


def test_a_font_that_cannot_be_loaded_stops_the_letter(ws: Path) -> None:
    # Read (a font is not checked before layout), then left out by WeasyPrint: its log says.
    (ws / "face.woff").write_bytes(b"wOFF but not really a font")
    css = "@font-face { font-family: Broken; src: url(face.woff) } p { font-family: Broken }"
    assert refusal(ws, f"<style>{css}</style><p>x</p>") == (
        "ws/: the letter asks for a file it cannot use: Font-face 'Broken' cannot be loaded\n"
        f"{BAD_FILE_HINT}"
    )


def test_an_svg_written_into_the_page_is_checked_too(ws: Path) -> None:
    assert refusal(ws, f"<p>{use_bomb()}</p>") == (
        "ws/: the letter links to a file that was not read: an SVG picture in the page (an "
        "SVG whose <use> elements draw more than 100,000 elements (or refer to each other in "
        f"a circle))\n{HINT}"
    )
    render_pdf(f"<p>{use_bomb(levels=2)}</p>", ws, ws)  # a small one is drawn


def test_a_picture_in_a_data_url_is_checked_too(ws: Path) -> None:
    data = base64.b64encode(png_header(30_000, 30_000)).decode()
    assert refusal(ws, f'<img src="data:image/png;base64,{data}">') == (
        "ws/: the letter links to a file that was not read: a picture in a data: URL "
        f"(900,000,000 pixels; a picture may have at most 50 million)\n{HINT}"
    )


def test_good_pictures_are_shown(ws: Path) -> None:
    # The same ways of asking, with pictures that can be shown: the refusals are real.
    (ws / "logo.png").write_bytes(real_png())
    (ws / "mark.svg").write_text(use_bomb(levels=2))
    pdf = render_pdf('<img src="logo.png" style="width:1cm"><img src="mark.svg">', ws, ws)
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages[0].get_images()) == 1


# -- private files and kinds a letter never reads ---------------------------------------


@pytest.mark.parametrize(
    ("path", "html", "why"),
    [
        ("signatories/list.yaml", '<link rel="stylesheet" href="signatories/list.yaml">',
         "ws/signatories/list.yaml (a sign-on list: never read for a letter)"),
        ("letters/x/recipients.yaml", '<img src="letters/x/recipients.yaml">',
         "ws/letters/x/recipients.yaml (a list of recipients: never read for a letter)"),
        ("campaign.yaml", '<img src="campaign.yaml">',
         "ws/campaign.yaml (the workspace's settings: never read for a letter)"),
        ("build/x/sent.jsonl", '<img src="build/x/sent.jsonl">',
         "ws/build/x/sent.jsonl (a build output: never read for a letter)"),
        ("notes.txt", '<link rel="stylesheet" href="notes.txt">',
         "ws/notes.txt (not a picture, font or style sheet)"),
        ("notes.txt", '<a rel="attachment" href="notes.txt">notes</a>',
         "ws/notes.txt (not a picture, font or style sheet)"),
        ("body.md", '<object data="body.md"></object><img src="body.md">',
         "ws/body.md (not a picture, font or style sheet)"),
    ],
)  # fmt: skip
def test_private_files_and_other_kinds_are_refused(
    ws: Path, path: str, html: str, why: str
) -> None:
    (ws / path).parent.mkdir(parents=True, exist_ok=True)
    (ws / path).write_text("email: secret@private.example\n")
    assert refusal(ws, html) == f"ws/: the letter links to a file that was not read: {why}\n{HINT}"


def test_a_link_into_the_sign_on_lists_is_refused(ws: Path) -> None:
    (ws / "signatories").mkdir()
    (ws / "signatories" / "list.yaml").write_text("email: secret@private.example\n")
    (ws / "logo.png").symlink_to(ws / "signatories" / "list.yaml")
    assert refusal(ws, '<img src="logo.png">') == (
        "ws/: the letter links to a file that was not read: ws/signatories/list.yaml "
        f"(a sign-on list: never read for a letter)\n{HINT}"
    )


@pytest.mark.parametrize(
    ("html", "why"),
    [
        ('<base href="file:///etc/"><img src="passwd">', "/etc/passwd (outside the workspace)"),
        (f'<img src="{"%2e%2e/" * 30}etc/passwd">', "/etc/passwd (outside the workspace)"),
        ('<img src="/proc/1/environ">', "/proc/1/environ (outside the workspace)"),
        ("<style>@font-face { font-family: x; src: url(file:///etc/passwd) }"
         " body { font-family: x }</style>x", "/etc/passwd (outside the workspace)"),
        ('<embed src="file:///etc/passwd">', "/etc/passwd (outside the workspace)"),
        ('<object data="file:///etc/passwd"></object>', "/etc/passwd (outside the workspace)"),
        ('<iframe src="file:///etc/passwd"></iframe><img src="file:///etc/passwd">',
         "/etc/passwd (outside the workspace)"),
        ('<img src="http://127.0.0.1:9/a.png">',
         "http://127.0.0.1:9/a.png (the network is never used)"),
    ],
)  # fmt: skip
def test_ways_out_of_the_workspace_are_refused(ws: Path, html: str, why: str) -> None:
    assert refusal(ws, html) == f"ws/: the letter links to a file that was not read: {why}\n{HINT}"


# -- the attacks of issue 17 §2, exactly as written --------------------------------------

ATTACHED = '<link rel="attachment" href="../../signatories/japan-hrc-2020.yaml">'


def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    assert run("init", "ws").exit_code == 0
    monkeypatch.chdir(tmp_path / "ws")
    return tmp_path / "ws"


def test_a_template_cannot_attach_the_private_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace(tmp_path, monkeypatch)
    template = ws / "templates" / "joint-letter" / "letter.html.j2"
    template.write_text(template.read_text().replace("</head>", ATTACHED + "</head>", 1))
    before = snapshot(tmp_path)
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: letters/japan-hrc-2020/: the letter links to a file that was not read: "
        "signatories/japan-hrc-2020.yaml (a sign-on list: never read for a letter)\n"
        f"{HINT}\n"
    ), result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("link", "target", "shown"),
    [
        ("p.txt", Path("/etc/passwd"), "/etc/passwd"),
        ("list.txt", None, "signatories/japan-hrc-2020.yaml"),
    ],
)
def test_an_include_cannot_follow_a_link_out_of_the_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, link: str, target: Path | None, shown: str
) -> None:
    ws = workspace(tmp_path, monkeypatch)
    target = target or ws / "signatories" / "japan-hrc-2020.yaml"
    (ws / "templates" / "joint-letter" / link).symlink_to(target)
    body = ws / "letters" / "japan-hrc-2020" / "body.md"
    lines = body.read_text().count("\n")
    with body.open("a") as out:
        out.write(f'{{% include "joint-letter/{link}" %}}\n')
    before = snapshot(tmp_path)
    for command in ("check", "build"):
        result = run(command)
        assert result.exit_code == 1
        assert result.stderr == (
            f"letters/japan-hrc-2020/body.md:{lines + 1}: templates/joint-letter/{link} leads "
            f"to {shown}, outside the templates folder\n{TEMPLATE_HINT}\n"
            "Error: 1 problem in 1 file; nothing was written\n"
        )
    assert snapshot(tmp_path) == before


def test_templates_linked_to_the_workspace_still_never_read_its_lists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace(tmp_path, monkeypatch)
    (ws / "templates" / "all").symlink_to(ws)  # the whole workspace under templates/
    body = ws / "letters" / "japan-hrc-2020" / "body.md"
    lines = body.read_text().count("\n")
    with body.open("a") as out:
        out.write('{% include "all/signatories/japan-hrc-2020.yaml" %}\n')
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == (
        f"letters/japan-hrc-2020/body.md:{lines + 1}: templates/all/signatories/"
        "japan-hrc-2020.yaml leads to signatories/japan-hrc-2020.yaml, outside the templates "
        f"folder\n{TEMPLATE_HINT}\nError: 1 problem in 1 file; nothing was written\n"
    )


@pytest.mark.parametrize(
    ("written", "hint"),
    [
        ("../../x", "lists in this workspace: japan-hrc-2020"),
        ("ABSOLUTE", "did you mean 'japan-hrc-2020'?"),
    ],
)
def test_a_letter_cannot_use_a_list_outside_the_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str, hint: str
) -> None:
    ws = workspace(tmp_path, monkeypatch)
    if written == "ABSOLUTE":
        written = str(ws / "signatories" / "japan-hrc-2020.yaml")
    letter = ws / "letters" / "japan-hrc-2020" / "letter.yaml"
    text = letter.read_text()
    line = text[: text.index("  list: japan-hrc-2020")].count("\n") + 1
    letter.write_text(text.replace("  list: japan-hrc-2020", f"  list: {written}", 1))
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == (
        f"letters/japan-hrc-2020/letter.yaml:{line}: signatories: list: '{written}' is a path; "
        "a letter uses a list of its own workspace, by its name in signatories/ without .yaml\n"
        f"  hint: {hint}\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


# -- a picture the letter asks for and does not get, and a dropped Markdown link ---------


def test_a_logo_that_is_not_a_png_stops_the_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace(tmp_path, monkeypatch)
    folder = ws / "letters" / "japan-hrc-2020"
    (folder / "logo.png").write_text("GIF89a? no: a text file\n")
    with (folder / "body.md").open("a") as out:
        out.write("\n![logo](logo.png)\n")
    before = snapshot(tmp_path)
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        "Error: letters/japan-hrc-2020/: the letter links to a file that was not read: "
        "letters/japan-hrc-2020/logo.png (not a picture: not PNG, JPEG, GIF or WebP data)\n"
        f"{HINT}\n"
    ), result.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("image", "url"),
    [
        ("![logo](file:///etc/passwd)", "file:///etc/passwd"),
        ("[notes](javascript:alert(1))", "javascript:alert(1)"),
        ("<file:///etc/passwd>", "file:///etc/passwd"),
    ],
)
def test_a_markdown_link_that_would_print_as_text_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, image: str, url: str
) -> None:
    ws = workspace(tmp_path, monkeypatch)
    body = ws / "letters" / "japan-hrc-2020" / "body.md"
    lines = body.read_text().count("\n")
    with body.open("a") as out:
        out.write(f"\n{image}\n")
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr == (
        f"letters/japan-hrc-2020/body.md:{lines + 2}: the link or picture '{url}' "
        "would print as plain text: addresses starting file:, javascript:, vbscript: or "
        "data: are not linked to or shown\n"
        "  hint: link to a web page (https://...), or put the picture in the letter's folder "
        "and write ![logo](logo.png)\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )


def test_svg_check_reads_no_entity_and_no_network(ws: Path) -> None:
    # The parse itself must not fetch: an external DTD on an unreachable address.
    svg = textwrap.dedent("""\
        <?xml version="1.0"?>
        <!DOCTYPE svg SYSTEM "http://127.0.0.1:9/svg.dtd">
        <svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">
        <rect width="4" height="4"/></svg>
    """)
    (ws / "ok.svg").write_text(svg)
    render_pdf('<img src="ok.svg">', ws, ws)


BOMB_WHY = (
    "an SVG whose <use> elements draw more than 100,000 elements (or refer to each other "
    "in a circle)"
)


@pytest.mark.parametrize("name", ["bomb.css", "bomb.woff", "huge.css"])
def test_a_picture_under_another_name_is_checked_as_the_picture_it_is(ws: Path, name: str) -> None:
    # WeasyPrint draws what a picture's URL gives it by its content (an attack review's
    # <use> bomb named .css ran to the layout's time limit).
    huge = name.startswith("huge")
    (ws / name).write_bytes(png_header(30_000, 30_000) if huge else use_bomb().encode())
    why = "900,000,000 pixels; a picture may have at most 50 million" if huge else BOMB_WHY
    assert refusal(ws, f'<img src="{name}" style="width:1cm">') == (
        f"ws/: the letter links to a file that was not read: ws/{name} ({why})\n{HINT}"
    )


def test_a_picture_in_a_data_url_of_another_type_is_checked_too(ws: Path) -> None:
    data = base64.b64encode(use_bomb().encode()).decode()
    assert refusal(ws, f'<img src="data:text/plain;base64,{data}">') == (
        f"ws/: the letter links to a file that was not read: a picture in a data: URL "
        f"({BOMB_WHY})\n{HINT}"
    )
    # The controls: a linked style sheet is applied; a text is only a text.
    (ws / "plain.css").write_text('p::after { content: "STYLED" }\n')
    (ws / "styled.pdf").write_bytes(
        render_pdf('<link rel="stylesheet" href="plain.css"><p>x</p>', ws, ws)
    )
    assert "xSTYLED" in pdf_text(ws / "styled.pdf")
    plain = base64.b64encode(b"not a picture at all").decode()
    render_pdf(f'<p>x</p><a href="data:text/plain;base64,{plain}">y</a>', ws, ws)


@pytest.mark.parametrize("lead", ["outside", "private"])
def test_a_picture_is_read_where_it_was_checked_even_if_a_folder_on_its_way_changes(
    ws: Path, monkeypatch: pytest.MonkeyPatch, lead: str
) -> None:
    """Found on 5 December: the fetcher looked at where a picture led, then read it by
    that path again; a folder on the way turned into a link in between led the read out
    of the workspace (a file of the user's, into what is mailed). It is now opened once,
    and what was opened is checked."""
    (ws / "img").mkdir()
    (ws / "img" / "logo.png").write_bytes(real_png())
    elsewhere = ws.parent / "elsewhere" if lead == "outside" else ws / "signatories"
    elsewhere.mkdir()
    (elsewhere / "logo.png").write_bytes(real_png())  # a picture the user keeps to themself
    import campaign.pdf.engine as engine

    looked = engine.off_limits

    def folder_turned_into_a_link(path: Path, root: Path) -> str:
        why = looked(path, root)
        if (ws / "img").is_dir() and not (ws / "img").is_symlink():
            (ws / "img" / "logo.png").unlink()
            (ws / "img").rmdir()
            (ws / "img").symlink_to(elsewhere)
        return why

    monkeypatch.setattr(engine, "off_limits", folder_turned_into_a_link)
    why = {
        "outside": f"{display_path(elsewhere / 'logo.png')} (outside the workspace)",
        "private": "ws/signatories/logo.png (a sign-on list: never read for a letter)",
    }[lead]
    assert refusal(ws, '<img src="img/logo.png">') == (
        f"ws/: the letter links to a file that was not read: {why}\n{HINT}"
    )
