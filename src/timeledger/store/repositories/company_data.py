"""A company's records as one JSON document, row for row: what the sandbox exports, imports, resets
and keeps as snapshots. Rows keep their ids and revisions, so an export imported back is the same
company to every API; credentials (keys, logins, OAuth tokens and codes) are never in it, and the
live count of logged entries is derived again rather than taken from a document.

The document: ``{"format": FORMAT, "tables": {name: [row, ...]}}``, a row being its columns but
``company_id`` (the importing company's own is written), values as JSON text: dates and instants in
ISO 8601, decimals as strings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Connection, Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from timeledger.store import tables as t
from timeledger.store.types import DecimalText, UtcDateTime

FORMAT = "timeledger-company/1"

# In the order they can be inserted (referenced rows first); deleted in the reverse order.
RECORD_TABLES: tuple[Table, ...] = (
    t.currencies,
    t.list_entries,
    t.list_links,
    t.transactions,
    t.timers,
    t.time_entries,
    t.journal_entries,
    t.journal_lines,
    t.job_assignments,
)


class DocumentError(ValueError):
    """The document is not one this store can import; the message says where."""


def _company_rows(table: Table, company_key: int) -> Any:
    if table is t.list_links:  # links carry no company: theirs is their entry's
        entries = select(t.list_entries.c.id).where(t.list_entries.c.company_id == company_key)
        return table.c.entry_id.in_(entries)
    return table.c.company_id == company_key


def _to_json(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _from_json(column: Column[Any], value: Any, where: str) -> Any:
    if value is None:
        return None
    kind = column.type
    try:
        if isinstance(kind, UtcDateTime):
            return datetime.fromisoformat(value)
        if isinstance(kind, DecimalText):
            return Decimal(value)
        python_type = kind.python_type
    except (NotImplementedError, TypeError, ValueError, ArithmeticError):
        if isinstance(kind, UtcDateTime | DecimalText):
            raise DocumentError(f"{where}: {value!r} is not a valid {column.name}") from None
        return value
    if python_type is date and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise DocumentError(f"{where}: {value!r} is not a date") from None
    if python_type is bool and not isinstance(value, bool):
        raise DocumentError(f"{where}: {column.name} must be true or false")
    if python_type is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise DocumentError(f"{where}: {column.name} must be a whole number")
    if python_type is str and not isinstance(value, str):
        raise DocumentError(f"{where}: {column.name} must be text")
    return value


class SqlCompanyData:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def credential_people(self, company_key: int) -> set[int]:
        """The people the company's logins, OAuth codes and tokens belong to."""
        people: set[int] = set()
        for table in (t.person_logins, t.oauth_codes, t.oauth_tokens):
            query = select(table.c.person_id).where(table.c.company_id == company_key).distinct()
            people |= {int(key) for key in self._conn.execute(query).scalars()}
        return people

    def export(self, company_key: int) -> dict[str, Any]:
        tables: dict[str, list[dict[str, Any]]] = {}
        for table in RECORD_TABLES:
            columns = [c for c in table.columns if c.name != "company_id"]
            order = list(table.primary_key.columns)
            rows = self._conn.execute(
                select(*columns).where(_company_rows(table, company_key)).order_by(*order)
            ).mappings()
            # str(): SQLAlchemy's names are a str subclass, which orjson will not take as a key
            names = [(str(c.name), c) for c in columns]
            tables[str(table.name)] = [{name: _to_json(c, row[c.name]) for name, c in names} for row in rows]
        return {"format": FORMAT, "tables": tables}

    def clear(self, company_key: int, keep_people: Iterable[int] = ()) -> None:
        """Delete the company's records but the list entries in ``keep_people`` (the people its
        credentials name), whose links and references to other entries go with those entries."""
        kept = set(keep_people)
        for table in reversed(RECORD_TABLES):
            where = _company_rows(table, company_key)
            if table is t.list_entries and kept:
                where = where & t.list_entries.c.id.not_in(kept)
                self._conn.execute(
                    update(t.list_entries)
                    .where(t.list_entries.c.id.in_(kept))
                    .values(parent_id=None, root_id=t.list_entries.c.id, currency_id=None)
                )
            self._conn.execute(delete(table).where(where))
        self._count_logged(company_key)

    def _count_logged(self, company_key: int) -> None:
        e = t.time_entries.c
        logged = self._conn.execute(
            select(func.count())
            .select_from(t.time_entries)
            .where(e.company_id == company_key, e.duration_seconds.is_not(None), e.deleted_at.is_(None))
        ).scalar_one()
        counts = t.time_entry_counts
        self._conn.execute(delete(counts).where(counts.c.company_id == company_key))
        self._conn.execute(insert(counts).values(company_id=company_key, logged=logged))

    def replace(self, company_key: int, document: Any, keep_people: Iterable[int] = ()) -> None:
        """The company's records become the document's. People in ``keep_people`` are updated in place
        when the document has them and kept as they are when it does not (credentials name them).
        DocumentError for a document that is not one, or whose rows clash with each other or with
        another company's records."""
        rows = _parsed(document)
        kept = set(keep_people)
        self.clear(company_key, kept)
        for table in RECORD_TABLES:
            batch = [{**row, "company_id": company_key} for row in rows[table.name]]
            if table is t.list_links:
                batch = [{k: v for k, v in row.items() if k != "company_id"} for row in batch]
            if table is t.list_entries and kept:
                for row in [r for r in batch if r["id"] in kept]:
                    self._conn.execute(update(table).where(table.c.id == row["id"]).values(**row))
                batch = [r for r in batch if r["id"] not in kept]
            if batch:
                try:
                    self._conn.execute(insert(table), batch)
                except IntegrityError:  # the transaction is lost with it: the caller rolls back
                    raise DocumentError(
                        f"its {table.name} rows clash with each other or with another company's records"
                    ) from None
        self._count_logged(company_key)

    # --- snapshots ---------------------------------------------------------------------------------

    def save_snapshot(self, company_key: int, name: str, document: dict[str, Any], now: datetime) -> bool:
        """Keep ``document`` as ``name``; False if the company has a snapshot of that name already."""
        s = t.sandbox_snapshots
        taken = self._conn.execute(select(s.c.name).where(s.c.company_id == company_key, s.c.name == name))
        if taken.first() is not None:
            return False
        self._conn.execute(
            insert(s).values(company_id=company_key, name=name, document=document, created_at=now)
        )
        return True

    def snapshots(self, company_key: int) -> list[tuple[str, datetime]]:
        s = t.sandbox_snapshots
        query = (
            select(s.c.name, s.c.created_at)
            .where(s.c.company_id == company_key)
            .order_by(s.c.created_at, s.c.name)
        )
        return [(row.name, row.created_at) for row in self._conn.execute(query)]

    def snapshot(self, company_key: int, name: str) -> Any | None:
        s = t.sandbox_snapshots
        query = select(s.c.document).where(s.c.company_id == company_key, s.c.name == name)
        return self._conn.execute(query).scalar()

    def delete_snapshot(self, company_key: int, name: str) -> bool:
        s = t.sandbox_snapshots
        gone = self._conn.execute(delete(s).where(s.c.company_id == company_key, s.c.name == name))
        return gone.rowcount > 0


def _parsed(document: Any) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(document, Mapping) or document.get("format") != FORMAT:
        raise DocumentError(f'the document must be an object with "format": "{FORMAT}"')
    given = document.get("tables")
    if not isinstance(given, Mapping):
        raise DocumentError('the document must have "tables", an object of table name and rows')
    known = {table.name: table for table in RECORD_TABLES}
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise DocumentError(f"unknown table {unknown[0]!r}")
    parsed: dict[str, list[dict[str, Any]]] = {}
    for name, table in known.items():
        rows = given.get(name, [])
        if not isinstance(rows, list):
            raise DocumentError(f"tables.{name} must be a list of rows")
        columns = {c.name: c for c in table.columns if c.name != "company_id"}
        parsed[name] = []
        for index, row in enumerate(rows):
            where = f"tables.{name}[{index}]"
            if not isinstance(row, Mapping):
                raise DocumentError(f"{where} must be an object")
            extra = sorted(set(row) - set(columns))
            if extra:
                raise DocumentError(f"{where}: unknown column {extra[0]!r}")
            missing = [c.name for c in columns.values() if c.name not in row and not c.nullable]
            if missing:
                raise DocumentError(f"{where}: {missing[0]} is required")
            parsed[name].append({key: _from_json(columns[key], value, where) for key, value in row.items()})
    return parsed
