"""``campaign log`` and ``campaign status``: Click glue around mail.status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from campaign.cli.sig import DATE
from campaign.errors import ProblemsFound, echo_problems


def _root(ctx: click.Context) -> Path:
    from campaign.load.workspace import Workspace

    obj = ctx.find_root().obj or {}
    return Workspace.locate(obj.get("workspace")).root


@click.command("log")
@click.argument("slug")
@click.argument("text")
@click.option("--from", "sender", metavar="RECIPIENT", help="Who replied: a recipient's name.")
@click.option(
    "--file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="The reply itself (copied into letters/SLUG/replies/).",
)
@click.option("--date", type=DATE, help="When it happened.  [default: today]")
@click.pass_context
def log(
    ctx: click.Context,
    slug: str,
    text: str,
    sender: str | None,
    file: Path | None,
    date: dt.date | None,
) -> None:
    """Record a reply or an event in letters/SLUG/log.yaml.

    'campaign status SLUG' shows it with the addressee it came from.
    """
    from campaign.mail.status import add_to_log

    try:
        said = add_to_log(_root(ctx), slug, text, sender or "", file, date or dt.date.today())
    except ProblemsFound as exc:
        echo_problems(exc.problems)
        raise
    for line in said:
        click.echo(line)


@click.command()
@click.argument("slug")
@click.pass_context
def status(ctx: click.Context, slug: str) -> None:
    """Per addressee and person in cc: sent how (e-mail or post), when, and any reply."""
    from campaign.mail.status import status as letter_status

    try:
        lines = letter_status(_root(ctx), slug)
    except ProblemsFound as exc:
        echo_problems(exc.problems)
        raise
    for line in lines:
        click.echo(line)
