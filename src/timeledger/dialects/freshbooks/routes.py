"""FreshBooks' endpoints, at the paths the SDK calls (reference §0): parse, call the ledger, render.

Time entries, projects and services are project-like (``/timetracking``, ``/projects``,
``/comments`` under ``business/{business_id}``); clients are accounting (``/accounting/account/
{account_id}``); the identity and the token endpoint are under ``/auth``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from timeledger.auth import scopes
from timeledger.auth.logins import login_of
from timeledger.auth.oauth import company_of, issue_token, revoke_token
from timeledger.dialects.blocking import run_blocking
from timeledger.dialects.form_bodies import read_params
from timeledger.dialects.freshbooks import wire
from timeledger.dialects.freshbooks.endpoints import NO_CONTENT, Call, endpoint, error_response, json_response
from timeledger.dialects.freshbooks.errors import Family, FreshBooksError, not_found
from timeledger.dialects.freshbooks.ids import parse_path_id
from timeledger.dialects.json_bodies import BodyError
from timeledger.ledger.clock import utc_now
from timeledger.ledger.queries import ListQuery, Page
from timeledger.ledger.records import ListEntry
from timeledger.ledger.services import lists, time_entries
from timeledger.ledger.values import PERSON_KINDS, ActiveStatus, ListKind

log = logging.getLogger(__name__)

PROJECT, ACCOUNTING, AUTH = Family.PROJECT, Family.ACCOUNTING, Family.AUTH
TIME_ENTRIES = "/timetracking/business/{business_id}/time_entries"
PROJECTS = "/projects/business/{business_id}"
SERVICES = "/comments/business/{business_id}"
CLIENTS = "/accounting/account/{account_id}/users/clients"

# FreshBooks' access tokens live 12 hours (reference §7).
ACCESS_TOKEN_SECONDS = 43_200


def _roots(call: Call, full_names: Iterable[str]) -> dict[str, int]:
    """Top-level customer keys for job full names: a project's ``client_id``."""
    jobs = {n for n in full_names if ":" in n}
    return lists.top_level_customers(call.uow, call.company_key, jobs) if jobs else {}


def _path_key(call: Call) -> int:
    return parse_path_id(call.path["id"])


def _update(
    call: Call, kind: ListKind, key: int, changes: dict[str, Any], extra: dict[str, Any]
) -> ListEntry:
    """FreshBooks has no revisions, and its names need not be unique: a taken one is numbered."""
    return lists.update_list_entry(
        call.uow,
        call.company_key,
        kind,
        key,
        None,
        changes,
        extra={wire.API: extra} if extra else None,
        number_duplicate_names=True,
    )


def _total(query: ListQuery, found: Page[ListEntry]) -> int:
    """Every match of a numbered-page read: those before the page, on it, and after it."""
    assert query.offset is not None
    return query.offset + len(found.items) + found.remaining


# --- identity ------------------------------------------------------------------------------------------


@endpoint(AUTH, scopes.PROFILE_READ)
def get_current_user(call: Call) -> dict[str, Any]:
    person = lists.retrieve_list_entry(call.uow, call.company_key, PERSON_KINDS, call.caller.person_key)
    login = login_of(call.uow, person.key)
    company = company_of(call.uow, call.caller)
    return {"response": wire.render_identity(person, login.email if login else None, company)}


# --- time entries ---------------------------------------------------------------------------------------


def _render_entries(call: Call, entries: list[Any]) -> list[dict[str, Any]]:
    roots = _roots(call, (e.customer.full_name for e in entries if e.customer))
    return [wire.render_time_entry(e, roots) for e in entries]


@endpoint(PROJECT, scopes.TIME_ENTRIES_READ)
def list_time_entries(call: Call) -> dict[str, Any]:
    query, page, per_page = wire.parse_time_entry_query(call.request.query_params, call.caller.person_key)
    found, totals = time_entries.list_time_entries_with_totals(call.uow, call.company_key, query)
    return {
        "time_entries": _render_entries(call, found.items),
        "meta": wire.render_time_entry_meta(page, per_page, totals),
    }


@endpoint(PROJECT, scopes.TIME_ENTRIES_READ)
def get_time_entry(call: Call) -> dict[str, Any]:
    entry = time_entries.retrieve_time_entry(
        call.uow, call.company_key, _path_key(call), include_running=True
    )
    return {"time_entry": _render_entries(call, [entry])[0]}


@endpoint(PROJECT, scopes.TIME_ENTRIES_WRITE)
def create_time_entry(call: Call) -> dict[str, Any]:
    draft = wire.parse_time_entry(call.envelope("time_entry"), call.caller.person_key)
    entry = time_entries.create_time_entry(call.uow, call.company_key, draft)
    return {"time_entry": _render_entries(call, [entry])[0]}


@endpoint(PROJECT, scopes.TIME_ENTRIES_WRITE)
def update_time_entry(call: Call) -> dict[str, Any]:
    key = _path_key(call)
    fields = call.envelope("time_entry")
    current = time_entries.retrieve_time_entry(call.uow, call.company_key, key, include_running=True)
    client_key, _ = wire.client_and_project(
        current.customer, _roots(call, [current.customer.full_name] if current.customer else [])
    )
    changes, stop = wire.parse_time_entry_update(fields, current, client_key)
    # FreshBooks has no revisions: the change applies to the entry as it is when the write runs.
    entry = time_entries.update_time_entry(
        call.uow, call.company_key, key, None, changes, include_running=True, stop_timer=stop
    )
    return {"time_entry": _render_entries(call, [entry])[0]}


@endpoint(PROJECT, scopes.TIME_ENTRIES_WRITE)
def delete_time_entry(call: Call) -> object:
    time_entries.delete_time_entry(call.uow, call.company_key, _path_key(call))
    return NO_CONTENT


# --- projects -------------------------------------------------------------------------------------------


def _project(call: Call) -> ListEntry:
    entry = lists.retrieve_list_entry(call.uow, call.company_key, ListKind.CUSTOMER, _path_key(call))
    if entry.parent is None:  # a client, not a project
        raise not_found()
    return entry


def _render_project(call: Call, entry: ListEntry) -> dict[str, Any]:
    return {"project": wire.render_project(entry, _roots(call, [entry.full_name]), single=True)}


@endpoint(PROJECT, scopes.PROJECTS_READ)
def list_projects(call: Call) -> dict[str, Any]:
    params = call.request.query_params
    page, per_page = wire.parse_paging(params, 30)
    status = ActiveStatus.ALL
    if params.get("active") not in (None, ""):
        status = ActiveStatus.ACTIVE if wire.parse_bool(params["active"], "active") else ActiveStatus.INACTIVE
    updated = (
        wire.parse_datetime(params["updated_since"], "updated_since") if params.get("updated_since") else None
    )
    query = ListQuery(
        kind=ListKind.CUSTOMER,
        has_parent=True,
        status=status,
        updated_after=updated,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    found = lists.list_list_entries(call.uow, call.company_key, query)
    total = _total(query, found)
    roots = _roots(call, (e.full_name for e in found.items))
    return {
        "projects": [wire.render_project(e, roots, single=False) for e in found.items],
        "meta": {"sort": [], **wire.page_numbers(page, per_page, total)},
    }


@endpoint(PROJECT, scopes.PROJECTS_READ)
def get_project(call: Call) -> dict[str, Any]:
    return _render_project(call, _project(call))


@endpoint(PROJECT, scopes.PROJECTS_WRITE)
def create_project(call: Call) -> dict[str, Any]:
    draft = wire.parse_project(call.envelope("project"))
    entry = lists.create_list_entry(call.uow, call.company_key, draft, number_duplicate_names=True)
    return _render_project(call, entry)


@endpoint(PROJECT, scopes.PROJECTS_WRITE)
def update_project(call: Call) -> dict[str, Any]:
    changes, extra = wire.parse_project_update(call.envelope("project"))
    current = _project(call)
    entry = _update(call, ListKind.CUSTOMER, current.key, changes, extra)
    return _render_project(call, entry)


@endpoint(PROJECT, scopes.PROJECTS_WRITE)
def delete_project(call: Call) -> object:
    lists.delete_list_entry(call.uow, call.company_key, ListKind.CUSTOMER, _project(call).key)
    return NO_CONTENT


# --- services -------------------------------------------------------------------------------------------


@endpoint(PROJECT, scopes.BILLABLE_ITEMS_READ)
def list_services(call: Call) -> dict[str, Any]:
    page, per_page = wire.parse_paging(call.request.query_params, 30)
    query = ListQuery(
        kind=ListKind.SERVICE_ITEM, status=ActiveStatus.ALL, offset=(page - 1) * per_page, limit=per_page
    )
    found = lists.list_list_entries(call.uow, call.company_key, query)
    total = _total(query, found)
    return {
        "services": [wire.render_service(e, call.company_key) for e in found.items],
        "meta": wire.page_numbers(page, per_page, total),
    }


@endpoint(PROJECT, scopes.BILLABLE_ITEMS_READ)
def get_service(call: Call) -> dict[str, Any]:
    entry = lists.retrieve_list_entry(call.uow, call.company_key, ListKind.SERVICE_ITEM, _path_key(call))
    return {"service": wire.render_service(entry, call.company_key)}


@endpoint(PROJECT, scopes.BILLABLE_ITEMS_WRITE)
def create_service(call: Call) -> dict[str, Any]:
    draft = wire.parse_service(call.envelope("service"))
    entry = lists.create_list_entry(call.uow, call.company_key, draft, number_duplicate_names=True)
    return {"service": wire.render_service(entry, call.company_key)}


@endpoint(PROJECT, scopes.BILLABLE_ITEMS_WRITE)
def update_service(call: Call) -> dict[str, Any]:
    changes, extra = wire.parse_service_update(call.envelope("service"))
    entry = _update(call, ListKind.SERVICE_ITEM, _path_key(call), changes, extra)
    return {"service": wire.render_service(entry, call.company_key)}


@endpoint(PROJECT, scopes.BILLABLE_ITEMS_WRITE)
def delete_service(call: Call) -> object:
    lists.delete_list_entry(call.uow, call.company_key, ListKind.SERVICE_ITEM, _path_key(call))
    return NO_CONTENT


# --- clients (accounting family) ---------------------------------------------------------------------


def _client(call: Call, *, include_deleted: bool = False) -> ListEntry:
    entry = lists.retrieve_list_entry(
        call.uow,
        call.company_key,
        ListKind.CUSTOMER,
        _path_key(call),
        include_deleted=include_deleted,
    )
    if entry.parent is not None:  # a project, not a client
        raise not_found()
    return entry


def _client_result(call: Call, entry: ListEntry) -> dict[str, Any]:
    company = company_of(call.uow, call.caller)
    return {"response": {"result": {"client": wire.render_client(entry, company)}}}


# ``search[...]`` filters on clients (reference §5), as (ledger fields, like?) per name.
_CLIENT_LIKE = {
    "organization_like": ("company_name", "name"),
    "fname_like": ("first_name",),
    "lname_like": ("last_name",),
    "note_like": ("note",),
    "phone_like": ("phone",),
}


@endpoint(ACCOUNTING, scopes.CLIENTS_READ)
def list_clients(call: Call) -> dict[str, Any]:
    params = call.request.query_params
    page, per_page = wire.parse_paging(params, 15)
    status, deleted = ActiveStatus.ALL, False
    if params.get("search[vis_state]") not in (None, ""):
        vis_state = wire.parse_vis_state(params["search[vis_state]"])
        status = {0: ActiveStatus.ACTIVE, 1: ActiveStatus.ALL, 2: ActiveStatus.INACTIVE}[vis_state]
        deleted = vis_state == 1
    contains = tuple(
        (fields, params[f"search[{name}]"])
        for name, fields in _CLIENT_LIKE.items()
        if params.get(f"search[{name}]")
    )
    equals = (("email", params["search[email]"]),) if params.get("search[email]") else ()
    updated_min = wire.parse_date(params.get("search[updated_min]"), "updated_min")
    updated_max = wire.parse_date(params.get("search[updated_max]"), "updated_max")
    query = ListQuery(
        kind=ListKind.CUSTOMER,
        has_parent=False,
        status=status,
        deleted=deleted,
        field_contains=contains,
        field_equals=equals,
        updated_after=wire.start_of_day(updated_min) if updated_min else None,
        # ``updated_max`` is exclusive (reference §5)
        updated_before=wire.start_of_day(updated_max) - wire.ONE_MICROSECOND if updated_max else None,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    found = lists.list_list_entries(call.uow, call.company_key, query)
    total = _total(query, found)
    company = company_of(call.uow, call.caller)
    return {
        "response": {
            "result": {
                "clients": [wire.render_client(e, company) for e in found.items],
                **wire.page_numbers(page, per_page, total),
            }
        }
    }


@endpoint(ACCOUNTING, scopes.CLIENTS_READ)
def get_client(call: Call) -> dict[str, Any]:
    return _client_result(call, _client(call, include_deleted=True))


@endpoint(ACCOUNTING, scopes.CLIENTS_WRITE)
def create_client(call: Call) -> dict[str, Any]:
    draft = wire.parse_client(call.envelope("client"))
    entry = lists.create_list_entry(call.uow, call.company_key, draft, number_duplicate_names=True)
    return _client_result(call, entry)


@endpoint(ACCOUNTING, scopes.CLIENTS_WRITE)
def update_client(call: Call) -> dict[str, Any]:
    """A PUT with ``vis_state`` changes only that (FreshBooks' update phases, reference §5): 1 deletes
    the client (the SDK's ``delete``), 2 archives it, 0 makes it active again, even if deleted."""
    fields = call.envelope("client")
    if "vis_state" in fields:
        vis_state = wire.parse_vis_state(fields["vis_state"])
        current = _client(call, include_deleted=True)
        if vis_state == 1:
            entry = current
            if current.deleted_at is None:
                entry = lists.delete_list_entry(call.uow, call.company_key, ListKind.CUSTOMER, current.key)
        else:
            entry = lists.update_list_entry(
                call.uow,
                call.company_key,
                ListKind.CUSTOMER,
                current.key,
                None,
                {"is_active": vis_state == 0},
                restore=True,
            )
        return _client_result(call, entry)
    current = _client(call)
    changes, extra = wire.parse_client_update(fields, current)
    entry = _update(call, ListKind.CUSTOMER, current.key, changes, extra)
    return _client_result(call, entry)


# --- OAuth token and revocation ---------------------------------------------------------------------


async def _oauth_call(request: Request, action: Any) -> Response:
    """The token and revocation endpoints answer in the auth family's shape, never with HTML or 500s."""
    try:
        params = await read_params(request)
        response = await run_blocking(
            request, action, request.app.state.unit_of_work(), params, request.headers.get("authorization")
        )
    except BodyError as error:
        return error_response(FreshBooksError(400, str(error), None, None, "invalid_request"), AUTH)
    except Exception:
        log.exception("unexpected error in %s", request.url.path)
        return error_response(
            FreshBooksError(500, "An internal error occurred.", None, None, "server_error"), AUTH
        )
    body = dict(response.body)
    if response.status >= 400:
        # The SDK shows ``error_description``; oauthlib omits it for some errors.
        body.setdefault("error_description", body.get("error", "invalid_request").replace("_", " ") + ".")
    return json_response(body, response.status)


async def token(request: Request) -> Response:
    """``POST /auth/oauth/token``: the SDK needs ``created_at`` (Unix seconds) to compute expiry."""

    def exchange(uow: Any, params: dict[str, str], authorization: str | None) -> Any:
        response = issue_token(uow, params, authorization, ACCESS_TOKEN_SECONDS)
        if response.status == 200:
            response.body["created_at"] = _now_seconds()
        return response

    return await _oauth_call(request, exchange)


async def revoke(request: Request) -> Response:
    """``POST /auth/oauth/revoke`` (RFC 7009): 200 ``{}`` whether or not the token was known."""
    return await _oauth_call(request, revoke_token)


def _now_seconds() -> int:
    return int(utc_now().timestamp())


def routes() -> list[BaseRoute]:
    return [
        Route("/auth/oauth/token", token, methods=["POST"]),
        Route("/auth/oauth/revoke", revoke, methods=["POST"]),
        Route("/auth/api/v1/users/me", get_current_user, methods=["GET"]),
        Route(TIME_ENTRIES, list_time_entries, methods=["GET"]),
        Route(TIME_ENTRIES, create_time_entry, methods=["POST"]),
        Route(TIME_ENTRIES + "/{id}", get_time_entry, methods=["GET"]),
        Route(TIME_ENTRIES + "/{id}", update_time_entry, methods=["PUT"]),
        Route(TIME_ENTRIES + "/{id}", delete_time_entry, methods=["DELETE"]),
        Route(PROJECTS + "/projects", list_projects, methods=["GET"]),
        Route(PROJECTS + "/project", create_project, methods=["POST"]),
        Route(PROJECTS + "/project/{id}", get_project, methods=["GET"]),
        Route(PROJECTS + "/project/{id}", update_project, methods=["PUT"]),
        Route(PROJECTS + "/project/{id}", delete_project, methods=["DELETE"]),
        Route(SERVICES + "/services", list_services, methods=["GET"]),
        Route(SERVICES + "/service", create_service, methods=["POST"]),
        Route(SERVICES + "/service/{id}", get_service, methods=["GET"]),
        Route(SERVICES + "/service/{id}", update_service, methods=["PUT"]),
        Route(SERVICES + "/service/{id}", delete_service, methods=["DELETE"]),
        Route(CLIENTS, list_clients, methods=["GET"]),
        Route(CLIENTS, create_client, methods=["POST"]),
        Route(CLIENTS + "/{id}", get_client, methods=["GET"]),
        Route(CLIENTS + "/{id}", update_client, methods=["PUT"]),
    ]
