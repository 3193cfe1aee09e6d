"""How a sync learns what changed (reference §9.4): ``timesheets_deleted`` (deletes are hard, so this is
the only trace of one) and ``last_modified_timestamps`` (polled before fetching)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conformance.quickbooks_time.conftest import TIME_ZONE, Account, listed, one
from tests.conformance.quickbooks_time.refusals import expectation_failed

DELETED_FIELDS = {
    "id",
    "user_id",
    "jobcode_id",
    "start",
    "end",
    "duration",
    "date",
    "tz",
    "tz_str",
    "type",
    "location",
    "active",
    "locked",
    "notes",
    "last_modified",
}
DEFAULT_ENDPOINTS = {
    "current_user",
    "users",
    "jobcodes",
    "jobcode_assignments",
    "timesheets",
    "timesheets_deleted",
}


def _worker(api: httpx.Client) -> int:
    name = f"w{uuid.uuid4().hex[:10]}"
    item = {"username": name, "first_name": "W", "last_name": name, "permissions": {"time_tracking": True}}
    return int(one(api.post("/users", json={"data": [item]}), "users")["id"])


def _jobcode(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    fields.setdefault("name", f"Job {uuid.uuid4().hex[:8]}")
    return one(api.post("/jobcodes", json={"data": [fields]}), "jobcodes")


def _timesheet(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    return one(api.post("/timesheets", json={"data": [{"jobcode_id": 0, **fields}]}), "timesheets")


def _delete(api: httpx.Client, *ids: int) -> None:
    response = api.delete("/timesheets", params={"ids": ",".join(map(str, ids))})
    outcomes = response.json()["results"]["timesheets"]
    assert [o["_status_code"] for o in outcomes.values()] == [200] * len(ids), outcomes


def _deleted(api: httpx.Client, **params: Any) -> dict[str, Any]:
    return listed(api.get("/timesheets_deleted", params=params), "timesheets_deleted")


def _stamps(api: httpx.Client, **params: Any) -> dict[str, str]:
    response = api.get("/last_modified_timestamps", params=params)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"results"}
    return response.json()["results"]["last_modified_timestamps"]


@pytest.fixture(scope="module")
def account(new_account: Callable[[], Account]) -> Account:
    return new_account()


def test_a_deleted_timesheet_is_listed_in_timesheets_deleted(api: httpx.Client) -> None:
    user, jobcode = _worker(api), _jobcode(api)
    sheet = _timesheet(
        api,
        user_id=user,
        jobcode_id=jobcode["id"],
        type="regular",
        start="2026-04-01T09:00:00-06:00",
        end="2026-04-01T10:00:00-06:00",
        notes="gone soon",
    )
    _delete(api, sheet["id"])
    body = api.get("/timesheets_deleted", params={"ids": sheet["id"]}).json()
    assert body["more"] is False
    deleted = body["results"]["timesheets_deleted"][str(sheet["id"])]
    assert set(deleted) >= DELETED_FIELDS
    assert (deleted["id"], deleted["user_id"], deleted["jobcode_id"], deleted["notes"]) == (
        sheet["id"],
        user,
        jobcode["id"],
        "gone soon",
    )
    assert (deleted["start"], deleted["end"], deleted["duration"], deleted["date"]) == (
        "2026-04-01T09:00:00-06:00",
        "2026-04-01T10:00:00-06:00",
        3600,
        "2026-04-01",
    )
    assert (deleted["type"], deleted["tz"], deleted["tz_str"], deleted["active"]) == (
        "regular",
        -6,
        TIME_ZONE,
        "0",
    )
    assert deleted["last_modified"].endswith("+00:00") and deleted["last_modified"] >= sheet["last_modified"]
    assert body["supplemental_data"]["users"][str(user)]["id"] == user
    assert body["supplemental_data"]["jobcodes"][str(jobcode["id"])]["name"] == jobcode["name"]


def test_a_live_timesheet_is_not_in_timesheets_deleted(api: httpx.Client) -> None:
    user = _worker(api)
    sheet = _timesheet(api, user_id=user, type="manual", date="2026-04-02", duration=600)
    assert _deleted(api, ids=sheet["id"]) == {}
    assert _deleted(api, user_ids=user, start_date="2026-04-01", end_date="2026-04-30") == {}


def test_timesheets_deleted_needs_ids_both_dates_or_a_modification_time(api: httpx.Client) -> None:
    for params in ({}, {"start_date": "2026-04-01"}, {"end_date": "2026-04-30"}, {"user_ids": "1"}):
        expectation_failed(api.get("/timesheets_deleted", params=params))
    user = _worker(api)
    sheet = _timesheet(api, user_id=user, type="manual", date="2026-04-03", duration=600)
    _delete(api, sheet["id"])
    for params in (
        {"ids": sheet["id"]},
        {"start_date": "2026-04-03", "end_date": "2026-04-03"},
        {"modified_since": "2001-01-01T00:00:00-06:00"},
        {"modified_before": "2999-01-01T00:00:00-0600"},
    ):
        assert str(sheet["id"]) in _deleted(api, user_ids=user, **params), params


def test_timesheets_deleted_are_filtered_by_user_jobcode_and_type(api: httpx.Client) -> None:
    a, b = _worker(api), _worker(api)
    top = _jobcode(api)
    child = _jobcode(api, parent_id=top["id"])
    manual = _timesheet(
        api, user_id=a, jobcode_id=child["id"], type="manual", date="2026-04-06", duration=600
    )
    regular = _timesheet(
        api, user_id=a, type="regular", start="2026-04-06T09:00:00-06:00", end="2026-04-06T09:30:00-06:00"
    )
    other = _timesheet(api, user_id=b, type="manual", date="2026-04-06", duration=600)
    _delete(api, manual["id"], regular["id"], other["id"])
    dates = {"start_date": "2026-04-06", "end_date": "2026-04-06"}
    assert set(_deleted(api, user_ids=a, **dates)) == {str(manual["id"]), str(regular["id"])}
    assert set(_deleted(api, user_ids=f"{a},{b}", **dates)) == {
        str(manual["id"]),
        str(regular["id"]),
        str(other["id"]),
    }
    assert set(_deleted(api, jobcode_ids=top["id"], **dates)) == {str(manual["id"])}
    assert set(_deleted(api, user_ids=a, type="manual", **dates)) == {str(manual["id"])}
    assert set(_deleted(api, user_ids=a, type="regular", **dates)) == {str(regular["id"])}
    assert set(_deleted(api, user_ids=a, type="both", **dates)) == {str(manual["id"]), str(regular["id"])}
    expectation_failed(api.get("/timesheets_deleted", params={"type": "overtime", **dates}), "type")


def test_timesheets_deleted_page_like_every_list(api: httpx.Client) -> None:
    user = _worker(api)
    sheets = [
        _timesheet(api, user_id=user, type="manual", date="2026-04-07", duration=600)["id"] for _ in range(3)
    ]
    _delete(api, *sheets)
    dates = {"user_ids": user, "start_date": "2026-04-07", "end_date": "2026-04-07"}
    first = api.get("/timesheets_deleted", params={**dates, "limit": 2}).json()
    second = api.get("/timesheets_deleted", params={**dates, "limit": 2, "page": 2}).json()
    assert (len(first["results"]["timesheets_deleted"]), first["more"]) == (2, True)
    assert (len(second["results"]["timesheets_deleted"]), second["more"]) == (1, False)
    seen = set(first["results"]["timesheets_deleted"]) | set(second["results"]["timesheets_deleted"])
    assert seen == {str(s) for s in sheets}


def test_last_modified_timestamps_name_every_resource_in_utc(api: httpx.Client) -> None:
    stamps = _stamps(api)
    assert set(stamps) >= DEFAULT_ENDPOINTS
    for name, stamp in stamps.items():
        assert isinstance(stamp, str) and stamp.endswith("+00:00"), (name, stamp)


def test_last_modified_timestamps_narrow_to_the_endpoints_asked_for(api: httpx.Client) -> None:
    assert set(_stamps(api, endpoints="timesheets,timesheets_deleted,jobcodes")) == {
        "timesheets",
        "timesheets_deleted",
        "jobcodes",
    }
    assert set(_stamps(api, endpoints="users")) == {"users"}


def test_last_modified_timestamps_move_with_each_write(new_account: Callable[[], Account]) -> None:
    api = new_account().api
    jobcode = _jobcode(api)
    assert _stamps(api, endpoints="jobcodes") == {"jobcodes": jobcode["last_modified"]}
    user = _worker(api)
    made_user = listed(api.get("/users", params={"ids": user}), "users")[str(user)]
    assert _stamps(api, endpoints="users")["users"] == made_user["last_modified"]
    assignment = one(
        api.post("/jobcode_assignments", json={"data": [{"user_id": user, "jobcode_id": jobcode["id"]}]}),
        "jobcode_assignments",
    )
    assert _stamps(api, endpoints="jobcode_assignments")["jobcode_assignments"] == assignment["last_modified"]
    sheet = _timesheet(api, user_id=user, type="manual", date="2026-04-08", duration=600)
    assert _stamps(api, endpoints="timesheets")["timesheets"] == sheet["last_modified"]
    _delete(api, sheet["id"])
    gone = _deleted(api, ids=sheet["id"])[str(sheet["id"])]
    assert _stamps(api, endpoints="timesheets_deleted")["timesheets_deleted"] == gone["last_modified"]
