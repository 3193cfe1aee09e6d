"""sandbox snapshots

Revision ID: 0011
Revises: 0010

``--sandbox`` keeps named snapshots of a company's records, each one JSON document.
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


def downgrade() -> None:
    op.drop_table("sandbox_snapshots")
