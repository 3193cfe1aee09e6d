"""End users, auth sessions and the health check: how a company gets connected and used."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import conductor as conductor_sdk
import httpx
import pytest
from conductor import Conductor
from sqlalchemy import create_engine, text

from tests.conformance.conductor.refusals import invalid_request, resource_missing
from tests.servers import Server
from timeledger.store.engine import normalise_url


def test_an_end_user_is_created_listed_retrieved_and_deleted(conductor: Conductor) -> None:
    source = uuid.uuid4().hex
    created = conductor.end_users.create(
        company_name="Bluth Company", email="gob@bluth.test", source_id=source
    )
    assert created.id.startswith("end_usr_") and created.object_type == "end_user"
    assert (created.company_name, created.email, created.source_id) == (
        "Bluth Company",
        "gob@bluth.test",
        source,
    )
    assert created.integration_connections == []
    assert conductor.end_users.retrieve(created.id) == created
    assert created.id in [e.id for e in conductor.end_users.list().data]
    deleted = conductor.end_users.delete(created.id)
    assert (deleted.id, deleted.object_type, deleted.deleted) == (created.id, "end_user", True)
    with pytest.raises(conductor_sdk.NotFoundError) as excinfo:
        conductor.end_users.retrieve(created.id)
    resource_missing(excinfo)
    assert created.id not in [e.id for e in conductor.end_users.list().data]


def test_an_end_user_needs_company_name_email_and_source_id(conductor: Conductor) -> None:
    with pytest.raises(conductor_sdk.BadRequestError, match="sourceId") as excinfo:
        conductor.end_users.create(
            company_name="X", email="x@example.com", source_id="", extra_body={"sourceId": 5}
        )
    invalid_request(excinfo, "sourceId")


def test_qbd_requests_wait_until_the_auth_session_link_is_followed(
    conductor: Conductor, demo: dict[str, Any]
) -> None:
    end_user = conductor.end_users.create(company_name="Not Yet", email="n@example.com", source_id="n")
    with pytest.raises(conductor_sdk.ConflictError) as excinfo:
        conductor.qbd.health_check(conductor_end_user_id=end_user.id)
    error = excinfo.value.body["error"]  # type: ignore[index]
    assert excinfo.value.status_code == error["httpStatusCode"] == 409
    assert (error["type"], error["code"]) == (
        "INTEGRATION_CONNECTION_ERROR",
        "INTEGRATION_CONNECTION_NOT_SET_UP",
    )
    assert excinfo.value.response.headers["x-should-retry"] == "false"

    session = conductor.auth_sessions.create(
        publishable_key=demo["conductor"]["publishable_key"],
        end_user_id=end_user.id,
        link_expiry_mins=60,
        redirect_url="https://example.com/done",
    )
    assert session.object_type == "auth_session" and session.end_user_id == end_user.id
    assert session.client_secret in session.auth_flow_url
    assert session.redirect_url == "https://example.com/done"
    page = httpx.get(session.auth_flow_url)
    assert page.status_code == 200 and "<form" in page.text
    done = httpx.post(session.auth_flow_url, follow_redirects=False)
    assert (done.status_code, done.headers["location"]) == (303, "https://example.com/done")

    health = conductor.qbd.health_check(conductor_end_user_id=end_user.id)
    assert health.status == "ok" and health.duration >= 0
    connection = conductor.end_users.retrieve(end_user.id).integration_connections[0]
    assert connection.integration_slug == "quickbooks_desktop" and connection.last_successful_request_at


def test_an_auth_session_needs_the_organizations_publishable_key(conductor: Conductor) -> None:
    end_user = conductor.end_users.create(company_name="Keyless", email="k@example.com", source_id="k")
    with pytest.raises(conductor_sdk.AuthenticationError) as excinfo:
        conductor.auth_sessions.create(publishable_key="pk_tl_wrong", end_user_id=end_user.id)
    error = excinfo.value.body["error"]  # type: ignore[index]
    assert (error["type"], error["code"]) == ("AUTHENTICATION_ERROR", "PUBLISHABLE_KEY_INVALID")


def test_an_expired_setup_link_does_not_connect(
    conductor: Conductor, demo: dict[str, Any], server: Server
) -> None:
    end_user = conductor.end_users.create(company_name="Late", email="l@example.com", source_id="l")
    session = conductor.auth_sessions.create(
        publishable_key=demo["conductor"]["publishable_key"], end_user_id=end_user.id, link_expiry_mins=15
    )
    # Fifteen minutes pass (the shortest link Conductor makes): the session's expiry is moved back.
    engine = create_engine(normalise_url(server.database_url))
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE auth_sessions SET expires_at = :past WHERE public_id = :id"),
            {"past": datetime(2020, 1, 1), "id": session.id},
        )
    engine.dispose()
    page = httpx.post(session.auth_flow_url)
    assert page.status_code == 410 and "expired" in page.text
    assert conductor.end_users.retrieve(end_user.id).integration_connections == []


@pytest.mark.parametrize("minutes", [0, 14, -5, 10081, 1_000_000_000_000_000])
def test_an_auth_session_link_lives_15_minutes_to_7_days(
    conductor: Conductor, demo: dict[str, Any], minutes: int
) -> None:
    end_user = conductor.end_users.create(company_name="Span", email="s@example.com", source_id="s")
    with pytest.raises(conductor_sdk.BadRequestError) as excinfo:
        conductor.auth_sessions.create(
            publishable_key=demo["conductor"]["publishable_key"],
            end_user_id=end_user.id,
            link_expiry_mins=minutes,
        )
    error = excinfo.value.body["error"]  # type: ignore[index]
    assert error["code"] == "INVALID_REQUEST" and "linkExpiryMins" in error["message"]
