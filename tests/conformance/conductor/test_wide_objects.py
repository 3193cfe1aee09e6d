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
_CHOOSE = {"accountType": "expense", "rate": "12.50"}


def _value(name: str, field: Field, unique: str, refs: dict[str, str]) -> Any:
    kind = field["type"]
    if name.endswith("Id"):
        return refs["payrollWageItemId" if name == "payrollWageItemId" else "accountId"]
    if name in _CHOOSE:
        return _CHOOSE[name]
    if "enum" in field:
        return field["enum"][0]
    if kind == "object":
        return _filled(field["fields"], unique, refs)
    if kind == "array":
        return [_value(name, field["items"], unique, refs)]
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


def _filled(fields: dict[str, Field], unique: str, refs: dict[str, str]) -> dict[str, Any]:
    """Every field but the exclusive ones and optional references (``...Id``/``...Ids`` name other
    objects, most in lists timeledger does not keep); a required one names an account or wage item."""
    return {
        name: _value(name, field, unique, refs)
        for name, field in fields.items()
        if name not in _LEAVE_OUT and (field.get("required") or not name.endswith(("Id", "Ids")))
    }


@pytest.fixture(scope="module")
def eu(new_end_user: Any) -> str:
    return new_end_user()


@pytest.fixture(scope="module")
def refs(qbd: Any, eu: str) -> dict[str, str]:
    """The objects a required reference names: an expense account and an hourly wage item."""
    account = qbd.accounts.create(name="Wide expenses", account_type="expense", conductor_end_user_id=eu)
    wage_item = qbd.payroll_wage_items.create(
        name="Wide hourly",
        wage_type="hourly_regular",
        expense_account_id=account.id,
        conductor_end_user_id=eu,
    )
    return {"accountId": account.id, "payrollWageItemId": wage_item.id}


@pytest.mark.parametrize("obj", LIST_OBJECTS, ids=lambda o: o.path)
def test_a_list_object_with_every_field_reads_back(
    obj: ListObject, server: Server, demo: dict[str, Any], conductor: Conductor, eu: str, refs: dict[str, str]
) -> None:
    body = _filled(REQUESTS[f"{obj.operations}.create"], obj.path[:3], refs)
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
