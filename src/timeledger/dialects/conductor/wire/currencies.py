"""Conductor's currencies to and from the ledger's. IDs are list IDs (``80000001-1234567890``)."""

from __future__ import annotations

from typing import Any

from timeledger.dialects.conductor.errors import invalid_request
from timeledger.dialects.conductor.ids import parse_list_id, render_list_id
from timeledger.dialects.conductor.wire.text_filters import parse_text_filter
from timeledger.dialects.conductor.wire.validation import render, validate_body, validate_query
from timeledger.dialects.conductor.wire.values import parse_updated_range, render_timestamp
from timeledger.ledger.journal import Currency, CurrencyDraft, CurrencyFormat
from timeledger.ledger.queries import CurrencyQuery
from timeledger.ledger.values import ActiveStatus

OBJECT_TYPE = "qbd_currency"

# currencyFormat's wire fields and their ledger names.
_FORMAT_FIELDS = {
    "thousandSeparator": "thousand_separator",
    "thousandSeparatorGrouping": "thousand_separator_grouping",
    "decimalPlaces": "decimal_places",
    "decimalSeparator": "decimal_separator",
}


def _format_changes(fields: dict[str, Any]) -> dict[str, Any]:
    sent = fields.get("currencyFormat", {})
    out = {_FORMAT_FIELDS[k]: v for k, v in sent.items()}
    if "decimal_places" in out:
        out["decimal_places"] = int(out["decimal_places"])  # a string enum on the wire: "0" or "2"
    return out


def parse_currency(body: object) -> CurrencyDraft:
    fields = validate_body("currencies.create", body)
    return CurrencyDraft(
        name=fields["name"],
        code=fields["currencyCode"],
        is_active=fields.get("isActive", True),
        format=CurrencyFormat(**_format_changes(fields)),
    )


def parse_currency_update(body: object) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """The revision, the ledger changes, and the format fields sent (the others are kept)."""
    fields = validate_body("currencies.update", body)
    changes: dict[str, Any] = {}
    for wire, name in (("name", "name"), ("currencyCode", "code"), ("isActive", "is_active")):
        if wire in fields:
            changes[name] = fields[wire]
    return fields["revisionNumber"], changes, _format_changes(fields)


def parse_currency_query(params: list[tuple[str, str]]) -> CurrencyQuery:
    fields = validate_query("currencies.list", params)
    limit = fields.get("limit")
    if limit is not None and limit < 1:
        raise invalid_request(f'"limit" must be at least 1, not {limit}.')
    if "ids" in fields:
        return CurrencyQuery(keys=tuple(parse_list_id(i, "ids") for i in fields["ids"]), limit=limit)
    if fields.get("names"):
        return CurrencyQuery(names=tuple(fields["names"]), limit=limit)
    return CurrencyQuery(
        name=parse_text_filter(fields, "name"),
        status=ActiveStatus(fields.get("status", "active")),
        **parse_updated_range(fields),
        limit=limit,
    )


def render_currency(currency: Currency) -> dict[str, Any]:
    f = currency.format
    return render(
        OBJECT_TYPE,
        {
            "id": render_list_id(currency.key, currency.created_at),
            "objectType": OBJECT_TYPE,
            "createdAt": render_timestamp(currency.created_at),
            "updatedAt": render_timestamp(currency.updated_at),
            "revisionNumber": str(currency.revision),
            "name": currency.name,
            "isActive": currency.is_active,
            "currencyCode": currency.code,
            "currencyFormat": {
                "thousandSeparator": f.thousand_separator,
                "thousandSeparatorGrouping": f.thousand_separator_grouping,
                "decimalPlaces": str(f.decimal_places),
                "decimalSeparator": f.decimal_separator,
            },
            "isUserDefinedCurrency": currency.is_user_defined,
            "exchangeRate": float(currency.exchange_rate) if currency.exchange_rate is not None else None,
            "asOfDate": currency.as_of_date.isoformat() if currency.as_of_date else None,
        },
    )
