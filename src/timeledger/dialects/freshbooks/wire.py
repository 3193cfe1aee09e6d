"""FreshBooks' shapes for time entries (and timers), projects, services, clients, the identity and
team members, to and from ledger records. The only file that knows FreshBooks' field names.

Mapping (DESIGN "canonical model"): an identity is a ledger person; a client is a top-level
customer; a project is a job (a customer with a parent), its ``client_id`` the top-level customer
above it; a service is a service item; a time entry is a ledger time entry, whose customer is the
project if it has one, else the client. ``billable``/``billed`` are one ledger billing status.
Fields no other API knows live in the record's ``extra["freshbooks"]`` and come back unchanged.
Booleans are read with the scaffold's ``parse_flag``: true/false/1/0 in any case, since the SDK sends
``True`` and the docs' examples ``1`` (reference §1.4).
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from starlette.requests import Request
from starlette.responses import Response

from timeledger.dialects.freshbooks.errors import (
    ERRNO_REFERENCE,
    ERRNO_REQUIRED,
    RequestTerms,
    invalid,
    no_such,
    required,
)
from timeledger.dialects.freshbooks.ids import (
    IdentityIdKind,
    parse_identity_id,
    parse_int,
    parse_query_id,
    render_account_id,
    render_business_id,
    render_identity_id,
    render_identity_kind_id,
)
from timeledger.dialects.freshbooks.paging import offset, page_numbers, parse_paging
from timeledger.dialects.scaffold.bodies import parse_json
from timeledger.dialects.scaffold.errors import MalformedBodyError
from timeledger.dialects.scaffold.values import (
    check_duration,
    check_instant,
    parse_decimal,
    parse_flag,
    parse_iso_date,
)
from timeledger.ledger.lists import ListDraft
from timeledger.ledger.queries import ListQuery, LoggedTime, TimeEntryQuery, TimeEntryTotals
from timeledger.ledger.records import ListEntry, Ref, TimeEntry
from timeledger.ledger.tenancy import Company
from timeledger.ledger.time_entries import TimeEntryDraft, nominal_start
from timeledger.ledger.values import ActiveStatus, BillingStatus, EntryState, ListKind

API = "freshbooks"
NO_KEY = -1  # a key no row has
EASTERN = ZoneInfo("America/New_York")
ONE_MICROSECOND = timedelta(microseconds=1)


# --- values --------------------------------------------------------------------------------------


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def respond(_request: Request, payload: Any) -> Response:
    return json_response(payload)


def envelope(body: bytes, name: str) -> dict[str, Any]:
    """The object under ``name`` in a JSON body (``{"time_entry": {...}}``, reference §1.3)."""
    try:
        data = parse_json(body)
    except MalformedBodyError as error:
        raise invalid(name, error.message) from None
    if not isinstance(data, dict) or not isinstance(data.get(name), dict):
        raise invalid(name, "field required")
    return data[name]


_DATETIME_PROBLEM = "must be a date-time such as 2024-01-31T09:00:00Z"


def parse_datetime(value: Any, field: str) -> datetime:
    """ISO 8601 with ``Z``, an offset or fractional seconds (naive means UTC), a date (midnight UTC),
    or Unix seconds. A ``+`` the query string turned into a space is put back (reference §1.4)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return check_instant(datetime.fromtimestamp(value, UTC), field)
        except (OverflowError, ValueError, OSError):
            raise invalid(field, _DATETIME_PROBLEM, value) from None
    if not isinstance(value, str) or not value.strip() or not value.isascii():
        raise invalid(field, _DATETIME_PROBLEM, value)
    text = re.sub(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$", r"\1+\2", value.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise invalid(field, _DATETIME_PROBLEM, value) from None
    return check_instant(moment, field)


def parse_date(value: Any, field: str) -> date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise invalid(field, "must be a date such as 2024-01-31", value)
    return parse_iso_date(value.strip(), field)


def parse_text(value: Any, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(field, "must be a string", value)
    return value


def render_instant(moment: datetime) -> str:
    """Time entries and the identity: ``2016-08-16T20:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_project_time(moment: datetime) -> str:
    """Projects: UTC without a designator, ``2016-08-16T20:00:00`` (reference §1.8)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def render_accounting_time(moment: datetime, zone: Any = EASTERN) -> str:
    """Accounting objects: ``2016-08-16 16:00:00``, US/Eastern except where FreshBooks says UTC."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def list_name(text: str) -> str:
    """A FreshBooks name as a ledger list name: no colons (they join QuickBooks full names)."""
    return text.replace(":", "-").strip()[:200]


def _extra(entry: ListEntry | TimeEntry) -> Mapping[str, Any]:
    return entry.extra.get(API, {})


# --- time entries --------------------------------------------------------------------------------

# FreshBooks-only time entry fields a caller may set, kept as the entry's FreshBooks extras, each
# checked as the type FreshBooks gives it: ids are integers, pending names text. (``task_id`` is not
# one: timeledger keeps no tasks, so a task id names nothing; see ``_check_task``.)
_TIME_ENTRY_EXTRAS = {
    "retainer_id": "int",
    "pending_client": "text",
    "pending_project": "text",
    "pending_task": "text",
}


def _time_entry_extras(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        name: parse_int(fields[name], name) if kind == "int" else parse_text(fields[name], name)
        for name, kind in _TIME_ENTRY_EXTRAS.items()
        if name in fields
    }


def billing_status(billable: bool, billed: bool) -> BillingStatus:
    if billed:
        return BillingStatus.HAS_BEEN_BILLED
    return BillingStatus.BILLABLE if billable else BillingStatus.NOT_BILLABLE


def _duration(fields: Mapping[str, Any]) -> int | None:
    duration = parse_int(fields.get("duration"), "duration")
    return None if duration is None else check_duration(duration, "duration")


def _person_key(value: Any, *, nullable: bool = True) -> int | None:
    """The person an ``identity_id`` names; an id of no identity (a membership or business id sent by
    mistake) names no one, and the ledger refuses it as it refuses any unknown reference."""
    identity_id = parse_int(value, "identity_id", nullable=nullable)
    if identity_id is None:
        return None
    person_key = parse_identity_id(identity_id)
    return NO_KEY if person_key is None else person_key


def _check_task(fields: Mapping[str, Any]) -> None:
    """Timeledger keeps no tasks (FreshBooks pairs one with each service), so every task id is unknown:
    refused, not dropped, so the caller learns it was not kept (README, departures)."""
    if parse_int(fields.get("task_id"), "task_id") is not None:
        raise no_such("task_id", RequestTerms(sent=fields))


def _check_timer(fields: Mapping[str, Any], timer_key: int | None) -> None:
    """``timer`` names the entry's own timer or nothing. The docs' update sends back the id the entry
    shows (reference §2.2), which changes nothing; any other id (another entry's timer, or the entry's
    own id taken for its timer's) is refused, since nothing documents moving an entry to another
    timer and dropping it silently would hide the mix-up. ``is_running`` in it is ignored:
    ``is_logged`` starts and stops the timer."""
    timer = fields.get("timer")
    if timer is None:
        return
    if not isinstance(timer, dict):
        raise invalid("timer", 'must be an object such as {"id": 2936}', timer)
    timer_id = parse_int(timer.get("id"), "timer")
    if timer_id is not None and timer_id != timer_key:
        own = f"its timer is {timer_key}" if timer_key is not None else "it has no timer"
        raise invalid(
            "timer", f"Timer {timer_id} is not this time entry's timer: {own}.", timer_id, ERRNO_REFERENCE
        )


def time_entry_terms(fields: Mapping[str, Any]) -> RequestTerms:
    """How a time entry request named its references: its customer is the project when it sent one."""
    customer = "project_id" if fields.get("project_id") not in (None, "") else "client_id"
    return RequestTerms({"customer": customer}, fields)


def parse_time_entry(fields: Mapping[str, Any], caller_person_key: int) -> TimeEntryDraft:
    """A new entry; ``is_logged: false`` starts a timer. ``identity_id`` defaults to the caller."""
    if fields.get("started_at") in (None, ""):
        raise required("started_at")
    started_at = parse_datetime(fields["started_at"], "started_at")
    is_logged = parse_flag(fields.get("is_logged", True), "is_logged")
    project_key = parse_int(fields.get("project_id"), "project_id")
    duration = _duration(fields)
    if is_logged and duration is None:  # else it would be a running timer, which is_logged says it is not
        raise required("duration")
    _check_task(fields)
    _check_timer(fields, None)  # a new entry has no timer yet: ``is_logged: false`` gives it one
    extra = {k: v for k, v in _time_entry_extras(fields).items() if v is not None}
    person_key = _person_key(fields.get("identity_id"))
    return TimeEntryDraft(
        person_key=caller_person_key if person_key is None else person_key,
        work_date=None,  # the day it started on, in the person's time zone
        duration_seconds=duration,
        customer_key=project_key or parse_int(fields.get("client_id"), "client_id"),
        service_item_key=parse_int(fields.get("service_id"), "service_id"),
        note=parse_text(fields.get("note"), "note"),
        billing_status=billing_status(
            parse_flag(fields.get("billable", False), "billable"),
            parse_flag(fields.get("billed", False), "billed"),
        ),
        started_at=started_at,
        extra={API: extra},
        is_running=not is_logged,
    )


def parse_time_entry_update(fields: Mapping[str, Any], current: TimeEntry) -> dict[str, Any]:
    """The ledger changes a PUT asks for; only the keys present change.

    ``is_logged: true`` stops a running timer and ``is_logged: false`` starts the entry running
    again (the ledger times a stopped timer, and keeps its timer id); a duration given without
    ``is_logged`` logs the entry. ``timer`` may only name the entry's own timer (``_check_timer``).
    """
    _check_task(fields)
    _check_timer(fields, current.timer_key)
    changes: dict[str, Any] = {}
    if "is_logged" in fields:
        changes["is_running"] = not parse_flag(fields["is_logged"], "is_logged")
    if "duration" in fields:
        duration = _duration(fields)
        if duration is not None or "is_logged" not in fields:
            changes["duration_seconds"] = duration
        if duration is not None and "is_logged" not in fields:
            changes["is_running"] = False
    if "started_at" in fields:
        changes["started_at"] = parse_datetime(fields["started_at"], "started_at")
    if "identity_id" in fields:
        changes["person_key"] = _person_key(fields["identity_id"], nullable=False)
    client_key, project_key = client_and_project(current.customer)
    if fields.get("project_id") is not None:
        changes["customer_key"] = parse_int(fields["project_id"], "project_id")
    elif "project_id" in fields or "client_id" in fields:
        # No project: the entry is for the client (the one sent, else the one it has).
        new_client_key = parse_int(fields.get("client_id", client_key), "client_id")
        if "project_id" in fields or new_client_key != client_key or project_key is None:
            changes["customer_key"] = new_client_key
    if "service_id" in fields:
        changes["service_item_key"] = parse_int(fields["service_id"], "service_id")
    if "note" in fields:
        changes["note"] = parse_text(fields["note"], "note")
    if "billable" in fields or "billed" in fields:
        changes["billing_status"] = billing_status(
            parse_flag(
                fields.get("billable", current.billing_status is not BillingStatus.NOT_BILLABLE), "billable"
            ),
            parse_flag(
                fields.get("billed", current.billing_status is BillingStatus.HAS_BEEN_BILLED), "billed"
            ),
        )
    extras = _time_entry_extras(fields)
    if extras:
        changes["extra"] = {API: extras}
    return changes


def parse_time_entry_query(
    params: Mapping[str, str], caller_person_key: int
) -> tuple[TimeEntryQuery, int, int]:
    """Filters, then the page and page size. Without ``identity_id`` or ``team=true`` a caller sees
    their own entries, as FreshBooks documents ``team`` (reference §2.3)."""
    page, per_page = parse_paging(params, 30)

    def flag(name: str) -> bool | None:
        return parse_flag(params[name], name) if params.get(name) not in (None, "") else None

    def key(name: str) -> tuple[int, ...]:
        return (parse_query_id(params[name], name),) if params.get(name) not in (None, "") else ()

    def person_keys() -> tuple[int, ...]:
        return tuple(NO_KEY if k is None else k for k in map(parse_identity_id, key("identity_id")))

    def moment(name: str) -> datetime | None:
        return parse_datetime(params[name], name) if params.get(name) not in (None, "") else None

    statuses = set(BillingStatus)
    if (billable := flag("billable")) is not None:
        statuses &= (
            {BillingStatus.BILLABLE, BillingStatus.HAS_BEEN_BILLED}
            if billable
            else {BillingStatus.NOT_BILLABLE}
        )
    if (billed := flag("billed")) is not None:
        statuses &= (
            {BillingStatus.HAS_BEEN_BILLED}
            if billed
            else {BillingStatus.BILLABLE, BillingStatus.NOT_BILLABLE}
        )
    people = person_keys() or (() if flag("team") else (caller_person_key,))
    if not statuses:  # billed but not billable: nothing is both
        people = (NO_KEY,)
    query = TimeEntryQuery(
        person_keys=people,
        customer_trees=key("client_id"),
        customer_keys=key("project_id"),
        service_item_keys=key("service_id"),
        billing_statuses=tuple(sorted(statuses)) if statuses != set(BillingStatus) else (),
        started_from=moment("started_from"),
        started_to=moment("started_to"),
        updated_after=moment("updated_since"),
        include_running=bool(flag("include_unlogged")),
        include_deleted=bool(flag("include_deleted")),
        offset=offset(page, per_page),
        limit=per_page,
        newest_first=True,
    )
    return query, page, per_page


def client_and_project(customer: Ref | None) -> tuple[int | None, int | None]:
    """(client_id, project_id) for a ledger customer reference: a job is a project under its top customer."""
    if customer is None:
        return None, None
    if customer.root_key is None:
        return customer.key, None
    return customer.root_key, customer.key


def render_time_entry(entry: TimeEntry) -> dict[str, Any]:
    extra = _extra(entry)
    client_id, project_id = client_and_project(entry.customer)
    started_at = nominal_start(entry)
    timer = None
    if entry.timer_key is not None:  # it runs, or it ran: a stopped timer keeps its id (reference §2.5)
        timer = {"id": entry.timer_key, "is_running": entry.is_running}
    return {
        "id": entry.key,
        "identity_id": render_identity_id(entry.person.key),
        "is_logged": not entry.is_running,
        "started_at": render_instant(started_at),
        # The person's time zone, the one QuickBooks Time shows their times in too.
        "local_started_at": started_at.astimezone(ZoneInfo(entry.time_zone)).strftime("%Y-%m-%dT%H:%M:%S"),
        "local_timezone": entry.time_zone,
        "created_at": render_instant(entry.created_at),
        "client_id": client_id,
        "project_id": project_id,
        "service_id": entry.service_item.key if entry.service_item else None,
        "task_id": None,  # timeledger keeps no tasks
        "pending_client": extra.get("pending_client"),
        "pending_project": extra.get("pending_project"),
        "pending_task": extra.get("pending_task"),
        "note": entry.note,
        "duration": entry.duration_seconds,
        "active": entry.deleted_at is None,
        "billable": entry.billing_status is not BillingStatus.NOT_BILLABLE,
        "billed": entry.billing_status is BillingStatus.HAS_BEEN_BILLED,
        "internal": entry.customer is None,
        "retainer_id": extra.get("retainer_id"),
        "timer": timer,
    }


def render_time_entry_meta(page: int, per_page: int, totals: TimeEntryTotals) -> dict[str, Any]:
    return {
        **page_numbers(page, per_page, totals.count),
        "total_logged": totals.duration_seconds,
        "total_unbilled": totals.unbilled_seconds,
        "total_logged_per_team_member": _logged_per_team_member(totals.logged),
        "total_logged_per_client": _logged_per_client(totals.logged),
    }


# The breakdowns in ``meta`` (reference §2.4, the Java SDK's list fixture): every match's logged
# time per teammate (then per client and project, and per day and client) and per client (then per
# teammate). Clients and projects ascend by id, no client (or project) first; days descend, newest
# first, as the entries do; teammates ascend by identity id.


def _client_and_project_keys(cell: LoggedTime) -> tuple[int | None, int | None]:
    if cell.customer_key is None or cell.root_customer_key == cell.customer_key:
        return cell.customer_key, None
    return cell.root_customer_key, cell.customer_key


def _ascending(keys: Iterable[int | None]) -> list[int | None]:
    return sorted(keys, key=lambda key: (key is not None, key or 0))


def _logged_per_team_member(cells: Iterable[LoggedTime]) -> list[dict[str, Any]]:
    # person -> client -> project -> seconds, and person -> day -> client -> seconds
    by_project: dict[int, dict[int | None, dict[int | None, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    by_day: dict[int, dict[date, dict[int | None, int]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(int))
    )
    for cell in cells:
        client, project = _client_and_project_keys(cell)
        by_project[cell.person_key][client][project] += cell.duration_seconds
        by_day[cell.person_key][cell.work_date][client] += cell.duration_seconds
    return [
        {
            "identity_id": render_identity_id(person_key),
            "total_logged": sum(sum(projects.values()) for projects in clients.values()),
            "total_logged_per_client": [
                {
                    "client_id": client,
                    "total_logged": sum(clients[client].values()),
                    "total_logged_per_project": [
                        {"project_id": project, "total_logged": clients[client][project]}
                        for project in _ascending(clients[client])
                    ],
                }
                for client in _ascending(clients)
            ],
            "total_logged_per_day": [
                {
                    "date": day.isoformat(),
                    "total_logged": sum(per_client.values()),
                    "total_logged_per_client": [
                        {"client_id": client, "total_logged": per_client[client]}
                        for client in _ascending(per_client)
                    ],
                }
                for day, per_client in sorted(by_day[person_key].items(), reverse=True)
            ],
        }
        for person_key, clients in sorted(by_project.items())
    ]


def _logged_per_client(cells: Iterable[LoggedTime]) -> list[dict[str, Any]]:
    by_person: dict[int | None, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for cell in cells:
        by_person[_client_and_project_keys(cell)[0]][cell.person_key] += cell.duration_seconds
    return [
        {
            "client_id": client,
            "total_logged": sum(by_person[client].values()),
            "total_logged_per_team_member": [
                {"identity_id": render_identity_id(person_key), "total_logged": seconds}
                for person_key, seconds in sorted(by_person[client].items())
            ],
        }
        for client in _ascending(by_person)
    ]


# --- projects ------------------------------------------------------------------------------------

_PROJECT_EXTRAS = {
    "description": None,
    "due_date": None,
    "budget": None,
    "fixed_price": None,
    "rate": None,
    "billing_method": None,
    "project_type": "hourly_rate",
    "project_manager_id": None,
    "complete": False,
    "retainer_id": None,
    "expense_markup": "0",
}
_PROJECT_TYPES = ("fixed_price", "hourly_rate")
_BILLING_METHODS = ("business_rate", "project_rate", "service_rate", "team_member_rate")


def _decimal_text(value: Any, field: str) -> str | None:
    """A money or rate field as FreshBooks returns it, a decimal string; JSON numbers are accepted."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise invalid(field, "must be a decimal number", value)
    return str(parse_decimal(str(value).strip(), field))


def _project_extras(fields: Mapping[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    for name in _PROJECT_EXTRAS:
        if name not in fields:
            continue
        value = fields[name]
        if name == "due_date":
            value = parse_date(value, name)
            value = value.isoformat() if value else None
        elif name in ("fixed_price", "rate", "expense_markup"):
            value = _decimal_text(value, name)
        elif name in ("budget", "project_manager_id", "retainer_id"):
            value = parse_int(value, name)
        elif name == "complete":
            value = parse_flag(value, name)
        elif name == "project_type" and value not in _PROJECT_TYPES:
            raise invalid(name, f"must be one of {', '.join(_PROJECT_TYPES)}", value)
        elif name == "billing_method" and value is not None and value not in _BILLING_METHODS:
            raise invalid(name, f"must be one of {', '.join(_BILLING_METHODS)}", value)
        elif name == "description":
            value = parse_text(value, name)
        extra[name] = value
    return extra


def parse_project(fields: Mapping[str, Any]) -> ListDraft:
    """A new project: a job under its client. FreshBooks allows internal projects without a client;
    the ledger's jobs always have a customer, so ``client_id`` is required here (a departure)."""
    title = parse_text(fields.get("title"), "title")
    if not title or not title.strip():
        raise required("title")
    client_key = parse_int(fields.get("client_id"), "client_id")
    if client_key is None:
        raise invalid("client_id", "field required: a project belongs to a client")
    return ListDraft(
        kind=ListKind.CUSTOMER,
        name=list_name(title),
        parent_key=client_key,
        is_active=parse_flag(fields.get("active", True), "active"),
        extra={API: _project_extras(fields)},
    )


def parse_project_update(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(ledger changes, FreshBooks extras) for a PUT; only the keys present change."""
    changes: dict[str, Any] = {}
    if "title" in fields:
        title = parse_text(fields["title"], "title")
        if not title or not title.strip():
            raise required("title")
        changes["name"] = list_name(title)
    if "client_id" in fields:
        client_key = parse_int(fields["client_id"], "client_id")
        if client_key is None:
            raise invalid("client_id", "field required: a project belongs to a client")
        changes["parent_key"] = client_key
    if "active" in fields:
        changes["is_active"] = parse_flag(fields["active"], "active")
    return changes, _project_extras(fields)


def parse_project_query(params: Mapping[str, str]) -> tuple[ListQuery, int, int]:
    """Projects are the jobs (customers below another); ``active`` and ``updated_since`` filter them."""
    page, per_page = parse_paging(params, 30)
    status = ActiveStatus.ALL
    if params.get("active") not in (None, ""):
        status = ActiveStatus.ACTIVE if parse_flag(params["active"], "active") else ActiveStatus.INACTIVE
    updated = (
        parse_datetime(params["updated_since"], "updated_since") if params.get("updated_since") else None
    )
    query = ListQuery(
        kind=ListKind.CUSTOMER,
        has_parent=True,
        status=status,
        updated_after=updated,
        offset=offset(page, per_page),
        limit=per_page,
    )
    return query, page, per_page


def render_project(entry: ListEntry, *, single: bool) -> dict[str, Any]:
    extra = {**_PROJECT_EXTRAS, **_extra(entry)}
    client_id = entry.root_key
    project = {
        "id": entry.key,
        "title": entry.name,
        "description": extra["description"],
        "due_date": extra["due_date"],
        "client_id": client_id,
        "internal": client_id is None,
        "budget": extra["budget"],
        "fixed_price": extra["fixed_price"],
        "rate": extra["rate"],
        "billing_method": extra["billing_method"],
        "project_type": extra["project_type"],
        "project_manager_id": extra["project_manager_id"],
        "active": entry.is_active,
        "complete": extra["complete"],
        "sample": False,
        "created_at": render_project_time(entry.created_at),
        "updated_at": render_project_time(entry.updated_at),
        "logged_duration": None,
        "services": [],
        "billed_amount": "0.00",
        "billed_status": "unbilled",
        "retainer_id": extra["retainer_id"],
        "expense_markup": extra["expense_markup"],
        "group_id": None,
    }
    if single:
        project["group"] = {"id": None, "members": [], "pending_invitations": []}
    return project


# --- services ------------------------------------------------------------------------------------


def parse_service(fields: Mapping[str, Any]) -> ListDraft:
    name = parse_text(fields.get("name"), "name")
    if not name or not name.strip():
        raise required("name")
    return ListDraft(kind=ListKind.SERVICE_ITEM, name=list_name(name), extra={API: _service_extras(fields)})


def _service_extras(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {k: parse_flag(fields[k], k) for k in ("billable", "project_default") if k in fields}


def parse_service_update(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    changes: dict[str, Any] = {}
    if "name" in fields:
        name = parse_text(fields["name"], "name")
        if not name or not name.strip():
            raise required("name")
        changes["name"] = list_name(name)
    return changes, _service_extras(fields)


def parse_service_query(params: Mapping[str, str]) -> tuple[ListQuery, int, int]:
    page, per_page = parse_paging(params, 30)
    query = ListQuery(
        kind=ListKind.SERVICE_ITEM, status=ActiveStatus.ALL, offset=offset(page, per_page), limit=per_page
    )
    return query, page, per_page


def render_service(entry: ListEntry) -> dict[str, Any]:
    extra = _extra(entry)
    return {
        "business_id": render_business_id(entry.company_key),
        "id": entry.key,
        "name": entry.name,
        "billable": extra.get("billable", False),
        "project_default": extra.get("project_default", False),
        "vis_state": 1 if entry.deleted_at is not None else 0,
    }


# --- clients (accounting family) -----------------------------------------------------------------

# Client fields only FreshBooks knows, with what a client that never set them shows.
_CLIENT_EXTRAS: dict[str, Any] = {
    "currency_code": "USD",
    "language": "en",
    "username": None,
    "p_street": "",
    "p_street2": "",
    "p_city": "",
    "p_province": "",
    "p_country": "",
    "p_code": "",
    "s_street": "",
    "s_street2": "",
    "s_city": "",
    "s_province": "",
    "s_country": "",
    "s_code": "",
    "mob_phone": "",
    "home_phone": "",
    "fax": "",
    "vat_name": None,
    "vat_number": None,
    "allow_late_fees": True,
    "allow_late_notifications": True,
    "pref_email": True,
    "pref_gmail": False,
    "retainer_id": None,
    "company_industry": None,
    "company_size": None,
    "subdomain": None,
}
# Client fields the ledger owns, and their ledger names.
_CLIENT_FIELDS = {
    "organization": "company_name",
    "fname": "first_name",
    "lname": "last_name",
    "email": "email",
    "bus_phone": "phone",
    "note": "note",
}


def client_name(
    organization: str | None, fname: str | None, lname: str | None, email: str | None
) -> str | None:
    """A client's customer name: its organization, else its person's name, else its email."""
    person = " ".join(p.strip() for p in (fname, lname) if p and p.strip())
    for candidate in (organization, person, email):
        if candidate and candidate.strip():
            return list_name(candidate)
    return None


def _client_extra(name: str, value: Any) -> Any:
    """A FreshBooks-only client field, checked as the type its default has (text, flag, id)."""
    default = _CLIENT_EXTRAS[name]
    if isinstance(default, bool):
        return parse_flag(value, name)
    if name == "retainer_id":
        return parse_int(value, name)
    return parse_text(value, name)


def _client_fields(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    ledger = {name: parse_text(fields[wire], wire) for wire, name in _CLIENT_FIELDS.items() if wire in fields}
    extra = {k: _client_extra(k, fields[k]) for k in _CLIENT_EXTRAS if k in fields}
    return ledger, extra


def parse_client(fields: Mapping[str, Any]) -> ListDraft:
    ledger, extra = _client_fields(fields)
    name = client_name(
        ledger.get("company_name"), ledger.get("first_name"), ledger.get("last_name"), ledger.get("email")
    )
    if name is None:
        raise invalid(
            "organization", "A client needs an organization, a name or an email.", errno=ERRNO_REQUIRED
        )
    return ListDraft(kind=ListKind.CUSTOMER, name=name, extra={API: extra}, **ledger)


def parse_client_update(
    fields: Mapping[str, Any], current: ListEntry
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(ledger changes, extras). The name follows the organization, person or email only when one of
    those changed, so a customer named through another API keeps its name otherwise."""
    ledger, extra = _client_fields(fields)

    def derived(values: Mapping[str, Any]) -> str | None:
        return client_name(
            values.get("company_name"), values.get("first_name"), values.get("last_name"), values.get("email")
        )

    before = {n: getattr(current, n) for n in ("company_name", "first_name", "last_name", "email")}
    after = {**before, **{k: v for k, v in ledger.items() if k in before}}
    if derived(after) != derived(before):
        name = derived(after)
        if name is None:
            raise invalid(
                "organization", "A client needs an organization, a name or an email.", errno=ERRNO_REQUIRED
            )
        ledger["name"] = name
    return ledger, extra


# ``vis_state`` (reference §5): 0 active, 1 deleted, 2 archived.
_VIS_STATES = {0: EntryState.ACTIVE, 1: EntryState.DELETED, 2: EntryState.INACTIVE}
_VIS_STATE_OF = {state: number for number, state in _VIS_STATES.items()}


def parse_vis_state(value: Any) -> EntryState:
    state = _VIS_STATES.get(parse_int(value, "vis_state", nullable=False))  # type: ignore[arg-type]
    if state is None:
        raise invalid("vis_state", "must be 0 (active), 1 (deleted) or 2 (archived)", value)
    return state


# ``search[...]`` filters on clients (reference §5), as (ledger fields, like?) per name.
_CLIENT_LIKE = {
    "organization_like": ("company_name", "name"),
    "fname_like": ("first_name",),
    "lname_like": ("last_name",),
    "note_like": ("note",),
    "phone_like": ("phone",),
}
_LISTED_IN = {
    EntryState.ACTIVE: (ActiveStatus.ACTIVE, False),
    EntryState.DELETED: (ActiveStatus.ALL, True),
    EntryState.INACTIVE: (ActiveStatus.INACTIVE, False),
}


def parse_client_query(params: Mapping[str, str]) -> tuple[ListQuery, int, int]:
    """Clients are the top-level customers; ``search[...]`` filters them (reference §5)."""
    page, per_page = parse_paging(params, 15)
    status, deleted = ActiveStatus.ALL, False
    if params.get("search[vis_state]") not in (None, ""):
        status, deleted = _LISTED_IN[parse_vis_state(params["search[vis_state]"])]
    contains = tuple(
        (fields, params[f"search[{name}]"])
        for name, fields in _CLIENT_LIKE.items()
        if params.get(f"search[{name}]")
    )
    equals = (("email", params["search[email]"]),) if params.get("search[email]") else ()
    updated_min = parse_date(params.get("search[updated_min]"), "updated_min")
    updated_max = parse_date(params.get("search[updated_max]"), "updated_max")
    query = ListQuery(
        kind=ListKind.CUSTOMER,
        has_parent=False,
        status=status,
        deleted=deleted,
        field_contains=contains,
        field_equals=equals,
        updated_after=start_of_day(updated_min) if updated_min else None,
        # ``updated_max`` is exclusive (reference §5)
        updated_before=start_of_day(updated_max) - ONE_MICROSECOND if updated_max else None,
        offset=offset(page, per_page),
        limit=per_page,
    )
    return query, page, per_page


def render_client(entry: ListEntry) -> dict[str, Any]:
    extra = {**_CLIENT_EXTRAS, **_extra(entry)}
    if entry.deleted_at is not None:
        vis_state = _VIS_STATE_OF[EntryState.DELETED]
    else:
        vis_state = _VIS_STATE_OF[EntryState.ACTIVE if entry.is_active else EntryState.INACTIVE]
    return {
        "id": entry.key,
        "userid": entry.key,
        "accounting_systemid": render_account_id(entry.company_key),
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"timeledger:client:{entry.company_key}:{entry.key}")),
        "organization": entry.company_name or entry.name,
        "fname": entry.first_name or "",
        "lname": entry.last_name or "",
        "email": entry.email or "",
        "bus_phone": entry.phone or "",
        "note": entry.note,
        "vis_state": vis_state,
        "role": "client",
        "level": 0,
        "signup_date": render_accounting_time(entry.created_at, UTC),
        "updated": render_accounting_time(entry.updated_at),
        "has_retainer": extra["retainer_id"] is not None,
        "statement_token": None,
        "direct_link_token": None,
        "last_activity": None,
        "last_login": None,
        "num_logins": 0,
        "notified": False,
        **extra,
    }


# --- identity ------------------------------------------------------------------------------------


def render_identity(person: ListEntry, login_email: str | None, company: Company) -> dict[str, Any]:
    """``/auth/api/v1/users/me``, with every field of the SDK's fixture (reference §6). The SDK reads
    ``identity_id``, names, email and ``business_memberships[].business.{id, account_id}``.

    The identity, business, membership, role and system ids are five different numbers, as in
    FreshBooks (``ids.IdentityIdKind``). A role's ``userid`` is the person's user id in the accounting
    system, where clients are users too: our list keys, so it is never a client's ``userid``.
    Nothing timeledger keeps fills a profession, an address or a team group: those are null or empty.
    """
    account_id = render_account_id(company.key)
    identity_id = render_identity_id(person.key)
    role_id = render_identity_kind_id(person.key, IdentityIdKind.ROLE)
    created = render_instant(person.created_at)
    first_name, last_name = person.first_name or person.name, person.last_name or ""
    business = {
        "id": render_business_id(company.key),
        "business_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"timeledger:business:{company.key}")),
        "name": company.name,
        "account_id": account_id,
        "date_format": "mm/dd/yyyy",
        "address": None,
        "phone_number": None,
        "business_clients": [],
        "active": True,
    }
    return {
        "id": identity_id,
        "identity_id": identity_id,
        "identity_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"timeledger:identity:{person.key}")),
        "first_name": first_name,
        "last_name": last_name,
        "email": login_email or person.email,
        "language": "en",
        "confirmed_at": created,
        "created_at": created,
        "unconfirmed_email": None,
        "setup_complete": True,
        "profile": {
            "setup_complete": True,
            "first_name": first_name,
            "last_name": last_name,
            "phone_number": person.phone,
            "address": None,
            "professions": [],
            "has_password": login_email is not None,
        },
        "phone_numbers": [{"title": "", "phone_number": person.phone}],
        "addresses": [None],
        "profession": None,
        "links": {
            "me": f"/service/auth/api/v1/users?id={identity_id}",
            "roles": f"/service/auth/api/v1/users/role/{identity_id}",
        },
        "permissions": {account_id: {}},
        "groups": [],
        "subscription_statuses": {account_id: "active"},
        "integrations": {},
        "business_memberships": [
            {
                "id": render_identity_kind_id(person.key, IdentityIdKind.MEMBERSHIP),
                "role": "owner",
                "unacknowledged_change": False,
                "business": business,
            }
        ],
        "identity_origin": None,
        "roles": [
            {
                "id": role_id,
                "role": "admin",
                "systemid": render_identity_kind_id(company.key, IdentityIdKind.SYSTEM),
                "userid": person.key,
                "created_at": created,
                "links": {"destroy": f"/service/auth/api/v1/users/role/{role_id}"},
                "accountid": account_id,
            }
        ],
    }


# --- team members --------------------------------------------------------------------------------


def parse_team_member_query(params: Mapping[str, str]) -> tuple[ListQuery, int, int]:
    """A business's team members are its employees, the people its identities are made from;
    ``active`` filters them as FreshBooks' boolean filters do (true: active ones, false: the others)."""
    page, per_page = parse_paging(params, 30)
    status = ActiveStatus.ALL
    if params.get("active") not in (None, ""):
        status = ActiveStatus.ACTIVE if parse_flag(params["active"], "active") else ActiveStatus.INACTIVE
    query = ListQuery(kind=ListKind.EMPLOYEE, status=status, offset=offset(page, per_page), limit=per_page)
    return query, page, per_page


def render_team_member(person: ListEntry) -> dict[str, Any]:
    """One of ``GET /auth/api/v1/businesses/{id}/team_members`` (FreshBooks' Team Members page), with
    every documented field. ``identity_id`` is the one ``/users/me`` and time entries show; it is never
    null here, as every person can be named on a time entry. ``business_role_name`` is the ``owner``
    ``/users/me`` gives each person's membership. No address or invitation is kept: those are null."""
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"timeledger:team_member:{person.key}")),
        "first_name": person.first_name or person.name,
        "middle_name": person.middle_name,
        "last_name": person.last_name or "",
        "email": person.email,
        "job_title": None,
        "street_1": None,
        "street_2": None,
        "city": None,
        "province": None,
        "country": None,
        "postal_code": None,
        "phone_number": person.phone,
        "business_id": render_business_id(person.company_key),
        "business_role_name": "owner",
        "active": person.is_active,
        "identity_id": render_identity_id(person.key),
        "invitation_date_accepted": None,
        "created_at": render_instant(person.created_at),
        "updated_at": render_instant(person.updated_at),
    }


def start_of_day(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
