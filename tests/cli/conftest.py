"""A migrated database per backend and an organization in it, for commands that need one."""

from __future__ import annotations

import json

import pytest

from tests.servers import fresh_database, run_cli


@pytest.fixture(scope="module")
def migrated_database(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    url = fresh_database(backend, tmp_path_factory.mktemp(backend))
    migrated = run_cli("migrate", database_url=url)
    assert migrated.returncode == 0, migrated.stderr
    return url


@pytest.fixture(scope="module")
def publishable_key(migrated_database: str) -> str:
    created = run_cli("keys", "create", "--name", "CLI tests", database_url=migrated_database)
    assert created.returncode == 0, created.stderr
    return str(json.loads(created.stdout)["publishable_key"])
