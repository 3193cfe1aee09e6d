"""The QuickBooks Time connector against the running timeledger (the session ``server``): a demo
account these tests write in, accounts of their own for tests that spend tokens or watch for
changes, and ``timeledger qbtime`` run as a subprocess. The session ``demo`` is only read."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.servers import CLI, Server, new_demo
from timeledger.connectors.quickbooks_time import Credentials, NewUser, QuickBooksTimeClient

_numbers = itertools.count(1)


def unique(prefix: str) -> str:
    """A name no other test (nor an earlier run on the same server) has taken."""
    return f"{prefix}{next(_numbers)}{uuid.uuid4().hex[:6]}"


@pytest.fixture(scope="package")
def account(server: Server) -> dict[str, Any]:
    """The ``quickbooks_time`` block of a demo of these tests' own: the users and timesheets they
    make stay out of the session demo other packages read (they only read that one)."""
    return new_demo(server)["quickbooks_time"]


@pytest.fixture
def client(account: dict[str, Any]) -> Iterator[QuickBooksTimeClient]:
    with QuickBooksTimeClient(Credentials.from_mapping(account, "the demo")) as made:
        yield made


@pytest.fixture
def credentials_file(account: dict[str, Any], tmp_path: Path) -> Path:
    """The demo's ``quickbooks_time`` block as a file of its own."""
    path = tmp_path / "quickbooks-time.json"
    path.write_text(json.dumps(account))
    return path


def new_tracker(client: QuickBooksTimeClient) -> int:
    """A new user allowed to track time (QuickBooks Time's new users are not), so the test's
    timesheets overlap no one else's."""
    made = client.create_user(
        NewUser(unique("tracker"), "Test", "Tracker", {"permissions": {"time_tracking": True}})
    )
    return int(made["users"]["1"]["id"])


def jobcode_named(client: QuickBooksTimeClient, name: str) -> int:
    found = [j for j in client.get_jobcodes()["jobcodes"].values() if j["name"] == name]
    assert len(found) == 1, found
    return int(found[0]["id"])


def api(block: dict[str, Any], method: str, resource: str, **kwargs: Any) -> dict[str, Any]:
    """A call of our own to the API, for what no connector action does (assign a jobcode, rename
    one): plain httpx, as any client would."""
    response = httpx.request(
        method,
        f"{block['base_url']}/{resource}",
        headers={"Authorization": f"Bearer {block['access_token']}"},
        **kwargs,
    )
    assert response.status_code == 200, response.text
    return response.json()


def qbtime(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``timeledger qbtime ARGS`` as a newcomer runs it, with none of the caller's
    ``QUICKBOOKS_TIME_*`` variables unless ``env`` sets them."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("QUICKBOOKS_TIME_")}
    return subprocess.run(
        [*CLI, "qbtime", *args], env={**clean, **(env or {})}, capture_output=True, text=True, timeout=120
    )
