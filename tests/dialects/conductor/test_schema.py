"""schema.py is the installed SDK's view of the wire, and what render() builds the SDK accepts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pydantic
import pytest
from conductor._models import validate_type
from conductor.types import AuthSession, EndUser
from conductor.types.end_user import IntegrationConnection
from conductor.types.qbd import (
    Account,
    Class,
    Company,
    Currency,
    Customer,
    DeletedListObject,
    DeletedTransaction,
    Employee,
    JournalEntry,
    OtherName,
    PayrollWageItem,
    ServiceItem,
    TimeTrackingActivity,
    Vendor,
)
from conductor.types.qbd.journal_entry import CreditLine, DebitLine
from conductor.types.qbd.vendor import AdditionalContact

from timeledger.dialects.conductor.wire.schema import REQUESTS, RESPONSES
from timeledger.dialects.conductor.wire.validation import Shape, render

ROOT = Path(__file__).resolve().parents[3]

# Written out by hand so that a type the generator drops or invents fails here.
SDK_MODELS: dict[str, type[pydantic.BaseModel]] = {
    "qbd_time_tracking_activity": TimeTrackingActivity,
    "qbd_employee": Employee,
    "qbd_vendor": Vendor,
    "qbd_contact": AdditionalContact,
    "qbd_other_name": OtherName,
    "qbd_customer": Customer,
    "qbd_service_item": ServiceItem,
    "qbd_class": Class,
    "qbd_payroll_wage_item": PayrollWageItem,
    "qbd_account": Account,
    "qbd_currency": Currency,
    "qbd_journal_entry": JournalEntry,
    "qbd_journal_credit_line": CreditLine,
    "qbd_journal_debit_line": DebitLine,
    "qbd_deleted_list_object": DeletedListObject,
    "qbd_deleted_transaction": DeletedTransaction,
    # Conductor's company object has no objectType; it is keyed as its OpenAPI schema is named.
    "qbd_company": Company,
    "end_user": EndUser,
    "integration_connection": IntegrationConnection,
    "auth_session": AuthSession,
}

SAMPLES = {"str": "sample", "date": "2024-10-01", "bool": True, "float": 2.0, "int": 2}


def required_values(fields: dict[str, Shape]) -> dict[str, Any]:
    """Only what render() cannot fill: non-null, non-list, non-constant keys, nested included."""
    values: dict[str, Any] = {}
    for key, shape in fields.items():
        if shape.get("nullable") or shape["type"] == "array" or len(shape.get("enum", ())) == 1:
            continue
        if shape["type"] == "object":
            values[key] = required_values(shape["fields"])
        else:
            values[key] = shape["enum"][0] if "enum" in shape else SAMPLES[shape["type"]]
    return values


def accepted_by_sdk(object_type: str, rendered: dict[str, Any]) -> pydantic.BaseModel:
    """Parse a response body as `Conductor(_strict_response_validation=True)` does, and stricter.

    The client calls `validate_type` on the decoded JSON, which is pydantic's lax mode; strict JSON
    mode also refuses coercions such as "1" for a number, which a stricter client would see.
    """
    body = json.dumps(rendered)
    model = SDK_MODELS[object_type]
    parsed = validate_type(type_=model, value=json.loads(body))
    model.model_validate_json(body, strict=True)
    return parsed


def wire_keys(model: type[pydantic.BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def test_the_committed_schema_is_what_the_installed_sdk_generates() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/generate_conductor_schema.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_every_response_object_type_has_its_sdk_model() -> None:
    assert set(RESPONSES) == set(SDK_MODELS)


@pytest.mark.parametrize("object_type", sorted(SDK_MODELS))
def test_a_rendered_object_has_every_key_the_sdk_declares_in_its_order(object_type: str) -> None:
    rendered = render(object_type, required_values(RESPONSES[object_type]))
    assert list(rendered) == wire_keys(SDK_MODELS[object_type])


@pytest.mark.parametrize("object_type", sorted(SDK_MODELS))
def test_a_rendered_object_from_only_its_required_values_passes_sdk_validation(object_type: str) -> None:
    rendered = render(object_type, required_values(RESPONSES[object_type]))
    parsed = accepted_by_sdk(object_type, rendered)
    assert getattr(parsed, "object_type", object_type) == object_type


def test_a_journal_entry_with_lines_passes_sdk_validation_with_each_line_filled() -> None:
    line = required_values(RESPONSES["qbd_journal_debit_line"]) | {"amount": "100.00"}
    values = required_values(RESPONSES["qbd_journal_entry"]) | {"debitLines": [line], "creditLines": [line]}
    rendered = render("qbd_journal_entry", values)
    entry = accepted_by_sdk("qbd_journal_entry", rendered)
    assert isinstance(entry, JournalEntry)
    assert entry.debit_lines[0].amount == "100.00"
    assert entry.debit_lines[0].object_type == "qbd_journal_debit_line"
    assert rendered["debitLines"][0]["memo"] is None
    assert list(rendered["creditLines"][0]) == wire_keys(CreditLine)


def test_missing_optional_values_render_as_null_and_missing_lists_as_empty() -> None:
    rendered = render("qbd_customer", required_values(RESPONSES["qbd_customer"]))
    assert rendered["email"] is None
    assert rendered["billingAddress"] is None
    assert rendered["customFields"] == []
    # A fetched customer without alternate addresses has none; null is kept for "not fetched".
    assert rendered["alternateShippingAddresses"] == []
    excluded = render(
        "qbd_customer", required_values(RESPONSES["qbd_customer"]) | {"alternateShippingAddresses": None}
    )
    assert excluded["alternateShippingAddresses"] is None
    accepted_by_sdk("qbd_customer", excluded)


def test_render_fills_the_object_type_constant() -> None:
    rendered = render("qbd_class", required_values(RESPONSES["qbd_class"]))
    assert rendered["objectType"] == "qbd_class"


def test_render_fills_a_nested_reference_with_nulls() -> None:
    values = required_values(RESPONSES["qbd_time_tracking_activity"]) | {
        "customer": {"id": "80000002-1234567890"}
    }
    rendered = render("qbd_time_tracking_activity", values)
    assert rendered["customer"] == {"id": "80000002-1234567890", "fullName": None}
    assert rendered["serviceItem"] is None


def test_render_drops_keys_the_response_does_not_have() -> None:
    values = required_values(RESPONSES["qbd_class"]) | {"ledgerKey": 7}
    assert "ledgerKey" not in render("qbd_class", values)


def test_render_refuses_to_guess_a_required_value() -> None:
    values = required_values(RESPONSES["qbd_time_tracking_activity"])
    del values["duration"]
    with pytest.raises(KeyError, match=r"qbd_time_tracking_activity\.duration"):
        render("qbd_time_tracking_activity", values)


def test_render_does_not_share_default_lists_between_objects() -> None:
    first = render("qbd_customer", required_values(RESPONSES["qbd_customer"]))
    second = render("qbd_customer", required_values(RESPONSES["qbd_customer"]))
    first["customFields"].append({"name": "x"})
    assert second["customFields"] == []


def test_request_schemas_carry_the_sdks_max_lengths_and_requirements() -> None:
    name = REQUESTS["customers.create"]["name"]
    assert name == {"type": "str", "required": True, "max_length": 41}
    assert REQUESTS["time_tracking_activities.create"]["note"]["max_length"] == 4095


def test_the_end_user_header_is_not_a_body_or_query_field() -> None:
    assert all("Conductor-End-User-Id" not in fields for fields in REQUESTS.values())
