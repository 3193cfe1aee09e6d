"""Time entries, read with the names of everything they reference in one joined query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, false, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError

from timeledger.ledger.errors import RuleError, StaleRevisionError
from timeledger.ledger.queries import LoggedTime, Page, TimeEntryQuery, TimeEntryTotals
from timeledger.ledger.records import DeletedRecord, Ref, TimeEntry
from timeledger.ledger.time_entries import TimeEntryDraft, ended_at
from timeledger.ledger.values import BillingStatus, ListKind, TransactionKind
from timeledger.store.filters import deleted_conditions, updated_conditions
from timeledger.store.hot import Hot
from timeledger.store.repositories.lists import extra_in, extra_not_in
from timeledger.store.tables import (
    companies,
    list_entries,
    time_entries,
    time_entry_counts,
    timers,
    transactions,
)

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
    columns.append(_ALIASES["customer_id"].c.root_id.label("customer_id_root"))
    source = source.join(companies, companies.c.id == t.c.company_id)
    columns.append(func.coalesce(_ALIASES["person_id"].c.time_zone, companies.c.time_zone).label("time_zone"))
    return select(*columns).select_from(source)


_SELECT = _joined_select()
# Built once: building and hashing a statement per call costs more than running it on SQLite.
_BY_KEY = (
    time_entries.c.company_id == bindparam("company_id"),
    time_entries.c.id == bindparam("id"),
    time_entries.c.deleted_at.is_(None),
)
_GET_ANY = Hot(_SELECT.where(*_BY_KEY))
_GET_STOPPED = Hot(_SELECT.where(*_BY_KEY, time_entries.c.duration_seconds.is_not(None)))
_NEW_TRANSACTION = Hot(
    insert(transactions)
    .values(company_id=bindparam("company_id"), kind=bindparam("kind"), created_at=bindparam("created_at"))
    .returning(transactions.c.id)
)
# Every column but deleted_at, each a parameter ``add`` passes.
_NEW_TIME_ENTRY = insert(time_entries).values(
    {c.name: bindparam(c.name) for c in time_entries.c if c.name != "deleted_at"}
)
_NEW_TIME_ENTRY_HOT = Hot(_NEW_TIME_ENTRY)
_NEW_TIMER = insert(timers)


def _count_upsert(upsert: Any, dialect: str) -> Hot:
    """Add ``delta`` to the company's live count of logged entries, creating its row if need be."""
    return Hot(
        upsert(time_entry_counts)
        .values(company_id=bindparam("company_id"), logged=bindparam("delta"))
        .on_conflict_do_update(
            index_elements=[time_entry_counts.c.company_id],
            set_={"logged": time_entry_counts.c.logged + bindparam("delta")},
        ),
        dialect=dialect,
    )


_COUNT_CHANGE = {
    "sqlite": _count_upsert(sqlite_insert, "sqlite"),
    "postgresql": _count_upsert(postgresql_insert, "postgresql"),
}


# Per reference column: its attribute, and the keys of its name and creation time in a row.
_REF_KEYS = tuple((column, attr, f"{column}_name", f"{column}_created") for column, attr in _REFS.items())
_LIST_KINDS = {kind.value: kind for kind in ListKind}
_BILLING_STATUSES = {status.value: status for status in BillingStatus}


def _record(row: Mapping[str, Any]) -> TimeEntry:
    # Runs once per row of every page: plain lookups rather than enum calls and ``replace``.
    refs = {
        attr: None if row[column] is None else Ref(row[column], row[name], row[created])
        for column, attr, name, created in _REF_KEYS
    }
    if row["customer_id"] is not None:
        refs["customer"] = Ref(
            row["customer_id"], row["customer_id_name"], row["customer_id_created"], row["customer_id_root"]
        )
    return TimeEntry(
        key=row["id"],
        company_key=row["company_id"],
        person_kind=_LIST_KINDS[row["person_kind"]],
        work_date=row["work_date"],
        duration_seconds=row["duration_seconds"],
        billing_status=_BILLING_STATUSES[row["billing_status"]],
        revision=row["revision"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        note=row["note"],
        external_id=row["external_id"],
        started_at=row["started_at"],
        deleted_at=row["deleted_at"],
        extra=row["extra"] or {},
        time_zone=row["time_zone"],
        timer_key=row["timer_id"],
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
    "extra": "extra",
}

_customers = list_entries.alias("customer")
_roots = list_entries.alias("root")
_logged_customers = list_entries.alias("logged_customer")


def _running_timer_taken() -> RuleError:
    # The partial unique index on running timers: a concurrent start won the race.
    return RuleError(
        "one_running_timer_per_person",
        "That person already has a running timer; stop it before starting another.",
        field="duration",
    )


def _start_conditions(query: TimeEntryQuery) -> list[Any]:
    """The start instant, or for an entry without one midnight (UTC) of its work date, within range."""
    t = time_entries.c
    conditions = []
    if query.started_from is not None:
        moment = query.started_from.astimezone(UTC)
        # midnight of a work date is at or after ``moment`` from the first midnight that is
        first_day = moment.date() if moment.time() == time.min else moment.date() + timedelta(days=1)
        conditions.append(or_(t.started_at >= moment, and_(t.started_at.is_(None), t.work_date >= first_day)))
    if query.started_to is not None:
        moment = query.started_to.astimezone(UTC)
        conditions.append(
            or_(t.started_at <= moment, and_(t.started_at.is_(None), t.work_date <= moment.date()))
        )
    return conditions


def _customer_trees(company_key: int, roots: tuple[int, ...]) -> Any:
    """The customers named and every job below them (full name ``Root:...``), as a subquery of keys."""
    below = (
        select(_roots.c.id)
        .where(
            _roots.c.company_id == company_key,
            _roots.c.id.in_(roots),
            func.substr(_customers.c.full_name_key, 1, func.length(_roots.c.full_name_key) + 1)
            == _roots.c.full_name_key + ":",
        )
        .exists()
    )
    return select(_customers.c.id).where(
        _customers.c.company_id == company_key,
        _customers.c.kind == ListKind.CUSTOMER.value,
        or_(_customers.c.id.in_(roots), below),
    )


_entry = list_entries.c


def _keys_where(company_key: int, condition: Any) -> Any:
    """The keys of the company's list entries that meet ``condition``, as a subquery."""
    return select(_entry.id).where(_entry.company_id == company_key, condition)


def _values(fields: Mapping[str, Any]) -> dict[str, Any]:
    return {
        _FIELD_COLUMNS[name]: (value.value if isinstance(value, BillingStatus) else value)
        for name, value in fields.items()
    }


def _is_logged(entry: TimeEntry | None) -> bool:
    """What ``time_entry_counts`` counts: stopped, not deleted."""
    return entry is not None and entry.duration_seconds is not None and entry.deleted_at is None


WHOLE_COMPANY = TimeEntryQuery()


class SqlTimeEntryRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def _count_change(self, company_key: int, before: TimeEntry | None, after: TimeEntry | None) -> None:
        delta = int(_is_logged(after)) - int(_is_logged(before))
        if delta == 0:
            return
        _COUNT_CHANGE[self._conn.dialect.name].run(self._conn, {"company_id": company_key, "delta": delta})

    def _logged_count(self, company_key: int) -> int:
        count = self._conn.execute(
            select(time_entry_counts.c.logged).where(time_entry_counts.c.company_id == company_key)
        ).scalar()
        return int(count or 0)

    def _new_timer(self, company_key: int, now: datetime) -> int:
        """A key from the timers' own sequence, for an entry that starts running for the first time."""
        key = self._conn.execute(_NEW_TIMER, {"company_id": company_key, "created_at": now})
        return int(key.inserted_primary_key[0])

    def get(self, company_key: int, key: int, *, include_running: bool = False) -> TimeEntry | None:
        statement = _GET_ANY if include_running else _GET_STOPPED
        row = statement.first(self._conn, {"company_id": company_key, "id": key})
        return _record(row) if row else None

    def add(
        self, company_key: int, draft: TimeEntryDraft, billing_status: BillingStatus, now: datetime
    ) -> TimeEntry:
        created = _NEW_TRANSACTION.first(
            self._conn, {"company_id": company_key, "kind": "time_entry", "created_at": now}
        )
        assert created is not None
        key = created["id"]
        fields = {name: getattr(draft, name) for name in _FIELD_COLUMNS}
        fields["billing_status"] = billing_status
        fields["extra"] = dict(draft.extra)
        row = {"id": key, "company_id": company_key, "revision": 1, "created_at": now, "updated_at": now}
        row.update(_values(fields))
        row["ended_at"] = ended_at(draft.started_at, draft.duration_seconds)
        row["timer_id"] = self._new_timer(company_key, now) if draft.duration_seconds is None else None
        if draft.duration_seconds is not None:
            # Only a running timer can break a constraint here (one per person): no savepoint needed.
            _NEW_TIME_ENTRY_HOT.run(self._conn, row)
        else:
            try:
                with self._conn.begin_nested():
                    self._conn.execute(_NEW_TIME_ENTRY, row)
            except IntegrityError:
                raise _running_timer_taken() from None
        entry = self.get(company_key, key, include_running=True)
        assert entry is not None
        self._count_change(company_key, None, entry)
        return entry

    def update(
        self, entry: TimeEntry, expected_revision: int, changes: Mapping[str, Any], now: datetime
    ) -> TimeEntry:
        t = time_entries.c
        values = _values({k: (dict(v) if k == "extra" else v) for k, v in changes.items()})
        values["ended_at"] = ended_at(
            changes.get("started_at", entry.started_at),
            changes.get("duration_seconds", entry.duration_seconds),
        )
        if changes.get("duration_seconds", entry.duration_seconds) is None and entry.timer_key is None:
            values["timer_id"] = self._new_timer(entry.company_key, now)  # it runs for the first time
        try:
            with self._conn.begin_nested():
                result = self._conn.execute(
                    update(time_entries)
                    .where(
                        t.id == entry.key,
                        t.company_id == entry.company_key,
                        t.revision == expected_revision,
                        t.deleted_at.is_(None),
                    )
                    .values(revision=t.revision + 1, updated_at=now, **values)
                )
        except IntegrityError:
            raise _running_timer_taken() from None
        if result.rowcount != 1:
            raise StaleRevisionError(
                f'The provided revision number "{expected_revision}" is out-of-date.',
                given=str(expected_revision),
            )
        updated = self.get(entry.company_key, entry.key, include_running=True)
        assert updated is not None
        self._count_change(entry.company_key, entry, updated)
        return updated

    def overlapping(
        self,
        company_key: int,
        person_key: int,
        start: datetime,
        end: datetime,
        now: datetime,
        *,
        exclude_key: int | None = None,
    ) -> TimeEntry | None:
        """One live timed entry of the person's that shares some of [start, end): a stopped one
        that ends after ``start``, or a running one (it runs until ``now``)."""
        t = time_entries.c
        # A running timer covers its start up to now, so it overlaps only an interval that began earlier.
        running = t.duration_seconds.is_(None) if start < now else false()
        conditions = [
            t.company_id == company_key,
            t.person_id == person_key,
            t.deleted_at.is_(None),
            t.started_at.is_not(None),
            t.started_at < end,
            or_(t.ended_at > start, running),
        ]
        if exclude_key is not None:
            conditions.append(t.id != exclude_key)
        row = (
            self._conn.execute(_SELECT.where(*conditions).order_by(t.started_at).limit(1)).mappings().first()
        )
        return _record(row) if row else None

    def delete(self, entry: TimeEntry, now: datetime) -> None:
        t = time_entries.c
        result = self._conn.execute(
            update(time_entries)
            .where(t.id == entry.key, t.company_id == entry.company_key, t.deleted_at.is_(None))
            .values(deleted_at=now, updated_at=now, revision=t.revision + 1)
        )
        if result.rowcount == 1:  # a racing delete already took it off the count
            self._count_change(entry.company_key, entry, None)

    def _conditions(self, company_key: int, query: TimeEntryQuery) -> list[Any]:
        t = time_entries.c
        conditions = [t.company_id == company_key]
        if query.deleted_only:
            conditions.append(t.deleted_at.is_not(None))
        elif not query.include_deleted:
            conditions.append(t.deleted_at.is_(None))
        if not query.include_running:
            conditions.append(t.duration_seconds.is_not(None))
        if query.is_running is not None:
            conditions.append(
                t.duration_seconds.is_(None) if query.is_running else t.duration_seconds.is_not(None)
            )
        if query.key_filter:
            conditions.append(t.id.in_(query.key_filter))
        if query.timed is not None:
            conditions.append(t.started_at.is_not(None) if query.timed else t.started_at.is_(None))
        if query.person_keys:
            conditions.append(t.person_id.in_(query.person_keys))
        for api, attribute, values in query.person_extra_in:
            people = _keys_where(company_key, extra_in(_entry.extra, api, attribute, values))
            conditions.append(t.person_id.in_(people))
        if query.person_kinds:
            kinds = _entry.kind.in_([k.value for k in query.person_kinds])
            conditions.append(t.person_id.in_(_keys_where(company_key, kinds)))
        for api, attribute, values in query.customer_extra_in:
            customers = _keys_where(company_key, extra_in(_entry.extra, api, attribute, values))
            conditions.append(t.customer_id.in_(customers))
        for api, attribute, values in query.customer_extra_not_in:
            others = _keys_where(company_key, ~extra_not_in(_entry.extra, api, attribute, values))
            conditions.append(or_(t.customer_id.is_(None), t.customer_id.not_in(others)))
        if query.customer_keys:
            conditions.append(t.customer_id.in_(query.customer_keys))
        if query.customer_trees:
            conditions.append(t.customer_id.in_(_customer_trees(company_key, query.customer_trees)))
        if query.service_item_keys:
            conditions.append(t.service_item_id.in_(query.service_item_keys))
        if query.billing_statuses:
            conditions.append(t.billing_status.in_([s.value for s in query.billing_statuses]))
        if query.work_date_from is not None:
            conditions.append(t.work_date >= query.work_date_from)
        if query.work_date_to is not None:
            conditions.append(t.work_date <= query.work_date_to)
        conditions += updated_conditions(query.updated_after, query.updated_before, t.updated_at)
        return conditions + _start_conditions(query)

    def query(self, company_key: int, query: TimeEntryQuery) -> Page[TimeEntry]:
        t = time_entries.c
        conditions = self._conditions(company_key, query)
        if query.offset is not None:
            # Numbered pages (FreshBooks), newest work first; the caller counts matches with ``totals``.
            order = [t.work_date.desc(), t.id.desc()] if query.newest_first else [t.id]
            rows = (
                self._conn.execute(
                    _SELECT.where(*conditions).order_by(*order).offset(query.offset).limit(query.limit)
                )
                .mappings()
                .all()
            )
            return Page(items=[_record(r) for r in rows], remaining=0)
        position = [t.id > query.after] if query.after is not None else []
        # One row more than the page: whether another page follows is then known without counting.
        rows = (
            self._conn.execute(_SELECT.where(*conditions, *position).order_by(t.id).limit(query.limit + 1))
            .mappings()
            .all()
        )
        items = [_record(r) for r in rows[: query.limit]]
        if len(rows) <= query.limit:
            return Page(items=items, remaining=0)
        return Page(
            items=items,
            remaining=self._remaining(company_key, query, conditions, items),
            last=("", items[-1].key),
        )

    def _remaining(
        self, company_key: int, query: TimeEntryQuery, conditions: list[Any], items: list[TimeEntry]
    ) -> int:
        """How many match after this page (at least one: the peeked row). From the previous page's
        figure when the cursor carries it; from the company's live count for an unfiltered first page;
        else counted."""
        if query.remaining_after is not None:
            remaining = query.remaining_after - len(items)
        elif replace(query, limit=WHOLE_COMPANY.limit) == WHOLE_COMPANY:
            remaining = self._logged_count(company_key) - len(items)
        else:
            t = time_entries.c
            remaining = self._conn.execute(
                select(func.count()).select_from(time_entries).where(*conditions, t.id > items[-1].key)
            ).scalar_one()
        return max(remaining, 1)

    def latest_update(self, company_key: int, *, deleted: bool) -> datetime | None:
        t = time_entries.c
        if deleted:
            return self._conn.execute(
                select(func.max(t.deleted_at)).where(t.company_id == company_key)
            ).scalar()
        return self._conn.execute(
            select(func.max(t.updated_at)).where(t.company_id == company_key, t.deleted_at.is_(None))
        ).scalar()

    def deleted(
        self, company_key: int, after: datetime | None, before: datetime | None
    ) -> list[DeletedRecord]:
        t = time_entries.c
        rows = self._conn.execute(
            select(t.id, t.created_at, t.deleted_at)
            .where(
                t.company_id == company_key,
                t.duration_seconds.is_not(None),
                *deleted_conditions(after, before, t.deleted_at),
            )
            .order_by(t.deleted_at, t.id)
        ).all()
        return [DeletedRecord(TransactionKind.TIME_ENTRY, *row) for row in rows]

    def totals(self, company_key: int, query: TimeEntryQuery) -> TimeEntryTotals:
        """Count and sums over every match, in one aggregate read."""
        t = time_entries.c
        unbilled = case(
            (t.billing_status != BillingStatus.HAS_BEEN_BILLED.value, t.duration_seconds), else_=0
        )
        count, logged, unbilled_total = self._conn.execute(
            select(
                func.count(),
                func.coalesce(func.sum(t.duration_seconds), 0),
                func.coalesce(func.sum(unbilled), 0),
            )
            .select_from(time_entries)
            .where(*self._conditions(company_key, query))
        ).one()
        return TimeEntryTotals(int(count), int(logged), int(unbilled_total))

    def logged_time(self, company_key: int, query: TimeEntryQuery) -> list[LoggedTime]:
        """Logged seconds over every match per person, customer and work date, in one aggregate read;
        running timers log nothing yet, so they are left out."""
        t = time_entries.c
        root = _logged_customers.c.root_id
        rows = self._conn.execute(
            select(t.person_id, t.customer_id, root, t.work_date, func.sum(t.duration_seconds))
            .select_from(time_entries.outerjoin(_logged_customers, _logged_customers.c.id == t.customer_id))
            .where(*self._conditions(company_key, query), t.duration_seconds.is_not(None))
            .group_by(t.person_id, t.customer_id, root, t.work_date)
        ).all()
        return [
            LoggedTime(
                person_key=person_key,
                root_customer_key=root_key if root_key is not None else customer_key,
                customer_key=customer_key,
                work_date=work_date,
                duration_seconds=int(seconds),
            )
            for person_key, customer_key, root_key, work_date, seconds in rows
        ]
