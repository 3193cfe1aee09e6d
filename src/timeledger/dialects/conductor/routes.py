"""Conductor's endpoints under ``/v1``, on the request scaffold: each handler parses, makes one
ledger or auth call, and renders. Authentication is the route's strategy (``organization`` for
``/end-users`` and ``/auth-sessions``, ``company`` for ``/quickbooks-desktop``), run by the scaffold.
"""

from __future__ import annotations

import time
from html import escape
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute

from timeledger.auth import sessions
from timeledger.auth.errors import AuthError
from timeledger.auth.keys import authenticate_company, authenticate_organization, bearer_secret
from timeledger.dialects.conductor import errors
from timeledger.dialects.conductor.ids import (
    parse_list_id,
    parse_txn_id,
    render_list_id,
    render_txn_id,
    require_same_id,
)
from timeledger.dialects.conductor.paging import cursor_page, plain_list
from timeledger.dialects.conductor.qbxml import handlers as qbxml_handlers
from timeledger.dialects.conductor.qbxml.message import check_integration_slug
from timeledger.dialects.conductor.wire import companies as company_wire
from timeledger.dialects.conductor.wire import currencies as currency_wire
from timeledger.dialects.conductor.wire import deletions as deletion_wire
from timeledger.dialects.conductor.wire import journal_entries as journal_wire
from timeledger.dialects.conductor.wire import lists as list_wire
from timeledger.dialects.conductor.wire import openapi, platform, time_tracking
from timeledger.dialects.conductor.wire.responses import REQUEST_ID_HEADER, request_id, respond
from timeledger.dialects.conductor.wire.validation import validate_query
from timeledger.dialects.scaffold.endpoints import Body, Call, Dialect, anonymous, route
from timeledger.dialects.scaffold.pages import PAGES
from timeledger.ledger.journal import Currency, JournalEntry
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.records import ListEntry, TimeEntry
from timeledger.ledger.services import companies, currencies, deletions, journal_entries, lists, time_entries
from timeledger.ledger.tenancy import Company, Organization
from timeledger.ledger.values import ListKind

CONDUCTOR = Dialect(respond=respond, refusal=errors.refusal, internal_error=errors.internal_error)

QBD = "/v1/quickbooks-desktop"
ACTIVITIES = f"{QBD}/time-tracking-activities"
JOURNAL_ENTRIES = f"{QBD}/journal-entries"
CURRENCIES = f"{QBD}/currencies"
DELETED_LIST_OBJECTS = f"{QBD}/deleted-list-objects"
DELETED_TRANSACTIONS = f"{QBD}/deleted-transactions"


# --- authentication strategies --------------------------------------------------------------------


def organization(uow: UnitOfWork, request: Request) -> Organization:
    """``Authorization: Bearer <secret key>``: the organization that owns the key."""
    return authenticate_organization(uow, bearer_secret(request.headers.get("authorization")))


def company(uow: UnitOfWork, request: Request) -> Company:
    """The secret key, then the ``Conductor-End-User-Id`` company of its organization, connected."""
    _, found = authenticate_company(
        uow,
        bearer_secret(request.headers.get("authorization")),
        request.headers.get("conductor-end-user-id"),
    )
    return found


def end_user_company(uow: UnitOfWork, request: Request) -> Company:
    """The secret key, then the path's ``integrationSlug`` and ``{id}``: a connected company of the
    key's organization. A bad key is 401 whatever else is wrong; a bad slug is 400 before anything
    is looked up about the end user, as Conductor checks its path first."""
    secret, slug = bearer_secret(request.headers.get("authorization")), request.path_params["integrationSlug"]
    try:
        _, found = authenticate_company(uow, secret, request.path_params["id"])
    except AuthError as refused:
        if refused.code != "invalid_api_key":
            check_integration_slug(slug)
        raise
    check_integration_slug(slug)
    return found


# --- end users, auth sessions, health check -------------------------------------------------------


def create_end_user(call: Call[Organization]) -> dict[str, Any]:
    name, email, source_id = platform.parse_end_user(call.json())
    return platform.render_end_user(
        companies.create_company(call.uow, call.caller.key, name, email, source_id)
    )


def list_end_users(call: Call[Organization]) -> dict[str, Any]:
    found = companies.list_companies(call.uow, call.caller.key)
    return plain_list("/v1/end-users", [platform.render_end_user(c) for c in found])


def retrieve_end_user(call: Call[Organization]) -> dict[str, Any]:
    return platform.render_end_user(companies.retrieve_company(call.uow, call.caller.key, call.path["id"]))


def delete_end_user(call: Call[Organization]) -> dict[str, Any]:
    deleted = companies.delete_company(call.uow, call.caller.key, call.path["id"])
    return {"id": deleted.public_id, "objectType": "end_user", "deleted": True}


def create_auth_session(call: Call[Organization]) -> dict[str, Any]:
    publishable_key, end_user_id, minutes, redirect_url = platform.parse_auth_session(call.json())
    session = sessions.create_auth_session(
        call.uow, call.caller, publishable_key, end_user_id, minutes, redirect_url
    )
    base = str(call.request.base_url).rstrip("/")
    url = f"{base}/connect/qbd/{session.client_secret}?{urlencode({'key': publishable_key})}"
    return platform.render_auth_session(session, url)


def passthrough(call: Call[Company]) -> dict[str, Any]:
    """A raw qbXML request, written as JSON, answered from the ledger (``qbxml/handlers.py``)."""
    return qbxml_handlers.answer(call)


def health_check(call: Call[Company]) -> dict[str, Any]:
    started = time.perf_counter()
    companies.record_request(call.uow, call.caller)
    return {"duration": round((time.perf_counter() - started) * 1000, 3), "status": "ok"}


# --- time tracking activities ----------------------------------------------------------------------


def _activity(call: Call[Company]) -> TimeEntry:
    """The activity the path names. The key part of an ID finds the row; the created part must
    match too, or the ID names nothing."""
    entry = time_entries.retrieve_time_entry(call.uow, call.caller.key, parse_txn_id(call.path["id"], "id"))
    require_same_id(call.path["id"], render_txn_id(entry.key, entry.created_at))
    return entry


def create_time_tracking_activity(call: Call[Company]) -> dict[str, Any]:
    draft = time_tracking.parse_time_tracking_activity(call.json())
    entry = time_entries.create_time_entry(call.uow, call.caller.key, draft)
    return time_tracking.render_time_tracking_activity(entry)


def retrieve_time_tracking_activity(call: Call[Company]) -> dict[str, Any]:
    return time_tracking.render_time_tracking_activity(_activity(call))


def update_time_tracking_activity(call: Call[Company]) -> dict[str, Any]:
    revision, changes = time_tracking.parse_time_tracking_activity_update(call.json())
    key = _activity(call).key
    entry = time_entries.update_time_entry(call.uow, call.caller.key, key, revision, changes)
    return time_tracking.render_time_tracking_activity(entry)


def list_time_tracking_activities(call: Call[Company]) -> dict[str, Any]:
    params = call.query.multi_items()
    query = time_tracking.parse_time_tracking_activity_query(params)
    page = time_entries.list_time_entries(call.uow, call.caller.key, query)
    data = [time_tracking.render_time_tracking_activity(e) for e in page.items]
    return cursor_page(ACTIVITIES, params, data, page.remaining, page.last)


def delete_time_tracking_activity(call: Call[Company]) -> dict[str, Any]:
    entry = time_entries.delete_time_entry(call.uow, call.caller.key, _activity(call).key)
    return {
        "id": render_txn_id(entry.key, entry.created_at),
        "objectType": "qbd_time_tracking_activity",
        "deleted": True,
    }


# --- list objects: employees, vendors, other names, customers, items, classes, wage items, accounts ----


def _list_routes(obj: list_wire.ListObject) -> list[BaseRoute]:
    base = f"{QBD}/{obj.path}"

    def existing(call: Call[Company]) -> ListEntry:
        """The entry the path names; its ID's created part must match too, or it names nothing."""
        entry = lists.retrieve_list_entry(
            call.uow, call.caller.key, obj.kind, parse_list_id(call.path["id"], "id")
        )
        require_same_id(call.path["id"], render_list_id(entry.key, entry.created_at))
        return entry

    def render(
        call: Call[Company], entries: list[ListEntry], options: dict[str, Any] | None = None
    ) -> list[Any]:
        # Accounts show balances computed from posted journal lines; other lists keep none.
        balances = (
            journal_entries.account_balances(call.uow, call.caller.key, entries)
            if obj.kind is ListKind.ACCOUNT
            else {}
        )
        return [
            list_wire.render_list_object(obj, e, options=options, balance=balances.get(e.key))
            for e in entries
        ]

    def create(call: Call[Company]) -> dict[str, Any]:
        draft = list_wire.parse_list_object(obj, call.json())
        return render(call, [lists.create_list_entry(call.uow, call.caller.key, draft)])[0]

    def retrieve(call: Call[Company]) -> dict[str, Any]:
        return render(call, [existing(call)])[0]

    def update(call: Call[Company]) -> dict[str, Any]:
        revision, changes, extra, links = list_wire.parse_list_object_update(obj, call.json())
        key = existing(call).key
        entry = lists.update_list_entry(
            call.uow, call.caller.key, obj.kind, key, revision, changes, extra=extra, links=links
        )
        return render(call, [entry])[0]

    def list_(call: Call[Company]) -> dict[str, Any]:
        params = call.query.multi_items()
        query = list_wire.parse_list_query(obj, params)
        page = lists.list_list_entries(call.uow, call.caller.key, query)
        data = render(call, page.items, validate_query(f"{obj.operations}.list", params))
        if not obj.is_paged:
            return plain_list(base, data)
        return cursor_page(base, params, data, page.remaining, page.last)

    for handler, name in ((create, "create"), (retrieve, "retrieve"), (update, "update"), (list_, "list")):
        handler.__name__ = f"{name}_{obj.operations}"  # names the handler in logs: create_vendors
    found = [
        route(CONDUCTOR, "POST", base, create, company),
        route(CONDUCTOR, "GET", base, list_, company),
        route(CONDUCTOR, "GET", f"{base}/{{id}}", retrieve, company),
    ]
    if obj.can_update:
        found.append(route(CONDUCTOR, "POST", f"{base}/{{id}}", update, company))
    return found


# --- journal entries ------------------------------------------------------------------------------


def _journal_entry(call: Call[Company]) -> JournalEntry:
    """The entry the path names: its key finds it, and its created time must match too."""
    entry = journal_entries.retrieve_journal_entry(
        call.uow, call.caller.key, parse_txn_id(call.path["id"], "id")
    )
    require_same_id(call.path["id"], render_txn_id(entry.key, entry.created_at))
    return entry


def create_journal_entry(call: Call[Company]) -> dict[str, Any]:
    draft, paths = journal_wire.parse_journal_entry(call.json())
    with journal_wire.lines_named(paths):
        entry = journal_entries.create_journal_entry(call.uow, call.caller, draft)
    return journal_wire.render_journal_entry(entry)


def retrieve_journal_entry(call: Call[Company]) -> dict[str, Any]:
    return journal_wire.render_journal_entry(_journal_entry(call))


def update_journal_entry(call: Call[Company]) -> dict[str, Any]:
    body = call.json()
    revision, changes, lines, paths = journal_wire.parse_journal_entry_update(body)
    current = _journal_entry(call)
    journal_wire.check_line_ids(body, current, lines, paths)
    with journal_wire.lines_named(paths):
        entry = journal_entries.update_journal_entry(
            call.uow, call.caller, current.key, revision, changes, lines
        )
    return journal_wire.render_journal_entry(entry)


def list_journal_entries(call: Call[Company]) -> dict[str, Any]:
    params = call.query.multi_items()
    query = journal_wire.parse_journal_entry_query(params)
    page = journal_entries.list_journal_entries(call.uow, call.caller.key, query)
    data = [journal_wire.render_journal_entry(e, include_lines=query.include_lines) for e in page.items]
    return cursor_page(JOURNAL_ENTRIES, params, data, page.remaining, page.last)


def delete_journal_entry(call: Call[Company]) -> dict[str, Any]:
    deleted = journal_entries.delete_journal_entry(call.uow, call.caller.key, _journal_entry(call).key)
    return journal_wire.render_deleted(deleted)


def void_journal_entry(call: Call[Company]) -> dict[str, Any]:
    voided = journal_entries.void_journal_entry(call.uow, call.caller.key, _journal_entry(call).key)
    return journal_wire.render_voided(voided)


# --- currencies -----------------------------------------------------------------------------------


def _currency(call: Call[Company]) -> Currency:
    found = currencies.retrieve_currency(call.uow, call.caller.key, parse_list_id(call.path["id"], "id"))
    require_same_id(call.path["id"], render_list_id(found.key, found.created_at))
    return found


def create_currency(call: Call[Company]) -> dict[str, Any]:
    draft = currency_wire.parse_currency(call.json())
    return currency_wire.render_currency(currencies.create_currency(call.uow, call.caller.key, draft))


def retrieve_currency(call: Call[Company]) -> dict[str, Any]:
    return currency_wire.render_currency(_currency(call))


def update_currency(call: Call[Company]) -> dict[str, Any]:
    revision, changes, format_changes = currency_wire.parse_currency_update(call.json())
    key = _currency(call).key
    updated = currencies.update_currency(
        call.uow, call.caller.key, call.caller.home_currency_code, key, revision, changes, format_changes
    )
    return currency_wire.render_currency(updated)


def list_currencies(call: Call[Company]) -> dict[str, Any]:
    query = currency_wire.parse_currency_query(call.query.multi_items())
    found = currencies.list_currencies(call.uow, call.caller.key, query)
    return plain_list(CURRENCIES, [currency_wire.render_currency(c) for c in found])


# --- the company file and what was deleted from it -------------------------------------------------


def retrieve_company(call: Call[Company]) -> dict[str, Any]:
    """The company record the request was authenticated for, read in this request's unit of work."""
    company_wire.parse_company_query(call.query.multi_items())
    return company_wire.render_company(call.caller)


def list_deleted_list_objects(call: Call[Company]) -> dict[str, Any]:
    kinds, window = deletion_wire.parse_deleted_list_object_query(call.query.multi_items())
    found = deletions.list_deleted_list_entries(call.uow, call.caller.key, kinds, **window)
    return plain_list(DELETED_LIST_OBJECTS, [deletion_wire.render_deleted_list_object(d) for d in found])


def list_deleted_transactions(call: Call[Company]) -> dict[str, Any]:
    kinds, window = deletion_wire.parse_deleted_transaction_query(call.query.multi_items())
    found = deletions.list_deleted_transactions(call.uow, call.caller.key, kinds, **window)
    return plain_list(DELETED_TRANSACTIONS, [deletion_wire.render_deleted_transaction(d) for d in found])


# --- the page an auth session's link opens ------------------------------------------------------------

_CONNECT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Connect QuickBooks Desktop</title></head>
<body><h1>Connect QuickBooks Desktop</h1>
<p>{message}</p>
<form method="post"><button type="submit">Connect</button></form>
</body></html>"""


def show_connect_page(call: Call[None]) -> Response:
    message = "Press Connect to finish setting up this company's QuickBooks Desktop connection."
    return HTMLResponse(_CONNECT_PAGE.format(message=escape(message)))


def connect(call: Call[None]) -> Response:
    """Following the link completes the setup: timeledger has no Web Connector to wait for."""
    session, connected = sessions.complete_auth_session(call.uow, call.path["client_secret"])
    if session.redirect_url:
        return RedirectResponse(session.redirect_url, status_code=303)
    name = escape(connected.name)
    return HTMLResponse(f"<!doctype html><h1>Connected</h1><p>{name} is connected to QuickBooks Desktop.</p>")


def retrieve_openapi_document(call: Call[None]) -> Response:
    """This API described for tools (``wire/openapi.py``); it holds no data, so no key is needed."""
    headers = {REQUEST_ID_HEADER: request_id(call.request)}
    return Response(openapi.document(routes), media_type="application/json", headers=headers)


def routes() -> list[BaseRoute]:
    c = CONDUCTOR
    return [
        route(c, "GET", "/v1/openapi.json", retrieve_openapi_document, anonymous),
        route(c, "POST", "/v1/end-users", create_end_user, organization),
        route(c, "GET", "/v1/end-users", list_end_users, organization),
        route(c, "GET", "/v1/end-users/{id}", retrieve_end_user, organization),
        route(c, "DELETE", "/v1/end-users/{id}", delete_end_user, organization),
        route(c, "POST", "/v1/end-users/{id}/passthrough/{integrationSlug}", passthrough, end_user_company),
        route(c, "POST", "/v1/auth-sessions", create_auth_session, organization),
        # A GET that writes: it records the connection's last request.
        route(c, "GET", f"{QBD}/health-check", health_check, company, writes=True),
        route(c, "POST", ACTIVITIES, create_time_tracking_activity, company),
        route(c, "GET", ACTIVITIES, list_time_tracking_activities, company),
        route(c, "GET", f"{ACTIVITIES}/{{id}}", retrieve_time_tracking_activity, company),
        route(c, "POST", f"{ACTIVITIES}/{{id}}", update_time_tracking_activity, company),
        route(c, "DELETE", f"{ACTIVITIES}/{{id}}", delete_time_tracking_activity, company),
        *(r for obj in list_wire.LIST_OBJECTS for r in _list_routes(obj)),
        route(c, "POST", JOURNAL_ENTRIES, create_journal_entry, company),
        route(c, "GET", JOURNAL_ENTRIES, list_journal_entries, company),
        route(c, "GET", f"{JOURNAL_ENTRIES}/{{id}}", retrieve_journal_entry, company),
        route(c, "POST", f"{JOURNAL_ENTRIES}/{{id}}", update_journal_entry, company),
        route(c, "DELETE", f"{JOURNAL_ENTRIES}/{{id}}", delete_journal_entry, company),
        # The SDK sends void without a body (but with a JSON content type): none is read.
        route(c, "POST", f"{JOURNAL_ENTRIES}/{{id}}/void", void_journal_entry, company, body=Body.NONE),
        route(c, "POST", CURRENCIES, create_currency, company),
        route(c, "GET", CURRENCIES, list_currencies, company),
        route(c, "GET", f"{CURRENCIES}/{{id}}", retrieve_currency, company),
        route(c, "POST", f"{CURRENCIES}/{{id}}", update_currency, company),
        route(c, "GET", f"{QBD}/company", retrieve_company, company),
        route(c, "GET", DELETED_LIST_OBJECTS, list_deleted_list_objects, company),
        route(c, "GET", DELETED_TRANSACTIONS, list_deleted_transactions, company),
        route(PAGES, "GET", "/connect/qbd/{client_secret}", show_connect_page, anonymous),
        route(PAGES, "POST", "/connect/qbd/{client_secret}", connect, anonymous, body=Body.NONE),
    ]
