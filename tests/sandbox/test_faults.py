"""Faults on demand: each one seen through the official SDK as the exception production raises, or
over plain HTTP for QuickBooks Time, and a faulted write changes nothing."""

from __future__ import annotations

import time
from typing import Any

import conductor
import httpx
import pytest
from freshbooks.errors import FreshBooksError

from tests.sandbox.conftest import Company
from tests.sandbox.test_state import activities, freshbooks


def add(company: Company, **fault: Any) -> dict[str, Any]:
    return company.ok("POST", "/faults", json=fault)


def qbt_get(company: Company, resource: str) -> httpx.Response:
    block = company.demo["quickbooks_time"]
    headers = {"Authorization": f"Bearer {block['access_token']}"}
    return httpx.get(f"{block['base_url']}/{resource}", headers=headers, timeout=30)


def create_activity(company: Company, note: str) -> Any:
    qbd, end_user = company.qbd, company.end_user_id
    ada = next(
        e for e in qbd.employees.list(conductor_end_user_id=end_user).data if e.email == "ada@example.com"
    )
    return qbd.time_tracking_activities.create(
        conductor_end_user_id=end_user,
        entity_id=ada.id,
        transaction_date="2027-02-01",
        duration="PT1H",
        note=note,
    )


def test_a_connection_error_is_conductors_502_and_changes_nothing(company: Company) -> None:
    made = add(
        company, api="conductor", fault="connection_error", method="POST", path="*/time-tracking-activities"
    )
    assert {k: made[k] for k in ("api", "fault", "method", "count", "probability")} == {
        "api": "conductor",
        "fault": "connection_error",
        "method": "POST",
        "count": None,
        "probability": 1.0,
    }
    with pytest.raises(conductor.InternalServerError) as raised:
        create_activity(company, "Never written")
    error = raised.value.body["error"]  # type: ignore[index]
    assert (raised.value.status_code, error["code"], error["integrationCode"], error["type"]) == (
        502,
        "QBD_CONNECTION_ERROR",
        "0x80040420",
        "INTEGRATION_CONNECTION_ERROR",
    )
    assert len(activities(company)) == 20  # the GET does not match the fault; nothing was written
    assert company.ok("DELETE", f"/faults/{made['id']}") == {"id": made["id"], "deleted": True}
    assert create_activity(company, "Written").note == "Written"


def test_not_set_up_is_a_conflict_error_and_a_count_runs_out(company: Company) -> None:
    add(company, api="conductor", fault="not_set_up", count=2)
    for _ in range(2):
        with pytest.raises(conductor.ConflictError) as raised:
            activities(company)
        assert raised.value.body["error"]["code"] == "INTEGRATION_CONNECTION_NOT_SET_UP"  # type: ignore[index]
        assert raised.value.response.headers["x-should-retry"] == "false"
    assert len(activities(company)) == 20
    assert company.ok("GET", "/faults") == {"data": []}  # used up


def test_rate_limits_and_outages_in_each_apis_words(company: Company) -> None:
    add(company, api="freshbooks", fault="rate_limit", path="/timetracking/*")
    fb, block = freshbooks(company)
    with pytest.raises(FreshBooksError) as raised:
        fb.time_entries.list(block["business_id"])
    assert raised.value.status_code == 429
    assert fb.current_user().email == "ada@example.com"  # another path: untouched

    add(company, api="quickbooks_time", fault="unavailable")
    down = qbt_get(company, "current_user")
    assert (down.status_code, down.json(), down.headers["retry-after"]) == (
        503,
        {"error": {"code": 503, "message": "Service Unavailable"}},
        "1",
    )
    assert company.ok("DELETE", "/faults") == {"deleted": 2}
    assert qbt_get(company, "current_user").status_code == 200

    add(company, api="conductor", fault="rate_limit")
    with pytest.raises(conductor.RateLimitError) as too_many:  # the client retries nothing here
        company.qbd.employees.list(conductor_end_user_id=company.end_user_id)
    assert too_many.value.response.headers["retry-after"] == "1"


def test_latency_delays_the_real_answer_and_probability_zero_never_fires(company: Company) -> None:
    add(company, api="quickbooks_time", fault="latency", latency_ms=400, path="/api/v1/current_user")
    add(company, api="quickbooks_time", fault="unavailable", probability=0)
    started = time.monotonic()
    answered = qbt_get(company, "current_user")
    assert answered.status_code == 200 and time.monotonic() - started >= 0.4


def test_a_fault_is_refused_when_it_makes_no_sense(company: Company) -> None:
    for fault, message in (
        (
            {"api": "xero", "fault": "unavailable"},
            '"api" must be one of: conductor, freshbooks, quickbooks_time.',
        ),
        (
            {"api": "freshbooks", "fault": "not_set_up"},
            '"not_set_up" is a QuickBooks Desktop fault: its "api" is conductor.',
        ),
        ({"api": "conductor", "fault": "latency"}, '"latency_ms" must be a whole number from 1 to 60000.'),
        (
            {"api": "conductor", "fault": "unavailable", "probability": 2},
            '"probability" must be from 0 to 1.',
        ),
        (
            {"api": "conductor", "fault": "unavailable", "count": 0},
            '"count" must be a whole number of at least 1.',
        ),
        (
            {"api": "conductor", "fault": "unavailable", "when": "now"},
            'Unrecognized key "when": the body takes '
            "api, method, path, fault, latency_ms, probability, count.",
        ),
    ):
        refused = company.call("POST", "/faults", json=fault)
        assert (refused.status_code, refused.json()["error"]["message"]) == (400, message)
    gone = company.call("DELETE", "/faults/999999")
    assert (gone.status_code, gone.json()["error"]["message"]) == (404, "No fault with id 999999 exists.")
