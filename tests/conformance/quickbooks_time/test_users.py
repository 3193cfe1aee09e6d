"""Users (reference §3) and the current user (§6): list with every filter, create, update by id or by
username, archive with ``active: false`` (never delete), and the permissions object's defaults."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conformance.quickbooks_time.conftest import Account, created, listed, one
from tests.conformance.quickbooks_time.refusals import expectation_failed, item_refusal, request_error

PERMISSIONS = {
    "admin",
    "mobile",
    "status_box",
    "reports",
    "manage_timesheets",
    "manage_authorization",
    "manage_users",
    "manage_my_timesheets",
    "manage_jobcodes",
    "pin_login",
    "approve_timesheets",
    "manage_schedules",
    "external_access",
    "manage_my_schedule",
    "manage_company_schedules",
    "view_company_schedules",
    "view_group_schedules",
    "manage_no_schedules",
    "view_my_schedules",
    "time_tracking",
}

USER_FIELDS = {
    "id",
    "first_name",
    "last_name",
    "display_name",
    "group_id",
    "active",
    "employee_number",
    "salaried",
    "exempt",
    "username",
    "email",
    "email_verified",
    "payroll_id",
    "hire_date",
    "term_date",
    "last_modified",
    "last_active",
    "created",
    "client_url",
    "company_name",
    "profile_image_url",
    "mobile_number",
    "pto_balances",
    "submitted_to",
    "approved_to",
    "manager_of_group_ids",
    "require_password_change",
    "pay_rate",
    "pay_interval",
    "permissions",
    "customfields",
}


def _name() -> str:
    return f"u{uuid.uuid4().hex[:10]}"


def _new_user(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    username = fields.pop("username", _name())
    item = {"username": username, "first_name": "Jane", "last_name": "Doe", **fields}
    return one(api.post("/users", json={"data": [item]}), "users")


def _ids(api: httpx.Client, **params: Any) -> set[int]:
    return {int(k) for k in listed(api.get("/users", params=params), "users")}


def test_current_user_is_the_tokens_person_in_the_list_envelope(api: httpx.Client, account: Account) -> None:
    response = api.get("/current_user")
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"results", "more", "supplemental_data"}
    assert body["more"] is False and body["supplemental_data"] == {}
    (user,) = body["results"]["users"].values()
    assert list(body["results"]["users"]) == [str(account.user_id)]
    assert (user["id"], user["email"], user["first_name"], user["last_name"]) == (
        account.user_id,
        account.email,
        "Simon",
        "Kovalic",
    )
    assert set(user) == USER_FIELDS


def test_current_user_without_supplemental_data_omits_it(api: httpx.Client) -> None:
    body = api.get("/current_user", params={"supplemental_data": "no"}).json()
    assert "supplemental_data" not in body and body["more"] is False


def test_a_new_user_has_quickbooks_times_defaults_and_may_not_track_time(api: httpx.Client) -> None:
    username = _name()
    response = api.post(
        "/users", json={"data": [{"username": username, "first_name": "Joni", "last_name": "Smith"}]}
    )
    item = response.json()["results"]["users"]["1"]
    assert (item["_status_code"], item["_status_message"]) == (200, "Created")
    user = {k: v for k, v in item.items() if not k.startswith("_")}
    assert set(user) == USER_FIELDS
    assert (user["username"], user["first_name"], user["last_name"], user["active"]) == (
        username,
        "Joni",
        "Smith",
        True,
    )
    assert user["permissions"] == {p: p == "mobile" for p in PERMISSIONS}
    assert (user["hire_date"], user["term_date"]) == ("0000-00-00", "0000-00-00")
    assert (user["employee_number"], user["group_id"], user["email"], user["payroll_id"]) == (0, 0, "", "")
    assert user["last_modified"].endswith("+00:00") and user["created"].endswith("+00:00")
    listed_user = listed(api.get("/users", params={"ids": user["id"]}), "users")[str(user["id"])]
    assert listed_user == user


def test_a_user_created_with_the_time_tracking_permission_may_track_time(api: httpx.Client) -> None:
    user = _new_user(api, permissions={"time_tracking": True, "manage_jobcodes": "yes"})
    assert user["permissions"]["time_tracking"] is True
    assert user["permissions"]["manage_jobcodes"] is True
    assert user["permissions"]["mobile"] is True and user["permissions"]["admin"] is False


def test_a_batch_of_users_is_keyed_by_position_and_a_bad_item_fails_alone(api: httpx.Client) -> None:
    good = [{"username": _name(), "first_name": "A", "last_name": "One"} for _ in range(2)]
    response = api.post(
        "/users", json={"data": [good[0], {"username": _name(), "first_name": "No last name"}, good[1]]}
    )
    results = response.json()["results"]["users"]
    assert list(results) == ["1", "2", "3"]
    assert [results[k]["_status_code"] for k in ("1", "3")] == [200, 200]
    assert [results[k]["username"] for k in ("1", "3")] == [g["username"] for g in good]
    item_refusal(response, "users", "2", 417, "Expectation Failed", "last_name")
    assert all(u["username"] != "" for u in results.values())


@pytest.mark.parametrize("missing", ["username", "first_name", "last_name"])
def test_creating_a_user_without_a_required_field_is_refused(api: httpx.Client, missing: str) -> None:
    item = {"username": _name(), "first_name": "Jane", "last_name": "Doe"}
    del item[missing]
    response = api.post("/users", json={"data": [item]})
    item_refusal(response, "users", "1", 417, "Expectation Failed", missing)


def test_a_username_is_unique_in_the_company(api: httpx.Client) -> None:
    taken = _new_user(api)["username"]
    response = api.post("/users", json={"data": [{"username": taken, "first_name": "B", "last_name": "C"}]})
    item_refusal(response, "users", "1", 417, "Expectation Failed", "username")
    renamed = _new_user(api)
    response = api.put("/users", json={"data": [{"id": renamed["id"], "username": taken}]})
    item_refusal(response, "users", "1", 417, "Expectation Failed", "username")


def test_updating_by_id_changes_only_the_fields_sent(api: httpx.Client) -> None:
    user = _new_user(api, email="jane@example.com", payroll_id="P-1")
    response = api.put(
        "/users",
        json={
            "data": [{"id": str(user["id"]), "last_name": "Roe", "employee_number": "42", "salaried": "yes"}]
        },
    )
    item = response.json()["results"]["users"]["1"]
    assert (item["_status_code"], item["_status_message"]) == (200, "Updated")
    assert (item["last_name"], item["employee_number"], item["salaried"]) == ("Roe", 42, True)
    assert (item["first_name"], item["email"], item["payroll_id"]) == ("Jane", "jane@example.com", "P-1")


def test_a_users_own_fields_round_trip(api: httpx.Client) -> None:
    user = _new_user(
        api,
        hire_date="2024-01-15",
        mobile_number="555-0100",
        display_name="JD",
        exempt=True,
        email="jd@example.com",
    )
    assert (user["hire_date"], user["term_date"], user["mobile_number"]) == (
        "2024-01-15",
        "0000-00-00",
        "555-0100",
    )
    assert (user["display_name"], user["exempt"], user["email"]) == ("JD", True, "jd@example.com")
    ended = one(api.put("/users", json={"data": [{"id": user["id"], "term_date": "2025-06-30"}]}), "users")
    assert (ended["hire_date"], ended["term_date"]) == ("2024-01-15", "2025-06-30")
    item_refusal(
        api.put("/users", json={"data": [{"id": user["id"], "hire_date": "15/01/2024"}]}),
        "users",
        "1",
        417,
        "Expectation Failed",
        "hire_date",
    )


def test_updating_by_username_finds_the_user(api: httpx.Client) -> None:
    user = _new_user(api)
    response = api.put("/users", json={"data": [{"username": user["username"], "first_name": "Janet"}]})
    updated = one(response, "users")
    assert (updated["id"], updated["first_name"]) == (user["id"], "Janet")


def test_updating_a_user_that_does_not_exist_is_refused(api: httpx.Client) -> None:
    # The users PUT status table lists only 200 and 417 (reference §3): an id or username that names
    # nobody is "something wrong with the properties supplied".
    response = api.put("/users", json={"data": [{"id": 999999999, "first_name": "X"}, {"username": _name()}]})
    item_refusal(response, "users", "1", 417, "Expectation Failed")
    item_refusal(response, "users", "2", 417, "Expectation Failed")


def test_updating_a_user_without_id_or_username_is_refused(api: httpx.Client) -> None:
    response = api.put("/users", json={"data": [{"first_name": "Nobody"}]})
    item_refusal(response, "users", "1", 417, "Expectation Failed", "username")


def test_a_partial_permissions_object_changes_only_those_permissions(api: httpx.Client) -> None:
    user = _new_user(api, permissions={"reports": True})
    updated = one(
        api.put("/users", json={"data": [{"id": user["id"], "permissions": {"mobile": False}}]}), "users"
    )
    assert updated["permissions"] == {p: p == "reports" for p in PERMISSIONS}
    on = one(
        api.put("/users", json={"data": [{"id": user["id"], "permissions": {"time_tracking": "true"}}]}),
        "users",
    )
    assert on["permissions"]["time_tracking"] is True and on["permissions"]["reports"] is True


def test_an_archived_user_is_listed_only_when_asked_for(api: httpx.Client) -> None:
    user = _new_user(api)
    archived = one(api.put("/users", json={"data": [{"id": user["id"], "active": False}]}), "users")
    assert archived["active"] is False
    assert user["id"] not in _ids(api)
    assert user["id"] not in _ids(api, active="yes")
    assert user["id"] in _ids(api, active="no")
    assert user["id"] in _ids(api, active="both")
    restored = one(api.put("/users", json={"data": [{"id": user["id"], "active": "true"}]}), "users")
    assert restored["active"] is True and user["id"] in _ids(api)


def test_users_are_never_deleted(api: httpx.Client) -> None:
    user = _new_user(api)
    response = api.delete("/users", params={"ids": user["id"]})
    request_error(response, 405)
    assert user["id"] in _ids(api)


def test_users_are_filtered_by_id_and_excluded_by_id(api: httpx.Client, account: Account) -> None:
    a, b = _new_user(api)["id"], _new_user(api)["id"]
    assert _ids(api, ids=f"{a},{b}") == {a, b}
    assert _ids(api, ids=str(a)) == {a}
    rest = _ids(api, not_ids=f"{a},{account.user_id}")
    assert b in rest and a not in rest and account.user_id not in rest


def test_users_are_filtered_by_username(api: httpx.Client) -> None:
    a, b = _new_user(api), _new_user(api)
    assert _ids(api, usernames=f"{a['username']},{b['username']}") == {a["id"], b["id"]}
    assert _ids(api, usernames=a["username"]) == {a["id"]}


def test_users_are_filtered_by_employee_number_payroll_id_and_group(api: httpx.Client) -> None:
    tag = uuid.uuid4().int % 10**6
    a = _new_user(api, employee_number=tag, payroll_id=f"PR{tag}", group_id=tag)
    b = _new_user(api, employee_number=tag + 1, payroll_id=f"PR{tag + 1}", group_id=tag + 1)
    assert _ids(api, employee_numbers=str(tag)) == {a["id"]}
    assert _ids(api, employee_numbers=f"{tag},{tag + 1}") == {a["id"], b["id"]}
    assert _ids(api, payroll_ids=f"PR{tag + 1}") == {b["id"]}
    assert _ids(api, group_ids=str(tag)) == {a["id"]}


def test_users_are_excluded_by_group(api: httpx.Client) -> None:
    tag = uuid.uuid4().int % 10**6
    a, b = _new_user(api, group_id=tag), _new_user(api, group_id=tag + 1)
    excluded = _ids(api, not_group_ids=str(tag))
    assert a["id"] not in excluded and b["id"] in excluded


def test_users_are_filtered_by_name_prefix_with_a_wildcard(api: httpx.Client) -> None:
    first = f"Zq{uuid.uuid4().hex[:6]}"
    a = _new_user(api, first_name=first + "ella", last_name="Quux")
    b = _new_user(api, first_name=first + "ina", last_name="Quarrel")
    assert _ids(api, first_name=first) == {a["id"], b["id"]}
    assert _ids(api, first_name=first + "e") == {a["id"]}
    assert _ids(api, first_name=f"{first}*na") == {b["id"]}
    assert _ids(api, first_name=first, last_name="Quu") == {a["id"]}


def test_users_are_filtered_by_modification_time(api: httpx.Client) -> None:
    user = _new_user(api)
    assert user["id"] in _ids(api, modified_since=user["last_modified"])
    assert user["id"] in _ids(api, modified_since="2001-01-01T00:00:00-06:00")
    assert user["id"] not in _ids(api, modified_since="2999-01-01T00:00:00+00:00")
    assert user["id"] not in _ids(api, modified_before="2001-01-01T00:00:00-0600")
    assert user["id"] in _ids(api, modified_before="2999-01-01T00:00:00+0000")


def test_a_bad_filter_value_is_refused_with_417(api: httpx.Client) -> None:
    expectation_failed(api.get("/users", params={"active": "sometimes"}), "active")
    expectation_failed(api.get("/users", params={"ids": "one,two"}), "ids")
    expectation_failed(api.get("/users", params={"modified_since": "yesterday"}), "modified_since")


def test_the_users_list_carries_no_supplemental_data_when_asked_not_to(api: httpx.Client) -> None:
    body = api.get("/users", params={"supplemental_data": "no"}).json()
    assert "supplemental_data" not in body and isinstance(body["more"], bool)
    assert isinstance(api.get("/users").json()["supplemental_data"], dict)


def test_the_demo_companys_users_are_its_employees(demo_api: httpx.Client) -> None:
    users = listed(demo_api.get("/users"), "users")
    assert {u["username"] for u in users.values()} >= {"ada", "grace", "alan"}
    assert all(set(u) == USER_FIELDS for u in users.values())
    assert "Northwind Contracting" not in {u["first_name"] for u in users.values()}


def test_creating_many_users_in_one_request_keeps_request_order(api: httpx.Client) -> None:
    names = [_name() for _ in range(5)]
    made = created(
        api.post(
            "/users", json={"data": [{"username": n, "first_name": n, "last_name": "Batch"} for n in names]}
        ),
        "users",
    )
    assert [u["username"] for u in made] == names
