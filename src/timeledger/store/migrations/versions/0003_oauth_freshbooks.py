"""OAuth 2.0 clients, codes and tokens; person logins; soft-deleted list entries; time entry extras
and one running timer per person.

Revision ID: 0003
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import timeledger.store.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Key = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Moment = timeledger.store.types.UtcDateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "oauth_clients",
        sa.Column("id", Key, autoincrement=True, nullable=False),
        sa.Column("organization_id", Key, nullable=False),
        sa.Column("client_id", sa.String(length=80), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("redirect_uris", sa.JSON(), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_oauth_clients_organization_id_organizations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_oauth_clients_client_id")),
    )
    op.create_index(op.f("ix_oauth_clients_organization_id"), "oauth_clients", ["organization_id"])
    op.create_table(
        "oauth_codes",
        sa.Column("id", Key, autoincrement=True, nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("client_id", Key, nullable=False),
        sa.Column("company_id", Key, nullable=False),
        sa.Column("person_id", Key, nullable=False),
        sa.Column("redirect_uri", sa.Text(), nullable=False),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("expires_at", Moment, nullable=False),
        sa.Column("used_at", Moment, nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["oauth_clients.id"], name=op.f("fk_oauth_codes_client_id_oauth_clients")
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_oauth_codes_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["list_entries.id"], name=op.f("fk_oauth_codes_person_id_list_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_oauth_codes_code_hash")),
    )
    op.create_table(
        "oauth_tokens",
        sa.Column("id", Key, autoincrement=True, nullable=False),
        sa.Column("access_hash", sa.String(length=64), nullable=False),
        sa.Column("refresh_hash", sa.String(length=64), nullable=True),
        sa.Column("client_id", Key, nullable=False),
        sa.Column("company_id", Key, nullable=False),
        sa.Column("person_id", Key, nullable=False),
        sa.Column("code_id", Key, nullable=True),
        sa.Column("scopes", sa.Text(), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("expires_at", Moment, nullable=False),
        sa.Column("rotated_at", Moment, nullable=True),
        sa.Column("revoked_at", Moment, nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["oauth_clients.id"], name=op.f("fk_oauth_tokens_client_id_oauth_clients")
        ),
        sa.ForeignKeyConstraint(
            ["code_id"], ["oauth_codes.id"], name=op.f("fk_oauth_tokens_code_id_oauth_codes")
        ),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_oauth_tokens_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["list_entries.id"], name=op.f("fk_oauth_tokens_person_id_list_entries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oauth_tokens")),
        sa.UniqueConstraint("access_hash", name=op.f("uq_oauth_tokens_access_hash")),
        sa.UniqueConstraint("refresh_hash", name=op.f("uq_oauth_tokens_refresh_hash")),
    )
    op.create_index(op.f("ix_oauth_tokens_code_id"), "oauth_tokens", ["code_id"])
    op.create_table(
        "person_logins",
        sa.Column("person_id", Key, autoincrement=False, nullable=False),
        sa.Column("organization_id", Key, nullable=False),
        sa.Column("company_id", Key, nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.String(length=400), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_person_logins_company_id_companies")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_person_logins_organization_id_organizations"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["list_entries.id"], name=op.f("fk_person_logins_person_id_list_entries")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_person_logins")),
        sa.UniqueConstraint("organization_id", "email_key", name="uq_person_logins_email"),
    )
    with op.batch_alter_table("list_entries") as batch_op:
        batch_op.add_column(sa.Column("deleted_at", Moment, nullable=True))
    with op.batch_alter_table("time_entries") as batch_op:
        batch_op.add_column(sa.Column("extra", sa.JSON(), nullable=True))
    # One running timer per person, enforced by the database too: two concurrent starts cannot both win.
    running = sa.text("duration_seconds IS NULL AND deleted_at IS NULL")
    op.create_index(
        "uq_time_entries_running_person",
        "time_entries",
        ["company_id", "person_id"],
        unique=True,
        sqlite_where=running,
        postgresql_where=running,
    )


def downgrade() -> None:
    op.drop_index("uq_time_entries_running_person", table_name="time_entries")
    # Plain DROP COLUMN (SQLite 3.35+) rather than batch mode's copy-and-recreate, which would turn
    # 0002's column-level foreign key on list_entries.currency_id into a table-level one that
    # SQLite then refuses to drop when 0002 is undone.
    op.drop_column("time_entries", "extra")
    op.drop_column("list_entries", "deleted_at")
    op.drop_table("person_logins")
    op.drop_index(op.f("ix_oauth_tokens_code_id"), table_name="oauth_tokens")
    op.drop_table("oauth_tokens")
    op.drop_table("oauth_codes")
    op.drop_index(op.f("ix_oauth_clients_organization_id"), table_name="oauth_clients")
    op.drop_table("oauth_clients")
