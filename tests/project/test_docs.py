"""The docs site: it builds without a warning, documents every command and option, and
its tables and module map are the code's own."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import click
import pytest
import yaml

from campaign.cli.main import cli
from campaign.cli.sig import signatories
from campaign.model.fields import SIGNATORY
from campaign.model.limits import DEFAULT, KEYS
from campaign.paper.envelopes import ENVELOPES, LABEL_SHEETS, WINDOWS, window_table
from campaign.text.wording import LABELS

ROOT = Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs"
README = (ROOT / "README.md").read_text(encoding="utf-8")
MARKER = re.compile(r"^<!-- table: .* -->$", re.M)


def script(name: str) -> ModuleType:
    """A module of scripts/, loaded from its file."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hooks = script("docs_hooks")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as `make docs` builds it (strict), into a folder of its own."""
    folder = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [Path(sys.executable).parent / "mkdocs", "build", "--strict", "-d", folder],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    # Nothing but the site's own messages: a theme release that prints a notice of its
    # own on every build (mkdocs-material 9.7.2 on) would read as one of them.
    assert "│" not in result.stdout + result.stderr, result.stdout + result.stderr
    assert "WARNING" not in result.stderr
    return folder


def prose(page: Path) -> str:
    """A page's own text, without the tables the build makes from the code."""
    return MARKER.sub("", page.read_text(encoding="utf-8"))


def long_options(command: click.Command) -> list[str]:
    """The options a user types for a command (--help aside, and hidden ones: internal)."""
    return [
        opt
        for param in command.params
        if isinstance(param, click.Option) and not param.hidden
        for opt in param.opts
        if opt.startswith("--")
    ]


def section(group: str, name: str) -> str:
    """The part of a group's page (sig, signon, ...) about one of its subcommands."""
    text = prose(DOCS / "commands" / f"{group}.md")
    heading = f"## campaign {group} {name}\n"
    assert heading in text
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


COMMANDS = sorted(name for name in cli.commands if name != "signatories")
SIG_COMMANDS = sorted(signatories.commands)
# Every subcommand of a group, by the name its page uses (signatories: sig).
SUBCOMMANDS = [
    ("sig" if group == "signatories" else group, name, command)
    for group, parent in sorted(cli.commands.items())
    if isinstance(parent, click.Group)
    for name, command in sorted(parent.commands.items())
]


def test_the_site_builds_with_no_warning(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "commands" / "build.html").is_file()


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_page_naming_each_of_its_options(name: str) -> None:
    page = DOCS / "commands" / f"{name}.md"
    text = prose(page)
    assert text.startswith(f"# campaign {name}\n")
    assert f"<!-- table: options {name} -->" in page.read_text(encoding="utf-8")
    assert [o for o in long_options(cli.commands[name]) if o not in text] == []


@pytest.mark.parametrize(
    ("group", "name", "command"), SUBCOMMANDS, ids=[f"{g} {n}" for g, n, _ in SUBCOMMANDS]
)
def test_every_subcommand_has_a_section_naming_each_of_its_options(
    group: str, name: str, command: click.Command
) -> None:
    text = section(group, name)
    page = (DOCS / "commands" / f"{group}.md").read_text(encoding="utf-8")
    assert f"<!-- table: options {group}-{name} -->" in page
    options = long_options(command)
    if (group, name) == ("sig", "add"):
        # The fields' own options are named by the field table, on the page it links to.
        assert "(../files/signatories.md#the-fields)" in text
        options = [o for o in options if o not in {f.option for f in SIGNATORY}]
    assert [o for o in options if o not in text] == []


def test_the_options_of_campaign_itself_are_on_the_page_of_all_commands() -> None:
    text = prose(DOCS / "commands" / "index.md")
    assert [o for o in long_options(cli) if o not in text] == []


def test_every_command_page_is_in_the_navigation() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    pages = re.findall(r"(commands/[\w-]+\.md)", config)
    assert sorted(pages) == sorted(
        ["commands/index.md", "commands/sig.md", *(f"commands/{n}.md" for n in COMMANDS)]
    )


def test_the_import_guide_is_one_click_from_the_navigation() -> None:
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    sections = {next(iter(entry)): next(iter(entry.values())) for entry in config["nav"]}
    start = {next(iter(entry)): next(iter(entry.values())) for entry in sections["Start"]}
    assert start["Import a spreadsheet or Google Forms export"] == "guides/import.md"
    assert "Google Forms" in (DOCS / "guides" / "import.md").read_text(encoding="utf-8")


def test_the_readme_is_a_front_page_opening_with_the_two_commands() -> None:
    assert len(README.encode()) <= 8 * 1024
    head = README.split("\n## ", 2)
    assert "make demo" in head[1] and "make test" in head[1]
    assert ".venv/bin/campaign" in README


def test_every_link_of_the_readme_leads_to_a_file() -> None:
    links = re.findall(r"\]\(((?:docs/|SECURITY)[^)#]*)", README)
    assert len(links) > 15
    assert [link for link in links if not (ROOT / link).is_file()] == []


def test_every_file_of_the_repository_the_docs_name_exists() -> None:
    pages = [ROOT / "README.md", *DOCS.rglob("*.md")]
    named = {
        path
        for page in pages
        for path in re.findall(
            r"\b((?:tests|campaign|scripts|bench)/[\w./-]+\.py)", page.read_text(encoding="utf-8")
        )
    }
    assert len(named) > 10
    assert sorted(path for path in named if not (ROOT / path).is_file()) == []


def test_the_table_of_windows_is_made_from_the_windows(site: Path) -> None:
    assert hooks.render("<!-- table: envelopes -->\n") == window_table()
    assert "<!-- table: envelopes -->" in (DOCS / "paper.md").read_text(encoding="utf-8")
    page = (site / "paper.html").read_text(encoding="utf-8")
    for window in WINDOWS.values():
        assert f"<code>{window.name}</code>" in page
        assert f"<td>{window.capacity}</td>" in page


def test_the_tables_of_envelopes_and_label_sheets_are_made_from_the_paper_module() -> None:
    sizes = hooks.render("<!-- table: envelope-sizes -->\n")
    assert "| DL | 220 × 110 | `din5008-b` |" in sizes
    assert "| #10 | 241.3 × 104.8 | `us-10`, `us-10-intl` |" in sizes
    assert [e for e in ENVELOPES if f"| {e} |" not in sizes] == []
    sheets = hooks.render("<!-- table: label-sheets -->\n")
    assert "| `a4` | A4 3×7 | 21 (3 × 7) | 63.5 × 38.1 | 8 pt |" in sheets
    assert [p for p in LABEL_SHEETS if f"| `{p}` |" not in sheets] == []


@pytest.mark.parametrize(
    ("kind", "page"), [("signatory", "signatories"), ("recipient", "recipients-yaml")]
)
def test_the_field_tables_are_made_from_the_field_table(site: Path, kind: str, page: str) -> None:
    from campaign.model.fields import TABLES

    assert f"<!-- table: fields {kind} -->" in (DOCS / "files" / f"{page}.md").read_text()
    table = hooks.render(f"<!-- table: fields {kind} -->\n")
    assert [f.key for f in TABLES[kind] if f"| `{f.key}` |" not in table] == []
    aliases = [(f.key, alias) for f in TABLES[kind] for alias in f.aliases]
    assert [a for a in aliases if f"“{a[1]}”" not in table] == []
    if aliases:  # in a table of their own: one of eight columns ran off the page
        assert "| `name` | “name”, “full name”," in table
        assert table.splitlines()[0].count("|") == 8
    built = (site / "files" / f"{page}.html").read_text(encoding="utf-8")
    assert [f.key for f in TABLES[kind] if f"<td><code>{f.key}</code></td>" not in built] == []


def test_the_table_of_limits_is_made_from_the_limits(site: Path) -> None:
    table = hooks.render("<!-- table: limits -->\n")
    for key in KEYS:
        assert f"| `{key}` | {getattr(DEFAULT, key):g} |" in table
    page = (site / "limits.html").read_text(encoding="utf-8")
    assert "<td><code>pdf_memory_mb</code></td>\n<td>4096</td>" in page


def test_the_table_of_languages_has_every_language_shipped(site: Path) -> None:
    table = hooks.render("<!-- table: languages words -->\n")
    assert "| `fr` | 13 février 2020 | Objet\u00a0: | Copie à\u00a0: | Page 2 sur 3 |" in table
    assert [tag for tag in LABELS if tag != "en" and f"| `{tag}` |" not in table] == []
    phrases = hooks.render("<!-- table: languages phrases -->\n")
    assert "| `ko` | 사본: … 귀하 | 서명자 (… 기준) | &lt;name&gt; 귀하 |" in phrases
    assert "<td>2020年2月13日</td>" in (site / "languages.html").read_text(encoding="utf-8")


def test_the_table_of_commands_has_every_command(site: Path) -> None:
    table = hooks.render("<!-- table: commands -->\n")
    names = [*COMMANDS, *(f"sig {n}" for n in SIG_COMMANDS)]
    assert [n for n in names if f"[`campaign {n}`]" not in table] == []
    assert 'href="sig.html#campaign-sig-import"' in (site / "commands" / "index.html").read_text()


def test_an_unknown_table_stops_the_build() -> None:
    with pytest.raises(ValueError, match="unknown table 'envelope' "):
        hooks.render("<!-- table: envelope -->\n")


def test_the_module_map_is_made_from_the_real_imports() -> None:
    result = subprocess.run(
        [sys.executable, ROOT / "scripts" / "architecture.py", "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_the_module_map_shows_each_package_and_what_it_imports() -> None:
    made = script("architecture").drawing()
    assert "### `campaign.pdf`" in made
    assert "| `pdf.render` | " in made
    assert re.search(r"### `campaign.cli`\n\n.*\n\nImports: .*`build`", made)
