"""Migration 0006 on a database that already holds customers and jobs: each job learns the
top-level customer above it, however deep it sits, and the schema then matches the code's."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from tests.servers import fresh_database
from timeledger.store.engine import make_engine
from timeledger.store.migrate import alembic_config
from timeledger.store.tables import metadata


def test_existing_jobs_learn_their_top_level_customer(backend: str, tmp_path: Path) -> None:
    url = fresh_database(backend, tmp_path)
    config = alembic_config(url)
    command.upgrade(config, "0005")
    engine = make_engine(url)
    now = datetime.now(UTC).replace(tzinfo=None)
    keys: dict[str, int] = {}
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
        company = conn.execute(text("SELECT id FROM companies")).scalar_one()
        for full_name, parent in (
            ("Acme", None),
            ("Acme:Web", "Acme"),
            ("Acme:Web:Phase 1", "Acme:Web"),
            ("Globex", None),
        ):
            keys[full_name] = conn.execute(
                text(
                    "INSERT INTO list_entries (company_id, kind, parent_id, name, full_name, full_name_key, "
                    "name_key, sublevel, is_active, extra, revision, created_at, updated_at) VALUES "
                    "(:company, 'customer', :parent, :name, :full_name, :key, :name_key, :sublevel, true, "
                    "'{}', 1, :now, :now) RETURNING id"
                ),
                {
                    "company": company,
                    "parent": keys[parent] if parent else None,
                    "name": full_name.rsplit(":", 1)[-1],
                    "full_name": full_name,
                    "key": full_name.casefold(),
                    "name_key": full_name.rsplit(":", 1)[-1].casefold(),
                    "sublevel": full_name.count(":"),
                    "now": now,
                },
            ).scalar_one()
    command.upgrade(config, "head")
    with engine.connect() as conn:
        roots = dict(conn.execute(text("SELECT full_name, root_id FROM list_entries")).all())
        assert compare_metadata(MigrationContext.configure(conn), metadata) == []
    engine.dispose()
    acme = keys["Acme"]
    assert roots == {"Acme": None, "Acme:Web": acme, "Acme:Web:Phase 1": acme, "Globex": None}
