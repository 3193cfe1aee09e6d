"""Jobcodes (reference §4): create (only a name needed, ``regular`` by default), names unique among
siblings (202 for an existing one), update, archive with the descendants and their assignments,
restore with the ancestors, and every list filter."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conformance.quickbooks_time.conftest import Account, listed, one
from tests.conformance.quickbooks_time.refusals import expectation_failed, item_refusal, request_error

JOBCODE_FIELDS = {
    "id",
    "parent_id",
    "assigned_to_all",
    "billable",
    "active",
    "type",
    "has_children",
    "billable_rate",
    "short_code",
    "name",
    "last_modified",
    "created",
    "filtered_customfielditems",
    "required_customfields",
    "locations",
}


def _name(prefix: str = "Job") -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def _jobcode(api: httpx.Client, **fields: Any) -> dict[str, Any]:
    fields.setdefault("name", _name())
    return one(api.post("/jobcodes", json={"data": [fields]}), "jobcodes")


def _get(api: httpx.Client, jobcode_id: int) -> dict[str, Any]:
    return listed(
        api.get("/jobcodes", params={"ids": jobcode_id, "active": "both", "type": "all"}), "jobcodes"
    )[str(jobcode_id)]


def _ids(api: httpx.Client, **params: Any) -> set[int]:
    return {int(k) for k in listed(api.get("/jobcodes", params=params), "jobcodes")}


def _update(api: httpx.Client, **fields: Any) -> httpx.Response:
    return api.put("/jobcodes", json={"data": [fields]})


def test_a_jobcode_needs_only_a_name_and_is_a_regular_top_level_one(api: httpx.Client) -> None:
    name = _name()
    response = api.post("/jobcodes", json={"data": [{"name": name}]})
    item = response.json()["results"]["jobcodes"]["1"]
    assert (item["_status_code"], item["_status_message"]) == (200, "Created")
    jobcode = {k: v for k, v in item.items() if not k.startswith("_")}
    assert set(jobcode) >= JOBCODE_FIELDS
    assert (jobcode["name"], jobcode["type"], jobcode["parent_id"], jobcode["active"]) == (
        name,
        "regular",
        0,
        True,
    )
    assert (jobcode["billable"], jobcode["assigned_to_all"], jobcode["has_children"]) == (False, False, False)
    assert (jobcode["short_code"], jobcode["billable_rate"]) == ("", 0)
    assert jobcode["created"].endswith("+00:00")
    assert _get(api, jobcode["id"]) == jobcode


def test_a_jobcode_is_created_with_every_writable_field(api: httpx.Client) -> None:
    jobcode = _jobcode(api, short_code="AB12", billable="yes", billable_rate="37.50", assigned_to_all="no")
    assert (jobcode["short_code"], jobcode["billable"], jobcode["billable_rate"]) == ("AB12", True, 37.5)
    assert jobcode["assigned_to_all"] is False


def test_a_child_jobcode_names_its_parent_and_the_parent_has_children(api: httpx.Client) -> None:
    parent = _jobcode(api)
    child = _jobcode(api, parent_id=str(parent["id"]))
    assert child["parent_id"] == parent["id"]
    assert _get(api, parent["id"])["has_children"] is True
    assert _get(api, child["id"])["has_children"] is False


def test_a_jobcode_of_the_same_name_under_the_same_parent_is_accepted_not_created(api: httpx.Client) -> None:
    parent = _jobcode(api)
    name = _name()
    first = _jobcode(api, name=name, parent_id=parent["id"])
    response = api.post("/jobcodes", json={"data": [{"name": name, "parent_id": parent["id"]}]})
    item = response.json()["results"]["jobcodes"]["1"]
    assert response.status_code == 200
    assert item["_status_code"] == 202, item
    assert item["_status_message"] == "Accepted" and item.get("_status_extra"), item
    assert _ids(api, parent_ids=parent["id"]) == {first["id"]}
    # The same name elsewhere is another jobcode.
    other = _jobcode(api, name=name)
    assert other["id"] != first["id"] and other["parent_id"] == 0


def test_a_jobcode_named_as_a_sibling_of_another_type_is_accepted_but_not_created(api: httpx.Client) -> None:
    # A departure (README): QuickBooks Time answers 202 only for "the same parent_id, name and type"
    # (reference §4), but a jobcode is a QuickBooks customer or job, whose full names are unique
    # whatever the type; so a pto jobcode may not share a regular sibling's name.
    name = _name("Holiday")
    _jobcode(api, name=name)
    response = api.post("/jobcodes", json={"data": [{"name": name, "type": "pto"}]})
    item_refusal(response, "jobcodes", "1", 202, "Accepted", "same parent_id, name")


def test_renaming_a_jobcode_to_a_siblings_name_is_refused(api: httpx.Client) -> None:
    taken = _jobcode(api)["name"]
    jobcode = _jobcode(api)
    item_refusal(
        _update(api, id=jobcode["id"], name=taken), "jobcodes", "1", 417, "Expectation Failed", "name"
    )
    assert _get(api, jobcode["id"])["name"] == jobcode["name"]


def test_a_short_code_in_use_among_siblings_is_refused(api: httpx.Client) -> None:
    code = f"SC{uuid.uuid4().hex[:6]}"
    _jobcode(api, short_code=code)
    response = api.post("/jobcodes", json={"data": [{"name": _name(), "short_code": code}]})
    item_refusal(response, "jobcodes", "1", 417, "Expectation Failed", "short code")


@pytest.mark.parametrize(
    ("fields", "word"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 65}, "name"),
        ({"short_code": "not ok!"}, "short_code"),
        ({"type": "holiday"}, "type"),
        ({"type": "paid_break"}, "paid_break"),
        ({"type": "unpaid_break"}, "unpaid_break"),
        ({"billable": "perhaps"}, "billable"),
        ({"billable_rate": "lots"}, "billable_rate"),
        ({"parent_id": 999999999}, "parent"),
    ],
    ids=lambda v: str(v)[:20] if isinstance(v, dict) else v,
)
def test_a_jobcode_with_a_bad_field_is_refused(api: httpx.Client, fields: dict[str, Any], word: str) -> None:
    item = {"name": _name(), **fields} if "name" not in fields and fields else fields
    response = api.post("/jobcodes", json={"data": [item]})
    item_refusal(response, "jobcodes", "1", 417, "Expectation Failed", word)


def test_pto_jobcodes_are_top_level_only_and_listed_only_by_type(api: httpx.Client) -> None:
    pto = _jobcode(api, type="pto", name=_name("Vacation"))
    assert pto["type"] == "pto"
    parent = _jobcode(api)
    response = api.post(
        "/jobcodes", json={"data": [{"name": _name(), "type": "pto", "parent_id": parent["id"]}]}
    )
    item_refusal(response, "jobcodes", "1", 417, "Expectation Failed", "pto")
    assert pto["id"] not in _ids(api)
    assert pto["id"] not in _ids(api, type="regular")
    assert pto["id"] in _ids(api, type="pto")
    assert parent["id"] not in _ids(api, type="pto")
    assert {pto["id"], parent["id"]} <= _ids(api, type="all")


def test_a_jobcodes_type_is_written_once(api: httpx.Client) -> None:
    jobcode = _jobcode(api)
    item_refusal(
        _update(api, id=jobcode["id"], type="pto"), "jobcodes", "1", 417, "Expectation Failed", "type"
    )
    assert _get(api, jobcode["id"])["type"] == "regular"


def test_updating_a_jobcode_changes_only_the_fields_sent(api: httpx.Client) -> None:
    jobcode = _jobcode(api, short_code="KEEP", billable=True)
    name = _name()
    response = _update(api, id=str(jobcode["id"]), name=name, billable_rate=12)
    item = response.json()["results"]["jobcodes"]["1"]
    assert (item["_status_code"], item["_status_message"]) == (200, "Updated")
    assert (item["name"], item["billable_rate"], item["short_code"], item["billable"]) == (
        name,
        12,
        "KEEP",
        True,
    )


def test_a_jobcode_moves_under_another_parent(api: httpx.Client) -> None:
    first, second = _jobcode(api), _jobcode(api)
    child = _jobcode(api, parent_id=first["id"])
    moved = one(_update(api, id=child["id"], parent_id=second["id"]), "jobcodes")
    assert moved["parent_id"] == second["id"]
    assert _ids(api, parent_ids=second["id"]) == {child["id"]}
    assert _get(api, first["id"])["has_children"] is False


def test_updating_a_jobcode_that_does_not_exist_or_without_an_id_is_refused(api: httpx.Client) -> None:
    # The jobcodes PUT status table lists only 200 and 417 (reference §4).
    response = api.put("/jobcodes", json={"data": [{"id": 999999999, "name": "X"}, {"name": "no id"}]})
    item_refusal(response, "jobcodes", "1", 417, "Expectation Failed")
    item_refusal(response, "jobcodes", "2", 417, "Expectation Failed", "id")


def test_archiving_a_jobcode_archives_its_descendants_and_ends_their_assignments(
    api: httpx.Client, account: Account
) -> None:
    top = _jobcode(api)
    middle = _jobcode(api, parent_id=top["id"], assigned_to_all=True)
    bottom = _jobcode(api, parent_id=middle["id"])
    assignment = one(
        api.post(
            "/jobcode_assignments", json={"data": [{"user_id": account.user_id, "jobcode_id": bottom["id"]}]}
        ),
        "jobcode_assignments",
    )
    archived = one(_update(api, id=top["id"], active=False), "jobcodes")
    assert archived["active"] is False
    assert [_get(api, j["id"])["active"] for j in (middle, bottom)] == [False, False]
    assert not {top["id"], middle["id"], bottom["id"]} & _ids(api)
    assert {top["id"], middle["id"], bottom["id"]} <= _ids(api, active="no")
    assignments = listed(
        api.get("/jobcode_assignments", params={"user_ids": account.user_id, "active": "both"}),
        "jobcode_assignments",
    )
    assert assignments[str(assignment["id"])]["active"] is False
    everyones = listed(
        api.get("/jobcode_assignments", params={"jobcode_id": middle["id"], "active": "both"}),
        "jobcode_assignments",
    )
    assert [(a["user_id"], a["active"]) for a in everyones.values()] == [(0, False)]


def test_restoring_a_jobcode_restores_its_ancestors(api: httpx.Client) -> None:
    top = _jobcode(api)
    middle = _jobcode(api, parent_id=top["id"])
    bottom = _jobcode(api, parent_id=middle["id"])
    one(_update(api, id=top["id"], active="false"), "jobcodes")
    restored = one(_update(api, id=bottom["id"], active="true"), "jobcodes")
    assert restored["active"] is True
    assert [_get(api, j["id"])["active"] for j in (top, middle)] == [True, True]


def test_an_archived_jobcode_is_edited_only_by_the_item_that_restores_it(api: httpx.Client) -> None:
    jobcode = _jobcode(api)
    one(_update(api, id=jobcode["id"], active=0), "jobcodes")
    item_refusal(_update(api, id=jobcode["id"], name=_name()), "jobcodes", "1", 417, "Expectation Failed")
    name = _name()
    back = one(_update(api, id=jobcode["id"], name=name, active=1), "jobcodes")
    assert (back["name"], back["active"]) == (name, True)


def test_jobcodes_are_never_deleted(api: httpx.Client) -> None:
    jobcode = _jobcode(api)
    request_error(api.delete("/jobcodes", params={"ids": jobcode["id"]}), 405)
    assert jobcode["id"] in _ids(api)


def test_jobcodes_are_filtered_by_parent(api: httpx.Client) -> None:
    top = _jobcode(api)
    a, b = _jobcode(api, parent_id=top["id"]), _jobcode(api, parent_id=top["id"])
    grandchild = _jobcode(api, parent_id=a["id"])
    assert _ids(api, parent_ids=top["id"]) == {a["id"], b["id"]}
    assert _ids(api, parent_ids=f"{a['id']},{b['id']}") == {grandchild["id"]}
    top_level = _ids(api, parent_ids=0)
    assert top["id"] in top_level and not {a["id"], b["id"], grandchild["id"]} & top_level
    everywhere = _ids(api, parent_ids=-1)
    assert {top["id"], a["id"], b["id"], grandchild["id"]} <= everywhere
    assert everywhere == _ids(api)  # -1 is the default


def test_jobcodes_are_filtered_by_id_and_name_prefix(api: httpx.Client) -> None:
    stem = f"Pfx{uuid.uuid4().hex[:6]}"
    a = _jobcode(api, name=f"{stem} Alpha")
    b = _jobcode(api, name=f"{stem} Beta")
    assert _ids(api, ids=f"{a['id']},{b['id']}") == {a["id"], b["id"]}
    assert _ids(api, name=stem) == {a["id"], b["id"]}
    assert _ids(api, name=f"{stem} A") == {a["id"]}
    assert _ids(api, name=f"{stem}*eta") == {b["id"]}


def test_jobcodes_are_filtered_by_modification_time(api: httpx.Client) -> None:
    jobcode = _jobcode(api)
    assert jobcode["id"] in _ids(api, modified_since=jobcode["last_modified"])
    assert jobcode["id"] not in _ids(api, modified_since="2999-01-01T00:00:00+00:00")
    assert jobcode["id"] not in _ids(api, modified_before="2001-01-01T00:00:00-0700")
    assert jobcode["id"] in _ids(api, modified_before="2999-01-01T00:00:00-07:00")


def test_a_listed_jobcodes_ancestors_come_in_supplemental_data(api: httpx.Client) -> None:
    top = _jobcode(api)
    middle = _jobcode(api, parent_id=top["id"])
    bottom = _jobcode(api, parent_id=middle["id"])
    body = api.get("/jobcodes", params={"ids": bottom["id"]}).json()
    assert list(body["results"]["jobcodes"]) == [str(bottom["id"])]
    assert set(body["supplemental_data"]["jobcodes"]) == {str(top["id"]), str(middle["id"])}
    assert body["supplemental_data"]["jobcodes"][str(top["id"])]["name"] == top["name"]
    assert (
        "supplemental_data"
        not in api.get("/jobcodes", params={"ids": bottom["id"], "supplemental_data": "no"}).json()
    )
    # A top-level jobcode needs nothing to trace it: supplemental data is an empty object.
    assert api.get("/jobcodes", params={"ids": top["id"]}).json()["supplemental_data"] == {}


def test_assigned_to_all_is_set_and_cleared_on_a_jobcode(api: httpx.Client) -> None:
    jobcode = _jobcode(api, assigned_to_all=True)
    assert jobcode["assigned_to_all"] is True
    assert _get(api, jobcode["id"])["assigned_to_all"] is True
    cleared = one(_update(api, id=jobcode["id"], assigned_to_all="no"), "jobcodes")
    assert cleared["assigned_to_all"] is False


def test_bad_jobcode_filters_are_refused_with_417(api: httpx.Client) -> None:
    expectation_failed(api.get("/jobcodes", params={"type": "holiday"}), "type")
    expectation_failed(api.get("/jobcodes", params={"active": "maybe"}), "active")
    expectation_failed(api.get("/jobcodes", params={"parent_ids": "top"}), "parent_ids")


def test_the_demo_companys_customers_and_jobs_are_its_jobcodes(demo_api: httpx.Client) -> None:
    jobcodes = listed(demo_api.get("/jobcodes"), "jobcodes")
    by_name = {j["name"]: j for j in jobcodes.values()}
    assert by_name["Website Redesign"]["parent_id"] == by_name["Acme Corp"]["id"]
    assert by_name["Annual Audit"]["parent_id"] == by_name["Globex"]["id"]
    assert by_name["Acme Corp"]["has_children"] is True and by_name["Acme Corp"]["parent_id"] == 0
