"""Conductor's time tracking activities to and from ledger time entries. Field names, types and the
full key set come from the generated ``schema``; this file maps the fields the ledger owns."""

from __future__ import annotations

from typing import Any

from timeledger.dialects.conductor.ids import parse_list_id, parse_txn_id, render_ref, render_txn_id
from timeledger.dialects.conductor.paging import read_cursor
from timeledger.dialects.conductor.wire.validation import render, validate_body, validate_query
from timeledger.dialects.conductor.wire.values import (
    parse_date,
    parse_duration,
    parse_limit,
    parse_updated_range,
    render_duration,
    render_timestamp,
)
from timeledger.ledger.queries import TimeEntryQuery
from timeledger.ledger.records import TimeEntry
from timeledger.ledger.time_entries import TimeEntryDraft
from timeledger.ledger.values import BillingStatus

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
    position = read_cursor(params, fields["cursor"]) if "cursor" in fields else None
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
        after=position.key if position else None,
        remaining_after=position.remaining if position else None,
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
