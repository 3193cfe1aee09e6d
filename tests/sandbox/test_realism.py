"""Realism on demand: Conductor cursors that expire, QuickBooks Time's rate limit, production's latency."""

from __future__ import annotations

import time

import conductor
import httpx
import pytest

from tests.sandbox.conftest import Company
from tests.sandbox.test_faults import qbt_get


def test_an_expired_cursor_is_refused(company: Company) -> None:
    qbd, end_user = company.qbd, company.end_user_id
    first = qbd.time_tracking_activities.list(conductor_end_user_id=end_user, limit=5)
    time.sleep(1.2)
    kept = qbd.time_tracking_activities.list(
        conductor_end_user_id=end_user, limit=5, cursor=first.next_cursor
    )
    assert len(kept.data) == 5  # without realism a cursor lives on

    set_to = company.ok("PUT", "/realism", json={"conductor_cursor_expiry_seconds": 1})
    assert set_to == {
        "conductor_cursor_expiry_seconds": 1,
        "quickbooks_time_rate_limit": False,
        "latency": "none",
    }
    page = qbd.time_tracking_activities.list(conductor_end_user_id=end_user, limit=5)
    assert (
        len(
            qbd.time_tracking_activities.list(
                conductor_end_user_id=end_user, limit=5, cursor=page.next_cursor
            ).data
        )
        == 5
    )
    time.sleep(1.2)
    with pytest.raises(conductor.BadRequestError) as raised:
        qbd.time_tracking_activities.list(conductor_end_user_id=end_user, limit=5, cursor=page.next_cursor)
    assert "invalid or expired" in raised.value.body["error"]["message"]  # type: ignore[index]


def test_the_rate_limit_answers_429_on_request_301(company: Company) -> None:
    company.ok("PUT", "/realism", json={"quickbooks_time_rate_limit": True})
    block = company.demo["quickbooks_time"]
    headers = {"Authorization": f"Bearer {block['access_token']}"}
    with httpx.Client(base_url=block["base_url"], headers=headers, timeout=30) as client:
        statuses = [client.get("/current_user").status_code for _ in range(300)]
        over = client.get("/current_user")
    assert statuses == [200] * 300
    assert over.status_code == 429
    assert over.json() == {"error": {"code": 429, "message": "Too Many Requests"}}
    assert 1 <= int(over.headers["retry-after"]) <= 300
    assert company.qbd.employees.list(conductor_end_user_id=company.end_user_id).data  # Conductor: no limit
    assert company.ok("DELETE", "/realism")["quickbooks_time_rate_limit"] is False
    assert qbt_get(company, "current_user").status_code == 200


def test_production_latency_delays_answers(company: Company) -> None:
    company.ok("PUT", "/realism", json={"latency": "production"})
    started = time.monotonic()
    assert qbt_get(company, "current_user").status_code == 200
    assert time.monotonic() - started >= 0.4  # QuickBooks Time's 0.5 s, less its 20 % jitter
    assert company.ok("GET", "/realism")["latency"] == "production"


def test_realism_is_refused_when_it_makes_no_sense(company: Company) -> None:
    for body, message in (
        ({"latency": "slow"}, '"latency" must be one of: none, production.'),
        (
            {"conductor_cursor_expiry_seconds": 0},
            '"conductor_cursor_expiry_seconds" must be a positive number, or null.',
        ),
        ({"quickbooks_time_rate_limit": "yes"}, '"quickbooks_time_rate_limit" must be true or false.'),
    ):
        refused = company.call("PUT", "/realism", json=body)
        assert (refused.status_code, refused.json()["error"]["message"]) == (400, message)
