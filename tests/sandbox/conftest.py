"""A server run with ``--sandbox`` on a database of its own, and a company of each test's own on it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from conductor import Conductor

from tests.servers import Server, fresh_database, new_demo, started_server


@pytest.fixture(scope="package")
def sandbox_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = started_server(fresh_database(backend, tmp_path_factory.mktemp(f"sandbox-{backend}")), sandbox=True)
    yield srv
    srv.stop()


@dataclass
class Company:
    """A demo company on the sandbox server: its credentials, and calls of the sandbox API."""

    server: Server
    demo: dict[str, Any]

    @property
    def end_user_id(self) -> str:
        return str(self.demo["conductor"]["end_user_id"])

    def call(self, method: str, path: str, *, key: str | None = None, **kwargs: Any) -> httpx.Response:
        url = f"{self.server.base_url}/_timeledger/companies/{self.end_user_id}{path}"
        headers = {"Authorization": f"Bearer {key or self.demo['conductor']['api_key']}"}
        return httpx.request(method, url, headers=headers, timeout=60, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.call(method, path, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    @property
    def qbd(self) -> Any:
        block = self.demo["conductor"]
        client = Conductor(
            api_key=block["api_key"],
            base_url=block["base_url"],
            _strict_response_validation=True,
            max_retries=0,
        )
        return client.qbd


@pytest.fixture
def company(sandbox_server: Server) -> Company:
    return Company(sandbox_server, new_demo(sandbox_server))
