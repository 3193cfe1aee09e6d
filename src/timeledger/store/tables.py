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
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)

from timeledger.ledger.lists import TEXT_LIMITS
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
    Column("home_currency_code", String(3), nullable=False, server_default="USD"),
    # IANA name; each person's time zone unless they have their own (migration 0007)
    Column("time_zone", String(64), nullable=False, server_default="UTC"),
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
    # SHA-256 of the secret the link carries, like every other secret (migration 0005)
    Column("client_secret_hash", String(64), nullable=False, unique=True),
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
    # The top-level entry above this one (NULL for a top-level entry itself): a FreshBooks project's
    # client, kept so no reader has to split the full name. Derived from parent_id; not a reference.
    Column("root_id", Key),
    Column("name", String(TEXT_LIMITS["name"]), nullable=False),
    Column("full_name", Text, nullable=False),
    # casefolded full name: uniqueness, exact lookups and QuickBooks' case-insensitive ordering
    Column("full_name_key", Text, nullable=False),
    Column("name_key", String(TEXT_LIMITS["name"]), nullable=False),
    Column("sublevel", Integer, nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("first_name", String(TEXT_LIMITS["first_name"])),
    Column("middle_name", String(TEXT_LIMITS["middle_name"])),
    Column("last_name", String(TEXT_LIMITS["last_name"])),
    Column("company_name", String(TEXT_LIMITS["company_name"])),
    Column("email", String(TEXT_LIMITS["email"])),
    Column("phone", String(TEXT_LIMITS["phone"])),
    Column("note", Text),
    Column("account_type", String(TEXT_LIMITS["account_type"])),
    Column("rate", DecimalText),
    Column("external_id", String(36)),
    Column("extra", JSON, nullable=False),
    Column("revision", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("currency_id", Key, ForeignKey("currencies.id")),
    # People only (migration 0007): their own time zone (NULL: the company's), the username they
    # sign in to QuickBooks Time with (casefolded in username_key, unique in the company), and whether
    # they may track time at all.
    Column("time_zone", String(64)),
    Column("username", String(TEXT_LIMITS["username"])),
    Column("username_key", String(TEXT_LIMITS["username"])),
    Column("can_track_time", Boolean, nullable=False, server_default=true()),
    UniqueConstraint("company_id", "kind", "full_name_key", name="uq_list_entries_full_name"),
    Index("ix_list_entries_company_kind_id", "company_id", "kind", "id"),
    Index("ix_list_entries_company_kind_updated", "company_id", "kind", "updated_at"),
    Index("ix_list_entries_parent", "parent_id"),
    Index("ix_list_entries_company_currency", "company_id", "currency_id"),
    Index("uq_list_entries_username", "company_id", "username_key", unique=True),
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
    # started_at + duration_seconds, kept beside them (migration 0007) so overlaps are one indexed read
    Column("ended_at", UtcDateTime),
    Column("note", Text),
    Column("billing_status", String(20), nullable=False),
    Column("external_id", String(36)),
    Column("revision", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("deleted_at", UtcDateTime),
    Index("ix_time_entries_company_id", "company_id", "id"),
    Index("ix_time_entries_person_started", "person_id", "started_at"),
    Index("ix_time_entries_company_date", "company_id", "work_date", "id"),
    Index("ix_time_entries_company_updated", "company_id", "updated_at"),
    Index("ix_time_entries_company_deleted", "company_id", "deleted_at"),
    Index("ix_time_entries_company_person", "company_id", "person_id", "id"),
)

# --- currencies and journal entries (migration 0002) --------------------------------------------------

# A company's currencies: QuickBooks' built-ins, seeded for every company, and its own.
currencies = Table(
    "currencies",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("name_key", String(64), nullable=False),
    Column("currency_code", String(3), nullable=False),
    Column("is_user_defined", Boolean, nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("format", JSON, nullable=False),
    Column("exchange_rate", DecimalText),
    Column("as_of_date", Date),
    Column("revision", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("company_id", "name_key", name="uq_currencies_name"),
    Index("ix_currencies_company_code", "company_id", "currency_code"),
    Index("ix_currencies_company_updated", "company_id", "updated_at"),
)

journal_entries = Table(
    "journal_entries",
    metadata,
    Column("id", Key, ForeignKey("transactions.id"), primary_key=True, autoincrement=False),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("transaction_date", Date, nullable=False),
    Column("ref_number", String(20)),
    # casefolded, for the case-insensitive substring and range filters
    Column("ref_number_key", String(20)),
    # the number an all-digit reference number is, for numeric range filters
    Column("ref_number_value", BigInteger),
    Column("is_adjustment", Boolean, nullable=False),
    Column("is_home_currency_adjustment", Boolean, nullable=False),
    Column("amounts_in_home_currency", Boolean, nullable=False),
    Column("currency_id", Key, ForeignKey("currencies.id"), nullable=False),
    Column("exchange_rate", DecimalText, nullable=False),
    Column("external_id", String(36)),
    Column("revision", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("voided_at", UtcDateTime),
    Column("deleted_at", UtcDateTime),
    Index("ix_journal_entries_company_id", "company_id", "id"),
    Index("ix_journal_entries_company_date", "company_id", "transaction_date", "id"),
    Index("ix_journal_entries_company_updated", "company_id", "updated_at"),
    Index("ix_journal_entries_company_deleted", "company_id", "deleted_at"),
    Index("ix_journal_entries_company_ref", "company_id", "ref_number"),
)

# Line keys come from this table's own sequence, shared by every journal line, and are never
# reused (AUTOINCREMENT on SQLite): a removed line's ID never names another line.
# Amounts are integer cents of the entry's currency (``amount``) and of the home currency
# (``home_amount``, what balances sum): exact, and SUM is exact on both databases.
journal_lines = Table(
    "journal_lines",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("entry_id", Key, ForeignKey("journal_entries.id"), nullable=False),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("side", String(6), nullable=False),
    Column("account_id", Key, ForeignKey("list_entries.id"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("home_amount", BigInteger, nullable=False),
    Column("memo", Text),
    Column("entity_id", Key, ForeignKey("list_entries.id")),
    Column("class_id", Key, ForeignKey("list_entries.id")),
    Column("billing_status", String(20)),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_journal_lines_entry", "entry_id", "position"),
    Index("ix_journal_lines_company_account", "company_id", "account_id"),
    Index("ix_journal_lines_company_entity", "company_id", "entity_id"),
    sqlite_autoincrement=True,
)


# --- OAuth 2.0 and person logins (migration 0003) ---------------------------------------------------
# Every secret (client secret, code, access and refresh token) is stored only as its SHA-256 hex: each
# carries 256 random bits, so there is nothing to guess and a hash is looked up directly.
# Passwords are the exception: people choose them, so they are salted and stretched (scrypt).

list_entries.append_column(Column("deleted_at", UtcDateTime))
# Conductor's deleted-list-objects (migration 0009).
Index(
    "ix_list_entries_company_kind_deleted",
    list_entries.c.company_id,
    list_entries.c.kind,
    list_entries.c.deleted_at,
)
time_entries.append_column(Column("extra", JSON))
Index(
    "uq_time_entries_running_person",
    time_entries.c.company_id,
    time_entries.c.person_id,
    unique=True,
    sqlite_where=time_entries.c.duration_seconds.is_(None) & time_entries.c.deleted_at.is_(None),
    postgresql_where=time_entries.c.duration_seconds.is_(None) & time_entries.c.deleted_at.is_(None),
)

oauth_clients = Table(
    "oauth_clients",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("organization_id", Key, ForeignKey("organizations.id"), nullable=False, index=True),
    Column("client_id", String(80), nullable=False, unique=True),
    Column("secret_hash", String(64), nullable=False),
    Column("name", String(200), nullable=False),
    Column("redirect_uris", JSON, nullable=False),
    Column("scopes", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

oauth_codes = Table(
    "oauth_codes",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("code_hash", String(64), nullable=False, unique=True),
    Column("client_id", Key, ForeignKey("oauth_clients.id"), nullable=False),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("person_id", Key, ForeignKey("list_entries.id"), nullable=False),
    Column("redirect_uri", Text, nullable=False),
    Column("scopes", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("used_at", UtcDateTime),
    # the API the code was approved for; its tokens work there only (migration 0007)
    Column("api", String(20), nullable=False, server_default="freshbooks"),
)

oauth_tokens = Table(
    "oauth_tokens",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("access_hash", String(64), nullable=False, unique=True),
    Column("refresh_hash", String(64), unique=True),
    Column("client_id", Key, ForeignKey("oauth_clients.id"), nullable=False),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("person_id", Key, ForeignKey("list_entries.id"), nullable=False),
    # the authorization code the chain of tokens started from: reusing that code revokes the chain
    Column("code_id", Key, ForeignKey("oauth_codes.id"), index=True),
    Column("scopes", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("rotated_at", UtcDateTime),
    Column("revoked_at", UtcDateTime),
    Column("api", String(20), nullable=False, server_default="freshbooks"),
)

person_logins = Table(
    "person_logins",
    metadata,
    Column("person_id", Key, ForeignKey("list_entries.id"), primary_key=True, autoincrement=False),
    Column("organization_id", Key, ForeignKey("organizations.id"), nullable=False),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("email", String(320), nullable=False),
    # casefolded email: a person signs in with it, unique within the organization
    Column("email_key", String(320), nullable=False),
    Column("password_hash", String(400), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    UniqueConstraint("organization_id", "email_key", name="uq_person_logins_email"),
)


# --- live counts (migration 0004) -------------------------------------------------------------------

# How many logged (stopped, not deleted) time entries each company has, kept in the same transaction
# as every write that changes it, so the first page of an unfiltered list knows what remains after it
# without counting a hundred thousand rows.
time_entry_counts = Table(
    "time_entry_counts",
    metadata,
    Column("company_id", Key, ForeignKey("companies.id"), primary_key=True, autoincrement=False),
    Column("logged", BigInteger, nullable=False),
)


# --- login safety (migration 0005) ------------------------------------------------------------------

# One row per sign-in attempt on the consent page that has not succeeded: written before the password
# is checked (so concurrent guesses see each other) and deleted when that email signs in. Counted per
# organization + email tried (known or not) and per OAuth client, over a sliding window. The email is
# kept only as its SHA-256: a fixed-width key, and a password typed into the email box is not stored.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("client_id", Key, ForeignKey("oauth_clients.id"), nullable=False),
    Column("organization_id", Key, ForeignKey("organizations.id"), nullable=False),
    Column("email_hash", String(64), nullable=False),
    Column("attempted_at", UtcDateTime, nullable=False),
    Index("ix_login_failures_email", "organization_id", "email_hash", "attempted_at"),
    Index("ix_login_failures_client", "client_id", "attempted_at"),
)


# --- jobcode assignments (migration 0007) -----------------------------------------------------------

# Who may track time on a customer or job (QuickBooks Time's jobcode assignments). person_id NULL
# means everyone (QuickBooks Time's user 0, a jobcode "assigned to all"). An assignment is never
# deleted: it is made inactive, and made active again when it is assigned again.
job_assignments = Table(
    "job_assignments",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("person_id", Key, ForeignKey("list_entries.id")),
    Column("customer_id", Key, ForeignKey("list_entries.id"), nullable=False),
    Column("is_active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Index("ix_job_assignments_company_id", "company_id", "id"),
    Index("ix_job_assignments_customer", "customer_id"),
    Index("ix_job_assignments_person", "person_id"),
)


# --- timers (migration 0008) ------------------------------------------------------------------------

# The sequence timer keys come from: one row per timer, never reused (AUTOINCREMENT on SQLite), so a
# timer's key is never its entry's (FreshBooks draws them apart: entry 5097, timer 2938). An entry
# takes one the first time it runs and keeps it once stopped (``time_entries.timer_id``, unique).
timers = Table(
    "timers",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    sqlite_autoincrement=True,
)
# No foreign key: SQLite can add a referencing column but not drop one in place, and the row it would
# point at holds nothing but the number itself.
time_entries.append_column(Column("timer_id", Key))
Index("uq_time_entries_timer_id", time_entries.c.timer_id, unique=True)


# --- the sync's state (migration 0010) --------------------------------------------------------------

# ``timeledger sync`` keeps its state in a timeledger database (``--state``): a route is one source
# company on one server syncing into one target company, each named by its connector's identity.
sync_routes = Table(
    "sync_routes",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("source", Text, nullable=False),
    Column("target", Text, nullable=False),
    UniqueConstraint("source", "target", name="uq_sync_routes_source_target"),
)

# Where a route's next read starts, per ``--since`` (``""`` for none): a narrower run must not move
# the watermark of a wider one past entries it never looked at.
sync_watermarks = Table(
    "sync_watermarks",
    metadata,
    Column("route_id", Key, ForeignKey("sync_routes.id"), primary_key=True, autoincrement=False),
    Column("since", String(10), primary_key=True),
    Column("watermark", UtcDateTime),
)

# One row per source entry the route has seen: its target entry and both revisions once written.
# ``status`` "writing"/"deleting" is an intent recorded before the target is touched, so a run
# killed between the write and its record knows to look for what it may have written. "refused" and
# "conflict" rows hold the watermark they were read under (``read_since``) until they are resolved.
sync_pairings = Table(
    "sync_pairings",
    metadata,
    Column("route_id", Key, ForeignKey("sync_routes.id"), primary_key=True, autoincrement=False),
    Column("source_id", String(200), primary_key=True),
    Column("status", String(10), nullable=False),
    Column("target_id", String(200)),
    Column("source_revision", Text),
    Column("target_revision", Text),
    Column("work_date", Date, nullable=False),
    Column("reason", Text),
    Column("read_since", UtcDateTime),
    Column("updated_at", UtcDateTime, nullable=False),
)

# One row per run that was not a dry run: its options, how it ended and its report.
sync_runs = Table(
    "sync_runs",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("route_id", Key, ForeignKey("sync_routes.id"), nullable=False),
    Column("started_at", UtcDateTime, nullable=False),
    Column("finished_at", UtcDateTime),
    Column("status", String(12), nullable=False),
    Column("options", JSON, nullable=False),
    Column("report", JSON),
    Column("error", Text),
    Index("ix_sync_runs_route_id", "route_id", "id"),
)


# --- the sandbox (migration 0011) -------------------------------------------------------------------

# A company's records as one document (store/repositories/company_data.py), kept under a name so a
# test can put the company back exactly as it was.
sandbox_snapshots = Table(
    "sandbox_snapshots",
    metadata,
    Column("company_id", Key, ForeignKey("companies.id"), primary_key=True, autoincrement=False),
    Column("name", String(200), primary_key=True),
    Column("document", JSON, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
)

# A company's own clock: ``now`` as it was set at ``set_at``; frozen, it stays at ``now``.
sandbox_clocks = Table(
    "sandbox_clocks",
    metadata,
    Column("company_id", Key, ForeignKey("companies.id"), primary_key=True, autoincrement=False),
    Column("now", UtcDateTime, nullable=False),
    Column("frozen", Boolean, nullable=False),
    Column("set_at", UtcDateTime, nullable=False),
)

# Faults a company's requests meet: matched in id order by API, method and path glob; ``remaining``
# NULL is for ever, else the row goes when it reaches 0.
sandbox_faults = Table(
    "sandbox_faults",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("api", String(20), nullable=False),
    Column("method", String(10)),
    Column("path", Text),
    Column("fault", String(20), nullable=False),
    Column("latency_ms", Integer),
    Column("probability", Float, nullable=False),
    Column("remaining", Integer),
    Column("created_at", UtcDateTime, nullable=False),
    Index("ix_sandbox_faults_company_id", "company_id", "id"),
)

# How close to production a company's requests are: Conductor cursors that expire, QuickBooks Time's
# rate limit, production's latencies ("none" or "production").
sandbox_realism = Table(
    "sandbox_realism",
    metadata,
    Column("company_id", Key, ForeignKey("companies.id"), primary_key=True, autoincrement=False),
    Column("cursor_expiry_seconds", Float),
    Column("rate_limit", Boolean, nullable=False),
    Column("latency", String(10), nullable=False),
)

# QuickBooks Time's rate limit: requests per access token (by its hash) in the current window.
sandbox_rates = Table(
    "sandbox_rates",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("window_start", UtcDateTime, nullable=False),
    Column("count", Integer, nullable=False),
)

# Every request to the three APIs a sandbox company makes, the newest kept (REQUEST_LOG_SIZE per
# company), secrets and tokens redacted; ``token_hash`` names the OAuth token it came with, so a replay
# acts as the same caller.
sandbox_requests = Table(
    "sandbox_requests",
    metadata,
    Column("id", Key, primary_key=True, autoincrement=True),
    Column("company_id", Key, ForeignKey("companies.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("api", String(20), nullable=False),
    Column("method", String(10), nullable=False),
    Column("path", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("duration_ms", Float, nullable=False),
    Column("request", JSON, nullable=False),
    Column("response", JSON, nullable=False),
    Column("token_hash", String(64)),
    Index("ix_sandbox_requests_company_id", "company_id", "id"),
)
