"""indexes on when records were deleted

Revision ID: 0009
Revises: 0008

Conductor's deleted-list-objects and deleted-transactions read a company's deletes of the last
90 days; these indexes find them without reading every row the company has.
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_INDEXES = (
    ("ix_list_entries_company_kind_deleted", "list_entries", ["company_id", "kind", "deleted_at"]),
    ("ix_time_entries_company_deleted", "time_entries", ["company_id", "deleted_at"]),
    ("ix_journal_entries_company_deleted", "journal_entries", ["company_id", "deleted_at"]),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in _INDEXES:
        op.drop_index(name, table_name=table)
