"""timers have keys of their own

Revision ID: 0008
Revises: 0007

Every entry that has or had a timer (a running one, or a stopped one FreshBooks marked in its
extras as started from a timer) gets a key from the new ``timers`` sequence, in entry order; the
FreshBooks mark is then dropped, since the key says it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

import timeledger.store.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
UTC_DATETIME = timeledger.store.types.UtcDateTime(timezone=True)

_entries = sa.table(
    "time_entries",
    sa.column("id", KEY),
    sa.column("company_id", KEY),
    sa.column("created_at", UTC_DATETIME),
    sa.column("duration_seconds", sa.Integer()),
    sa.column("extra", sa.JSON()),
    sa.column("timer_id", KEY),
)
_timers = sa.table(
    "timers", sa.column("id", KEY), sa.column("company_id", KEY), sa.column("created_at", UTC_DATETIME)
)


def upgrade() -> None:
    op.create_table(
        "timers",
        sa.Column("id", KEY, autoincrement=True, nullable=False),
        sa.Column("company_id", KEY, nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_timers_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_timers")),
        sqlite_autoincrement=True,
    )
    op.add_column("time_entries", sa.Column("timer_id", KEY))
    op.create_index("uq_time_entries_timer_id", "time_entries", ["timer_id"], unique=True)
    _give_timers()


def _had_timer(extra: Any) -> bool:
    return isinstance(extra, dict) and bool((extra.get("freshbooks") or {}).get("timer"))


def _without_mark(extra: dict[str, Any]) -> dict[str, Any]:
    freshbooks = {k: v for k, v in extra["freshbooks"].items() if k != "timer"}
    return {**extra, "freshbooks": freshbooks}


def _give_timers() -> None:
    """In Python: the mark sits inside JSON, which SQLite and PostgreSQL query differently."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(
            _entries.c.id,
            _entries.c.company_id,
            _entries.c.created_at,
            _entries.c.duration_seconds,
            _entries.c.extra,
        )
        .where(sa.or_(_entries.c.duration_seconds.is_(None), _entries.c.extra.is_not(None)))
        .order_by(_entries.c.id)
    ).all()
    for key, company_key, created_at, duration_seconds, extra in rows:
        if duration_seconds is not None and not _had_timer(extra):
            continue
        timer_key = conn.execute(
            _timers.insert().values(company_id=company_key, created_at=created_at).returning(_timers.c.id)
        ).scalar_one()
        values: dict[str, Any] = {"timer_id": timer_key}
        if _had_timer(extra):
            values["extra"] = _without_mark(extra)
        conn.execute(_entries.update().where(_entries.c.id == key).values(**values))


def downgrade() -> None:
    # Put the FreshBooks mark back on every entry that had a timer, then drop the plain column (its
    # index first: SQLite 3.35+ drops it in place) and the sequence.
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_entries.c.id, _entries.c.extra).where(_entries.c.timer_id.is_not(None))
    ).all()
    for key, extra in rows:
        extra = dict(extra or {})
        extra["freshbooks"] = {**(extra.get("freshbooks") or {}), "timer": True}
        conn.execute(_entries.update().where(_entries.c.id == key).values(extra=extra))
    op.drop_index("uq_time_entries_timer_id", "time_entries")
    op.drop_column("time_entries", "timer_id")
    op.drop_table("timers")
