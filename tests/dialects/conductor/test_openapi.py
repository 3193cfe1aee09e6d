"""The OpenAPI document Conductor's dialect publishes at ``/v1/openapi.json``: valid OpenAPI 3.1,
exactly the operations of the route table, the same bytes every time, and true of what the
server sends: a real object of every type, and a real answer of every read, validate against it."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from typing import Any

import httpx
import jsonschema_rs
import pydantic
import pytest
import schemathesis
from conductor.types import EndUserDeleteResponse, QbdHealthCheckResponse
from conductor.types.qbd import (
    JournalEntryDeleteResponse,
    JournalEntryVoidResponse,
    TimeTrackingActivityDeleteResponse,
)
from starlette.routing import Route
from tests.conformance.conductor.sample_books import QBD, SampleBooks, seed_books
from tests.servers import Server

from timeledger.dialects.conductor import routes as conductor_routes
from timeledger.dialects.conductor.wire import openapi
from timeledger.dialects.conductor.wire.schema import RESPONSES
from timeledger.dialects.conductor.wire.validation import Shape

DOCUMENT = openapi.build(conductor_routes.routes())


def route_table() -> set[tuple[str, str]]:
    """(method, path) of every ``/v1`` route the dialect mounts, as the document writes the path."""
    return {
        (method, route.path.removeprefix("/v1"))
        for route in conductor_routes.routes()
        if isinstance(route, Route) and route.path.startswith("/v1/")
        for method in (route.methods or set()) - {"HEAD"}
    }


def in_document(document: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, item in document["paths"].items() for method in item}


def test_the_document_is_valid_openapi_3_1() -> None:
    assert DOCUMENT["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(DOCUMENT).validate()
    for name, schema in DOCUMENT["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name


def test_the_document_names_exactly_the_operations_of_the_route_table() -> None:
    assert in_document(DOCUMENT) == route_table()


def test_every_operation_is_named_after_its_handler() -> None:
    handlers = {
        (method, route.path.removeprefix("/v1")): route.name
        for route in conductor_routes.routes()
        if isinstance(route, Route)
        for method in route.methods or ()
    }
    for path, item in DOCUMENT["paths"].items():
        for method, operation in item.items():
            assert operation["operationId"] == handlers[method.upper(), path]


def test_quickbooks_operations_require_the_end_user_header_and_paths_with_an_id_declare_it() -> None:
    end_user = {"$ref": "#/components/parameters/EndUserId"}
    path_id = {"$ref": "#/components/parameters/Id"}
    for path, item in DOCUMENT["paths"].items():
        for operation in item.values():
            parameters = operation.get("parameters", [])
            assert (end_user in parameters) == path.startswith("/quickbooks-desktop/"), path
            assert (path_id in parameters) == ("{id}" in path), path


def test_only_the_document_itself_is_readable_without_a_key() -> None:
    assert DOCUMENT["security"] == [{"secretKey": []}]
    anonymous = {
        (method.upper(), path)
        for path, item in DOCUMENT["paths"].items()
        for method, operation in item.items()
        if operation.get("security") == []
    }
    assert anonymous == {("GET", "/openapi.json")}


def test_request_bodies_are_closed_with_their_limits() -> None:
    create = DOCUMENT["paths"]["/quickbooks-desktop/time-tracking-activities"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body["additionalProperties"] is False
    assert body["required"] == ["duration", "entityId", "transactionDate"]
    assert body["properties"]["transactionDate"] == {"type": "string", "format": "date"}
    assert body["properties"]["note"] == {"type": "string", "maxLength": 4095}
    assert body["properties"]["billingStatus"]["enum"] == ["billable", "has_been_billed", "not_billable"]
    lines = DOCUMENT["paths"]["/quickbooks-desktop/journal-entries"]["post"]["requestBody"]["content"]
    line = lines["application/json"]["schema"]["properties"]["debitLines"]["items"]
    assert line["additionalProperties"] is False and line["required"] == ["accountId"]


def test_array_query_parameters_repeat_their_key_and_pages_hold_at_most_150() -> None:
    parameters = {
        p["name"]: p
        for p in DOCUMENT["paths"]["/quickbooks-desktop/vendors"]["get"]["parameters"]
        if "name" in p
    }
    assert parameters["ids"] | {"schema": None} == {
        "name": "ids",
        "in": "query",
        "required": False,
        "style": "form",
        "explode": True,
        "schema": None,
    }
    assert parameters["limit"]["schema"] == {"type": "integer", "minimum": 1, "maximum": 150}


def test_the_document_is_the_same_bytes_in_every_process() -> None:
    """Built from dicts and sets in a fresh interpreter each time: no order may depend on hashing."""
    script = (
        "import hashlib; from timeledger.dialects.conductor import routes; "
        "from timeledger.dialects.conductor.wire import openapi; "
        "print(hashlib.sha256(openapi.document(routes.routes)).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert digests == {hashlib.sha256(openapi.document(conductor_routes.routes)).hexdigest()}


def wire_keys(model: type[pydantic.BaseModel]) -> set[str]:
    return {info.alias or name for name, info in model.model_fields.items()}


@pytest.mark.parametrize(
    ("shape", "model"),
    [
        (openapi.DELETED["end_user"], EndUserDeleteResponse),
        (openapi.DELETED["qbd_time_tracking_activity"], TimeTrackingActivityDeleteResponse),
        (openapi.DELETED["qbd_journal_entry"], JournalEntryDeleteResponse),
        (openapi.VOIDED, JournalEntryVoidResponse),
        (openapi.HEALTH_CHECK, QbdHealthCheckResponse),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_the_answers_schema_py_lacks_have_the_keys_conductor_py_declares(
    shape: dict[str, Shape], model: type[pydantic.BaseModel]
) -> None:
    assert set(shape) == wire_keys(model)


# --- against the running server ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def published(server: Server) -> httpx.Response:
    return httpx.get(f"{server.base_url}/v1/openapi.json", timeout=30)


def test_the_server_publishes_the_document_to_anyone(published: httpx.Response) -> None:
    assert published.status_code == 200
    assert published.headers["content-type"] == "application/json"
    assert published.headers["conductor-request-id"].startswith("req_")
    assert published.content == openapi.document(conductor_routes.routes)


@pytest.fixture(scope="module")
def books(server: Server, demo: dict[str, Any]) -> SampleBooks:
    return seed_books(server, demo)


@pytest.fixture(scope="module")
def client(server: Server, demo: dict[str, Any], books: SampleBooks) -> httpx.Client:
    headers = {
        "Authorization": f"Bearer {demo['conductor']['api_key']}",
        "Conductor-End-User-Id": books.end_user_id,
    }
    return httpx.Client(base_url=f"{server.base_url}/v1", headers=headers, timeout=30)


def ok(response: httpx.Response) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def real_objects(
    client: httpx.Client, books: SampleBooks, demo: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    """Real objects of every type the document has a component for, as the server sent them."""
    found: dict[str, list[dict[str, Any]]] = {}
    for path, collection in openapi.COLLECTIONS.items():
        for real_id in books.ids.get(path, []):
            found.setdefault(collection.object_type, []).append(ok(client.get(f"{path}/{real_id}")))
    vendor = ok(
        client.post(
            f"{QBD}/vendors",
            json={
                "name": f"Contacts {uuid.uuid4().hex[:6]}",
                "additionalContacts": [
                    {"firstName": "Ada", "customContactFields": [{"name": "Desk", "value": "3"}]}
                ],
            },
        )
    )
    found["qbd_vendor"].append(vendor)
    found["qbd_contact"] = vendor["additionalContacts"]
    entries = found["qbd_journal_entry"]
    found["qbd_journal_debit_line"] = [line for e in entries for line in e["debitLines"]]
    found["qbd_journal_credit_line"] = [line for e in entries for line in e["creditLines"]]
    found["qbd_company"] = [ok(client.get(f"{QBD}/company"))]
    for path, object_type in (
        (f"{QBD}/deleted-transactions", "qbd_deleted_transaction"),
        (f"{QBD}/deleted-list-objects", "qbd_deleted_list_object"),
    ):
        found[object_type] = ok(client.get(path, params=every_type(path)))["data"]
    found["end_user"] = [ok(client.get(f"/end-users/{books.end_user_id}"))]
    found["integration_connection"] = found["end_user"][0]["integrationConnections"]
    session = {"publishableKey": demo["conductor"]["publishable_key"], "endUserId": books.spare_end_users[0]}
    found["auth_session"] = [ok(client.post("/auth-sessions", json=session))]
    return found


def every_type(path: str) -> dict[str, list[str]]:
    """Each required query parameter of the read at ``path`` (the deleted lists' types) with every
    value its enum allows, so the answer holds whatever the company has of any type."""
    parameters = DOCUMENT["paths"][path]["get"].get("parameters", [])
    return {
        p["name"]: p["schema"]["items"]["enum"]
        for p in parameters
        if p.get("in") == "query" and p["required"]
    }


def validator(document: dict[str, Any], schema: dict[str, Any]) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(
        {**schema, "components": document["components"]}, validate_formats=True
    )


@pytest.mark.parametrize("object_type", sorted(RESPONSES))
def test_a_real_object_of_each_type_validates_against_its_component(
    object_type: str, published: httpx.Response, real_objects: dict[str, list[dict[str, Any]]]
) -> None:
    check = validator(published.json(), {"$ref": f"#/components/schemas/{object_type}"})
    assert real_objects[object_type], f"no {object_type} to check"
    for body in real_objects[object_type]:
        problems = [f"{e.instance_path}: {e.message}" for e in check.iter_errors(body)]
        assert not problems, problems


READS = sorted(
    (path, item["get"]["operationId"])
    for path, item in DOCUMENT["paths"].items()
    if "get" in item and path != "/openapi.json"
)


@pytest.mark.parametrize(("path", "name"), READS, ids=[name for _, name in READS])
def test_a_real_answer_of_each_read_validates_against_its_operation(
    path: str, name: str, published: httpx.Response, client: httpx.Client, books: SampleBooks
) -> None:
    document = published.json()
    answer = document["paths"][path]["get"]["responses"]["200"]
    check = validator(document, answer["content"]["application/json"]["schema"])
    real_id = (books.real_ids("GET", path) or [""])[0]
    response = client.get(path.replace("{id}", real_id), params=every_type(path))
    assert not [f"{e.instance_path}: {e.message}" for e in check.iter_errors(ok(response))]
    assert set(answer["headers"]) == {"Conductor-Request-Id"} and response.headers["conductor-request-id"]
