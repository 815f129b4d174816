"""``campaign signon``: Click glue around the sign-on page (campaign/signon/)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from campaign.errors import CampaignError, display_path
from campaign.model import stops

if TYPE_CHECKING:
    from campaign.signon.worker import MailWorker

DATABASE_HELP = (
    "SQLAlchemy URL of the database, e.g. postgresql+psycopg://user@host/db.  "
    "[default: CAMPAIGN_DATABASE, else sqlite in the workspace's .campaign/]"
)


def _root(ctx: click.Context) -> Path:
    from campaign.load.workspace import Workspace

    obj = ctx.find_root().obj or {}
    return Workspace.locate(obj.get("workspace")).root


def _logging() -> None:
    """One line per event on stderr, for the server's log."""
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )


def _stop_between_emails(mailer: MailWorker) -> None:
    """A stop (Ctrl+C, SIGTERM, SIGHUP): the worker finishes the e-mail it is sending, then stops.

    Raised in the middle of sending, the interrupt left an e-mail the mail server had
    taken unmarked, and it was sent again once its claim ran out. A second one stops
    the worker at once.
    """

    def stop(signum: int, frame: Any) -> None:
        if mailer.stopping:
            stops.interrupt(signum, frame)
            return
        mailer.stop_soon()

    for number in stops.STOPS:
        if signal.getsignal(number) != signal.SIG_IGN:  # nohup's SIGHUP stays ignored
            signal.signal(number, stop)


@click.group("signon")
def signon() -> None:
    """The public sign-on page: signatures collected on the web, confirmed by e-mail.

    See docs/signon.md for deploying it behind a reverse proxy.
    """


@signon.command()
@click.argument("slug")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on; 0 picks a free one.",
)
@click.option("--database", metavar="URL", help=DATABASE_HELP)
@click.option(
    "--public-url",
    metavar="URL",
    help="The page's address as visitors reach it (the links in the e-mails; the only "
    "Host accepted).  [default: CAMPAIGN_PUBLIC_URL, else http://HOST:PORT]",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    help="Server processes, all on the one port.  [default: one per CPU]",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 256),
    default=16,
    show_default=True,
    help="Threads in each server process.",
)
@click.option("--no-worker", is_flag=True, help="Leave the e-mails to 'campaign signon worker'.")
@click.pass_context
def serve(
    ctx: click.Context,
    slug: str,
    host: str,
    port: int,
    database: str | None,
    public_url: str | None,
    workers: int | None,
    threads: int,
    no_worker: bool,
) -> None:
    """Serve the sign-on page of letter SLUG (Ctrl+C stops).

    A production server (gunicorn: --workers processes on the one port) with the mail
    worker beside it, unless --no-worker. Confirmed signatures go into the list with
    'campaign sig pull'.
    """
    from campaign.signon import server
    from campaign.signon.app import create_app, state_of
    from campaign.signon.worker import MailWorker

    root = _root(ctx)
    _logging()
    listener = server.listen(host, port)
    bound = listener.getsockname()[1]
    shown_host = f"[{host}]" if ":" in host else host
    local = f"http://{shown_host}:{bound}"
    try:
        app = create_app(
            root, slug, database, public_url or os.environ.get("CAMPAIGN_PUBLIC_URL") or local,
            threads=threads,
        )  # fmt: skip
    except BaseException:
        listener.close()
        raise
    state = state_of(app)
    worker = None
    if not no_worker:
        try:  # the settings are checked here, so that a mistake stops the page at once
            MailWorker(state.store, state.page.mail_settings(), "").check()
        except CampaignError:
            listener.close()
            raise
        worker = _worker_process(root, slug, state.store.url)
    listening = "" if state.public_url == local else f", listening on {local}/"
    click.echo(f"Serving {slug} at {state.public_url}/{listening} (Ctrl+C to stop)")
    try:
        # Returns on Ctrl+C, or on SIGTERM once the requests under way are answered.
        server.run(app, listener, workers or server.default_workers(), threads)
    finally:
        listener.close()
        if worker is not None:
            _stop_process(worker)
        state.store.close()
    click.echo("Stopped.")


def _worker_process(root: Path, slug: str, database: str) -> subprocess.Popen[bytes]:
    """``campaign signon worker`` beside the server, in a process of its own.

    Its own process, so that sending the e-mails takes another core rather than the
    server's turn at Python's lock; it stops when the server does, however it stops.
    """
    # -P: not the folder the server runs in first on sys.path (-m puts it there), so a
    # file of the workspace named like a module is never imported in place of it.
    command = [sys.executable, "-P", "-m", "campaign", "-C", str(root), "signon", "worker",
               slug, "--database", database, "--parent", str(os.getpid())]  # fmt: skip
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,  # its log lines go to the server's stderr
        start_new_session=True,  # Ctrl+C in the terminal reaches the server, which stops it
    )


def _stop_process(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then wait for the e-mail being sent (SIGKILL after a minute)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@signon.command()
@click.argument("slug")
@click.option("--database", metavar="URL", help=DATABASE_HELP)
@click.option("--parent", type=int, hidden=True, help="Stop when this process is gone.")
@click.pass_context
def worker(ctx: click.Context, slug: str, database: str | None, parent: int | None) -> None:
    """Send the sign-on page's e-mails for letter SLUG (Ctrl+C stops).

    For deployments that run the page under another WSGI server, or several
    instances with 'serve --no-worker': one worker (or more) per database.
    """
    root = _root(ctx)
    _logging()
    if parent:
        # Beside its server on the same CPUs: the page's answers go first, the e-mails
        # (queued, and a few seconds late at worst) take the time left.
        os.nice(5)
    store: Store | None = None
    try:
        from campaign.signon.letter import load_page
        from campaign.signon.store import Store, default_url
        from campaign.signon.worker import MailWorker

        page = load_page(root, slug)
        store = Store(database or os.environ.get("CAMPAIGN_DATABASE") or default_url(root))
        store.prepare()
        mailer = MailWorker(
            store,
            page.mail_settings(),
            os.environ.get("CAMPAIGN_SMTP_PASSWORD", ""),
            threading.Event(),
            alive=(lambda: os.getppid() == parent) if parent else None,
        )
        mailer.check()
        _stop_between_emails(mailer)
        click.echo(
            f"Sending the e-mails of {slug}'s sign-on page in {display_path(root)} (Ctrl+C to stop)"
        )
        mailer.run()
    except KeyboardInterrupt:
        pass  # stopped, as a service is, whether it had begun sending or not
    finally:
        stops.done()  # its work is over: a stop that comes as it ends is too late
        if store is not None:
            store.close()
    click.echo("Stopped.")
