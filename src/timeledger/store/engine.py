"""Engines for SQLite (the embedded default) and PostgreSQL, configured the same way every time.

SQLite runs in WAL mode with foreign keys on and a busy timeout; the driver's own transaction
handling is switched off so that a write transaction can start with ``BEGIN IMMEDIATE`` and
never fail half-way when it upgrades its lock.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 15_000
# A PostgreSQL host that drops packets would otherwise hold a connection attempt for minutes.
POSTGRES_CONNECT_TIMEOUT_S = 10


def normalise_url(url: str) -> str:
    """Accept the URLs people type (``postgresql://``) and pick the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def make_engine(url: str, sqlite_synchronous: str = "normal") -> Engine:
    """``sqlite_synchronous``: see ``settings.SQLITE_SYNCHRONOUS`` (ignored for PostgreSQL)."""
    url = normalise_url(url)
    if not is_sqlite(url):
        # As many connections as the worker threads that may hold one (anyio's default limit, 40).
        return create_engine(
            url,
            pool_size=20,
            max_overflow=20,
            pool_pre_ping=True,
            connect_args={"connect_timeout": POSTGRES_CONNECT_TIMEOUT_S},
        )
    engine = create_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute(f"PRAGMA synchronous={sqlite_synchronous.upper()}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # A writer takes the write lock up front: a deferred transaction that read first could
        # otherwise be refused (SQLITE_BUSY) when it tries to write after another writer.
        # Straight on the driver, as hot statements are (store/hot.py): through exec_driver_sql
        # this one word went through SQLAlchemy's whole execution machinery on every request.
        connection.connection.driver_connection.execute(
            "BEGIN IMMEDIATE" if connection.info.get("write") else "BEGIN"
        )

    return engine
