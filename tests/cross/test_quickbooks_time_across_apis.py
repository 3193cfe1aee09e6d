"""One ledger, three APIs: a QuickBooks Time timesheet is the time tracking activity Conductor reads
(strict conductor-py) and the time entry FreshBooks reads; on the clock it is a FreshBooks running
timer that Conductor cannot see; a jobcode is a Conductor customer or job and a FreshBooks client or
project. One person signs in to both OAuth APIs on a company in America/Denver."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import conductor
import httpx
import pytest
from freshbooks import Client, FilterBuilder, PaginateBuilder

from tests.conformance.conductor.refusals import resource_missing
from tests.conformance.freshbooks.conftest import sign_in
from tests.conformance.quickbooks_time.conftest import TIME_ZONE, Account, listed, one
from timeledger.dialects.freshbooks.ids import render_identity_id

LIST_ID_BASE = 0x80000000


@dataclass
class Books:
    """One company seen through all three APIs by one person."""

    account: Account  # the QuickBooks Time side
    qbt: httpx.Client
    fb: Client
    business_id: int
    account_id: str
    end_user_id: str
    user_id: int  # QuickBooks Time's id of the person
    identity_id: int  # FreshBooks' id of the same person: another number, as between the real services


@pytest.fixture(scope="module")
def books(new_account: Callable[[], Account], app_credentials: dict[str, Any]) -> Books:
    account = new_account()
    fb = sign_in(app_credentials, account.email)
    me = fb.current_user()
    business = me.business_memberships[0].business
    assert me.identity_id == render_identity_id(account.user_id)
    return Books(
        account,
        account.api,
        fb,
        business.id,
        business.account_id,
        account.end_user_id,
        account.user_id,
        me.identity_id,
    )


def _key(qbd_id: str) -> int:
    return int(qbd_id.split("-")[0], 16)


def _list_key(qbd_id: str) -> int:
    return _key(qbd_id) - LIST_ID_BASE


def _activity_of(qbd_client: Any, books: Books, timesheet_id: int) -> Any:
    activities = qbd_client.qbd.time_tracking_activities.list(
        conductor_end_user_id=books.end_user_id, limit=150
    ).data
    found = [a for a in activities if _key(a.id) == timesheet_id]
    return found[0] if found else None


def _customer_of(qbd_client: Any, books: Books, jobcode_id: int) -> Any:
    customers = qbd_client.qbd.customers.list(
        conductor_end_user_id=books.end_user_id, limit=150, status="all"
    ).data
    (found,) = [c for c in customers if _list_key(c.id) == jobcode_id]
    return qbd_client.qbd.customers.retrieve(found.id, conductor_end_user_id=books.end_user_id)


def _jobcode(books: Books, **fields: Any) -> dict[str, Any]:
    fields.setdefault("name", f"Job {uuid.uuid4().hex[:8]}")
    return one(books.qbt.post("/jobcodes", json={"data": [fields]}), "jobcodes")


def _worker(books: Books) -> int:
    """Another person of the company who may track time, for hours no other test's overlap."""
    name = f"w{uuid.uuid4().hex[:8]}"
    item = {"username": name, "first_name": "Zoe", "last_name": name, "permissions": {"time_tracking": True}}
    return int(one(books.qbt.post("/users", json={"data": [item]}), "users")["id"])


def _timesheet(books: Books, **fields: Any) -> dict[str, Any]:
    item = {"user_id": books.user_id, "jobcode_id": 0, **fields}
    return one(books.qbt.post("/timesheets", json={"data": [item]}), "timesheets")


def test_a_timesheet_is_a_conductor_activity_on_the_job_its_jobcode_names(
    books: Books, qbd_client: Any
) -> None:
    client = _jobcode(books, name="Acme")
    job = _jobcode(books, name="Website", parent_id=client["id"])
    sheet = _timesheet(
        books,
        jobcode_id=job["id"],
        type="regular",
        start="2026-03-02T09:00:00-07:00",
        end="2026-03-02T10:30:00-07:00",
        notes="Wireframes",
    )
    found = _activity_of(qbd_client, books, sheet["id"])
    assert found is not None
    activity = qbd_client.qbd.time_tracking_activities.retrieve(
        found.id, conductor_end_user_id=books.end_user_id
    )
    assert (_list_key(activity.entity.id), activity.entity.full_name) == (books.user_id, "Simon Kovalic")
    assert (_list_key(activity.customer.id), activity.customer.full_name) == (job["id"], "Acme:Website")
    assert (activity.duration, activity.transaction_date, activity.note) == (
        "PT1H30M",
        date(2026, 3, 2),
        "Wireframes",
    )


def test_a_timesheet_is_a_freshbooks_time_entry_in_the_same_time_zone(books: Books) -> None:
    client = _jobcode(books, name=f"Globex {uuid.uuid4().hex[:4]}")
    job = _jobcode(books, name="Audit", parent_id=client["id"])
    sheet = _timesheet(
        books,
        jobcode_id=job["id"],
        type="regular",
        start="2026-03-03T09:00:00-07:00",
        end="2026-03-03T10:30:00-07:00",
        notes="Fieldwork",
    )
    entry = books.fb.time_entries.get(books.business_id, sheet["id"])
    assert (entry.identity_id, entry.client_id, entry.project_id) == (
        books.identity_id,
        client["id"],
        job["id"],
    )
    assert (entry.duration, entry.note, entry.is_logged) == (5400, "Fieldwork", True)
    assert entry.data["started_at"] == "2026-03-03T16:00:00Z"
    assert (entry.data["local_started_at"], entry.data["local_timezone"]) == (
        "2026-03-03T09:00:00",
        TIME_ZONE,
    )
    assert sheet["tz_str"] == entry.data["local_timezone"]


def test_a_manual_timesheet_is_time_on_its_date_in_both_other_apis(books: Books, qbd_client: Any) -> None:
    client = _jobcode(books, name=f"Initech {uuid.uuid4().hex[:4]}")
    sheet = _timesheet(books, jobcode_id=client["id"], type="manual", date="2026-03-04", duration=7200)
    activity = _activity_of(qbd_client, books, sheet["id"])
    assert (activity.transaction_date, activity.duration) == (date(2026, 3, 4), "PT2H0M")
    assert _list_key(activity.customer.id) == client["id"]
    entry = books.fb.time_entries.get(books.business_id, sheet["id"])
    assert (entry.client_id, entry.project_id, entry.duration) == (client["id"], None, 7200)
    # The person's local start is on the timesheet's date, whatever hour each API shows it at.
    assert entry.data["local_timezone"] == TIME_ZONE
    assert entry.data["local_started_at"][:10] == "2026-03-04", entry.data


def test_an_on_the_clock_timesheet_is_a_running_freshbooks_timer_invisible_to_conductor_until_stopped(
    books: Books, qbd_client: Any
) -> None:
    worker = _worker(books)
    running = _timesheet(books, user_id=worker, type="regular", start="2026-01-05T08:00:00-07:00", end="")
    entry = books.fb.time_entries.get(books.business_id, running["id"])
    assert (entry.is_logged, entry.duration) == (False, None)
    assert entry.data["timer"]["is_running"] is True
    assert entry.data["local_started_at"] == "2026-01-05T08:00:00"
    unlogged = books.fb.time_entries.list(
        books.business_id,
        builders=[
            FilterBuilder()
            .boolean("include_unlogged", True)
            .equals("identity_id", render_identity_id(worker)),
            PaginateBuilder(1, 100),
        ],
    )
    assert running["id"] in {e.id for e in unlogged}

    assert _activity_of(qbd_client, books, running["id"]) is None
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd_client.qbd.time_tracking_activities.retrieve(
            f"{running['id']:X}-0", conductor_end_user_id=books.end_user_id
        )
    resource_missing(excinfo)

    stopped = one(
        books.qbt.put(
            "/timesheets", json={"data": [{"id": running["id"], "end": "2026-01-05T08:45:00-07:00"}]}
        ),
        "timesheets",
    )
    assert (stopped["on_the_clock"], stopped["duration"]) == (False, 2700)
    activity = _activity_of(qbd_client, books, running["id"])
    assert activity is not None and (activity.duration, activity.transaction_date) == (
        "PT0H45M",
        date(2026, 1, 5),
    )
    logged = books.fb.time_entries.get(books.business_id, running["id"])
    assert (logged.is_logged, logged.duration) == (True, 2700)


def test_a_freshbooks_timer_is_an_on_the_clock_timesheet(books: Books) -> None:
    person = _worker(books)
    timer = books.fb.time_entries.create(
        books.business_id,
        {"is_logged": False, "started_at": "2026-01-06T15:00:00Z", "identity_id": render_identity_id(person)},
    )
    shown = listed(
        books.qbt.get("/timesheets", params={"ids": timer.id, "on_the_clock": "yes"}), "timesheets"
    )[str(timer.id)]
    assert (shown["on_the_clock"], shown["end"], shown["start"]) == (True, "", "2026-01-06T08:00:00-07:00")
    assert (shown["user_id"], shown["type"]) == (person, "regular")


def test_a_freshbooks_entry_is_a_timesheet_told_in_the_persons_time_zone(books: Books) -> None:
    entry = books.fb.time_entries.create(
        books.business_id,
        {"is_logged": True, "duration": 5400, "started_at": "2026-03-06T22:30:00Z", "note": "FB"},
    )
    sheet = listed(books.qbt.get("/timesheets", params={"ids": entry.id}), "timesheets")[str(entry.id)]
    assert (sheet["type"], sheet["start"], sheet["end"]) == (
        "regular",
        "2026-03-06T15:30:00-07:00",
        "2026-03-06T17:00:00-07:00",
    )
    assert (sheet["date"], sheet["duration"], sheet["notes"], sheet["tz_str"]) == (
        "2026-03-06",
        5400,
        "FB",
        TIME_ZONE,
    )


def test_a_conductor_activity_is_a_manual_timesheet(books: Books, qbd_client: Any) -> None:
    client = _jobcode(books, name=f"Hooli {uuid.uuid4().hex[:4]}")
    employee = next(
        e
        for e in qbd_client.qbd.employees.list(conductor_end_user_id=books.end_user_id, limit=150).data
        if _list_key(e.id) == books.user_id
    )
    customer = _customer_of(qbd_client, books, client["id"])
    activity = qbd_client.qbd.time_tracking_activities.create(
        conductor_end_user_id=books.end_user_id,
        entity_id=employee.id,
        customer_id=customer.id,
        transaction_date="2026-03-09",
        duration="PT1H15M",
        note="From QuickBooks",
        billing_status="not_billable",
    )
    sheet = listed(books.qbt.get("/timesheets", params={"ids": _key(activity.id)}), "timesheets")[
        str(_key(activity.id))
    ]
    assert (sheet["type"], sheet["date"], sheet["duration"], sheet["jobcode_id"], sheet["notes"]) == (
        "manual",
        "2026-03-09",
        4500,
        client["id"],
        "From QuickBooks",
    )
    assert (sheet["start"], sheet["end"]) == ("2026-03-09T08:00:00-06:00", "2026-03-09T09:15:00-06:00")


def test_a_top_level_jobcode_is_a_conductor_customer_and_a_freshbooks_client(
    books: Books, qbd_client: Any
) -> None:
    name = f"Umbrella {uuid.uuid4().hex[:4]}"
    jobcode = _jobcode(books, name=name)
    customer = _customer_of(qbd_client, books, jobcode["id"])
    assert (customer.name, customer.full_name, customer.parent, customer.is_active) == (
        name,
        name,
        None,
        True,
    )
    fb_client = books.fb.clients.get(books.account_id, jobcode["id"])
    assert fb_client.organization == name


def test_a_child_jobcode_is_a_conductor_job_and_a_freshbooks_project_of_its_client(
    books: Books, qbd_client: Any
) -> None:
    top = _jobcode(books, name=f"Wayne {uuid.uuid4().hex[:4]}")
    child = _jobcode(books, name="Tower", parent_id=top["id"])
    job = _customer_of(qbd_client, books, child["id"])
    assert (job.name, job.full_name, job.sublevel) == ("Tower", f"{top['name']}:Tower", 1)
    assert _list_key(job.parent.id) == top["id"]
    project = books.fb.projects.get(books.business_id, child["id"])
    assert (project.title, project.client_id) == ("Tower", top["id"])


def test_an_archived_jobcode_is_an_inactive_conductor_customer(books: Books, qbd_client: Any) -> None:
    jobcode = _jobcode(books)
    one(books.qbt.put("/jobcodes", json={"data": [{"id": jobcode["id"], "active": False}]}), "jobcodes")
    assert _customer_of(qbd_client, books, jobcode["id"]).is_active is False


def test_a_user_created_through_quickbooks_time_is_a_conductor_employee(
    books: Books, qbd_client: Any
) -> None:
    username = f"e{uuid.uuid4().hex[:8]}"
    user = one(
        books.qbt.post(
            "/users",
            json={
                "data": [
                    {
                        "username": username,
                        "first_name": "Kaylee",
                        "last_name": "Frye",
                        "email": "k@example.com",
                    }
                ]
            },
        ),
        "users",
    )
    employees = qbd_client.qbd.employees.list(conductor_end_user_id=books.end_user_id, limit=150).data
    (employee,) = [e for e in employees if _list_key(e.id) == user["id"]]
    assert (employee.first_name, employee.last_name, employee.email) == ("Kaylee", "Frye", "k@example.com")


def test_a_timesheet_deleted_through_quickbooks_time_vanishes_from_both_other_apis(
    books: Books, qbd_client: Any
) -> None:
    sheet = _timesheet(books, type="manual", date="2026-03-10", duration=600)
    activity = _activity_of(qbd_client, books, sheet["id"])
    assert activity is not None
    assert books.qbt.delete("/timesheets", params={"ids": sheet["id"]}).status_code == 200
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd_client.qbd.time_tracking_activities.retrieve(activity.id, conductor_end_user_id=books.end_user_id)
    resource_missing(excinfo)
    deleted = books.fb.time_entries.list(
        books.business_id,
        builders=[FilterBuilder().boolean("include_deleted", True), PaginateBuilder(1, 100)],
    )
    assert [e.active for e in deleted if e.id == sheet["id"]] == [False]


def test_a_persons_own_time_zone_is_the_one_freshbooks_shows_too(
    books: Books, set_time_zone: Callable[[Account, int, str], None], new_account: Callable[[], Account]
) -> None:
    worker = _worker(books)
    set_time_zone(books.account, worker, "Europe/Berlin")
    sheet = _timesheet(
        books,
        user_id=worker,
        type="regular",
        start="2026-03-11T09:00:00+01:00",
        end="2026-03-11T10:00:00+01:00",
    )
    assert (sheet["start"], sheet["tz_str"]) == ("2026-03-11T09:00:00+01:00", "Europe/Berlin")
    entry = books.fb.time_entries.get(books.business_id, sheet["id"])
    assert (entry.data["local_started_at"], entry.data["local_timezone"]) == (
        "2026-03-11T09:00:00",
        "Europe/Berlin",
    )
