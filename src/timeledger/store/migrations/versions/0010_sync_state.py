"""the sync's state: routes, watermarks, pairings, runs

Revision ID: 0010
Revises: 0009

``timeledger sync`` keeps, in the timeledger database it is given, which source entry became which
target entry (with both revisions), where each route's next read starts, and one report per run.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from timeledger.store.types import UtcDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _route(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["route_id"], ["sync_routes.id"], name=op.f(f"fk_{table}_route_id_sync_routes")
    )


def upgrade() -> None:
    op.create_table(
        "sync_routes",
        sa.Column("id", Key, autoincrement=True, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("target", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_routes")),
        sa.UniqueConstraint("source", "target", name="uq_sync_routes_source_target"),
    )
    op.create_table(
        "sync_watermarks",
        sa.Column("route_id", Key, autoincrement=False, nullable=False),
        sa.Column("since", sa.String(10), nullable=False),
        sa.Column("watermark", UtcDateTime),
        _route("sync_watermarks"),
        sa.PrimaryKeyConstraint("route_id", "since", name=op.f("pk_sync_watermarks")),
    )
    op.create_table(
        "sync_pairings",
        sa.Column("route_id", Key, autoincrement=False, nullable=False),
        sa.Column("source_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("target_id", sa.String(200)),
        sa.Column("source_revision", sa.Text),
        sa.Column("target_revision", sa.Text),
        sa.Column("work_date", sa.Date, nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("read_since", UtcDateTime),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        _route("sync_pairings"),
        sa.PrimaryKeyConstraint("route_id", "source_id", name=op.f("pk_sync_pairings")),
    )
    op.create_table(
        "sync_runs",
        sa.Column("id", Key, autoincrement=True, nullable=False),
        sa.Column("route_id", Key, nullable=False),
        sa.Column("started_at", UtcDateTime, nullable=False),
        sa.Column("finished_at", UtcDateTime),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("report", sa.JSON),
        sa.Column("error", sa.Text),
        _route("sync_runs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_runs")),
    )
    op.create_index("ix_sync_runs_route_id", "sync_runs", ["route_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_sync_runs_route_id", table_name="sync_runs")
    for table in ("sync_runs", "sync_pairings", "sync_watermarks", "sync_routes"):
        op.drop_table(table)
