"""Every Conductor response: JSON, and a ``Conductor-Request-Id`` header whose id the error body
repeats (reference §1, §2)."""

from __future__ import annotations

import secrets
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

REQUEST_ID_HEADER = "Conductor-Request-Id"


def request_id(request: Request) -> str:
    """The id of this request, made once and shown in its header and any error body."""
    state = request.scope.setdefault("state", {})
    if "conductor_request_id" not in state:
        state["conductor_request_id"] = "req_" + secrets.token_hex(8)
    return str(state["conductor_request_id"])


def json_response(
    request: Request, payload: Any, status: int = 200, headers: dict[str, str] | None = None
) -> Response:
    return Response(
        orjson.dumps(payload),
        status_code=status,
        headers={REQUEST_ID_HEADER: request_id(request), **(headers or {})},
        media_type="application/json",
    )


def respond(request: Request, payload: Any) -> Response:
    """Every success is a 200 with the object (reference §1), creates included."""
    return json_response(request, payload)
