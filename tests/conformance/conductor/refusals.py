"""What Conductor's refusals look like through conductor-py, checked one way in every test.

conductor-py picks its exception by status alone (``InternalServerError`` for every 5xx), so a
test that stops at the exception class would pass on a crash too. Each helper here pins the
status, the retry header and the body's type and code of one kind of refusal, and returns the
error body for the test's own checks. They take what ``pytest.raises`` caught, the SDK error
itself (a race collects those), or a raw ``httpx`` response.
"""

from __future__ import annotations

from typing import Any

import conductor
import httpx
import pytest

Refused = pytest.ExceptionInfo[conductor.APIStatusError] | conductor.APIStatusError | httpx.Response


def _refusal(refused: Refused, status: int, type_: str, code: str) -> dict[str, Any]:
    if isinstance(refused, pytest.ExceptionInfo):
        refused = refused.value
    if isinstance(refused, httpx.Response):
        status_code, headers, payload = refused.status_code, refused.headers, refused.json()
    else:
        status_code, headers, payload = refused.status_code, refused.response.headers, refused.body
    body = payload["error"]  # type: ignore[index]
    assert (status_code, body["type"], body["code"]) == (status, type_, code), body
    assert body["httpStatusCode"] == status
    # Every refusal repeats identically, so none may invite the SDK to retry it.
    assert headers["x-should-retry"] == "false"
    return body


def qbd_refusal(refused: Refused) -> dict[str, Any]:
    """QuickBooks' refusals come back as Conductor sends them: 502, never to be retried."""
    return _refusal(refused, 502, "INTEGRATION_ERROR", "QBD_REQUEST_ERROR")


def qbd_code(refused: Refused) -> str | None:
    """The QuickBooks status code of a refusal (3200 stale revision, 3100 duplicate name, ...)."""
    return qbd_refusal(refused).get("integrationCode")


# What production tells an end user about a malformed request: nothing; the detail is in `message`.
GENERIC_USER_MESSAGE = "An internal server error occurred. Please try again."


def invalid_request(refused: Refused, *fields: str) -> dict[str, Any]:
    """Conductor's own 400, before QuickBooks sees the request; its message names each of ``fields``."""
    body = _refusal(refused, 400, "INVALID_REQUEST_ERROR", "INVALID_REQUEST")
    for field in fields:
        assert field in body["message"], (field, body["message"])
    assert body["userFacingMessage"] == GENERIC_USER_MESSAGE
    return body


def resource_missing(refused: Refused) -> dict[str, Any]:
    """404: the ID (or end user) names nothing this caller can see."""
    body = _refusal(refused, 404, "INVALID_REQUEST_ERROR", "RESOURCE_MISSING")
    assert body["userFacingMessage"] == GENERIC_USER_MESSAGE
    return body
