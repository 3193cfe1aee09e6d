"""Assign people (or everyone) to customers and jobs, end those assignments, and read them."""

from __future__ import annotations

from collections.abc import Iterable

from timeledger.ledger.assignments import JobAssignment, check_assignable
from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import NotFoundError
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.queries import AssignmentQuery, Page
from timeledger.ledger.services.lists import resolve
from timeledger.ledger.values import PERSON_KINDS, ListKind


def assign(uow: UnitOfWork, company_key: int, person_key: int | None, customer_key: int) -> JobAssignment:
    """Let ``person_key`` (None: everyone) track time on a customer or job. Assigning again what is
    assigned changes nothing; what was unassigned becomes active again."""
    now = utc_now()
    with uow.write():
        resolve(uow, company_key, PERSON_KINDS, person_key, "person")
        customer = resolve(uow, company_key, (ListKind.CUSTOMER,), customer_key, "customer")
        assert customer is not None
        check_assignable(customer)
        found = uow.assignments.find(company_key, person_key, customer_key)
        if found is None:
            found = uow.assignments.add(company_key, person_key, customer_key, now)
        elif not found.is_active:
            uow.assignments.set_active(company_key, [found.key], True, now)
            found = uow.assignments.get(company_key, found.key)
        uow.commit()
    assert found is not None
    return found


def unassign(uow: UnitOfWork, company_key: int, key: int) -> JobAssignment:
    """End an assignment; ending one already ended changes nothing."""
    now = utc_now()
    with uow.write():
        found = uow.assignments.get(company_key, key)
        if found is None:
            raise NotFoundError("No assignment has that id.")
        uow.assignments.set_active(company_key, [key], False, now)
        ended = uow.assignments.get(company_key, key)
        uow.commit()
    assert ended is not None
    return ended


def list_assignments(uow: UnitOfWork, company_key: int, query: AssignmentQuery) -> Page[JobAssignment]:
    with uow:
        return uow.assignments.query(company_key, query)


def assigned_to_everyone(uow: UnitOfWork, company_key: int, customer_keys: Iterable[int]) -> set[int]:
    """Which of these customers and jobs everyone is assigned to."""
    with uow:
        return uow.assignments.assigned_to_everyone(company_key, customer_keys)


def set_assigned_to_everyone(uow: UnitOfWork, company_key: int, customer_key: int, assigned: bool) -> None:
    """Assign everyone to a customer or job, or end that assignment (keeping each person's own)."""
    with uow.write():
        found = uow.assignments.find(company_key, None, customer_key)
        if assigned:
            assign(uow, company_key, None, customer_key)
        elif found is not None and found.is_active:
            unassign(uow, company_key, found.key)
        uow.commit()
