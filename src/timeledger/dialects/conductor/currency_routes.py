"""Conductor's currency endpoints: create, retrieve, update and list (a plain list)."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from timeledger.dialects.conductor import currency_wire as wire
from timeledger.dialects.conductor.endpoints import Call, endpoint
from timeledger.dialects.conductor.ids import parse_list_id, render_list_id, require_same_id
from timeledger.dialects.conductor.paging import plain_list
from timeledger.ledger.journal import Currency
from timeledger.ledger.services import currencies

CURRENCIES = "/v1/quickbooks-desktop/currencies"


def _currency(call: Call, company_key: int) -> Currency:
    currency = currencies.retrieve_currency(call.uow, company_key, parse_list_id(call.path["id"], "id"))
    require_same_id(call.path["id"], render_list_id(currency.key, currency.created_at))
    return currency


def create_currency(call: Call) -> dict[str, Any]:
    company = call.company()
    draft = wire.parse_currency(call.json())
    return wire.render_currency(currencies.create_currency(call.uow, company.key, draft))


def retrieve_currency(call: Call) -> dict[str, Any]:
    company = call.company()
    return wire.render_currency(_currency(call, company.key))


def update_currency(call: Call) -> dict[str, Any]:
    company = call.company()
    revision, changes, format_changes = wire.parse_currency_update(call.json())
    key = _currency(call, company.key).key
    currency = currencies.update_currency(
        call.uow, company.key, company.home_currency_code, key, revision, changes, format_changes
    )
    return wire.render_currency(currency)


def list_currencies(call: Call) -> dict[str, Any]:
    company = call.company()
    query = wire.parse_currency_query(call.query)
    found = currencies.list_currencies(call.uow, company.key, query)
    return plain_list(CURRENCIES, [wire.render_currency(c) for c in found])


CURRENCY_ROUTES: list[BaseRoute] = [
    Route(CURRENCIES, endpoint(create_currency), methods=["POST"]),
    Route(CURRENCIES, endpoint(list_currencies), methods=["GET"]),
    Route(f"{CURRENCIES}/{{id}}", endpoint(retrieve_currency), methods=["GET"]),
    Route(f"{CURRENCIES}/{{id}}", endpoint(update_currency), methods=["POST"]),
]
