"""Who can see what: secret keys, end-user headers, and one company's records kept from another's."""

from __future__ import annotations

import json
from typing import Any

import conductor as conductor_sdk
import httpx
import pytest
from conductor import Conductor
from sqlalchemy import create_engine, text

from tests.conformance.conductor.conftest import make_client
from tests.conformance.conductor.refusals import invalid_request, qbd_refusal, resource_missing
from tests.servers import Server, run_cli


def test_a_bad_key_is_401_in_conductors_error_shape(server: Server, end_user_id: str) -> None:
    client = make_client(server, "sk_tl_not_a_real_key")
    with pytest.raises(conductor_sdk.AuthenticationError) as excinfo:
        client.qbd.employees.list(conductor_end_user_id=end_user_id)
    error = excinfo.value.body["error"]  # type: ignore[index]
    assert (error["type"], error["code"], error["httpStatusCode"]) == (
        "AUTHENTICATION_ERROR",
        "API_KEY_INVALID",
        401,
    )
    assert error["requestId"] == excinfo.value.response.headers["conductor-request-id"]
    assert set(error) == {"message", "userFacingMessage", "type", "code", "httpStatusCode", "requestId"}


def test_a_missing_end_user_header_is_a_400(server: Server, demo: dict[str, Any]) -> None:
    response = httpx.get(
        f"{server.base_url}/v1/quickbooks-desktop/employees",
        headers={"Authorization": f"Bearer {demo['conductor']['api_key']}"},
    )
    assert response.status_code == 400
    assert "Conductor-End-User-Id" in response.json()["error"]["message"]
    invalid_request(response, "Conductor-End-User-Id")


def test_every_response_carries_a_request_id(server: Server, demo: dict[str, Any], end_user_id: str) -> None:
    headers = {
        "Authorization": f"Bearer {demo['conductor']['api_key']}",
        "Conductor-End-User-Id": end_user_id,
    }
    for method, path in (
        ("GET", "/v1/quickbooks-desktop/employees"),
        ("GET", "/v1/quickbooks-desktop/time-tracking-activities/FFFF-1"),
        ("GET", "/v1/no-such-thing"),
        ("PUT", "/v1/quickbooks-desktop/employees"),
    ):
        response = httpx.request(method, f"{server.base_url}{path}", headers=headers)
        assert response.headers["conductor-request-id"].startswith("req_"), path
        assert response.headers["content-type"] == "application/json", path


def test_the_frameworks_own_refusals_use_conductors_body(server: Server) -> None:
    unknown = httpx.get(f"{server.base_url}/v1/quickbooks-desktop/widgets")
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "RESOURCE_MISSING"
    wrong_method = httpx.put(f"{server.base_url}/v1/end-users")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["type"] == "INVALID_REQUEST_ERROR"
    # RFC 9110 §15.5.6: a 405 says which methods the resource takes.
    assert set(wrong_method.headers["allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_a_body_that_is_not_json_is_a_400(server: Server, demo: dict[str, Any], end_user_id: str) -> None:
    response = httpx.post(
        f"{server.base_url}/v1/quickbooks-desktop/classes",
        headers={
            "Authorization": f"Bearer {demo['conductor']['api_key']}",
            "Conductor-End-User-Id": end_user_id,
        },
        content=b"{not json",
    )
    assert response.status_code == 400 and "JSON" in response.json()["error"]["message"]
    assert response.headers["x-should-retry"] == "false"
    invalid_request(response, "JSON")


def test_one_end_user_never_sees_anothers_records(qbd: Any, new_end_user: Any) -> None:
    mine, theirs = new_end_user(), new_end_user()
    employee = qbd.employees.create(first_name="Private", last_name="Person", conductor_end_user_id=mine)
    activity = qbd.time_tracking_activities.create(
        entity_id=employee.id, transaction_date="2026-05-01", duration="PT1H", conductor_end_user_id=mine
    )
    with pytest.raises(conductor_sdk.NotFoundError) as excinfo:
        qbd.employees.retrieve(employee.id, conductor_end_user_id=theirs)
    resource_missing(excinfo)
    with pytest.raises(conductor_sdk.NotFoundError) as excinfo:
        qbd.time_tracking_activities.retrieve(activity.id, conductor_end_user_id=theirs)
    resource_missing(excinfo)
    assert list(qbd.time_tracking_activities.list(conductor_end_user_id=theirs)) == []
    assert qbd.employees.list(conductor_end_user_id=theirs).data == []
    with pytest.raises(conductor_sdk.InternalServerError) as excinfo:
        qbd.time_tracking_activities.create(
            entity_id=employee.id,
            transaction_date="2026-05-01",
            duration="PT1H",
            conductor_end_user_id=theirs,
        )
    body = qbd_refusal(excinfo)
    assert body["integrationCode"] == "3140" and "entityId" in body["message"]
    with pytest.raises(conductor_sdk.NotFoundError) as excinfo:
        qbd.time_tracking_activities.delete(activity.id, conductor_end_user_id=theirs)
    resource_missing(excinfo)
    assert qbd.time_tracking_activities.retrieve(activity.id, conductor_end_user_id=mine).id == activity.id


def test_a_key_never_reaches_another_organizations_end_users(
    server: Server, conductor: Conductor, end_user_id: str
) -> None:
    created = run_cli("keys", "create", "--name", "Other org", database_url=server.database_url)
    assert created.returncode == 0, created.stderr
    other = make_client(server, json.loads(created.stdout)["secret_key"])
    for call in (
        lambda: other.qbd.employees.list(conductor_end_user_id=end_user_id),
        lambda: other.end_users.retrieve(end_user_id),
        lambda: other.end_users.delete(end_user_id),
    ):
        with pytest.raises(conductor_sdk.NotFoundError) as excinfo:
            call()
        resource_missing(excinfo)
    assert other.end_users.list().data == []
    assert conductor.end_users.retrieve(end_user_id).id == end_user_id


def test_secret_keys_are_stored_only_as_hashes(server: Server, demo: dict[str, Any]) -> None:
    engine = create_engine(server.database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        stored = [row[0] for row in conn.execute(text("SELECT key_hash FROM api_keys"))]
    engine.dispose()
    assert demo["conductor"]["api_key"] not in stored
    assert all(len(h) == 64 for h in stored)
