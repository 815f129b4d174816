"""The field table: every field is where its entry says, and nowhere it says not."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from campaign.build.plan import CSV_FIELDS, signatories_csv
from campaign.compose.signatures import PublicSignatory, signature_block
from campaign.errors import Problem
from campaign.load.records import load_recipients, load_signature_list
from campaign.model import fields
from campaign.model.fields import Field
from campaign.model.records import GroupSpec, Signatory

from conftest import run

SIGNATORY = fields.SIGNATORY
PRIVATE = [f for f in SIGNATORY if f.private]


def sample(f: Field, n: int = 0) -> Any:
    """A value for the field, told apart from every other field's (as loaded)."""
    if f.key == "status":  # not the default, and what goes with a day of withdrawal
        return "withdrawn"
    if f.kind == fields.CHOICE:  # a word other than the default, so that it shows
        return next(c for c in f.choices if c != f.default)
    if f.kind == fields.DATE:
        return dt.date(2024, 3, 1) + dt.timedelta(days=SIGNATORY.index(f) if f in SIGNATORY else 0)
    if f.kind == fields.EMAIL:
        return f"{f.key}.{n}@example.org"
    if f.kind == fields.LINES:
        return (f"{f.key} line one {n}", f"{f.key} line two {n}")
    if f.kind == fields.NOTE:
        return f"{f.key} first line {n}\n{f.key} second line {n}"
    return f"{f.key}-value-{n}"


def full_entry(n: int = 0, **given: Any) -> dict[str, Any]:
    """A signatory with every field of the table filled in."""
    values = {f.key: sample(f, n) for f in SIGNATORY} | given
    return {key: list(v) if isinstance(v, tuple) else v for key, v in values.items()}


def write_list(path: Path, *entries: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"signatories": list(entries)}, allow_unicode=True))
    return path


@pytest.mark.parametrize("f", SIGNATORY, ids=lambda f: f.key)
def test_every_signatory_field_is_loaded_from_yaml(tmp_path: Path, f: Field) -> None:
    path = write_list(tmp_path / "signatories" / "all.yaml", full_entry())
    problems: list[Problem] = []
    loaded = load_signature_list(path, problems)
    assert problems == []
    assert loaded is not None
    assert getattr(loaded.entries[0], f.key) == sample(f)


@pytest.mark.parametrize("f", fields.RECIPIENT, ids=lambda f: f.key)
def test_every_recipient_field_is_loaded_from_yaml(tmp_path: Path, f: Field) -> None:
    entry = {g.key: sample(g) for g in fields.RECIPIENT}
    entry = {key: list(v) if isinstance(v, tuple) else v for key, v in entry.items()}
    (tmp_path / "recipients.yaml").write_text(
        yaml.safe_dump({"to": [entry], "cc": [entry]}, allow_unicode=True)
    )
    problems: list[Problem] = []
    to, cc = load_recipients(tmp_path, problems)
    assert problems == []
    assert getattr(to[0], f.key) == getattr(cc[0], f.key) == sample(f)
    assert (to[0].role, cc[0].role) == ("to", "cc")


@pytest.mark.parametrize("f", [f for f in SIGNATORY if f.required], ids=lambda f: f.key)
def test_a_required_field_left_out_is_said(tmp_path: Path, f: Field) -> None:
    entry = full_entry()
    del entry[f.key]
    path = write_list(tmp_path / "all.yaml", entry)
    problems: list[Problem] = []
    load_signature_list(path, problems)
    what = "signatory" if f.key == "name" else f"signatory '{entry['name']}'"
    assert [(p.line, p.message, p.hint) for p in problems] == [
        (2, f"{what} has no '{f.key}'", f.missing or f"add '{f.key}: ...'")
    ]


def test_the_public_record_holds_the_published_fields_and_nothing_private() -> None:
    published = [f.key for f in SIGNATORY if f.published]
    assert [g.name for g in dataclasses.fields(PublicSignatory)] == published
    assert not {f.key for f in PRIVATE} & set(published)


def test_the_letters_csv_has_the_published_fields_and_never_a_private_one() -> None:
    entry = Signatory(**(full_entry() | {"status": "signed"}))
    block = signature_block((entry,), (GroupSpec(entry.group, "The Heading"),), dt.date.max, "en")
    text = signatories_csv(block)
    header, row = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert header == list(CSV_FIELDS)
    assert header[0] == "group" and row[0] == "The Heading"
    for f in SIGNATORY:
        value = getattr(entry, f.key)
        shown = value.isoformat() if isinstance(value, dt.date) else str(value)
        if f.published and f.key != "group":
            assert row[header.index(f.key)] == shown
        elif f.private:
            assert f.key not in header and shown not in text


def exported(text: str, fmt: str) -> list[dict[str, str]]:
    """The records of ``sig export``'s output, every value as text."""
    if fmt == "json":
        return [{k: "" if v is None else str(v) for k, v in r.items()} for r in json.loads(text)]
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_sig_export_has_every_public_column_and_the_private_ones_only_when_asked(
    minimal: Path, fmt: str
) -> None:
    people = minimal / "signatories" / "people.yaml"
    write_list(people, full_entry(1), full_entry(2, name="Second"))
    public = run("sig", "export", "people", "--format", fmt, workspace=minimal)
    private = run("sig", "export", "people", "--format", fmt, "--private", workspace=minimal)
    assert public.exit_code == private.exit_code == 0, public.output + private.output
    without, withal = exported(public.stdout, fmt), exported(private.stdout, fmt)
    assert [f.column for f in SIGNATORY if not f.private] == list(without[0])
    assert [f.column for f in SIGNATORY] == sorted(withal[0], key=list(withal[0]).index)
    for f in SIGNATORY:
        value = sample(f, 1)
        shown = value.isoformat() if isinstance(value, dt.date) else str(value)
        assert withal[0][f.column] == shown, f.key
        if f.private:
            assert f.column not in without[0] and shown not in public.stdout
        else:
            assert without[0][f.column] == shown, f.key


def test_a_record_declared_against_its_kind_is_refused() -> None:
    @fields.record
    class Wrong:
        day: str = fields.field(fields.DATE, "A day typed as text.", default="")

    with pytest.raises(TypeError) as raised:
        fields.table(Wrong)
    assert str(raised.value) == "Wrong.day is annotated str, but a date field is dt.date | None"


@pytest.mark.parametrize("kind", sorted(fields.TABLES))
def test_the_docs_table_lists_every_field(kind: str) -> None:
    text = fields.markdown_table(kind)
    lines = text.splitlines()
    assert lines[0].startswith("| Field | Type | Required |")
    assert len(lines) == 2 + len(fields.TABLES[kind])
    for f, line in zip(fields.TABLES[kind], lines[2:], strict=True):
        assert line.startswith(f"| `{f.key}` |")
        assert f.help in line
        assert ("private" in line) == f.private
        if f.option:
            assert f"`{f.option}`" in line


# -- sig add, sig import and dedupe ------------------------------------------------------


def test_sig_add_has_an_option_for_every_field_that_declares_one() -> None:
    from campaign.cli.sig import add

    options = [opt for param in add.params for opt in param.opts if opt.startswith("--")]
    assert [f.option for f in SIGNATORY if f.option] == options[: len(options) - 2]
    assert options[-2:] == ["--create", "--force"]


def _offered(f: Field) -> Any:
    """``sample``, or for a choice 'sig add' offers only some words of, one of those."""
    return next(c for c in f.add_choices if c != f.default) if f.add_choices else sample(f, 3)


def test_sig_add_writes_every_field_given_by_its_option(minimal: Path) -> None:
    given = [f for f in SIGNATORY if f.option]
    args = []
    for f in given:
        value = _offered(f)
        args += [f.option, value.isoformat() if isinstance(value, dt.date) else value]
    added = run("sig", "add", "people", *args, "--force", workspace=minimal)
    assert added.exit_code == 0, added.output
    problems: list[Problem] = []
    loaded = load_signature_list(minimal / "signatories" / "people.yaml", problems)
    assert loaded is not None and problems == []
    entry = next(e for e in loaded.entries if e.name == sample(SIGNATORY[0], 3))
    for f in given:
        assert getattr(entry, f.key) == _offered(f), f.key


def test_every_import_alias_names_its_field_and_no_other() -> None:
    from campaign.lists.csvimport import _heading_field
    from campaign.text.names import fold

    seen: dict[str, str] = {}
    for f in SIGNATORY:
        for alias in f.aliases:
            assert _heading_field(alias) == f.key, alias
            assert _heading_field(alias.upper()) == f.key, alias
            assert seen.setdefault(fold(alias), f.key) == f.key, alias


def test_sig_import_reads_every_field_from_its_column(minimal: Path, tmp_path: Path) -> None:
    imported = [f for f in SIGNATORY if f.aliases]
    rows = io.StringIO()
    writer = csv.writer(rows)
    writer.writerow([f.aliases[0].title() for f in imported])
    for n in (4, 5):
        values = [sample(f, n) for f in imported]
        writer.writerow([v.isoformat() if isinstance(v, dt.date) else v for v in values])
    form = tmp_path / "form.csv"
    form.write_text(rows.getvalue())
    done = run("sig", "import", "people", str(form), "--force", workspace=minimal)
    assert done.exit_code == 0, done.output
    assert "Imported 2 of 2 rows" in done.stdout
    problems: list[Problem] = []
    loaded = load_signature_list(minimal / "signatories" / "people.yaml", problems)
    assert loaded is not None and problems == []
    for n, entry in zip((4, 5), loaded.entries[-2:], strict=True):
        for f in imported:
            assert getattr(entry, f.key) == sample(f, n), f.key


def pair(f: Field, first: Any, second: Any) -> list[Signatory]:
    """Two entries of one name, ``f`` given as ``first`` and ``second`` ('' leaves it out)."""
    base = {"name": "Same Name", "type": "individual", "group": "people", "status": "signed"}
    return [
        Signatory(**base | ({f.key: value} if value else {}), line=n)
        for n, value in ((2, first), (6, second))
    ]


@pytest.mark.parametrize("f", [f for f in SIGNATORY if f.merged], ids=lambda f: f.key)
def test_dedupe_merges_a_field_the_table_says_it_merges(f: Field) -> None:
    from campaign.lists.dedupe import find_duplicates, merge_plan

    # A required field is the same on both sides (the pair's own name, type and group).
    value = {"name": "Same Name", "type": "individual", "group": "people"}.get(f.key, sample(f))
    entries = pair(f, "", value) if not f.required else pair(f, value, value)
    (group,) = find_duplicates(entries)
    assert group.merges == ((0, 1),) and group.doubts == ()
    assert merge_plan(entries, (0, 1))[1][f.key] == value


@pytest.mark.parametrize("f", [f for f in SIGNATORY if not f.merged], ids=lambda f: f.key)
def test_dedupe_leaves_alone_a_field_the_table_says_it_does_not_merge(f: Field) -> None:
    from campaign.lists.dedupe import merge_plan

    value = sample(f)
    entries = pair(f, "", value if f.key != "status" else "signed")
    merged = merge_plan(entries, (0, 1))[1]
    # The day of signing and the status are worked out (the earliest; signed over pending).
    assert f.key not in merged or f.key in ("signed", "status")


@pytest.mark.parametrize("f", [f for f in SIGNATORY if f.differs], ids=lambda f: f.key)
def test_dedupe_merges_no_entries_whose_field_differs(f: Field) -> None:
    from campaign.lists.dedupe import find_duplicates

    first, second = (sample(f, 1), sample(f, 2)) if f.kind != fields.CHOICE else f.choices[:2]
    entries = pair(f, first, second)
    (group,) = find_duplicates(entries)
    assert group.merges == ()
    (doubt,) = group.doubts
    assert f.differs in doubt.message
    assert (str(first) in doubt.message) != f.private


@pytest.mark.parametrize("kind", sorted(fields.TABLES))
def test_the_font_check_reads_every_field_that_prints_and_no_other(
    tmp_path: Path, kind: str
) -> None:
    from campaign.checks.fonts import check_list, check_recipients
    from campaign.model.records import SignatureList

    table = fields.TABLES[kind]
    box = "\ue000"  # a private-use character no font draws
    values: dict[str, Any] = {}
    for f in table:
        value = sample(f)
        if f.kind in (fields.TEXT, fields.NOTE):
            value = f"{value}{box}"
        elif f.kind == fields.LINES:
            value = tuple(f"{line}{box}" for line in value)
        values[f.key] = value
    problems: list[Problem] = []
    if kind == "signatory":
        check_list(SignatureList("l", tmp_path, (Signatory(**values, line=3),)), problems)
    else:
        check_recipients(tmp_path, [fields.Recipient(role="to", **values, line=3)], problems)
    drawn = [f for f in table if f.kind in (fields.TEXT, fields.NOTE, fields.LINES)]
    expected = sum(len(values[f.key]) if f.kind == fields.LINES else 1 for f in drawn if f.prints)
    assert len(problems) == expected > 0
    said = f"no installed font has '{box}' (U+E000 unnamed character) in {kind} '{values['name']}'"
    assert {(p.path, p.line, p.message, p.warning) for p in problems} == {(tmp_path, 3, said, True)}
