"""Custom fields and their items (the docs' "Custom Fields" and "Custom Field Items"): every company has
two managed-list fields on timesheets, "Service Item" and "Class", whose items are its service items
and classes, named by their full names; ``GET /customfields`` with its filters, ``GET
/customfielditems`` of one field, and ``POST /customfielditems`` making a new service item or class
that timesheets may then name."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.conformance.quickbooks_time.conftest import api_client, listed, one
from tests.conformance.quickbooks_time.refusals import expectation_failed, item_refusal, unauthorized

FIELD_KEYS = {
    "id",
    "active",
    "required",
    "applies_to",
    "type",
    "short_code",
    "regex_filter",
    "name",
    "last_modified",
    "created",
    "ui_preference",
    "required_customfields",
    "show_to_all",
}
ITEM_KEYS = {"id", "customfield_id", "active", "short_code", "name", "last_modified", "required_customfields"}


def _name(prefix: str = "Item") -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def _fields(api: httpx.Client, **params: Any) -> dict[str, Any]:
    return listed(api.get("/customfields", params=params), "customfields")


def _field_id(api: httpx.Client, name: str) -> int:
    (found,) = [f for f in _fields(api).values() if f["name"] == name]
    return int(found["id"])


def _items(api: httpx.Client, field_id: int, **params: Any) -> dict[str, Any]:
    return listed(
        api.get("/customfielditems", params={"customfield_id": field_id, **params}), "customfielditems"
    )


def _create(api: httpx.Client, *items: dict[str, Any]) -> httpx.Response:
    return api.post("/customfielditems", json={"data": list(items)})


def _worker(api: httpx.Client) -> int:
    name = f"w{uuid.uuid4().hex[:10]}"
    item = {"username": name, "first_name": "W", "last_name": name, "permissions": {"time_tracking": True}}
    return int(one(api.post("/users", json={"data": [item]}), "users")["id"])


# --- custom fields ----------------------------------------------------------------------------------


def test_every_company_has_a_service_item_and_a_class_field_on_timesheets(demo_api: httpx.Client) -> None:
    response = demo_api.get("/customfields")
    body = response.json()
    assert body["more"] is False
    assert "supplemental_data" in body
    fields = listed(response, "customfields")
    assert sorted(f["name"] for f in fields.values()) == ["Class", "Service Item"]
    for key, field in fields.items():
        assert set(field) == FIELD_KEYS
        assert str(field["id"]) == key
        assert (field["active"], field["applies_to"], field["type"], field["ui_preference"]) == (
            True,
            "timesheet",
            "managed-list",
            "drop_down",
        )
        assert field["created"].endswith("+00:00") and field["last_modified"].endswith("+00:00")


def test_the_fields_are_the_ones_a_timesheet_names_in_its_custom_fields(demo_api: httpx.Client) -> None:
    sheets = listed(demo_api.get("/timesheets", params={"start_date": "2000-01-01"}), "timesheets")
    named = next(s for s in sheets.values() if s["customfields"])
    service_item, class_ = _field_id(demo_api, "Service Item"), _field_id(demo_api, "Class")
    assert set(named["customfields"]) == {str(service_item), str(class_)}
    items = {i["name"] for i in _items(demo_api, service_item).values()}
    assert named["customfields"][str(service_item)] in items


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"active": "both"}, {"Service Item", "Class"}),
        ({"active": "no"}, set()),
        ({"applies_to": "all"}, {"Service Item", "Class"}),
        ({"applies_to": "user"}, set()),
        ({"applies_to": "jobcode"}, set()),
        ({"value_type": "managed-list"}, {"Service Item", "Class"}),
        ({"value_type": "free-form"}, set()),
        ({"modified_since": "2000-01-01T00:00:00-06:00"}, {"Service Item", "Class"}),
        ({"modified_since": "2999-01-01T00:00:00+00:00"}, set()),
        ({"modified_before": "2000-01-01T00:00:00+00:00"}, set()),
    ],
)
def test_custom_fields_are_filtered(demo_api: httpx.Client, params: dict[str, str], names: set[str]) -> None:
    assert {f["name"] for f in _fields(demo_api, **params).values()} == names


def test_custom_fields_are_filtered_by_id(demo_api: httpx.Client) -> None:
    class_ = _field_id(demo_api, "Class")
    assert list(_fields(demo_api, ids=str(class_))) == [str(class_)]
    assert _fields(demo_api, ids="999999") == {}


def test_custom_fields_come_in_pages(demo_api: httpx.Client) -> None:
    first = demo_api.get("/customfields", params={"limit": 1}).json()
    second = demo_api.get("/customfields", params={"limit": 1, "page": 2}).json()
    assert (first["more"], second["more"]) == (True, False)
    assert len(first["results"]["customfields"]) == len(second["results"]["customfields"]) == 1
    assert set(first["results"]["customfields"]) != set(second["results"]["customfields"])


@pytest.mark.parametrize(
    ("params", "word"),
    [
        ({"applies_to": "invoice"}, "applies_to"),
        ({"value_type": "list"}, "value_type"),
        ({"limit": 0}, "limit"),
    ],
)
def test_a_bad_custom_field_filter_is_an_expectation_failed(
    demo_api: httpx.Client, params: dict[str, Any], word: str
) -> None:
    expectation_failed(demo_api.get("/customfields", params=params), word)


def test_custom_fields_need_a_token(app: dict[str, Any]) -> None:
    with api_client(app["base_url"], None) as anonymous:
        unauthorized(anonymous.get("/customfields"))
        unauthorized(anonymous.get("/customfielditems", params={"customfield_id": 1}))


# --- custom field items -----------------------------------------------------------------------------


def test_the_service_item_field_lists_the_companys_service_items(demo_api: httpx.Client) -> None:
    field = _field_id(demo_api, "Service Item")
    response = demo_api.get("/customfielditems", params={"customfield_id": field})
    body = response.json()
    items = listed(response, "customfielditems")
    assert {"Consulting", "Development", "Design"} <= {i["name"] for i in items.values()}
    for key, item in items.items():
        assert set(item) == ITEM_KEYS
        assert (str(item["id"]), item["customfield_id"], item["active"]) == (key, field, True)
    assert body["more"] is False
    assert body["supplemental_data"]["customfields"][str(field)]["name"] == "Service Item"


def test_the_class_field_lists_classes_by_their_full_names(demo_api: httpx.Client) -> None:
    field = _field_id(demo_api, "Class")
    names = {i["name"] for i in _items(demo_api, field).values()}
    assert {"Engineering", "Engineering:Backend", "Design"} <= names
    assert "Consulting" not in names


def test_custom_field_items_are_filtered(api: httpx.Client) -> None:
    field = _field_id(api, "Service Item")
    stem = uuid.uuid4().hex[:6]
    made = [
        one(_create(api, {"customfield_id": field, "name": f"{stem}{suffix}"}), "customfielditems")
        for suffix in ("ate", "ing", "ate2")
    ]
    ids = {str(m["id"]) for m in made}
    assert set(_items(api, field, ids=f"{made[0]['id']},{made[1]['id']}")) == {
        str(made[0]["id"]),
        str(made[1]["id"]),
    }
    assert {i["name"] for i in _items(api, field, name=f"{stem}*").values()} == {m["name"] for m in made}
    assert {i["name"] for i in _items(api, field, name=f"{stem}at*").values()} == {
        f"{stem}ate",
        f"{stem}ate2",
    }
    since = made[0]["last_modified"]
    assert ids <= set(_items(api, field, modified_since=since))
    assert not ids & set(_items(api, field, modified_before="2000-01-01T00:00:00+00:00"))
    assert not ids & set(_items(api, field, active="no"))
    assert ids <= set(_items(api, field, active="both"))


def test_custom_field_items_come_in_pages(api: httpx.Client) -> None:
    field = _field_id(api, "Class")
    for _ in range(3):
        one(_create(api, {"customfield_id": field, "name": _name("Class")}), "customfielditems")
    seen: list[str] = []
    page, more = 1, True
    while more:
        body = api.get("/customfielditems", params={"customfield_id": field, "limit": 2, "page": page}).json()
        assert len(body["results"]["customfielditems"]) <= 2
        seen += list(body["results"]["customfielditems"])
        more, page = body["more"], page + 1
    assert len(seen) == len(set(seen)) == len(_items(api, field)) >= 3


@pytest.mark.parametrize(
    ("params", "word"),
    [({}, "customfield_id"), ({"customfield_id": "999"}, "999"), ({"customfield_id": "x"}, "customfield_id")],
)
def test_items_of_no_named_field_are_an_expectation_failed(
    demo_api: httpx.Client, params: dict[str, str], word: str
) -> None:
    expectation_failed(demo_api.get("/customfielditems", params=params), word)


# --- creating items ---------------------------------------------------------------------------------


def test_a_new_service_item_is_listed_and_a_timesheet_may_name_it(api: httpx.Client) -> None:
    field = _field_id(api, "Service Item")
    name = _name("Service")
    response = _create(api, {"customfield_id": str(field), "name": name, "short_code": uuid.uuid4().hex[:6]})
    raw = response.json()["results"]["customfielditems"]["1"]
    assert (raw["_status_code"], raw["_status_message"]) == (200, "Created")
    item = {k: v for k, v in raw.items() if not k.startswith("_")}
    assert set(item) == ITEM_KEYS
    assert (item["name"], item["customfield_id"], item["active"]) == (name, field, True)
    assert response.json()["supplemental_data"]["customfields"][str(field)]["name"] == "Service Item"
    assert _items(api, field)[str(item["id"])] == item

    sheet = {
        "user_id": _worker(api),
        "jobcode_id": 0,
        "type": "manual",
        "date": "2024-03-04",
        "duration": 3600,
        "customfields": {str(field): name},
    }
    made = one(api.post("/timesheets", json={"data": [sheet]}), "timesheets")
    assert made["customfields"] == {str(field): name}


def test_a_full_name_makes_an_item_below_its_parent(api: httpx.Client) -> None:
    field = _field_id(api, "Class")
    parent = one(_create(api, {"customfield_id": field, "name": _name("Dept")}), "customfielditems")
    child = one(
        _create(api, {"customfield_id": field, "name": f"{parent['name']}:North"}), "customfielditems"
    )
    assert child["name"] == f"{parent['name']}:North"
    assert {i["name"] for i in _items(api, field).values()} >= {parent["name"], child["name"]}
    refused = _create(api, {"customfield_id": field, "name": f"{_name('Nowhere')}:North"})
    item_refusal(refused, "customfielditems", "1", 417, "Expectation Failed", "no item named")


def test_an_item_made_inactive_is_listed_only_as_inactive(api: httpx.Client) -> None:
    field = _field_id(api, "Service Item")
    made = one(
        _create(api, {"customfield_id": field, "name": _name(), "active": "false"}), "customfielditems"
    )
    assert made["active"] is False
    assert str(made["id"]) not in _items(api, field)
    assert str(made["id"]) in _items(api, field, active="no")


def test_a_name_already_in_use_is_refused_and_the_rest_of_the_batch_is_made(api: httpx.Client) -> None:
    field = _field_id(api, "Service Item")
    name, other = _name(), _name()
    response = _create(
        api,
        {"customfield_id": field, "name": name},
        {"customfield_id": field, "name": name.upper()},
        {
            "customfield_id": field,
            "name": other,
        },
    )
    results = response.json()["results"]["customfielditems"]
    assert results["1"]["_status_code"] == 200
    refused = item_refusal(
        response, "customfielditems", "2", 417, "Expectation Failed", "conflicts", name.upper()
    )
    assert refused["name"] == name.upper()  # a refused item echoes what was sent
    assert results["3"]["_status_code"] == 200
    names = [i["name"] for i in _items(api, field).values()]
    assert names.count(name) == 1 and other in names


def test_a_short_code_is_unique_across_every_field(api: httpx.Client) -> None:
    code = uuid.uuid4().hex[:6]
    one(
        _create(api, {"customfield_id": _field_id(api, "Service Item"), "name": _name(), "short_code": code}),
        "customfielditems",
    )
    response = _create(api, {"customfield_id": _field_id(api, "Class"), "name": _name(), "short_code": code})
    item_refusal(response, "customfielditems", "1", 417, "Expectation Failed", "short code")


@pytest.mark.parametrize(
    ("item", "word"),
    [
        ({"customfield_id": 1}, "name"),
        ({"customfield_id": 1, "name": "  "}, "name"),
        ({"name": "Anything"}, "customfield_id"),
        ({"customfield_id": 77, "name": "Anything"}, "custom field 77"),
        ({"customfield_id": 1, "name": "Anything", "short_code": "no spaces"}, "short_code"),
        ({"customfield_id": 1, "name": "Anything", "active": "perhaps"}, "active"),
    ],
)
def test_a_bad_item_is_refused_by_its_own_status(api: httpx.Client, item: dict[str, Any], word: str) -> None:
    item_refusal(_create(api, item), "customfielditems", "1", 417, "Expectation Failed", word)


def test_more_than_fifty_items_are_refused_whole(api: httpx.Client) -> None:
    items = [{"customfield_id": 1, "name": _name()} for _ in range(51)]
    response = _create(api, *items)
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == 413
