"""A hostile body.md or template: it is given plain data, and the sandbox holds around it.

Issue 17 section 1: ``letter.path`` was a live ``pathlib.Path``, through which a letter's
text read any file and wrote one (a ``.pth`` file in site-packages runs code).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import textwrap
from pathlib import Path
from typing import Any

import jinja2
import pytest
from markupsafe import Markup

from campaign.compose.plaindata import FrozenMap, PlainTuple, is_record, plain
from campaign.load.workspace import Workspace
from campaign.preview.server import Preview

from conftest import everything_in, run, snapshot, with_markers

SCALARS = {str, Markup, int, float, bool, type(None), dt.date, dt.datetime}


def not_plain(value: Any, where: str) -> list[str]:
    """Every place in ``value`` holding something that is not plain data."""
    kind = type(value)
    if kind in SCALARS:
        return []
    if kind is tuple or kind is PlainTuple:
        return [bad for n, item in enumerate(value) for bad in not_plain(item, f"{where}[{n}]")]
    if kind is FrozenMap:
        return [
            bad
            for key, item in value.items()
            for bad in (
                [f"{where} key {key!r}"]
                if type(key) is not str
                else not_plain(item, f"{where}.{key}")
            )
        ]
    if dataclasses.is_dataclass(value) and value.__dataclass_params__.frozen:  # type: ignore[union-attr]
        fields = {f.name for f in dataclasses.fields(value)}
        # A record has its fields and nothing else a template could call or follow.
        extra = [name for name in dir(kind) if not name.startswith("_") and name not in fields]
        found = [f"{where}.{name} (not a field)" for name in extra]
        for name in sorted(fields):
            found += not_plain(getattr(value, name), f"{where}.{name}")
        return found
    return [f"{where}: {kind.__name__}"]


@pytest.fixture
def contexts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Every context a template is rendered with, as Jinja receives it."""
    seen: list[tuple[str, dict[str, Any]]] = []
    original = jinja2.Template.render

    def render(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        context = dict(*args, **kwargs)
        name = Path(self.filename or self.name or "?").name
        layer = context.get("layer")
        seen.append((f"{name} ({layer})" if layer else name, context))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", render)
    return seen


def test_every_template_is_given_plain_data_only(
    example: Path, contexts: list[tuple[str, dict[str, Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    recipients = example / "letters" / "japan-hrc-2020" / "recipients.yaml"
    text = recipients.read_text()
    recipients.write_text(
        text.replace("    salutation:", "    email: pm@example.org\n    salutation:", 1)
    )
    monkeypatch.setenv("CAMPAIGN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CAMPAIGN_SMTP_FROM", "us@example.org")
    for command in (["check"], ["send", "japan-hrc-2020"], ["new", "second"]):
        result = run(*command, workspace=example)
        assert result.exit_code == 0, result.output
    composed = len(contexts)
    Preview(Workspace(example), "japan-hrc-2020", log=lambda _line: None)
    assert len(contexts) > composed  # the preview fills in its templates the same way
    kinds = {name for name, _ in contexts}
    # Letters (whole, the shared layer and the overlay), the body in both languages,
    # the list, the web edition, the parallel edition, envelopes, labels, the e-mail
    # message and the starter files of 'campaign new'.
    assert kinds >= {
        "letter.html.j2",
        "letter.html.j2 (shared)",
        "letter.html.j2 (overlay)",
        "letter.ja.html.j2",
        "body.md",
        "body.ja.md",
        "signatories.html.j2",
        "web.html.j2",
        "parallel.html.j2",
        "envelopes.html.j2",
        "labels.html.j2",
        "message.txt.j2",
        "letter.yaml.j2",
        "signatories.yaml.j2",
    }, kinds
    for name, context in contexts:
        for key, value in context.items():
            assert not_plain(value, f"{name}: {key}") == []


def test_the_walk_finds_what_is_not_plain() -> None:
    # The check above can fail: a path, a function and a list are each found.
    assert not_plain({"a": 1}, "x") == ["x: dict"]
    assert not_plain((1, Path("/etc")), "x") == ["x[1]: PosixPath"]
    assert not_plain(FrozenMap({"f": print}), "x") == ["x.f: builtin_function_or_method"]


def test_records_copy_data_and_leave_files_out() -> None:
    @dataclasses.dataclass(frozen=True)
    class Thing:
        name: str
        path: Path
        items: list[int]

        @property
        def folder(self) -> Path:
            return self.path.parent

        @property
        def label(self) -> str:
            return self.name.upper()

    record = plain(Thing("a", Path("/etc/passwd"), [1, 2]))
    assert is_record(record)
    assert [f.name for f in dataclasses.fields(record)] == ["name", "items", "label"]
    assert (record.name, record.items, record.label) == ("a", (1, 2), "A")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.name = "b"  # type: ignore[misc]
    with pytest.raises(TypeError, match="only plain data, not PosixPath"):
        plain({"where": Path("/etc")})
    with pytest.raises(TypeError, match="only plain data, not function"):
        plain((lambda: 1,))


def test_a_converted_tuple_is_passed_on_and_offers_nothing_a_tuple_does_not() -> None:
    """Hundreds of letters are filled in from one context: its tuples are walked once."""
    converted = plain([1, ("a", [dt.date(2025, 3, 17)])])
    assert type(converted) is PlainTuple and type(converted[1]) is PlainTuple
    assert converted == (1, ("a", (dt.date(2025, 3, 17),)))
    assert plain(converted) is converted
    assert plain({"to": converted})["to"] is converted
    assert [n for n in dir(PlainTuple) if not n.startswith("_")] == ["count", "index"]
    assert not hasattr(converted, "__dict__")  # nothing can be hung on it
    # A tuple not made by plain is walked as before: what it holds is checked.
    with pytest.raises(TypeError, match="only plain data, not PosixPath"):
        plain((converted, Path("/etc")))


def test_a_record_met_twice_in_one_context_is_converted_once() -> None:
    """A signature block names each group twice (groups, group): its members once."""
    from campaign.compose.plaindata import plain_context
    from campaign.compose.signatures import PrintedGroup, SignatureBlock

    @dataclasses.dataclass
    class Member:
        name: str
        where: Any = ""

    first, second = Member("A"), Member("A")  # equal, yet two: each converted
    group = PrintedGroup("ngo", "Organisations", (first, second))
    block = plain(SignatureBlock(dt.date(2025, 3, 17), (group,)))
    assert block.group["ngo"] is block.groups[0]
    assert block.groups[0].members[0] == block.groups[0].members[1]
    assert block.groups[0].members[0] is not block.groups[0].members[1]
    context = plain_context({"one": first, "two": (first,), "other": second})
    assert context["one"] is context["two"][0] and context["one"] is not context["other"]
    # Met again, an object is not passed on unchecked: what it holds was checked once,
    # and a file in it is refused wherever it is met first.
    first.where = Path("/etc")
    with pytest.raises(TypeError, match="only plain data, not PosixPath"):
        plain_context({"one": (1, first), "two": first})
    with pytest.raises(TypeError, match="only plain data, not PosixPath"):
        plain((*block.groups[0].members, first))


# -- the attack of issue 17 section 1, exactly as written ------------------------------

ATTACK = """\
{{ (letter.path / "/etc/passwd").read_text()[:60] }}
{{ (letter.path.parent.parent.parent.parent / "PWNED.txt").write_text("x") }}
"""
LETTER_HAS = (
    "this value has: as_of, body_file, closing, date, edition, enclosures, envelope, failed, "
    "groups, language, lines, list_name, max_pages, paper, parallel, running_title, "
    "short_title, signers, slug, subject, template, title, translations"
)
NAMES = (
    "names you can use here: addressees, cc, date_line, direction, enclosures, labels, "
    "language, letter, named, recipient, say, say_count, sender, signatories, signers, to"
)


@pytest.mark.parametrize("command", ["check", "build"])
def test_a_body_cannot_read_or_write_files_through_the_letter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    assert run("init", "ws").exit_code == 0
    ws = tmp_path / "ws"
    monkeypatch.chdir(ws)
    body = ws / "letters" / "japan-hrc-2020" / "body.md"
    lines = body.read_text().count("\n")
    with body.open("a") as out:
        out.write(ATTACK)
    before = snapshot(tmp_path)
    result = run(command)
    assert result.exit_code == 1
    assert result.stderr == (
        f"letters/japan-hrc-2020/body.md:{lines + 1}: unknown name 'path' ({LETTER_HAS})\n"
        f"  hint: {NAMES}\n"
        "Error: 1 problem in 1 file; nothing was written\n"
    )
    assert snapshot(tmp_path) == before
    assert not (tmp_path / "PWNED.txt").exists()


def test_a_workspace_template_cannot_reach_files_either(minimal: Path) -> None:
    template = minimal / "templates" / "joint-letter" / "letter.html.j2"
    template.parent.mkdir(parents=True)
    template.write_text(
        textwrap.dedent("""\
            {% extends "builtin/joint-letter/letter.html.j2" %}
            {% block marks %}
            {{ signers[0].signature if signers else letter.folder.read_text() }}
            {% endblock %}
        """)
    )
    before = snapshot(minimal.parent)
    result = run("build", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ws/templates/joint-letter/letter.html.j2:3: unknown name 'folder' (this value has: "
    ), result.stderr
    assert snapshot(minimal.parent) == before


def test_a_message_template_cannot_reach_files(
    minimal: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAMPAIGN_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CAMPAIGN_SMTP_FROM", "us@example.org")
    message = minimal / "letters" / "test" / "message.txt.j2"
    message.write_text("Subject: Hi\n\n{{ letter.path.read_text() }}\n")
    result = run("send", "test", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "ws/letters/test/message.txt.j2:3: unknown name 'path' (this value has: "
    ), result.stderr


# -- the marker scan, with a hostile workspace template ---------------------------------

HOSTILE_BLOCKS = {
    "print": "{{ signatories.groups[0].members[0].email }}",
    "print a recipient's": "{{ to[0].email }}",
    "include": '{% include "joint-letter/list.txt" %}',
    "include by a path": '{% include "../signatories/japan-hrc-2020.yaml" %}',
    "attach": '<a rel="attachment" href="../../signatories/japan-hrc-2020.yaml">list</a>',
    "fetch": '<img src="../../signatories/japan-hrc-2020.yaml">',
    "fetch recipients": '<link rel="stylesheet" href="recipients.yaml">',
}


def hostile(ws: Path, block: str) -> None:
    template = ws / "templates" / "joint-letter" / "letter.html.j2"
    template.write_text(
        '{% extends "builtin/joint-letter/letter.html.j2" %}\n'
        f"{{% block marks %}}{block}{{% endblock %}}\n"
    )


def test_a_hostile_template_gets_an_error_and_no_private_value_out(example: Path) -> None:

    from conftest import pdf_text

    markers = with_markers(
        example / "signatories" / "japan-hrc-2020.yaml", ("email", "phone", "notes"), "sig"
    )
    letter = example / "letters" / "japan-hrc-2020"
    markers += with_markers(letter / "recipients.yaml", ("email",), "to")
    (example / "templates" / "joint-letter").mkdir(parents=True)
    (example / "templates" / "joint-letter" / "list.txt").symlink_to(
        example / "signatories" / "japan-hrc-2020.yaml"
    )
    before = snapshot(example)
    for what, block in HOSTILE_BLOCKS.items():
        hostile(example, block)
        result = run("build", workspace=example)
        assert result.exit_code == 1, what
        assert "Error: " in result.stderr, what
        written = [p for p in (example / "build").rglob("*") if p.is_file()]
        assert written == [], what  # nothing written
    # Printing every value a template is given shows no private field either.
    hostile(example, "{{ letter }} {{ to }} {{ cc }} {{ sender }} {{ signatories }} {{ signers }}")
    assert run("build", workspace=example).exit_code == 0
    assert snapshot(example) != before  # built
    seen = b""
    for path in (example / "build").rglob("*"):
        if not path.is_file():
            continue
        content = path.read_bytes()
        if path.suffix == ".pdf":
            content = everything_in(path) + pdf_text(path).encode()
        seen += content
        for marker in markers:
            assert marker.encode() not in content, f"{marker} in {path}"
    assert b"David Alton" in seen and b"PublicSignatory(" in seen


# -- attacks the sandbox already held (issue 17, "Done means"): they keep holding ---------


def unsafe(attribute: str, kind: str) -> str:
    return f"access to attribute '{attribute}' of '{kind}' object is unsafe."


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{ cycler.__init__.__globals__ }}", unsafe("__init__", "type")),
        ("{{ joiner.__init__.__globals__ }}", unsafe("__init__", "type")),
        ("{{ namespace.__init__.__globals__ }}", unsafe("__init__", "type")),
        ("{{ lipsum.__globals__['os'] }}", unsafe("__globals__", "function")),
        ("{{ say.__globals__ }}", unsafe("__globals__", "function")),
        (
            "{{ self._TemplateReference__context }}",
            unsafe("_TemplateReference__context", "TemplateReference"),
        ),
        ("{{ '%s' % letter.__class__ }}", unsafe("__class__", "Letter")),
        ("{{ '{0.__class__.__mro__}'.format(letter) }}", unsafe("__class__", "Letter")),
        ("{{ '{0.__init__.__globals__}'.format(cycler) }}", unsafe("__init__", "type")),
        ("{{ letter|attr('__class__') }}", unsafe("__class__", "Letter")),
        ("{{ labels.__class__ }}", unsafe("__class__", "FrozenMap")),
        ("{{ letter.__reduce_ex__(2) }}", unsafe("__reduce_ex__", "Letter")),
        ("{{ dict(a=1).update(b=2) }}", unsafe("update", "dict")),
    ],
)
def test_the_sandbox_holds(minimal: Path, source: str, message: str) -> None:
    (minimal / "letters" / "test" / "body.md").write_text(source + "\n")
    result = run("check", workspace=minimal)
    assert result.exit_code == 1
    assert result.stderr == (
        f"ws/letters/test/body.md:1: {message}\nError: 1 problem in 1 file; nothing was written\n"
    )
