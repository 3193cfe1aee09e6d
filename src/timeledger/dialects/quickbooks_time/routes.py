"""QuickBooks Time's endpoints under ``/api/v1``, on the request scaffold: each handler parses, makes
its ledger calls (one per item of a batch, each item in its own savepoint with its own status), and
renders. Authentication is the access token of this API (``bearer``), run by the scaffold; the grant
endpoint authenticates the client itself, as OAuth says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from timeledger.auth.oauth import OAuthApi, OAuthCaller, authenticate_bearer, company_of, issue_token
from timeledger.dialects.oauth_consent import consent_routes
from timeledger.dialects.quickbooks_time import errors, wire
from timeledger.dialects.quickbooks_time.errors import ItemRefusal, item_refusal
from timeledger.dialects.quickbooks_time.paging import parse_paging
from timeledger.dialects.scaffold.batches import each_in_savepoint
from timeledger.dialects.scaffold.endpoints import Body, Call, Dialect, anonymous, route
from timeledger.ledger.errors import LedgerError
from timeledger.ledger.queries import ListQuery
from timeledger.ledger.records import ListEntry, TimeEntry
from timeledger.ledger.services import assignments, changes, lists, time_entries
from timeledger.ledger.tenancy import Company
from timeledger.ledger.values import PERSON_KINDS, ActiveStatus, ListKind

QUICKBOOKS_TIME = Dialect(respond=wire.respond, refusal=errors.refusal, internal_error=errors.internal_error)
BASE = "/api/v1"
PREFIX = BASE + "/"
# QuickBooks Time's access tokens live 10 days (reference §7).
ACCESS_TOKEN_SECONDS = 864_000
# What a batch item may be refused with; anything else is unexpected and fails the whole request.
REFUSALS = (ItemRefusal, LedgerError, errors.QuickBooksTimeError)


def bearer(uow: Any, request: Request) -> OAuthCaller:
    """An access token issued for QuickBooks Time (a FreshBooks token opens nothing here)."""
    return authenticate_bearer(uow, request.headers.get("authorization"), OAuthApi.QUICKBOOKS_TIME)


def _each(
    call: Call[OAuthCaller],
    resource: str,
    items: list[Any],
    action: Callable[[Any], dict[str, Any]],
    *,
    creating: bool,
) -> list[dict[str, Any]]:
    """Run ``action`` on every item in its own savepoint; a refused item answers its own status."""
    outcomes = each_in_savepoint(call.uow, items, action, REFUSALS)
    shown = []
    for item, done in zip(items, outcomes, strict=True):
        if done.refusal is None:
            assert done.result is not None
            shown.append(done.result)
            continue
        refusal = item_refusal(done.refusal, resource, creating)
        if refusal is None:  # pragma: no cover - REFUSALS are all mapped
            raise done.refusal
        shown.append(wire.refused(refusal, item))
    return shown


# --- supplemental data ------------------------------------------------------------------------------


def _jobcodes(call: Call[OAuthCaller], entries: list[ListEntry]) -> dict[str, Any]:
    keys = [e.key for e in entries]
    with_children = lists.with_children(call.uow, call.caller.company_key, keys)
    to_all = assignments.assigned_to_everyone(call.uow, call.caller.company_key, keys)
    return {
        str(e.key): wire.render_jobcode(
            e, has_children=e.key in with_children, assigned_to_all=e.key in to_all
        )
        for e in entries
    }


def _entries(call: Call[OAuthCaller], kind: ListKind, keys: Iterable[int]) -> list[ListEntry]:
    wanted = tuple(dict.fromkeys(k for k in keys if k))
    if not wanted:
        return []
    query = ListQuery(kind, key_filter=wanted, status=ActiveStatus.ALL, deleted=None)
    return lists.list_list_entries(call.uow, call.caller.company_key, query).items


def _users(call: Call[OAuthCaller], company: Company, keys: Iterable[int]) -> dict[str, Any]:
    return {str(p.key): wire.render_user(p, company) for p in _entries(call, ListKind.EMPLOYEE, keys)}


def _supplemental(
    call: Call[OAuthCaller], company: Company, entries: list[TimeEntry], *, custom_fields: bool = True
) -> dict[str, Any] | None:
    """The users, jobcodes and (unless deleted timesheets, which show none) custom fields a page of
    timesheets names."""
    if not wire.wants_supplemental(call.query):
        return None
    jobcodes = _entries(call, ListKind.CUSTOMER, (e.customer.key for e in entries if e.customer))
    fields = (
        []
        if not custom_fields
        else [
            f
            for f, ref in ((wire.SERVICE_ITEM_FIELD, "service_item"), (wire.CLASS_FIELD, "class_"))
            if any(getattr(e, ref) for e in entries)
        ]
    )
    return wire.Supplemental(
        users=_users(call, company, (e.person.key for e in entries)),
        jobcodes=_jobcodes(call, jobcodes),
        customfields={str(f): wire.render_custom_field(f, company) for f in fields},
    ).render()


# --- current user and users --------------------------------------------------------------------------


def get_current_user(call: Call[OAuthCaller]) -> dict[str, Any]:
    company = company_of(call.uow, call.caller.company_key)
    person = lists.retrieve_list_entry(call.uow, company.key, PERSON_KINDS, call.caller.person_key)
    supplemental = {} if wire.wants_supplemental(call.query) else None
    return wire.page("users", {str(person.key): wire.render_user(person, company)}, False, supplemental)


def list_users(call: Call[OAuthCaller]) -> dict[str, Any]:
    company = company_of(call.uow, call.caller.company_key)
    found = lists.list_list_entries(call.uow, company.key, wire.parse_user_query(call.query))
    results = {str(p.key): wire.render_user(p, company) for p in found.items}
    return wire.page(
        "users", results, found.remaining > 0, {} if wire.wants_supplemental(call.query) else None
    )


def create_users(call: Call[OAuthCaller]) -> dict[str, Any]:
    company = company_of(call.uow, call.caller.company_key)

    def create(item: Any) -> dict[str, Any]:
        # QuickBooks Time names need not be unique (usernames must): a taken name is numbered.
        person = lists.create_list_entry(
            call.uow, company.key, wire.parse_user(item), number_duplicate_names=True
        )
        return wire.outcome(200, "Created", wire.render_user(person, company))

    return wire.written("users", _each(call, "users", wire.items_of(call.json()), create, creating=True), {})


def update_users(call: Call[OAuthCaller]) -> dict[str, Any]:
    company = company_of(call.uow, call.caller.company_key)

    def update(item: Any) -> dict[str, Any]:
        key, username = wire.user_key_of(item)
        if key is None:
            named = ListQuery(ListKind.EMPLOYEE, usernames=(str(username),), status=ActiveStatus.ALL, limit=1)
            found = lists.list_list_entries(call.uow, company.key, named).items
            if not found:
                raise ItemRefusal(417, f'No user has the username "{username}".')
            key = found[0].key
        current = lists.retrieve_list_entry(call.uow, company.key, ListKind.EMPLOYEE, key)
        ledger, extra = wire.parse_user_update(item, current)
        person = lists.update_list_entry(
            call.uow,
            company.key,
            ListKind.EMPLOYEE,
            key,
            None,
            ledger,
            extra={wire.API: extra} if extra else None,
            number_duplicate_names=True,
        )
        return wire.outcome(200, "Updated", wire.render_user(person, company))

    return wire.written("users", _each(call, "users", wire.items_of(call.json()), update, creating=False), {})


# --- jobcodes -------------------------------------------------------------------------------------


def list_jobcodes(call: Call[OAuthCaller]) -> dict[str, Any]:
    query = wire.parse_jobcode_query(call.query)
    found = lists.list_list_entries(call.uow, call.caller.company_key, query)
    supplemental = None
    if wire.wants_supplemental(call.query):
        # Every parent needed to trace the results to the top (reference §4).
        shown = {e.key for e in found.items}
        above: list[ListEntry] = []
        parents = {e.parent.key for e in found.items if e.parent} - shown
        while parents:
            fetched = _entries(call, ListKind.CUSTOMER, parents)
            above += fetched
            shown |= parents
            parents = {e.parent.key for e in fetched if e.parent} - shown
        supplemental = {"jobcodes": _jobcodes(call, above)} if above else {}
    return wire.page("jobcodes", _jobcodes(call, found.items), found.remaining > 0, supplemental)


def _check_short_code(
    call: Call[OAuthCaller], extra: dict[str, Any], parent_key: int | None, key: int | None = None
) -> None:
    """A short code is unique among its siblings (reference §4); an empty one is no code."""
    code = extra.get("short_code")
    if not code:
        return
    siblings = ListQuery(
        ListKind.CUSTOMER,
        status=ActiveStatus.ALL,
        parent_keys=(parent_key,) if parent_key else (),
        has_parent=None if parent_key else False,
        extra_in=((wire.API, "short_code", (code,)),),
        exclude_keys=(key,) if key else (),
        limit=1,
    )
    if lists.list_list_entries(call.uow, call.caller.company_key, siblings).items:
        raise ItemRefusal(417, "Oops! That Short Code is already in use")


def create_jobcodes(call: Call[OAuthCaller]) -> dict[str, Any]:
    company_key = call.caller.company_key

    def create(item: Any) -> dict[str, Any]:
        draft, to_all = wire.parse_jobcode(item)
        _check_short_code(call, dict(draft.extra.get(wire.API, {})), draft.parent_key)
        entry = lists.create_list_entry(call.uow, company_key, draft)
        if to_all:
            assignments.set_assigned_to_everyone(call.uow, company_key, entry.key, True)
        return wire.outcome(200, "Created", _jobcodes(call, [entry])[str(entry.key)])

    return wire.written(
        "jobcodes", _each(call, "jobcodes", wire.items_of(call.json()), create, creating=True), {}
    )


def update_jobcodes(call: Call[OAuthCaller]) -> dict[str, Any]:
    company_key = call.caller.company_key

    def update(item: Any) -> dict[str, Any]:
        key, ledger, extra, to_all = wire.parse_jobcode_update(item)
        current = lists.retrieve_list_entry(call.uow, company_key, ListKind.CUSTOMER, key)
        if not current.is_active and ledger.get("is_active") is not True:
            raise ItemRefusal(417, "An archived jobcode cannot be edited unless the same item restores it.")
        parent_key = ledger.get("parent_key", current.parent.key if current.parent else None)
        _check_short_code(call, extra, parent_key, key)
        entry = lists.update_list_entry(
            call.uow,
            company_key,
            ListKind.CUSTOMER,
            key,
            None,
            ledger,
            extra={wire.API: extra} if extra else None,
        )
        if to_all is not None:
            assignments.set_assigned_to_everyone(call.uow, company_key, key, to_all)
        return wire.outcome(200, "Updated", _jobcodes(call, [entry])[str(entry.key)])

    return wire.written(
        "jobcodes", _each(call, "jobcodes", wire.items_of(call.json()), update, creating=False), {}
    )


# --- jobcode assignments ---------------------------------------------------------------------------


def list_jobcode_assignments(call: Call[OAuthCaller]) -> dict[str, Any]:
    found = assignments.list_assignments(
        call.uow, call.caller.company_key, wire.parse_assignment_query(call.query)
    )
    results = {str(a.key): wire.render_assignment(a) for a in found.items}
    supplemental = None
    if wire.wants_supplemental(call.query):
        company = company_of(call.uow, call.caller.company_key)
        jobcodes = _entries(call, ListKind.CUSTOMER, (a.customer.key for a in found.items))
        supplemental = wire.Supplemental(
            users=_users(call, company, (a.person.key for a in found.items if a.person)),
            jobcodes=_jobcodes(call, jobcodes),
            customfields={},
        ).render()
    return wire.page("jobcode_assignments", results, found.remaining > 0, supplemental)


def create_jobcode_assignments(call: Call[OAuthCaller]) -> dict[str, Any]:
    def create(item: Any) -> dict[str, Any]:
        person_key, customer_key = wire.parse_assignment(item)
        made = assignments.assign(call.uow, call.caller.company_key, person_key, customer_key)
        return wire.outcome(200, "Created", wire.render_assignment(made))

    items = wire.items_of(call.json())
    return wire.written(
        "jobcode_assignments", _each(call, "jobcode_assignments", items, create, creating=True), {}
    )


def _ids_to_delete(call: Call[OAuthCaller]) -> list[str]:
    """``?ids=1,2,3``, each as passed (the results are keyed by them), at most 50."""
    passed = [p.strip() for p in (call.query.get("ids") or "").split(",")] if call.query.get("ids") else []
    return wire.items_of({"data": passed})


def delete_jobcode_assignments(call: Call[OAuthCaller]) -> dict[str, Any]:
    def delete(passed: str) -> dict[str, Any]:
        try:
            key = wire.parse_id(passed, "ids")
            ended = assignments.unassign(call.uow, call.caller.company_key, key)
        except (ItemRefusal, LedgerError):
            raise ItemRefusal(417, "That id is not found in the database") from None
        return {"_status_code": 200, "_status_message": "OK, deleted", "id": ended.key}

    return _deleted(call, "jobcode_assignments", delete)


def _deleted(
    call: Call[OAuthCaller], resource: str, delete: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    """A DELETE's envelope: each outcome keyed by the id as passed (an empty one is ``""``)."""
    passed = _ids_to_delete(call)
    outcomes = _each(call, resource, passed, delete, creating=False)
    return {
        "results": {resource: {p: {**o, "id": o.get("id", p)} for p, o in zip(passed, outcomes, strict=True)}}
    }


# --- timesheets ----------------------------------------------------------------------------------


def _with_custom_fields(call: Call[OAuthCaller], names: dict[int, str | None]) -> dict[str, int | None]:
    """The service item and class keys the custom fields name (by full name), for the ledger."""
    keys: dict[str, int | None] = {}
    for field, name in names.items():
        label, kind = wire.CUSTOM_FIELDS[field]
        attribute = "service_item_key" if kind is ListKind.SERVICE_ITEM else "class_key"
        if name is None:
            keys[attribute] = None
            continue
        query = ListQuery(kind, full_names=(name,))
        try:
            keys[attribute] = lists.list_list_entries(call.uow, call.caller.company_key, query).items[0].key
        except LedgerError:
            raise ItemRefusal(417, f'The {label} "{name}" does not exist.') from None
    return keys


def _timesheet_page(call: Call[OAuthCaller], *, deleted: bool) -> dict[str, Any]:
    query = wire.parse_timesheet_query(call.query, deleted=deleted)
    found = time_entries.list_time_entries(
        call.uow, call.caller.company_key, replace(query, limit=query.limit + 1)
    )
    shown = found.items[: query.limit]
    results = {str(e.key): wire.render_timesheet(e, deleted=deleted) for e in shown}
    company = company_of(call.uow, call.caller.company_key)
    supplemental = _supplemental(call, company, shown, custom_fields=not deleted)
    resource = "timesheets_deleted" if deleted else "timesheets"
    return wire.page(resource, results, len(found.items) > query.limit, supplemental)


def list_timesheets(call: Call[OAuthCaller]) -> dict[str, Any]:
    return _timesheet_page(call, deleted=False)


def list_deleted_timesheets(call: Call[OAuthCaller]) -> dict[str, Any]:
    return _timesheet_page(call, deleted=True)


def create_timesheets(call: Call[OAuthCaller]) -> dict[str, Any]:
    company_key = call.caller.company_key
    made: list[TimeEntry] = []

    def create(item: Any) -> dict[str, Any]:
        parsed = wire.parse_timesheet(item, call.caller.person_key)
        assert parsed.draft is not None
        keys = _with_custom_fields(call, parsed.names)
        draft = replace(
            parsed.draft, **keys, billing_status=wire.timesheet_billing(keys.get("service_item_key"))
        )
        entry = time_entries.create_time_entry(call.uow, company_key, draft, refuse_overlaps=True)
        made.append(entry)
        return wire.outcome(200, "Created", wire.render_written_timesheet(entry))

    outcomes = _each(call, "timesheets", wire.items_of(call.json()), create, creating=True)
    return wire.written(
        "timesheets", outcomes, _supplemental(call, company_of(call.uow, call.caller.company_key), made)
    )


def update_timesheets(call: Call[OAuthCaller]) -> dict[str, Any]:
    company_key = call.caller.company_key
    changed: list[TimeEntry] = []

    def update(item: Any) -> dict[str, Any]:
        key = wire.timesheet_key_of(item)
        current = time_entries.retrieve_time_entry(call.uow, company_key, key, include_running=True)
        parsed = wire.parse_timesheet_update(item, current)
        edits = {**parsed.changes, **_with_custom_fields(call, parsed.names)}
        if "service_item_key" in edits:
            edits["billing_status"] = (
                wire.timesheet_billing(edits["service_item_key"]) or current.billing_status
            )
        try:
            entry = time_entries.update_time_entry(
                call.uow, company_key, key, None, edits, include_running=True, refuse_overlaps=True
            )
        except LedgerError as error:
            if error.code != "overlapping_time_entry":
                raise
            # A conflict changes nothing, and the item shows the timesheet as it stays (reference §2).
            refusal = item_refusal(error, "timesheets", creating=False)
            assert refusal is not None
            raise ItemRefusal(refusal.status, refusal.extra, wire.render_written_timesheet(current)) from None
        changed.append(entry)
        return wire.outcome(200, "Updated", wire.render_written_timesheet(entry))

    outcomes = _each(call, "timesheets", wire.items_of(call.json()), update, creating=False)
    return wire.written(
        "timesheets", outcomes, _supplemental(call, company_of(call.uow, call.caller.company_key), changed)
    )


def delete_timesheets(call: Call[OAuthCaller]) -> dict[str, Any]:
    def delete(passed: str) -> dict[str, Any]:
        key = wire.parse_id(passed, "ids")
        time_entries.delete_time_entry(call.uow, call.caller.company_key, key)
        return {"_status_code": 200, "_status_message": "OK, deleted", "id": passed}

    return _deleted(call, "timesheets", delete)


# --- custom fields and their items ----------------------------------------------------------------


def list_custom_fields(call: Call[OAuthCaller]) -> dict[str, Any]:
    company = company_of(call.uow, call.caller.company_key)
    fields = wire.custom_fields_of(call.query, company.created_at)
    offset, limit = parse_paging(call.query)
    shown = {str(f): wire.render_custom_field(f, company) for f in fields[offset : offset + limit]}
    supplemental = {} if wire.wants_supplemental(call.query) else None
    return wire.page("customfields", shown, len(fields) > offset + limit, supplemental)


def _field_supplemental(call: Call[OAuthCaller], fields: Iterable[int]) -> dict[str, Any] | None:
    if not wire.wants_supplemental(call.query):
        return None
    company = company_of(call.uow, call.caller.company_key)
    shown = {str(f): wire.render_custom_field(f, company) for f in sorted(set(fields))}
    return {"customfields": shown} if shown else {}


def list_custom_field_items(call: Call[OAuthCaller]) -> dict[str, Any]:
    """The items of a managed-list field: the company's service items, or its classes."""
    field, query = wire.parse_custom_field_item_query(call.query)
    found = lists.list_list_entries(call.uow, call.caller.company_key, query)
    results = {str(e.key): wire.render_custom_field_item(e, field) for e in found.items}
    return wire.page("customfielditems", results, found.remaining > 0, _field_supplemental(call, [field]))


# The service's own words for a name taken by another item (the docs' create example).
_NAME_TAKEN = (
    'Oops! The name or alias conflicts with another item named "{}". Try choosing another name/alias '
    "or deleting the other conflicting item first"
)


def create_custom_field_items(call: Call[OAuthCaller]) -> dict[str, Any]:
    """New service items or classes, by their field; a full name ("Consulting:Remote") goes below
    the parent it names, which must exist."""
    company_key = call.caller.company_key
    fields: list[int] = []

    def create(item: Any) -> dict[str, Any]:
        parsed = wire.parse_custom_field_item(item)
        draft = parsed.draft
        if parsed.parent_full_name is not None:
            above = ListQuery(draft.kind, full_names=(parsed.parent_full_name,), status=ActiveStatus.ALL)
            try:
                parent = lists.list_list_entries(call.uow, company_key, above).items[0]
            except LedgerError:
                raise ItemRefusal(417, f'There is no item named "{parsed.parent_full_name}".') from None
            draft = replace(draft, parent_key=parent.key)
        code = draft.extra.get(wire.API, {}).get("short_code")
        if code:
            # Short codes are unique in the whole account, across every custom field (the docs).
            for kind in (ListKind.SERVICE_ITEM, ListKind.CLASS):
                taken = ListQuery(
                    kind, status=ActiveStatus.ALL, extra_in=((wire.API, "short_code", (code,)),), limit=1
                )
                if lists.list_list_entries(call.uow, company_key, taken).items:
                    raise ItemRefusal(417, "Oops! That Short Code is already in use")
        try:
            entry = lists.create_list_entry(call.uow, company_key, draft)
        except LedgerError as error:
            if error.code != "duplicate_name":
                raise
            raise ItemRefusal(417, _NAME_TAKEN.format(item.get("name", "").strip())) from None
        fields.append(parsed.field)
        return wire.outcome(200, "Created", wire.render_custom_field_item(entry, parsed.field))

    items = wire.items_of(call.json())
    outcomes = _each(call, "customfielditems", items, create, creating=True)
    return wire.written("customfielditems", outcomes, _field_supplemental(call, fields))


# --- what changed last ------------------------------------------------------------------------------


def get_last_modified_timestamps(call: Call[OAuthCaller]) -> dict[str, Any]:
    company = company_of(call.uow, call.caller.company_key)
    latest = changes.latest_changes(call.uow, company.key)
    me = lists.retrieve_list_entry(call.uow, company.key, PERSON_KINDS, call.caller.person_key)
    values = {
        "current_user": me.updated_at,
        "users": latest.people,
        "jobcodes": latest.customers,
        "jobcode_assignments": latest.assignments,
        "timesheets": latest.time_entries,
        "timesheets_deleted": latest.deleted_time_entries,
        "customfields": company.created_at,
    }
    shown = wire.render_timestamps(values, wire.parse_endpoints(call.query), company.created_at)
    return {"results": {"last_modified_timestamps": shown}}


# --- OAuth ----------------------------------------------------------------------------------------


def grant(call: Call[None]) -> Response:
    """``POST /api/v1/grant``: a code or a refresh token for tokens of this API, in QuickBooks
    Time's shape (reference §7, §9.7): ``user_id`` and ``company_id`` as strings, ``scope`` empty."""
    assert call.params is not None
    answer = issue_token(
        call.uow,
        call.params,
        call.request.headers.get("authorization"),
        ACCESS_TOKEN_SECONDS,
        OAuthApi.QUICKBOOKS_TIME,
    )
    body = dict(answer.body)
    if answer.status != 200:
        body.setdefault(
            "error_description", str(body.get("error", "invalid_request")).replace("_", " ") + "."
        )
        return wire.json_response(body, answer.status)
    assert answer.company_key is not None and answer.person_key is not None
    company = company_of(call.uow, answer.company_key)
    return wire.json_response(
        {
            "access_token": body["access_token"],
            "expires_in": ACCESS_TOKEN_SECONDS,
            "token_type": "bearer",
            "scope": "",
            "refresh_token": body["refresh_token"],
            "user_id": str(answer.person_key),
            "company_id": str(answer.company_key),
            "client_url": wire.client_url(company),
            "client_type": "",
        }
    )


def routes() -> list[BaseRoute]:
    q = QUICKBOOKS_TIME
    return [
        *consent_routes(f"{BASE}/authorize", OAuthApi.QUICKBOOKS_TIME, required=("redirect_uri", "state")),
        route(q, "POST", f"{BASE}/grant", grant, anonymous, body=Body.PARAMS),
        route(q, "GET", f"{BASE}/current_user", get_current_user, bearer),
        route(q, "GET", f"{BASE}/users", list_users, bearer),
        route(q, "POST", f"{BASE}/users", create_users, bearer),
        route(q, "PUT", f"{BASE}/users", update_users, bearer),
        route(q, "GET", f"{BASE}/jobcodes", list_jobcodes, bearer),
        route(q, "POST", f"{BASE}/jobcodes", create_jobcodes, bearer),
        route(q, "PUT", f"{BASE}/jobcodes", update_jobcodes, bearer),
        route(q, "GET", f"{BASE}/jobcode_assignments", list_jobcode_assignments, bearer),
        route(q, "POST", f"{BASE}/jobcode_assignments", create_jobcode_assignments, bearer),
        route(q, "DELETE", f"{BASE}/jobcode_assignments", delete_jobcode_assignments, bearer),
        route(q, "GET", f"{BASE}/timesheets", list_timesheets, bearer),
        route(q, "POST", f"{BASE}/timesheets", create_timesheets, bearer),
        route(q, "PUT", f"{BASE}/timesheets", update_timesheets, bearer),
        route(q, "DELETE", f"{BASE}/timesheets", delete_timesheets, bearer),
        route(q, "GET", f"{BASE}/timesheets_deleted", list_deleted_timesheets, bearer),
        route(q, "GET", f"{BASE}/customfields", list_custom_fields, bearer),
        route(q, "GET", f"{BASE}/customfielditems", list_custom_field_items, bearer),
        route(q, "POST", f"{BASE}/customfielditems", create_custom_field_items, bearer),
        route(q, "GET", f"{BASE}/last_modified_timestamps", get_last_modified_timestamps, bearer),
    ]
