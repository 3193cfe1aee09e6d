"""Currencies: the ISO built-ins every company has, the ones its users define, and the home currency."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from timeledger.ledger import journal as rules
from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import NotFoundError, UnknownFilterValueError, UnknownReferenceError
from timeledger.ledger.journal import Currency, CurrencyDraft
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.queries import CurrencyQuery
from timeledger.ledger.services.lists import check_revision


def add_builtin_currencies(uow: UnitOfWork, company_key: int, now: datetime) -> None:
    """Give a new company QuickBooks' built-in currencies. Runs inside the caller's write."""
    for code, name, places in rules.BUILTIN_CURRENCIES:
        uow.currencies.add(
            company_key,
            CurrencyDraft(name=name, code=code, format=rules.CurrencyFormat(decimal_places=places)),
            is_user_defined=False,
            now=now,
        )


def home_currency(uow: UnitOfWork, company_key: int, home_code: str) -> Currency:
    """The company's home currency; every company has its built-ins, so it always exists."""
    currency = uow.currencies.by_code(company_key, home_code)
    if currency is None:
        raise LookupError(f"company {company_key} has no {home_code} currency")
    return currency


def resolve_currency(uow: UnitOfWork, company_key: int, key: int | None, field: str) -> Currency | None:
    if key is None:
        return None
    currency = uow.currencies.get(company_key, key)
    if currency is None:
        raise UnknownReferenceError("The currency it names does not exist.", field=field)
    return currency


def create_currency(uow: UnitOfWork, company_key: int, draft: CurrencyDraft) -> Currency:
    """Define a currency of the company's own. Its name must be free; its code need only be letters."""
    draft = dataclasses.replace(
        draft, name=rules.check_currency_name(draft.name), code=rules.check_currency_code(draft.code)
    )
    now = utc_now()
    with uow.write():
        currency = uow.currencies.add(company_key, draft, is_user_defined=True, now=now)
        uow.commit()
    return currency


def retrieve_currency(uow: UnitOfWork, company_key: int, key: int) -> Currency:
    with uow:
        currency = uow.currencies.get(company_key, key)
    if currency is None:
        raise NotFoundError("No currency has that id.")
    return currency


def update_currency(
    uow: UnitOfWork,
    company_key: int,
    home_code: str,
    key: int,
    expected_revision: str,
    changes: Mapping[str, Any],
    format_changes: Mapping[str, Any] | None = None,
) -> Currency:
    """Change a currency. ``format_changes`` holds only the format fields sent; the rest are kept."""
    unknown = set(changes) - rules.CURRENCY_UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    changes = dict(changes)
    if "name" in changes:
        changes["name"] = rules.check_currency_name(changes["name"])
    if "code" in changes:
        changes["code"] = rules.check_currency_code(changes["code"])
    now = utc_now()
    with uow.write():
        currency = uow.currencies.get(company_key, key)
        if currency is None:
            raise NotFoundError("No currency has that id.")
        check_revision(currency.revision, expected_revision)
        rules.check_currency_change(currency, changes, home_code)
        if format_changes:
            changes["format"] = dataclasses.replace(currency.format, **format_changes)
        updated = uow.currencies.update(currency, currency.revision, changes, now)
        uow.commit()
    return updated


def list_currencies(uow: UnitOfWork, company_key: int, query: CurrencyQuery) -> list[Currency]:
    """Read the currency list. Each id or name of an exact filter must match, or the read is refused."""
    with uow:
        if query.keys:
            found = {k: uow.currencies.get(company_key, k) for k in dict.fromkeys(query.keys)}
            if any(c is None for c in found.values()):
                raise UnknownFilterValueError("An id in the filter names no currency.", field="keys")
            items = [c for c in found.values() if c is not None]
        elif query.names:
            by_name = {c.name.casefold(): c for c in uow.currencies.by_names(company_key, query.names)}
            for wanted in query.names:
                if wanted.casefold() not in by_name:
                    raise UnknownFilterValueError(
                        f'There was a required element ("{wanted}") that could not be found.', field="names"
                    )
            items = list({by_name[n.casefold()].key: by_name[n.casefold()] for n in query.names}.values())
        else:
            return uow.currencies.query(company_key, query)
    return items[: query.limit] if query.limit else items
