"""The ``campaign`` command line: Click glue around the modules that do the work."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import click

from campaign import __version__
from campaign.errors import Problem, ProblemsFound, display_path, echo_problems
from campaign.sigcli import signatories

if TYPE_CHECKING:
    from campaign.build import LetterPlan


def _checked(
    ctx: click.Context, slugs: tuple[str, ...], strict: bool
) -> tuple[list[LetterPlan], list[Problem]]:
    """Check the workspace's letters, printing every problem; raise if any is an error."""
    from campaign.build import check
    from campaign.workspace import Workspace

    workspace = Workspace.locate(ctx.obj.get("workspace"))
    try:
        plans, problems = check(workspace, list(slugs) or None, strict)
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
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = workspace


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False), default=".")
def init(directory: str) -> None:
    """Make a workspace with the joint-letter template and an example."""
    from campaign.scaffold import init_workspace

    target = Path(directory)
    written = init_workspace(target)
    click.echo(f"Created a workspace in {display_path(target)} ({len(written)} files).")
    click.echo(f"Next: cd {display_path(target)} && campaign build")


@cli.command()
@click.argument("slugs", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings (such as unknown keys) as errors.")
@click.pass_context
def check(ctx: click.Context, slugs: tuple[str, ...], strict: bool) -> None:
    """Validate letters (all by default), reporting every problem at once."""
    plans, problems = _checked(ctx, slugs, strict)
    for plan in plans:
        b = plan.bundle
        click.echo(
            f"{b.letter.slug}: {b.signatures.count} signatories as of {b.letter.as_of}, "
            f"{_plural(len(b.to), 'addressee')}, {len(b.cc)} in cc"
        )
    warnings = f" ({len(problems)} warning{'s' if len(problems) != 1 else ''})" if problems else ""
    click.echo(
        f"No problems found in {len(plans)} letter{'s' if len(plans) != 1 else ''}{warnings}."
    )


@cli.command()
@click.argument("slugs", nargs=-1)
@click.option("--strict", is_flag=True, help="Treat warnings (such as unknown keys) as errors.")
@click.pass_context
def build(ctx: click.Context, slugs: tuple[str, ...], strict: bool) -> None:
    """Render letters (all by default) into build/<slug>/: PDFs, CSV, web page."""
    from campaign.build import build as run_build

    plans, _ = _checked(ctx, slugs, strict)
    total = sum(len(p.outputs) for p in plans)
    with click.progressbar(length=total, label="Building", file=sys.stderr) as bar:
        written = run_build(plans, lambda _path: bar.update(1))
    for plan in plans:
        count = sum(1 for p in written if p.is_relative_to(plan.folder))
        click.echo(f"{display_path(plan.folder)}/: {count} files")
        for output in plan.outputs:
            click.echo(f"  {output.name}")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


cli.add_command(signatories)


def main() -> None:
    """Entry point of the ``campaign`` console script."""
    cli(obj={})
