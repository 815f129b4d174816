"""Shared pages, for any text and template: each letter built reads as its own whole layout.

Hypothesis writes bodies and templates that use the addressee's fields in conditions,
loops, filters, macros, ``{% set %}``, includes and the salutation, for 2 to 6
addressees whose fields are present or missing; every letter the build makes (stamped
on shared pages or laid out whole) must have the text of that letter laid out on its
own. `make test` runs a few fixed examples; `make fuzz` ten times as many, random ones.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hypothesis import event, example, given, settings
from hypothesis import strategies as st

from campaign.checks.letters import load_letters
from campaign.compose.composer import Composer
from campaign.load.workspace import Workspace
from campaign.pdf.render import render_pdf

from conftest import FIXTURES, copy_tree, pdf_pages, run

SCALE = 10 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 1

# Lines of body.md: some the same for everyone, most depending on the addressee.
# (Macros are in the template and the included file, and no loop uses 'loop': check
# takes a macro defined in body.md, or 'loop', for an unknown name.)
BODY_LINES = [
    "We write to every addressee in the same words.",
    "{% if recipient.organization %}ORG-TEXT{% else %}NO-ORG-TEXT{% endif %}",
    '{% if recipient.name == "Bob Beta" %}ONLY-FOR-BOB{% endif %}',
    "{% if recipient.title %}TITLE {{ recipient.title|upper }}{% endif %}",
    "{% for line in recipient.address %}L-{{ line }} {% endfor %}",
    "Lines: {{ recipient.address|length }}; {{ recipient.organization|default('none', true) }}.",
    "{% set who = recipient.name.split()[0] %}Hello {{ who }}.",
    '{% include "snippets/who.j2" %}',
    "As we said: {{ recipient.salutation }}",
    "{% for n in range(3) %}N{{ n }} {% endfor %}",
    "{% set same = 'Shared' %}{{ same }} words.",
]
# What the included file does with the addressee (or not).
INCLUDES = [
    "INCLUDED",
    "{% if recipient.title %}INC-TITLED{% else %}INC-UNTITLED{% endif %}",
    "{{ recipient.name|reverse }}",
    "{% macro sign(r) %}{{ r.address|join(' / ') }}{% endmacro %}{{ sign(recipient) }}",
]
# A workspace template built on joint-letter: its closing and salutation blocks.
CLOSINGS = [
    "",
    "<p>An independent closing note.</p>",
    "<p>{% if recipient.organization %}CLOSE-ORG{% endif %}</p>",
    "{% set t = recipient.title %}<p>{{ t or 'untitled' }}</p>",
    "{% macro tag(r) %}{% if r.organization %}M-ORG{% else %}M-NONE{% endif %}{% endmacro %}"
    "<p>{{ tag(recipient) }}</p>",
]
SALUTATION = '<!--vary--><p class="salutation vary">{}</p><!--/vary-->'
SALUTATIONS = [
    SALUTATION.format("{{ recipient.salutation }}"),
    SALUTATION.format("{{ recipient.salutation|upper }}"),
    SALUTATION.format(
        "{{ recipient.salutation }}{% if recipient.organization %} ({{ recipient.organization }})"
        "{% endif %}"
    ),
    # What is read inside the marked part, passed on to the rest of the letter.
    SALUTATION.format("{% set s = recipient.salutation %}{{ s }}") + "<p>{{ s }} again</p>",
    "{% set ns = namespace(n=0) %}"
    + SALUTATION.format(
        "{% for line in recipient.address %}{% set ns.n = ns.n + 1 %}{% endfor %}"
        "{{ recipient.salutation }}"
    )
    + "<p>{{ ns.n }} lines</p>",
    "{% set kept %}"
    + SALUTATION.format("{{ recipient.salutation }}")
    + "{% endset %}{{ kept }}<p>{{ kept|length }} characters</p>",
]
PARAGRAPH = (
    "We write again about the resolution, because the record of the last years shows how "
    "much a steady voice at the Council has mattered to the families who are still waiting. "
)
ADDRESS = ["1 Road", "Box 7", "10115 Berlin"]
# include, closing and salutation: the plainest; those that pass on what a marked part reads
FIRST = (INCLUDES[1], CLOSINGS[0], SALUTATIONS[0])
LEAKS = [(INCLUDES[0], CLOSINGS[1], SALUTATIONS[n]) for n in (3, 4, 5)]
NAMES = ["Alice Alpha", "Bob Beta", "Cy Gamma", "Dee Delta", "Eve Epsilon", "Fay Zeta"]


@dataclass(frozen=True)
class Addressee:
    """One entry of ``to:`` with its optional fields present or missing."""

    name: str
    title: str
    organization: str
    salutation: str
    address: tuple[str, ...]

    def yaml(self) -> str:
        """The entry as recipients.yaml writes it."""
        lines = [f'  - name: "{self.name}"\n']
        for key in ("title", "organization", "salutation"):
            if getattr(self, key):
                lines.append(f'    {key}: "{getattr(self, key)}"\n')
        lines.append("    address:\n" + "".join(f'      - "{a}"\n' for a in self.address))
        return "".join(lines)


@st.composite
def addressees(draw: st.DrawFn) -> list[Addressee]:
    """2 to 6 addressees, each field present or missing."""
    count = draw(st.integers(2, 6))
    found = []
    for name in NAMES[:count]:
        found.append(
            Addressee(
                name,
                draw(st.sampled_from(["", "Minister", "Member of the Standing Committee"])),
                draw(st.sampled_from(["", "Alpha Rights Network", "Org"])),
                draw(st.sampled_from(["", "Dear Sir or Madam,", f"Dear {name},"])),
                tuple(draw(st.lists(st.sampled_from(ADDRESS), min_size=1, max_size=3))),
            )
        )
    return found


@dataclass(frozen=True)
class Letter:
    """A generated letter: its addressees, body and template."""

    to: list[Addressee]
    body: list[str]
    long: bool  # two pages or more, so that "Page N of M" counts the shared pages
    template: str  # 'joint-letter', 'petition' or 'custom' (joint-letter's blocks replaced)
    include: str
    closing: str
    salutation: str


letters = st.builds(
    Letter,
    addressees(),
    st.lists(st.sampled_from(BODY_LINES), min_size=1, max_size=4),
    st.booleans(),
    st.sampled_from(["joint-letter", "petition", "custom", "custom"]),
    st.sampled_from(INCLUDES),
    st.sampled_from(CLOSINGS),
    st.sampled_from(SALUTATIONS),
)


def write_workspace(root: Path, letter: Letter) -> Path:
    """The minimal workspace with the generated letter in it."""
    ws = copy_tree(FIXTURES / "minimal", root / "ws")
    folder = ws / "letters" / "test"
    body = "\n\n".join(letter.body) + "\n"
    if letter.long:
        body += "\n" + "\n\n".join(PARAGRAPH * 3 for _ in range(10)) + "\n"
    (folder / "body.md").write_text(body)
    (folder / "recipients.yaml").write_text("to:\n" + "".join(a.yaml() for a in letter.to))
    yaml = (folder / "letter.yaml").read_text()
    (folder / "letter.yaml").write_text(yaml + f"template: {letter.template}\n")
    templates = ws / "templates"
    (templates / "snippets").mkdir(parents=True)
    (templates / "snippets" / "who.j2").write_text(letter.include)
    (templates / "custom").mkdir()
    (templates / "custom" / "letter.html.j2").write_text(
        '{% extends "builtin/joint-letter/letter.html.j2" %}\n'
        "{% block closing %}{{ super() }}" + letter.closing + "{% endblock %}\n"
        "{% block salutation %}" + letter.salutation + "{% endblock %}\n"
    )
    return ws


ALICE = Addressee("Alice Alpha", "Minister", "Alpha Rights Network", "", ("1 Road",))
BOB = Addressee("Bob Beta", "", "", "Dear Sir or Madam,", ("Box 7", "10115 Berlin"))
CY = Addressee("Cy Gamma", "", "Org", "", ("1 Road", "Box 7", "10115 Berlin"))


@settings(max_examples=2 * SCALE)
@given(letter=letters, jobs=st.sampled_from(["1", "1", "2"]))
# The traps a made-up probe addressee falls into, whatever hypothesis draws besides.
@example(
    Letter([ALICE, BOB, CY], [BODY_LINES[1], BODY_LINES[2]], True, "joint-letter", *FIRST),
    "1",
)
@example(Letter([ALICE, BOB], [BODY_LINES[0]], False, "custom", *LEAKS[0]), "1")
@example(Letter([ALICE, CY, BOB], [BODY_LINES[0]], False, "custom", *LEAKS[1]), "2")
@example(Letter([CY, ALICE, BOB], [BODY_LINES[0]], False, "custom", *LEAKS[2]), "1")
@example(Letter([BOB, ALICE, CY], [BODY_LINES[7]], False, "petition", *FIRST), "1")
def test_every_letter_reads_as_its_own_whole_layout(letter: Letter, jobs: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = write_workspace(Path(tmp), letter)
        result = run("build", "--verbose", "--jobs", jobs, workspace=ws)
        assert result.exit_code == 0, result.output
        for line in result.stdout.splitlines():
            if "share their pages" in line or "laid out" in line:
                event(line.strip())  # shown by --hypothesis-show-statistics
        bundle = load_letters(Workspace(ws))[0][0]
        composer = Composer(bundle)
        whole = Path(tmp) / "whole.pdf"
        for piece in composer.pieces:
            html = composer.letter_html(composer.to[piece.index], copy_for=None)
            if piece.role == "cc":
                continue
            whole.write_bytes(render_pdf(html, bundle.letter.folder, ws))
            built = ws / "build" / "test" / piece.file
            assert pdf_pages(built) == pdf_pages(whole), piece.file
