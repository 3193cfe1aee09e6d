"""Conductor's API as timeledger serves it, as an OpenAPI 3.1 document: ``GET /v1/openapi.json``,
for schemathesis, client generators and API explorers.

Nothing in it is written twice: the route table says which paths and methods exist, ``schema.py``
(generated from conductor-py) gives every request field and response key, ``LIST_OBJECTS`` which
lists are cursor pages, and the parsers' own constants the bounds they apply. What the generated
schema does not hold (delete, void and health check answers, the error body) is written out below
from the handlers that render it. Built once per route table; the same bytes every time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from typing import Any

import orjson
from starlette.routing import BaseRoute, Route

from timeledger.dialects.conductor.qbxml.message import INTEGRATION_SLUG, REQUEST_NAME_PATTERN
from timeledger.dialects.conductor.wire.lists import LIST_OBJECTS
from timeledger.dialects.conductor.wire.platform import LINK_EXPIRY_MINUTES
from timeledger.dialects.conductor.wire.responses import REQUEST_ID_HEADER
from timeledger.dialects.conductor.wire.schema import REFERENCE, REQUESTS, RESPONSES
from timeledger.dialects.conductor.wire.validation import Field, Shape
from timeledger.dialects.conductor.wire.values import MAX_PAGE
from timeledger.dialects.scaffold.bodies import MAX_BODY_BYTES
from timeledger.dialects.scaffold.values import INT64_MAX

# Paths are written as the SDK's base URL sees them; the server URL is relative, so a tool resolves
# it against wherever it fetched the document from.
PREFIX = "/v1"
QBD = "/quickbooks-desktop"
DOCUMENT_PATH = "/openapi.json"
HEALTH_CHECK_PATH = f"{QBD}/health-check"
END_USER_HEADER = "Conductor-End-User-Id"


@dataclass(frozen=True)
class Collection:
    """What a collection path holds: its operations' names in ``REQUESTS`` (``vendors`` for
    ``vendors.create``), its object type in ``RESPONSES``, and whether it lists in cursor pages."""

    operations: str
    object_type: str
    is_paged: bool


COLLECTIONS: dict[str, Collection] = {
    "/end-users": Collection("end_users", "end_user", is_paged=False),
    "/auth-sessions": Collection("auth_sessions", "auth_session", is_paged=False),
    f"{QBD}/time-tracking-activities": Collection(
        "time_tracking_activities", "qbd_time_tracking_activity", is_paged=True
    ),
    **{f"{QBD}/{o.path}": Collection(o.operations, o.object_type, o.is_paged) for o in LIST_OBJECTS},
    f"{QBD}/journal-entries": Collection("journal_entries", "qbd_journal_entry", is_paged=True),
    f"{QBD}/currencies": Collection("currencies", "qbd_currency", is_paged=False),
    f"{QBD}/deleted-list-objects": Collection(
        "deleted_list_objects", "qbd_deleted_list_object", is_paged=False
    ),
    f"{QBD}/deleted-transactions": Collection(
        "deleted_transactions", "qbd_deleted_transaction", is_paged=False
    ),
}

# Paths that are one object, not a collection: path -> (its read's name in ``REQUESTS``, object type).
SINGLETONS: dict[str, tuple[str, str]] = {f"{QBD}/company": ("company.retrieve", "qbd_company")}

# (method, what follows the collection path) -> the operation.
VERBS = {
    ("POST", ""): "create",
    ("GET", ""): "list",
    ("GET", "/{id}"): "retrieve",
    ("POST", "/{id}"): "update",
    ("DELETE", "/{id}"): "delete",
    ("POST", "/{id}/void"): "void",
}

_STRING: Shape = {"type": "str"}
_NULLABLE_STRING: Shape = {"type": "str", "nullable": True}
_FLAG: Shape = {"type": "bool"}


def _deleted(object_type: str, **more: Shape) -> dict[str, Shape]:
    return {"id": _STRING, "objectType": {"type": "str", "enum": (object_type,)}, **more, "deleted": _FLAG}


# What a delete answers: routes.py's delete handlers and journal_entries.render_deleted, keys as
# conductor-py's EndUserDeleteResponse, TimeTrackingActivityDeleteResponse, JournalEntryDeleteResponse.
DELETED: dict[str, dict[str, Shape]] = {
    "end_user": _deleted("end_user"),
    "qbd_time_tracking_activity": _deleted("qbd_time_tracking_activity"),
    "qbd_journal_entry": _deleted("qbd_journal_entry", refNumber=_NULLABLE_STRING),
}

# journal_entries.render_voided (JournalEntryVoidResponse): the entry's times are always known here,
# so they are never null, though the SDK allows it.
VOIDED: dict[str, Shape] = {
    "id": _STRING,
    "objectType": {"type": "str", "enum": ("qbd_journal_entry",)},
    "createdAt": _STRING,
    "updatedAt": _STRING,
    "refNumber": _NULLABLE_STRING,
    "voided": _FLAG,
}

# routes.health_check (QbdHealthCheckResponse): milliseconds the check took.
HEALTH_CHECK: dict[str, Shape] = {"duration": {"type": "float"}, "status": {"type": "str", "enum": ("ok",)}}

# errors.ConductorError.to_body; ``integrationCode`` only where QuickBooks names its refusal.
ERROR: dict[str, Shape] = {
    "message": _STRING,
    "userFacingMessage": _STRING,
    "type": {
        "type": "str",
        "enum": (
            "INVALID_REQUEST_ERROR",
            "AUTHENTICATION_ERROR",
            "INTEGRATION_ERROR",
            "INTEGRATION_CONNECTION_ERROR",
            "INTERNAL_ERROR",
        ),
    },
    "code": _STRING,
    "httpStatusCode": {"type": "int"},
    "integrationCode": _STRING,
    "requestId": _STRING,
}
ERROR_OPTIONAL = {"integrationCode"}

# Every refusal carries ``x-should-retry: false`` (errors.error_response); an unexpected 500 does
# not, so the SDK may retry it.
ERRORS = {
    400: "The request is malformed: a missing or unknown field, a wrong type, a bad ID or cursor.",
    401: "The secret key (or an auth session's publishable key) is not valid.",
    404: "No such object, end user or path, or it belongs to another company.",
    413: f"The body is over {MAX_BODY_BYTES:,} bytes; it was not read.",
    500: "Something unexpected went wrong; the request changed nothing.",
    502: "QuickBooks Desktop refused the request (QBD_REQUEST_ERROR, with QuickBooks' status code in "
    "integrationCode where it names one), or the end user's connection is not set up.",
}

# Bounds the parsers apply beyond the generated schema: (operation, field) -> (minimum, maximum).
BOUNDS: dict[tuple[str, str], tuple[int, int]] = {
    ("auth_sessions.create", "linkExpiryMins"): LINK_EXPIRY_MINUTES,
}

_SCALARS: dict[str, dict[str, Any]] = {
    "str": {"type": "string"},
    "date": {"type": "string", "format": "date"},
    "bool": {"type": "boolean"},
    "int": {"type": "integer"},
    "float": {"type": "number"},
}
_REFERENCE_COMPONENT = "qbd_reference"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


# --- request schemas: closed, as validation.validate_body enforces them ---------------------------


def request_schema(field: Field, bounds: tuple[int, int] | None = None) -> dict[str, Any]:
    kind = field["type"]
    if kind == "object":
        return closed_request_object(field["fields"])
    if kind == "array":
        return {"type": "array", "items": request_schema(field["items"])}
    schema = dict(_SCALARS[kind])
    if kind == "int":
        # validate_body refuses what a 64-bit column could not keep.
        schema |= {"minimum": -INT64_MAX, "maximum": INT64_MAX}
    if "enum" in field:
        schema["enum"] = list(field["enum"])
    if "max_length" in field:
        schema["maxLength"] = field["max_length"]
    if bounds is not None:
        schema["minimum"], schema["maximum"] = bounds
    return schema


def closed_request_object(fields: dict[str, Field], operation: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            name: request_schema(field, BOUNDS.get((operation, name))) for name, field in fields.items()
        },
    }
    required = [name for name, field in fields.items() if field.get("required")]
    if required:
        schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def query_parameters(operation: str, is_paged: bool) -> list[dict[str, Any]]:
    """A list operation's query string, as validation.validate_query reads it: arrays repeat the key."""
    parameters = []
    for name, field in REQUESTS.get(operation, {}).items():
        schema = request_schema(field)
        if name == "limit":
            # values.parse_limit: a page holds 1 to MAX_PAGE; a plain list any positive number.
            schema |= {"minimum": 1, "maximum": MAX_PAGE} if is_paged else {"minimum": 1}
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": bool(field.get("required"))}
        if field["type"] == "array":
            parameter |= {"style": "form", "explode": True}
        parameters.append(parameter | {"schema": schema})
    return parameters


# --- response schemas: every key present, null where the schema allows it --------------------------


def response_schema(shape: Shape) -> dict[str, Any]:
    kind = shape["type"]
    nullable = bool(shape.get("nullable"))
    if kind == "object":
        inner = _component_for(shape["fields"]) or closed_response_object(shape["fields"])
    elif kind == "array":
        inner = {"type": "array", "items": response_schema(shape["items"])}
    else:
        inner = dict(_SCALARS[kind])
        enum = list(shape.get("enum", ()))
        if len(enum) == 1 and not nullable:
            inner["const"] = enum[0]
        elif enum:
            inner["enum"] = [*enum, None] if nullable else enum
        if nullable:
            inner["type"] = [inner["type"], "null"]
        return inner
    return {"anyOf": [inner, {"type": "null"}]} if nullable else inner


def closed_response_object(fields: dict[str, Shape], optional: Iterable[str] = ()) -> dict[str, Any]:
    left_out = set(optional)
    return {
        "type": "object",
        "properties": {name: response_schema(shape) for name, shape in fields.items()},
        "required": [name for name in fields if name not in left_out],
        "additionalProperties": False,
    }


def _component_for(fields: dict[str, Shape]) -> dict[str, str] | None:
    """A reference to the component a nested object already is: a QuickBooks reference
    (``{id, fullName}``), or an object of its own type (a journal line, an additional contact)."""
    if fields == REFERENCE:
        return _ref(_REFERENCE_COMPONENT)
    object_type = fields.get("objectType", {}).get("enum", ())
    if len(object_type) == 1 and RESPONSES.get(object_type[0]) == fields:
        return _ref(object_type[0])
    return None


def components() -> dict[str, Any]:
    schemas = {name: closed_response_object(fields) for name, fields in RESPONSES.items()}
    schemas[_REFERENCE_COMPONENT] = closed_response_object(REFERENCE)
    schemas["Error"] = closed_response_object(ERROR, optional=ERROR_OPTIONAL)
    schemas["ErrorResponse"] = {
        "type": "object",
        "properties": {"error": _ref("Error")},
        "required": ["error"],
        "additionalProperties": False,
    }
    request_id = {"$ref": "#/components/headers/RequestId"}
    retry = {"$ref": "#/components/headers/ShouldRetry"}
    return {
        "schemas": schemas,
        "parameters": {
            "EndUserId": {
                "name": END_USER_HEADER,
                "in": "header",
                "required": True,
                "description": "The end user (company) the request is for: an id such as end_usr_....",
                "schema": {"type": "string"},
            },
            "Id": {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        },
        "headers": {
            "RequestId": {
                "required": True,
                "description": "This request's id, also in an error body's requestId.",
                "schema": {"type": "string"},
            },
            "ShouldRetry": {
                "required": True,
                "description": "Always false on a refusal: the same request would fail the same way.",
                "schema": {"type": "string", "const": "false"},
            },
        },
        "responses": {
            str(status): {
                "description": description,
                "headers": {REQUEST_ID_HEADER: request_id}
                | ({} if status == 500 else {"x-should-retry": retry}),
                "content": {"application/json": {"schema": _ref("ErrorResponse")}},
            }
            for status, description in sorted(ERRORS.items())
        },
        "securitySchemes": {
            "secretKey": {
                "type": "http",
                "scheme": "bearer",
                "description": "A secret key (sk_tl_...) from `timeledger keys create` or `timeledger demo`.",
            }
        },
    }


# --- operations -----------------------------------------------------------------------------------


def _list_schema(url: str, object_type: str, is_paged: bool) -> dict[str, Any]:
    """routes.py's lists: paging.cursor_page or paging.plain_list."""
    fields: dict[str, Any] = {
        "objectType": {"type": "string", "const": "list"},
        "url": {"type": "string", "const": url},
        "data": {"type": "array", "items": _ref(object_type)},
    }
    if is_paged:
        fields |= {
            "nextCursor": {"type": ["string", "null"]},
            "remainingCount": {"type": ["integer", "null"]},
            "hasMore": {"type": "boolean"},
        }
    return {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}


def _success(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {REQUEST_ID_HEADER: {"$ref": "#/components/headers/RequestId"}},
        "content": {"application/json": {"schema": schema}},
    }


def _operation(method: str, path: str, name: str) -> dict[str, Any]:
    """One route's operation: its parameters, body and answers, by what its path holds."""
    parameters: list[dict[str, Any]] = []
    body: dict[str, Any] | None = None
    if path == HEALTH_CHECK_PATH and method == "GET":
        answer = _success("The connection answered.", closed_response_object(HEALTH_CHECK))
    elif path in SINGLETONS and method == "GET":
        operation, object_type = SINGLETONS[path]
        parameters += query_parameters(operation, is_paged=False)
        answer = _success("The object.", _ref(object_type))
    else:
        collection_path, verb = _collection_and_verb(method, path)
        collection = COLLECTIONS[collection_path]
        operation, object_type = f"{collection.operations}.{verb}", collection.object_type
        if "{id}" in path:
            parameters.append({"$ref": "#/components/parameters/Id"})
        if verb in ("create", "update"):
            body = closed_request_object(REQUESTS[operation], operation)
            answer = _success(f"The {verb}d object.", _ref(object_type))
        elif verb == "retrieve":
            answer = _success("The object.", _ref(object_type))
        elif verb == "list":
            parameters += query_parameters(operation, collection.is_paged)
            page = _list_schema(PREFIX + collection_path, object_type, collection.is_paged)
            answer = _success("The objects that match.", page)
        elif verb == "delete":
            answer = _success("The object was deleted.", closed_response_object(DELETED[object_type]))
        else:
            answer = _success("The entry was voided.", closed_response_object(VOIDED))
    if path.startswith(QBD):
        parameters.insert(0, {"$ref": "#/components/parameters/EndUserId"})
    found: dict[str, Any] = {"operationId": name}
    if parameters:
        found["parameters"] = parameters
    if body is not None:
        found["requestBody"] = {"required": True, "content": {"application/json": {"schema": body}}}
    refusals = [s for s in sorted(ERRORS) if s != 413 or body is not None]
    found["responses"] = {
        "200": answer,
        **{str(s): {"$ref": f"#/components/responses/{s}"} for s in refusals},
    }
    return found


def _collection_and_verb(method: str, path: str) -> tuple[str, str]:
    for collection in sorted(COLLECTIONS, key=len, reverse=True):
        rest = path.removeprefix(collection)
        if rest != path and (method, rest) in VERBS:
            return collection, VERBS[method, rest]
    raise LookupError(f"{method} {PREFIX}{path} is served but openapi.py cannot describe it")


PASSTHROUGH_PATH = "/end-users/{id}/passthrough/{integrationSlug}"


def _passthrough_operation(name: str) -> dict[str, Any]:
    """routes.passthrough: qbXML written as JSON both ways (``qbxml/``), so its body and answer are
    open objects, keyed by request names in and response names out."""
    slug = {"type": "string", "enum": [INTEGRATION_SLUG]}
    body = {
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"pattern": REQUEST_NAME_PATTERN},
        "additionalProperties": True,
        "description": 'qbXML requests as JSON, such as {"TimeTrackingQueryRq": {"MaxReturned": 10}}.',
    }
    answer = {"type": "object", "additionalProperties": True, "description": "Each request's qbXML response."}
    return {
        "operationId": name,
        "parameters": [
            {"$ref": "#/components/parameters/Id"},
            {"name": "integrationSlug", "in": "path", "required": True, "schema": slug},
        ],
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {
            "200": _success("QuickBooks' answer to each request, with its status.", answer),
            **{str(s): {"$ref": f"#/components/responses/{s}"} for s in sorted(ERRORS)},
        },
    }


def _document_operation(name: str) -> dict[str, Any]:
    """This document: it holds no data, so it needs no key."""
    return {
        "operationId": name,
        "security": [],
        "responses": {"200": _success("This document.", {"type": "object"})},
    }


_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


def served_operations(routes: Sequence[BaseRoute]) -> list[tuple[str, str, str]]:
    """(method, path without ``/v1``, handler name) of every ``/v1`` route, in the table's order."""
    found = []
    for route in routes:
        if isinstance(route, Route) and route.path.startswith(PREFIX + "/"):
            for method in sorted((route.methods or set()) - {"HEAD"}, key=_METHOD_ORDER.index):
                found.append((method, route.path.removeprefix(PREFIX), route.name))
    return found


def build(routes: Sequence[BaseRoute]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for method, path, name in served_operations(routes):
        if path == PASSTHROUGH_PATH:
            operation = _passthrough_operation(name)
        elif path == DOCUMENT_PATH:
            operation = _document_operation(name)
        else:
            operation = _operation(method, path, name)
        paths.setdefault(path, {})[method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "timeledger: Conductor's QuickBooks Desktop API",
            "version": version("timeledger"),
            "description": "Conductor's API as timeledger serves it: the operations, request fields "
            "and response keys of conductor-py, on a self-hosted ledger.",
        },
        "servers": [{"url": PREFIX}],
        "security": [{"secretKey": []}],
        "paths": paths,
        "components": components(),
    }


@cache
def document(routes: Callable[[], Sequence[BaseRoute]]) -> bytes:
    """The document for the route table ``routes()`` builds, encoded once."""
    return orjson.dumps(build(routes()))
