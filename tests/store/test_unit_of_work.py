"""The store on real SQLite and PostgreSQL: one transaction per write, stale writes refused,
keyset pages that neither skip nor repeat while rows are added."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import DuplicateNameError, StaleRevisionError
from timeledger.ledger.lists import ListDraft
from timeledger.ledger.queries import TimeEntryQuery
from timeledger.ledger.services.lists import create_list_entry, update_list_entry
from timeledger.ledger.services.time_entries import (
    create_time_entry,
    delete_time_entry,
    list_time_entries,
    update_time_entry,
)
from timeledger.ledger.time_entries import TimeEntryDraft
from timeledger.ledger.values import ListKind
from timeledger.store.unit_of_work import SqlUnitOfWork


def _count(uow: SqlUnitOfWork, table: str) -> int:
    with uow:
        return uow.lists._conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def test_a_failed_write_leaves_nothing_behind(uow: SqlUnitOfWork, company_key: int) -> None:
    before = _count(uow, "list_entries")
    with pytest.raises(RuntimeError), uow.write():
        uow.lists.add(company_key, ListDraft(ListKind.CLASS), "Half", "Half", 0, utc_now())
        raise RuntimeError("crash after the insert, before commit")
    assert _count(uow, "list_entries") == before


def test_a_duplicate_name_is_refused_and_the_transaction_stays_usable(
    uow: SqlUnitOfWork, company_key: int
) -> None:
    create_list_entry(uow, company_key, ListDraft(ListKind.VENDOR, name="Acme"))
    with pytest.raises(DuplicateNameError):
        create_list_entry(uow, company_key, ListDraft(ListKind.VENDOR, name="ACME"))
    assert create_list_entry(uow, company_key, ListDraft(ListKind.VENDOR, name="Acme 2")).name == "Acme 2"


def test_the_store_refuses_a_write_based_on_an_old_revision(uow: SqlUnitOfWork, company_key: int) -> None:
    entry = create_list_entry(uow, company_key, ListDraft(ListKind.CLASS, name="Ops"))
    update_list_entry(uow, company_key, ListKind.CLASS, entry.key, str(entry.revision), {"name": "Ops 2"})
    # The repository itself re-checks the revision in its UPDATE, whatever the service saw.
    with pytest.raises(StaleRevisionError), uow.write():
        uow.lists.update(entry, entry.revision, {"name": "Ops 3"}, utc_now())


def test_keyset_pages_neither_skip_nor_repeat_while_rows_are_added(
    uow: SqlUnitOfWork, company_key: int
) -> None:
    person = create_list_entry(uow, company_key, ListDraft(ListKind.EMPLOYEE, first_name="Pat"))

    def add(day: int) -> int:
        draft = TimeEntryDraft(person_key=person.key, work_date=date(2026, 1, day), duration_seconds=60)
        return create_time_entry(uow, company_key, draft).key

    first_keys = [add(d) for d in range(1, 8)]
    seen: list[int] = []
    page = list_time_entries(uow, company_key, TimeEntryQuery(limit=3))
    seen += [e.key for e in page.items]
    late = add(20)  # lands after the cursor: the walk must still reach it exactly once
    while page.last is not None:
        page = list_time_entries(uow, company_key, TimeEntryQuery(limit=3, after=page.last[1]))
        seen += [e.key for e in page.items]
    assert seen == [*first_keys, late]


def test_an_unfiltered_first_page_knows_what_remains_without_counting(
    uow: SqlUnitOfWork, company_key: int
) -> None:
    """The live count follows creates, deletes and stopped timers, and agrees with a real count."""
    person = create_list_entry(uow, company_key, ListDraft(ListKind.EMPLOYEE, first_name="Lee"))
    logged = [
        create_time_entry(
            uow,
            company_key,
            TimeEntryDraft(person_key=person.key, work_date=date(2026, 2, d), duration_seconds=60),
        )
        for d in range(1, 7)
    ]
    timer = create_time_entry(
        uow,
        company_key,
        TimeEntryDraft(
            person_key=person.key,
            work_date=date(2026, 2, 9),
            duration_seconds=None,
            started_at=utc_now(),
            is_running=True,
        ),
    )
    delete_time_entry(uow, company_key, logged[0].key)
    assert list_time_entries(uow, company_key, TimeEntryQuery(limit=2)).remaining == 3  # 5 logged - 2 shown
    update_time_entry(
        uow,
        company_key,
        timer.key,
        None,
        {"duration_seconds": 600, "is_running": False},
        include_running=True,
    )
    page = list_time_entries(uow, company_key, TimeEntryQuery(limit=2))
    assert page.remaining == 4
    counted = list_time_entries(uow, company_key, TimeEntryQuery(limit=2, work_date_from=date(2026, 1, 1)))
    assert counted.remaining == page.remaining


def test_a_service_inside_a_requests_unit_of_work_commits_only_with_it(
    uow: SqlUnitOfWork, company_key: int
) -> None:
    """A request opens one unit of work; the services it calls join it, so a failure later in the
    request (rendering, say) undoes what they wrote."""
    before = _count(uow, "list_entries")
    with pytest.raises(RuntimeError), uow.write():
        create_list_entry(uow, company_key, ListDraft(ListKind.CLASS, name="Joined"))
        assert _count(uow, "list_entries") == before + 1  # visible inside the request
        raise RuntimeError("the request fails after the service returned")
    assert _count(uow, "list_entries") == before


def test_a_write_inside_a_read_only_unit_of_work_is_refused(uow: SqlUnitOfWork, company_key: int) -> None:
    with pytest.raises(RuntimeError, match="read-only"), uow:
        create_list_entry(uow, company_key, ListDraft(ListKind.CLASS, name="Late lock"))
