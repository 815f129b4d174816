"""A throwaway PostgreSQL server on 127.0.0.1, for the tests and for ``make bench``.

Debian's server binaries (package ``postgresql``, which ``make`` installs) are run from
``/usr/lib/postgresql/VERSION/bin`` in a temporary folder: no system cluster, no service,
nothing outside that folder. ``initdb`` refuses to run as root, so under root the folder
belongs to the ``postgres`` user and every server command runs as that user.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path("/usr/lib/postgresql")
USER = "campaign"  # the database superuser initdb creates; trusted on 127.0.0.1 only
SYSTEM_USER = "postgres"  # who runs the server when we are root
MISSING = (
    f"PostgreSQL's server binaries (initdb, pg_ctl) are not in {ROOT}/*/bin: "
    "install Debian's package postgresql (make test does)"
)
# The tests' server trades durability for speed (a crash of the test machine loses
# nothing worth keeping); the benchmark's keeps PostgreSQL's defaults, as deployed.
FAST = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}


def binaries() -> Path | None:
    """The newest installed server's bin folder, or None when there is none."""
    found = [p.parent for p in ROOT.glob("*/bin/initdb") if (p.parent / "pg_ctl").exists()]
    found.sort(key=lambda bindir: int(bindir.parent.name) if bindir.parent.name.isdigit() else 0)
    return found[-1] if found else None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PostgresServer:
    """A running server: its port, and URLs of databases made on it."""

    def __init__(self, bindir: Path, folder: Path, port: int) -> None:
        self.bindir = bindir
        self.folder = folder
        self.port = port
        self._names = itertools.count(1)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def log(self) -> Path:
        return self.folder / "server.log"

    def url(self, database: str = "postgres") -> str:
        """The SQLAlchemy URL of ``database`` (psycopg 3 driver)."""
        return f"postgresql+psycopg://{USER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A plain psycopg connection (autocommit), to look into a database directly."""
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=USER, dbname=database, autocommit=True
        )

    def create_database(self, name: str = "") -> str:
        """A new empty database (named ``db1``, ``db2``… unless given); returns its URL."""
        name = name or f"db{next(self._names)}"
        with self.connect() as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url(name)

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        """Run one of the server's programs, as its owner."""
        argv = [str(self.bindir / command[0]), *command[1:]]
        if os.geteuid() == 0:
            argv = ["runuser", "-u", SYSTEM_USER, "--", *argv]
        return subprocess.run(argv, check=check, capture_output=True, text=True, cwd=self.folder)

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        done = self.run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60",
                        "start", check=False)  # fmt: skip
        if done.returncode != 0:
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError(f"PostgreSQL did not start on port {self.port}:\n{done.stderr}{log}")

    def stop(self) -> None:
        """Stop the server (open connections are cut)."""
        self.run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)


def _own(folder: Path) -> None:
    """Hand ``folder`` to the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() == 0:
        account = pwd.getpwnam(SYSTEM_USER)
        os.chown(folder, account.pw_uid, account.pw_gid)


@contextmanager
def running(fast: bool = True, max_connections: int = 200) -> Iterator[PostgresServer]:
    """A fresh server in a temporary folder, stopped and deleted afterwards.

    ``fast`` turns off fsync and friends (tests); False keeps PostgreSQL's durable
    defaults (the benchmark). Raises RuntimeError when the binaries are missing.
    """
    bindir = binaries()
    if bindir is None:
        raise RuntimeError(MISSING)
    # Not pytest's tmp_path: its parents are private to root, and the server runs as postgres.
    folder = Path(tempfile.mkdtemp(prefix="campaign-pg-"))
    _own(folder)
    try:
        server = PostgresServer(bindir, folder, free_port())
        server.run("initdb", "-D", str(server.data), "-U", USER, "-A", "trust",
                   "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": "''",  # TCP only: no socket file outside the folder
            "max_connections": str(max_connections),
            **(FAST if fast else {}),
        }
        for attempt in range(3):
            conf = "".join(f"{key} = {value}\n" for key, value in settings.items())
            with (server.data / "postgresql.conf").open("a") as out:
                out.write(f"port = {server.port}\n{conf}")
            try:
                server.start()
                break
            except RuntimeError:
                # Someone took the port between free_port() and the start: try another.
                if attempt == 2 or "already in use" not in server.log.read_text():
                    raise
                server.port = free_port()
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
