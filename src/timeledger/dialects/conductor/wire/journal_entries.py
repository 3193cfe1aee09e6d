"""Conductor's journal entries to and from the ledger's.

A create sends its lines in two arrays (``debitLines``, ``creditLines``); an update sends one
``lines`` array whose items say their side (``journalLineType``). The ledger sees one list either
way and names a line by its position in it (``lines[3].account``); ``wire_field`` maps such a name
back to where the caller wrote it (``creditLines[1].accountId``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from timeledger.dialects.conductor.errors import invalid_request
from timeledger.dialects.conductor.ids import parse_list_id, parse_txn_id, render_ref, render_txn_id
from timeledger.dialects.conductor.paging import read_cursor
from timeledger.dialects.conductor.wire.text_filters import parse_text_filter
from timeledger.dialects.conductor.wire.validation import render, validate_body, validate_query
from timeledger.dialects.conductor.wire.values import (
    parse_date,
    parse_limit,
    parse_updated_range,
    render_timestamp,
)
from timeledger.ledger.errors import LedgerError, UnknownReferenceError
from timeledger.ledger.journal import (
    JournalEntry,
    JournalEntryDraft,
    JournalLine,
    JournalLineChange,
    JournalLineDraft,
    Side,
)
from timeledger.ledger.queries import JournalEntryQuery
from timeledger.ledger.values import BillingStatus

OBJECT_TYPE = "qbd_journal_entry"
NEW_LINE_ID = "-1"  # QuickBooks' TxnLineID for a line an update adds

# A decimal string as JSON carries it; its sign, size and places are the ledger's to judge.
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")

# Line fields that name list entries, and the ledger field each becomes.
_LINE_REFERENCES = {"accountId": "account_key", "entityId": "entity_key", "classId": "class_key"}
# The ledger's names for a line's parts, as a Conductor caller wrote them.
_LINE_WIRE_NAMES = {
    "account": "accountId",
    "entity": "entityId",
    "class": "classId",
    "amount": "amount",
    "side": "journalLineType",
    "id": "id",
}
_LEDGER_LINE_FIELD = re.compile(r"^lines\[(\d+)\](?:\.(\w+))?$")


def parse_amount(text: str, path: str) -> Decimal:
    if not _DECIMAL.fullmatch(text):
        raise invalid_request(f'Invalid request body: "{path}" must be a decimal string such as "1000.00".')
    return Decimal(text)


def _parse_line(fields: dict[str, Any], path: str) -> dict[str, Any]:
    """A line's fields in ledger names; only those sent."""
    out: dict[str, Any] = {
        name: parse_list_id(fields[wire], f"{path}.{wire}")
        for wire, name in _LINE_REFERENCES.items()
        if wire in fields
    }
    if "salesTaxItemId" in fields:
        raise UnknownReferenceError(
            f'There is an invalid reference to QuickBooks object "{fields["salesTaxItemId"]}": '
            "timeledger keeps no sales tax items.",
            field=f"{path}.salesTaxItemId",
        )
    if "amount" in fields:
        out["amount"] = parse_amount(fields["amount"], f"{path}.amount")
    if "memo" in fields:
        out["memo"] = fields["memo"]
    if "billingStatus" in fields:
        out["billing_status"] = BillingStatus(fields["billingStatus"])
    if "journalLineType" in fields:
        out["side"] = Side(fields["journalLineType"])
    return out


def _require_lines(fields: dict[str, Any], *names: str) -> None:
    # [SPEC] gives each line array minItems 1; the SDK does not check it, so we do.
    for name in names:
        if name in fields and not fields[name]:
            raise invalid_request(f'Invalid request body: "{name}" must contain at least one line when sent.')


def _rate(value: float | int) -> Decimal:
    # JSON numbers arrive as floats; their shortest repr is the decimal the caller wrote.
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def parse_journal_entry(body: object) -> tuple[JournalEntryDraft, list[str]]:
    """The draft, and for each of its lines (by position) the path the caller wrote it at."""
    fields = validate_body("journal_entries.create", body)
    _require_lines(fields, "debitLines", "creditLines")
    lines: list[JournalLineDraft] = []
    paths: list[str] = []
    for wire, side in (("debitLines", Side.DEBIT), ("creditLines", Side.CREDIT)):
        for index, line in enumerate(fields.get(wire, ())):
            path = f"{wire}[{index}]"
            lines.append(JournalLineDraft(side=side, **_parse_line(line, path)))
            paths.append(path)
    draft = JournalEntryDraft(
        transaction_date=parse_date(fields["transactionDate"], "transactionDate"),
        lines=tuple(lines),
        ref_number=fields.get("refNumber") or None,
        is_adjustment=fields.get("isAdjustment", False),
        is_home_currency_adjustment=fields.get("isHomeCurrencyAdjustment", False),
        amounts_in_home_currency=fields.get("areAmountsEnteredInHomeCurrency", False),
        currency_key=parse_list_id(fields["currencyId"], "currencyId") if "currencyId" in fields else None,
        exchange_rate=_rate(fields["exchangeRate"]) if "exchangeRate" in fields else None,
        external_id=fields.get("externalId"),
    )
    return draft, paths


def parse_journal_entry_update(
    body: object,
) -> tuple[str, dict[str, Any], list[JournalLineChange] | None, list[str]]:
    """The revision the caller last saw, the entry fields to change, the new set of lines (None to
    keep them), and each line's path."""
    fields = validate_body("journal_entries.update", body)
    _require_lines(fields, "lines")
    changes: dict[str, Any] = {}
    if "transactionDate" in fields:
        changes["transaction_date"] = parse_date(fields["transactionDate"], "transactionDate")
    if "refNumber" in fields:
        changes["ref_number"] = fields["refNumber"] or None
    if "isAdjustment" in fields:
        changes["is_adjustment"] = fields["isAdjustment"]
    if "areAmountsEnteredInHomeCurrency" in fields:
        changes["amounts_in_home_currency"] = fields["areAmountsEnteredInHomeCurrency"]
    if "currencyId" in fields:
        changes["currency_key"] = parse_list_id(fields["currencyId"], "currencyId")
    if "exchangeRate" in fields:
        changes["exchange_rate"] = _rate(fields["exchangeRate"])
    if "lines" not in fields:
        return fields["revisionNumber"], changes, None, []
    lines: list[JournalLineChange] = []
    paths: list[str] = []
    for index, line in enumerate(fields["lines"]):
        path = f"lines[{index}]"
        key = None if line["id"] == NEW_LINE_ID else parse_txn_id(line["id"], f"{path}.id")
        lines.append(JournalLineChange(key, _parse_line({k: v for k, v in line.items() if k != "id"}, path)))
        paths.append(path)
    return fields["revisionNumber"], changes, lines, paths


@contextmanager
def lines_named(paths: Sequence[str]) -> Iterator[None]:
    """A refusal about a line names it as the caller wrote it (``debitLines[1].accountId``)."""
    try:
        yield
    except LedgerError as error:
        error.field = wire_field(error.field, paths)
        raise


def check_line_ids(
    body: dict[str, Any],
    current: JournalEntry,
    lines: Sequence[JournalLineChange] | None,
    paths: Sequence[str],
) -> None:
    """As with the entry's own ID, a line ID's created part must match, or it names no line."""
    rendered = {ln.key: render_txn_id(ln.key, ln.created_at).upper() for ln in current.lines}
    for index, change in enumerate(lines or ()):
        sent = body["lines"][index]["id"].upper()
        if change.key is not None and rendered.get(change.key, sent) != sent:
            raise UnknownReferenceError(
                "No line of this journal entry has that id.", field=f"{paths[index]}.id"
            )


def wire_field(field: str | None, paths: Sequence[str]) -> str | None:
    """A ledger field naming a line (``lines[3].account``) as the caller wrote it; others unchanged."""
    match = _LEDGER_LINE_FIELD.match(field or "")
    if match is None or int(match.group(1)) >= len(paths):
        return field
    part = match.group(2)
    return paths[int(match.group(1))] + (f".{_LINE_WIRE_NAMES.get(part, part)}" if part else "")


def parse_journal_entry_query(params: list[tuple[str, str]]) -> JournalEntryQuery:
    fields = validate_query("journal_entries.list", params)
    limit = parse_limit(fields)
    include_lines = fields.get("includeLineItems", True)
    # ids, then refNumbers, override every other filter (reference §3); the SDK's own tests send
    # them together with every refNumber filter at once.
    if "ids" in fields:
        keys = tuple(parse_txn_id(i, "ids") for i in fields["ids"])
        return JournalEntryQuery(keys=keys, include_lines=include_lines, limit=limit)
    if "refNumbers" in fields:
        return JournalEntryQuery(
            ref_numbers=tuple(fields["refNumbers"]), include_lines=include_lines, limit=limit
        )

    def keys_of(name: str) -> tuple[int, ...]:
        return tuple(parse_list_id(i, name) for i in fields.get(name, ()))

    def day(name: str) -> Any:
        return parse_date(fields[name], name) if name in fields else None

    return JournalEntryQuery(
        ref_number=parse_text_filter(fields, "refNumber"),
        account_keys=keys_of("accountIds"),
        entity_keys=keys_of("entityIds"),
        currency_keys=keys_of("currencyIds"),
        date_from=day("transactionDateFrom"),
        date_to=day("transactionDateTo"),
        **parse_updated_range(fields),
        include_lines=include_lines,
        limit=limit,
        after=read_cursor(params, fields["cursor"]).key if "cursor" in fields else None,
    )


def render_amount(amount: Decimal) -> str:
    """Amounts as QuickBooks gives them: a decimal string with two places (``"1000.00"``)."""
    return f"{amount:.2f}"


def _render_line(line: JournalLine, object_type: str) -> dict[str, Any]:
    return {
        "id": render_txn_id(line.key, line.created_at),
        "objectType": object_type,
        "account": render_ref(line.account),
        "amount": render_amount(line.amount),
        "memo": line.memo,
        "entity": render_ref(line.entity),
        "class": render_ref(line.class_),
        "salesTaxItem": None,
        "billingStatus": line.billing_status.value if line.billing_status else None,
    }


def render_journal_entry(entry: JournalEntry, *, include_lines: bool = True) -> dict[str, Any]:
    """``include_lines=False`` (``includeLineItems=false``) sends both line arrays empty."""
    return render(
        OBJECT_TYPE,
        {
            "id": render_txn_id(entry.key, entry.created_at),
            "objectType": OBJECT_TYPE,
            "createdAt": render_timestamp(entry.created_at),
            "updatedAt": render_timestamp(entry.updated_at),
            "revisionNumber": str(entry.revision),
            "transactionDate": entry.transaction_date.isoformat(),
            "refNumber": entry.ref_number,
            "isAdjustment": entry.is_adjustment,
            "isHomeCurrencyAdjustment": entry.is_home_currency_adjustment,
            "areAmountsEnteredInHomeCurrency": entry.amounts_in_home_currency,
            "currency": render_ref(entry.currency),
            "exchangeRate": float(entry.exchange_rate),
            "externalId": entry.external_id,
            "debitLines": [_render_line(ln, "qbd_journal_debit_line") for ln in entry.lines_on(Side.DEBIT)]
            if include_lines
            else [],
            "creditLines": [_render_line(ln, "qbd_journal_credit_line") for ln in entry.lines_on(Side.CREDIT)]
            if include_lines
            else [],
            "customFields": [],
        },
    )


def render_deleted(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": render_txn_id(entry.key, entry.created_at),
        "objectType": OBJECT_TYPE,
        "refNumber": entry.ref_number,
        "deleted": True,
    }


def render_voided(entry: JournalEntry) -> dict[str, Any]:
    return {
        "id": render_txn_id(entry.key, entry.created_at),
        "objectType": OBJECT_TYPE,
        "createdAt": render_timestamp(entry.created_at),
        "updatedAt": render_timestamp(entry.updated_at),
        "refNumber": entry.ref_number,
        "voided": True,
    }
