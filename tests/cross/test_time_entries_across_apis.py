"""One ledger, two APIs: a time entry written through FreshBooks is the time tracking activity
Conductor reads, and the other way round; deletes and revisions hold across both."""

from __future__ import annotations

from datetime import date
from typing import Any

import conductor
import pytest
from freshbooks import FilterBuilder, FreshBooksError, PaginateBuilder

from tests.conformance.conductor.refusals import qbd_refusal, resource_missing
from tests.conformance.freshbooks.conftest import Business
from tests.conformance.freshbooks.refusals import not_found


def _key(qbd_id: str) -> int:
    return int(qbd_id.split("-")[0], 16)


def _list_key(qbd_id: str) -> int:
    return _key(qbd_id) - 0x80000000


@pytest.fixture(scope="module")
def books(business: Business) -> dict[str, Any]:
    fb, aid, bid = business.fb, business.account_id, business.business_id
    client = fb.clients.create(aid, {"organization": "Acme"})
    return {
        "client": client.id,
        "project": fb.projects.create(bid, {"title": "Website", "client_id": client.id}).id,
        "service": fb.services.create(bid, {"name": "Design"}).id,
    }


def _activity_of(qbd: Any, business: Business, entry_id: int) -> Any:
    activities = qbd.time_tracking_activities.list(conductor_end_user_id=business.end_user_id, limit=150).data
    found = [a for a in activities if _key(a.id) == entry_id]
    return found[0] if found else None


def test_an_entry_logged_through_freshbooks_is_a_conductor_activity(
    business: Business, books: dict[str, Any], qbd_client: Any
) -> None:
    entry = business.fb.time_entries.create(
        business.business_id,
        {
            "is_logged": True,
            "duration": 5400,
            "note": "Wireframes",
            "started_at": "2026-03-02T22:30:00Z",
            "project_id": books["project"],
            "service_id": books["service"],
            "billable": True,
        },
    )
    activity = qbd_client.qbd.time_tracking_activities.retrieve(
        _activity_of(qbd_client.qbd, business, entry.id).id, conductor_end_user_id=business.end_user_id
    )
    assert _list_key(activity.entity.id) == business.person_key  # the identity is the person
    assert activity.entity.full_name == "Simon Kovalic"
    assert (activity.customer.full_name, _list_key(activity.customer.id)) == (
        "Acme:Website",
        books["project"],
    )
    assert (activity.service_item.full_name, _list_key(activity.service_item.id)) == (
        "Design",
        books["service"],
    )
    assert (activity.duration, activity.transaction_date, activity.note) == (
        "PT1H30M",
        date(2026, 3, 2),
        "Wireframes",
    )
    assert (activity.billing_status, activity.is_billed) == ("billable", False)


def test_billed_and_unbilled_flags_are_conductors_billing_status(
    business: Business, books: dict[str, Any], qbd_client: Any
) -> None:
    base = {
        "is_logged": True,
        "duration": 60,
        "started_at": "2026-03-03T09:00:00Z",
        "client_id": books["client"],
    }
    billed = business.fb.time_entries.create(business.business_id, {**base, "billed": True})
    plain = business.fb.time_entries.create(business.business_id, base)
    assert _activity_of(qbd_client.qbd, business, billed.id).billing_status == "has_been_billed"
    assert _activity_of(qbd_client.qbd, business, plain.id).billing_status == "not_billable"


def test_an_activity_created_through_conductor_appears_in_freshbooks(
    business: Business, books: dict[str, Any], qbd_client: Any
) -> None:
    qbd = qbd_client.qbd
    employee = qbd.employees.list(conductor_end_user_id=business.end_user_id).data[0]
    customers = qbd.customers.list(conductor_end_user_id=business.end_user_id, limit=150).data
    job = next(c for c in customers if c.full_name == "Acme:Website")
    activity = qbd.time_tracking_activities.create(
        conductor_end_user_id=business.end_user_id,
        entity_id=employee.id,
        customer_id=job.id,
        transaction_date="2026-06-01",
        duration="PT2H15M",
        note="From QuickBooks",
        billing_status="not_billable",
    )
    entry = business.fb.time_entries.get(business.business_id, _key(activity.id))
    assert (entry.identity_id, entry.project_id, entry.client_id) == (
        business.identity_id,
        books["project"],
        books["client"],
    )
    assert (entry.duration, entry.note, entry.billable, entry.is_logged) == (
        8100,
        "From QuickBooks",
        False,
        True,
    )
    assert entry.data["started_at"] == "2026-06-01T00:00:00Z"
    listed = business.fb.time_entries.list(
        business.business_id,
        builders=[FilterBuilder().equals("project_id", books["project"]), PaginateBuilder(1, 100)],
    )
    assert entry.id in {e.id for e in listed}


def test_a_running_timer_is_invisible_to_conductor_until_it_stops(
    business: Business, qbd_client: Any
) -> None:
    timer = business.fb.time_entries.create(
        business.business_id, {"is_logged": False, "started_at": "2026-07-01T09:00:00Z"}
    )
    assert _activity_of(qbd_client.qbd, business, timer.id) is None
    qbd_id = f"{timer.id:X}-{0}"
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd_client.qbd.time_tracking_activities.retrieve(qbd_id, conductor_end_user_id=business.end_user_id)
    resource_missing(excinfo)
    business.fb.time_entries.update(business.business_id, timer.id, {"is_logged": True, "duration": 1800})
    activity = _activity_of(qbd_client.qbd, business, timer.id)
    assert activity is not None and activity.duration == "PT0H30M"


def test_an_entry_deleted_through_freshbooks_vanishes_from_both(business: Business, qbd_client: Any) -> None:
    entry = business.fb.time_entries.create(
        business.business_id, {"is_logged": True, "duration": 60, "started_at": "2026-03-04T09:00:00Z"}
    )
    activity = _activity_of(qbd_client.qbd, business, entry.id)
    business.fb.time_entries.delete(business.business_id, entry.id)
    with pytest.raises(conductor.NotFoundError) as conductor_excinfo:
        qbd_client.qbd.time_tracking_activities.retrieve(
            activity.id, conductor_end_user_id=business.end_user_id
        )
    resource_missing(conductor_excinfo)
    assert _activity_of(qbd_client.qbd, business, entry.id) is None
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.time_entries.get(business.business_id, entry.id)
    not_found(excinfo)


def test_an_activity_deleted_through_conductor_vanishes_from_freshbooks(
    business: Business, qbd_client: Any
) -> None:
    entry = business.fb.time_entries.create(
        business.business_id, {"is_logged": True, "duration": 60, "started_at": "2026-03-05T09:00:00Z"}
    )
    activity = _activity_of(qbd_client.qbd, business, entry.id)
    qbd_client.qbd.time_tracking_activities.delete(activity.id, conductor_end_user_id=business.end_user_id)
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.time_entries.get(business.business_id, entry.id)
    assert excinfo.value.status_code == 404
    not_found(excinfo)
    deleted = business.fb.time_entries.list(
        business.business_id,
        builders=[FilterBuilder().boolean("include_deleted", True), PaginateBuilder(1, 100)],
    )
    assert [e.active for e in deleted if e.id == entry.id] == [False]


def test_a_stale_conductor_revision_after_a_freshbooks_update_is_refused(
    business: Business, qbd_client: Any
) -> None:
    entry = business.fb.time_entries.create(
        business.business_id, {"is_logged": True, "duration": 60, "started_at": "2026-03-06T09:00:00Z"}
    )
    seen = _activity_of(qbd_client.qbd, business, entry.id)
    business.fb.time_entries.update(business.business_id, entry.id, {"note": "Changed in FreshBooks"})
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd_client.qbd.time_tracking_activities.update(
            seen.id,
            conductor_end_user_id=business.end_user_id,
            revision_number=seen.revision_number,
            entity_id=seen.entity.id,
            duration="PT2H",
        )
    assert excinfo.value.body["error"]["integrationCode"] == "3200"  # type: ignore[index]
    qbd_refusal(excinfo)
    assert business.fb.time_entries.get(business.business_id, entry.id).note == "Changed in FreshBooks"


def test_a_conductor_date_change_moves_the_freshbooks_start_to_that_day(
    business: Business, qbd_client: Any
) -> None:
    entry = business.fb.time_entries.create(
        business.business_id, {"is_logged": True, "duration": 60, "started_at": "2026-03-07T14:45:00Z"}
    )
    seen = _activity_of(qbd_client.qbd, business, entry.id)
    qbd_client.qbd.time_tracking_activities.update(
        seen.id,
        conductor_end_user_id=business.end_user_id,
        revision_number=seen.revision_number,
        entity_id=seen.entity.id,
        duration="PT1H",
        transaction_date="2026-03-09",
    )
    moved = business.fb.time_entries.get(business.business_id, entry.id)
    assert (moved.data["started_at"], moved.duration) == ("2026-03-09T14:45:00Z", 3600)


def test_a_token_of_one_company_never_reads_another(new_business: Any, business: Business) -> None:
    other = new_business()
    secret_entry = other.fb.time_entries.create(
        other.business_id,
        {"is_logged": True, "duration": 60, "started_at": "2026-03-08T09:00:00Z", "note": "private"},
    )
    secret_client = other.fb.clients.create(other.account_id, {"organization": "Private client"})
    fb = business.fb
    # Each with the errno its family gives a 404: none from project-like endpoints, 1012 from clients.
    attempts = [
        (lambda: fb.time_entries.list(other.business_id), None),
        (lambda: fb.time_entries.get(other.business_id, secret_entry.id), None),
        (lambda: fb.time_entries.get(business.business_id, secret_entry.id), None),
        (lambda: fb.time_entries.update(other.business_id, secret_entry.id, {"note": "mine now"}), None),
        (lambda: fb.time_entries.delete(other.business_id, secret_entry.id), None),
        (lambda: fb.projects.list(other.business_id), None),
        (lambda: fb.services.list(other.business_id), None),
        (lambda: fb.clients.list(other.account_id), 1012),
        (lambda: fb.clients.get(other.account_id, secret_client.id), 1012),
        (lambda: fb.clients.get(business.account_id, secret_client.id), 1012),
    ]
    for attempt, errno in attempts:
        with pytest.raises(FreshBooksError) as excinfo:
            attempt()
        assert excinfo.value.status_code in (401, 404)
        not_found(excinfo, errno)
        assert "private" not in str(excinfo.value.raw_response).lower()
    assert other.fb.time_entries.get(other.business_id, secret_entry.id).note == "private"


def test_a_job_moved_to_another_customer_is_a_project_of_that_client_all_the_way_down(
    business: Business, qbd_client: Any
) -> None:
    """Conductor moves a job (with a job below it) under another customer; FreshBooks then names the
    new client for the job, the job below it, and time logged on either."""
    qbd, eu = qbd_client.qbd, business.end_user_id
    first = qbd.customers.create(name="Initrode", conductor_end_user_id=eu)
    second = qbd.customers.create(name="Vandelay", conductor_end_user_id=eu)
    job = qbd.customers.create(name="Latex", parent_id=first.id, conductor_end_user_id=eu)
    phase = qbd.customers.create(name="Phase 2", parent_id=job.id, conductor_end_user_id=eu)
    entry = business.fb.time_entries.create(
        business.business_id,
        {
            "is_logged": True,
            "duration": 600,
            "started_at": "2026-03-04T10:00:00Z",
            "project_id": _list_key(phase.id),
        },
    )
    assert (entry.client_id, entry.project_id) == (_list_key(first.id), _list_key(phase.id))
    qbd.customers.update(
        job.id, revision_number=job.revision_number, parent_id=second.id, conductor_end_user_id=eu
    )
    for project in (job, phase):
        got = business.fb.projects.get(business.business_id, _list_key(project.id))
        assert got.client_id == _list_key(second.id)
    moved = business.fb.time_entries.get(business.business_id, entry.id)
    assert (moved.client_id, moved.project_id) == (_list_key(second.id), _list_key(phase.id))
    assert qbd.customers.retrieve(phase.id, conductor_end_user_id=eu).full_name == "Vandelay:Latex:Phase 2"
