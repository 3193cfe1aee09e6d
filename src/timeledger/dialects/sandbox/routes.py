"""``/_timeledger/companies/{end_user_id}/...``: reset, seed, export, import and snapshots of one
company, for developers testing their integrations. Mounted only with ``--sandbox``; elsewhere these
paths are the 404 of any unknown path.

``POST /_timeledger/companies`` makes a new company of the demo's books in the caller's organization.
Callers are an organization's secret key (``Authorization: Bearer sk_...``, 401 otherwise), and a
company is named by its end user id: another organization's is 404. Bodies are JSON and refusals
Conductor's error body, through the same scaffold as the three APIs.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from timeledger.auth.keys import bearer_secret
from timeledger.dialects.conductor import errors as conductor_errors
from timeledger.dialects.conductor.errors import (
    ConductorError,
    error_response,
    invalid_request,
    resource_missing,
)
from timeledger.dialects.conductor.routes import organization
from timeledger.dialects.conductor.wire.responses import respond
from timeledger.dialects.scaffold.endpoints import Call, Dialect, route
from timeledger.ledger.errors import ConflictError, NotFoundError
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
    ]
