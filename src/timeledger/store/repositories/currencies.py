"""A company's currencies, in their own table: they are not list entries (no hierarchy, no links)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, insert, select, update
from sqlalchemy.exc import IntegrityError

from timeledger.ledger.errors import DuplicateNameError, StaleRevisionError
from timeledger.ledger.journal import Currency, CurrencyDraft, CurrencyFormat
from timeledger.ledger.queries import CurrencyQuery
from timeledger.store.filters import name_conditions, status_conditions, updated_conditions
from timeledger.store.tables import currencies


def _record(row: RowMapping) -> Currency:
    return Currency(
        key=row["id"],
        company_key=row["company_id"],
        name=row["name"],
        code=row["currency_code"],
        is_user_defined=row["is_user_defined"],
        is_active=row["is_active"],
        format=CurrencyFormat(**row["format"]),
        revision=row["revision"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        exchange_rate=row["exchange_rate"],
        as_of_date=row["as_of_date"],
    )


class SqlCurrencyRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _one(self, *conditions: Any) -> Currency | None:
        row = self._conn.execute(select(currencies).where(*conditions)).mappings().first()
        return _record(row) if row else None

    def get(self, company_key: int, key: int) -> Currency | None:
        return self._one(currencies.c.company_id == company_key, currencies.c.id == key)

    def by_code(self, company_key: int, code: str) -> Currency | None:
        """The built-in currency with that code (user-defined codes need not be unique)."""
        c = currencies.c
        return self._one(c.company_id == company_key, c.currency_code == code, c.is_user_defined.is_(False))

    def by_names(self, company_key: int, names: Iterable[str]) -> list[Currency]:
        c = currencies.c
        rows = self._conn.execute(
            select(currencies).where(
                c.company_id == company_key, c.name_key.in_([n.casefold() for n in names])
            )
        ).mappings()
        return [_record(r) for r in rows]

    def add(
        self, company_key: int, draft: CurrencyDraft, *, is_user_defined: bool, now: datetime
    ) -> Currency:
        values = {
            "company_id": company_key,
            "name": draft.name,
            "name_key": draft.name.casefold(),
            "currency_code": draft.code,
            "is_user_defined": is_user_defined,
            "is_active": draft.is_active,
            "format": dataclasses.asdict(draft.format),
            "revision": 1,
            "created_at": now,
            "updated_at": now,
        }
        try:
            with self._conn.begin_nested():
                key = self._conn.execute(insert(currencies).values(values)).inserted_primary_key[0]
        except IntegrityError:
            raise DuplicateNameError(f'The name "{draft.name}" is already in use.', name=draft.name) from None
        return Currency(
            key=key,
            company_key=company_key,
            name=draft.name,
            code=draft.code,
            is_user_defined=is_user_defined,
            is_active=draft.is_active,
            format=draft.format,
            revision=1,
            created_at=now,
            updated_at=now,
        )

    def update(
        self, currency: Currency, expected_revision: int, changes: Mapping[str, Any], now: datetime
    ) -> Currency:
        values: dict[str, Any] = {"revision": currencies.c.revision + 1, "updated_at": now}
        if "name" in changes:
            values.update(name=changes["name"], name_key=changes["name"].casefold())
        if "code" in changes:
            values["currency_code"] = changes["code"]
        if "is_active" in changes:
            values["is_active"] = changes["is_active"]
        if "format" in changes:
            values["format"] = dataclasses.asdict(changes["format"])
        try:
            with self._conn.begin_nested():
                result = self._conn.execute(
                    update(currencies)
                    .where(
                        currencies.c.id == currency.key,
                        currencies.c.company_id == currency.company_key,
                        currencies.c.revision == expected_revision,
                    )
                    .values(values)
                )
        except IntegrityError:
            name = changes.get("name", currency.name)
            raise DuplicateNameError(f'The name "{name}" is already in use.', name=name) from None
        if result.rowcount != 1:
            raise StaleRevisionError(
                f'The provided revision number "{expected_revision}" is out-of-date.',
                given=str(expected_revision),
            )
        updated = self.get(currency.company_key, currency.key)
        assert updated is not None
        return updated

    def query(self, company_key: int, query: CurrencyQuery) -> list[Currency]:
        """Name ranges order by name (case-insensitively); otherwise the list is in creation order."""
        c = currencies.c
        conditions = [c.company_id == company_key]
        names = query.name
        conditions += name_conditions(names, c.name_key, c.name_key)
        conditions += status_conditions(query.status, c.is_active)
        conditions += updated_conditions(query.updated_after, query.updated_before, c.updated_at)
        order = [c.name_key, c.id] if names.is_range else [c.id]
        statement = select(currencies).where(*conditions).order_by(*order)
        if query.limit is not None:
            statement = statement.limit(query.limit)
        return [_record(r) for r in self._conn.execute(statement).mappings()]
