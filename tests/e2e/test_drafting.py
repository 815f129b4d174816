"""`campaign new` and `campaign templates`: drafting a letter that builds before it is written."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from campaign.load.catalog import BUILTIN_TEMPLATES

from conftest import Days, flat, pdf_text, run, snapshot


@pytest.fixture(autouse=True)
def _inside(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from inside the example workspace, so paths print as a user there sees them."""
    (tmp_path / "ws").mkdir()
    monkeypatch.chdir(tmp_path / "ws")


# Every placeholder of a fresh joint-letter draft, as `check` reports it (without hints).
PLACEHOLDERS = [
    "letters/draft/body.md:5: [TODO: Open with who writes and why now: we write on behalf of "
    "{{ signatories.count }} organizations and individuals ...]",
    "letters/draft/body.md:7: [TODO: Set out the facts the addressee needs, one point per "
    "paragraph.]",
    "letters/draft/body.md:9: [TODO: Say what you ask the addressee to do, and by when.]",
    "letters/draft/letter.yaml:3: [TODO: the letter's title, shown on the web page and in the "
    "PDF's properties]",
    "letters/draft/letter.yaml:4: [TODO: a short title, printed at the top of pages 2 and later]",
    "letters/draft/letter.yaml:5: [TODO: the subject, printed after 'Re:']",
    "letters/draft/letter.yaml:18: [TODO: one closing sentence before the signatures, or delete "
    "this line]",
    "letters/draft/recipients.yaml:5: [TODO: the addressee's name]",
    "letters/draft/recipients.yaml:6: [TODO: their title, e.g. Prime Minister]",
    "letters/draft/recipients.yaml:7: [TODO: the greeting, e.g. Dear Prime Minister,]",
    "letters/draft/recipients.yaml:9: [TODO: office or ministry]",
    "letters/draft/recipients.yaml:10: [TODO: street and number]",
    "letters/draft/recipients.yaml:11: [TODO: postal code and city]",
    "signatories/draft.yaml:5: [TODO: the first organization to sign, e.g. your own]",
    "signatories/draft.yaml:7: [TODO: its country]",
    "signatories/draft.yaml:10: [TODO: the first individual to sign]",
    "signatories/draft.yaml:12: [TODO: their role or affiliation]",
]


def warnings_of(stderr: str) -> list[str]:
    """The 'path:line: warning: ...' lines of check's output, without the word 'warning'."""
    return [
        line.replace(" warning: placeholder still to fill:", "")
        for line in stderr.splitlines()
        if not line.startswith("  hint:")
    ]


def test_new_draft_builds_and_check_lists_exactly_its_placeholders(
    example: Path, days: Days
) -> None:
    made = run("new", "draft", workspace=example)
    assert made.exit_code == 0, made.output
    assert made.stdout == (
        "Created letters/draft/: letter.yaml, body.md, recipients.yaml\n"
        "  signatories/draft.yaml: a new list\n"
        "Next: replace each [TODO: ...] ('campaign check draft' lists them), "
        "then: campaign build draft\n"
    )
    letter = (example / "letters" / "draft" / "letter.yaml").read_text()
    today = letter.partition("\ndate: ")[2][:10]
    assert today in days
    assert f"date: {today}\n" in letter and f"as_of: {today} " in letter
    assert (
        "language: en-US\ntemplate: joint-letter\npaper: a4\n" in letter
    )  # the workspace's defaults

    checked = run("check", "draft", workspace=example)
    assert checked.exit_code == 0
    assert warnings_of(checked.stderr) == PLACEHOLDERS
    assert checked.stdout.endswith("No problems found in 1 letter (17 warnings).\n")
    assert run("check", "--strict", "draft", workspace=example).exit_code == 1

    built = run("build", "draft", workspace=example)
    assert built.exit_code == 0, built.output
    text = flat(pdf_text(example / "build/draft/to/todo-the-addressee-s-name.pdf"))
    assert "[TODO: the addressee's name] [TODO: their title, e.g. Prime Minister]" in text
    assert "we write on behalf of 2 organizations and" in text
    assert "Organizations (1) [TODO: the first organization to sign, e.g. your own]" in text


def test_a_filled_in_draft_has_nothing_left_to_fill(example: Path) -> None:
    run("new", "draft", workspace=example)
    for path in [*(example / "letters" / "draft").iterdir(), example / "signatories/draft.yaml"]:
        text = re.sub(
            r"\[TODO: ([^\]]*)\]",
            lambda m: m.group(1)[0].upper() + m.group(1)[1:],
            path.read_text(),
        )
        path.write_text(text)
    checked = run("check", "draft", workspace=example)
    assert (checked.exit_code, checked.stderr) == (0, "")
    assert "Re: The subject, printed after 'Re:'" in flat(
        pdf_text(_built(example, "draft") / "to/the-addressee-s-name.pdf")
    )


def _built(workspace: Path, slug: str) -> Path:
    result = run("build", slug, workspace=workspace)
    assert result.exit_code == 0, result.output
    return workspace / "build" / slug


def test_new_letter_with_an_existing_list_prints_it_in_the_other_letters_groups(
    example: Path,
) -> None:
    made = run("new", "second", "--signatories", "japan-hrc-2020", workspace=example)
    assert made.exit_code == 0, made.output
    assert "  signatories/japan-hrc-2020.yaml: the list it uses\n" in made.stdout
    letter = (example / "letters/second/letter.yaml").read_text()
    assert (
        "  groups:                           # the order and headings of the printed groups\n"
        "    - key: international\n"
        "      heading: Individuals – international\n"
        "    - key: organizations\n"
        "      heading: Organizations & Japanese individuals\n"
    ) in letter
    checked = run("check", "second", workspace=example)
    assert checked.exit_code == 0
    assert "signatories/" not in checked.stderr  # the list has nothing to fill
    assert "second: 51 signatories" in checked.stdout


def test_a_list_no_letter_uses_gives_one_group_per_key(example: Path) -> None:
    (example / "signatories/fresh.yaml").write_text(
        textwrap.dedent(
            """\
            signatories:
              - {name: Ana Lima, type: individual, group: faith-leaders, signed: 2020-01-01}
              - {name: Open Door, type: organization, group: ngos, signed: 2020-01-01}
            """
        )
    )
    assert run("new", "third", "--signatories", "fresh", workspace=example).exit_code == 0
    letter = (example / "letters/third/letter.yaml").read_text()
    assert "- key: faith-leaders\n      heading: Faith leaders\n" in letter
    assert "- key: ngos\n      heading: Ngos\n" in letter


def test_new_from_another_letter_copies_it_dated_today(example: Path, days: Days) -> None:
    made = run("new", "follow-up", "--from", "japan-hrc-2020", workspace=example)
    assert made.exit_code == 0, made.output
    today = made.stdout.partition(", dated ")[2][:10]  # the day the command saw
    assert today in days
    assert f"  copied from letters/japan-hrc-2020/, dated {today}\n" in made.stdout
    source, copy = example / "letters/japan-hrc-2020", example / "letters/follow-up"
    assert sorted(p.name for p in copy.iterdir()) == sorted(p.name for p in source.iterdir())
    assert (copy / "body.ja.md").read_text() == (source / "body.ja.md").read_text()
    before, after = (source / "letter.yaml").read_text(), (copy / "letter.yaml").read_text()
    assert after == before.replace("date: 2020-02-13", f"date: {today}").replace(
        "as_of: 2020-02-13", f"as_of: {today}"
    )
    assert after.count(today) == 2 and "# The same letter in Japanese" in after
    assert run("check", "follow-up", workspace=example).exit_code == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["new", "My Letter"],
            "Error: 'My Letter' cannot name a letter: use lower-case letters, digits and hyphens "
            "(e.g. 'my-letter'); it becomes the folder and build/ name\n",
        ),
        (
            ["new", "japan-hrc-2020"],
            "Error: letters/japan-hrc-2020 already exists; choose another name, or delete it "
            "first\n",
        ),
        (
            ["new", "x", "--template", "poster"],
            "Error: unknown template 'poster'; available: {templates}\n",
        ),
        (
            ["new", "x", "--signatories", "nosuch"],
            "Error: no signature list 'nosuch' in signatories (lists: japan-hrc-2020); "
            "leave out --signatories to start a new list for this letter\n",
        ),
        (
            ["new", "x", "--from", "nosuch"],
            "Error: no letter 'nosuch' to copy in letters (letters: japan-hrc-2020)\n",
        ),
    ],
)
def test_new_refuses_and_writes_nothing(example: Path, args: list[str], message: str) -> None:
    before = snapshot(example)
    result = run(*args)  # from inside the workspace, so paths print relative to it
    assert result.exit_code == 1
    names = ", ".join(sorted(p.name for p in BUILTIN_TEMPLATES.iterdir()))
    assert result.stderr == message.format(templates=names)
    assert snapshot(example) == before
    assert not [p for p in (example / "letters").iterdir() if p.name.startswith(".")]


def test_from_cannot_be_mixed_with_template_or_list(example: Path) -> None:
    result = run("new", "x", "--from", "japan-hrc-2020", "--template", "joint-letter")
    assert result.exit_code == 2
    assert "--from copies the letter's template and list; change them after" in result.stderr


def test_templates_lists_each_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("templates")  # outside any workspace: the shipped ones
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    names = sorted(p.name for p in BUILTIN_TEMPLATES.iterdir())
    assert [line.split()[0] for line in lines] == names
    for line in lines:
        assert "(no description)" not in line and len(line.split(None, 1)[1]) > 30


def test_a_workspace_template_extends_a_shipped_one_block_by_block(example: Path) -> None:
    own = example / "templates/plain-closing"
    own.mkdir(parents=True)
    (own / "letter.html.j2").write_text(
        textwrap.dedent(
            """\
            {% extends "builtin/joint-letter/letter.html.j2" %}
            {% block closing %}<p class="closing">With our thanks, ⁂ {{ letter.closing }}</p>
            {% endblock %}
            """
        )
    )
    (own / "template.yaml").write_text("description: The joint letter with our own closing.\n")
    listed = run("templates").stdout
    assert (
        "plain-closing  The joint letter with our own closing. "
        "(this workspace's, extends joint-letter)\n"
    ) in listed
    letter = example / "letters/japan-hrc-2020/letter.yaml"
    letter.write_text(
        letter.read_text().replace("template: joint-letter", "template: plain-closing")
    )
    text = flat(pdf_text(_built(example, "japan-hrc-2020") / "to/shinzo-abe.pdf"))
    assert "With our thanks, ⁂ Thank you for your consideration." in text
    assert "Dear Prime Minister Abe," in text and "Page 2 of" in text  # the rest is joint-letter's


@pytest.mark.parametrize(("template", "placeholders"), [("formal-letter", 14), ("petition", 16)])
def test_every_template_drafts_a_letter_that_builds(
    example: Path, template: str, placeholders: int
) -> None:
    assert run("new", "draft", "--template", template).exit_code == 0
    checked = run("check", "draft")
    assert checked.exit_code == 0
    found = warnings_of(checked.stderr)
    assert len(found) == placeholders
    assert all(": [TODO: " in line for line in found), found
    assert f"template: {template}\n" in Path("letters/draft/letter.yaml").read_text()
    text = flat(pdf_text(_built(example, "draft") / "to/todo-the-addressee-s-name.pdf"))
    assert "[TODO: the addressee's name]" in text and text.count("[TODO: ") > 6


def test_a_copied_template_without_its_own_description_keeps_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run("init", "older").exit_code == 0
    (tmp_path / "older/templates/joint-letter/template.yaml").unlink()
    listed = run("templates", workspace=tmp_path / "older").stdout
    line = next(x for x in listed.splitlines() if x.startswith("joint-letter "))
    assert line.endswith("(this workspace's)") and "(no description)" not in line
    assert "A joint open letter" in line
