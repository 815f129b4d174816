"""Tables of the docs site made from the code when the site is built, so they cannot drift.

mkdocs runs this file as a hook (mkdocs.yml ``hooks:``). A page asks for a table with a
line ``<!-- table: NAME -->`` (or ``<!-- table: NAME ARGUMENT -->``); the line is replaced by
the table that ``TABLES[NAME]`` renders. An unknown name stops the build, so a misspelt
marker never ships as an empty place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from babel.dates import format_date

MARKER = re.compile(r"^<!-- table: ([\w-]+)(?: ([\w-]+))? -->$", re.M)

# What each limit of campaign.yaml's `limits:` bounds. The keys and defaults come from
# campaign.model.limits; a limit added there without a line here stops the docs build.
LIMITS = {
    "template_seconds": "filling in one template: `body.md`, `letter.html.j2` and its parts",
    "pdf_seconds": (
        "laying out one PDF (a letter, `signatories.pdf`, the shared pages, "
        "a part of `envelopes.pdf`)"
    ),
    "pdf_memory_mb": (
        "the memory (data size) laying out one PDF, or filling in one template, may take "
        "beyond what its process holds already; at least 128"
    ),
}

# The languages of the wording table: a regional English beside the base languages.
SAMPLE_DATE = dt.date(2020, 2, 13)


def _cell(text: str) -> str:
    """Plain text made safe for one cell of a Markdown table (no markup, one line)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    """Text shown as code in one cell of a Markdown table (the table keeps its pipes)."""
    return "`" + text.replace("\n", " ") + "`"


def envelopes() -> str:
    """The envelope windows a letter can name, from campaign.paper.envelopes."""
    from campaign.paper.envelopes import window_table

    return window_table()


def envelope_sizes() -> str:
    """The envelopes envelopes.pdf is laid out for, and the windows that go into each."""
    from campaign.paper.envelopes import ENVELOPES, WINDOWS

    rows = ["| envelope | size (mm) | for the windows |", "| --- | --- | --- |"]
    for envelope in ENVELOPES.values():
        windows = ", ".join(f"`{w.name}`" for w in WINDOWS.values() if w.envelope == envelope.name)
        size = f"{envelope.width:.4g} × {envelope.height:.4g}"
        rows.append(f"| {_cell(envelope.name)} | {size} | {windows} |")
    return "\n".join(rows) + "\n"


def label_sheets() -> str:
    """The label sheet labels.pdf uses on each paper."""
    from campaign.paper.envelopes import LABEL_SHEETS

    rows = [
        "| `paper:` | sheet | labels | one label (mm) | type, before shrinking |",
        "| --- | --- | --- | --- | --- |",
    ]
    for paper, sheet in LABEL_SHEETS.items():
        rows.append(
            f"| `{paper}` | {_cell(sheet.name)} | {sheet.per_sheet} ({sheet.columns} × "
            f"{sheet.rows}) | {sheet.width:.4g} × {sheet.height:.4g} | {sheet.font_pt:g} pt |"
        )
    return "\n".join(rows) + "\n"


ALIASES = "`sig import` reads the headings"
CELL = re.compile(r"(?<!\\)\|")


def fields(kind: str) -> str:
    """The fields of a signatory or a recipient, from the field table (campaign.model.fields).

    The headings `sig import` reads are many words each: they go in a table of their own,
    so that the first keeps to the width of a page.
    """
    from campaign.model.fields import TABLES, markdown_table

    rows = [CELL.split(line.strip())[1:-1] for line in markdown_table(kind).splitlines()]
    if ALIASES not in [cell.strip() for cell in rows[0]]:
        return markdown_table(kind)
    column = [cell.strip() for cell in rows[0]].index(ALIASES)
    main = ["|" + "|".join(row[:column] + row[column + 1 :]) + "|" for row in rows]
    headings = [f"| field | {ALIASES} |", "| --- | --- |"]
    headings += [
        f"| `{f.key}` | " + ", ".join(f"“{_cell(alias)}”" for alias in f.aliases) + " |"
        for f in TABLES[kind]
        if f.aliases
    ]
    said = (
        "The headings of a form or a spreadsheet that `sig import` reads into each field,"
        " whatever their case and punctuation ([importing](../guides/import.md)):"
    )
    return "\n".join(main) + "\n\n" + said + "\n\n" + "\n".join(headings) + "\n"


def limits() -> str:
    """The keys of `limits:` with their defaults, from campaign.model.limits."""
    from campaign.model.limits import DEFAULT, KEYS

    unexplained = set(KEYS) ^ set(LIMITS)
    if unexplained:
        raise ValueError(f"scripts/docs_hooks.py LIMITS and limits.KEYS differ: {unexplained}")
    rows = ["| key | default | what it limits |", "| --- | --- | --- |"]
    rows += [f"| `{key}` | {getattr(DEFAULT, key):g} | {LIMITS[key]} |" for key in KEYS]
    return "\n".join(rows) + "\n"


def languages(part: str = "words") -> str:
    """The fixed words (``words``) or phrases (``phrases``) shipped for each language.

    From campaign.text.wording, in two tables, as eight columns do not fit a page.
    """
    from campaign.text.wording import LABELS, labels_for

    columns: dict[str, Callable[[str, dict[str, str]], str]] = (
        {
            "date": lambda tag, _: format_date(
                SAMPLE_DATE, format="long", locale=tag.replace("-", "_")
            ),
            "subject": lambda _, words: words["re"],
            "cc": lambda _, words: words["cc"],
            "page numbers": lambda _, words: words["page_of"].format(page=2, pages=3),
        }
        if part == "words"
        else {
            "copy mark": lambda _, words: words["copy_for_name"].format(name="…"),
            "signature block": lambda _, words: words["signatories_as_of"].format(date="…"),
            "default salutation": lambda _, words: words["salutation"].format(name="<name>"),
        }
    )
    if part not in ("words", "phrases"):
        raise ValueError(f"no part {part!r} of the languages table (words, phrases)")
    rows = [
        "| `language:` | " + " | ".join(columns) + " |",
        "|---" * (len(columns) + 1) + "|",
    ]
    for tag in ["en-US", "en-GB", *(tag for tag in LABELS if tag != "en")]:
        words = labels_for(tag)
        cells = [_cell(cell(tag, words)) for cell in columns.values()]
        rows.append(f"| `{tag}` | " + " | ".join(cells) + " |")
    return "\n".join(rows) + "\n"


def _commands() -> list[tuple[str, click.Command]]:
    """Every command of the command line; a group's subcommands in its place (sig: by its alias)."""
    from campaign.cli.main import cli

    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(cli.commands.items()):
        if isinstance(command, click.Group):
            group = "sig" if name == "signatories" else name
            if group != "sig":  # a group of its own page, then its subcommands
                found.append((name, command))
            found += [(f"{group} {sub}", c) for sub, c in sorted(command.commands.items())]
        else:
            found.append((name, command))
    return found


def _page(name: str) -> str:
    """The page of the docs that documents a command, relative to commands/."""
    group, _, sub = name.partition(" ")
    if sub:
        return f"{group}.md#campaign-" + name.replace(" ", "-")
    return f"{name}.md"


def usage(command: click.Command) -> str:
    """What one types: the arguments and options of a command, as its --help shows them."""
    context = click.Context(command, info_name="x")
    return " ".join(command.collect_usage_pieces(context))


def commands(which: str = "") -> str:
    """One row per command (``sig``: per sig subcommand): what it does, from the Click tree."""
    rows = ["| command | what it does |", "| --- | --- |"]
    for name, command in _commands():
        if which and not name.startswith(f"{which} "):
            continue
        link = f"[`campaign {name}`]({_page(name)})"
        rows.append(f"| {link} | {_cell(command.get_short_help_str(limit=200))} |")
    return "\n".join(rows) + "\n"


def options(name: str) -> str:
    """The usage line and the options of one command (`sig-import` for `sig import`)."""
    known = dict(_commands())
    wanted = name if name in known else name.replace("-", " ", 1)
    command = known.get(wanted)
    if command is None:
        raise ValueError(f"no command {wanted!r} for a table of options")
    context = click.Context(command, info_name=f"campaign {wanted}")
    lines = [f"```text\ncampaign {wanted} {usage(command)}\n```", ""]
    records = [
        p.get_help_record(context)
        for p in command.get_params(context)
        if isinstance(p, click.Option)
    ]
    shown = [r for r in records if r is not None]
    if shown:
        lines += ["| option | what it does |", "| --- | --- |"]
        lines += [f"| {_code(opts)} | {_cell(text)} |" for opts, text in shown]
    return "\n".join(lines) + "\n"


def unshared() -> str:
    """Why a letter that was to share its pages is laid out whole, from campaign.pdf.workers."""
    from campaign.pdf.workers import UNSHARED

    rows = [f"| `{key}` | {_cell(why)} |" for key, why in UNSHARED.items()]
    return "\n".join(["| case | `--verbose` says: laid out whole, because |", "|---|---|", *rows])


TABLES: dict[str, Callable[..., str]] = {
    "envelopes": envelopes,
    "envelope-sizes": envelope_sizes,
    "label-sheets": label_sheets,
    "limits": limits,
    "fields": fields,
    "languages": languages,
    "commands": commands,
    "options": options,
    "unshared": unshared,
}


def render(markdown: str) -> str:
    """The page with each table marker replaced by its table."""

    def table(match: re.Match[str]) -> str:
        name, argument = match.groups()
        if name not in TABLES:
            raise ValueError(f"unknown table {name!r} (known: {', '.join(TABLES)})")
        return TABLES[name](*([argument] if argument else [])).rstrip("\n")

    return MARKER.sub(table, markdown)


def on_config(config: Any) -> Any:
    """mkdocs: README.md and SECURITY.md are included from beside mkdocs.yml, wherever it runs."""
    top = str(Path(config.config_file_path).resolve().parent)
    config.mdx_configs.setdefault("pymdownx.snippets", {})["base_path"] = [top]
    return config


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """mkdocs: fill in the tables of one page before it is turned into HTML."""
    from mkdocs.exceptions import PluginError

    try:
        return render(markdown)
    except ValueError as exc:
        raise PluginError(f"{page.file.src_path}: {exc}") from exc
