"""Database URLs as people type them: checked before anything is run on them, shown without passwords.

A URL that names no database timeledger can use becomes ``DatabaseUrlError``, whose message is one
line for a person to read, so a typo is never answered with a driver's traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from timeledger.store.engine import make_engine, normalise_url

SUPPORTED = "sqlite:///path/to/file.db or postgresql://user@host/database"
# The drivers timeledger installs: the stdlib's sqlite3, and psycopg 3 (which normalise_url picks).
DRIVERS = {"sqlite": ("pysqlite",), "postgresql": ("psycopg",)}

# In a string that does not parse as a URL, whatever lies between "user:" and "@" may be a password.
_USER_AND_PASSWORD = re.compile(r"^([^:/@]*):.*@")


class DatabaseUrlError(Exception):
    """The URL names no database timeledger can use; the message says why, in one line."""


def masked(url: str) -> str:
    """``url`` with its password shown as ``***``, fit to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        scheme, slashes, rest = url.partition("//") if "//" in url else ("", "", url)
        return scheme + slashes + _USER_AND_PASSWORD.sub(r"\1:***@", rest)


def check_url(url: str) -> str:
    """The URL normalised for our drivers, or DatabaseUrlError if it cannot name a usable database.

    Nothing is connected to: this catches what can be told from the text alone.
    """
    try:
        parsed = make_url(normalise_url(url))
    except (ArgumentError, ValueError):
        raise DatabaseUrlError(f"{masked(url)!r} is not a database URL; write {SUPPORTED}") from None
    backend = parsed.get_backend_name()
    if backend not in DRIVERS:
        raise DatabaseUrlError(
            f"timeledger stores its data in SQLite or PostgreSQL, not {backend}; write {SUPPORTED}"
        )
    if "+" in parsed.drivername and parsed.get_driver_name() not in DRIVERS[backend]:
        raise DatabaseUrlError(
            f"timeledger talks to {backend} through {' or '.join(DRIVERS[backend])}, not "
            f"{parsed.get_driver_name()}; write {SUPPORTED}"
        )
    if backend == "sqlite":
        _check_sqlite_file(parsed)
    return parsed.render_as_string(hide_password=False)


def _check_sqlite_file(parsed: URL) -> None:
    database = parsed.database or ""
    if database in ("", ":memory:"):
        # Every connection would get its own empty database, gone when the command ends.
        raise DatabaseUrlError(f"an in-memory SQLite database keeps nothing; write {SUPPORTED}")
    if parsed.query.get("uri") == "true":
        return  # a sqlite3 "file:" URI: the driver resolves it, and reports what it cannot open
    folder = Path(database).parent
    if not folder.is_dir():
        raise DatabaseUrlError(
            f"the folder {folder} for the SQLite database {parsed.render_as_string()} does not exist; "
            "create it or choose another path"
        )


def connect(url: str) -> Engine:
    """An engine for ``url`` that has connected once; DatabaseUrlError if it cannot.

    A wrong host, port, database name or password, or an unwritable SQLite file, all show here,
    before a command has done anything.
    """
    engine = make_engine(check_url(url))
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        engine.dispose()
        # The driver's first line says what went wrong; the rest are hints for its own tools.
        lines = str(error.orig).strip().splitlines()
        reason = lines[0] if lines else type(error.orig).__name__
        password = make_url(url).password
        if password:
            reason = reason.replace(str(password), "***")
        raise DatabaseUrlError(f"cannot connect to the database {masked(url)}: {reason}") from None
    return engine
