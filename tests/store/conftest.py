"""A fresh, migrated database per test on each backend, and a company in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers import fresh_database
from timeledger.auth.keys import create_organization
from timeledger.ledger.services.companies import create_company
from timeledger.store.engine import make_engine
from timeledger.store.migrate import upgrade
from timeledger.store.unit_of_work import SqlUnitOfWork


@pytest.fixture
def uow(backend: str, tmp_path: Path) -> SqlUnitOfWork:
    url = fresh_database(backend, tmp_path)
    upgrade(url)
    return SqlUnitOfWork(make_engine(url))


@pytest.fixture
def company_key(uow: SqlUnitOfWork) -> int:
    organization, _ = create_organization(uow, "Org")
    return create_company(uow, organization.key, "Co", "co@example.com", "co", connected=True).key
