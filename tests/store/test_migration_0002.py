"""Migration 0002 on a database that already holds companies: each gets the built-in currencies
and USD as its home currency, the schema then matches the tables the code declares, and the
migration can be undone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from tests.servers import fresh_database
from timeledger.ledger.journal import BUILTIN_CURRENCIES
from timeledger.store.engine import make_engine
from timeledger.store.migrate import alembic_config
from timeledger.store.tables import metadata


def test_existing_companies_get_the_built_in_currencies(backend: str, tmp_path: Path) -> None:
    url = fresh_database(backend, tmp_path)
    config = alembic_config(url)
    command.upgrade(config, "0001")
    engine = make_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO organizations (name, publishable_key, created_at) VALUES ('Org', 'pk_1', :now)"
            ),
            {"now": now},
        )
        for public_id in ("end_usr_a", "end_usr_b"):
            conn.execute(
                text(
                    "INSERT INTO companies (organization_id, public_id, name, email, source_id, created_at) "
                    "SELECT id, :public_id, 'Co', 'co@example.com', 'src', :now FROM organizations"
                ),
                {"public_id": public_id, "now": now},
            )
    command.upgrade(config, "head")
    with engine.connect() as conn:
        per_company = conn.execute(
            text(
                "SELECT c.home_currency_code, COUNT(*), SUM(CASE WHEN y.is_user_defined THEN 1 ELSE 0 END) "
                "FROM companies c JOIN currencies y ON y.company_id = c.id "
                "GROUP BY c.id, c.home_currency_code"
            )
        ).all()
        assert [tuple(r) for r in per_company] == [("USD", len(BUILTIN_CURRENCIES), 0)] * 2
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    # And back: down to 0001 and up again leaves the same schema, on a database with rows in it.
    command.downgrade(config, "0001")
    command.upgrade(config, "head")
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()
