"""Apply and check Alembic migrations without an alembic.ini: the package carries its own scripts."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from timeledger.store.engine import normalise_url

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


class MigrationError(Exception):
    """The migrations could not run; the message says why, in one line."""


def upgrade(url: str) -> None:
    """Bring the database at ``url`` to the newest schema; MigrationError when that cannot be done
    (a database migrated by a newer timeledger, a user who may not create tables)."""
    try:
        command.upgrade(alembic_config(url), "head")
    except CommandError as error:  # the database names a revision this code does not know
        raise MigrationError(f"{error}; is it from a newer timeledger?") from None
    except DBAPIError as error:
        lines = str(error.orig).strip().splitlines()
        raise MigrationError(lines[0] if lines else type(error.orig).__name__) from None


def pending(engine: Engine) -> bool:
    """Whether the database lacks migrations this code needs."""
    head = ScriptDirectory.from_config(alembic_config(str(engine.url))).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    return current != head
