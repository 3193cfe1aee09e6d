"""``/_timeledger/companies/{end_user_id}/...``: reset, seed, export, import and snapshots of one
company, its clock, the faults its requests meet, its realism and its request log, for developers
testing their integrations.
Mounted only with ``--sandbox``; elsewhere these paths are the 404 of any unknown path.

``POST /_timeledger/companies`` makes a new company of the demo's books in the caller's organization.
Callers are an organization's secret key (``Authorization: Bearer sk_...``, 401 otherwise), and a
company is named by its end user id: another organization's is 404. Bodies are JSON and refusals
Conductor's error body, through the same scaffold as the three APIs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from timeledger.auth.keys import bearer_secret
from timeledger.auth.oauth import revoke_stand_in, stand_in_token
from timeledger.dialects.conductor import errors as conductor_errors
from timeledger.dialects.conductor.errors import (
    ConductorError,
    error_response,
    invalid_request,
    resource_missing,
)
from timeledger.dialects.conductor.routes import organization
from timeledger.dialects.conductor.wire.responses import respond
from timeledger.dialects.sandbox.redaction import redacted_body, redacted_headers
from timeledger.dialects.scaffold.blocking import run_blocking
from timeledger.dialects.scaffold.endpoints import Call, Dialect, refuse, route
from timeledger.ledger.clock import CompanyClock, real_now
from timeledger.ledger.errors import ConflictError, NotFoundError
from timeledger.ledger.faults import Fault, LoggedRequest, Realism
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.services import sandbox
from timeledger.ledger.services.sandbox import InvalidDocumentError
from timeledger.ledger.tenancy import Company, Organization

PREFIX = "/_timeledger/"
COMPANY = "/_timeledger/companies/{end_user_id}"
FIXTURES = ("demo",)


def _refusal(request: Request, error: Exception) -> Response | None:
    if isinstance(error, InvalidDocumentError):
        return error_response(request, invalid_request(error.message))
    if isinstance(error, NotFoundError):
        return error_response(request, resource_missing(error.message))
    if isinstance(error, ConflictError):
        conflict = ConductorError(409, "INVALID_REQUEST_ERROR", "CONFLICT", error.message)
        return error_response(request, conflict)
    return conductor_errors.refusal(request, error)


SANDBOX = Dialect(respond=respond, refusal=_refusal, internal_error=conductor_errors.internal_error)


def company(uow: UnitOfWork, request: Request) -> Company:
    """The secret key's organization, then its company of the path's end user id (404 if none)."""
    owner = organization(uow, request)
    end_user_id = request.path_params["end_user_id"]
    with uow:
        found = uow.tenancy.company(owner.key, end_user_id)
    if found is None:
        raise NotFoundError(f'No end user with id "{end_user_id}" exists.')
    return found


def _object(call: Call[Company]) -> dict[str, Any]:
    body = call.json()
    if not isinstance(body, dict):
        raise InvalidDocumentError("The body must be a JSON object.")
    return body


def create_company(call: Call[Organization]) -> dict[str, Any]:
    """A new company of the caller's organization holding the demo's books, and its credentials in
    the shape of ``timeledger demo``'s output: what a test takes to have books of its own."""
    body = _object(call) if call.body else {}
    if body.get("fixture", "demo") not in FIXTURES:
        raise InvalidDocumentError(f'"fixture" must be one of: {", ".join(FIXTURES)}.')
    secret = bearer_secret(call.request.headers.get("authorization"))
    base_url = str(call.request.base_url).rstrip("/")
    return sandbox.new_demo_company(call.uow, call.caller, secret, base_url)


def reset(call: Call[Company]) -> dict[str, Any]:
    sandbox.reset(call.uow, call.caller)
    return {"end_user_id": call.caller.public_id, "reset": True}


def seed(call: Call[Company]) -> dict[str, Any]:
    body = _object(call)
    fixture = body.get("fixture")
    if fixture is None:
        sandbox.import_document(call.uow, call.caller, body)
        return {"end_user_id": call.caller.public_id, "seeded": "document"}
    if fixture not in FIXTURES:
        raise InvalidDocumentError(f'"fixture" must be one of: {", ".join(FIXTURES)}.')
    sandbox.seed_demo(call.uow, call.caller)
    return {"end_user_id": call.caller.public_id, "seeded": fixture}


def export(call: Call[Company]) -> dict[str, Any]:
    return sandbox.export(call.uow, call.caller)


def import_(call: Call[Company]) -> dict[str, Any]:
    sandbox.import_document(call.uow, call.caller, _object(call))
    return {"end_user_id": call.caller.public_id, "imported": True}


def _snapshot_json(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {"name": snapshot["name"], "created_at": snapshot["created_at"].isoformat()}


def create_snapshot(call: Call[Company]) -> dict[str, Any]:
    return _snapshot_json(sandbox.take_snapshot(call.uow, call.caller, _object(call).get("name")))


def list_snapshots(call: Call[Company]) -> dict[str, Any]:
    return {"data": [_snapshot_json(s) for s in sandbox.snapshots(call.uow, call.caller)]}


def restore_snapshot(call: Call[Company]) -> dict[str, Any]:
    name = call.path["name"]
    sandbox.restore_snapshot(call.uow, call.caller, name)
    return {"name": name, "restored": True}


def delete_snapshot(call: Call[Company]) -> dict[str, Any]:
    name = call.path["name"]
    sandbox.delete_snapshot(call.uow, call.caller, name)
    return {"name": name, "deleted": True}


# --- the clock ------------------------------------------------------------------------------------


def _clock_json(clock: CompanyClock | None) -> dict[str, Any]:
    now = clock.read(real_now()) if clock else real_now()
    return {"now": now.isoformat(), "frozen": bool(clock and clock.frozen), "set": clock is not None}


def set_clock(call: Call[Company]) -> dict[str, Any]:
    body = _object(call)
    _only(body, ("now", "frozen"))
    text, frozen = body.get("now"), body.get("frozen", True)
    moment = _instant(text)
    if not isinstance(frozen, bool):
        raise InvalidDocumentError('"frozen" must be true or false.')
    return _clock_json(sandbox.set_clock(call.uow, call.caller, moment, frozen))


def get_clock(call: Call[Company]) -> dict[str, Any]:
    return _clock_json(sandbox.clock_of(call.uow, call.caller))


def clear_clock(call: Call[Company]) -> dict[str, Any]:
    sandbox.clear_clock(call.uow, call.caller)
    return _clock_json(None)


def _instant(text: Any) -> datetime:
    if not isinstance(text, str):
        raise InvalidDocumentError('"now" must be an ISO 8601 date and time with its offset.')
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidDocumentError(f'"now" is not an ISO 8601 date and time: {text!r}.') from None
    if moment.tzinfo is None:
        raise InvalidDocumentError('"now" must carry its offset (Z, or +HH:MM).')
    return moment


def _only(body: dict[str, Any], keys: tuple[str, ...]) -> None:
    unknown = sorted(set(body) - set(keys))
    if unknown:
        raise InvalidDocumentError(f'Unrecognized key "{unknown[0]}": the body takes {", ".join(keys)}.')


# --- faults ---------------------------------------------------------------------------------------

_FAULT_KEYS = ("api", "method", "path", "fault", "latency_ms", "probability", "count")


def _fault_json(fault: Fault) -> dict[str, Any]:
    return {
        "id": fault.id,
        "api": fault.api,
        "method": fault.method,
        "path": fault.path,
        "fault": fault.fault,
        "latency_ms": fault.latency_ms,
        "probability": fault.probability,
        "count": fault.remaining,
        "created_at": fault.created_at.isoformat(),
    }


def _typed(body: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    value = body.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        raise InvalidDocumentError(f'"{key}" must be {what}.')
    return value


def create_fault(call: Call[Company]) -> dict[str, Any]:
    body = _object(call)
    _only(body, _FAULT_KEYS)
    probability = _typed(body, "probability", (int, float), "a number from 0 to 1")
    fault = sandbox.add_fault(
        call.uow,
        call.caller,
        api=_typed(body, "api", str, "a string") or "",
        fault=_typed(body, "fault", str, "a string") or "",
        method=(_typed(body, "method", str, "a string") or "").upper() or None,
        path=_typed(body, "path", str, "a string (a glob)"),
        latency_ms=_typed(body, "latency_ms", int, "a whole number"),
        probability=1.0 if probability is None else float(probability),
        count=_typed(body, "count", int, "a whole number"),
    )
    return _fault_json(fault)


def list_faults(call: Call[Company]) -> dict[str, Any]:
    return {"data": [_fault_json(f) for f in sandbox.list_faults(call.uow, call.caller)]}


def delete_faults(call: Call[Company]) -> dict[str, Any]:
    return {"deleted": sandbox.delete_faults(call.uow, call.caller)}


def delete_fault(call: Call[Company]) -> dict[str, Any]:
    text = call.path["fault_id"]
    if not text.isdigit():
        raise NotFoundError(f"No fault with id {text} exists.")
    sandbox.delete_faults(call.uow, call.caller, int(text))
    return {"id": int(text), "deleted": True}


# --- realism ----------------------------------------------------------------------------------------

_REALISM_KEYS = ("conductor_cursor_expiry_seconds", "quickbooks_time_rate_limit", "latency")


def _realism_json(realism: Realism) -> dict[str, Any]:
    return {
        "conductor_cursor_expiry_seconds": realism.conductor_cursor_expiry_seconds,
        "quickbooks_time_rate_limit": realism.quickbooks_time_rate_limit,
        "latency": realism.latency,
    }


def set_realism(call: Call[Company]) -> dict[str, Any]:
    body = _object(call)
    _only(body, _REALISM_KEYS)
    if "conductor_cursor_expiry_seconds" in body:
        _typed(body, "conductor_cursor_expiry_seconds", (int, float), "a positive number, or null")
    if "quickbooks_time_rate_limit" in body and not isinstance(body["quickbooks_time_rate_limit"], bool):
        raise InvalidDocumentError('"quickbooks_time_rate_limit" must be true or false.')
    if "latency" in body:
        _typed(body, "latency", str, '"none" or "production"')
    return _realism_json(sandbox.set_realism(call.uow, call.caller, body))


def get_realism(call: Call[Company]) -> dict[str, Any]:
    return _realism_json(sandbox.realism_of(call.uow, call.caller))


def clear_realism(call: Call[Company]) -> dict[str, Any]:
    sandbox.clear_realism(call.uow, call.caller)
    return _realism_json(Realism())


# --- the request log ----------------------------------------------------------------------------------

MAX_LOG_PAGE = 100


def _logged_json(entry: LoggedRequest) -> dict[str, Any]:
    return {
        "id": str(entry.id),
        "at": entry.at.isoformat(),
        "api": entry.api,
        "method": entry.method,
        "path": entry.path,
        "status": entry.status,
        "duration_ms": entry.duration_ms,
        "request": entry.request,
        "response": entry.response,
    }


def list_requests(call: Call[Company]) -> dict[str, Any]:
    """Newest first, ``limit`` (1 to 100, default 20) a page; ``cursor`` is the last page's
    ``next_cursor``."""
    text = call.query.get("limit", "20")
    if not text.isdigit() or not 1 <= int(text) <= MAX_LOG_PAGE:
        raise InvalidDocumentError(f'"limit" must be a whole number from 1 to {MAX_LOG_PAGE}.')
    cursor = call.query.get("cursor")
    if cursor is not None and not cursor.isdigit():
        raise InvalidDocumentError(f'The cursor "{cursor[:80]}" is not one this log gave.')
    limit = int(text)
    found = sandbox.logged_requests(call.uow, call.caller, limit + 1, int(cursor) if cursor else None)
    page = found[:limit]
    more = len(found) > limit
    return {"data": [_logged_json(e) for e in page], "next_cursor": str(page[-1].id) if more else None}


# Headers a replay does not send again: the transport's own, and the credentials it replaces.
_NOT_REPLAYED = frozenset(
    {"authorization", "content-length", "host", "connection", "transfer-encoding", "cookie"}
)
STAND_IN_LIFETIME = timedelta(minutes=1)


@dataclass(frozen=True)
class _Replay:
    entry: LoggedRequest
    authorization: str
    stand_in: int | None  # the stand-in token's key, revoked once the replay is answered


def _plan_replay(request: Request) -> _Replay:
    uow = request.app.state.unit_of_work()
    caller = company(uow, request)
    text = request.path_params["request_id"]
    if not text.isdigit():
        raise NotFoundError(f"No request with id {text} is in the log.")
    entry = sandbox.logged_request(uow, caller, int(text))
    if entry.token_hash is None:  # Conductor: the caller's own secret key opens the same company
        return _Replay(entry, request.headers.get("authorization", ""), None)
    stand_in = stand_in_token(uow, entry.token_hash, STAND_IN_LIFETIME)
    if stand_in is None:
        raise InvalidDocumentError("The request's access token is gone: it cannot be replayed as its caller.")
    return _Replay(entry, f"Bearer {stand_in[0]}", stand_in[1])


async def replay_request(request: Request) -> Response:
    """``POST .../requests/{request_id}/replay``: the logged request sent again, in-process, as the
    same caller (a stand-in token for an OAuth one, whose secret the log never kept), and the new
    answer. Outside the scaffold's one unit of work because it awaits a request of its own."""
    try:
        plan = await run_blocking(request, _plan_replay, request)
        entry = plan.entry
        headers = {k: v for k, v in entry.request["headers"].items() if k not in _NOT_REPLAYED}
        headers["authorization"] = plan.authorization
        body = entry.request["body"]
        content = orjson.dumps(body) if isinstance(body, dict | list) else (body or "").encode()
        transport = httpx.ASGITransport(app=request.app)
        try:
            async with httpx.AsyncClient(transport=transport, base_url=str(request.base_url)) as client:
                answer = await client.request(entry.method, entry.path, headers=headers, content=content)
        finally:
            if plan.stand_in is not None:
                await run_blocking(request, revoke_stand_in, request.app.state.unit_of_work(), plan.stand_in)
        return respond(
            request,
            {
                "status": answer.status_code,
                "headers": redacted_headers(answer.headers.items()),
                "body": redacted_body(answer.content),
            },
        )
    except Exception as error:
        return refuse(SANDBOX, request, error)


def routes() -> list[BaseRoute]:
    s = SANDBOX
    return [
        route(s, "POST", "/_timeledger/companies", create_company, organization),
        route(s, "POST", f"{COMPANY}/reset", reset, company),
        route(s, "POST", f"{COMPANY}/seed", seed, company),
        route(s, "GET", f"{COMPANY}/export", export, company),
        route(s, "POST", f"{COMPANY}/import", import_, company),
        route(s, "POST", f"{COMPANY}/snapshots", create_snapshot, company),
        route(s, "GET", f"{COMPANY}/snapshots", list_snapshots, company),
        route(s, "POST", f"{COMPANY}/snapshots/{{name}}/restore", restore_snapshot, company),
        route(s, "DELETE", f"{COMPANY}/snapshots/{{name}}", delete_snapshot, company),
        route(s, "PUT", f"{COMPANY}/clock", set_clock, company),
        route(s, "GET", f"{COMPANY}/clock", get_clock, company),
        route(s, "DELETE", f"{COMPANY}/clock", clear_clock, company),
        route(s, "POST", f"{COMPANY}/faults", create_fault, company),
        route(s, "GET", f"{COMPANY}/faults", list_faults, company),
        route(s, "DELETE", f"{COMPANY}/faults", delete_faults, company),
        route(s, "DELETE", f"{COMPANY}/faults/{{fault_id}}", delete_fault, company),
        route(s, "PUT", f"{COMPANY}/realism", set_realism, company),
        route(s, "GET", f"{COMPANY}/realism", get_realism, company),
        route(s, "DELETE", f"{COMPANY}/realism", clear_realism, company),
        route(s, "GET", f"{COMPANY}/requests", list_requests, company),
        Route(f"{COMPANY}/requests/{{request_id}}/replay", replay_request, methods=["POST"]),
    ]
