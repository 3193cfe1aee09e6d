"""What Conductor cannot do itself, for the tests of what it reports deleted: delete a list entry
(Conductor has no list delete; FreshBooks and QuickBooks Time do, and so does the ledger here, on
the server's own database), and let time pass since a delete (by moving its ``deleted_at`` back)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache

from sqlalchemy import Engine, select, update

from timeledger.ledger.services import lists
from timeledger.ledger.values import ListKind
from timeledger.store.engine import make_engine
from timeledger.store.tables import companies, journal_entries, list_entries, time_entries
from timeledger.store.unit_of_work import SqlUnitOfWork

LIST_ID_BASE = 0x80000000

# What Conductor calls each kind of record, and the table that keeps it.
TABLES = {"list": list_entries, "time_tracking": time_entries, "journal_entry": journal_entries}


def key_of(qbd_id: str) -> int:
    """The row key in a transaction ID (``123ABC-1234567890``) or a list ID."""
    value = int(qbd_id.split("-")[0], 16)
    return value - LIST_ID_BASE if value > LIST_ID_BASE else value


@cache
def _engine(database_url: str) -> Engine:
    return make_engine(database_url)


def _uow(database_url: str) -> SqlUnitOfWork:
    return SqlUnitOfWork(_engine(database_url))


def company_key(database_url: str, end_user_id: str) -> int:
    with _engine(database_url).connect() as conn:
        key: int = conn.execute(
            select(companies.c.id).where(companies.c.public_id == end_user_id)
        ).scalar_one()
    return key


def delete_list_entry(database_url: str, end_user_id: str, kind: ListKind, list_id: str) -> None:
    """Delete the entry as FreshBooks' or QuickBooks Time's deletes do: through the ledger."""
    lists.delete_list_entry(_uow(database_url), company_key(database_url, end_user_id), kind, key_of(list_id))


def deleted_ago(database_url: str, table: str, qbd_id: str, elapsed: timedelta) -> datetime:
    """Make a delete ``elapsed`` old, as if that much time had passed since; returns when it now was."""
    moment = datetime.now(UTC) - elapsed
    rows = TABLES[table]
    with _engine(database_url).begin() as conn:
        result = conn.execute(
            update(rows)
            .where(rows.c.id == key_of(qbd_id), rows.c.deleted_at.is_not(None))
            .values(deleted_at=moment)
        )
    assert result.rowcount == 1, f"{qbd_id} is not a deleted {table}"
    return moment
