"""the sandbox: snapshots, clocks, faults, realism

Revision ID: 0011
Revises: 0010

``--sandbox`` keeps named snapshots of a company's records (each one JSON document), a clock of
its own per company, the faults its requests are to meet, how close to production they are, and
QuickBooks Time's rate-limit counts, and a log of its requests.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from timeledger.store.types import UtcDateTime

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sandbox_snapshots",
        sa.Column("company_id", Key, autoincrement=False, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_sandbox_snapshots_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("company_id", "name", name=op.f("pk_sandbox_snapshots")),
    )

    op.create_table(
        "sandbox_clocks",
        sa.Column("company_id", Key, autoincrement=False, nullable=False),
        sa.Column("now", UtcDateTime, nullable=False),
        sa.Column("frozen", sa.Boolean, nullable=False),
        sa.Column("set_at", UtcDateTime, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_sandbox_clocks_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_sandbox_clocks")),
    )
    op.create_table(
        "sandbox_faults",
        sa.Column("id", Key, autoincrement=True, nullable=False),
        sa.Column("company_id", Key, nullable=False),
        sa.Column("api", sa.String(20), nullable=False),
        sa.Column("method", sa.String(10)),
        sa.Column("path", sa.Text),
        sa.Column("fault", sa.String(20), nullable=False),
        sa.Column("latency_ms", sa.Integer),
        sa.Column("probability", sa.Float, nullable=False),
        sa.Column("remaining", sa.Integer),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_sandbox_faults_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_faults")),
    )
    op.create_index("ix_sandbox_faults_company_id", "sandbox_faults", ["company_id", "id"])
    op.create_table(
        "sandbox_realism",
        sa.Column("company_id", Key, autoincrement=False, nullable=False),
        sa.Column("cursor_expiry_seconds", sa.Float),
        sa.Column("rate_limit", sa.Boolean, nullable=False),
        sa.Column("latency", sa.String(10), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_sandbox_realism_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_sandbox_realism")),
    )
    op.create_table(
        "sandbox_rates",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("window_start", UtcDateTime, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_sandbox_rates")),
    )
    op.create_table(
        "sandbox_requests",
        sa.Column("id", Key, autoincrement=True, nullable=False),
        sa.Column("company_id", Key, nullable=False),
        sa.Column("at", UtcDateTime, nullable=False),
        sa.Column("api", sa.String(20), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("status", sa.Integer, nullable=False),
        sa.Column("duration_ms", sa.Float, nullable=False),
        sa.Column("request", sa.JSON, nullable=False),
        sa.Column("response", sa.JSON, nullable=False),
        sa.Column("token_hash", sa.String(64)),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_sandbox_requests_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sandbox_requests")),
    )
    op.create_index("ix_sandbox_requests_company_id", "sandbox_requests", ["company_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_sandbox_requests_company_id", table_name="sandbox_requests")
    op.drop_index("ix_sandbox_faults_company_id", table_name="sandbox_faults")
    tables = (
        "sandbox_requests",
        "sandbox_rates",
        "sandbox_realism",
        "sandbox_faults",
        "sandbox_clocks",
        "sandbox_snapshots",
    )
    for table in tables:
        op.drop_table(table)
