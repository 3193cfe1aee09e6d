"""Migration 0005 on a database that already holds auth sessions: their secrets are replaced by
hashes, the links already handed out still connect, the schema then matches the tables the code
declares, and the migration can be undone (the sessions go: a hash gives no secret back)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from tests.servers import fresh_database
from timeledger.auth.keys import hash_secret
from timeledger.auth.sessions import complete_auth_session
from timeledger.store.engine import make_engine
from timeledger.store.migrate import alembic_config
from timeledger.store.tables import metadata
from timeledger.store.unit_of_work import SqlUnitOfWork

SECRETS = (
    "auth_sess_client_secret_aaaaaaaaaaaaaaaaaaaaaaaa",
    "auth_sess_client_secret_bbbbbbbbbbbbbbbbbbbbbbbb",
)


def test_existing_auth_sessions_are_hashed_and_their_links_still_connect(
    backend: str, tmp_path: Path
) -> None:
    url = fresh_database(backend, tmp_path)
    config = alembic_config(url)
    command.upgrade(config, "0004")
    engine = make_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (name, publishable_key, created_at) VALUES ('Org', 'pk_1', :now)"
            ),
            {"now": now},
        )
        conn.execute(
            text(
                "INSERT INTO companies (organization_id, public_id, name, email, source_id, created_at) "
                "SELECT id, 'end_usr_a', 'Co', 'co@example.com', 'src', :now FROM organizations"
            ),
            {"now": now},
        )
        for n, secret in enumerate(SECRETS):
            conn.execute(
                text(
                    "INSERT INTO auth_sessions (company_id, public_id, client_secret, created_at, "
                    "expires_at) SELECT id, :public_id, :secret, :now, :expires FROM companies"
                ),
                {
                    "public_id": f"auth_sess_{n}",
                    "secret": secret,
                    "now": now,
                    "expires": now + timedelta(hours=1),
                },
            )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        stored = conn.execute(
            text("SELECT public_id, client_secret_hash FROM auth_sessions ORDER BY public_id")
        ).all()
        assert [tuple(r) for r in stored] == [
            (f"auth_sess_{n}", hash_secret(s)) for n, s in enumerate(SECRETS)
        ]
        assert "client_secret" not in {c["name"] for c in inspect(conn).get_columns("auth_sessions")}
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []

    session, company = complete_auth_session(SqlUnitOfWork(engine), SECRETS[0])
    assert (session.public_id, company.public_id, company.connection is not None) == (
        "auth_sess_0",
        "end_usr_a",
        True,
    )

    # And back: 0004's schema again, without the sessions it could never look up; then up again.
    command.downgrade(config, "0004")
    with engine.connect() as conn:
        assert "client_secret" in {c["name"] for c in inspect(conn).get_columns("auth_sessions")}
        assert conn.execute(text("SELECT COUNT(*) FROM auth_sessions")).scalar() == 0
        assert not inspect(conn).has_table("login_failures")
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()
