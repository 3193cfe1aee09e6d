"""Conductor's endpoints under ``/v1``: parse, call one ledger or auth service, render."""

from __future__ import annotations

import time
from html import escape
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from timeledger.auth import sessions
from timeledger.auth.errors import AuthError
from timeledger.dialects.blocking import run_blocking
from timeledger.dialects.conductor import wire
from timeledger.dialects.conductor.currency_routes import CURRENCY_ROUTES
from timeledger.dialects.conductor.endpoints import Call, endpoint
from timeledger.dialects.conductor.ids import parse_txn_id, render_txn_id, require_same_id
from timeledger.dialects.conductor.journal_routes import JOURNAL_ROUTES
from timeledger.dialects.conductor.list_routes import LIST_ROUTES
from timeledger.dialects.conductor.paging import cursor_page, plain_list
from timeledger.dialects.conductor.validation import validate_body
from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import LedgerError
from timeledger.ledger.records import TimeEntry
from timeledger.ledger.services import companies, time_entries

QBD = "/v1/quickbooks-desktop"
ACTIVITIES = f"{QBD}/time-tracking-activities"


# --- end users, auth sessions, health check -------------------------------------------------------


def create_end_user(call: Call) -> dict[str, Any]:
    organization = call.organization()
    fields = validate_body("end_users.create", call.json())
    company = companies.create_company(
        call.uow, organization.key, fields["companyName"], fields["email"], fields["sourceId"]
    )
    return wire.render_end_user(company)


def list_end_users(call: Call) -> dict[str, Any]:
    organization = call.organization()
    return plain_list(
        "/v1/end-users",
        [wire.render_end_user(c) for c in companies.list_companies(call.uow, organization.key)],
    )


def retrieve_end_user(call: Call) -> dict[str, Any]:
    organization = call.organization()
    return wire.render_end_user(companies.retrieve_company(call.uow, organization.key, call.path["id"]))


def delete_end_user(call: Call) -> dict[str, Any]:
    organization = call.organization()
    company = companies.delete_company(call.uow, organization.key, call.path["id"])
    return {"id": company.public_id, "objectType": "end_user", "deleted": True}


def create_auth_session(call: Call) -> dict[str, Any]:
    organization = call.organization()
    fields = validate_body("auth_sessions.create", call.json())
    session = sessions.create_auth_session(
        call.uow,
        organization,
        fields["publishableKey"],
        fields["endUserId"],
        fields.get("linkExpiryMins", 30),
        fields.get("redirectUrl"),
    )
    base = str(call.request.base_url).rstrip("/")
    url = f"{base}/connect/qbd/{session.client_secret}?{urlencode({'key': fields['publishableKey']})}"
    return wire.render_auth_session(session, url)


def health_check(call: Call) -> dict[str, Any]:
    started = time.perf_counter()
    company = call.company()
    with call.uow.write():
        call.uow.tenancy.touch_connection(company, utc_now())
        call.uow.commit()
    return {"duration": round((time.perf_counter() - started) * 1000, 3), "status": "ok"}


# --- time tracking activities ----------------------------------------------------------------------


def create_time_tracking_activity(call: Call) -> dict[str, Any]:
    company = call.company()
    draft = wire.parse_time_tracking_activity(call.json())
    return wire.render_time_tracking_activity(time_entries.create_time_entry(call.uow, company.key, draft))


def _activity(call: Call, company_key: int) -> TimeEntry:
    """The activity the path names. The key part of an ID finds the row; the created part must
    match too, or the ID names nothing."""
    entry = time_entries.retrieve_time_entry(call.uow, company_key, parse_txn_id(call.path["id"], "id"))
    require_same_id(call.path["id"], render_txn_id(entry.key, entry.created_at))
    return entry


def retrieve_time_tracking_activity(call: Call) -> dict[str, Any]:
    company = call.company()
    return wire.render_time_tracking_activity(_activity(call, company.key))


def update_time_tracking_activity(call: Call) -> dict[str, Any]:
    company = call.company()
    revision, changes = wire.parse_time_tracking_activity_update(call.json())
    key = _activity(call, company.key).key
    entry = time_entries.update_time_entry(call.uow, company.key, key, revision, changes)
    return wire.render_time_tracking_activity(entry)


def list_time_tracking_activities(call: Call) -> dict[str, Any]:
    company = call.company()
    query = wire.parse_time_tracking_activity_query(call.query)
    page = time_entries.list_time_entries(call.uow, company.key, query)
    data = [wire.render_time_tracking_activity(e) for e in page.items]
    return cursor_page(ACTIVITIES, data, page.remaining, page.last)


def delete_time_tracking_activity(call: Call) -> dict[str, Any]:
    company = call.company()
    entry = time_entries.delete_time_entry(call.uow, company.key, _activity(call, company.key).key)
    return {
        "id": render_txn_id(entry.key, entry.created_at),
        "objectType": "qbd_time_tracking_activity",
        "deleted": True,
    }


# --- the page an auth session's link opens ------------------------------------------------------------

_CONNECT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connect QuickBooks Desktop</title></head>
<body><h1>Connect QuickBooks Desktop</h1>
<p>{message}</p>
<form method="post"><button type="submit">Connect</button></form>
</body></html>"""


async def connect_page(request: Request) -> Response:
    """GET shows the setup step; POST completes it (timeledger has no Web Connector to wait for)."""
    secret = request.path_params["client_secret"]
    uow = request.app.state.unit_of_work()
    if request.method == "GET":
        message = "Press Connect to finish setting up this company's QuickBooks Desktop connection."
        return HTMLResponse(_CONNECT_PAGE.format(message=escape(message)))
    try:
        session, company = await run_blocking(request, sessions.complete_auth_session, uow, secret)
    except (LedgerError, AuthError) as error:
        return HTMLResponse(f"<!doctype html><p>{escape(error.message)}</p>", status_code=404)
    if session.redirect_url:
        return RedirectResponse(session.redirect_url, status_code=303)
    return HTMLResponse(
        f"<!doctype html><h1>Connected</h1><p>{escape(company.name)} is connected to QuickBooks Desktop.</p>"
    )


def routes() -> list[BaseRoute]:
    return [
        Route("/v1/end-users", endpoint(create_end_user), methods=["POST"]),
        Route("/v1/end-users", endpoint(list_end_users), methods=["GET"]),
        Route("/v1/end-users/{id}", endpoint(retrieve_end_user), methods=["GET"]),
        Route("/v1/end-users/{id}", endpoint(delete_end_user), methods=["DELETE"]),
        Route("/v1/auth-sessions", endpoint(create_auth_session), methods=["POST"]),
        Route(f"{QBD}/health-check", endpoint(health_check), methods=["GET"]),
        Route(ACTIVITIES, endpoint(create_time_tracking_activity), methods=["POST"]),
        Route(ACTIVITIES, endpoint(list_time_tracking_activities), methods=["GET"]),
        Route(f"{ACTIVITIES}/{{id}}", endpoint(retrieve_time_tracking_activity), methods=["GET"]),
        Route(f"{ACTIVITIES}/{{id}}", endpoint(update_time_tracking_activity), methods=["POST"]),
        Route(f"{ACTIVITIES}/{{id}}", endpoint(delete_time_tracking_activity), methods=["DELETE"]),
        *LIST_ROUTES,
        *JOURNAL_ROUTES,
        *CURRENCY_ROUTES,
        Route("/connect/qbd/{client_secret}", connect_page, methods=["GET", "POST"]),
    ]
