"""``campaign signatories`` (alias ``sig``): Click glue around signlist and sigreport."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from campaign.errors import CampaignError, ProblemsFound, display_path, echo_problems, shown
from campaign.model import fields as table
from campaign.model import stops
from campaign.model.fields import PRIVATE_FIELDS, SIGNATORY
from campaign.model.records import STATUSES, TYPES

FORMATS = ("table", "csv", "json")


class _Date(click.ParamType):  # type: ignore[type-arg]
    """A YYYY-MM-DD date option."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """Parse the option's text as a calendar date."""
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{shown(str(value))}' is not a date written YYYY-MM-DD", param, ctx)


DATE = _Date()


def _root(ctx: click.Context) -> Path:
    from campaign.load.workspace import Workspace

    obj = ctx.find_root().obj or {}
    return Workspace.locate(obj.get("workspace")).root


def _existing(ctx: click.Context, name: str) -> Path:
    from campaign.lists.edit import existing_list

    return existing_list(_root(ctx), name)


@contextmanager
def _reporting() -> Iterator[None]:
    """Print the problems behind a ProblemsFound before Click prints its summary."""
    try:
        yield
    except ProblemsFound as exc:
        echo_problems(exc.problems)
        raise


def _show(outcome: Any) -> None:
    # Done: a stop that comes as it is said is too late, and was said as "Aborted!" of
    # a list that was changed.
    stops.done()
    echo_problems(outcome.problems)
    for line in [*outcome.changes, *outcome.notes]:
        click.echo(line)


def _interactive() -> bool:
    return sys.stdin.isatty()


@click.group("signatories")
def signatories() -> None:
    """Manage sign-on lists in signatories/ (alias: sig).

    LIST is the name of a file in signatories/ without .yaml, or a path to one.
    Changes keep the file's comments and layout, and are checked before writing.
    """


@signatories.command("list")
@click.argument("name", metavar="LIST")
@click.option("--group", help="Only this group.")
@click.option("--status", type=click.Choice(STATUSES), help="Only entries with this status.")
@click.option("--as-of", type=DATE, help="Only signatures that stood on this day.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True)
@click.pass_context
def list_(
    ctx: click.Context,
    name: str,
    group: str | None,
    status: str | None,
    as_of: dt.date | None,
    fmt: str,
) -> None:
    """Show a list's entries, with filters.

    Public fields only; the line column says where each entry is in the file.
    """
    from campaign.lists.report import formatted, read_list, select, summary

    path = _existing(ctx, name)
    with _reporting():
        entries, problems = read_list(path)
    echo_problems(problems)
    shown = select(entries, group, status, as_of)
    click.echo(formatted(shown, fmt).removeprefix("\ufeff"), nl=False)
    if fmt == "table":
        click.echo(summary(entries, shown))


_OPTIONED = tuple(f for f in SIGNATORY if f.option)  # the fields 'sig add' takes


def _field_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of 'sig add', one per field of the field table that has one."""
    for f in reversed(_OPTIONED):  # applied bottom-up: the table's order in --help
        kind: Any = click.Choice(f.add_choices or f.choices) if f.kind == table.CHOICE else None
        kind = DATE if f.kind == table.DATE else kind
        default = f.add_default if f.kind == table.CHOICE and f.add_default else None
        later = f"  [default: {f.add_default}]" if default is None and f.add_default else ""
        command = click.option(
            f.option,
            f"field_{f.key}",
            type=kind,
            default=default,
            show_default=default is not None,
            help=f.help + later,
        )(command)
    return command


@signatories.command()
@click.argument("name", metavar="LIST")
@_field_options
@click.option("--create", is_flag=True, help="Start the list if it does not exist yet.")
@click.option("--force", is_flag=True, help="Take a group no letter using the list prints.")
@click.pass_context
def add(ctx: click.Context, /, name: str, create: bool, force: bool, **fields: Any) -> None:
    """Add a signatory to a list.

    In a terminal, a missing name, type or group is asked for. The entry goes
    after the last one of its group. A list that does not exist yet is refused
    (a misspelt name) unless --create; a group no letter using the list prints
    is refused unless --force.
    """
    from campaign.lists.edit import add as add_entry
    from campaign.lists.edit import check_group, existing_list, printed_groups

    root = _root(ctx)
    path = existing_list(root, name, create)
    printed = printed_groups(root, path)
    record = {f.key: fields[f"field_{f.key}"] for f in _OPTIONED}
    for f in _OPTIONED:
        if f.kind == table.DATE and f.add_default == "today" and not record[f.key]:
            record[f.key] = dt.date.today()
    missing = [f for f in _OPTIONED if f.required and not record[f.key]]
    if missing and _interactive():
        for f in missing:
            choices = click.Choice(f.choices) if f.kind == table.CHOICE else None
            record[f.key] = click.prompt(f.key.capitalize(), type=choices)
    elif missing:
        options = ", ".join(f.option for f in missing)
        raise CampaignError(f"add needs {options} (or run it in a terminal to be asked)")
    for f in _OPTIONED:
        if f.kind == table.EMAIL and record[f.key]:
            from campaign.load.schema import email_problem

            if reason := email_problem(record[f.key]):
                raise CampaignError(f"{f.option} '{shown(record[f.key])}' is not valid: {reason}")
    check_group(record["group"], printed, force)
    with _reporting():
        _show(add_entry(path, record, printed))


@signatories.command("set")
@click.argument("name", metavar="LIST")
@click.argument("who")
@click.argument("settings", nargs=-1, required=True, metavar="FIELD=VALUE...")
@click.option("--force", is_flag=True, help="Take a group no letter using the list prints.")
@click.pass_context
def set_(ctx: click.Context, name: str, who: str, settings: tuple[str, ...], force: bool) -> None:
    """Change fields of one entry: group, affiliation, name_latin, sort_as, country, ...

    WHO is an e-mail address, a full name, or words of a name, as for withdraw.
    FIELD= with nothing after it takes the field out. The list is checked as
    'campaign check' would before it is written; comments and layout stay.
    """
    from campaign.lists.edit import parse_settings, printed_groups, set_fields

    root = _root(ctx)
    path = _existing(ctx, name)
    fields = parse_settings(settings)
    with _reporting():
        _show(set_fields(path, who, fields, printed_groups(root, path), force))


@signatories.command()
@click.argument("name", metavar="LIST")
@click.argument("who")
@click.option("--date", type=DATE, help="Day of withdrawal.  [default: today]")
@click.pass_context
def withdraw(ctx: click.Context, name: str, who: str, date: dt.date | None) -> None:
    """Mark a signatory withdrawn; never printed again.

    The entry stays in the file with its status and the date of withdrawal.

    WHO is an e-mail address, a full name, or words of a name; accents, case and
    punctuation do not matter. A WHO that fits several entries changes nothing.
    """
    from campaign.lists.edit import withdraw as withdraw_entry

    path = _existing(ctx, name)
    with _reporting():
        _show(withdraw_entry(path, who, date or dt.date.today()))


@signatories.command()
@click.argument("name", metavar="LIST")
@click.argument("who")
@click.option("--date", type=DATE, help="Day of the opt-out.  [default: today]")
@click.pass_context
def optout(ctx: click.Context, name: str, who: str, date: dt.date | None) -> None:
    """Record that a signer wants no more messages (optout: DATE); they still print.

    'campaign notify' never mails an entry that opted out. WHO is an e-mail
    address, a full name, or words of a name, as for withdraw.
    """
    from campaign.lists.edit import opt_out

    path = _existing(ctx, name)
    with _reporting():
        _show(opt_out(path, who, date or dt.date.today()))


@signatories.command()
@click.argument("name", metavar="LIST")
@click.option(
    "--format", "fmt", type=click.Choice(("text", "csv", "json")), default="text",
    show_default=True,
)  # fmt: skip
@click.pass_context
def audit(ctx: click.Context, name: str, fmt: str) -> None:
    """Show where each printed signature came from, flagging those with no source.

    An entry's private 'source:' says how it came (sig add, sig import, the sign-on
    page, a merge). One without was typed in by hand: in a git repository the
    audit names who committed it; outside one it says nobody can tell.
    """
    from campaign.lists.audit import audit as run_audit
    from campaign.lists.audit import formatted

    path = _existing(ctx, name)
    with _reporting():
        audited, in_git = run_audit(path)
    click.echo(formatted(path, audited, in_git, fmt).removeprefix("\ufeff"), nl=False)


@signatories.command()
@click.argument("name", metavar="LIST")
@click.argument("who", required=False)
@click.option("--all-pending", is_flag=True, help="Approve every pending entry.")
@click.pass_context
def approve(ctx: click.Context, name: str, who: str | None, all_pending: bool) -> None:
    """Approve pending signatures (moderation).

    WHO (or every pending entry, with --all-pending) goes from pending to signed.
    """
    from campaign.lists.edit import approve as approve_entries

    if bool(who) == all_pending:
        raise click.UsageError("give either WHO or --all-pending")
    path = _existing(ctx, name)
    with _reporting():
        _show(approve_entries(path, who, dt.date.today()))


@signatories.command()
@click.argument("name", metavar="LIST")
@click.argument("who")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def remove(ctx: click.Context, name: str, who: str, yes: bool) -> None:
    """Delete an entry from the file.

    Asks first, unless --yes. To keep a record of who left, use withdraw.
    """
    from campaign.lists.edit import remove as remove_entry

    path = _existing(ctx, name)
    confirm: Callable[[str], bool] = (lambda _q: True) if yes else (lambda q: click.confirm(q))
    with _reporting():
        _show(remove_entry(path, who, confirm))


@signatories.command("import")
@click.argument("name", metavar="LIST")
@click.argument("csv_file", metavar="FILE.csv", type=click.Path(dir_okay=False, exists=True))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="COLUMN=FIELD",
    help="Read a column into a field ('-' leaves it out). Repeatable.",
)
@click.option("--status", type=click.Choice(STATUSES[:2]), default="pending", show_default=True)
@click.option("--type", "kind", type=click.Choice(TYPES), help="Type of rows without one.")
@click.option("--group", help="Group of rows without one.")
@click.option(
    "--map-value",
    "value_maps",
    multiple=True,
    metavar="COLUMN:ANSWER=VALUE",
    help="Read a form's answer as a field's value. Repeatable.",
)
@click.option(
    "--answers",
    "answers_file",
    type=click.Path(dir_okay=False, exists=True),
    metavar="FILE.yaml",
    help="Answers and their values, by column: 'Column: {Answer: value}'.",
)
@click.option("--date-order", type=click.Choice(("dmy", "mdy")), help="For dates like 03/04/2020.")
@click.option("--skip-invalid", is_flag=True, help="Import the good rows even if some are bad.")
@click.option("--create", is_flag=True, help="Start the list if it does not exist yet.")
@click.option("--force", is_flag=True, help="Take groups no letter using the list prints.")
@click.pass_context
def import_(
    ctx: click.Context,
    name: str,
    csv_file: str,
    maps: tuple[str, ...],
    status: str,
    kind: str | None,
    group: str | None,
    value_maps: tuple[str, ...],
    answers_file: str | None,
    date_order: str | None,
    skip_invalid: bool,
    create: bool,
    force: bool,
) -> None:
    """Add signatures from a CSV export.

    Spreadsheet and web-form exports: UTF-8 with or without BOM, comma,
    semicolon or tab separated.

    Headings such as "Timestamp", "Email Address", "I am signing as" or
    "Organisation / affiliation" are recognised; --map names the others. Answers
    such as "An individual" or "Une organisation" are read as types; --map-value
    reads others. Without a group column or --group, a row's group follows from
    its type when the letters print one group per type (or only one group).
    Rows already on the list are reported and not added twice. With any bad row
    nothing is imported, unless --skip-invalid.
    """
    from campaign.lists.csvimport import Rules, parse_map, parse_value_maps, read_answers
    from campaign.lists.edit import (
        ImportRefused,
        check_group,
        existing_list,
        import_csv,
        printed_groups,
    )

    root = _root(ctx)
    path = existing_list(root, name, create)
    printed = printed_groups(root, path)
    if group:
        check_group(group, printed, force)
    with _reporting():
        from_file = read_answers(Path(answers_file)) if answers_file else ()
    rules = Rules(from_file + parse_value_maps(value_maps), printed, force)
    defaults = {"status": status, "type": kind, "group": group, "signed": dt.date.today()}
    with _reporting():
        try:
            outcome = import_csv(
                path, Path(csv_file), parse_map(maps), defaults, date_order, skip_invalid, rules
            )
        except ImportRefused as exc:
            echo_problems(exc.outcome.problems)
            raise
    _show(outcome)


@signatories.command()
@click.argument("name", metavar="LIST")
@click.option("--format", "fmt", type=click.Choice(FORMATS[1:]), default="csv", show_default=True)
@click.option(
    "--private",
    is_flag=True,
    help=f"Include the private fields: {', '.join(PRIVATE_FIELDS[:-1])} and {PRIVATE_FIELDS[-1]}.",
)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help="Write to a file.")
@click.pass_context
def export(ctx: click.Context, name: str, fmt: str, private: bool, output: str | None) -> None:
    """Write every entry as CSV or JSON.

    Public fields only, unless --private adds the private ones.
    """
    from campaign.files.atomic import write_atomic
    from campaign.lists.report import formatted, read_list

    path = _existing(ctx, name)
    if output and Path(output).suffix in (".yaml", ".yml"):
        raise CampaignError(
            f"refusing to write {fmt.upper()} into {output}, a YAML file (a sign-on list?)"
        )
    with _reporting():
        entries, problems = read_list(path)
    echo_problems(problems)
    text = formatted(entries, fmt, private)
    if output:
        write_atomic(Path(output), text)
        click.echo(f"wrote {len(entries)} entries to {display_path(Path(output))}", err=True)
    else:
        click.echo(text.removeprefix("\ufeff"), nl=False)


@signatories.command()
@click.argument("name", metavar="LIST")
@click.option("--merge", is_flag=True, help="Merge each group into one entry.")
@click.pass_context
def dedupe(ctx: click.Context, name: str, merge: bool) -> None:
    """Find (and --merge) likely duplicates.

    Same e-mail address, or names equal once normalised.

    Names are compared without case, accents, punctuation or a leading "The",
    and with or without an acronym in brackets or after a dash. --merge merges
    only entries sure to be one: the same full name (a bare acronym only when it
    stands for one name on the list) and no field that differs. It keeps the
    earliest signature, the fullest record and the fullest name.
    """
    from campaign.lists.dedupe import find_duplicates
    from campaign.lists.edit import merge_duplicates, where
    from campaign.lists.report import read_list

    path = _existing(ctx, name)
    with _reporting():
        if merge:
            _show(merge_duplicates(path))
            return
        entries, problems = read_list(path)
    echo_problems(problems)
    groups = find_duplicates(entries)
    if not groups:
        click.echo(f"{display_path(path)}: no likely duplicates among {len(entries)} entries.")
        return
    for n, group in enumerate(groups, start=1):
        click.echo(f"{n}. {'; '.join(group.reasons)}")
        for index in group.members:
            e = entries[index]
            signed = e.signed.isoformat() if e.signed else "no date"
            email = " <e-mail on file>" if e.email else ""
            click.echo(f"   {where(path, e)}: {e.name} ({e.status}, {signed}){email}")
        for doubt in group.doubts:
            click.echo(f"   {where(path, entries[doubt.index])}: {doubt.message}")
    plural = "s" if len(groups) != 1 else ""
    doubts = " except where it says 'not merged'" if any(g.doubts for g in groups) else ""
    click.echo(
        f"{len(groups)} group{plural} of likely duplicates; 'dedupe --merge' merges them{doubts}."
    )


@signatories.command()
@click.argument("name", metavar="LIST")
@click.pass_context
def stats(ctx: click.Context, name: str) -> None:
    """Counts by status, group, type and country.

    Then the signatures per day, with a running total.
    """
    from campaign.lists.report import read_list
    from campaign.lists.report import stats as make_stats

    path = _existing(ctx, name)
    with _reporting():
        entries, problems = read_list(path)
    echo_problems(problems)
    click.echo(make_stats(path, entries), nl=False)


@signatories.command()
@click.argument("name", metavar="LIST")
@click.option(
    "--since", required=True, metavar="DATE|GIT-REV", help="YYYY-MM-DD, or a git revision."
)
@click.pass_context
def diff(ctx: click.Context, name: str, since: str) -> None:
    """Who signed and who withdrew since then.

    --since is a date (YYYY-MM-DD) or a git revision; the text is ready to paste
    into an update to the coalition.
    """
    from campaign.lists.report import diff as make_diff
    from campaign.lists.report import read_list

    path = _existing(ctx, name)
    with _reporting():
        entries, problems = read_list(path)
        echo_problems(problems)
        click.echo(make_diff(path, entries, since), nl=False)


@signatories.command()
@click.argument("name", metavar="LIST")
@click.option("--approve", is_flag=True, help="Add them as signed, not pending.")
@click.option("--dry-run", is_flag=True, help="Say what would change, and change nothing.")
@click.option(
    "--letter",
    "slug",
    metavar="SLUG",
    help="Only the sign-on page of this letter.  [default: every letter that prints LIST]",
)
@click.option(
    "--database",
    metavar="URL",
    help="The sign-on page's database.  [default: CAMPAIGN_DATABASE, else the workspace's]",
)
@click.pass_context
def pull(
    ctx: click.Context,
    name: str,
    approve: bool,
    dry_run: bool,
    slug: str | None,
    database: str | None,
) -> None:
    """Add the signatures confirmed on the sign-on page to a list.

    Each comes in as pending (signed with --approve), remembering privately that it
    came from the page and when it was confirmed; one already on the list (dedupe's
    rules) is reported, not added. Withdrawals confirmed on the page become
    'withdrawn'. Pulling again adds nobody twice.
    """
    import os

    from campaign.signon.pull import Unmarked, letters_using, no_letter
    from campaign.signon.pull import pull as pull_signatures
    from campaign.signon.store import Store, Unavailable, default_url

    root = _root(ctx)
    path = _existing(ctx, name)
    letters = letters_using(root, path)
    if slug:
        if slug not in letters:
            raise no_letter(path, slug, letters)
        letters = {slug: letters[slug]}
    if not letters:
        raise no_letter(path, None, letters)
    url = database or os.environ.get("CAMPAIGN_DATABASE") or default_url(root)
    if not (database or os.environ.get("CAMPAIGN_DATABASE")):
        stored = root / ".campaign" / "signon.sqlite"
        if not stored.is_file():
            raise CampaignError(
                f"no sign-on database in {display_path(root / '.campaign')}; nothing was changed\n"
                "  hint: 'campaign signon serve SLUG' makes it; --database names another"
            )
    store = Store(url)
    # Pulled again, nothing is added twice: what the list holds is found in it.
    again = f"  hint: run 'campaign sig pull {name}' again; nothing is added twice"
    try:
        store.prepare()
        with _reporting():
            done = pull_signatures(store, path, letters, approve, dry_run)
    except Unmarked as exc:
        for line in exc.outcome.changes:
            click.echo(line)
        if exc.stopped:
            raise CampaignError(
                f"{display_path(path)} was written, but the pull was stopped before the "
                f"sign-on database was told what went into it\n{again}, and it is told"
            ) from None
        raise CampaignError(
            f"{display_path(path)} was written, but the sign-on database did not answer in "
            f"time to be told what went into it ({exc.why})\n{again}, and it is told"
        ) from None
    except Unavailable as exc:
        raise CampaignError(
            f"the sign-on database did not answer in time ({exc}); nothing was changed\n{again}"
        ) from None
    finally:
        store.close()
    echo_problems(done.problems)
    for line in [*done.changes, *done.notes]:
        click.echo(line)
    status = "signed" if approve else "pending"
    said = (
        f"{done.added} added ({status}), {done.duplicates} already on the list, "
        f"{done.withdrawn} withdrawn" + (f", {done.updated} updated" if done.updated else "")
    )
    if dry_run:
        click.echo(f"Dry run: {said}; nothing was changed.")
    else:
        click.echo(f"{display_path(path)}: {said}.")
