"""Migration 0008 on a database that already holds time entries: every entry that runs, or that
FreshBooks marked as started from a timer, gets a timer key of the new sequence (in entry order, not
the entry's key), the mark is dropped, the schema then matches the code's, and it can be undone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from tests.servers import fresh_database
from timeledger.store.engine import make_engine
from timeledger.store.migrate import alembic_config
from timeledger.store.tables import metadata

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)

_organizations = sa.table(
    "organizations", sa.column("name"), sa.column("publishable_key"), sa.column("created_at", sa.DateTime)
)
_companies = sa.table(
    "companies",
    sa.column("id", KEY),
    sa.column("organization_id", KEY),
    sa.column("public_id"),
    sa.column("name"),
    sa.column("email"),
    sa.column("source_id"),
    sa.column("created_at", sa.DateTime),
)
_people = sa.table(
    "list_entries",
    *(sa.column(c) for c in ("company_id", "kind", "name", "full_name", "full_name_key", "name_key")),
    sa.column("sublevel", sa.Integer),
    sa.column("is_active", sa.Boolean),
    sa.column("extra", sa.JSON),
    sa.column("revision", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
)
_transactions = sa.table(
    "transactions", sa.column("id", KEY), sa.column("company_id"), sa.column("kind"), sa.column("created_at")
)
_entries = sa.table(
    "time_entries",
    sa.column("id", KEY),
    sa.column("company_id", KEY),
    sa.column("person_id", KEY),
    sa.column("work_date", sa.Date),
    sa.column("started_at", sa.DateTime),
    sa.column("duration_seconds", sa.Integer),
    sa.column("billing_status"),
    sa.column("revision", sa.Integer),
    sa.column("created_at", sa.DateTime),
    sa.column("updated_at", sa.DateTime),
    sa.column("extra", sa.JSON),
)


def _entry(conn: sa.Connection, company: int, person: int, duration: int | None, extra: Any) -> int:
    naive = NOW.replace(tzinfo=None)
    key = conn.execute(
        _transactions.insert()
        .values(company_id=company, kind="time_entry", created_at=naive)
        .returning(_transactions.c.id)
    ).scalar_one()
    conn.execute(
        _entries.insert().values(
            id=key,
            company_id=company,
            person_id=person,
            work_date=date(2026, 3, 2),
            started_at=naive,
            duration_seconds=duration,
            billing_status="not_billable",
            revision=1,
            created_at=naive,
            updated_at=naive,
            extra=extra,
        )
    )
    return int(key)


def test_existing_timer_entries_get_timer_keys_of_their_own(backend: str, tmp_path: Path) -> None:
    url = fresh_database(backend, tmp_path)
    config = alembic_config(url)
    command.upgrade(config, "0007")
    engine = make_engine(url)
    naive = NOW.replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(_organizations.insert().values(name="Org", publishable_key="pk_1", created_at=naive))
        organization = conn.execute(sa.text("SELECT id FROM organizations")).scalar_one()
        company = conn.execute(
            _companies.insert()
            .values(
                organization_id=organization,
                public_id="end_usr_a",
                name="Co",
                email="co@example.com",
                source_id="src",
                created_at=naive,
            )
            .returning(_companies.c.id)
        ).scalar_one()
        conn.execute(
            _people.insert().values(
                company_id=company,
                kind="employee",
                name="Ada",
                full_name="Ada",
                full_name_key="ada",
                name_key="ada",
                sublevel=0,
                is_active=True,
                extra={},
                revision=1,
                created_at=naive,
                updated_at=naive,
            )
        )
        person = conn.execute(sa.text("SELECT id FROM list_entries")).scalar_one()
        for _ in range(3):  # entry keys run ahead of timer keys, as they do in any real database
            _entry(conn, company, person, 60, None)
        stopped = _entry(conn, company, person, 600, {"freshbooks": {"timer": True, "retainer_id": 7}})
        plain = _entry(conn, company, person, 60, {"freshbooks": {"retainer_id": 8}})
        running = _entry(conn, company, person, None, {})
    command.upgrade(config, "head")

    def timers_and_extras(conn: sa.Connection) -> dict[int, tuple[int | None, Any]]:
        rows = conn.execute(
            sa.select(_entries.c.id, sa.column("timer_id", KEY), _entries.c.extra)
            .select_from(_entries)
            .where(_entries.c.id.in_([stopped, plain, running]))
        ).all()
        return {key: (timer, extra) for key, timer, extra in rows}

    with engine.connect() as conn:
        assert timers_and_extras(conn) == {
            stopped: (1, {"freshbooks": {"retainer_id": 7}}),
            plain: (None, {"freshbooks": {"retainer_id": 8}}),
            running: (2, {}),
        }
        assert (
            conn.execute(sa.text("SELECT company_id FROM timers ORDER BY id")).scalars().all()
            == [company] * 2
        )
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    # And back: the mark returns on the entries that had timers; up again gives the same keys.
    command.downgrade(config, "0007")
    with engine.connect() as conn:
        extras = dict(
            conn.execute(
                sa.select(_entries.c.id, _entries.c.extra).where(_entries.c.id.in_([stopped, running]))
            ).all()
        )
    assert extras == {
        stopped: {"freshbooks": {"retainer_id": 7, "timer": True}},
        running: {"freshbooks": {"timer": True}},
    }
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert timers_and_extras(conn)[stopped][0] == 1
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()
