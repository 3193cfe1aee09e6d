"""Time entries, read with the names of everything they reference in one joined query."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, func, insert, select, update

from timeledger.ledger.errors import StaleRevisionError
from timeledger.ledger.queries import Page, TimeEntryQuery
from timeledger.ledger.records import Ref, TimeEntry
from timeledger.ledger.time_entries import TimeEntryDraft
from timeledger.ledger.values import BillingStatus, ListKind
from timeledger.store.tables import list_entries, time_entries, transactions

# The reference columns of a time entry and the attribute each becomes on the record.
_REFS = {
    "person_id": "person",
    "customer_id": "customer",
    "service_item_id": "service_item",
    "class_id": "class_",
    "wage_item_id": "wage_item",
}
_ALIASES = {column: list_entries.alias(f"ref_{attr}") for column, attr in _REFS.items()}


def _joined_select() -> Any:
    t = time_entries
    source = t
    columns: list[Any] = [t]
    for column, alias in _ALIASES.items():
        source = source.outerjoin(alias, alias.c.id == t.c[column])
        columns += [alias.c.full_name.label(f"{column}_name"), alias.c.created_at.label(f"{column}_created")]
    columns.append(_ALIASES["person_id"].c.kind.label("person_kind"))
    return select(*columns).select_from(source)


_SELECT = _joined_select()


def _record(row: RowMapping) -> TimeEntry:
    refs = {
        attr: Ref(row[column], row[f"{column}_name"], row[f"{column}_created"])
        if row[column] is not None
        else None
        for column, attr in _REFS.items()
    }
    return TimeEntry(
        key=row["id"],
        company_key=row["company_id"],
        person_kind=ListKind(row["person_kind"]),
        work_date=row["work_date"],
        duration_seconds=row["duration_seconds"],
        billing_status=BillingStatus(row["billing_status"]),
        revision=row["revision"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        note=row["note"],
        external_id=row["external_id"],
        started_at=row["started_at"],
        deleted_at=row["deleted_at"],
        **refs,  # type: ignore[arg-type]
    )


_FIELD_COLUMNS = {
    "person_key": "person_id",
    "customer_key": "customer_id",
    "service_item_key": "service_item_id",
    "class_key": "class_id",
    "wage_item_key": "wage_item_id",
    "work_date": "work_date",
    "duration_seconds": "duration_seconds",
    "note": "note",
    "billing_status": "billing_status",
    "started_at": "started_at",
    "external_id": "external_id",
}


def _values(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        _FIELD_COLUMNS[name]: (value.value if isinstance(value, BillingStatus) else value)
        for name, value in fields.items()
    }


class SqlTimeEntryRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, company_key: int, key: int, *, include_running: bool = False) -> TimeEntry | None:
        t = time_entries.c
        conditions = [t.company_id == company_key, t.id == key, t.deleted_at.is_(None)]
        if not include_running:
            conditions.append(t.duration_seconds.is_not(None))
        row = self._conn.execute(_SELECT.where(*conditions)).mappings().first()
        return _record(row) if row else None

    def add(
        self, company_key: int, draft: TimeEntryDraft, billing_status: BillingStatus, now: datetime
    ) -> TimeEntry:
        key = self._conn.execute(
            insert(transactions).values(company_id=company_key, kind="time_entry", created_at=now)
        ).inserted_primary_key[0]
        fields = {name: getattr(draft, name) for name in _FIELD_COLUMNS}
        fields["billing_status"] = billing_status
        self._conn.execute(
            insert(time_entries).values(
                id=key, company_id=company_key, revision=1, created_at=now, updated_at=now, **_values(fields)
            )
        )
        entry = self.get(company_key, key, include_running=True)
        assert entry is not None
        return entry

    def update(
        self, entry: TimeEntry, expected_revision: int, changes: Mapping[str, Any], now: datetime
    ) -> TimeEntry:
        t = time_entries.c
        result = self._conn.execute(
            update(time_entries)
            .where(
                t.id == entry.key,
                t.company_id == entry.company_key,
                t.revision == expected_revision,
                t.deleted_at.is_(None),
            )
            .values(revision=t.revision + 1, updated_at=now, **_values(changes))
        )
        if result.rowcount != 1:
            raise StaleRevisionError(
                f'The provided revision number "{expected_revision}" is out-of-date.',
                given=str(expected_revision),
            )
        updated = self.get(entry.company_key, entry.key, include_running=True)
        assert updated is not None
        return updated

    def delete(self, entry: TimeEntry, now: datetime) -> None:
        t = time_entries.c
        self._conn.execute(
            update(time_entries)
            .where(t.id == entry.key, t.company_id == entry.company_key)
            .values(deleted_at=now, updated_at=now, revision=t.revision + 1)
        )

    def query(self, company_key: int, query: TimeEntryQuery) -> Page[TimeEntry]:
        t = time_entries.c
        conditions = [t.company_id == company_key, t.deleted_at.is_(None)]
        if not query.include_running:
            conditions.append(t.duration_seconds.is_not(None))
        if query.person_keys:
            conditions.append(t.person_id.in_(query.person_keys))
        if query.work_date_from is not None:
            conditions.append(t.work_date >= query.work_date_from)
        if query.work_date_to is not None:
            conditions.append(t.work_date <= query.work_date_to)
        if query.updated_after is not None:
            conditions.append(t.updated_at >= query.updated_after)
        if query.updated_before is not None:
            conditions.append(t.updated_at <= query.updated_before)
        position = [t.id > query.after] if query.after is not None else []
        rows = (
            self._conn.execute(_SELECT.where(*conditions, *position).order_by(t.id).limit(query.limit))
            .mappings()
            .all()
        )
        items = [_record(r) for r in rows]
        remaining = 0
        if len(items) == query.limit:
            remaining = self._conn.execute(
                select(func.count()).select_from(time_entries).where(*conditions, t.id > items[-1].key)
            ).scalar_one()
        last = ("", items[-1].key) if remaining else None
        return Page(items=items, remaining=remaining, last=last)
