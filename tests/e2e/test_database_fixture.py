"""The database fixtures the sign-on tests run on: an SQLite file and a real PostgreSQL."""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa

import pgserver


def test_each_database_url_is_a_new_empty_database_that_keeps_what_is_committed(
    database_url: str,
) -> None:
    engine = sa.create_engine(database_url)
    try:
        with engine.begin() as conn:
            assert sa.inspect(conn).get_table_names() == []
            conn.execute(sa.text("CREATE TABLE t (n INTEGER PRIMARY KEY)"))
            conn.execute(sa.text("INSERT INTO t VALUES (1), (2)"))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 2
    finally:
        engine.dispose()


def test_the_postgresql_server_is_real_and_listens_on_loopback_only(
    postgres: pgserver.PostgresServer,
) -> None:
    with postgres.connect() as conn:
        version = conn.execute("SELECT version()").fetchone()
        listen = conn.execute("SHOW listen_addresses").fetchone()
        sockets = conn.execute("SHOW unix_socket_directories").fetchone()
    assert version is not None and str(version[0]).startswith("PostgreSQL ")
    assert listen == ("127.0.0.1",)
    assert sockets == ("",)
    assert postgres.url("x") == f"postgresql+psycopg://campaign@127.0.0.1:{postgres.port}/x"


def test_two_tests_never_share_a_postgresql_database(postgres: pgserver.PostgresServer) -> None:
    first, second = postgres.create_database(), postgres.create_database()
    assert first != second
    assert first.rsplit("/", 1)[0] == second.rsplit("/", 1)[0] == postgres.url("").rstrip("/")


def test_a_stopped_server_refuses_connections_and_its_folder_is_gone() -> None:
    if pgserver.binaries() is None:
        pytest.skip(pgserver.MISSING)
    with pgserver.running() as server:
        folder, port = server.folder, server.port
        assert (folder / "data" / "PG_VERSION").exists()
    assert not folder.exists()
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", port), 2):
        pass
