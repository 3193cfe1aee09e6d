"""login safety: failed sign-ins per email and per OAuth client; auth session secrets stored hashed

Revision ID: 0005
Revises: 0004

Upgrade hashes every existing auth session's secret (SHA-256, as ``auth/keys.py`` hashes every secret),
so links already handed out keep working. Downgrade cannot turn the hashes back into secrets: it
deletes the auth sessions (short-lived setup links; ask for a new one) and restores the old column.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

import timeledger.store.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Moment = timeledger.store.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("auth_sessions") as batch_op:
        batch_op.add_column(sa.Column("client_secret_hash", sa.String(length=64), nullable=True))
    sessions = sa.table(
        "auth_sessions",
        sa.column("id", Key),
        sa.column("client_secret", sa.String),
        sa.column("client_secret_hash", sa.String),
    )
    conn = op.get_bind()
    hashed = [
        # hashlib directly rather than timeledger.auth.keys.hash_secret: a migration must keep doing
        # what it did when it shipped, whatever the code later becomes.
        {"key": key, "hash": hashlib.sha256(secret.encode()).hexdigest()}
        for key, secret in conn.execute(sa.select(sessions.c.id, sessions.c.client_secret))
    ]
    if hashed:
        conn.execute(
            sa.update(sessions)
            .where(sessions.c.id == sa.bindparam("key"))
            .values(client_secret_hash=sa.bindparam("hash")),
            hashed,
        )
    with op.batch_alter_table("auth_sessions") as batch_op:
        batch_op.alter_column("client_secret_hash", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_constraint("uq_auth_sessions_client_secret", type_="unique")
        batch_op.drop_column("client_secret")
        batch_op.create_unique_constraint("uq_auth_sessions_client_secret_hash", ["client_secret_hash"])

    op.create_table(
        "login_failures",
        sa.Column("id", Key, autoincrement=True, nullable=False),
        sa.Column("client_id", Key, nullable=False),
        sa.Column("organization_id", Key, nullable=False),
        sa.Column("email_hash", sa.String(length=64), nullable=False),
        sa.Column("attempted_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["oauth_clients.id"], name=op.f("fk_login_failures_client_id_oauth_clients")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_login_failures_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_failures")),
    )
    op.create_index(
        "ix_login_failures_email", "login_failures", ["organization_id", "email_hash", "attempted_at"]
    )
    op.create_index("ix_login_failures_client", "login_failures", ["client_id", "attempted_at"])


def downgrade() -> None:
    op.drop_index("ix_login_failures_client", table_name="login_failures")
    op.drop_index("ix_login_failures_email", table_name="login_failures")
    op.drop_table("login_failures")
    # A hash cannot be turned back into the secret a link carries, and 0004's code looks links up by
    # the secret itself: the sessions could never be followed again, so they go.
    op.execute(sa.text("DELETE FROM auth_sessions"))
    with op.batch_alter_table("auth_sessions") as batch_op:
        batch_op.add_column(sa.Column("client_secret", sa.String(length=80), nullable=False))
        batch_op.drop_constraint("uq_auth_sessions_client_secret_hash", type_="unique")
        batch_op.drop_column("client_secret_hash")
        batch_op.create_unique_constraint("uq_auth_sessions_client_secret", ["client_secret"])
