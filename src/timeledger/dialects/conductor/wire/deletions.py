"""Conductor's deleted list objects and deleted transactions: the ledger's deleted records by
Conductor's list and transaction types, within the window QuickBooks Desktop remembers deletes.

Conductor names every type QuickBooks has; timeledger keeps a few. A type it does not keep (an
invoice, a price level) has had nothing deleted, so asking for it is no error: it adds nothing.
A type the SDK does not name is refused by the schema, as any bad value is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from timeledger.dialects.conductor.ids import render_list_id, render_txn_id
from timeledger.dialects.conductor.wire.validation import render, validate_query
from timeledger.dialects.conductor.wire.values import parse_query_time, render_timestamp
from timeledger.ledger.clock import utc_now
from timeledger.ledger.records import DeletedRecord
from timeledger.ledger.values import ListKind, TransactionKind

# Conductor's list types (``listType``, ``objectTypes``) of the lists the ledger keeps. A job is a
# customer below another, as in QuickBooks: its type is ``customer``. Currencies are in Conductor's
# list too, but the ledger never deletes one (QuickBooks' built-ins can only be made inactive).
LIST_TYPES: dict[str, ListKind] = {
    "employee": ListKind.EMPLOYEE,
    "vendor": ListKind.VENDOR,
    "other_name": ListKind.OTHER_NAME,
    "customer": ListKind.CUSTOMER,
    "item_service": ListKind.SERVICE_ITEM,
    "class": ListKind.CLASS,
    "payroll_item_wage": ListKind.WAGE_ITEM,
    "account": ListKind.ACCOUNT,
}
TRANSACTION_TYPES: dict[str, TransactionKind] = {
    "time_tracking": TransactionKind.TIME_ENTRY,
    "journal_entry": TransactionKind.JOURNAL_ENTRY,
}
_LIST_TYPE_OF = {kind: name for name, kind in LIST_TYPES.items()}
_TRANSACTION_TYPE_OF = {kind: name for name, kind in TRANSACTION_TYPES.items()}

# QuickBooks Desktop reports a delete "within the last 90 days (QuickBooks limit)" (conductor-py's
# ``deletedAfter``): an older one is not reported, whatever ``deletedAfter`` asks. The row stays.
KEPT_FOR = timedelta(days=90)


def _window(fields: dict[str, Any]) -> dict[str, datetime | None]:
    """``deletedAfter``/``deletedBefore``, read as ``updatedAfter``/``updatedBefore`` are (a date is
    that whole day, inclusive), the start held to the last 90 days."""
    kept_since = utc_now() - KEPT_FOR
    after = (
        parse_query_time(fields["deletedAfter"], "deletedAfter", end=False)
        if "deletedAfter" in fields
        else None
    )
    before = (
        parse_query_time(fields["deletedBefore"], "deletedBefore", end=True)
        if "deletedBefore" in fields
        else None
    )
    return {"deleted_after": max(after, kept_since) if after else kept_since, "deleted_before": before}


def parse_deleted_list_object_query(
    params: list[tuple[str, str]],
) -> tuple[tuple[ListKind, ...], dict[str, datetime | None]]:
    """The lists asked for, in the order first named, and the window of the ledger read."""
    fields = validate_query("deleted_list_objects.list", params)
    kinds = tuple(dict.fromkeys(LIST_TYPES[t] for t in fields["objectTypes"] if t in LIST_TYPES))
    return kinds, _window(fields)


def parse_deleted_transaction_query(
    params: list[tuple[str, str]],
) -> tuple[tuple[TransactionKind, ...], dict[str, datetime | None]]:
    fields = validate_query("deleted_transactions.list", params)
    kinds = tuple(
        dict.fromkeys(TRANSACTION_TYPES[t] for t in fields["transactionTypes"] if t in TRANSACTION_TYPES)
    )
    return kinds, _window(fields)


def render_deleted_list_object(record: DeletedRecord) -> dict[str, Any]:
    assert isinstance(record.kind, ListKind)
    return render(
        "qbd_deleted_list_object",
        {
            "id": render_list_id(record.key, record.created_at),
            "createdAt": render_timestamp(record.created_at),
            "deletedAt": render_timestamp(record.deleted_at),
            # QuickBooks reports every deleted list object's full name; a list without a hierarchy
            # (employees, vendors) has its name as its full name.
            "fullName": record.full_name,
            "listType": _LIST_TYPE_OF[record.kind],
        },
    )


def render_deleted_transaction(record: DeletedRecord) -> dict[str, Any]:
    assert isinstance(record.kind, TransactionKind)
    return render(
        "qbd_deleted_transaction",
        {
            "id": render_txn_id(record.key, record.created_at),
            "createdAt": render_timestamp(record.created_at),
            "deletedAt": render_timestamp(record.deleted_at),
            "refNumber": record.ref_number,  # time tracking has none
            "transactionType": _TRANSACTION_TYPE_OF[record.kind],
        },
    )
