"""Every list object created with every field its request schema has, then read back by
conductor-py in strict mode: a field we keep but cannot render back would break every later read
of that object (a vendor with ``additionalContacts`` once did, for good)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conductor import Conductor

from tests.servers import Server
from timeledger.dialects.conductor.wire.lists import LIST_OBJECTS, ListObject
from timeledger.dialects.conductor.wire.schema import REQUESTS
from timeledger.dialects.conductor.wire.validation import Field

# Fields filled one way only: the API takes one of each pair, or refuses the value for creates.
_LEAVE_OUT = {"salesAndPurchaseDetails", "ratePercent", "parentId", "currencyId"}
_CHOOSE = {"accountType": "expense"}


def _value(name: str, field: Field, unique: str) -> Any:
    kind = field["type"]
    if "enum" in field:
        return _CHOOSE.get(name, field["enum"][0])
    if kind == "object":
        return _filled(field["fields"], unique)
    if kind == "array":
        return [_value(name, field["items"], unique)]
    if kind == "bool":
        return True
    if kind == "int":
        return 1
    if kind == "float":
        return 1.5
    if kind == "date":
        return "2024-01-02"
    text = f"{name[:8]}{unique}"
    return text[: field.get("max_length", len(text))]


def _filled(fields: dict[str, Field], unique: str) -> dict[str, Any]:
    """Every field but references (``...Id``/``...Ids`` name other objects) and the exclusive ones."""
    return {
        name: _value(name, field, unique)
        for name, field in fields.items()
        if not name.endswith(("Id", "Ids")) and name not in _LEAVE_OUT
    }


@pytest.fixture(scope="module")
def eu(new_end_user: Any) -> str:
    return new_end_user()


@pytest.mark.parametrize("obj", LIST_OBJECTS, ids=lambda o: o.path)
def test_a_list_object_with_every_field_reads_back(
    obj: ListObject, server: Server, demo: dict[str, Any], conductor: Conductor, eu: str
) -> None:
    body = _filled(REQUESTS[f"{obj.operations}.create"], obj.path[:3])
    created = httpx.post(
        f"{server.base_url}/v1/quickbooks-desktop/{obj.path}",
        json=body,
        headers={"Authorization": f"Bearer {demo['conductor']['api_key']}", "Conductor-End-User-Id": eu},
    )
    assert created.status_code == 200, created.text
    resource = getattr(conductor.qbd, obj.operations)
    got = resource.retrieve(created.json()["id"], conductor_end_user_id=eu)
    assert got.id == created.json()["id"]
    listed = resource.list(conductor_end_user_id=eu)
    assert created.json()["id"] in [o.id for o in (listed.data if hasattr(listed, "data") else listed)]
    if "additionalContacts" in body:
        (contact,) = got.additional_contacts  # type: ignore[attr-defined]
        assert contact.first_name == body["additionalContacts"][0]["firstName"] and contact.id
