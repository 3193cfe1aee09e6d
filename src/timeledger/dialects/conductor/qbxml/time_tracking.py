"""qbXML's time tracking transactions: ``TimeTrackingAddRq``, ``TimeTrackingModRq`` and
``TimeTrackingQueryRq`` read as ledger fields and queries, and an entry rendered as a ``TimeTrackingRet``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from timeledger.dialects.conductor.ids import render_txn_id
from timeledger.dialects.conductor.qbxml.message import (
    QUERY_ATTRIBUTES,
    Element,
    QbxmlRequest,
    RefSpec,
    check_date_range,
    check_query_attributes,
    read_count,
    read_date,
    read_duration,
    read_flag,
    read_list_id,
    read_modified_range,
    read_ref,
    read_string,
    read_txn_id,
    render_ref,
)
from timeledger.dialects.conductor.qbxml.statuses import QbxmlStatusError, unsupported_field
from timeledger.dialects.conductor.wire.schema import REQUESTS
from timeledger.dialects.conductor.wire.values import render_timestamp
from timeledger.ledger.queries import TimeEntryQuery
from timeledger.ledger.records import TimeEntry
from timeledger.ledger.values import PERSON_KINDS, BillingStatus, ListKind

TIME_TRACKING_RET = "TimeTrackingRet"
TIME_TRACKING = "TimeTracking"  # the transaction's name in QuickBooks' messages

_BILLABLE_STATUSES = {
    "Billable": BillingStatus.BILLABLE,
    "NotBillable": BillingStatus.NOT_BILLABLE,
    "HasBeenBilled": BillingStatus.HAS_BEEN_BILLED,
}
_BILLABLE_NAMES = {status: name for name, status in _BILLABLE_STATUSES.items()}

# A time tracking transaction's references: element, the ledger field it sets, the lists it names.
_TIME_TRACKING_REFS: dict[str, tuple[str, tuple[ListKind, ...]]] = {
    "EntityRef": ("person_key", tuple(k for k in ListKind if k in PERSON_KINDS)),
    "CustomerRef": ("customer_key", (ListKind.CUSTOMER,)),
    "ItemServiceRef": ("service_item_key", (ListKind.SERVICE_ITEM,)),
    "ClassRef": ("class_key", (ListKind.CLASS,)),
    "PayrollItemWageRef": ("wage_item_key", (ListKind.WAGE_ITEM,)),
}
_TIME_TRACKING_FIELDS = {
    "TxnDate": False,
    **dict.fromkeys(_TIME_TRACKING_REFS, False),
    "Duration": False,
    "Notes": False,
    "BillableStatus": False,
}
# QuickBooks' limit on a time tracking note, as Conductor's spec gives it for ``note``.
_NOTES_LIMIT = REQUESTS["time_tracking_activities.create"]["note"]["max_length"]
# The ledger's field names, for a refusal's message (``refusal_status``).
_LEDGER_REFS = {
    "person_key": "person",
    "customer_key": "customer",
    "service_item_key": "service_item",
    "class_key": "class",
    "wage_item_key": "wage_item",
}


@dataclass(frozen=True, slots=True)
class TimeTrackingChange:
    """A ``TimeTrackingAdd`` or ``TimeTrackingMod``: ledger fields, and references still to be
    resolved (``refs``, by the ledger field each sets). A mod names its entry and revision."""

    fields: dict[str, Any]
    refs: dict[str, RefSpec]
    sent: dict[str, str]  # what each reference (person, customer, ...) and a mod's TxnID (txn_id) was sent as
    include: tuple[str, ...] = ()
    txn: tuple[str, int] | None = None  # a mod's TxnID, as sent and as a key
    edit_sequence: str | None = None


def _time_tracking_change(
    element: Element,
    include: list[str],
    txn: tuple[str, int] | None = None,
    edit_sequence: str | None = None,
) -> TimeTrackingChange:
    fields: dict[str, Any] = {}
    refs: dict[str, RefSpec] = {}
    sent: dict[str, str] = {} if txn is None else {"txn_id": txn[0]}
    for name, (ledger_field, kinds) in _TIME_TRACKING_REFS.items():
        found = read_ref(element, name, kinds)
        if found is not None:
            refs[ledger_field], sent[_LEDGER_REFS[ledger_field]] = found
    if (text := element.text("TxnDate")) is not None:
        fields["work_date"] = read_date(text, "TxnDate")
    if (text := element.text("Duration")) is not None:
        fields["duration_seconds"] = read_duration(text, "Duration")
    if (text := element.text("Notes")) is not None:
        fields["note"] = read_string(text, "Notes", _NOTES_LIMIT)
    status = element.enum("BillableStatus", _BILLABLE_STATUSES)
    if status is not None:
        fields["billing_status"] = _BILLABLE_STATUSES[status]
    elif (text := element.text("IsBillable")) is not None:  # BillableStatus's deprecated predecessor
        fields["billing_status"] = (
            BillingStatus.BILLABLE if read_flag(text, "IsBillable") else BillingStatus.NOT_BILLABLE
        )
    if (text := element.text("ExternalGUID")) is not None:
        fields["external_id"] = text
    return TimeTrackingChange(fields, refs, sent, tuple(include), txn, edit_sequence)


def parse_time_tracking_add(request: QbxmlRequest) -> TimeTrackingChange:
    rq = Element(
        request.body,
        request.name,
        {"TimeTrackingAdd": False, "IncludeRetElement": True},
        {"requestID"},
        required=("TimeTrackingAdd",),
    )
    add = rq.child(
        "TimeTrackingAdd",
        {**_TIME_TRACKING_FIELDS, "IsBillable": False, "ExternalGUID": False},
        required=("EntityRef", "Duration"),
    )
    assert add is not None
    return _time_tracking_change(add, rq.texts("IncludeRetElement"))


def parse_time_tracking_mod(request: QbxmlRequest) -> TimeTrackingChange:
    rq = Element(
        request.body,
        request.name,
        {"TimeTrackingMod": False, "IncludeRetElement": True},
        {"requestID"},
        required=("TimeTrackingMod",),
    )
    mod = rq.child(
        "TimeTrackingMod",
        {"TxnID": False, "EditSequence": False, **_TIME_TRACKING_FIELDS},
        required=("TxnID", "EditSequence", "EntityRef", "Duration"),
    )
    assert mod is not None
    txn_id = mod.text("TxnID") or ""
    txn = (txn_id, read_txn_id(txn_id, "TxnID"))
    return _time_tracking_change(mod, rq.texts("IncludeRetElement"), txn, mod.text("EditSequence"))


@dataclass(frozen=True, slots=True)
class TimeTrackingQuery:
    """A ``TimeTrackingQueryRq``: TxnIDs (which override the rest), or filters on the ledger query
    and entities still to be resolved; ``max_returned`` None returns every match."""

    query: TimeEntryQuery
    txn_ids: tuple[tuple[str, int], ...] = ()  # as sent, and as keys
    entities: tuple[tuple[RefSpec, str], ...] = ()
    max_returned: int | None = None
    include: tuple[str, ...] = ()


def parse_time_tracking_query(request: QbxmlRequest) -> TimeTrackingQuery:
    rq = Element(
        request.body,
        request.name,
        {
            "TxnID": True,
            "MaxReturned": False,
            "ModifiedDateRangeFilter": False,
            "TxnDateRangeFilter": False,
            "TimeTrackingEntityFilter": False,
            "IncludeRetElement": True,
        },
        QUERY_ATTRIBUTES,
    )
    filters = ("MaxReturned", "ModifiedDateRangeFilter", "TxnDateRangeFilter", "TimeTrackingEntityFilter")
    rq.exclusive(("TxnID",), filters)
    rq.exclusive(("ModifiedDateRangeFilter",), ("TxnDateRangeFilter",))
    check_query_attributes(rq)
    include = tuple(rq.texts("IncludeRetElement"))
    if rq.has("TxnID"):
        txn_ids = tuple((t, read_txn_id(t, "TxnID")) for t in rq.texts("TxnID"))
        return TimeTrackingQuery(TimeEntryQuery(), txn_ids=txn_ids, include=include)
    query: dict[str, Any] = {}
    modified = rq.child("ModifiedDateRangeFilter", {"FromModifiedDate": False, "ToModifiedDate": False})
    if modified is not None:
        query.update(read_modified_range(modified))
    dates = rq.child("TxnDateRangeFilter", {"FromTxnDate": False, "ToTxnDate": False, "DateMacro": False})
    if dates is not None:
        dates.exclusive(("FromTxnDate", "ToTxnDate"), ("DateMacro",))
        if dates.has("DateMacro"):
            raise QbxmlStatusError(unsupported_field("DateMacro"))
        low, high = dates.text("FromTxnDate"), dates.text("ToTxnDate")
        query["work_date_from"] = None if low is None else read_date(low, "FromTxnDate")
        query["work_date_to"] = None if high is None else read_date(high, "ToTxnDate")
        check_date_range(query["work_date_from"], query["work_date_to"])
    entities: list[tuple[RefSpec, str]] = []
    entity = rq.child("TimeTrackingEntityFilter", {"ListID": True, "FullName": True})
    if entity is not None:
        entity.exclusive(("ListID",), ("FullName",))
        kinds = _TIME_TRACKING_REFS["EntityRef"][1]
        entities = [(RefSpec(kinds, read_list_id(t, "ListID"), None), t) for t in entity.texts("ListID")]
        entities += [(RefSpec(kinds, None, t), t) for t in entity.texts("FullName")]
    return TimeTrackingQuery(
        TimeEntryQuery(**query),
        entities=tuple(entities),
        max_returned=read_count(rq, "MaxReturned"),
        include=include,
    )


def render_duration(seconds: int) -> str:
    """QuickBooks' TIMEINTERVALTYPE as it returns one: ``PT1H30M0S``. Whole minutes, as the REST
    API shows them (``wire.values.render_duration``), so the two never disagree."""
    minutes = seconds // 60
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def render_time_tracking(entry: TimeEntry) -> dict[str, Any]:
    """A ``TimeTrackingRet``, elements in qbXML's order; an empty optional one is left out."""
    assert entry.duration_seconds is not None, "running timers are not visible to Conductor"
    ret: dict[str, Any] = {
        "TxnID": render_txn_id(entry.key, entry.created_at),
        "TimeCreated": render_timestamp(entry.created_at),
        "TimeModified": render_timestamp(entry.updated_at),
        "EditSequence": str(entry.revision),
        "TxnDate": entry.work_date.isoformat(),
        "EntityRef": render_ref(entry.person),
        "CustomerRef": render_ref(entry.customer),
        "ItemServiceRef": render_ref(entry.service_item),
        "Duration": render_duration(entry.duration_seconds),
        "ClassRef": render_ref(entry.class_),
        "PayrollItemWageRef": render_ref(entry.wage_item),
        "Notes": entry.note,
        "BillableStatus": _BILLABLE_NAMES[entry.billing_status],
        "ExternalGUID": entry.external_id,
        "IsBillable": entry.billing_status is BillingStatus.BILLABLE,
        "IsBilled": entry.billing_status is BillingStatus.HAS_BEEN_BILLED,
    }
    return {k: v for k, v in ret.items() if v is not None}
