"""Hot statements read and write exactly what ``Connection.execute`` does, on both databases: the
same keys, the same converted values (aware timestamps, JSON, dates, NULLs), the same rows of an
``IN`` list however long, inside the caller's transaction."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import bindparam, insert, select, text

from timeledger.ledger.clock import utc_now
from timeledger.ledger.lists import ListDraft
from timeledger.ledger.services.lists import create_list_entry
from timeledger.ledger.services.time_entries import create_time_entry
from timeledger.ledger.time_entries import TimeEntryDraft
from timeledger.ledger.values import ListKind
from timeledger.store.hot import Hot, HotIn
from timeledger.store.repositories.time_entries import _SELECT
from timeledger.store.tables import list_entries, time_entries, transactions
from timeledger.store.unit_of_work import SqlUnitOfWork


@pytest.fixture
def entry_keys(uow: SqlUnitOfWork, company_key: int) -> list[int]:
    person = create_list_entry(
        uow, company_key, ListDraft(ListKind.EMPLOYEE, first_name="Ada", last_name="L")
    )
    drafts = [
        TimeEntryDraft(
            person_key=person.key,
            work_date=date(2026, 1, 1) + timedelta(days=i),
            duration_seconds=60 * (i + 1),
        )
        for i in range(60)
    ]
    drafts[0] = TimeEntryDraft(
        person_key=person.key,
        work_date=date(2026, 1, 1),
        duration_seconds=60,
        note="n",
        extra={"a": {"b": 1}},
    )
    return [create_time_entry(uow, company_key, d).key for d in drafts]


def test_a_hot_read_equals_the_same_statement_through_sqlalchemy(
    uow: SqlUnitOfWork, company_key: int, entry_keys: list[int]
) -> None:
    statement = _SELECT.where(
        time_entries.c.company_id == bindparam("company"), time_entries.c.id == bindparam("id")
    )
    with uow:
        conn = uow.time_entries._conn
        for key in entry_keys[:3]:
            params = {"company": company_key, "id": key}
            expected = dict(conn.execute(statement, params).mappings().one())
            assert Hot(statement).first(conn, params) == expected
            assert expected["created_at"].utcoffset().total_seconds() == 0  # aware, in UTC
        assert Hot(statement).first(conn, {"company": company_key, "id": -1}) is None
        with pytest.raises(KeyError, match="'id'"):
            Hot(statement).first(conn, {"company": company_key})


def test_a_hot_in_list_longer_than_its_chunk_reads_every_row(
    uow: SqlUnitOfWork, company_key: int, entry_keys: list[int]
) -> None:
    by_keys = HotIn(
        lambda keys: _SELECT.where(time_entries.c.company_id == bindparam("c"), time_entries.c.id.in_(keys)),
        chunk=7,
    )
    with uow:
        conn = uow.time_entries._conn
        rows = by_keys.rows(conn, entry_keys, {"c": company_key})
        expected = conn.execute(_SELECT.where(time_entries.c.id.in_(entry_keys))).mappings().all()
    assert sorted((r["id"], r["duration_seconds"]) for r in rows) == sorted(
        (r["id"], r["duration_seconds"]) for r in expected
    )
    assert len(rows) == 60


def test_a_hot_write_is_part_of_the_callers_transaction(uow: SqlUnitOfWork, company_key: int) -> None:
    add = Hot(
        insert(transactions)
        .values(
            company_id=bindparam("company_id"), kind=bindparam("kind"), created_at=bindparam("created_at")
        )
        .returning(transactions.c.id)
    )
    count = select(text("count(*)")).select_from(transactions)
    with uow:
        before = uow.lists._conn.execute(count).scalar_one()
    with uow.write():  # rolled back: never committed
        created = add.first(
            uow.lists._conn, {"company_id": company_key, "kind": "time_entry", "created_at": utc_now()}
        )
        assert created is not None and isinstance(created["id"], int)
        assert uow.lists._conn.execute(count).scalar_one() == before + 1
    with uow:
        assert uow.lists._conn.execute(count).scalar_one() == before


def test_a_statement_with_an_expanding_in_cannot_be_hot(uow: SqlUnitOfWork) -> None:
    statement = select(list_entries.c.id).where(list_entries.c.id.in_(bindparam("keys", expanding=True)))
    with uow, pytest.raises(ValueError, match="expanding IN"):
        Hot(statement).rows(uow.lists._conn, {"keys": [1]})
