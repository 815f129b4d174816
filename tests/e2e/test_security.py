"""Untrusted input: names that try to be markup, templates from elsewhere, files outside
the workspace, and private fields that must never reach an output."""

from __future__ import annotations

import io
import socket
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from pypdf import PdfReader

from campaign.model import fields

from conftest import everything_in, flat, pdf_text, pdf_words, run, snapshot, tiny_png, with_markers


def build(ws: Path, *args: str) -> Path:
    result = run("build", *args, workspace=ws)
    assert result.exit_code == 0, result.output
    return ws / "build" / "test"


def add_signatories(ws: Path, entries: str) -> None:
    people = ws / "signatories" / "people.yaml"
    text = people.read_text()
    people.write_text(text.replace("signatories:\n", "signatories:\n" + entries, 1))


# -- names that look like markup, code or layout ---------------------------------------

HOSTILE = {
    "html": "<b>Bold</b> &amp; <script>alert(1)</script>",
    "style": "</style><style>body{display:none}</style>",
    "jinja": "{{ 7*7 }} {% raw %}Raw{% endraw %} Trust",
    "link": "javascript:alert(1)",
    "mixed": "<i>한국 NGO</i>",
    "css": '"; } body { display: none } x { content: "',
}


def hostile_entries() -> str:
    return "".join(
        f"  - name: '{name}'\n"
        f"    type: organization\n"
        f"    affiliation: 'for {key}'\n"
        "    group: orgs\n"
        "    signed: 2024-04-03\n"
        for key, name in HOSTILE.items()
    )


def test_names_that_look_like_markup_or_code_print_literally(minimal: Path) -> None:
    add_signatories(minimal, hostile_entries())
    out = build(minimal)
    letter = flat(pdf_text(out / "to" / "ada-minister.pdf"))
    for key, name in HOSTILE.items():
        # Each name is followed by its own affiliation, in order: nothing leaked.
        assert f"{flat(name)}, for {key}" in letter
    assert "49" not in letter and "Raw Trust" not in letter
    assert "Organizations (8)" in letter  # the six count, and nothing else vanished
    assert "Dear Minister," in letter and "With thanks." in letter
    html = (out / "letter.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in html and "<b>" not in html and 'href="javascript' not in html
    assert "&lt;/style&gt;&lt;style&gt;" in html
    csv = (out / "signatories.csv").read_text("utf-8-sig")
    assert "<b>Bold</b> &amp; <script>alert(1)</script>" in csv
    assert "{{ 7*7 }} {% raw %}Raw{% endraw %} Trust" in csv


def test_markup_in_the_title_and_subject_cannot_break_the_page_style(minimal: Path) -> None:
    letter = minimal / "letters" / "test" / "letter.yaml"
    hostile = HOSTILE["css"] + " " + HOSTILE["style"]
    letter.write_text(
        letter.read_text()
        .replace("title: Test Letter on Testing", f"title: '{hostile}'")
        .replace("subject: Test subject line", f"subject: '{hostile}'")
    )
    body = minimal / "letters" / "test" / "body.md"
    body.write_text("\n\n".join(["A paragraph that takes room on the page. " * 12] * 9))
    out = build(minimal)
    pages = pdf_text(out / "to" / "ada-minister.pdf").split("\f")[:-1]
    assert len(pages) >= 2
    assert flat(hostile) in flat(pages[0])  # the subject line, literally
    assert flat(hostile) in flat(pages[1])  # the running title of page 2
    assert "Page 2 of" in pages[1]  # the page style still works after it


def test_an_unclosed_direction_override_stays_inside_its_field(minimal: Path) -> None:
    add_signatories(
        minimal,
        '  - name: "Open \\u202eOverride"\n'
        "    type: organization\n"
        "    affiliation: Reads Forwards\n"
        "    group: orgs\n"
        "    signed: 2024-04-03\n",
    )
    result = run("check", workspace=minimal)
    assert result.exit_code == 0
    assert result.stderr == (
        "ws/signatories/people.yaml:3: warning: 'name' opens a text direction control (U+202E) "
        "that it does not close\n"
        "  hint: it is closed at the end of the field, so it cannot reverse the text printed "
        "after it; remove it unless the name needs it\n"
    )
    letter = flat(pdf_text(build(minimal) / "to" / "ada-minister.pdf"))
    # The name itself reads right to left, as typed; the affiliation after it does not.
    assert "Open edirrevO, Reads Forwards" in letter
    csv = (minimal / "build" / "test" / "signatories.csv").read_text("utf-8-sig")
    assert "Open \u202eOverride\u202c,organization,Reads Forwards" in csv


def test_a_name_of_invisible_characters_is_no_name(minimal: Path) -> None:
    add_signatories(
        minimal,
        '  - name: "\\u200b\\u2060 \\u200e"\n'
        "    type: organization\n"
        "    group: orgs\n"
        "    signed: 2024-04-03\n",
    )
    result = run("check", workspace=minimal)
    assert result.exit_code == 1
    assert "ws/signatories/people.yaml:3: signatory has no 'name'" in result.stderr


def test_invisible_characters_do_not_hide_a_duplicate(minimal: Path) -> None:
    add_signatories(
        minimal,
        '  - name: "Alpha\\u200b Organi\\u200dzation"\n'
        "    type: organization\n"
        "    group: orgs\n"
        "    signed: 2024-04-03\n",
    )
    dupes = run("sig", "dedupe", "people", workspace=minimal)
    assert "Alpha Organization" in dupes.stdout and "same name" in dupes.stdout, dupes.output


def test_a_line_break_in_a_name_is_folded_to_a_space(minimal: Path) -> None:
    add_signatories(
        minimal,
        '  - name: "Line\\nBreak Trust"\n'
        "    type: organization\n"
        "    group: orgs\n"
        "    signed: 2024-04-03\n",
    )
    out = build(minimal)
    csv = (out / "signatories.csv").read_text("utf-8-sig")
    assert "Line Break Trust" in csv and "Line\nBreak" not in csv


def test_a_name_without_spaces_breaks_instead_of_leaving_the_paper(minimal: Path) -> None:
    add_signatories(
        minimal,
        f"  - name: {'W' * 200}\n    type: organization\n    group: orgs\n    signed: 2024-04-03\n",
    )
    pdf = build(minimal) / "to" / "ada-minister.pdf"
    words = pdf_words(pdf)
    pieces = [w for w in words if set(w.text) == {"W"}]
    assert sum(len(w.text) for w in pieces) == 200 and len(pieces) > 1
    assert max(w.right for w in words) < 210 - 15  # inside the right margin of A4


# -- templates from elsewhere run sandboxed ---------------------------------------------


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "{{ ''.__class__.__mro__[1].__subclasses__() }}",
            "ws/letters/test/body.md:1: access to attribute '__class__' of 'str' object is unsafe.",
        ),
        (
            "{{ recipient.__init__.__globals__ }}",
            "ws/letters/test/body.md:1: access to attribute '__init__' of 'PublicRecipient' "
            "object is unsafe.",
        ),
        (
            "{{ [].append(1) }}",
            "ws/letters/test/body.md:1: access to attribute 'append' of 'list' object is unsafe.",
        ),
        (
            "{% for i in range(10**9) %}{% endfor %}",
            "ws/letters/test/body.md:1: range would make 1,000,000,000 numbers; "
            "a template may make at most 100,000",
        ),
    ],
)
def test_a_body_cannot_reach_outside_the_values_it_is_given(
    minimal: Path, source: str, message: str
) -> None:
    (minimal / "letters" / "test" / "body.md").write_text(source + "\n")
    before = snapshot(minimal)
    result = run("build", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr.startswith(message + "\n"), result.stderr
    assert snapshot(minimal) == before


def test_a_workspace_template_is_sandboxed_too(minimal: Path) -> None:
    template = minimal / "templates" / "joint-letter" / "letter.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text(
        textwrap.dedent("""\
            {% extends "builtin/joint-letter/letter.html.j2" %}
            {% block marks %}
            {{ say.__globals__ }}
            {% endblock %}
        """)
    )
    result = run("build", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ws/templates/joint-letter/letter.html.j2:3: access to attribute '__globals__' of "
    ), result.stderr


# -- WeasyPrint reads files of the workspace and nothing else ---------------------------

SECRET_CSS = 'body::after { content: "CSS-SECRET-7Q" }'
SECRET_TEXT = "ATTACHED-SECRET-4K"


def hostile_template(ws: Path, png: str, css: str, txt: str) -> None:
    """A workspace template that tries to load a picture, a style sheet and an attachment."""
    template = ws / "templates" / "joint-letter" / "letter.html.j2"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(
        textwrap.dedent(f"""\
            {{% extends "builtin/joint-letter/letter.html.j2" %}}
            {{% block extra_css %}}.marks {{ background: url("{png}") }}{{% endblock %}}
            {{% block marks %}}
            <style>@import url("{css}");</style>
            <div class="marks"><img src="{png}" style="width:1cm">
            <a rel="attachment" href="{txt}">attached</a></div>
            {{% endblock %}}
        """)
    )


def secrets(folder: Path) -> tuple[Path, Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secret.png").write_bytes(tiny_png())
    (folder / "secret.css").write_text(SECRET_CSS)
    (folder / "secret.txt").write_text(SECRET_TEXT)
    return folder / "secret.png", folder / "secret.css", folder / "secret.txt"


def refused(ws: Path, why: str) -> None:
    """The build stops on the first file it may not read, and writes nothing."""
    before = snapshot(ws)
    result = run("build", workspace=ws)
    assert result.exit_code == 1
    assert result.stderr.endswith(
        f"Error: ws/letters/test/: the letter links to a file that was not read: {why}\n"
        "  hint: a letter shows only pictures, fonts and style sheets from its own folder or "
        "templates/, never a private file or the network; copy the file into the letter's "
        "folder and link to it by its name\n"
    ), result.stderr
    assert snapshot(ws) == before


def loaded(pdf: Path) -> tuple[int, int, bool, bool]:
    """Pictures, attached files, and whether the secret style or text made it in."""
    reader = PdfReader(io.BytesIO(pdf.read_bytes()))
    pictures = sum(len(page.images) for page in reader.pages)
    with pikepdf.open(pdf) as doc:  # files attached to the document or to a page
        attached = sum(
            1
            for obj in doc.objects
            if isinstance(obj, pikepdf.Stream) and obj.get("/Type") == "/EmbeddedFile"
        )
    content = everything_in(pdf)
    return (
        pictures,
        attached,
        "CSS-SECRET-7Q" in pdf_text(pdf),
        SECRET_TEXT.encode() in content,
    )


def test_files_inside_the_workspace_are_loaded(minimal: Path) -> None:
    # The same template as the refused cases, with files it may read: proof that
    # each way of loading a file works, so the refusals below are real refusals.
    # (A text file is no longer attached: a letter shows pictures, fonts and style
    # sheets only; tests/attacks/test_fetch.py has the refusal.)
    secrets(minimal / "letters" / "test")
    hostile_template(minimal, "secret.png", "secret.css", "secret.css")
    pdf = build(minimal) / "to" / "ada-minister.pdf"
    pictures, attached, css, _ = loaded(pdf)
    assert pictures >= 1 and attached == 1 and css


def test_a_file_url_outside_the_workspace_is_refused(minimal: Path, tmp_path: Path) -> None:
    _, _, txt = secrets(tmp_path / "outside")
    hostile_template(minimal, txt.as_uri(), txt.as_uri(), txt.as_uri())
    refused(minimal, "outside/secret.txt (outside the workspace)")


def test_etc_passwd_is_refused(minimal: Path) -> None:
    hostile_template(minimal, "file:///etc/passwd", "file:///etc/passwd", "file:///etc/passwd")
    refused(minimal, "/etc/passwd (outside the workspace)")


def test_a_path_climbing_out_of_the_workspace_is_refused(minimal: Path, tmp_path: Path) -> None:
    secrets(tmp_path / "outside")
    up = "../../../outside/secret.txt"  # from letters/test/ to tmp_path
    assert (minimal / "letters" / "test" / up).resolve().is_file()
    hostile_template(minimal, up, up, up)
    refused(minimal, "outside/secret.txt (outside the workspace)")


def test_a_symlink_leading_out_of_the_workspace_is_refused(minimal: Path, tmp_path: Path) -> None:
    _, _, txt = secrets(tmp_path / "outside")
    (minimal / "letters" / "test" / "notes.txt").symlink_to(txt)
    hostile_template(minimal, "notes.txt", "notes.txt", "notes.txt")
    refused(minimal, "outside/secret.txt (outside the workspace)")


@pytest.fixture
def listener() -> Iterator[tuple[int, list[bytes]]]:
    """A TCP server on 127.0.0.1 that records every connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(1)
                try:
                    seen.append(conn.recv(1024))
                except OSError:
                    seen.append(b"")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_the_network_is_never_reached(
    minimal: Path, listener: tuple[int, list[bytes]], scheme: str
) -> None:
    port, seen = listener
    base = f"{scheme}://127.0.0.1:{port}"
    hostile_template(minimal, f"{base}/a.txt", f"{base}/a.txt", f"{base}/a.txt")
    refused(minimal, f"{base}/a.txt (the network is never used)")
    # A picture in the letter's text: refused in the same way.
    (minimal / "templates").rename(minimal.parent / "unused-templates")
    body = minimal / "letters" / "test" / "body.md"
    body.write_text(body.read_text() + f"\n![logo]({base}/logo.png)\n")
    refused(minimal, f"{base}/logo.png (the network is never used)")
    # A probe of the server itself, so an empty list means "never asked", not "not up".
    with socket.create_connection(("127.0.0.1", port)) as probe:
        probe.sendall(b"PROBE")
    for _ in range(600):  # up to 30 s: the listener looks every 0.2 s, on a busy machine
        if seen:
            break
        threading.Event().wait(0.05)
    assert seen == [b"PROBE"]


# -- private fields ---------------------------------------------------------------------


MARKED = (fields.TEXT, fields.NOTE, fields.EMAIL)  # the kinds a marker can be written in


def test_private_fields_reach_no_output(example: Path) -> None:
    lists = example / "signatories" / "japan-hrc-2020.yaml"
    assert "email:" not in lists.read_text()
    # Every private field of the field table that holds text carries a marker.
    private, private_to = (
        tuple(f.key for f in table if f.private and f.kind in MARKED)
        for table in (fields.SIGNATORY, fields.RECIPIENT)
    )
    assert {"email", "phone", "notes"} <= set(private) and "email" in private_to
    markers = with_markers(lists, private, "sig")
    letter = example / "letters" / "japan-hrc-2020"
    for name in ("recipients.yaml", "recipients.ja.yaml"):
        markers += with_markers(letter / name, private_to, name.split(".")[1])
    assert len(markers) == 51 * len(private) + 2 * 3 * len(private_to)
    assert run("check", "--strict", workspace=example).exit_code == 0
    out = example / "build" / "japan-hrc-2020"
    assert run("build", workspace=example).exit_code == 0
    exports = example / "exports"
    exports.mkdir()
    for fmt in ("csv", "json"):
        target = exports / f"list.{fmt}"
        exported = run(
            "sig", "export", "japan-hrc-2020", "--format", fmt, "-o", str(target), workspace=example
        )
        assert exported.exit_code == 0, exported.output
    files = [p for p in [*out.rglob("*"), *exports.iterdir()] if p.is_file()]
    assert len([p for p in files if p.suffix == ".pdf"]) == 15
    seen = b""
    for path in files:
        content = everything_in(path) if path.suffix == ".pdf" else path.read_bytes()
        if path.suffix == ".pdf":
            content += pdf_text(path).encode()
        seen += content
        for marker in markers:
            for encoded in (marker.encode(), marker.encode("utf-16-be")):
                assert encoded not in content, f"{marker} in {path}"
    # The scan can fail: the public name of the first entry is in the same outputs.
    assert b"David Alton" in seen


def test_a_list_kept_private_stays_private_when_edited(minimal: Path) -> None:
    people = minimal / "signatories" / "people.yaml"
    people.chmod(0o600)
    added = run(
        "sig", "add", "people", "--name", "New Person", "--type", "individual",
        "--group", "intl", workspace=minimal,
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "New Person" in people.read_text()
    assert people.stat().st_mode & 0o777 == 0o600
