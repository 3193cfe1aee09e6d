"""What every endpoint shares (reference §1, §9.1, §9.6): numbered pages (``limit`` 1..200, default
200; ``per_page`` clamped to 50; ``page`` below 1 read as 1; ``more`` a JSON boolean), at most 50 items
per write (413 beyond), lenient input types, unknown query parameters ignored, ``{}`` for every empty
map, and QuickBooks Time's error body for whatever is refused whole."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.conformance.quickbooks_time.conftest import Account, created, listed, one
from tests.conformance.quickbooks_time.refusals import expectation_failed, item_refusal, request_error

WRITES = [
    ("POST", "/users"),
    ("PUT", "/users"),
    ("POST", "/jobcodes"),
    ("PUT", "/jobcodes"),
    ("POST", "/jobcode_assignments"),
    ("POST", "/timesheets"),
    ("PUT", "/timesheets"),
]
# Each list with what it cannot do without (timesheets need ids, a date or a modification time).
LISTS: dict[str, dict[str, str]] = {
    "/users": {},
    "/jobcodes": {},
    "/jobcode_assignments": {},
    "/timesheets": {"start_date": "2000-01-01"},
    "/timesheets_deleted": {"start_date": "2000-01-01", "end_date": "2999-12-31"},
}
JOBCODES = 201  # one more than a default page


def _unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:10]}"


def _worker(api: httpx.Client) -> int:
    name = _unique("w")
    item = {"username": name, "first_name": "W", "last_name": name, "permissions": {"time_tracking": True}}
    return int(one(api.post("/users", json={"data": [item]}), "users")["id"])


@pytest.fixture(scope="module")
def paged(new_account: Callable[[], Account]) -> httpx.Client:
    """An account holding exactly 201 jobcodes, made 50 to a request (the most one write takes)."""
    api = new_account().api
    names = [f"Page {n:03d}" for n in range(JOBCODES)]
    for start in range(0, JOBCODES, 50):
        batch = [{"name": name} for name in names[start : start + 50]]
        assert len(created(api.post("/jobcodes", json={"data": batch}), "jobcodes")) == len(batch)
    return api


def _page(api: httpx.Client, **params: Any) -> tuple[dict[str, Any], bool]:
    body = api.get("/jobcodes", params=params).json()
    assert isinstance(body["more"], bool), body["more"]
    return body["results"]["jobcodes"], body["more"]


# --- pages -----------------------------------------------------------------------------------------


def test_a_page_holds_200_by_default_and_more_says_another_follows(paged: httpx.Client) -> None:
    first, more = _page(paged)
    assert (len(first), more) == (200, True)
    second, more = _page(paged, page=2)
    assert (len(second), more) == (1, False)
    assert len(set(first) | set(second)) == JOBCODES


def test_limit_sets_the_page_size_from_1_to_200(paged: httpx.Client) -> None:
    single, more = _page(paged, limit=1)
    assert (len(single), more) == (1, True)
    assert len(_page(paged, limit=200)[0]) == 200
    pages = [_page(paged, limit=90, page=n) for n in (1, 2, 3)]
    assert [(len(p), more) for p, more in pages] == [(90, True), (90, True), (21, False)]
    assert len({k for p, _ in pages for k in p}) == JOBCODES


@pytest.mark.parametrize("limit", ["0", "201", "-1", "ten", "1.5"])
def test_a_limit_outside_1_to_200_is_refused(paged: httpx.Client, limit: str) -> None:
    expectation_failed(paged.get("/jobcodes", params={"limit": limit}), "limit")


def test_per_page_still_pages_but_never_more_than_50(paged: httpx.Client) -> None:
    clamped, more = _page(paged, per_page=100)
    assert (len(clamped), more) == (50, True)
    assert len(_page(paged, per_page=10)[0]) == 10
    last, more = _page(paged, per_page=50, page=5)
    assert (len(last), more) == (1, False)


@pytest.mark.parametrize("page", ["0", "-3"])
def test_a_page_below_1_is_the_first_page(paged: httpx.Client, page: str) -> None:
    assert _page(paged, limit=10, page=page) == _page(paged, limit=10, page=1)


def test_a_page_past_the_end_is_empty_with_no_more(paged: httpx.Client) -> None:
    assert _page(paged, page=9) == ({}, False)


def test_every_list_keys_its_results_by_id_as_a_string(demo_api: httpx.Client) -> None:
    for path, needed in LISTS.items():
        body = demo_api.get(path, params=needed).json()
        (resource,) = body["results"]
        for key, item in body["results"][resource].items():
            assert key == str(item["id"]), (path, key)
        assert isinstance(body["more"], bool), path
        assert isinstance(body["supplemental_data"], dict), path
        assert (
            "supplemental_data" not in demo_api.get(path, params={**needed, "supplemental_data": "no"}).json()
        )


def test_every_empty_map_is_an_empty_object(new_account: Callable[[], Account]) -> None:
    api = new_account().api
    for path, needed in LISTS.items():
        if path == "/users":
            continue  # the account's person is always there
        body = api.get(path, params=needed).json()
        resource = path.strip("/")
        assert body == {"results": {resource: {}}, "more": False, "supplemental_data": {}}, path
    assert api.get("/last_modified_timestamps").status_code == 200
    nothing = api.post("/users", json={"data": []}).json()
    assert nothing["results"] == {"users": {}}
    assert nothing.get("supplemental_data", {}) == {}


# --- batch size ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), WRITES)
def test_more_than_50_items_in_a_write_is_refused_whole_with_413(
    api: httpx.Client, method: str, path: str, unchanged: None
) -> None:
    items = [{"id": n + 1, "name": _unique("n"), "username": _unique("u")} for n in range(51)]
    request_error(api.request(method, path, json={"data": items}), 413)


@pytest.mark.parametrize("path", ["/timesheets", "/jobcode_assignments"])
def test_more_than_50_ids_in_a_delete_is_refused_whole_with_413(
    api: httpx.Client, path: str, unchanged: None
) -> None:
    request_error(api.delete(path, params={"ids": ",".join(str(n) for n in range(1, 52))}), 413)


def test_50_items_in_one_write_are_taken(api: httpx.Client) -> None:
    items = [{"username": _unique("b"), "first_name": "Batch", "last_name": str(n)} for n in range(50)]
    made = created(api.post("/users", json={"data": items}), "users")
    assert [u["username"] for u in made] == [i["username"] for i in items]


# --- lenient input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("yes", True),
        ("no", False),
        ("true", True),
        ("false", False),
        (1, True),
        (0, False),
        ("1", True),
        ("0", False),
    ],
)
def test_booleans_are_read_in_every_form_the_docs_send(api: httpx.Client, sent: Any, read: bool) -> None:
    jobcode = one(
        api.post(
            "/jobcodes", json={"data": [{"name": _unique("B "), "billable": sent, "assigned_to_all": sent}]}
        ),
        "jobcodes",
    )
    assert (jobcode["billable"], jobcode["assigned_to_all"]) == (read, read)


def test_numbers_are_read_from_numeric_strings(api: httpx.Client) -> None:
    parent = one(api.post("/jobcodes", json={"data": [{"name": _unique("P ")}]}), "jobcodes")
    child = one(
        api.post(
            "/jobcodes",
            json={
                "data": [{"name": _unique("C "), "parent_id": str(parent["id"]), "billable_rate": "37.50"}]
            },
        ),
        "jobcodes",
    )
    assert (child["parent_id"], child["billable_rate"]) == (parent["id"], 37.5)
    user = _worker(api)
    sheet = one(
        api.post(
            "/timesheets",
            json={
                "data": [
                    {
                        "user_id": str(user),
                        "jobcode_id": str(child["id"]),
                        "type": "manual",
                        "date": "2026-05-04",
                        "duration": "15552",
                    }
                ]
            },
        ),
        "timesheets",
    )
    assert (sheet["user_id"], sheet["jobcode_id"], sheet["duration"]) == (user, child["id"], 15552)
    changed = one(
        api.put("/timesheets", json={"data": [{"id": str(sheet["id"]), "duration": "7200"}]}), "timesheets"
    )
    assert changed["duration"] == 7200
    renamed = one(api.put("/users", json={"data": [{"id": str(user), "employee_number": "7"}]}), "users")
    assert renamed["employee_number"] == 7


def test_date_time_filters_are_read_with_or_without_a_colon_in_the_offset(api: httpx.Client) -> None:
    user = _worker(api)
    for since in ("2001-01-01T00:00:00-06:00", "2001-01-01T00:00:00-0600", "2001-01-01T00:00:00Z"):
        assert str(user) in listed(api.get("/users", params={"modified_since": since}), "users"), since
    # A client that forgets to encode "+" sends a space; it is still read as the offset it meant.
    assert str(user) in listed(api.get("/users?modified_since=2001-01-01T00:00:00+00:00"), "users")


def test_an_item_that_is_not_an_object_fails_alone(api: httpx.Client) -> None:
    response = api.post(
        "/users",
        json={"data": ["just a string", {"username": _unique("o"), "first_name": "O", "last_name": "K"}]},
    )
    item_refusal(response, "users", "1", 417, "Expectation Failed")
    assert response.json()["results"]["users"]["2"]["_status_code"] == 200


# --- what is ignored -------------------------------------------------------------------------------


def test_unknown_query_parameters_are_ignored(api: httpx.Client, account: Account) -> None:
    noise = {"foo": "bar", "order_results_by": "date", "vnd": "1"}
    assert str(account.user_id) in listed(api.get("/users", params=noise), "users")
    assert api.get("/current_user", params=noise).status_code == 200
    assert api.get("/jobcodes", params=noise).status_code == 200
    # The connector sends `active` to timesheets, which have no such filter (reference §2, §8).
    assert (
        api.get("/timesheets", params={**noise, "active": "yes", "start_date": "2026-01-01"}).status_code
        == 200
    )
    # and jobcode_assignments have no `active_users` filter (reference §5)
    assert api.get("/jobcode_assignments", params={"active_users": "yes"}).status_code == 200
    assert api.get("/last_modified_timestamps", params=noise).status_code == 200


def test_the_sdks_extra_headers_are_tolerated(api: httpx.Client, account: Account) -> None:
    headers = {"Accept": "application/json", "vnd.tsheets.ManagedClientId": "12345"}
    assert api.get("/current_user", headers=headers).status_code == 200


# --- whole-request errors --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"", b"[]", b'{"items": []}', b'{"data": {"1": {}}}', b'"data"'],
    ids=["malformed", "empty", "array", "no-data", "data-not-array", "string"],
)
def test_a_write_without_a_data_array_is_refused_whole_with_417(
    api: httpx.Client, body: bytes, unchanged: None
) -> None:
    response = api.post("/jobcodes", content=body, headers={"Content-Type": "application/json"})
    expectation_failed(response)


def test_an_unknown_path_is_404_in_quickbooks_times_error_body(api: httpx.Client) -> None:
    request_error(api.get("/timesheet"), 404)
    request_error(api.get("/groups_and_more"), 404)


def test_a_method_a_resource_lacks_is_405_in_quickbooks_times_error_body(api: httpx.Client) -> None:
    request_error(api.patch("/timesheets", json={"data": []}), 405)
    request_error(api.post("/current_user", json={"data": []}), 405)
    request_error(api.delete("/current_user"), 405)
