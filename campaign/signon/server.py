"""The production server of the sign-on page: gunicorn, several processes on one port.

One master process binds the port, loads the page once (so that a mistake is said
before anything is served) and forks ``workers`` processes, each answering with
``threads`` threads; a worker that dies is replaced. Each process has its own
database connections (made after the fork); SQLite's writers take turns across the
processes with BEGIN IMMEDIATE and its busy timeout (store.py).
"""

from __future__ import annotations

import os
import socket
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from campaign.errors import CampaignError
from campaign.signon.app import state_of

# A keep-alive connection left idle this long is closed (a browser opens another).
KEEP_ALIVE = 5
# How long SIGTERM waits for the requests under way before the workers are killed.
GRACEFUL = 20


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (0: any free port), or a clear error."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        raise CampaignError(
            f"cannot listen on {host}:{port}: {exc.strerror}\n"
            "  hint: pick another port with --port N, or --port 0 for any free one"
        ) from None


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    """gunicorn, configured here rather than from its command line or a file."""

    def __init__(self, app: Flask, settings: dict[str, Any]) -> None:
        self.application = app
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def run(app: Flask, listener: socket.socket, workers: int, threads: int) -> None:
    """Serve ``app`` on ``listener`` until SIGTERM (graceful) or SIGINT; returns in the master.

    The app was made before the fork: its database connections are dropped in each
    worker (never shared between processes) and made anew there.
    """
    store = state_of(app).store

    def post_fork(_server: Any, _worker: Any) -> None:
        store.engine.dispose(close=False)

    server = _Gunicorn(
        app,
        {
            "bind": [f"fd://{listener.detach()}"],  # gunicorn's to close from here on
            "workers": workers,
            "worker_class": "gthread",
            "threads": threads,
            "keepalive": KEEP_ALIVE,
            "graceful_timeout": GRACEFUL,
            "preload_app": True,
            "post_fork": post_fork,
            # Its own lines at warning and above (a worker that died, a timeout); the
            # page's lines come through the campaign.signon logger.
            "loglevel": "warning",
            "proc_name": f"campaign signon {state_of(app).page.slug}",
        },
    )
    store.engine.dispose()  # the master serves nothing: no connection is kept open here
    master = os.getpid()
    try:
        server.run()
    except SystemExit as exc:
        if os.getpid() != master:
            # A worker ends by SystemExit too, from inside this call: the master's
            # clean-up around it (the mail worker, the store) is not the worker's to do.
            os._exit(exc.code if isinstance(exc.code, int) else 1)
        if exc.code not in (0, None):
            raise


def default_workers() -> int:
    """One process per CPU the server may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
