"""Session fixtures: one real server per database backend, with demo credentials.

The suite runs on SQLite always and on PostgreSQL when ``TIMELEDGER_TEST_POSTGRES_URL`` names a
server we may create databases on (``make test`` starts a throwaway cluster and sets it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from tests.servers import Server, fresh_database, migrate_and_demo, store_fingerprint

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TIMELEDGER_TEST_POSTGRES_URL") else [])

if os.environ.get("TIMELEDGER_REQUIRE_POSTGRES") and "postgresql" not in BACKENDS:
    raise pytest.UsageError("TIMELEDGER_REQUIRE_POSTGRES is set but TIMELEDGER_TEST_POSTGRES_URL is not")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under ``pytest -n 2 --dist loadgroup`` each backend's tests run on one worker, so each worker
    starts one server and migrates one database, and the two databases' halves run side by side."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and "backend" in callspec.params:
            item.add_marker(pytest.mark.xdist_group(callspec.params["backend"]))


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    return fresh_database(backend, tmp_path_factory.mktemp(backend))


@pytest.fixture(scope="session")
def server(database_url: str) -> Iterator[Server]:
    srv = Server(database_url)
    demo = migrate_and_demo(database_url, srv.base_url)
    srv.start()
    srv.demo = demo  # type: ignore[attr-defined]
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def demo(server: Server) -> dict[str, Any]:
    return server.demo  # type: ignore[attr-defined]


@pytest.fixture
def unchanged(server: Server) -> Iterator[None]:
    """The test's requests leave every table of the server's database as it was."""
    before = store_fingerprint(server.database_url)
    yield
    assert store_fingerprint(server.database_url) == before
