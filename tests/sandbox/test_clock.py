"""A company's own clock: created and updated times follow it, frozen or running, and a clock moved
past a token's expiry expires the token, as time would."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from freshbooks.errors import FreshBooksError

from tests.sandbox.conftest import Company
from tests.sandbox.test_faults import create_activity, qbt_get
from tests.sandbox.test_state import freshbooks


def test_a_frozen_clock_stamps_every_write_with_its_now(company: Company) -> None:
    frozen = company.ok("PUT", "/clock", json={"now": "2030-06-01T12:00:00Z", "frozen": True})
    assert frozen == {"now": "2030-06-01T12:00:00+00:00", "frozen": True, "set": True}
    first = create_activity(company, "Frozen one")
    time.sleep(0.05)
    second = create_activity(company, "Frozen two")
    assert first.created_at == second.created_at == "2030-06-01T12:00:00+00:00"
    assert company.ok("GET", "/clock")["now"] == "2030-06-01T12:00:00+00:00"


def test_a_running_clock_starts_at_its_now_and_runs(company: Company) -> None:
    company.ok("PUT", "/clock", json={"now": "2031-01-01T00:00:00+01:00", "frozen": False})
    first = datetime.fromisoformat(create_activity(company, "Running").created_at)
    time.sleep(1.1)
    second = datetime.fromisoformat(create_activity(company, "Later").created_at)
    start = datetime.fromisoformat("2030-12-31T23:00:00+00:00")
    assert start <= first < second < start + timedelta(minutes=1)
    assert company.ok("DELETE", "/clock")["set"] is False
    assert create_activity(company, "Now").created_at.startswith(str(datetime.now(UTC).year))


def test_a_clock_past_a_tokens_expiry_expires_it(company: Company) -> None:
    assert qbt_get(company, "current_user").status_code == 200
    company.ok("PUT", "/clock", json={"now": "2099-01-01T00:00:00Z", "frozen": True})
    expired = qbt_get(company, "current_user")
    assert expired.status_code == 401 and "expired" in expired.json()["error"]["message"]
    fb, _ = freshbooks(company)
    with pytest.raises(FreshBooksError) as raised:
        fb.current_user()
    assert raised.value.status_code == 401
    assert (
        len(company.qbd.employees.list(conductor_end_user_id=company.end_user_id).data) == 3
    )  # keys do not expire
    company.ok("DELETE", "/clock")
    assert qbt_get(company, "current_user").status_code == 200


def test_a_clock_is_refused_when_it_is_not_a_moment(company: Company) -> None:
    for body, message in (
        ({"now": "tomorrow"}, "\"now\" is not an ISO 8601 date and time: 'tomorrow'."),
        ({"now": "2030-01-01T00:00:00"}, '"now" must carry its offset (Z, or +HH:MM).'),
        ({"now": "2030-01-01T00:00:00Z", "frozen": "yes"}, '"frozen" must be true or false.'),
    ):
        refused = company.call("PUT", "/clock", json=body)
        assert (refused.status_code, refused.json()["error"]["message"]) == (400, message)
    assert company.ok("GET", "/clock")["set"] is False
