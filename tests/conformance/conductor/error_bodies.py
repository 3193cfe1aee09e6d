"""What every Conductor error answer must be, for the generated-input tests.

A server error is any 5xx but one: Conductor reports QuickBooks' own refusals (a bad reference, a
stale revision, an accounting rule) as 502 ``INTEGRATION_ERROR`` / ``QBD_REQUEST_ERROR``
(reference §2), so that 502 is an answer, not a crash. Every error body is Conductor's
``ErrorResponse`` as our OpenAPI document describes it (a closed object), sent with the status it
names and the request id of its ``Conductor-Request-Id`` header.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from typing import Any

import jsonschema_rs

from tests.conformance.conductor.openapi import document


def is_qbd_refusal(status: int, body: Any) -> bool:
    error = body.get("error") if isinstance(body, dict) else None
    return (
        status == 502
        and isinstance(error, dict)
        and (error.get("type"), error.get("code")) == ("INTEGRATION_ERROR", "QBD_REQUEST_ERROR")
    )


def server_error(status: int, content: bytes) -> str | None:
    """Why this answer is a server error, or None if it is not one."""
    if status < 500:
        return None
    body = parsed(content)
    if is_qbd_refusal(status, body):
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return f"{status} {error.get('type')} {error.get('code')}: {error.get('message')}"
    return f"{status}: {content[:300]!r}"


@cache
def _error_response() -> jsonschema_rs.Validator:
    components = document()["components"]
    return jsonschema_rs.validator_for(
        {"$ref": "#/components/schemas/ErrorResponse", "components": components}
    )


def error_body_problems(status: int, headers: Mapping[str, Any], content: bytes) -> list[str]:
    """What is wrong with an error answer's body; nothing for a 2xx, or for a body in Conductor's shape."""
    if status < 400:
        return []
    body = parsed(content)
    if body is None:
        return [f"{status} with a body that is not JSON: {content[:300]!r}"]
    problems = [f"not Conductor's ErrorResponse: {e.message}" for e in _error_response().iter_errors(body)]
    if problems:
        return problems
    error = body["error"]
    if error["httpStatusCode"] != status:
        problems.append(f"sent with {status} but httpStatusCode is {error['httpStatusCode']}")
    request_id = header(headers, "conductor-request-id")
    if error["requestId"] != request_id:
        problems.append(f"requestId {error['requestId']!r} but Conductor-Request-Id {request_id!r}")
    return problems


def parsed(content: bytes) -> Any:
    try:
        return json.loads(content)
    except ValueError:
        return None


def header(headers: Mapping[str, Any], name: str) -> str | None:
    """One header's value from httpx's headers or schemathesis' (a list per lower-cased name)."""
    for key, value in headers.items():
        if key.lower() == name:
            return value[0] if isinstance(value, list) else value
    return None
