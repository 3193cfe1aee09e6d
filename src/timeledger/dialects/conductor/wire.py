"""Conductor's shapes for time tracking activities, end users and auth sessions, and the value
formats every Conductor object shares (timestamps, dates, durations, query times).

Field names, types and the full key set of each object come from the generated ``schema`` module;
this file maps the fields the ledger owns.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from timeledger.dialects.conductor.errors import invalid_request
from timeledger.dialects.conductor.ids import parse_list_id, parse_txn_id, render_ref, render_txn_id
from timeledger.dialects.conductor.paging import cursor_remaining, decode_cursor
from timeledger.dialects.conductor.validation import render, validate_body, validate_query
from timeledger.ledger.queries import TimeEntryQuery
from timeledger.ledger.records import TimeEntry
from timeledger.ledger.tenancy import AuthSession, Company
from timeledger.ledger.time_entries import TimeEntryDraft
from timeledger.ledger.values import BillingStatus

MAX_PAGE = 150
_DURATION = re.compile(r"^PT(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


# --- shared value formats ------------------------------------------------------------------------


def render_timestamp(moment: datetime) -> str:
    """QuickBooks objects carry the company's local offset; our companies keep UTC (``+00:00``)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def render_platform_timestamp(moment: datetime) -> str:
    """Conductor's own objects (end users, auth sessions) use ``...T12:34:56.789Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_duration(text: str, field: str = "duration") -> int:
    """``PTnHnMnS`` to whole seconds; seconds are accepted (QuickBooks keeps them, shows none)."""
    match = _DURATION.match(text)
    if match is None:
        raise invalid_request(
            f'"{field}" must be an ISO 8601 duration in the form PTnHnMnS (for example "PT1H30M"), '
            f'not "{text}".'
        )
    hours, minutes, seconds = match.groups()
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(float(seconds or 0))


def render_duration(seconds: int) -> str:
    """Whole hours and minutes, seconds dropped, hours never folded into days: ``PT8H0M``, ``PT80H0M``."""
    minutes = seconds // 60
    return f"PT{minutes // 60}H{minutes % 60}M"


_DECIMAL = re.compile(r"^-?(\d+)(?:\.(\d+))?$")


def parse_decimal(text: str, field: str, *, integer_digits: int, places: int) -> Decimal:
    """A decimal string such as ``"45.00"``, within QuickBooks' digit limits for that kind of amount."""
    match = _DECIMAL.match(text)
    if (
        match is None
        or len(match.group(1).lstrip("0")) > integer_digits
        or len(match.group(2) or "") > places
    ):
        raise invalid_request(
            f'"{field}" must be a decimal string with at most {integer_digits} integer digits and '
            f'{places} decimal places, not "{text}".'
        )
    return Decimal(text)


def parse_date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise invalid_request(f'"{field}" must be a date in the form YYYY-MM-DD, not "{text}".') from None


def parse_query_time(text: str, field: str, *, end_of_day: bool) -> datetime:
    """``updatedAfter``/``updatedBefore``: a date (that whole local day, inclusive), a local
    date-time, or a date-time with an explicit offset. Company local time is UTC here."""
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            moment = datetime.combine(day, time.max if end_of_day else time.min)
        else:
            moment = datetime.fromisoformat(text)
    except ValueError:
        raise invalid_request(
            f'"{field}" must be a date (YYYY-MM-DD) or a date-time (YYYY-MM-DDTHH:mm:ss, optionally with an '
            f'offset), not "{text}".'
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def parse_updated_range(fields: dict[str, Any]) -> dict[str, datetime | None]:
    """``updatedAfter``/``updatedBefore`` as the ``updated_after``/``updated_before`` of a ledger query."""
    return {
        "updated_after": parse_query_time(fields["updatedAfter"], "updatedAfter", end_of_day=False)
        if "updatedAfter" in fields
        else None,
        "updated_before": parse_query_time(fields["updatedBefore"], "updatedBefore", end_of_day=True)
        if "updatedBefore" in fields
        else None,
    }


def parse_limit(params: dict[str, Any]) -> int:
    limit = params.get("limit", MAX_PAGE)
    if not 1 <= limit <= MAX_PAGE:
        raise invalid_request(f'"limit" must be between 1 and {MAX_PAGE}, not {limit}.')
    return int(limit)


# --- time tracking activities ---------------------------------------------------------------------

_ACTIVITY_REFS = {
    "customerId": "customer_key",
    "serviceItemId": "service_item_key",
    "classId": "class_key",
    "payrollWageItemId": "wage_item_key",
}


def parse_time_tracking_activity(body: object) -> TimeEntryDraft:
    fields = validate_body("time_tracking_activities.create", body)
    refs = {key: parse_list_id(fields[wire], wire) for wire, key in _ACTIVITY_REFS.items() if wire in fields}
    return TimeEntryDraft(
        person_key=parse_list_id(fields["entityId"], "entityId"),
        work_date=parse_date(fields["transactionDate"], "transactionDate"),
        duration_seconds=parse_duration(fields["duration"]),
        note=fields.get("note"),
        billing_status=BillingStatus(fields["billingStatus"]) if "billingStatus" in fields else None,
        external_id=fields.get("externalId"),
        **refs,
    )


def parse_time_tracking_activity_update(body: object) -> tuple[str, dict[str, Any]]:
    """The revision the caller last saw, and the ledger fields to change."""
    fields = validate_body("time_tracking_activities.update", body)
    changes: dict[str, Any] = {
        "person_key": parse_list_id(fields["entityId"], "entityId"),
        "duration_seconds": parse_duration(fields["duration"]),
    }
    for wire, key in _ACTIVITY_REFS.items():
        if wire in fields:
            changes[key] = parse_list_id(fields[wire], wire)
    if "transactionDate" in fields:
        changes["work_date"] = parse_date(fields["transactionDate"], "transactionDate")
    if "note" in fields:
        changes["note"] = fields["note"]
    if "billingStatus" in fields:
        changes["billing_status"] = BillingStatus(fields["billingStatus"])
    return fields["revisionNumber"], changes


def parse_time_tracking_activity_query(params: list[tuple[str, str]]) -> TimeEntryQuery:
    fields = validate_query("time_tracking_activities.list", params)
    limit = parse_limit(fields)
    if "ids" in fields:  # ids override every other filter (reference §3)
        return TimeEntryQuery(keys=tuple(parse_txn_id(i, "ids") for i in fields["ids"]), limit=limit)
    cursor = fields.get("cursor")
    return TimeEntryQuery(
        person_keys=tuple(parse_list_id(i, "entityIds") for i in fields.get("entityIds", ())),
        work_date_from=parse_date(fields["transactionDateFrom"], "transactionDateFrom")
        if "transactionDateFrom" in fields
        else None,
        work_date_to=parse_date(fields["transactionDateTo"], "transactionDateTo")
        if "transactionDateTo" in fields
        else None,
        **parse_updated_range(fields),
        limit=limit,
        after=decode_cursor(cursor)[1] if cursor else None,
        remaining_after=cursor_remaining(cursor) if cursor else None,
    )


def render_time_tracking_activity(entry: TimeEntry) -> dict[str, Any]:
    assert entry.duration_seconds is not None, "running timers are not visible to Conductor"
    return render(
        "qbd_time_tracking_activity",
        {
            "id": render_txn_id(entry.key, entry.created_at),
            "objectType": "qbd_time_tracking_activity",
            "createdAt": render_timestamp(entry.created_at),
            "updatedAt": render_timestamp(entry.updated_at),
            "revisionNumber": str(entry.revision),
            "transactionDate": entry.work_date.isoformat(),
            "entity": render_ref(entry.person),
            "customer": render_ref(entry.customer),
            "serviceItem": render_ref(entry.service_item),
            "class": render_ref(entry.class_),
            "payrollWageItem": render_ref(entry.wage_item),
            "duration": render_duration(entry.duration_seconds),
            "note": entry.note,
            "billingStatus": entry.billing_status.value,
            "externalId": entry.external_id,
            "isBilled": entry.billing_status is BillingStatus.HAS_BEEN_BILLED,
        },
    )


# --- end users and auth sessions ----------------------------------------------------------------


def render_end_user(company: Company) -> dict[str, Any]:
    connections = []
    if company.connection is not None:
        c = company.connection
        connections.append(
            {
                "id": c.public_id,
                "objectType": "integration_connection",
                "createdAt": render_platform_timestamp(c.created_at),
                "integrationSlug": "quickbooks_desktop",
                "lastRequestAt": render_platform_timestamp(c.last_request_at) if c.last_request_at else None,
                "lastSuccessfulRequestAt": render_platform_timestamp(c.last_successful_request_at)
                if c.last_successful_request_at
                else None,
            }
        )
    return render(
        "end_user",
        {
            "id": company.public_id,
            "objectType": "end_user",
            "createdAt": render_platform_timestamp(company.created_at),
            "companyName": company.name,
            "email": company.email,
            "sourceId": company.source_id,
            "integrationConnections": connections,
        },
    )


def render_auth_session(session: AuthSession, auth_flow_url: str) -> dict[str, Any]:
    return render(
        "auth_session",
        {
            "id": session.public_id,
            "objectType": "auth_session",
            "createdAt": render_platform_timestamp(session.created_at),
            "endUserId": session.company_public_id,
            "clientSecret": session.client_secret,
            "authFlowUrl": auth_flow_url,
            "expiresAt": render_platform_timestamp(session.expires_at),
            "redirectUrl": session.redirect_url,
        },
    )
