"""conductor-py against the real server: strict response validation, no retries, so every
shape mismatch and every error status is seen exactly as a user's code would see it."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from conductor import Conductor

from tests.servers import Server


def make_client(server: Server, api_key: str) -> Conductor:
    return Conductor(
        api_key=api_key, base_url=f"{server.base_url}/v1", _strict_response_validation=True, max_retries=0
    )


@pytest.fixture(scope="session")
def conductor(server: Server, demo: dict[str, Any]) -> Conductor:
    return make_client(server, demo["conductor"]["api_key"])


@pytest.fixture(scope="session")
def qbd(conductor: Conductor) -> Any:
    return conductor.qbd


@pytest.fixture(scope="session")
def end_user_id(demo: dict[str, Any]) -> str:
    return demo["conductor"]["end_user_id"]


@pytest.fixture(scope="session")
def new_end_user(conductor: Conductor, demo: dict[str, Any]) -> Callable[[], str]:
    """Create an end user and follow its auth-session link, as a person setting it up would."""

    def create() -> str:
        end_user = conductor.end_users.create(
            company_name=f"Company {uuid.uuid4().hex[:6]}",
            email="owner@example.com",
            source_id=uuid.uuid4().hex,
        )
        session = conductor.auth_sessions.create(
            publishable_key=demo["conductor"]["publishable_key"], end_user_id=end_user.id
        )
        page = httpx.post(session.auth_flow_url.split("?")[0], follow_redirects=False)
        assert page.status_code == 200, page.text
        return end_user.id

    return create
