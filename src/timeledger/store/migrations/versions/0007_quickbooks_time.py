"""what QuickBooks Time needs: time zones, usernames, who may track time, jobcode assignments, and
the API each OAuth code and token was issued for

Revision ID: 0007
Revises: 0006

Existing companies keep UTC (what every timestamp was rendered in before), existing people the
company's zone and the right to track time, and existing codes and tokens stay FreshBooks', the only
OAuth API there was.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import timeledger.store.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

KEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.add_column("companies", sa.Column("time_zone", sa.String(64), nullable=False, server_default="UTC"))
    op.add_column("list_entries", sa.Column("time_zone", sa.String(64)))
    op.add_column("list_entries", sa.Column("username", sa.String(255)))
    op.add_column("list_entries", sa.Column("username_key", sa.String(255)))
    op.add_column(
        "list_entries", sa.Column("can_track_time", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.create_index("uq_list_entries_username", "list_entries", ["company_id", "username_key"], unique=True)
    for table in ("oauth_codes", "oauth_tokens"):
        op.add_column(table, sa.Column("api", sa.String(20), nullable=False, server_default="freshbooks"))
    op.add_column("time_entries", sa.Column("ended_at", timeledger.store.types.UtcDateTime(timezone=True)))
    op.create_index("ix_time_entries_person_started", "time_entries", ["person_id", "started_at"])
    _fill_ended_at()
    op.create_table(
        "job_assignments",
        sa.Column("id", KEY, autoincrement=True, nullable=False),
        sa.Column("company_id", KEY, nullable=False),
        sa.Column("person_id", KEY),
        sa.Column("customer_id", KEY, nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", timeledger.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", timeledger.store.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_job_assignments_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["list_entries.id"], name=op.f("fk_job_assignments_person_id_list_entries")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["list_entries.id"], name=op.f("fk_job_assignments_customer_id_list_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_assignments")),
    )
    op.create_index("ix_job_assignments_company_id", "job_assignments", ["company_id", "id"])
    op.create_index("ix_job_assignments_customer", "job_assignments", ["customer_id"])
    op.create_index("ix_job_assignments_person", "job_assignments", ["person_id"])


def _fill_ended_at() -> None:
    """Start plus duration, in Python: SQLite and PostgreSQL add seconds to a time differently."""
    entries = sa.table(
        "time_entries",
        sa.column("id", KEY),
        sa.column("started_at", timeledger.store.types.UtcDateTime(timezone=True)),
        sa.column("duration_seconds", sa.Integer()),
        sa.column("ended_at", timeledger.store.types.UtcDateTime(timezone=True)),
    )
    conn = op.get_bind()
    timed = conn.execute(
        sa.select(entries.c.id, entries.c.started_at, entries.c.duration_seconds).where(
            entries.c.started_at.is_not(None), entries.c.duration_seconds.is_not(None)
        )
    ).all()
    for key, started_at, duration in timed:
        conn.execute(
            entries.update()
            .where(entries.c.id == key)
            .values(ended_at=started_at + timedelta(seconds=duration))
        )


def downgrade() -> None:
    # Plain columns (the one index dropped first): SQLite (3.35+) drops them in place, which keeps
    # the tables' other constraints as the earlier migrations' downgrades expect them.
    op.drop_table("job_assignments")
    op.drop_index("ix_time_entries_person_started", "time_entries")
    op.drop_column("time_entries", "ended_at")
    for table in ("oauth_codes", "oauth_tokens"):
        op.drop_column(table, "api")
    op.drop_index("uq_list_entries_username", "list_entries")
    for column in ("can_track_time", "username_key", "username", "time_zone"):
        op.drop_column("list_entries", column)
    op.drop_column("companies", "time_zone")
