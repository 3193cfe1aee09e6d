"""Timesheets (reference §2, §9.2, §9.3): regular ones (start and end, ``end: ""`` on the clock, one
running per user), manual ones (date and duration in 36-second steps, shown from 08:00 local), overlaps
refused, users without ``time_tracking`` refused, times told in the user's zone; every list filter,
update and delete.

The account's company keeps America/Denver: -07:00 in March, -06:00 in July. Each test tracks time for
a worker of its own, so no test's hours overlap another's.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conformance.quickbooks_time.conftest import TIME_ZONE, Account, created, listed, one
from tests.conformance.quickbooks_time.refusals import expectation_failed, item_refusal


def _worker(api: httpx.Client, *, time_tracking: bool = True, **fields: Any) -> int:
    """A new user of the account, allowed to track time unless told otherwise."""
    name = f"w{uuid.uuid4().hex[:10]}"
    item = {
        "username": name,
        "first_name": "Worker",
        "last_name": name,
        "permissions": {"time_tracking": time_tracking},
        **fields,
    }
    return int(one(api.post("/users", json={"data": [item]}), "users")["id"])


def _jobcode(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    fields.setdefault("name", f"Job {uuid.uuid4().hex[:8]}")
    return one(api.post("/jobcodes", json={"data": [fields]}), "jobcodes")


def _post(api: httpx.Client, *items: dict[str, Any]) -> httpx.Response:
    return api.post("/timesheets", json={"data": list(items)})


def _put(api: httpx.Client, *items: dict[str, Any]) -> httpx.Response:
    return api.put("/timesheets", json={"data": list(items)})


def _regular(user_id: int, start: str, end: str, jobcode_id: int = 0, **fields: Any) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "jobcode_id": jobcode_id,
        "type": "regular",
        "start": start,
        "end": end,
        **fields,
    }


def _manual(user_id: int, date: str, duration: int, jobcode_id: int = 0, **fields: Any) -> dict[str, Any]:
    return {
        "user_id": user_id,
        "jobcode_id": jobcode_id,
        "type": "manual",
        "date": date,
        "duration": duration,
        **fields,
    }


def _made(api: httpx.Client, item: dict[str, Any]) -> dict[str, Any]:
    return one(_post(api, item), "timesheets")


def _list(api: httpx.Client, **params: Any) -> dict[str, Any]:
    return listed(api.get("/timesheets", params=params), "timesheets")


def _ids(api: httpx.Client, **params: Any) -> set[int]:
    return {int(k) for k in _list(api, **params)}


def _get(api: httpx.Client, timesheet_id: int) -> dict[str, Any]:
    return _list(api, ids=timesheet_id, on_the_clock="both")[str(timesheet_id)]


@pytest.fixture(scope="module")
def account(new_account: Callable[[], Account]) -> Account:
    return new_account()


@pytest.fixture(scope="module")
def jobcode(api: httpx.Client) -> dict[str, Any]:
    return _jobcode(api)


# --- regular timesheets ---------------------------------------------------------------------------


def test_a_regular_timesheet_computes_its_duration_and_date(
    api: httpx.Client, account: Account, jobcode: dict[str, Any]
) -> None:
    user = _worker(api)
    response = _post(
        api,
        _regular(
            user, "2026-03-02T09:00:00-07:00", "2026-03-02T10:30:00-07:00", jobcode["id"], notes="Design"
        ),
    )
    item = response.json()["results"]["timesheets"]["1"]
    assert (item["_status_code"], item["_status_message"]) == (200, "Created")
    assert (item["user_id"], item["jobcode_id"], item["type"], item["notes"]) == (
        user,
        jobcode["id"],
        "regular",
        "Design",
    )
    assert (item["start"], item["end"]) == ("2026-03-02T09:00:00-07:00", "2026-03-02T10:30:00-07:00")
    assert (item["duration"], item["date"], item["on_the_clock"]) == (5400, "2026-03-02", False)
    assert (item["tz"], item["tz_str"]) == (-7, TIME_ZONE)
    assert item["created_by_user_id"] == account.user_id
    assert item["locked"] == 0 and item["attached_files"] == []
    assert item["customfields"] == ""  # an empty custom-field map is "" (reference §1, §9.8)
    assert item["last_modified"].endswith("+00:00")
    shown = _get(api, item["id"])
    for field in ("id", "user_id", "jobcode_id", "start", "end", "duration", "date", "tz", "tz_str", "notes"):
        assert shown[field] == item[field], field
    assert shown["on_the_clock"] is False


def test_a_write_answers_the_legacy_active_flag_as_the_docs_examples_do(api: httpx.Client) -> None:
    # Reference §9.3: POST/PUT responses carry "active": "0" for a timesheet that is not running.
    user = _worker(api)
    regular = _made(api, _regular(user, "2026-03-03T09:00:00-07:00", "2026-03-03T10:00:00-07:00"))
    manual = _made(api, _manual(user, "2026-03-03", 3600))
    assert regular["active"] == "0" and manual["active"] == "0"
    updated = one(_put(api, {"id": regular["id"], "notes": "changed"}), "timesheets")
    assert updated["active"] == "0"


def test_start_and_end_come_back_in_the_users_time_zone(api: httpx.Client) -> None:
    # The reference's own example (§9.2): -07:00 sent, the same instant in the user's -06:00 returned.
    user = _worker(api)
    made = _made(api, _regular(user, "2018-07-23T10:00:00-07:00", "2018-07-23T13:10:23-07:00"))
    assert (made["start"], made["end"]) == ("2018-07-23T11:00:00-06:00", "2018-07-23T14:10:23-06:00")
    assert (made["duration"], made["date"], made["tz"], made["tz_str"]) == (
        11423,
        "2018-07-23",
        -6,
        TIME_ZONE,
    )


def test_a_timesheets_date_is_the_users_local_date(api: httpx.Client) -> None:
    user = _worker(api)
    made = _made(api, _regular(user, "2026-03-05T04:30:00+00:00", "2026-03-05T05:00:00Z"))
    assert (made["start"], made["end"]) == ("2026-03-04T21:30:00-07:00", "2026-03-04T22:00:00-07:00")
    assert made["date"] == "2026-03-04"


def test_offsets_without_a_colon_are_read(api: httpx.Client) -> None:
    user = _worker(api)
    made = _made(api, _regular(user, "2026-03-06T09:00:00-0700", "2026-03-06T09:45:00-0700"))
    assert (made["start"], made["duration"]) == ("2026-03-06T09:00:00-07:00", 2700)


def test_a_person_with_a_time_zone_of_their_own_sees_times_in_it(
    api: httpx.Client, account: Account, set_time_zone: Callable[[Account, int, str], None]
) -> None:
    user = _worker(api)
    set_time_zone(account, user, "Europe/Berlin")
    made = _made(api, _regular(user, "2026-03-09T23:30:00+00:00", "2026-03-10T00:30:00+00:00"))
    assert (made["start"], made["end"]) == ("2026-03-10T00:30:00+01:00", "2026-03-10T01:30:00+01:00")
    assert (made["date"], made["tz"], made["tz_str"]) == ("2026-03-10", 1, "Europe/Berlin")
    manual = _made(api, _manual(user, "2026-07-01", 3600))
    assert (manual["start"], manual["end"], manual["tz"]) == (
        "2026-07-01T08:00:00+02:00",
        "2026-07-01T09:00:00+02:00",
        2,
    )


def test_an_end_before_the_start_is_refused(api: httpx.Client) -> None:
    user = _worker(api)
    response = _post(api, _regular(user, "2026-03-07T10:00:00-07:00", "2026-03-07T09:00:00-07:00"))
    item_refusal(response, "timesheets", "1", 417, "Expectation Failed", "end")


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"user_id": None}, "user_id"),
        ({"jobcode_id": None}, "jobcode_id"),
        ({"type": None}, "type"),
        ({"type": "overtime"}, "type"),
        ({"start": None}, "start"),
        ({"end": None}, "end"),
        ({"start": "yesterday at nine"}, "start"),
        ({"start": "2026-03-08T09:00:00"}, "start"),  # no offset
        ({"end": "2026-13-08T09:00:00-07:00"}, "end"),
    ],
    ids=lambda v: str(v)[:24] if isinstance(v, dict) else v,
)
def test_a_regular_timesheet_with_a_missing_or_bad_field_is_refused(
    api: httpx.Client, change: dict[str, Any], word: str
) -> None:
    item = _regular(_worker(api), "2026-03-08T09:00:00-07:00", "2026-03-08T10:00:00-07:00")
    item = {k: v for k, v in {**item, **change}.items() if v is not None}
    item_refusal(_post(api, item), "timesheets", "1", 417, "Expectation Failed", word)


def test_a_timesheet_for_a_user_or_jobcode_that_does_not_exist_is_refused(api: httpx.Client) -> None:
    user = _worker(api)
    response = _post(
        api,
        _regular(999999999, "2026-03-09T09:00:00-07:00", "2026-03-09T10:00:00-07:00"),
        _regular(user, "2026-03-09T09:00:00-07:00", "2026-03-09T10:00:00-07:00", 999999999),
    )
    item_refusal(response, "timesheets", "1", 417, "Expectation Failed", "person")
    item_refusal(response, "timesheets", "2", 417, "Expectation Failed", "customer")


def test_a_timesheet_on_an_archived_jobcode_is_refused(api: httpx.Client) -> None:
    jobcode = _jobcode(api)
    one(api.put("/jobcodes", json={"data": [{"id": jobcode["id"], "active": False}]}), "jobcodes")
    response = _post(api, _manual(_worker(api), "2026-03-09", 600, jobcode["id"]))
    item_refusal(response, "timesheets", "1", 417, "Expectation Failed")


def test_a_timesheet_for_an_archived_user_is_refused(api: httpx.Client) -> None:
    user = _worker(api)
    one(api.put("/users", json={"data": [{"id": user, "active": False}]}), "users")
    item_refusal(_post(api, _manual(user, "2026-03-09", 600)), "timesheets", "1", 417, "Expectation Failed")


def test_jobcode_0_is_a_timesheet_on_no_jobcode(api: httpx.Client) -> None:
    made = _made(api, _regular(_worker(api), "2026-03-10T09:00:00-07:00", "2026-03-10T09:10:00-07:00", 0))
    assert made["jobcode_id"] == 0


# --- on the clock -----------------------------------------------------------------------------------


def test_an_empty_end_puts_the_user_on_the_clock(api: httpx.Client) -> None:
    user = _worker(api)
    made = _made(api, _regular(user, "2026-01-05T08:00:00-07:00", ""))
    assert (made["on_the_clock"], made["end"], made["start"]) == (True, "", "2026-01-05T08:00:00-07:00")
    assert made["date"] == "2026-01-05"
    assert _get(api, made["id"])["on_the_clock"] is True


def test_on_the_clock_timesheets_are_listed_only_when_asked_for(api: httpx.Client) -> None:
    user = _worker(api)
    running = _made(api, _regular(user, "2026-01-06T12:00:00-07:00", ""))["id"]
    done = _made(api, _regular(user, "2026-01-06T08:00:00-07:00", "2026-01-06T09:00:00-07:00"))["id"]
    since = {"user_ids": user, "start_date": "2026-01-01"}
    assert _ids(api, **since) == {done}  # on_the_clock defaults to no
    assert _ids(api, **since, on_the_clock="no") == {done}
    assert _ids(api, **since, on_the_clock="yes") == {running}
    assert _ids(api, **since, on_the_clock="both") == {done, running}


def test_a_user_is_on_the_clock_once_at_a_time(api: httpx.Client) -> None:
    # Reference §2: creating a second active timesheet fails; its status is not documented
    # (uncertainty 7), so the generic per-item 417 is expected.
    user = _worker(api)
    _made(api, _regular(user, "2026-01-07T08:00:00-07:00", ""))
    response = _post(api, _regular(user, "2026-01-07T09:00:00-07:00", ""))
    item_refusal(response, "timesheets", "1", 417, "Expectation Failed")
    assert len(_list(api, user_ids=user, start_date="2026-01-01", on_the_clock="yes")) == 1


def test_ending_a_timesheet_takes_the_user_off_the_clock(api: httpx.Client) -> None:
    user = _worker(api)
    running = _made(api, _regular(user, "2026-01-08T08:00:00-07:00", ""))
    response = _put(api, {"id": running["id"], "end": "2026-01-08T11:15:00-07:00"})
    item = response.json()["results"]["timesheets"]["1"]
    assert (item["_status_code"], item["_status_message"]) == (200, "Updated")
    assert (item["on_the_clock"], item["end"], item["duration"]) == (
        False,
        "2026-01-08T11:15:00-07:00",
        11700,
    )
    assert running["id"] in _ids(api, user_ids=user, start_date="2026-01-08")
    # off the clock, the user may clock in again
    assert _made(api, _regular(user, "2026-01-08T12:00:00-07:00", ""))["on_the_clock"] is True


def test_an_empty_end_on_update_puts_a_timesheet_back_on_the_clock(api: httpx.Client) -> None:
    user = _worker(api)
    done = _made(api, _regular(user, "2026-01-09T08:00:00-07:00", "2026-01-09T09:00:00-07:00"))
    reopened = one(_put(api, {"id": done["id"], "end": ""}), "timesheets")
    assert (reopened["on_the_clock"], reopened["end"]) == (True, "")
    assert done["id"] not in _ids(api, user_ids=user, start_date="2026-01-09")


# --- manual timesheets -------------------------------------------------------------------------------


def test_a_manual_timesheet_starts_at_eight_local_and_ends_a_duration_later(api: httpx.Client) -> None:
    # The reference's own example (§9.3): duration 15552 on 2018-07-23 runs 08:00 to 12:19:12.
    user = _worker(api)
    made = _made(api, _manual(user, "2018-07-23", 15552))
    assert (made["type"], made["date"], made["duration"], made["on_the_clock"]) == (
        "manual",
        "2018-07-23",
        15552,
        False,
    )
    assert (made["start"], made["end"]) == ("2018-07-23T08:00:00-06:00", "2018-07-23T12:19:12-06:00")
    assert (made["tz"], made["tz_str"]) == (-6, TIME_ZONE)
    assert _get(api, made["id"])["start"] == "2018-07-23T08:00:00-06:00"


@pytest.mark.parametrize(
    ("sent", "kept"), [(3600, 3600), (100, 108), (3601, 3600), (5417, 5400), (5419, 5436)]
)
def test_a_manual_duration_is_kept_to_hundredths_of_an_hour(api: httpx.Client, sent: int, kept: int) -> None:
    made = _made(api, _manual(_worker(api), "2026-02-02", sent))
    assert made["duration"] == kept


@pytest.mark.parametrize(
    ("change", "word"),
    [
        ({"date": None}, "date"),
        ({"duration": None}, "duration"),
        ({"date": "02/03/2026"}, "date"),
        ({"duration": -60}, "duration"),
    ],
    ids=lambda v: str(v)[:24] if isinstance(v, dict) else v,
)
def test_a_manual_timesheet_with_a_missing_or_bad_field_is_refused(
    api: httpx.Client, change: dict[str, Any], word: str
) -> None:
    item = {k: v for k, v in {**_manual(_worker(api), "2026-02-03", 600), **change}.items() if v is not None}
    item_refusal(_post(api, item), "timesheets", "1", 417, "Expectation Failed", word)


def test_manual_timesheets_never_overlap(api: httpx.Client) -> None:
    user = _worker(api)
    _made(api, _regular(user, "2026-02-04T08:00:00-07:00", "2026-02-04T12:00:00-07:00"))
    made = created(
        _post(api, _manual(user, "2026-02-04", 7200), _manual(user, "2026-02-04", 7200)), "timesheets"
    )
    assert [m["duration"] for m in made] == [7200, 7200]


def test_a_manual_timesheet_changes_by_date_and_duration(api: httpx.Client) -> None:
    made = _made(api, _manual(_worker(api), "2026-02-05", 3600))
    changed = one(_put(api, {"id": made["id"], "date": "2026-02-06", "duration": "1800"}), "timesheets")
    assert (changed["date"], changed["duration"]) == ("2026-02-06", 1800)
    assert (changed["start"], changed["end"]) == ("2026-02-06T08:00:00-07:00", "2026-02-06T08:30:00-07:00")


# --- overlaps and permissions -----------------------------------------------------------------------


def test_a_timesheet_overlapping_another_is_refused_with_406(api: httpx.Client) -> None:
    user = _worker(api)
    first = _made(api, _regular(user, "2026-02-09T09:00:00-07:00", "2026-02-09T11:00:00-07:00"))
    response = _post(
        api,
        _regular(user, "2026-02-09T10:00:00-07:00", "2026-02-09T12:00:00-07:00"),
        _regular(user, "2026-02-09T11:00:00-07:00", "2026-02-09T12:00:00-07:00"),  # adjacent: no overlap
        _regular(user, "2026-02-09T08:00:00-07:00", "2026-02-09T13:00:00-07:00"),
    )
    item_refusal(response, "timesheets", "1", 406, "Not Acceptable", "conflict")
    assert response.json()["results"]["timesheets"]["2"]["_status_code"] == 200
    item_refusal(response, "timesheets", "3", 406, "Not Acceptable", "conflict")
    assert _ids(api, user_ids=user, start_date="2026-02-09") == {
        first["id"],
        response.json()["results"]["timesheets"]["2"]["id"],
    }


def test_a_timesheet_overlapping_a_running_one_is_refused_with_406(api: httpx.Client) -> None:
    user = _worker(api)
    _made(api, _regular(user, "2026-02-10T09:00:00-07:00", ""))
    response = _post(api, _regular(user, "2026-02-10T10:00:00-07:00", "2026-02-10T11:00:00-07:00"))
    item_refusal(response, "timesheets", "1", 406, "Not Acceptable", "conflict")


def test_an_update_that_would_overlap_is_a_conflict_and_leaves_the_timesheet_as_it_was(
    api: httpx.Client,
) -> None:
    # PUT's status table (reference §2, docs "Update Timesheets"): 409 Conflict, "the timesheet was not
    # modified. The unmodified timesheet's properties will be included in the response".
    user = _worker(api)
    _made(api, _regular(user, "2026-02-11T09:00:00-07:00", "2026-02-11T10:00:00-07:00"))
    later = _made(api, _regular(user, "2026-02-11T11:00:00-07:00", "2026-02-11T12:00:00-07:00"))
    response = _put(api, {"id": later["id"], "start": "2026-02-11T09:30:00-07:00"})
    item = item_refusal(response, "timesheets", "1", 409, "Conflict")
    assert (item["id"], item["start"], item["end"]) == (later["id"], later["start"], later["end"])
    assert _get(api, later["id"])["start"] == "2026-02-11T11:00:00-07:00"


def test_a_user_without_the_time_tracking_permission_is_refused_ts_1006(api: httpx.Client) -> None:
    barred = _worker(api, time_tracking=False)
    allowed = _worker(api)
    response = _post(
        api,
        _regular(allowed, "2026-02-12T09:00:00-07:00", "2026-02-12T10:00:00-07:00"),
        _regular(barred, "2026-02-12T09:00:00-07:00", "2026-02-12T10:00:00-07:00"),
        _manual(barred, "2026-02-12", 3600),
    )
    assert response.json()["results"]["timesheets"]["1"]["_status_code"] == 200
    for key in ("2", "3"):
        item = item_refusal(response, "timesheets", key, 403, "Forbidden", "TS-1006")
        assert "not allowed to track time" in item["_status_extra"]
    assert _ids(api, user_ids=barred, start_date="2026-02-12") == set()


def test_a_new_user_made_without_permissions_may_not_track_time(api: httpx.Client) -> None:
    name = f"n{uuid.uuid4().hex[:10]}"
    user = one(
        api.post("/users", json={"data": [{"username": name, "first_name": "N", "last_name": "U"}]}), "users"
    )
    response = _post(api, _manual(user["id"], "2026-02-13", 600))
    item_refusal(response, "timesheets", "1", 403, "Forbidden", "TS-1006")


# --- updates and deletes ----------------------------------------------------------------------------


def test_updating_a_timesheet_changes_only_the_fields_sent(
    api: httpx.Client, jobcode: dict[str, Any]
) -> None:
    other = _jobcode(api)
    made = _made(
        api,
        _regular(
            _worker(api), "2026-02-16T09:00:00-07:00", "2026-02-16T10:00:00-07:00", jobcode["id"], notes="a"
        ),
    )
    changed = one(_put(api, {"id": str(made["id"]), "jobcode_id": str(other["id"])}), "timesheets")
    assert (changed["jobcode_id"], changed["notes"], changed["start"], changed["duration"]) == (
        other["id"],
        "a",
        made["start"],
        3600,
    )
    noted = one(_put(api, {"id": made["id"], "notes": "b"}), "timesheets")
    assert (noted["notes"], noted["jobcode_id"]) == ("b", other["id"])


def test_moving_a_start_keeps_the_end_and_changes_the_duration(api: httpx.Client) -> None:
    made = _made(api, _regular(_worker(api), "2026-02-17T09:00:00-07:00", "2026-02-17T10:00:00-07:00"))
    moved = one(_put(api, {"id": made["id"], "start": "2026-02-17T08:30:00-07:00"}), "timesheets")
    assert (moved["start"], moved["end"], moved["duration"]) == (
        "2026-02-17T08:30:00-07:00",
        "2026-02-17T10:00:00-07:00",
        5400,
    )


def test_an_update_with_the_end_before_the_start_is_refused(api: httpx.Client) -> None:
    made = _made(api, _regular(_worker(api), "2026-02-17T09:00:00-07:00", "2026-02-17T10:00:00-07:00"))
    response = _put(api, {"id": made["id"], "end": "2026-02-17T08:00:00-07:00"})
    item_refusal(response, "timesheets", "1", 417, "Expectation Failed", "end")
    assert _get(api, made["id"])["end"] == made["end"]


def test_updating_a_timesheet_that_does_not_exist_is_404(api: httpx.Client) -> None:
    response = _put(api, {"id": 999999999, "notes": "x"}, {"notes": "no id"})
    item_refusal(response, "timesheets", "1", 404, "Not Found")
    item_refusal(response, "timesheets", "2", 417, "Expectation Failed", "id")


def test_deleting_timesheets_keys_each_outcome_by_the_id_passed(api: httpx.Client) -> None:
    user = _worker(api)
    a = _made(api, _regular(user, "2026-02-18T09:00:00-07:00", "2026-02-18T10:00:00-07:00"))["id"]
    b = _made(api, _regular(user, "2026-02-18T11:00:00-07:00", ""))["id"]
    response = api.delete("/timesheets", params={"ids": f"{a},{b}"})
    assert response.status_code == 200
    assert response.json()["results"]["timesheets"] == {
        str(a): {"_status_code": 200, "_status_message": "OK, deleted", "id": str(a)},
        str(b): {"_status_code": 200, "_status_message": "OK, deleted", "id": str(b)},
    }
    assert _ids(api, ids=f"{a},{b}", on_the_clock="both") == set()


def test_deleting_a_timesheet_again_or_one_that_never_was_is_404(api: httpx.Client) -> None:
    made = _made(api, _manual(_worker(api), "2026-02-19", 600))["id"]
    assert api.delete("/timesheets", params={"ids": made}).status_code == 200
    response = api.delete("/timesheets", params={"ids": f"{made},999999999"})
    item_refusal(response, "timesheets", str(made), 404, "Not Found")
    item_refusal(response, "timesheets", "999999999", 404, "Not Found")


def test_an_empty_id_in_a_delete_is_keyed_by_the_empty_string(api: httpx.Client) -> None:
    made = _made(api, _manual(_worker(api), "2026-02-20", 600))["id"]
    response = api.delete("/timesheets", params={"ids": f",{made}"})
    results = response.json()["results"]["timesheets"]
    assert set(results) == {"", str(made)}
    assert results[str(made)]["_status_code"] == 200
    item_refusal(response, "timesheets", "", 417, "Expectation Failed")


def test_deleting_without_ids_deletes_nothing(api: httpx.Client) -> None:
    response = api.delete("/timesheets")
    assert response.status_code == 200
    assert response.json() == {"results": {"timesheets": {}}}


# --- listing ---------------------------------------------------------------------------------------


def test_listing_timesheets_needs_ids_a_start_date_or_a_modification_time(api: httpx.Client) -> None:
    for params in ({}, {"end_date": "2026-12-31"}, {"user_ids": "1"}, {"on_the_clock": "both"}):
        expectation_failed(api.get("/timesheets", params=params), "start_date")
    user = _worker(api)
    made = _made(api, _regular(user, "2026-02-23T09:00:00-07:00", "2026-02-23T10:00:00-07:00"))
    for params in (
        {"ids": made["id"]},
        {"start_date": "2026-02-23"},
        {"modified_since": "2001-01-01T00:00:00-07:00"},
        {"modified_before": "2999-01-01T00:00:00-07:00"},
    ):
        assert made["id"] in _ids(api, user_ids=user, **params), params


def test_timesheets_are_filtered_by_date_range(api: httpx.Client) -> None:
    user = _worker(api)
    days = {
        day: _made(api, _regular(user, f"2026-02-{day}T09:00:00-07:00", f"2026-02-{day}T10:00:00-07:00"))[
            "id"
        ]
        for day in (24, 25, 26)
    }
    assert _ids(api, user_ids=user, start_date="2026-02-25") == {days[25], days[26]}
    assert _ids(api, user_ids=user, start_date="2026-02-24", end_date="2026-02-25") == {days[24], days[25]}
    assert _ids(api, user_ids=user, start_date="2026-02-25", end_date="2026-02-25") == {days[25]}


@pytest.mark.parametrize("name", ["user_ids", "jobcode_ids", "ids"])
def test_a_filter_naming_nothing_matches_nothing(api: httpx.Client, name: str) -> None:
    # Filters narrow (the users, jobcodes and assignments lists answer {} the same way).
    assert _list(api, start_date="2026-01-01", **{name: "999999999"}) == {}


def test_timesheets_page_like_every_list(api: httpx.Client) -> None:
    user = _worker(api)
    made = {_made(api, _manual(user, "2026-02-26", 600))["id"] for _ in range(3)}
    since = {"user_ids": user, "start_date": "2026-02-26", "supplemental_data": "no"}
    first = api.get("/timesheets", params={**since, "limit": 2}).json()
    second = api.get("/timesheets", params={**since, "limit": 2, "page": 2}).json()
    assert (len(first["results"]["timesheets"]), first["more"]) == (2, True)
    assert (len(second["results"]["timesheets"]), second["more"]) == (1, False)
    assert {int(k) for k in {**first["results"]["timesheets"], **second["results"]["timesheets"]}} == made


def test_timesheets_are_filtered_by_user_and_by_id(api: httpx.Client) -> None:
    a, b = _worker(api), _worker(api)
    one_a = _made(api, _manual(a, "2026-02-27", 600))["id"]
    one_b = _made(api, _manual(b, "2026-02-27", 600))["id"]
    assert _ids(api, user_ids=f"{a},{b}", start_date="2026-02-27") == {one_a, one_b}
    assert _ids(api, user_ids=a, start_date="2026-02-27") == {one_a}
    assert _ids(api, ids=f"{one_a},{one_b}") == {one_a, one_b}
    assert _ids(api, ids=one_b) == {one_b}


def test_filtering_by_jobcode_matches_its_descendants(api: httpx.Client) -> None:
    user = _worker(api)
    top = _jobcode(api)
    child = _jobcode(api, parent_id=top["id"])
    grandchild = _jobcode(api, parent_id=child["id"])
    elsewhere = _jobcode(api)
    on = {
        j["id"]: _made(api, _manual(user, "2026-03-02", 600, j["id"]))["id"]
        for j in (top, child, grandchild, elsewhere)
    }
    since = {"user_ids": user, "start_date": "2026-03-01"}
    assert _ids(api, **since, jobcode_ids=top["id"]) == {on[top["id"]], on[child["id"]], on[grandchild["id"]]}
    assert _ids(api, **since, jobcode_ids=child["id"]) == {on[child["id"]], on[grandchild["id"]]}
    assert _ids(api, **since, jobcode_ids=f"{grandchild['id']},{elsewhere['id']}") == {
        on[grandchild["id"]],
        on[elsewhere["id"]],
    }


def test_timesheets_are_filtered_by_the_users_payroll_id_and_group(api: httpx.Client) -> None:
    tag = uuid.uuid4().int % 10**6
    a = _worker(api, payroll_id=f"PAY{tag}", group_id=tag)
    b = _worker(api, payroll_id=f"PAY{tag + 1}", group_id=tag + 1)
    on_a = _made(api, _manual(a, "2026-03-03", 600))["id"]
    on_b = _made(api, _manual(b, "2026-03-03", 600))["id"]
    assert _ids(api, start_date="2026-03-03", payroll_ids=f"PAY{tag}") == {on_a}
    assert _ids(api, start_date="2026-03-03", payroll_ids=f"PAY{tag},PAY{tag + 1}") == {on_a, on_b}
    assert _ids(api, start_date="2026-03-03", group_ids=tag + 1) == {on_b}


def test_timesheets_are_filtered_by_the_jobcodes_type(api: httpx.Client) -> None:
    user = _worker(api)
    regular, pto = _jobcode(api), _jobcode(api, type="pto")
    on_regular = _made(api, _manual(user, "2026-03-04", 600, regular["id"]))["id"]
    on_pto = _made(api, _manual(user, "2026-03-04", 600, pto["id"]))["id"]
    since = {"user_ids": user, "start_date": "2026-03-04"}
    assert _ids(api, **since) == {on_regular, on_pto}  # jobcode_type defaults to all
    assert _ids(api, **since, jobcode_type="all") == {on_regular, on_pto}
    assert _ids(api, **since, jobcode_type="regular") == {on_regular}
    assert _ids(api, **since, jobcode_type="pto") == {on_pto}
    expectation_failed(api.get("/timesheets", params={**since, "jobcode_type": "holiday"}), "jobcode_type")


def test_timesheets_are_filtered_by_modification_time(api: httpx.Client) -> None:
    user = _worker(api)
    made = _made(api, _manual(user, "2026-03-05", 600))
    assert made["id"] in _ids(api, user_ids=user, modified_since=made["last_modified"])
    assert made["id"] not in _ids(api, user_ids=user, modified_since="2999-01-01T00:00:00+00:00")
    assert made["id"] not in _ids(api, user_ids=user, modified_before="2001-01-01T00:00:00-0700")


def test_a_timesheets_user_and_jobcode_come_in_supplemental_data(
    api: httpx.Client, jobcode: dict[str, Any]
) -> None:
    user = _worker(api)
    made = _made(api, _manual(user, "2026-03-06", 600, jobcode["id"]))
    body = api.get("/timesheets", params={"ids": made["id"]}).json()
    assert body["more"] is False
    assert body["supplemental_data"]["users"][str(user)]["id"] == user
    assert body["supplemental_data"]["jobcodes"][str(jobcode["id"])]["name"] == jobcode["name"]
    written = _post(api, _manual(user, "2026-03-06", 600, jobcode["id"])).json()
    assert str(user) in written["supplemental_data"]["users"]
    bare = api.get("/timesheets", params={"ids": made["id"], "supplemental_data": "no"}).json()
    assert set(bare) == {"results", "more"}


def test_no_timesheet_matching_is_an_empty_object(api: httpx.Client) -> None:
    body = api.get("/timesheets", params={"user_ids": _worker(api), "start_date": "2026-01-01"}).json()
    assert body == {"results": {"timesheets": {}}, "more": False, "supplemental_data": {}}


def test_bad_timesheet_filters_are_refused_with_417(api: httpx.Client) -> None:
    expectation_failed(api.get("/timesheets", params={"start_date": "March 1"}), "start_date")
    expectation_failed(
        api.get("/timesheets", params={"start_date": "2026-03-01", "on_the_clock": "maybe"}), "on_the_clock"
    )
    expectation_failed(api.get("/timesheets", params={"ids": "x"}), "ids")


def test_the_demo_companys_time_is_listed_as_manual_timesheets_in_denver(
    demo_api: httpx.Client, app: dict[str, Any]
) -> None:
    sheets = _list(demo_api, start_date="2000-01-01", user_ids=app["user_id"], supplemental_data="no")
    assert sheets
    for sheet in sheets.values():
        assert (sheet["type"], sheet["tz_str"], sheet["user_id"]) == (
            "manual",
            TIME_ZONE,
            int(app["user_id"]),
        )
        assert sheet["start"] == f"{sheet['date']}T08:00:00{sheet['start'][-6:]}"
        assert sheet["start"][-6:] in ("-07:00", "-06:00")


def test_every_timesheet_names_a_user_and_jobcode_its_supplemental_data_holds(demo_api: httpx.Client) -> None:
    # Supplemental data holds "objects referenced by id from the results" (reference §1); a client
    # follows user_id there or to /users. The demo company has time of a vendor and an other name too.
    body = demo_api.get("/timesheets", params={"start_date": "2000-01-01"}).json()
    sheets = body["results"]["timesheets"].values()
    assert sheets
    users = {str(s["user_id"]) for s in sheets}
    jobcodes = {str(s["jobcode_id"]) for s in sheets if s["jobcode_id"]}
    assert users <= set(body["supplemental_data"]["users"]), (users, set(body["supplemental_data"]["users"]))
    assert jobcodes <= set(body["supplemental_data"]["jobcodes"])
    assert users <= set(listed(demo_api.get("/users", params={"ids": ",".join(users)}), "users"))
