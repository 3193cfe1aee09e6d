"""Jobcode assignments (reference §5): assign a user (or, with ``user_id: 0``, everyone) to a jobcode,
list them with every filter and default, and delete them by ``?ids=``."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conformance.quickbooks_time.conftest import Account, listed, one
from tests.conformance.quickbooks_time.refusals import expectation_failed, item_refusal, request_error

ASSIGNMENT_FIELDS = {"id", "user_id", "jobcode_id", "active", "last_modified", "created"}


def _jobcode(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    fields.setdefault("name", f"Job {uuid.uuid4().hex[:8]}")
    return one(api.post("/jobcodes", json={"data": [fields]}), "jobcodes")


def _user(api: httpx.Client) -> dict[str, Any]:
    name = f"u{uuid.uuid4().hex[:10]}"
    return one(
        api.post("/users", json={"data": [{"username": name, "first_name": "Ann", "last_name": "Lee"}]}),
        "users",
    )


def _assign(api: httpx.Client, user_id: int | str, jobcode_id: int | str) -> dict[str, Any]:
    response = api.post(
        "/jobcode_assignments", json={"data": [{"user_id": user_id, "jobcode_id": jobcode_id}]}
    )
    return one(response, "jobcode_assignments")


def _listed(api: httpx.Client, **params: Any) -> dict[str, Any]:
    return listed(api.get("/jobcode_assignments", params=params), "jobcode_assignments")


def _own(api: httpx.Client, user: dict[str, Any], **params: Any) -> set[str]:
    """The user's own assignments a filtered read shows (leaving out everyone's, ``user_id`` 0)."""
    shown = _listed(api, user_ids=user["id"], **params)
    return {k for k, a in shown.items() if a["user_id"] == user["id"]}


@pytest.fixture(scope="module")
def account(new_account: Callable[[], Account]) -> Account:
    """An account of this module's own: counts of assignments see only what it made."""
    return new_account()


def test_assigning_a_user_to_a_jobcode_answers_the_assignment(api: httpx.Client) -> None:
    user, jobcode = _user(api), _jobcode(api)
    response = api.post(
        "/jobcode_assignments",
        json={"data": [{"user_id": str(user["id"]), "jobcode_id": str(jobcode["id"])}]},
    )
    item = response.json()["results"]["jobcode_assignments"]["1"]
    assert (item["_status_code"], item["_status_message"]) == (200, "Created")
    assignment = {k: v for k, v in item.items() if not k.startswith("_")}
    assert set(assignment) == ASSIGNMENT_FIELDS
    assert (assignment["user_id"], assignment["jobcode_id"], assignment["active"]) == (
        user["id"],
        jobcode["id"],
        True,
    )
    assert assignment["created"].endswith("+00:00")
    assert _listed(api, user_ids=user["id"])[str(assignment["id"])] == assignment


def test_user_id_0_assigns_a_jobcode_to_everyone(api: httpx.Client) -> None:
    jobcode = _jobcode(api)
    assignment = _assign(api, 0, jobcode["id"])
    assert (assignment["user_id"], assignment["jobcode_id"]) == (0, jobcode["id"])
    shown = listed(api.get("/jobcodes", params={"ids": jobcode["id"]}), "jobcodes")[str(jobcode["id"])]
    assert shown["assigned_to_all"] is True


def test_a_jobcode_assigned_to_all_is_an_assignment_with_user_id_0(api: httpx.Client) -> None:
    jobcode = _jobcode(api, assigned_to_all=True)
    found = [a for a in _listed(api, jobcode_id=jobcode["id"]).values()]
    assert [(a["user_id"], a["active"]) for a in found] == [(0, True)]


def test_filtering_by_user_also_shows_what_is_assigned_to_everyone(api: httpx.Client) -> None:
    user, other = _user(api), _user(api)
    mine, theirs, everyones = _jobcode(api), _jobcode(api), _jobcode(api)
    a = _assign(api, user["id"], mine["id"])
    _assign(api, other["id"], theirs["id"])
    b = _assign(api, 0, everyones["id"])
    shown = _listed(api, user_ids=user["id"])
    assert {a["id"], b["id"]} <= {int(k) for k in shown}
    assert {x["user_id"] for x in shown.values()} == {user["id"], 0}


def test_assignments_are_filtered_by_jobcode_and_by_parent(api: httpx.Client) -> None:
    user = _user(api)
    top = _jobcode(api)
    child = _jobcode(api, parent_id=top["id"])
    on_top, on_child = _assign(api, user["id"], top["id"]), _assign(api, user["id"], child["id"])
    assert set(_listed(api, jobcode_id=child["id"])) == {str(on_child["id"])}
    assert set(_listed(api, user_ids=user["id"], jobcode_parent_id=top["id"])) == {str(on_child["id"])}
    top_only = _listed(api, user_ids=user["id"], jobcode_parent_id=0)
    assert str(on_top["id"]) in top_only and str(on_child["id"]) not in top_only


def test_deleting_assignments_by_ids_keys_each_outcome_by_the_id_passed(api: httpx.Client) -> None:
    user = _user(api)
    first, second = (
        _assign(api, user["id"], _jobcode(api)["id"]),
        _assign(api, user["id"], _jobcode(api)["id"]),
    )
    response = api.delete("/jobcode_assignments", params={"ids": f"{first['id']},{second['id']}"})
    assert response.status_code == 200
    results = response.json()["results"]["jobcode_assignments"]
    assert set(results) == {str(first["id"]), str(second["id"])}
    for passed, outcome in results.items():
        assert (outcome["_status_code"], outcome["_status_message"]) == (200, "OK, deleted")
        assert str(outcome["id"]) == passed


def test_a_deleted_assignment_is_inactive_and_listed_by_default(api: httpx.Client) -> None:
    user = _user(api)
    assignment = _assign(api, user["id"], _jobcode(api)["id"])
    api.delete("/jobcode_assignments", params={"ids": assignment["id"]})
    key = str(assignment["id"])
    # `active` defaults to `both` here (reference §5), unlike users and jobcodes.
    assert _listed(api, user_ids=user["id"])[key]["active"] is False
    assert key in _listed(api, user_ids=user["id"], active="no")
    assert key not in _listed(api, user_ids=user["id"], active="yes")
    again = _assign(api, user["id"], assignment["jobcode_id"])
    assert again["active"] is True


def test_deleting_an_unknown_assignment_fails_for_that_id_alone(api: httpx.Client) -> None:
    user = _user(api)
    assignment = _assign(api, user["id"], _jobcode(api)["id"])
    response = api.delete("/jobcode_assignments", params={"ids": f"999999999,{assignment['id']},abc"})
    item_refusal(response, "jobcode_assignments", "999999999", 417, "Expectation Failed", "not found")
    item_refusal(response, "jobcode_assignments", "abc", 417, "Expectation Failed")
    ok = response.json()["results"]["jobcode_assignments"][str(assignment["id"])]
    assert ok["_status_code"] == 200


def test_deleting_without_ids_deletes_nothing(api: httpx.Client) -> None:
    user = _user(api)
    assignment = _assign(api, user["id"], _jobcode(api)["id"])
    response = api.delete("/jobcode_assignments")
    assert response.status_code == 200
    assert response.json()["results"]["jobcode_assignments"] == {}
    assert _listed(api, user_ids=user["id"])[str(assignment["id"])]["active"] is True


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({"jobcode_id": None}, "jobcode_id"),
        ({"user_id": None}, "user_id"),
        ({"user_id": 999999999}, "person"),
        ({"jobcode_id": 999999999}, "customer"),
        ({"user_id": "someone"}, "user_id"),
    ],
)
def test_an_assignment_naming_nothing_is_refused(
    api: httpx.Client, account: Account, fields: dict[str, Any], word: str
) -> None:
    item = {"user_id": account.user_id, "jobcode_id": _jobcode(api)["id"], **fields}
    item = {k: v for k, v in item.items() if v is not None}
    response = api.post("/jobcode_assignments", json={"data": [item]})
    item_refusal(response, "jobcode_assignments", "1", 417, "Expectation Failed", word)


def test_an_archived_jobcode_cannot_be_assigned(api: httpx.Client, account: Account) -> None:
    jobcode = _jobcode(api)
    one(api.put("/jobcodes", json={"data": [{"id": jobcode["id"], "active": False}]}), "jobcodes")
    response = api.post(
        "/jobcode_assignments", json={"data": [{"user_id": account.user_id, "jobcode_id": jobcode["id"]}]}
    )
    item_refusal(response, "jobcode_assignments", "1", 417, "Expectation Failed")


def test_assignments_are_filtered_by_the_jobcodes_type(api: httpx.Client) -> None:
    user = _user(api)
    regular, pto = _jobcode(api), _jobcode(api, type="pto")
    on_regular = str(_assign(api, user["id"], regular["id"])["id"])
    on_pto = str(_assign(api, user["id"], pto["id"])["id"])
    assert _own(api, user) == {on_regular}  # type defaults to regular
    assert _own(api, user, type="regular") == {on_regular}
    assert _own(api, user, type="pto") == {on_pto}
    assert _own(api, user, type="all") == {on_regular, on_pto}
    expectation_failed(api.get("/jobcode_assignments", params={"type": "holiday"}), "type")


def test_assignments_are_filtered_by_whether_their_jobcode_is_active(api: httpx.Client) -> None:
    user = _user(api)
    live, archived = _jobcode(api), _jobcode(api)
    on_live = str(_assign(api, user["id"], live["id"])["id"])
    on_archived = str(_assign(api, user["id"], archived["id"])["id"])
    one(api.put("/jobcodes", json={"data": [{"id": archived["id"], "active": False}]}), "jobcodes")
    assert _own(api, user) == {on_live, on_archived}  # active_jobcodes: both
    assert _own(api, user, active_jobcodes="both") == {on_live, on_archived}
    assert _own(api, user, active_jobcodes="yes") == {on_live}
    assert _own(api, user, active_jobcodes="no") == {on_archived}


def test_assignments_are_filtered_by_modification_time(api: httpx.Client) -> None:
    user = _user(api)
    assignment = _assign(api, user["id"], _jobcode(api)["id"])
    key = str(assignment["id"])
    assert key in _listed(api, user_ids=user["id"], modified_since=assignment["last_modified"])
    assert key not in _listed(api, user_ids=user["id"], modified_since="2999-01-01T00:00:00+00:00")
    assert key not in _listed(api, user_ids=user["id"], modified_before="2001-01-01T00:00:00+00:00")


def test_the_assignments_users_and_jobcodes_come_in_supplemental_data(api: httpx.Client) -> None:
    user, jobcode = _user(api), _jobcode(api)
    _assign(api, user["id"], jobcode["id"])
    body = api.get(
        "/jobcode_assignments", params={"user_ids": user["id"], "jobcode_id": jobcode["id"]}
    ).json()
    assert body["more"] is False
    supplemental = body["supplemental_data"]
    assert supplemental["users"][str(user["id"])]["username"] == user["username"]
    assert supplemental["jobcodes"][str(jobcode["id"])]["name"] == jobcode["name"]
    bare = api.get("/jobcode_assignments", params={"user_ids": user["id"], "supplemental_data": "no"}).json()
    assert "supplemental_data" not in bare


def test_no_assignment_matching_is_an_empty_object(api: httpx.Client) -> None:
    jobcode = _jobcode(api)
    body = api.get("/jobcode_assignments", params={"jobcode_id": jobcode["id"]}).json()
    assert body == {"results": {"jobcode_assignments": {}}, "more": False, "supplemental_data": {}}


def test_bad_assignment_filters_are_refused_with_417(api: httpx.Client) -> None:
    expectation_failed(api.get("/jobcode_assignments", params={"active": "often"}), "active")
    expectation_failed(api.get("/jobcode_assignments", params={"user_ids": "me"}), "user_ids")


def test_assignments_have_no_put(api: httpx.Client) -> None:
    request_error(api.put("/jobcode_assignments", json={"data": [{"id": 1, "active": False}]}), 405)
