"""each list entry knows the top-level entry above it

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# QuickBooks' deepest sublevel (ledger/lists.py MAX_SUBLEVEL); each pass fills one level from the last.
MAX_SUBLEVEL = 5


def upgrade() -> None:
    op.add_column("list_entries", sa.Column("root_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite")))
    for sublevel in range(1, MAX_SUBLEVEL + 1):
        op.execute(
            sa.text(
                "UPDATE list_entries SET root_id = (SELECT coalesce(p.root_id, p.id) FROM list_entries p "
                "WHERE p.id = list_entries.parent_id) WHERE sublevel = :sublevel"
            ).bindparams(sublevel=sublevel)
        )


def downgrade() -> None:
    # A plain column with no constraint or index: SQLite (3.35+) drops it in place.
    op.drop_column("list_entries", "root_id")
