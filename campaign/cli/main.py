"""The ``campaign`` command line: Click glue around the modules that do the work."""

from __future__ import annotations

import collections
import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

from campaign import __version__
from campaign.cli import follow
from campaign.cli.sig import signatories
from campaign.cli.signon import signon
from campaign.errors import (
    CampaignError,
    Problem,
    ProblemsFound,
    display_path,
    echo_problems,
)
from campaign.model.records import NONE, VARIANTS, SignatureList
from campaign.paths import NotAFile

if TYPE_CHECKING:
    from collections.abc import Callable

    from campaign.build.check import Layers, Loaded
    from campaign.build.plan import LetterPlan
    from campaign.build.run import Ahead, Made
    from campaign.lists.listfile import Kept
    from campaign.mail.policy import Options


def _checked(
    ctx: click.Context,
    slugs: tuple[str, ...],
    strict: bool,
    every: bool = True,
    variant: str | None = None,
    sending: bool = False,
    keep: list[Kept] | None = None,
    loaded: Loaded | None = None,
    reading: Callable[[Path], None] | None = None,
    layers: Layers | None = None,
) -> tuple[list[LetterPlan], list[Problem]]:
    """Check the workspace's letters, printing every problem; raise if any is an error.

    Each signature list is taken from the reading kept for its bytes, if any (``sig``
    commands keep one); with ``keep`` (a build), the reading of a list read whole is
    added to it, for the build to keep when it has succeeded. ``loaded`` as check's;
    ``reading`` is called with each list's path before it is read.
    """
    from campaign.build.check import check
    from campaign.lists.listfile import read_list
    from campaign.load.workspace import Workspace

    workspace = Workspace.locate(ctx.obj.get("workspace"))

    def reader(path: Path, problems: list[Problem]) -> SignatureList | None:
        if reading is not None:
            reading(path)
        return read_list(path, problems, keep)

    try:
        plans, problems = check(
            workspace, list(slugs) or None, strict, every, variant, sending, reader, loaded, layers
        )
    except ProblemsFound as exc:
        echo_problems(exc.problems)
        raise
    echo_problems(problems)
    return plans, problems


class _Commands(click.Group):
    """The top-level group; it also answers to short aliases."""

    aliases: ClassVar[dict[str, str]] = {"sig": "signatories"}

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command called ``cmd_name`` or by that alias."""
        return super().get_command(ctx, self.aliases.get(cmd_name, cmd_name))

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; a file found to be a pipe or a device where it is read is said."""
        try:
            return super().invoke(ctx)
        except NotAFile as exc:
            # Where no check before the read looked at the file: said at its path, as
            # any problem is. Nothing was written, as every output is written whole.
            where = display_path(Path(exc.filename)) if exc.filename else "a file"
            raise CampaignError(f"{where}: {exc.strerror}\n  hint: {exc.hint}") from None
        except OSError as exc:
            if not exc.filename:
                raise
            # A file the system would not let be read or written (no room left, no
            # permission): said at its path rather than as a traceback.
            where = display_path(Path(os.fsdecode(exc.filename)))
            raise CampaignError(f"{where}: {exc.strerror}") from None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="campaign")
@click.option(
    "--workspace",
    "-C",
    type=click.Path(file_okay=False, exists=True),
    envvar="CAMPAIGN_WORKSPACE",
    help="Workspace folder (default: the nearest one at or above the current folder).",
)
@click.pass_context
def cli(ctx: click.Context, workspace: str | None) -> None:
    """Joint open letters: sign-on lists in, addressed PDFs out."""
    try:  # every path shown is relative to it, and a layout resolves its files from it
        os.getcwd()
    except FileNotFoundError:
        raise CampaignError(
            "the current folder no longer exists (it was deleted or moved after the shell "
            "entered it)\n  hint: cd to a folder that exists, such as the workspace, and run "
            "the command again"
        ) from None
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = workspace


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False), default=".")
@click.option("--bare", is_flag=True, help="Without the example letter and its list.")
def init(directory: str, bare: bool) -> None:
    """Make a workspace with the joint-letter template and an example.

    It has a .gitignore that keeps build/ (letters, addresses, the send log) out of git.
    """
    from campaign.drafting.scaffold import init_workspace

    target = Path(directory)
    written = init_workspace(target, bare=bare)
    click.echo(f"Created a workspace in {display_path(target)} ({len(written)} files).")
    if bare:
        click.echo(f"Next: cd {display_path(target)} && campaign new SLUG")
    else:
        click.echo(f"Next: cd {display_path(target)} && campaign build")


@cli.command()
@click.argument("slug")
@click.option(
    "--template",
    "-t",
    help="Template to draft with ('campaign templates' lists them).  [default: joint-letter]",
)
@click.option(
    "--signatories",
    "list_name",
    metavar="LIST",
    help="Use signatories/LIST.yaml.  [default: a new list named after the letter]",
)
@click.option(
    "--from",
    "copy_from",
    metavar="OTHER-SLUG",
    help="Start from a copy of another letter (dated today) instead of a template.",
)
@click.pass_context
def new(
    ctx: click.Context,
    slug: str,
    template: str | None,
    list_name: str | None,
    copy_from: str | None,
) -> None:
    """Draft a new letter in letters/SLUG/, ready to build, with [TODO: ...] to fill in."""
    from campaign.drafting.new import new_letter
    from campaign.load.workspace import Workspace

    if copy_from and (list_name or template):
        raise click.UsageError("--from copies the letter's template and list; change them after")
    workspace = Workspace.locate(ctx.obj.get("workspace"))
    drafted = new_letter(workspace.root, slug, template or "joint-letter", list_name, copy_from)
    folder = display_path(drafted.folder)
    click.echo(f"Created {folder}/: {', '.join(drafted.files)}")
    if drafted.list_path is not None:
        made = "a new list" if drafted.list_created else "the list it uses"
        click.echo(f"  {display_path(drafted.list_path)}: {made}")
    for note in drafted.notes:
        click.echo(f"  {note}")
    if copy_from:
        click.echo(f"Next: edit the copy, then: campaign build {slug}")
    else:
        click.echo(
            f"Next: replace each [TODO: ...] ('campaign check {slug}' lists them), "
            f"then: campaign build {slug}"
        )


@cli.command()
@click.pass_context
def templates(ctx: click.Context) -> None:
    """List the letter templates: the shipped ones and the workspace's own."""
    from campaign.load.catalog import describe
    from campaign.load.workspace import Workspace

    try:
        root = Workspace.locate(ctx.obj.get("workspace")).root
    except CampaignError:
        root = None  # outside a workspace: the shipped templates alone
    infos = describe(root)
    width = max(len(info.name) for info in infos)
    for info in infos:
        where = ""
        if info.own:
            where = f" (this workspace's{', extends ' + info.builds_on if info.builds_on else ''})"
        click.echo(f"{info.name:<{width}}  {info.description or '(no description)'}{where}")


@cli.command()
@click.argument("slugs", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings (such as unknown keys) as errors.")
@click.pass_context
def check(ctx: click.Context, slugs: tuple[str, ...], strict: bool) -> None:
    """Validate letters (all by default), reporting every problem at once."""
    from campaign.build.check import fit_check_ahead

    with contextlib.ExitStack() as ahead:
        plans, problems = _checked(ctx, slugs, strict, loaded=fit_check_ahead(ahead))
    for plan in plans:
        b = plan.bundle
        listed = f"{b.signatures.count} signatories as of {b.letter.as_of}"
        click.echo(
            f"{b.name}: {listed if b.letter.list_name else 'no signature list'}, "
            f"{_plural(len(b.to), 'addressee')}, {len(b.cc)} in cc"
        )
    warnings = f" ({len(problems)} warning{'s' if len(problems) != 1 else ''})" if problems else ""
    letters = sum(1 for plan in plans if not plan.bundle.letter.edition)  # not translations
    click.echo(f"No problems found in {letters} letter{'s' if letters != 1 else ''}{warnings}.")


@cli.command()
@click.argument("slugs", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings (such as unknown keys) as errors.")
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    help="Worker processes laying out PDFs.  [default: one per 40 PDFs to make, at most "
    "one per CPU]",
)
@click.option("--force", is_flag=True, help="Make every file again, changed or not.")
@click.option("--verbose", "-v", is_flag=True, help="Say how each letter's PDFs are made.")
@click.option(
    "--pdf-variant",
    type=click.Choice([*VARIANTS, NONE]),
    help="Archival (pdf/a-3b) or accessible, tagged (pdf/ua-1) PDFs; 'none' for plain ones.  "
    "[default: pdf_variant in campaign.yaml, else none]",
)
@click.pass_context
def build(
    ctx: click.Context,
    slugs: tuple[str, ...],
    strict: bool,
    jobs: int | None,
    force: bool,
    verbose: bool,
    pdf_variant: str | None,
) -> None:
    """Render letters (all by default) into build/<slug>/: PDFs, CSV, web page.

    Only the files whose inputs changed since the last build are made again.
    """
    from campaign.build import unchanged
    from campaign.load.workspace import Workspace

    variant = "" if pdf_variant == NONE else pdf_variant
    root = Workspace.locate(ctx.obj.get("workspace")).root
    # Where it runs from too: the paths it prints are relative to that folder.
    here = os.path.relpath(Path.cwd(), root)
    key = unchanged.inputs(root, (sorted(slugs), strict, variant, here))
    if not force and not verbose and (same := unchanged.replay(root, key)):
        echo_problems(same.problems)
        with click.progressbar(length=same.total, label="Building", file=sys.stderr):
            pass  # nothing to make, as in a build that finds every output up to date
        for line in same.lines:
            click.echo(line)
        return
    from campaign.build.run import Ahead
    from campaign.lists.listfile import keep_readings

    read: list[Kept] = []  # a long list read whole, its reading kept once all is built
    # The workers' server imports WeasyPrint on another core while the letters are read.
    with contextlib.ExitStack() as stack:
        ahead = Ahead(stack, jobs, force)
        plans, problems = _checked(
            ctx,
            slugs,
            strict,
            every=False,
            variant=variant,
            keep=read,
            loaded=ahead.loaded,
            reading=ahead.reading,
            layers=ahead.layers,
        )
        _build_checked(root, key, plans, problems, jobs, force, verbose, ahead)
    keep_readings(read)


def _build_checked(
    root: Path,
    key: str,
    plans: list[LetterPlan],
    problems: list[Problem],
    jobs: int | None,
    force: bool,
    verbose: bool,
    ahead: Ahead | None = None,
) -> None:
    """Build the checked ``plans``, and record what an unchanged build again would say."""
    from campaign.build import unchanged
    from campaign.build.plan import read_proof

    total = sum(len(p.outputs) for p in plans)

    def finished() -> None:
        # What the same build again would say: every output up to date.
        lines = [
            line
            for plan in plans
            for line in (
                f"{display_path(plan.folder)}/: 0 files made, {len(plan.outputs)} up to date",
                *[f"  {proof}" for proof in [read_proof(plan)] if proof],
            )
        ]
        unchanged.record(root, key, unchanged.Replay(problems, total, lines))

    _built(plans, jobs, force, verbose, None if verbose else finished, ahead)


def _built(
    plans: list[LetterPlan],
    jobs: int | None,
    force: bool,
    verbose: bool,
    finished: Callable[[], None] | None,
    ahead: Ahead | None = None,
) -> None:
    """Build ``plans``, saying what was made; ``finished`` and ``ahead`` as run.build takes them."""
    from campaign.build.plan import read_proof
    from campaign.build.run import build as run_build

    total = sum(len(p.outputs) for p in plans)
    with click.progressbar(length=total, label="Building", file=sys.stderr) as bar:
        results = run_build(plans, lambda _path: bar.update(1), jobs, force, finished, ahead)
    for plan, made in zip(plans, results, strict=True):
        folder = display_path(plan.folder)
        click.echo(
            f"{folder}/: {_plural(len(made.written), 'file')} made, {made.unchanged} up to date"
        )
        if verbose:
            for line in _how_laid_out(plan, made):
                click.echo(f"  {line}")
        for path in made.written:
            click.echo(f"  {path.relative_to(plan.folder)}")
        proof = made.proof or read_proof(plan)
        if proof:
            click.echo(f"  {proof}")


def _how_laid_out(plan: LetterPlan, made: Made) -> list[str]:
    """What ``build -v`` says of how one letter's mail was laid out, a line each."""
    pieces = plan.composer.pieces
    letters = [g for g in plan.shared.groups if pieces[g[0]].role == "to"]
    planned = sum(len(group) for group in letters)
    # Those that were to share but did not are said below, with why.
    shared = planned - sum(1 for role, _ in made.unshared if role == "to")
    copies = sum(len(group) for group in plan.shared.groups) - planned
    copies -= sum(1 for role, _ in made.unshared if role == "cc")
    lines = []
    if shared:
        groups = len(letters)
        alike = f", in {groups} groups alike outside the addressee parts"
        lines.append(
            f"{_plural(shared, 'letter')} to addressees share their pages"
            + (alike if groups > 1 else "")
        )
    for why, count in plan.shared.reasons:
        alone = _plural(count, "other letter" if planned else "letter")
        lines.append(f"{alone} to addressees laid out one by one: {why}")
    if copies:
        lines.append(f"{_plural(copies, 'copy', 'copies')} for cc share their pages")
    if made.shared_pages and (shared or copies):  # else said below, with why
        stamped = [
            *(["each letter's address and salutation"] if shared else []),
            *(["each copy's address and copy mark"] if copies else []),
        ]
        lines.append(
            f"shared pages: {made.shared_pages} laid out once; {', and '.join(stamped)} stamped on"
        )
    said = collections.Counter(made.unshared)
    for (role, why), count in sorted(said.items()):
        what = (
            _plural(count, "letter") + " to addressees"
            if role == "to"
            else (_plural(count, "copy", "copies") + " for cc")
        )
        lines.append(f"{what} laid out whole: {why}")
    if not plan.shared.reasons and made.whole > len(made.unshared):  # none expected; said if so
        lines.append(f"{_plural(made.whole - len(made.unshared), 'letter')} laid out whole")
    return lines


@cli.command()
@click.argument("slug")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port on 127.0.0.1; 0 picks a free one.",
)
@click.option("--pdf", is_flag=True, help="Show the real PDF, laid out again on every change.")
@click.option("--no-open", is_flag=True, help="Do not open a browser.")
@click.pass_context
def preview(ctx: click.Context, slug: str, port: int, pdf: bool, no_open: bool) -> None:
    """Show a letter in the browser, updated as you edit its files (Ctrl+C stops).

    The page shows the letter to the first addressee on sheets of the letter's
    paper, with the envelope window outlined, and lists any problem instead. Only
    this computer can open it (127.0.0.1).
    """
    import webbrowser

    from campaign.load.workspace import Workspace
    from campaign.preview.server import Preview

    try:
        server = Preview(Workspace.locate(ctx.obj.get("workspace")), slug, pdf)
        url = server.start(port)
    except KeyboardInterrupt:
        return
    try:
        click.echo(f"Previewing {slug} at {url} (Ctrl+C to stop)")
        if not no_open:
            webbrowser.open(url)  # (a text browser runs here, until it is quit)
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()


def _plural(count: int, word: str, words: str = "") -> str:
    return f"{count} {word if count == 1 else words or word + 's'}"


@cli.command()
@click.argument("slug")
@click.option("--send", "really", is_flag=True, help="Really send; without it, a dry run.")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most N messages this time.")
@click.option("--test-to", metavar="ADDRESS", help="Send everything to ADDRESS, marked [TEST].")
@click.option("--resume", is_flag=True, help="Carry on after an interrupted run.")
@click.pass_context
def send(
    ctx: click.Context,
    slug: str,
    really: bool,
    limit: int | None,
    test_to: str | None,
    resume: bool,
) -> None:
    """E-mail each addressee and cc recipient their PDF (dry run unless --send).

    The letter is built first (only what changed). Every message the server
    accepts is logged in build/<slug>/sent.jsonl at once, and nobody in that log
    is ever mailed again: after an interruption, --resume sends the rest.
    """
    import os

    from campaign.mail.policy import Options, send_letter

    plans, _ = _checked(ctx, (slug,), False, every=False, sending=True)
    options = Options(really, limit, test_to or "", resume)
    ask = _ask_password if sys.stdin.isatty() else None
    send_letter(plans[0], options, os.environ, ask, _say, _again(["send", slug], options))


@cli.command()
@click.argument("slug")
@click.option("--message", "-m", required=True, metavar="NAME", help="messages/NAME.txt.j2.")
@click.option(
    "--only",
    metavar="pending|signed|new-since=REV",
    help="Only pending entries, printed signatures, or entries added since git revision REV.  "
    "[default: every entry not withdrawn]",
)
@click.option("--send", "really", is_flag=True, help="Really send; without it, a dry run.")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most N messages this time.")
@click.option("--test-to", metavar="ADDRESS", help="Send everything to ADDRESS, marked [TEST].")
@click.option("--resume", is_flag=True, help="Carry on after an interrupted run.")
@click.pass_context
def notify(
    ctx: click.Context,
    slug: str,
    message: str,
    only: str | None,
    really: bool,
    limit: int | None,
    test_to: str | None,
    resume: bool,
) -> None:
    """Mail a message to the letter's signers (dry run unless --send).

    Only signers with 'contact: yes' and an e-mail address, who have not opted out,
    are mailed; the others are counted, by reason. The message is
    letters/SLUG/messages/NAME.txt.j2, else the template's (check, sent, replied,
    blank).
    Each message the server accepts is logged in build/SLUG/notified.jsonl, and
    nobody gets the same message twice: after an interruption, --resume sends the rest.
    """
    import os

    from campaign.mail.notify import Chosen, parse_only
    from campaign.mail.notify import notify as run_notify
    from campaign.mail.policy import Options

    chosen = parse_only(only) if only else Chosen()
    plans, _ = _checked(ctx, (slug,), False, every=False)
    options = Options(really, limit, test_to or "", resume)
    ask = _ask_password if sys.stdin.isatty() else None
    picked = f"{chosen.only}={chosen.since}" if chosen.since else chosen.only
    again = _again(
        ["notify", slug, "--message", message, *(["--only", picked] * bool(picked))], options
    )
    run_notify(plans[0], message, chosen, options, os.environ, ask, _say, again)


def _again(command: list[str], options: Options) -> str:
    """The command that sends the rest of a stopped run: its messages, to whom it chose.

    With the run's ``--only`` (in ``command``) and ``--test-to``: without them, the
    rest of a rehearsal, or of a mailing to the printed signers, would go to everyone.
    Test copies are logged nowhere, so a rehearsal starts again, without ``--resume``.
    """
    import shlex

    if options.test_to:
        return shlex.join(["campaign", *command, "--test-to", options.test_to, "--send"])
    return shlex.join(["campaign", *command, "--send", "--resume"])


def _ask_password(prompt: str) -> str:
    """The password, typed at the terminal unseen."""
    return str(click.prompt(prompt, hide_input=True))


def _say(text: str, err: bool = False) -> None:
    click.echo(text, err=err)


@cli.command("export-mail")
@click.argument("slug")
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write (default build/<slug>/mail).",
)
@click.option("--strict", is_flag=True, help="Refuse addresses whose parts cannot be found.")
@click.pass_context
def export_mail(ctx: click.Context, slug: str, output: Path | None, strict: bool) -> None:
    """Write one PDF per recipient and addresses.csv, for a print-and-mail service.

    The letter is built first (only what changed). The CSV has the address in
    columns (lines, city, region, postal code, country), taken from the printed
    lines of recipients.yaml.
    """
    from campaign.build.run import build as run_build
    from campaign.mail.export import export_mail as write_export

    plans, said = _checked(ctx, (slug,), strict, every=False, sending=True)
    plan = plans[0]
    run_build([plan], lambda _path: None, 1)
    target = output or plan.folder / "mail"
    try:
        count, problems = write_export(plan, target, strict)
    except ProblemsFound as exc:
        echo_problems(exc.problems)
        raise
    echo_problems([p for p in problems if p not in said])  # check said some already
    click.echo(f"{display_path(target)}/: {_plural(count, 'letter')} and addresses.csv")


cli.add_command(signatories)
cli.add_command(follow.log)
cli.add_command(follow.status)
cli.add_command(signon)
