"""An auth session's secret is shown once, in the create response and its link, and stored only as
its SHA-256: the database holds nothing that follows the link."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from conductor import Conductor
from sqlalchemy import select

from tests.servers import Server
from timeledger.auth.keys import hash_secret
from timeledger.store.engine import make_engine
from timeledger.store.tables import auth_sessions


def test_the_link_secret_is_stored_only_as_a_hash_and_the_link_still_connects(
    server: Server, demo: dict[str, Any]
) -> None:
    conductor = Conductor(
        api_key=demo["conductor"]["api_key"], base_url=f"{server.base_url}/v1", max_retries=0
    )
    end_user = conductor.end_users.create(
        company_name=f"Hashed {uuid.uuid4().hex[:6]}", email="owner@example.com", source_id=uuid.uuid4().hex
    )
    session = conductor.auth_sessions.create(
        publishable_key=demo["conductor"]["publishable_key"], end_user_id=end_user.id
    )
    assert f"/connect/qbd/{session.client_secret}?" in session.auth_flow_url

    engine = make_engine(server.database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(auth_sessions)).mappings().all()
    finally:
        engine.dispose()
    assert not any(session.client_secret in str(value) for row in rows for value in row.values())
    (stored,) = [row for row in rows if row["public_id"] == session.id]
    assert stored["client_secret_hash"] == hash_secret(session.client_secret)

    connected = httpx.post(session.auth_flow_url.split("?")[0])
    assert connected.status_code == 200 and "is connected" in connected.text
    assert conductor.qbd.health_check(conductor_end_user_id=end_user.id).status == "ok"


def test_a_link_with_a_wrong_secret_connects_nothing(server: Server) -> None:
    response = httpx.post(f"{server.base_url}/connect/qbd/auth_sess_client_secret_{'x' * 24}")
    assert response.status_code == 404 and "This setup link is not valid." in response.text
