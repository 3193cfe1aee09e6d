"""FreshBooks' endpoints, at the paths the SDK calls (reference §0), on the request scaffold: each
handler parses, makes one ledger or auth call, and renders.

Time entries, projects and services are project-like (``/timetracking``, ``/projects``,
``/comments`` under ``business/{business_id}``); clients are accounting (``/accounting/account/
{account_id}``); the identity, team members and the token endpoint are under ``/auth``.
Authentication is the route's ``bearer(scope)`` strategy, run by the scaffold; the token endpoints
authenticate the client themselves, as OAuth says.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from timeledger.auth import scopes
from timeledger.auth.logins import login_of
from timeledger.auth.oauth import (
    OAuthApi,
    OAuthCaller,
    OAuthResponse,
    authenticate_bearer,
    company_of,
    issue_token,
    revoke_token,
)
from timeledger.dialects.freshbooks import errors, wire
from timeledger.dialects.freshbooks.errors import RequestTerms, insufficient_scope, not_found, worded_as
from timeledger.dialects.freshbooks.ids import parse_account_id, parse_business_id, parse_path_id
from timeledger.dialects.freshbooks.paging import page_numbers, total_of
from timeledger.dialects.scaffold.endpoints import Body, Call, Dialect, anonymous, route
from timeledger.ledger.clock import utc_now
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.records import ListEntry
from timeledger.ledger.services import lists, time_entries
from timeledger.ledger.values import PERSON_KINDS, ListKind

TIME_ENTRIES = "/timetracking/business/{business_id}/time_entries"
PROJECTS = "/projects/business/{business_id}"
SERVICES = "/comments/business/{business_id}"
CLIENTS = "/accounting/account/{account_id}/users/clients"
TEAM_MEMBERS = "/auth/api/v1/businesses/{business_id}/team_members"

# FreshBooks' access tokens live 12 hours (reference §7).
ACCESS_TOKEN_SECONDS = 43_200


FRESHBOOKS = Dialect(respond=wire.respond, refusal=errors.refusal, internal_error=errors.internal_error)
NO_CONTENT = Response(status_code=204)


# --- authentication strategy ------------------------------------------------------------------------


def bearer(scope: str) -> Callable[[UnitOfWork, Request], OAuthCaller]:
    """The access token (401), then the business or account in the path (404), then the scope (403):
    a caller learns nothing about a business that is not theirs, not even which scopes it needs.
    A business id is the one ``/users/me`` shows (``ids.render_business_id``): a membership or
    identity id in its place names no business."""

    def authenticate(uow: UnitOfWork, request: Request) -> OAuthCaller:
        caller = authenticate_bearer(uow, request.headers.get("authorization"), OAuthApi.FRESHBOOKS)
        params = request.path_params
        if "business_id" in params and parse_business_id(params["business_id"]) != caller.company_key:
            raise not_found()
        if "account_id" in params and parse_account_id(params["account_id"]) != caller.company_key:
            raise not_found()
        if not scopes.satisfies(caller.scopes, scope):
            raise insufficient_scope(caller.scopes, scope)
        return caller

    return authenticate


def _key(call: Call[OAuthCaller]) -> int:
    return parse_path_id(call.path["id"])


# --- identity ------------------------------------------------------------------------------------------


def get_current_user(call: Call[OAuthCaller]) -> dict[str, Any]:
    caller = call.caller
    person = lists.retrieve_list_entry(call.uow, caller.company_key, PERSON_KINDS, caller.person_key)
    login = login_of(call.uow, person.key)
    company = company_of(call.uow, caller.company_key)
    return {"response": wire.render_identity(person, login.email if login else None, company)}


def list_team_members(call: Call[OAuthCaller]) -> dict[str, Any]:
    """The business's people, under ``response`` as the auth family answers; ``meta`` has FreshBooks'
    documented ``page``, ``per_page`` and ``total``, and ``pages`` as every other FreshBooks list."""
    query, page, per_page = wire.parse_team_member_query(call.query)
    found = lists.list_list_entries(call.uow, call.caller.company_key, query)
    return {
        "response": [wire.render_team_member(e) for e in found.items],
        "meta": page_numbers(page, per_page, total_of(page, per_page, found)),
    }


# --- time entries ---------------------------------------------------------------------------------------


def list_time_entries(call: Call[OAuthCaller]) -> dict[str, Any]:
    query, page, per_page = wire.parse_time_entry_query(call.query, call.caller.person_key)
    found, totals = time_entries.list_time_entries_with_totals(
        call.uow, call.caller.company_key, query, breakdown=True
    )
    return {
        "time_entries": [wire.render_time_entry(e) for e in found.items],
        "meta": wire.render_time_entry_meta(page, per_page, totals),
    }


def get_time_entry(call: Call[OAuthCaller]) -> dict[str, Any]:
    entry = time_entries.retrieve_time_entry(
        call.uow, call.caller.company_key, _key(call), include_running=True
    )
    return {"time_entry": wire.render_time_entry(entry)}


def create_time_entry(call: Call[OAuthCaller]) -> dict[str, Any]:
    fields = wire.envelope(call.body, "time_entry")
    draft = wire.parse_time_entry(fields, call.caller.person_key)
    with worded_as(wire.time_entry_terms(fields)):
        entry = time_entries.create_time_entry(call.uow, call.caller.company_key, draft)
    return {"time_entry": wire.render_time_entry(entry)}


def update_time_entry(call: Call[OAuthCaller]) -> dict[str, Any]:
    key = _key(call)
    fields = wire.envelope(call.body, "time_entry")
    current = time_entries.retrieve_time_entry(call.uow, call.caller.company_key, key, include_running=True)
    changes = wire.parse_time_entry_update(fields, current)
    # FreshBooks has no revisions: the change applies to the entry as it is when the write runs.
    with worded_as(wire.time_entry_terms(fields)):
        entry = time_entries.update_time_entry(
            call.uow, call.caller.company_key, key, None, changes, include_running=True
        )
    return {"time_entry": wire.render_time_entry(entry)}


def delete_time_entry(call: Call[OAuthCaller]) -> Response:
    time_entries.delete_time_entry(call.uow, call.caller.company_key, _key(call))
    return NO_CONTENT


# --- projects, services, clients: list entries ------------------------------------------------------


def _update(
    call: Call[OAuthCaller], kind: ListKind, key: int, changes: dict[str, Any], extra: dict[str, Any]
) -> ListEntry:
    """FreshBooks has no revisions, and its names need not be unique: a taken one is numbered."""
    return lists.update_list_entry(
        call.uow,
        call.caller.company_key,
        kind,
        key,
        None,
        changes,
        extra={wire.API: extra} if extra else None,
        number_duplicate_names=True,
    )


def _project(call: Call[OAuthCaller]) -> ListEntry:
    """A project is a customer below another (a job); a top-level customer is a client, not one."""
    return lists.retrieve_list_entry(
        call.uow, call.caller.company_key, ListKind.CUSTOMER, _key(call), has_parent=True
    )


def list_projects(call: Call[OAuthCaller]) -> dict[str, Any]:
    query, page, per_page = wire.parse_project_query(call.query)
    found = lists.list_list_entries(call.uow, call.caller.company_key, query)
    return {
        "projects": [wire.render_project(e, single=False) for e in found.items],
        "meta": {"sort": [], **page_numbers(page, per_page, total_of(page, per_page, found))},
    }


def get_project(call: Call[OAuthCaller]) -> dict[str, Any]:
    return {"project": wire.render_project(_project(call), single=True)}


def create_project(call: Call[OAuthCaller]) -> dict[str, Any]:
    fields = wire.envelope(call.body, "project")
    draft = wire.parse_project(fields)
    with worded_as(RequestTerms(sent=fields)):
        entry = lists.create_list_entry(call.uow, call.caller.company_key, draft, number_duplicate_names=True)
    return {"project": wire.render_project(entry, single=True)}


def update_project(call: Call[OAuthCaller]) -> dict[str, Any]:
    fields = wire.envelope(call.body, "project")
    changes, extra = wire.parse_project_update(fields)
    key = _project(call).key
    with worded_as(RequestTerms(sent=fields)):
        entry = _update(call, ListKind.CUSTOMER, key, changes, extra)
    return {"project": wire.render_project(entry, single=True)}


def delete_project(call: Call[OAuthCaller]) -> Response:
    lists.delete_list_entry(call.uow, call.caller.company_key, ListKind.CUSTOMER, _project(call).key)
    return NO_CONTENT


def list_services(call: Call[OAuthCaller]) -> dict[str, Any]:
    query, page, per_page = wire.parse_service_query(call.query)
    found = lists.list_list_entries(call.uow, call.caller.company_key, query)
    return {
        "services": [wire.render_service(e) for e in found.items],
        "meta": page_numbers(page, per_page, total_of(page, per_page, found)),
    }


def get_service(call: Call[OAuthCaller]) -> dict[str, Any]:
    entry = lists.retrieve_list_entry(call.uow, call.caller.company_key, ListKind.SERVICE_ITEM, _key(call))
    return {"service": wire.render_service(entry)}


def create_service(call: Call[OAuthCaller]) -> dict[str, Any]:
    draft = wire.parse_service(wire.envelope(call.body, "service"))
    entry = lists.create_list_entry(call.uow, call.caller.company_key, draft, number_duplicate_names=True)
    return {"service": wire.render_service(entry)}


def update_service(call: Call[OAuthCaller]) -> dict[str, Any]:
    changes, extra = wire.parse_service_update(wire.envelope(call.body, "service"))
    entry = _update(call, ListKind.SERVICE_ITEM, _key(call), changes, extra)
    return {"service": wire.render_service(entry)}


def delete_service(call: Call[OAuthCaller]) -> Response:
    lists.delete_list_entry(call.uow, call.caller.company_key, ListKind.SERVICE_ITEM, _key(call))
    return NO_CONTENT


def _client_result(entry: ListEntry) -> dict[str, Any]:
    return {"response": {"result": {"client": wire.render_client(entry)}}}


def list_clients(call: Call[OAuthCaller]) -> dict[str, Any]:
    query, page, per_page = wire.parse_client_query(call.query)
    found = lists.list_list_entries(call.uow, call.caller.company_key, query)
    result = {
        "clients": [wire.render_client(e) for e in found.items],
        **page_numbers(page, per_page, total_of(page, per_page, found)),
    }
    return {"response": {"result": result}}


def get_client(call: Call[OAuthCaller]) -> dict[str, Any]:
    entry = lists.retrieve_list_entry(
        call.uow,
        call.caller.company_key,
        ListKind.CUSTOMER,
        _key(call),
        include_deleted=True,
        has_parent=False,
    )
    return _client_result(entry)


def create_client(call: Call[OAuthCaller]) -> dict[str, Any]:
    draft = wire.parse_client(wire.envelope(call.body, "client"))
    entry = lists.create_list_entry(call.uow, call.caller.company_key, draft, number_duplicate_names=True)
    return _client_result(entry)


def update_client(call: Call[OAuthCaller]) -> dict[str, Any]:
    """A PUT with ``vis_state`` changes only that (FreshBooks' update phases, reference §5): 1 deletes
    the client (the SDK's ``delete``), 2 archives it, 0 makes it active again, even if deleted."""
    fields = wire.envelope(call.body, "client")
    company_key = call.caller.company_key
    if "vis_state" in fields:
        state = wire.parse_vis_state(fields["vis_state"])
        entry = lists.set_list_entry_state(
            call.uow, company_key, ListKind.CUSTOMER, _key(call), state, has_parent=False
        )
        return _client_result(entry)
    current = lists.retrieve_list_entry(
        call.uow, company_key, ListKind.CUSTOMER, _key(call), has_parent=False
    )
    changes, extra = wire.parse_client_update(fields, current)
    return _client_result(_update(call, ListKind.CUSTOMER, current.key, changes, extra))


# --- OAuth token and revocation ---------------------------------------------------------------------


def _oauth_answer(response: OAuthResponse) -> Response:
    body = dict(response.body)
    if response.status >= 400:
        # The SDK shows ``error_description``; oauthlib omits it for some errors.
        body.setdefault("error_description", body.get("error", "invalid_request").replace("_", " ") + ".")
    return wire.json_response(body, response.status)


def token(call: Call[None]) -> Response:
    """``POST /auth/oauth/token``: the SDK needs ``created_at`` (Unix seconds) to compute expiry."""
    assert call.params is not None
    authorization = call.request.headers.get("authorization")
    answer = issue_token(call.uow, call.params, authorization, ACCESS_TOKEN_SECONDS, OAuthApi.FRESHBOOKS)
    if answer.status == 200:
        answer.body["created_at"] = int(utc_now().timestamp())
    return _oauth_answer(answer)


def revoke(call: Call[None]) -> Response:
    """``POST /auth/oauth/revoke`` (RFC 7009): 200 ``{}`` whether or not the token was known."""
    assert call.params is not None
    authorization = call.request.headers.get("authorization")
    return _oauth_answer(revoke_token(call.uow, call.params, authorization, OAuthApi.FRESHBOOKS))


def routes() -> list[BaseRoute]:
    f = FRESHBOOKS
    return [
        route(f, "POST", "/auth/oauth/token", token, anonymous, body=Body.PARAMS),
        route(f, "POST", "/auth/oauth/revoke", revoke, anonymous, body=Body.PARAMS),
        route(f, "GET", "/auth/api/v1/users/me", get_current_user, bearer(scopes.PROFILE_READ)),
        route(f, "GET", TEAM_MEMBERS, list_team_members, bearer(scopes.TEAMS_READ)),
        route(f, "GET", TIME_ENTRIES, list_time_entries, bearer(scopes.TIME_ENTRIES_READ)),
        route(f, "POST", TIME_ENTRIES, create_time_entry, bearer(scopes.TIME_ENTRIES_WRITE)),
        route(f, "GET", TIME_ENTRIES + "/{id}", get_time_entry, bearer(scopes.TIME_ENTRIES_READ)),
        route(f, "PUT", TIME_ENTRIES + "/{id}", update_time_entry, bearer(scopes.TIME_ENTRIES_WRITE)),
        route(f, "DELETE", TIME_ENTRIES + "/{id}", delete_time_entry, bearer(scopes.TIME_ENTRIES_WRITE)),
        route(f, "GET", PROJECTS + "/projects", list_projects, bearer(scopes.PROJECTS_READ)),
        route(f, "POST", PROJECTS + "/project", create_project, bearer(scopes.PROJECTS_WRITE)),
        route(f, "GET", PROJECTS + "/project/{id}", get_project, bearer(scopes.PROJECTS_READ)),
        route(f, "PUT", PROJECTS + "/project/{id}", update_project, bearer(scopes.PROJECTS_WRITE)),
        route(f, "DELETE", PROJECTS + "/project/{id}", delete_project, bearer(scopes.PROJECTS_WRITE)),
        route(f, "GET", SERVICES + "/services", list_services, bearer(scopes.BILLABLE_ITEMS_READ)),
        route(f, "POST", SERVICES + "/service", create_service, bearer(scopes.BILLABLE_ITEMS_WRITE)),
        route(f, "GET", SERVICES + "/service/{id}", get_service, bearer(scopes.BILLABLE_ITEMS_READ)),
        route(f, "PUT", SERVICES + "/service/{id}", update_service, bearer(scopes.BILLABLE_ITEMS_WRITE)),
        route(f, "DELETE", SERVICES + "/service/{id}", delete_service, bearer(scopes.BILLABLE_ITEMS_WRITE)),
        route(f, "GET", CLIENTS, list_clients, bearer(scopes.CLIENTS_READ)),
        route(f, "POST", CLIENTS, create_client, bearer(scopes.CLIENTS_WRITE)),
        route(f, "GET", CLIENTS + "/{id}", get_client, bearer(scopes.CLIENTS_READ)),
        route(f, "PUT", CLIENTS + "/{id}", update_client, bearer(scopes.CLIENTS_WRITE)),
    ]
