"""The schema, as SQLAlchemy Core tables. Every change to it is also an Alembic migration.

Keys: one integer per row. List entries of every kind share one table (a list ID need only be
unique within its list; ours are unique across lists). Time and journal entries draw their keys
from ``transactions`` so that, as in QuickBooks, a transaction ID is unique across all types.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from timeledger.store.types import DecimalText, UtcDateTime

# BigInteger on PostgreSQL, but plain INTEGER on SQLite so the key is the rowid.
Key = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

organizations = Table(
    "organizations",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("publishable_key", String(100), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("organization_id", Key, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("prefix", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

companies = Table(
    "companies",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("organization_id", Key, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("public_id", String(40), nullable=False, unique=True),
    Column("name", String(200), nullable=False),
    Column("email", String(320), nullable=False),
    Column("source_id", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("deleted_at", UtcDateTime),
)

connections = Table(
    "connections",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False, unique=True),
    Column("public_id", String(40), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_request_at", UtcDateTime),
    Column("last_successful_request_at", UtcDateTime),
)

auth_sessions = Table(
    "auth_sessions",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False, index=True),
    Column("public_id", String(40), nullable=False, unique=True),
    Column("client_secret", String(80), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("redirect_url", Text),
)

list_entries = Table(
    "list_entries",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("parent_id", Key, ForeignKey("list_entries.id")),
    Column("name", String(255), nullable=False),
    Column("full_name", Text, nullable=False),
    # casefolded full name: uniqueness, exact lookups and QuickBooks' case-insensitive ordering
    Column("full_name_key", Text, nullable=False),
    Column("name_key", String(255), nullable=False),
    Column("sublevel", Integer, nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("first_name", String(100)),
    Column("middle_name", String(100)),
    Column("last_name", String(100)),
    Column("company_name", String(255)),
    Column("email", String(1023)),
    Column("phone", String(100)),
    Column("note", Text),
    Column("account_type", String(40)),
    Column("rate", DecimalText),
    Column("external_id", String(36)),
    Column("extra", JSON, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("company_id", "kind", "full_name_key", name="uq_list_entries_full_name"),
    Index("ix_list_entries_company_kind_id", "company_id", "kind", "id"),
    Index("ix_list_entries_company_kind_updated", "company_id", "kind", "updated_at"),
    Index("ix_list_entries_parent", "parent_id"),
)

list_links = Table(
    "list_links",
    metadata,
    Column("entry_id", Key, ForeignKey("list_entries.id"), primary_key=True),
    Column("role", String(80), primary_key=True),
    Column("target_id", Key, ForeignKey("list_entries.id"), nullable=False, index=True),
)

transactions = Table(
    "transactions",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

time_entries = Table(
    "time_entries",
    metadata,
    Column("id", Key, ForeignKey("transactions.id"), primary_key=True, autoincrement=False),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("person_id", Key, ForeignKey("list_entries.id"), nullable=False),
    Column("customer_id", Key, ForeignKey("list_entries.id")),
    Column("service_item_id", Key, ForeignKey("list_entries.id")),
    Column("class_id", Key, ForeignKey("list_entries.id")),
    Column("wage_item_id", Key, ForeignKey("list_entries.id")),
    Column("work_date", Date, nullable=False),
    Column("started_at", UtcDateTime),
    Column("duration_seconds", Integer),
    Column("note", Text),
    Column("billing_status", String(20), nullable=False),
    Column("external_id", String(36)),
    Column("revision", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("deleted_at", UtcDateTime),
    Index("ix_time_entries_company_id", "company_id", "id"),
    Index("ix_time_entries_company_date", "company_id", "work_date", "id"),
    Index("ix_time_entries_company_updated", "company_id", "updated_at"),
    Index("ix_time_entries_company_person", "company_id", "person_id", "id"),
)
