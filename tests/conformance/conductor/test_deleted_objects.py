"""Deleted list objects and deleted transactions through conductor-py (strict): what a sync reads to
learn of deletes. Each kind of record comes back under its type, within the window asked for and
the last 90 days; types timeledger does not keep have nothing; another company's deletes never show.

List entries are deleted through the ledger (``deletions.py``), as FreshBooks' deletes do, since
Conductor has no list delete; ``tests/cross/test_deletions_across_apis.py`` deletes through the APIs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import conductor
import pytest

from tests.conformance.conductor.deletions import delete_list_entry, deleted_ago
from tests.conformance.conductor.refusals import invalid_request
from tests.servers import Server
from timeledger.ledger.values import ListKind


@pytest.fixture(scope="module")
def eu(new_end_user: Callable[[], str]) -> str:
    return new_end_user()


@pytest.fixture(scope="module")
def employee(qbd: Any, eu: str) -> Any:
    return qbd.employees.create(first_name="Ada", last_name="Lovelace", conductor_end_user_id=eu)


def _activity(qbd: Any, eu: str, employee: Any, day: str = "2026-04-01") -> Any:
    return qbd.time_tracking_activities.create(
        entity_id=employee.id, transaction_date=day, duration="PT1H", conductor_end_user_id=eu
    )


def _journal_entry(qbd: Any, eu: str, ref_number: str | None = None) -> Any:
    expense = qbd.accounts.create(
        name=f"Expense {ref_number}", account_type="expense", conductor_end_user_id=eu
    )
    bank = qbd.accounts.create(name=f"Bank {ref_number}", account_type="bank", conductor_end_user_id=eu)
    return qbd.journal_entries.create(
        transaction_date="2026-04-01",
        debit_lines=[{"account_id": expense.id, "amount": "10.00"}],
        credit_lines=[{"account_id": bank.id, "amount": "10.00"}],
        conductor_end_user_id=eu,
        **({"ref_number": ref_number} if ref_number else {}),
    )


def _deleted_transactions(qbd: Any, eu: str, *types: str, **window: str) -> list[Any]:
    return qbd.deleted_transactions.list(
        transaction_types=list(types), conductor_end_user_id=eu, **window
    ).data


def _deleted_list_objects(qbd: Any, eu: str, *types: str, **window: str) -> list[Any]:
    return qbd.deleted_list_objects.list(object_types=list(types), conductor_end_user_id=eu, **window).data


def test_a_deleted_activity_and_journal_entry_are_deleted_transactions(
    qbd: Any, new_end_user: Callable[[], str]
) -> None:
    eu = new_end_user()
    person = qbd.employees.create(first_name="Grace", last_name="Hopper", conductor_end_user_id=eu)
    activity = _activity(qbd, eu, person)
    entry = _journal_entry(qbd, eu, "JE-7")
    kept = _activity(qbd, eu, person, "2026-04-02")
    assert _deleted_transactions(qbd, eu, "time_tracking", "journal_entry") == []
    qbd.time_tracking_activities.delete(activity.id, conductor_end_user_id=eu)
    qbd.journal_entries.delete(entry.id, conductor_end_user_id=eu)

    found = _deleted_transactions(qbd, eu, "time_tracking", "journal_entry")
    assert [(d.transaction_type, d.id, d.ref_number) for d in found] == [
        ("time_tracking", activity.id, None),
        ("journal_entry", entry.id, "JE-7"),
    ]
    assert kept.id not in {d.id for d in found}
    assert [d.object_type for d in found] == ["qbd_deleted_transaction"] * 2
    assert (found[0].created_at, found[1].created_at) == (activity.created_at, entry.created_at)
    for deleted in found:
        moment = datetime.fromisoformat(deleted.deleted_at)
        assert deleted.deleted_at.endswith("+00:00")
        assert timedelta(0) <= datetime.now(UTC) - moment < timedelta(minutes=5)


def test_deleted_transactions_are_grouped_by_type_in_the_order_asked(
    qbd: Any, eu: str, employee: Any
) -> None:
    entry = _journal_entry(qbd, eu, "JE-8")
    activity = _activity(qbd, eu, employee)
    qbd.journal_entries.delete(entry.id, conductor_end_user_id=eu)
    qbd.time_tracking_activities.delete(activity.id, conductor_end_user_id=eu)
    types = [d.transaction_type for d in _deleted_transactions(qbd, eu, "journal_entry", "time_tracking")]
    assert types == sorted(types, key=["journal_entry", "time_tracking"].index)
    assert {"journal_entry", "time_tracking"} <= set(types)
    only_entries = _deleted_transactions(qbd, eu, "journal_entry")
    assert entry.id in {d.id for d in only_entries} and {d.transaction_type for d in only_entries} == {
        "journal_entry"
    }
    only_activities = _deleted_transactions(qbd, eu, "time_tracking")
    assert activity.id in {d.id for d in only_activities}
    assert {d.transaction_type for d in only_activities} == {"time_tracking"}


def test_every_kept_list_reports_its_deletes_under_its_list_type(
    qbd: Any, eu: str, server: Server, employee: Any
) -> None:
    expense = qbd.accounts.create(name="Travel", account_type="expense", conductor_end_user_id=eu)
    customer = qbd.customers.create(name="Initech", conductor_end_user_id=eu)
    made = {
        "employee": (ListKind.EMPLOYEE, qbd.employees.create(first_name="Bob", conductor_end_user_id=eu)),
        "vendor": (ListKind.VENDOR, qbd.vendors.create(name="Paper Co", conductor_end_user_id=eu)),
        "other_name": (
            ListKind.OTHER_NAME,
            qbd.other_names.create(name="Petty Cash", conductor_end_user_id=eu),
        ),
        "customer": (
            ListKind.CUSTOMER,
            qbd.customers.create(name="TPS Reports", parent_id=customer.id, conductor_end_user_id=eu),
        ),
        "item_service": (
            ListKind.SERVICE_ITEM,
            qbd.service_items.create(
                name="Consulting",
                sales_or_purchase_details={"posting_account_id": expense.id},
                conductor_end_user_id=eu,
            ),
        ),
        "class": (ListKind.CLASS, qbd.classes.create(name="Operations", conductor_end_user_id=eu)),
        "payroll_item_wage": (
            ListKind.WAGE_ITEM,
            qbd.payroll_wage_items.create(
                name="Hourly",
                wage_type="hourly_regular",
                expense_account_id=expense.id,
                conductor_end_user_id=eu,
            ),
        ),
        "account": (
            ListKind.ACCOUNT,
            qbd.accounts.create(name="Petty", account_type="bank", conductor_end_user_id=eu),
        ),
    }
    for kind, obj in made.values():
        delete_list_entry(server.database_url, eu, kind, obj.id)

    found = {d.id: d for d in _deleted_list_objects(qbd, eu, *made)}
    for list_type, (_, obj) in made.items():
        deleted = found[obj.id]
        assert (deleted.list_type, deleted.object_type) == (list_type, "qbd_deleted_list_object")
        assert deleted.full_name == getattr(obj, "full_name", obj.name)
        assert deleted.created_at == obj.created_at
    # A job is a customer: its type is customer, its full name the path to it.
    assert found[made["customer"][1].id].full_name == "Initech:TPS Reports"
    # The entries not deleted are not reported.
    assert customer.id not in found and expense.id not in found and employee.id not in found
    # Asking for one list reports only that list's deletes.
    assert {d.list_type for d in _deleted_list_objects(qbd, eu, "vendor")} == {"vendor"}


def test_types_timeledger_does_not_keep_have_nothing_deleted(qbd: Any, eu: str, employee: Any) -> None:
    qbd.time_tracking_activities.delete(_activity(qbd, eu, employee).id, conductor_end_user_id=eu)
    assert _deleted_transactions(qbd, eu, "invoice", "bill", "vendor_credit") == []
    assert _deleted_list_objects(qbd, eu, "price_level", "currency", "item_inventory") == []


@pytest.mark.parametrize(
    ("operation", "parameter", "value"),
    [
        ("deleted_transactions", "transaction_types", ["timesheet"]),
        ("deleted_transactions", "transaction_types", ["time_tracking", "TIME_TRACKING"]),
        ("deleted_list_objects", "object_types", ["item"]),
        ("deleted_list_objects", "object_types", ["job"]),
    ],
)
def test_a_type_conductor_does_not_name_is_refused(
    qbd: Any, eu: str, operation: str, parameter: str, value: list[str]
) -> None:
    wire = "transactionTypes" if parameter == "transaction_types" else "objectTypes"
    with pytest.raises(conductor.BadRequestError) as refused:
        getattr(qbd, operation).list(**{parameter: value}, conductor_end_user_id=eu)
    invalid_request(refused, wire)


@pytest.mark.parametrize("operation", ["deleted_transactions", "deleted_list_objects"])
def test_the_types_are_required(qbd: Any, eu: str, operation: str) -> None:
    parameter = "transaction_types" if operation == "deleted_transactions" else "object_types"
    wire = "transactionTypes" if operation == "deleted_transactions" else "objectTypes"
    with pytest.raises(conductor.BadRequestError) as refused:
        getattr(qbd, operation).list(**{parameter: []}, conductor_end_user_id=eu)
    invalid_request(refused, wire)


@pytest.fixture(scope="module")
def dated(qbd: Any, new_end_user: Callable[[], str], server: Server) -> dict[str, Any]:
    """A company whose three deleted activities and one deleted vendor went 20, 10 and 2 days ago."""
    eu = new_end_user()
    person = qbd.employees.create(first_name="Edsger", last_name="Dijkstra", conductor_end_user_id=eu)
    when: dict[str, datetime] = {}
    ids: dict[str, str] = {}
    for name, days in (("old", 20), ("mid", 10), ("new", 2)):
        activity = _activity(qbd, eu, person)
        qbd.time_tracking_activities.delete(activity.id, conductor_end_user_id=eu)
        when[name] = deleted_ago(server.database_url, "time_tracking", activity.id, timedelta(days=days))
        ids[name] = activity.id
    vendor = qbd.vendors.create(name="Gone Vendor", conductor_end_user_id=eu)
    delete_list_entry(server.database_url, eu, ListKind.VENDOR, vendor.id)
    when["vendor"] = deleted_ago(server.database_url, "list", vendor.id, timedelta(days=10))
    ids["vendor"] = vendor.id
    return {"eu": eu, "when": when, "ids": ids}


def _names(dated: dict[str, Any], found: list[Any]) -> list[str]:
    by_id = {v: k for k, v in dated["ids"].items()}
    return [by_id[d.id] for d in found]


def _day(moment: datetime, days: int = 0) -> str:
    return (moment + timedelta(days=days)).date().isoformat()


def test_deletes_come_in_the_order_they_happened_and_each_window_end_is_inclusive(
    qbd: Any, dated: dict[str, Any]
) -> None:
    eu, when = dated["eu"], dated["when"]
    assert _names(dated, _deleted_transactions(qbd, eu, "time_tracking")) == ["old", "mid", "new"]
    # A date is that whole day: after its start, before its end.
    after_day = _deleted_transactions(qbd, eu, "time_tracking", deleted_after=_day(when["mid"]))
    assert _names(dated, after_day) == ["mid", "new"]
    before_day = _deleted_transactions(qbd, eu, "time_tracking", deleted_before=_day(when["mid"]))
    assert _names(dated, before_day) == ["old", "mid"]
    both = _deleted_transactions(
        qbd, eu, "time_tracking", deleted_after=_day(when["mid"], -1), deleted_before=_day(when["mid"], 1)
    )
    assert _names(dated, both) == ["mid"]
    assert (
        _deleted_transactions(
            qbd, eu, "time_tracking", deleted_after=_day(when["new"]), deleted_before=_day(when["old"])
        )
        == []
    )


def test_a_window_end_may_be_a_local_date_time_or_one_with_an_offset(qbd: Any, dated: dict[str, Any]) -> None:
    eu, mid = dated["eu"], dated["when"]["mid"]
    # The company keeps UTC: a date-time without an offset is UTC.
    local = (mid - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%S")
    assert _names(dated, _deleted_transactions(qbd, eu, "time_tracking", deleted_after=local)) == [
        "mid",
        "new",
    ]
    # A minute after it, written two hours east of UTC.
    offset = (mid + timedelta(minutes=1, hours=2)).strftime("%Y-%m-%dT%H:%M:%S") + "+02:00"
    assert _names(dated, _deleted_transactions(qbd, eu, "time_tracking", deleted_before=offset)) == [
        "old",
        "mid",
    ]


def test_list_deletes_take_the_same_window(qbd: Any, dated: dict[str, Any]) -> None:
    eu, when = dated["eu"], dated["when"]
    assert _names(dated, _deleted_list_objects(qbd, eu, "vendor", deleted_after=_day(when["vendor"]))) == [
        "vendor"
    ]
    assert _deleted_list_objects(qbd, eu, "vendor", deleted_after=_day(when["vendor"], 1)) == []
    assert _deleted_list_objects(qbd, eu, "vendor", deleted_before=_day(when["vendor"], -1)) == []


def test_a_delete_older_than_90_days_is_forgotten_as_quickbooks_forgets_it(
    qbd: Any, eu: str, employee: Any, server: Server
) -> None:
    recent, old = _activity(qbd, eu, employee), _activity(qbd, eu, employee)
    for activity in (recent, old):
        qbd.time_tracking_activities.delete(activity.id, conductor_end_user_id=eu)
    deleted_ago(server.database_url, "time_tracking", recent.id, timedelta(days=89))
    deleted_ago(server.database_url, "time_tracking", old.id, timedelta(days=91))
    for window in ({}, {"deleted_after": "2000-01-01"}):
        ids = {d.id for d in _deleted_transactions(qbd, eu, "time_tracking", **window)}
        assert recent.id in ids and old.id not in ids


@pytest.mark.parametrize(
    "value",
    [
        "yesterday",
        "2026-13-01",
        "2026-04-01T25:00:00",
        "0001-01-01",
        "2026-04-01T10:00:00+25:00",
        "١٢٣٤-01-01",
    ],
)
@pytest.mark.parametrize("parameter", ["deleted_after", "deleted_before"])
def test_a_window_end_that_is_no_date_or_date_time_is_refused(
    qbd: Any, eu: str, parameter: str, value: str
) -> None:
    wire = "deletedAfter" if parameter == "deleted_after" else "deletedBefore"
    for operation, types in (
        ("deleted_transactions", "transaction_types"),
        ("deleted_list_objects", "object_types"),
    ):
        with pytest.raises(conductor.BadRequestError) as refused:
            getattr(qbd, operation).list(
                **{types: ["time_tracking" if types == "transaction_types" else "vendor"]},
                **{parameter: value},
                conductor_end_user_id=eu,
            )
        invalid_request(refused, wire)


def test_another_companys_deletes_never_show(
    qbd: Any, eu: str, employee: Any, new_end_user: Callable[[], str], server: Server
) -> None:
    other = new_end_user()
    person = qbd.employees.create(first_name="Mallory", conductor_end_user_id=other)
    theirs = _activity(qbd, other, person)
    qbd.time_tracking_activities.delete(theirs.id, conductor_end_user_id=other)
    their_vendor = qbd.vendors.create(name="Their Vendor", conductor_end_user_id=other)
    delete_list_entry(server.database_url, other, ListKind.VENDOR, their_vendor.id)
    mine = _activity(qbd, eu, employee)
    qbd.time_tracking_activities.delete(mine.id, conductor_end_user_id=eu)

    my_ids = {d.id for d in _deleted_transactions(qbd, eu, "time_tracking")}
    assert mine.id in my_ids and theirs.id not in my_ids
    assert their_vendor.id not in {d.id for d in _deleted_list_objects(qbd, eu, "vendor")}
    assert [d.id for d in _deleted_transactions(qbd, other, "time_tracking")] == [theirs.id]
    assert [d.id for d in _deleted_list_objects(qbd, other, "vendor")] == [their_vendor.id]


def test_a_new_company_has_nothing_deleted(qbd: Any, new_end_user: Callable[[], str]) -> None:
    eu = new_end_user()
    listed = qbd.deleted_transactions.list(transaction_types=["time_tracking"], conductor_end_user_id=eu)
    assert (listed.object_type, listed.url, listed.data) == (
        "list",
        "/v1/quickbooks-desktop/deleted-transactions",
        [],
    )
    listed = qbd.deleted_list_objects.list(object_types=["customer"], conductor_end_user_id=eu)
    assert (listed.url, listed.data) == ("/v1/quickbooks-desktop/deleted-list-objects", [])
