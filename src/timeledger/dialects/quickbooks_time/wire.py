"""QuickBooks Time's shapes for users, jobcodes, jobcode assignments, timesheets and custom fields, to
and from ledger records. The only file that knows QuickBooks Time's field names.

Mapping (DESIGN "canonical model"): a user is a ledger person (an employee); a jobcode is a customer
or job (``parent_id`` its parent, 0 at the top); a timesheet is a ledger time entry: ``regular`` if it
has a start (``end`` its start plus its duration, ``""`` while on the clock: a running timer),
``manual`` if it has only a date and a duration. Service item and class travel as the timesheet's
custom fields, as QuickBooks Time does for QuickBooks Desktop: two managed-list fields whose items
are the company's service items and classes. Times are told in the person's time
zone; ``last_modified`` and ``created`` in UTC. Fields only QuickBooks Time knows are the record's
``extra["quickbooks_time"]`` and come back unchanged.

Input is lenient as the docs' own examples are: numeric strings for numbers, ``yes``/``no``/``true``/
``false``/``1``/``0`` for booleans, offsets with or without a colon.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from starlette.requests import Request
from starlette.responses import Response

from timeledger.dialects.quickbooks_time.errors import ItemRefusal, QuickBooksTimeError, expectation_failed
from timeledger.dialects.quickbooks_time.ids import parse_id, parse_ids
from timeledger.dialects.quickbooks_time.paging import parse_paging
from timeledger.dialects.scaffold.errors import InvalidValueError
from timeledger.dialects.scaffold.values import (
    check_duration,
    check_instant,
    parse_decimal,
    parse_flag,
    parse_iso_date,
)
from timeledger.ledger.assignments import JobAssignment
from timeledger.ledger.lists import ListDraft
from timeledger.ledger.queries import AssignmentQuery, ListQuery, TimeEntryQuery
from timeledger.ledger.records import ListEntry, TimeEntry
from timeledger.ledger.tenancy import Company
from timeledger.ledger.time_entries import TimeEntryDraft, ended_at
from timeledger.ledger.values import ActiveStatus, BillingStatus, ListKind

API = "quickbooks_time"
UNSET_DATE = "0000-00-00"  # how QuickBooks Time writes a date nobody set
MAX_ITEMS = 50  # per POST, PUT or DELETE (reference §1)
# Manual timesheets keep hours to two decimals: 36-second steps (reference §2).
MANUAL_STEP_SECONDS = 36
# A manual timesheet is shown starting at 08:00 on its date, local time (reference §9.3).
MANUAL_START = time(8, 0)


# --- envelopes -----------------------------------------------------------------------------------


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def respond(_request: Request, payload: Any) -> Response:
    return json_response(payload)


def items_of(body: Any) -> list[Any]:
    """The ``data`` array of a write (``{"data": [...]}``), at most 50 items."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise expectation_failed('The body must be a JSON object with a "data" array.')
    items = body["data"]
    if len(items) > MAX_ITEMS:
        raise QuickBooksTimeError(413, f"Max Items Exceeded: at most {MAX_ITEMS} items per request.")
    return items


def wants_supplemental(params: Mapping[str, str]) -> bool:
    return parse_query_flag(params, "supplemental_data", True)


@dataclass
class Supplemental:
    """The objects a page's results refer to, by type and id: ``users``, ``jobcodes``,
    ``customfields``."""

    users: dict[str, Any]
    jobcodes: dict[str, Any]
    customfields: dict[str, Any]

    def render(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in (
                ("users", self.users),
                ("jobcodes", self.jobcodes),
                ("customfields", self.customfields),
            )
            if v
        }


def page(
    resource: str, results: Mapping[str, Any], more: bool, supplemental: dict[str, Any] | None
) -> dict[str, Any]:
    """A GET's envelope: results keyed by id, ``more``, and supplemental data unless asked not to.
    An empty map is ``{}`` (reference §9.1)."""
    envelope: dict[str, Any] = {"results": {resource: dict(results)}, "more": more}
    if supplemental is not None:
        envelope["supplemental_data"] = supplemental
    return envelope


def written(
    resource: str, outcomes: list[dict[str, Any]], supplemental: dict[str, Any] | None
) -> dict[str, Any]:
    """A POST's or PUT's envelope: each item's outcome keyed by its 1-based position in the request."""
    envelope: dict[str, Any] = {"results": {resource: {str(i + 1): o for i, o in enumerate(outcomes)}}}
    if supplemental is not None:
        envelope["supplemental_data"] = supplemental
    return envelope


def outcome(status: int, message: str, fields: Mapping[str, Any], extra: str | None = None) -> dict[str, Any]:
    """One item's result: its status fields first, then the object (or, refused, what was sent)."""
    result: dict[str, Any] = {"_status_code": status, "_status_message": message}
    if extra is not None:
        result["_status_extra"] = extra
    return {**result, **fields}


def refused(refusal: ItemRefusal, sent: Any) -> dict[str, Any]:
    """A refused item: its status, and what was sent (or what the refusal shows instead)."""
    fields = refusal.shown if refusal.shown is not None else (sent if isinstance(sent, dict) else {})
    return outcome(refusal.status, refusal.message, fields, refusal.extra)


# --- values --------------------------------------------------------------------------------------


def parse_query_flag(params: Mapping[str, str], name: str, default: bool) -> bool:
    text = params.get(name)
    if text in (None, ""):
        return default
    try:
        return parse_flag(text, name, yes_no=True)
    except InvalidValueError:
        raise expectation_failed(f"{name} must be yes or no.") from None


def parse_yes_no_both(params: Mapping[str, str], name: str, default: str) -> bool | None:
    """``yes``/``no``/``both`` filters: True, False, or None for both."""
    text = (params.get(name) or default).strip().lower()
    if text == "both":
        return None
    try:
        return parse_flag(text, name, yes_no=True)
    except InvalidValueError:
        raise expectation_failed(f"{name} must be yes, no or both.") from None


def item_flag(value: Any, field: str) -> bool:
    try:
        return parse_flag(value, field, yes_no=True)
    except InvalidValueError:
        raise ItemRefusal(417, f"{field} must be true or false.") from None


def item_text(value: Any, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ItemRefusal(417, f"{field} must be a string.")
    return value


def item_number(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ItemRefusal(417, f"{field} must be a number.")
    try:
        return parse_decimal(str(value).strip(), field)
    except InvalidValueError:
        raise ItemRefusal(417, f"{field} must be a number.") from None


def parse_moment(value: Any, field: str) -> datetime:
    """An ISO 8601 date-time with its offset (``-06:00`` or ``-0600``), in UTC."""
    if not isinstance(value, str) or not value.strip().isascii():
        raise ItemRefusal(417, f"{field} must be an ISO 8601 date-time such as 2018-07-23T11:00:00-06:00.")
    text = re.sub(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$", r"\1+\2", value.strip())
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ItemRefusal(
            417, f"{field} must be an ISO 8601 date-time such as 2018-07-23T11:00:00-06:00."
        ) from None
    if moment.tzinfo is None:
        raise ItemRefusal(417, f"{field} needs its offset from UTC (such as -06:00).")
    try:
        return check_instant(moment, field)
    except InvalidValueError as error:
        raise ItemRefusal(417, error.message) from None


def parse_query_moment(params: Mapping[str, str], name: str) -> datetime | None:
    if params.get(name) in (None, ""):
        return None
    try:
        return parse_moment(params[name], name)
    except ItemRefusal as error:
        raise expectation_failed(error.extra) from None


def parse_query_date(params: Mapping[str, str], name: str) -> date | None:
    if params.get(name) in (None, ""):
        return None
    try:
        return parse_iso_date(params[name].strip(), name)
    except InvalidValueError:
        raise expectation_failed(f"{name} must be a date in the form YYYY-MM-DD.") from None


def parse_query_ids(params: Mapping[str, str], name: str) -> tuple[int, ...]:
    return parse_ids(params[name], name) if params.get(name) else ()


def parse_query_texts(params: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (params.get(name) or "").split(",") if p.strip())


def item_date(value: Any, field: str) -> date:
    if not isinstance(value, str):
        raise ItemRefusal(417, f"{field} must be a date in the form YYYY-MM-DD.")
    try:
        return parse_iso_date(value.strip(), field)
    except InvalidValueError:
        raise ItemRefusal(417, f"{field} must be a date in the form YYYY-MM-DD.") from None


def render_moment(moment: datetime | None) -> str:
    """``last_modified``, ``created``: UTC, ``+00:00``; unset is ``""``."""
    return "" if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


def render_local(moment: datetime, time_zone: str) -> str:
    return moment.astimezone(ZoneInfo(time_zone)).isoformat(timespec="seconds")


def client_url(company: Company) -> str:
    """The account's subdomain-like name, as QuickBooks Time gives each client account."""
    slug = re.sub(r"[^a-z0-9]+", "_", company.name.lower()).strip("_")
    return slug or company.public_id


# --- users ---------------------------------------------------------------------------------------

PERMISSIONS = (
    "admin",
    "mobile",
    "status_box",
    "reports",
    "manage_timesheets",
    "manage_authorization",
    "manage_users",
    "manage_my_timesheets",
    "manage_jobcodes",
    "pin_login",
    "approve_timesheets",
    "manage_schedules",
    "external_access",
    "manage_my_schedule",
    "manage_company_schedules",
    "view_company_schedules",
    "view_group_schedules",
    "manage_no_schedules",
    "view_my_schedules",
    "time_tracking",
)
# Every permission is off by default but ``mobile`` (reference §3); ``time_tracking`` is the ledger's
# ``can_track_time``.
PERMISSION_DEFAULTS = {name: name == "mobile" for name in PERMISSIONS}

# User fields only QuickBooks Time knows, each with its type and what a user who never set it shows.
_USER_EXTRAS: dict[str, tuple[str, Any]] = {
    "display_name": ("text", ""),
    "group_id": ("int", 0),
    "employee_number": ("int", 0),
    "salaried": ("flag", False),
    "exempt": ("flag", False),
    "payroll_id": ("text", ""),
    "mobile_number": ("text", ""),
    "hire_date": ("date", UNSET_DATE),
    "term_date": ("date", UNSET_DATE),
    "submitted_to": ("date", ""),
    "approved_to": ("date", ""),
}


def _user_extra(name: str, value: Any) -> Any:
    kind = _USER_EXTRAS[name][0]
    if kind == "int":
        return parse_id(value, name)
    if kind == "flag":
        return item_flag(value, name)
    if kind == "date":
        if value in ("", UNSET_DATE, None):
            return _USER_EXTRAS[name][1]
        return item_date(value, name).isoformat()
    return item_text(value, name)


def _permissions(value: Any, current: Mapping[str, bool]) -> dict[str, bool]:
    if not isinstance(value, dict):
        raise ItemRefusal(417, "permissions must be an object of true/false values.")
    unknown = [k for k in value if k not in PERMISSIONS]
    if unknown:
        raise ItemRefusal(417, f"Unknown permission: {unknown[0]}.")
    return {**current, **{k: item_flag(v, f"permissions.{k}") for k, v in value.items()}}


def _user_fields(
    fields: Mapping[str, Any], current: ListEntry | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(ledger fields, QuickBooks Time extras) a user item sets."""
    ledger: dict[str, Any] = {}
    for wire, name in (
        ("first_name", "first_name"),
        ("last_name", "last_name"),
        ("email", "email"),
        ("username", "username"),
    ):
        if wire in fields:
            ledger[name] = item_text(fields[wire], wire).strip() or None
    if "active" in fields:
        ledger["is_active"] = item_flag(fields["active"], "active")
    extra = {name: _user_extra(name, fields[name]) for name in _USER_EXTRAS if name in fields}
    if "permissions" in fields:
        permissions = _permissions(
            fields["permissions"], permissions_of(current) if current else PERMISSION_DEFAULTS
        )
        ledger["can_track_time"] = permissions.pop("time_tracking")
        extra["permissions"] = permissions
    if "customfields" in fields and fields["customfields"] not in ("", None):
        if not isinstance(fields["customfields"], dict):
            raise ItemRefusal(417, "customfields must be an object.")
        extra["customfields"] = fields["customfields"]
    return ledger, extra


def parse_user(fields: Any) -> ListDraft:
    """A new user: ``username``, ``first_name`` and ``last_name`` required; no time tracking unless
    the permissions say so (QuickBooks Time's default)."""
    if not isinstance(fields, dict):
        raise ItemRefusal(417, "Each item must be an object.")
    for required in ("username", "first_name", "last_name"):
        if not isinstance(fields.get(required), str) or not fields[required].strip():
            raise ItemRefusal(417, f"{required} is required.")
    ledger, extra = _user_fields(fields, None)
    ledger.setdefault("can_track_time", False)
    return ListDraft(kind=ListKind.EMPLOYEE, extra={API: extra}, **ledger)


def parse_user_update(fields: Mapping[str, Any], current: ListEntry) -> tuple[dict[str, Any], dict[str, Any]]:
    """(ledger changes, extras) of a PUT item; the fields absent stay as they are."""
    ledger, extra = _user_fields({k: v for k, v in fields.items() if k != "id"}, current)
    if "username" in fields and "username" not in ledger:
        raise ItemRefusal(417, "username may not be empty.")
    return ledger, extra


def user_key_of(fields: Any) -> tuple[int | None, str | None]:
    """How a PUT item names its user: ``id``, else ``username`` (reference §3)."""
    if not isinstance(fields, dict):
        raise ItemRefusal(417, "Each item must be an object.")
    if fields.get("id") not in (None, ""):
        return parse_id(fields["id"], "id"), None
    if isinstance(fields.get("username"), str) and fields["username"].strip():
        return None, fields["username"].strip()
    raise ItemRefusal(417, "Each user needs its id or its username.")


def permissions_of(person: ListEntry) -> dict[str, bool]:
    stored = person.extra.get(API, {}).get("permissions", {})
    return {**PERMISSION_DEFAULTS, **stored, "time_tracking": person.can_track_time}


def render_user(person: ListEntry, company: Company) -> dict[str, Any]:
    extra = person.extra.get(API, {})
    shown = {name: extra.get(name, default) for name, (_, default) in _USER_EXTRAS.items()}
    return {
        "id": person.key,
        "first_name": person.first_name or person.name,
        "last_name": person.last_name or "",
        "display_name": shown["display_name"],
        "group_id": shown["group_id"],
        "active": person.is_active,
        "employee_number": shown["employee_number"],
        "salaried": shown["salaried"],
        "exempt": shown["exempt"],
        "username": person.username or "",
        "email": person.email or "",
        "email_verified": False,
        "payroll_id": shown["payroll_id"],
        "hire_date": shown["hire_date"],
        "term_date": shown["term_date"],
        "last_modified": render_moment(person.updated_at),
        "last_active": "",
        "created": render_moment(person.created_at),
        "client_url": client_url(company),
        "company_name": company.name,
        "profile_image_url": "",
        "mobile_number": shown["mobile_number"],
        "pto_balances": {},
        "submitted_to": shown["submitted_to"],
        "approved_to": shown["approved_to"],
        "manager_of_group_ids": [],
        "require_password_change": False,
        "pay_rate": 0,
        "pay_interval": "hour",
        "permissions": permissions_of(person),
        "customfields": extra.get("customfields") or "",
    }


def parse_user_query(params: Mapping[str, str]) -> ListQuery:
    offset, limit = parse_paging(params)
    active = parse_yes_no_both(params, "active", "yes")
    status = (
        ActiveStatus.ALL if active is None else (ActiveStatus.ACTIVE if active else ActiveStatus.INACTIVE)
    )
    extra_in: list[tuple[str, str, tuple[str | int, ...]]] = []
    if params.get("employee_numbers"):
        extra_in.append((API, "employee_number", parse_query_ids(params, "employee_numbers")))
    if params.get("group_ids"):
        extra_in.append((API, "group_id", parse_query_ids(params, "group_ids")))
    if params.get("payroll_ids"):
        extra_in.append((API, "payroll_id", parse_query_texts(params, "payroll_ids")))
    not_groups = (
        ((API, "group_id", parse_query_ids(params, "not_group_ids")),) if params.get("not_group_ids") else ()
    )
    starts = tuple((name, params[name]) for name in ("first_name", "last_name") if params.get(name))
    return ListQuery(
        kind=ListKind.EMPLOYEE,
        status=status,
        key_filter=parse_query_ids(params, "ids"),
        exclude_keys=parse_query_ids(params, "not_ids"),
        usernames=parse_query_texts(params, "usernames"),
        extra_in=tuple(extra_in),
        extra_not_in=not_groups,
        field_starts=starts,
        updated_after=parse_query_moment(params, "modified_since"),
        updated_before=parse_query_moment(params, "modified_before"),
        offset=offset,
        limit=limit,
    )


# --- jobcodes ------------------------------------------------------------------------------------

JOBCODE_TYPES = ("regular", "pto", "paid_break", "unpaid_break")
_NOT_REGULAR = ("pto", "paid_break", "unpaid_break")
ExtraFilter = tuple[tuple[str, str, tuple[str | int, ...]], ...]


def parse_jobcode_type(params: Mapping[str, str], name: str, default: str) -> tuple[ExtraFilter, ExtraFilter]:
    """A jobcode-type filter as (type in, type not in) on a jobcode's attributes: ``regular`` is every
    jobcode of no other type (one made through another API has none), ``all`` no filter at all."""
    kind = (params.get(name) or default).strip().lower()
    if kind not in (*JOBCODE_TYPES, "all"):
        raise expectation_failed(f"{name} must be one of {', '.join(JOBCODE_TYPES)} or all.")
    if kind == "all":
        return (), ()
    if kind == "regular":
        return (), ((API, "type", _NOT_REGULAR),)
    return ((API, "type", (kind,)),), ()


# QuickBooks Time's own jobcode fields, with what a jobcode that never set them shows.
_JOBCODE_EXTRAS: dict[str, Any] = {"short_code": "", "type": "regular", "billable": False, "billable_rate": 0}
_SHORT_CODE = re.compile(r"[A-Za-z0-9]*")


def _jobcode_fields(fields: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    ledger: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    if "name" in fields:
        ledger["name"] = item_text(fields["name"], "name")
        if len(ledger["name"]) > 64:
            raise ItemRefusal(417, "name must be at most 64 characters.")
    if "parent_id" in fields:
        parent = parse_id(fields["parent_id"], "parent_id")
        ledger["parent_key"] = parent or None
    if "active" in fields:
        ledger["is_active"] = item_flag(fields["active"], "active")
    if "short_code" in fields:
        code = item_text(fields["short_code"], "short_code")
        if not _SHORT_CODE.fullmatch(code):
            raise ItemRefusal(417, "short_code may hold only letters and digits.")
        extra["short_code"] = code
    if "type" in fields:
        kind = item_text(fields["type"], "type")
        if not creating:
            raise ItemRefusal(417, "type is set when a jobcode is created and cannot change.")
        if kind not in JOBCODE_TYPES:
            raise ItemRefusal(417, f"type must be one of {', '.join(JOBCODE_TYPES)}.")
        if kind in ("paid_break", "unpaid_break"):
            raise ItemRefusal(417, f"{kind} jobcodes cannot be created through the API.")
        if kind == "pto" and ledger.get("parent_key"):
            raise ItemRefusal(417, "pto jobcodes are top-level jobcodes only.")
        extra["type"] = kind
    if "billable" in fields:
        extra["billable"] = item_flag(fields["billable"], "billable")
    if "billable_rate" in fields:
        extra["billable_rate"] = str(item_number(fields["billable_rate"], "billable_rate"))
    return ledger, extra


def parse_jobcode(fields: Any) -> tuple[ListDraft, bool]:
    """A new jobcode (only ``name`` required) and whether it is assigned to everyone."""
    if not isinstance(fields, dict):
        raise ItemRefusal(417, "Each item must be an object.")
    if not isinstance(fields.get("name"), str) or not fields["name"].strip():
        raise ItemRefusal(417, "name is required.")
    ledger, extra = _jobcode_fields(fields, creating=True)
    to_all = item_flag(fields["assigned_to_all"], "assigned_to_all") if "assigned_to_all" in fields else False
    return ListDraft(kind=ListKind.CUSTOMER, extra={API: extra}, **ledger), to_all


def parse_jobcode_update(fields: Any) -> tuple[int, dict[str, Any], dict[str, Any], bool | None]:
    """(id, ledger changes, extras, assigned to everyone or None if not said) of a PUT item."""
    if not isinstance(fields, dict) or fields.get("id") in (None, ""):
        raise ItemRefusal(417, "Each jobcode needs its id.")
    key = parse_id(fields["id"], "id")
    ledger, extra = _jobcode_fields({k: v for k, v in fields.items() if k != "id"}, creating=False)
    to_all = item_flag(fields["assigned_to_all"], "assigned_to_all") if "assigned_to_all" in fields else None
    return key, ledger, extra, to_all


def render_jobcode(entry: ListEntry, *, has_children: bool, assigned_to_all: bool) -> dict[str, Any]:
    extra = {**_JOBCODE_EXTRAS, **entry.extra.get(API, {})}
    return {
        "id": entry.key,
        "parent_id": entry.parent.key if entry.parent else 0,
        "assigned_to_all": assigned_to_all,
        "billable": extra["billable"],
        "active": entry.is_active,
        "type": extra["type"],
        "has_children": has_children,
        "billable_rate": float(extra["billable_rate"]),
        "short_code": extra["short_code"],
        "name": entry.name,
        "last_modified": render_moment(entry.updated_at),
        "created": render_moment(entry.created_at),
        "filtered_customfielditems": "",
        "required_customfields": [],
        "locations": [],
        "project_id": 0,
        "geofence_config_id": 0,
        "connect_with_quickbooks": True,
    }


def parse_jobcode_query(params: Mapping[str, str]) -> ListQuery:
    offset, limit = parse_paging(params)
    active = parse_yes_no_both(params, "active", "yes")
    status = (
        ActiveStatus.ALL if active is None else (ActiveStatus.ACTIVE if active else ActiveStatus.INACTIVE)
    )
    parents = parse_query_ids(params, "parent_ids") or (-1,)
    type_in, type_not_in = parse_jobcode_type(params, "type", "regular")
    has_parent: bool | None = None
    parent_keys: tuple[int, ...] = ()
    if -1 not in parents:
        if 0 in parents and len(parents) == 1:
            has_parent = False
        elif 0 not in parents:
            parent_keys = parents
        else:
            raise expectation_failed("parent_ids may name 0 (the top level) or parents, not both.")
    return ListQuery(
        kind=ListKind.CUSTOMER,
        status=status,
        key_filter=parse_query_ids(params, "ids"),
        has_parent=has_parent,
        parent_keys=parent_keys,
        field_starts=(("name", params["name"]),) if params.get("name") else (),
        extra_in=type_in,
        extra_not_in=type_not_in,
        updated_after=parse_query_moment(params, "modified_since"),
        updated_before=parse_query_moment(params, "modified_before"),
        offset=offset,
        limit=limit,
    )


# --- jobcode assignments ---------------------------------------------------------------------------


def parse_assignment(fields: Any) -> tuple[int | None, int]:
    """(person key or None for everyone, customer key) of a new assignment."""
    if not isinstance(fields, dict):
        raise ItemRefusal(417, "Each item must be an object.")
    for required in ("user_id", "jobcode_id"):
        if fields.get(required) in (None, ""):
            raise ItemRefusal(417, f"{required} is required.")
    user = parse_id(fields["user_id"], "user_id")
    return (user or None), parse_id(fields["jobcode_id"], "jobcode_id")


def render_assignment(assignment: JobAssignment) -> dict[str, Any]:
    return {
        "id": assignment.key,
        "user_id": assignment.person.key if assignment.person else 0,
        "jobcode_id": assignment.customer.key,
        "active": assignment.is_active,
        "last_modified": render_moment(assignment.updated_at),
        "created": render_moment(assignment.created_at),
    }


def parse_assignment_query(params: Mapping[str, str]) -> AssignmentQuery:
    offset, limit = parse_paging(params)
    jobcode = parse_query_ids(params, "jobcode_id")
    parent = parse_query_ids(params, "jobcode_parent_id")
    type_in, type_not_in = parse_jobcode_type(params, "type", "regular")
    return AssignmentQuery(
        person_keys=parse_query_ids(params, "user_ids"),
        customer_key=jobcode[0] if jobcode else None,
        parent_key=parent[0] if parent else None,
        is_active=parse_yes_no_both(params, "active", "both"),
        customer_is_active=parse_yes_no_both(params, "active_jobcodes", "both"),
        updated_after=parse_query_moment(params, "modified_since"),
        updated_before=parse_query_moment(params, "modified_before"),
        customer_extra_in=type_in,
        customer_extra_not_in=type_not_in,
        offset=offset,
        limit=limit,
    )


# --- timesheets ----------------------------------------------------------------------------------

# The custom fields a timesheet carries for QuickBooks Desktop, by id: what each names.
SERVICE_ITEM_FIELD, CLASS_FIELD = 1, 2
CUSTOM_FIELDS = {
    SERVICE_ITEM_FIELD: ("Service Item", ListKind.SERVICE_ITEM),
    CLASS_FIELD: ("Class", ListKind.CLASS),
}


@dataclass(frozen=True)
class TimesheetItem:
    """A parsed timesheet item: the ledger draft or changes, and the names of the service item and
    class its custom fields give (resolved to keys by the handler, which can read the lists)."""

    draft: TimeEntryDraft | None
    changes: dict[str, Any]
    names: dict[int, str | None]


def _custom_names(value: Any) -> dict[int, str | None]:
    if value in ("", None):
        return {}
    if not isinstance(value, dict):
        raise ItemRefusal(417, "customfields must be an object of custom field id and value.")
    names: dict[int, str | None] = {}
    for key, item in value.items():
        field = parse_id(key, "customfields")
        if field not in CUSTOM_FIELDS:
            raise ItemRefusal(417, f"There is no custom field {key}.")
        names[field] = item_text(item, f"customfields.{key}").strip() or None
    return names


def _manual_duration(value: Any) -> int:
    seconds = parse_id(value, "duration")
    try:
        check_duration(seconds, "duration")
    except InvalidValueError as error:
        raise ItemRefusal(417, error.message) from None
    return round(seconds / MANUAL_STEP_SECONDS) * MANUAL_STEP_SECONDS


def _span(start: datetime, end_text: Any) -> int | None:
    """The seconds from ``start`` to an ``end`` (None for ``""``: still on the clock)."""
    if end_text == "":
        return None
    end = parse_moment(end_text, "end")
    if end < start:
        raise ItemRefusal(417, "end must not be before start.")
    try:
        return check_duration(int((end - start).total_seconds()), "end")
    except InvalidValueError as error:
        raise ItemRefusal(417, error.message) from None


def _own_extras(fields: Mapping[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if "attached_files" in fields:
        files = fields["attached_files"]
        if not isinstance(files, list):
            raise ItemRefusal(417, "attached_files must be a list of file ids.")
        extra["attached_files"] = [parse_id(f, "attached_files") for f in files]
    for hint in ("origin_hint", "origin_hint_start", "origin_hint_end"):
        if hint in fields:
            extra[hint] = item_text(fields[hint], hint)
    return extra


def parse_timesheet(fields: Any, caller_person_key: int) -> TimesheetItem:
    """A new timesheet: ``user_id``, ``jobcode_id`` and ``type``; a regular one ``start`` and ``end``
    (``""``: on the clock), a manual one ``date`` and ``duration``."""
    if not isinstance(fields, dict):
        raise ItemRefusal(417, "Each item must be an object.")
    for required in ("user_id", "jobcode_id", "type"):
        if fields.get(required) in (None, "") and fields.get(required) != 0:
            raise ItemRefusal(417, f"{required} is required.")
    kind = fields["type"]
    extra = {**_own_extras(fields), "created_by_user_id": caller_person_key}
    common: dict[str, Any] = {
        "person_key": parse_id(fields["user_id"], "user_id"),
        "customer_key": parse_id(fields["jobcode_id"], "jobcode_id") or None,
        "note": item_text(fields.get("notes"), "notes") or None,
        "extra": {API: extra},
    }
    if kind == "regular":
        for required in ("start", "end"):
            if required not in fields:
                raise ItemRefusal(417, f"{required} is required for a regular timesheet.")
        start = parse_moment(fields["start"], "start")
        duration = _span(start, fields["end"])
        draft = TimeEntryDraft(
            work_date=None, started_at=start, duration_seconds=duration, is_running=duration is None, **common
        )
    elif kind == "manual":
        for required in ("date", "duration"):
            if fields.get(required) in (None, ""):
                raise ItemRefusal(417, f"{required} is required for a manual timesheet.")
        draft = TimeEntryDraft(
            work_date=item_date(fields["date"], "date"),
            duration_seconds=_manual_duration(fields["duration"]),
            **common,
        )
    else:
        raise ItemRefusal(417, "type must be regular or manual.")
    return TimesheetItem(draft, {}, _custom_names(fields.get("customfields")))


def timesheet_key_of(fields: Any) -> int:
    if not isinstance(fields, dict) or fields.get("id") in (None, ""):
        raise ItemRefusal(417, "Each timesheet needs its id.")
    return parse_id(fields["id"], "id")


def parse_timesheet_update(fields: Mapping[str, Any], current: TimeEntry) -> TimesheetItem:
    """The ledger changes a PUT item asks for; absent fields stay. A regular timesheet's start and
    end move its duration (the end stays put when only the start moves); ``end: ""`` puts it back on
    the clock. A manual one changes by ``date`` and ``duration``."""
    changes: dict[str, Any] = {}
    if "jobcode_id" in fields:
        changes["customer_key"] = parse_id(fields["jobcode_id"], "jobcode_id") or None
    if "notes" in fields:
        changes["note"] = item_text(fields["notes"], "notes") or None
    regular = current.started_at is not None
    if regular:
        if "date" in fields or "duration" in fields:
            raise ItemRefusal(
                417, "A regular timesheet changes by its start and end, not its date or duration."
            )
        start = parse_moment(fields["start"], "start") if "start" in fields else current.started_at
        assert start is not None
        if "start" in fields:
            changes["started_at"] = start
        if "end" in fields:
            duration = _span(start, fields["end"])
            changes["is_running"] = duration is None
            changes["duration_seconds"] = duration
        elif "start" in fields and not current.is_running:
            end = ended_at(current.started_at, current.duration_seconds)
            assert end is not None
            if end < start:
                raise ItemRefusal(417, "start must not be after end.")
            changes["duration_seconds"] = int((end - start).total_seconds())
    else:
        if "start" in fields or "end" in fields:
            raise ItemRefusal(
                417, "A manual timesheet changes by its date and duration, not its start or end."
            )
        if "date" in fields:
            changes["work_date"] = item_date(fields["date"], "date")
        if "duration" in fields:
            changes["duration_seconds"] = _manual_duration(fields["duration"])
    own = _own_extras(fields)
    if own:
        changes["extra"] = {API: own}
    return TimesheetItem(None, changes, _custom_names(fields.get("customfields")))


def timesheet_billing(service_item_key: int | None) -> BillingStatus | None:
    """QuickBooks Time bills by jobcode and service item: time with a service item follows the
    ledger's default (billable when for a customer), time without one is not billable."""
    return None if service_item_key is not None else BillingStatus.NOT_BILLABLE


def _offset_hours(moment: datetime, time_zone: str) -> int:
    offset = moment.astimezone(ZoneInfo(time_zone)).utcoffset() or timedelta()
    return int(offset.total_seconds() / 3600)  # whole hours, toward zero (India: 5)


def render_timesheet(entry: TimeEntry, *, deleted: bool = False) -> dict[str, Any]:
    """A regular timesheet (it has a start) or a manual one (a date and a duration, shown from 08:00
    local, reference §9.3). A deleted one is shown as ``timesheets_deleted`` shows it."""
    zone = entry.time_zone
    extra = entry.extra.get(API, {})
    if entry.started_at is not None:
        kind, start = "regular", entry.started_at
        end = ended_at(entry.started_at, entry.duration_seconds)
    else:
        kind = "manual"
        start = datetime.combine(entry.work_date, MANUAL_START, tzinfo=ZoneInfo(zone))
        end = start + timedelta(seconds=entry.duration_seconds or 0)
    shown: dict[str, Any] = {
        "id": entry.key,
        "user_id": entry.person.key,
        "jobcode_id": entry.customer.key if entry.customer else 0,
        "start": render_local(start, zone),
        "end": render_local(end, zone) if end is not None else "",
        "duration": entry.duration_seconds or 0,  # 0 while on the clock, as QuickBooks Time shows it
        "date": entry.work_date.isoformat(),
        "tz": _offset_hours(start, zone),
        "tz_str": zone,
        "type": kind,
        "location": "",
        "on_the_clock": entry.is_running,
        "locked": 0,
        "notes": entry.note or "",
        "last_modified": render_moment(entry.deleted_at if deleted else entry.updated_at),
    }
    if deleted:
        shown["active"] = "0"
        return shown
    values = {SERVICE_ITEM_FIELD: entry.service_item, CLASS_FIELD: entry.class_}
    custom = {str(field): ref.full_name for field, ref in values.items() if ref is not None}
    shown["customfields"] = custom or ""
    shown["attached_files"] = extra.get("attached_files", [])
    shown["created_by_user_id"] = extra.get("created_by_user_id", entry.person.key)
    return shown


def render_written_timesheet(entry: TimeEntry) -> dict[str, Any]:
    """A timesheet as a POST or PUT answers it: with the legacy ``active`` flag too, "0" or "1" for on
    the clock, as every example of the docs shows it (reference §9.3)."""
    return {**render_timesheet(entry), "active": "1" if entry.is_running else "0"}


def parse_timesheet_query(params: Mapping[str, str], *, deleted: bool = False) -> TimeEntryQuery:
    """``GET /timesheets`` needs ``ids``, ``start_date``, ``modified_before`` or ``modified_since``;
    ``timesheets_deleted`` takes both dates in place of ``start_date`` (reference §2, §9.4)."""
    ids = parse_query_ids(params, "ids")
    start_date = parse_query_date(params, "start_date")
    end_date = parse_query_date(params, "end_date")
    since = parse_query_moment(params, "modified_since")
    before = parse_query_moment(params, "modified_before")
    dated = (start_date is not None and end_date is not None) if deleted else start_date is not None
    if not (ids or dated or since or before):
        needed = "both start_date and end_date" if deleted else "start_date"
        raise expectation_failed(f"One of ids, {needed}, modified_before or modified_since is required.")
    offset, limit = parse_paging(params)
    on_the_clock = parse_yes_no_both(params, "on_the_clock", "no")
    person_extra_in: list[tuple[str, str, tuple[str | int, ...]]] = []
    if params.get("payroll_ids"):
        person_extra_in.append((API, "payroll_id", parse_query_texts(params, "payroll_ids")))
    if params.get("group_ids"):
        person_extra_in.append((API, "group_id", parse_query_ids(params, "group_ids")))
    kind = (params.get("type") or "both").strip().lower() if deleted else "both"
    if kind not in ("regular", "manual", "both"):
        raise expectation_failed("type must be regular, manual or both.")
    type_in, type_not_in = parse_jobcode_type(params, "jobcode_type", "all")
    return TimeEntryQuery(
        keys=(),
        key_filter=ids,
        person_keys=parse_query_ids(params, "user_ids"),
        person_extra_in=tuple(person_extra_in),
        customer_trees=parse_query_ids(params, "jobcode_ids"),
        work_date_from=start_date,
        work_date_to=end_date,
        updated_after=since,
        updated_before=before,
        include_running=on_the_clock is not False and not deleted,
        is_running=None if on_the_clock is None or deleted else on_the_clock,
        deleted_only=deleted,
        timed=None if kind == "both" else kind == "regular",
        customer_extra_in=type_in,
        customer_extra_not_in=type_not_in,
        # QuickBooks Time's users are employees; a user id that names nobody matches nothing.
        person_kinds=(ListKind.EMPLOYEE,),
        exact=False,
        offset=offset,
        limit=limit,
    )


def render_custom_field(field: int, company: Company) -> dict[str, Any]:
    """One of the two custom fields every company has: managed lists shown on every timesheet
    (``show_to_all``), as QuickBooks Time's QuickBooks Desktop integration sets them up."""
    name, _ = CUSTOM_FIELDS[field]
    return {
        "id": field,
        "active": True,
        "required": False,
        "applies_to": "timesheet",
        "type": "managed-list",
        "short_code": "",
        "regex_filter": "",
        "name": name,
        "last_modified": render_moment(company.created_at),
        "created": render_moment(company.created_at),
        "ui_preference": "drop_down",
        "required_customfields": [],
        "show_to_all": True,
    }


# --- custom fields and their items -----------------------------------------------------------------

APPLIES_TO = ("timesheet", "user", "jobcode", "all")
VALUE_TYPES = ("managed-list", "free-form", "both")


def custom_fields_of(params: Mapping[str, str], created_at: datetime) -> list[int]:
    """The custom fields ``GET /customfields`` shows, by its filters: ``ids``, ``active`` (default
    yes), ``applies_to`` (default timesheet), ``value_type`` (default both), ``modified_since`` /
    ``modified_before``. Both fields are active managed lists on timesheets, unchanged since the
    company was made (``created_at``)."""
    ids = parse_query_ids(params, "ids")
    active = parse_yes_no_both(params, "active", "yes")
    applies_to = (params.get("applies_to") or "timesheet").strip().lower()
    if applies_to not in APPLIES_TO:
        raise expectation_failed(f"applies_to must be one of {', '.join(APPLIES_TO)}.")
    value_type = (params.get("value_type") or "both").strip().lower()
    if value_type not in VALUE_TYPES:
        raise expectation_failed(f"value_type must be one of {', '.join(VALUE_TYPES)}.")
    since = parse_query_moment(params, "modified_since")
    before = parse_query_moment(params, "modified_before")
    shown = (
        active is not False
        and applies_to in ("timesheet", "all")
        and value_type in ("managed-list", "both")
        and (since is None or created_at >= since)
        and (before is None or created_at < before)
    )
    return [f for f in CUSTOM_FIELDS if shown and (not ids or f in ids)]


def custom_field_kind(value: Any, field: str, *, in_query: bool) -> tuple[int, ListKind]:
    """The custom field an id names and the ledger list its items are; an id that names no field is
    refused (a 417 of the request for a query parameter, of the item in a body)."""
    if in_query:
        ids = parse_query_ids({field: str(value or "")}, field)
        if len(ids) != 1:
            raise expectation_failed(f"{field} is required: the id of one custom field.")
        key = ids[0]
    else:
        if value in (None, ""):
            raise ItemRefusal(417, f"{field} is required.")
        key = parse_id(value, field)
    if key not in CUSTOM_FIELDS:
        message = f"There is no custom field {key}."
        raise expectation_failed(message) if in_query else ItemRefusal(417, message)
    return key, CUSTOM_FIELDS[key][1]


def parse_custom_field_item_query(params: Mapping[str, str]) -> tuple[int, ListQuery]:
    """``GET /customfielditems``: ``customfield_id`` required; ``ids``, ``active`` (default yes),
    ``name`` (a prefix, ``*`` any text), ``modified_since`` / ``modified_before``, paging."""
    field, kind = custom_field_kind(params.get("customfield_id"), "customfield_id", in_query=True)
    offset, limit = parse_paging(params)
    active = parse_yes_no_both(params, "active", "yes")
    status = (
        ActiveStatus.ALL if active is None else (ActiveStatus.ACTIVE if active else ActiveStatus.INACTIVE)
    )
    # Deliberate departure: ``name`` tests an item's own name, the last part of a full name such as
    # "Consulting:Remote" (the ledger's prefix filter reads own names), where the service's would
    # read the whole name it shows. The two agree for every top-level item.
    query = ListQuery(
        kind=kind,
        status=status,
        key_filter=parse_query_ids(params, "ids"),
        field_starts=(("name", params["name"]),) if params.get("name") else (),
        updated_after=parse_query_moment(params, "modified_since"),
        updated_before=parse_query_moment(params, "modified_before"),
        offset=offset,
        limit=limit,
    )
    return field, query


@dataclass(frozen=True)
class CustomFieldItemDraft:
    """A new item of a managed-list field: the list entry to make and, for a full name such as
    ``Consulting:Remote``, the full name of the parent it goes below (resolved by the handler)."""

    field: int
    draft: ListDraft
    parent_full_name: str | None


def parse_custom_field_item(fields: Any) -> CustomFieldItemDraft:
    """A ``POST /customfielditems`` item: ``name`` and ``customfield_id`` required, ``short_code``
    (letters and digits) and ``active`` optional. A name is the item's full name, as listed."""
    if not isinstance(fields, dict):
        raise ItemRefusal(417, "Each item must be an object.")
    name = item_text(fields.get("name"), "name").strip()
    if not name:
        raise ItemRefusal(417, "name is required.")
    field, kind = custom_field_kind(fields.get("customfield_id"), "customfield_id", in_query=False)
    parent, _, leaf = name.rpartition(":")
    if not leaf.strip() or (parent and not parent.strip()):
        raise ItemRefusal(417, f'"{name}" is not a name: a colon separates a parent\'s name from its own.')
    extra: dict[str, Any] = {}
    if fields.get("short_code") not in (None, ""):
        code = item_text(fields["short_code"], "short_code")
        if not _SHORT_CODE.fullmatch(code):
            raise ItemRefusal(417, "short_code may hold only letters and digits.")
        extra["short_code"] = code
    is_active = item_flag(fields["active"], "active") if "active" in fields else True
    draft = ListDraft(kind=kind, name=leaf.strip(), is_active=is_active, extra={API: extra} if extra else {})
    return CustomFieldItemDraft(field, draft, parent.strip() or None)


def short_code_of(entry: ListEntry) -> str:
    return str(entry.extra.get(API, {}).get("short_code", ""))


def render_custom_field_item(entry: ListEntry, field: int) -> dict[str, Any]:
    """A service item or class as an item of its custom field: named by its full name, the value a
    timesheet's ``customfields`` carries."""
    return {
        "id": entry.key,
        "customfield_id": field,
        "active": entry.is_active,
        "short_code": short_code_of(entry),
        "name": entry.full_name,
        "last_modified": render_moment(entry.updated_at),
        "required_customfields": [],
    }


# --- last modified timestamps --------------------------------------------------------------------


def parse_endpoints(params: Mapping[str, str]) -> tuple[str, ...]:
    return parse_query_texts(params, "endpoints")


def render_timestamps(
    values: Mapping[str, datetime | None], endpoints: Iterable[str], fallback: datetime
) -> dict[str, str]:
    wanted = set(endpoints)
    return {
        name: render_moment(moment or fallback)
        for name, moment in values.items()
        if not wanted or name in wanted
    }
