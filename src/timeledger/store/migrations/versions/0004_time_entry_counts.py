"""live count of logged time entries per company

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "time_entry_counts",
        sa.Column("company_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("logged", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_time_entry_counts_company_id_companies")
        ),
        sa.PrimaryKeyConstraint("company_id", name=op.f("pk_time_entry_counts")),
    )
    op.execute(
        "INSERT INTO time_entry_counts (company_id, logged) "
        "SELECT company_id, count(*) FROM time_entries "
        "WHERE deleted_at IS NULL AND duration_seconds IS NOT NULL GROUP BY company_id"
    )


def downgrade() -> None:
    op.drop_table("time_entry_counts")
