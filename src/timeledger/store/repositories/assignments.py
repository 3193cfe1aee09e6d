"""Job assignments: who may track time on a customer or job (everyone, where the person is NULL)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, bindparam, func, insert, select, update

from timeledger.ledger.assignments import JobAssignment
from timeledger.ledger.queries import AssignmentQuery, Page
from timeledger.ledger.records import Ref
from timeledger.store.filters import updated_conditions
from timeledger.store.hot import HotIn
from timeledger.store.repositories.lists import extra_in, extra_not_in
from timeledger.store.tables import job_assignments, list_entries

_person = list_entries.alias("person")
_customer = list_entries.alias("customer")
_SELECT = select(
    job_assignments,
    _person.c.full_name.label("person_name"),
    _person.c.created_at.label("person_created"),
    _customer.c.full_name.label("customer_name"),
    _customer.c.created_at.label("customer_created"),
    _customer.c.root_id.label("customer_root"),
    _customer.c.is_active.label("customer_is_active"),
).select_from(
    job_assignments.join(_customer, _customer.c.id == job_assignments.c.customer_id).outerjoin(
        _person, _person.c.id == job_assignments.c.person_id
    )
)


# Which of a list of customers and jobs everyone is (actively) assigned to.
_TO_EVERYONE = HotIn(
    lambda keys: select(job_assignments.c.customer_id).where(
        job_assignments.c.company_id == bindparam("company_id"),
        job_assignments.c.customer_id.in_(keys),
        job_assignments.c.person_id.is_(None),
        job_assignments.c.is_active.is_(True),
    )
)


def _record(row: RowMapping) -> JobAssignment:
    person = (
        Ref(row["person_id"], row["person_name"], row["person_created"])
        if row["person_id"] is not None
        else None
    )
    return JobAssignment(
        key=row["id"],
        company_key=row["company_id"],
        person=person,
        customer=Ref(row["customer_id"], row["customer_name"], row["customer_created"], row["customer_root"]),
        is_active=row["is_active"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        customer_is_active=row["customer_is_active"],
    )


class SqlAssignmentRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def get(self, company_key: int, key: int) -> JobAssignment | None:
        a = job_assignments.c
        row = self._conn.execute(_SELECT.where(a.company_id == company_key, a.id == key)).mappings().first()
        return _record(row) if row else None

    def find(self, company_key: int, person_key: int | None, customer_key: int) -> JobAssignment | None:
        a = job_assignments.c
        person = a.person_id.is_(None) if person_key is None else a.person_id == person_key
        row = (
            self._conn.execute(
                _SELECT.where(a.company_id == company_key, a.customer_id == customer_key, person)
            )
            .mappings()
            .first()
        )
        return _record(row) if row else None

    def add(
        self, company_key: int, person_key: int | None, customer_key: int, now: datetime
    ) -> JobAssignment:
        key = self._conn.execute(
            insert(job_assignments).values(
                company_id=company_key,
                person_id=person_key,
                customer_id=customer_key,
                is_active=True,
                created_at=now,
                updated_at=now,
            )
        ).inserted_primary_key[0]
        found = self.get(company_key, key)
        assert found is not None
        return found

    def set_active(self, company_key: int, keys: Iterable[int], is_active: bool, now: datetime) -> None:
        """Make these assignments active or not; those already so are left as they are."""
        a = job_assignments.c
        self._conn.execute(
            update(job_assignments)
            .where(a.company_id == company_key, a.id.in_(list(keys)), a.is_active.is_not(is_active))
            .values(is_active=is_active, updated_at=now)
        )

    def end_for_customers(self, company_key: int, customer_keys: Iterable[int], now: datetime) -> None:
        """Every active assignment to these customers and jobs becomes inactive."""
        a = job_assignments.c
        self._conn.execute(
            update(job_assignments)
            .where(a.company_id == company_key, a.customer_id.in_(list(customer_keys)), a.is_active.is_(True))
            .values(is_active=False, updated_at=now)
        )

    def query(self, company_key: int, query: AssignmentQuery) -> Page[JobAssignment]:
        a = job_assignments.c
        conditions: list[Any] = [a.company_id == company_key]
        if query.keys:
            conditions.append(a.id.in_(query.keys))
        if query.person_keys:
            conditions.append(a.person_id.in_(query.person_keys) | a.person_id.is_(None))
        if query.customer_key is not None:
            conditions.append(a.customer_id == query.customer_key)
        if query.parent_key is not None:
            parent = _customer.c.parent_id
            conditions.append(parent.is_(None) if query.parent_key == 0 else parent == query.parent_key)
        if query.is_active is not None:
            conditions.append(a.is_active.is_(query.is_active))
        if query.customer_is_active is not None:
            conditions.append(_customer.c.is_active.is_(query.customer_is_active))
        conditions += updated_conditions(query.updated_after, query.updated_before, a.updated_at)
        for api, attribute, values in query.customer_extra_in:
            conditions.append(extra_in(_customer.c.extra, api, attribute, values))
        for api, attribute, values in query.customer_extra_not_in:
            conditions.append(extra_not_in(_customer.c.extra, api, attribute, values))
        rows = (
            self._conn.execute(
                _SELECT.where(*conditions).order_by(a.id).offset(query.offset).limit(query.limit + 1)
            )
            .mappings()
            .all()
        )
        items = [_record(r) for r in rows[: query.limit]]
        return Page(items=items, remaining=len(rows) - len(items))

    def assigned_to_everyone(self, company_key: int, customer_keys: Iterable[int]) -> set[int]:
        """Which of these customers and jobs everyone is (actively) assigned to."""
        rows = _TO_EVERYONE.rows(self._conn, list(customer_keys), {"company_id": company_key})
        return {row["customer_id"] for row in rows}

    def latest_update(self, company_key: int) -> datetime | None:
        a = job_assignments.c
        return self._conn.execute(select(func.max(a.updated_at)).where(a.company_id == company_key)).scalar()
