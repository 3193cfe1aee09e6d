"""One ledger, three APIs: what is deleted through FreshBooks or QuickBooks Time is what Conductor's
deleted-transactions and deleted-list-objects (strict conductor-py) report, under the IDs Conductor
showed while it lived. This is how a sync reading Conductor learns of deletes made elsewhere."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from freshbooks import Client

from tests.conformance.freshbooks.conftest import sign_in
from tests.conformance.quickbooks_time.conftest import Account, one

LIST_ID_BASE = 0x80000000


@dataclass
class Books:
    """One company seen through all three APIs by one person."""

    qbt: httpx.Client
    fb: Client
    business_id: int
    account_id: str
    end_user_id: str
    user_id: int


@pytest.fixture(scope="module")
def books(new_account: Callable[[], Account], app_credentials: dict[str, Any]) -> Books:
    account = new_account()
    fb = sign_in(app_credentials, account.email)
    business = fb.current_user().business_memberships[0].business
    return Books(account.api, fb, business.id, business.account_id, account.end_user_id, account.user_id)


def _key(qbd_id: str) -> int:
    return int(qbd_id.split("-")[0], 16)


def _list_key(qbd_id: str) -> int:
    return _key(qbd_id) - LIST_ID_BASE


def _activity_id(qbd_client: Any, books: Books, key: int) -> str:
    """The ID Conductor shows the activity by while it lives."""
    activities = qbd_client.qbd.time_tracking_activities.list(
        conductor_end_user_id=books.end_user_id, limit=150
    ).data
    (found,) = [a.id for a in activities if _key(a.id) == key]
    return found


def _deleted_transactions(qbd_client: Any, books: Books) -> dict[str, Any]:
    found = qbd_client.qbd.deleted_transactions.list(
        transaction_types=["time_tracking"], conductor_end_user_id=books.end_user_id
    ).data
    return {d.id: d for d in found}


def _deleted_list_objects(qbd_client: Any, books: Books) -> dict[str, Any]:
    found = qbd_client.qbd.deleted_list_objects.list(
        object_types=["customer", "item_service"], conductor_end_user_id=books.end_user_id
    ).data
    return {d.id: d for d in found}


def test_a_time_entry_deleted_through_freshbooks_is_a_deleted_conductor_activity(
    books: Books, qbd_client: Any
) -> None:
    entry = books.fb.time_entries.create(
        books.business_id, {"is_logged": True, "duration": 3600, "started_at": "2026-05-04T15:00:00Z"}
    )
    activity_id = _activity_id(qbd_client, books, entry.id)
    assert activity_id not in _deleted_transactions(qbd_client, books)
    books.fb.time_entries.delete(books.business_id, entry.id)
    deleted = _deleted_transactions(qbd_client, books)[activity_id]
    assert (deleted.transaction_type, deleted.ref_number) == ("time_tracking", None)


def test_a_timesheet_deleted_through_quickbooks_time_is_a_deleted_conductor_activity(
    books: Books, qbd_client: Any
) -> None:
    item = {
        "user_id": books.user_id,
        "jobcode_id": 0,
        "type": "manual",
        "date": "2026-05-05",
        "duration": 1800,
    }
    sheet = one(books.qbt.post("/timesheets", json={"data": [item]}), "timesheets")
    activity_id = _activity_id(qbd_client, books, sheet["id"])
    answer = books.qbt.delete("/timesheets", params={"ids": str(sheet["id"])})
    assert answer.status_code == 200, answer.text
    assert _deleted_transactions(qbd_client, books)[activity_id].transaction_type == "time_tracking"


def test_a_timer_deleted_while_running_was_never_a_conductor_activity(books: Books, qbd_client: Any) -> None:
    timer = books.fb.time_entries.create(
        books.business_id, {"is_logged": False, "started_at": "2026-05-06T09:00:00Z"}
    )
    books.fb.time_entries.delete(books.business_id, timer.id)
    assert timer.id not in {_key(i) for i in _deleted_transactions(qbd_client, books)}


def test_a_client_project_and_service_deleted_through_freshbooks_are_deleted_list_objects(
    books: Books, qbd_client: Any
) -> None:
    fb, bid = books.fb, books.business_id
    organization = f"Globex {uuid.uuid4().hex[:6]}"
    client = fb.clients.create(books.account_id, {"organization": organization})
    project = fb.projects.create(bid, {"title": "Launch", "client_id": client.id})
    service = fb.services.create(bid, {"name": f"Rigging {uuid.uuid4().hex[:6]}"})
    customers = qbd_client.qbd.customers.list(conductor_end_user_id=books.end_user_id, limit=150).data
    living = {_list_key(c.id): c for c in customers}
    assert living[project.id].full_name == f"{organization}:Launch"

    fb.projects.delete(bid, project.id)
    fb.clients.delete(books.account_id, client.id)  # a PUT of vis_state 1
    fb.services.delete(bid, service.id)

    deleted = {(_list_key(d.id), d.list_type): d for d in _deleted_list_objects(qbd_client, books).values()}
    assert deleted[client.id, "customer"].full_name == organization
    assert deleted[client.id, "customer"].id == living[client.id].id
    # A project is a job: a customer below its client.
    assert deleted[project.id, "customer"].full_name == f"{organization}:Launch"
    assert deleted[project.id, "customer"].id == living[project.id].id
    assert deleted[service.id, "item_service"].full_name == service.name
    assert [d.list_type for d in deleted.values()] == sorted(
        (d.list_type for d in deleted.values()), key=["customer", "item_service"].index
    )


def test_a_client_brought_back_through_freshbooks_is_no_longer_deleted(books: Books, qbd_client: Any) -> None:
    client = books.fb.clients.create(books.account_id, {"organization": f"Phoenix {uuid.uuid4().hex[:6]}"})
    books.fb.clients.delete(books.account_id, client.id)
    assert client.id in {_list_key(i) for i in _deleted_list_objects(qbd_client, books)}
    books.fb.clients.update(books.account_id, client.id, {"vis_state": 0})
    assert client.id not in {_list_key(i) for i in _deleted_list_objects(qbd_client, books)}
