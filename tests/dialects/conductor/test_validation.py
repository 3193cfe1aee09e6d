"""Request bodies and query strings are held to Conductor's closed, exactly typed schemas.

Valid requests are the ones conductor-py itself sends: each is captured on its way out of a real
SDK client (an httpx transport that records it), so the body and query are the SDK's own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import httpx
import pytest
from conductor import Conductor

from timeledger.dialects.conductor.errors import ConductorError
from timeledger.dialects.conductor.wire.validation import validate_body, validate_query

END_USER = "end_usr_1234567abcdefg"
ID = "80000001-1234567890"
ACTIVITY = {"duration": "PT1H30M", "entityId": ID, "transactionDate": "2024-10-01"}


def sent_by_sdk(call: Callable[[Conductor], object]) -> httpx.Request:
    """The HTTP request conductor-py builds for `call`; the reply is an empty object."""
    sent: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={})

    client = Conductor(
        api_key="sk_test_schema",
        base_url="http://conductor.invalid/v1",
        http_client=httpx.Client(transport=httpx.MockTransport(record)),
        max_retries=0,
    )
    call(client)
    return sent[0]


def body_of(call: Callable[[Conductor], object]) -> Any:
    return json.loads(sent_by_sdk(call).content)


def query_of(call: Callable[[Conductor], object]) -> list[tuple[str, str]]:
    return sent_by_sdk(call).url.params.multi_items()


def refusal(check: Callable[[], object]) -> str:
    """The message of the 400 that `check` raises, after asserting it is Conductor's 400."""
    with pytest.raises(ConductorError) as caught:
        check()
    error = caught.value
    assert (error.status, error.type, error.code) == (400, "INVALID_REQUEST_ERROR", "INVALID_REQUEST")
    return error.message


# --- bodies the SDK sends pass, unchanged ---------------------------------------------------------


def test_a_time_tracking_activity_with_every_field_passes_unchanged() -> None:
    body = body_of(
        lambda c: c.qbd.time_tracking_activities.create(
            duration="PT1H30M",
            entity_id=ID,
            transaction_date=date(2024, 10, 1),
            conductor_end_user_id=END_USER,
            billing_status="billable",
            class_id=ID,
            customer_id=ID,
            external_id="12345678-abcd-1234-efab-123456789012",
            note="Site visit",
            payroll_wage_item_id=ID,
            service_item_id=ID,
        )
    )
    assert validate_body("time_tracking_activities.create", body) == body
    assert body["transactionDate"] == "2024-10-01"


def test_a_time_tracking_activity_update_passes() -> None:
    body = body_of(
        lambda c: c.qbd.time_tracking_activities.update(
            "ABCD-1234567890",
            duration="PT2H",
            entity_id=ID,
            revision_number="1721172183",
            conductor_end_user_id=END_USER,
            note="Corrected",
        )
    )
    assert validate_body("time_tracking_activities.update", body) == body


def test_an_employee_with_nested_payroll_passes() -> None:
    body = body_of(
        lambda c: c.qbd.employees.create(
            conductor_end_user_id=END_USER,
            first_name="Ada",
            last_name="Lovelace",
            is_active=True,
            gender="female",
            address={"line1": "12 Analytical Row", "city": "London", "postal_code": "N1 9GU"},
            employee_payroll={
                "pay_period": "biweekly",
                "earnings": [{"payroll_wage_item_id": ID, "rate": "42.50"}],
                "sick_hours": {"accrual_start_date": date(2024, 1, 1), "resets_hours_each_year": True},
            },
        )
    )
    assert validate_body("employees.create", body) == body


def test_a_customer_with_contacts_and_a_credit_card_passes() -> None:
    body = body_of(
        lambda c: c.qbd.customers.create(
            name="Acme Corporation",
            conductor_end_user_id=END_USER,
            billing_address={"line1": "1 Main St", "city": "Springfield", "state": "IL"},
            additional_contacts=[
                {"first_name": "Wile", "custom_contact_fields": [{"name": "Mobile", "value": "555-0100"}]}
            ],
            credit_card={"expiration_month": 12, "expiration_year": 2030, "name": "Acme"},
            job_status="in_progress",
        )
    )
    assert validate_body("customers.create", body) == body


def test_journal_entries_with_lines_pass_on_create_and_update() -> None:
    created = body_of(
        lambda c: c.qbd.journal_entries.create(
            transaction_date=date(2024, 10, 1),
            conductor_end_user_id=END_USER,
            debit_lines=[{"account_id": ID, "amount": "100.00", "memo": "Rent"}],
            credit_lines=[{"account_id": ID, "amount": "100.00"}],
            exchange_rate=1.2345,
            ref_number="JE-1",
        )
    )
    updated = body_of(
        lambda c: c.qbd.journal_entries.update(
            "ABCD-1234567890",
            revision_number="1721172183",
            conductor_end_user_id=END_USER,
            lines=[{"id": "-1", "journal_line_type": "debit", "account_id": ID, "amount": "5.00"}],
        )
    )
    assert validate_body("journal_entries.create", created) == created
    assert validate_body("journal_entries.update", updated) == updated


def test_end_users_and_auth_sessions_pass() -> None:
    end_user = body_of(
        lambda c: c.end_users.create(company_name="Acme", email="ops@acme.test", source_id="42")
    )
    session = body_of(
        lambda c: c.auth_sessions.create(end_user_id=END_USER, publishable_key="pk_test", link_expiry_mins=60)
    )
    assert validate_body("end_users.create", end_user) == end_user
    assert validate_body("auth_sessions.create", session) == session


def test_a_name_at_the_limit_passes_counting_characters_not_bytes() -> None:
    body = {"name": "é" * 41}
    assert validate_body("customers.create", body) == body


# --- bodies that break the schema are refused, naming the field ----------------------------------


def test_a_body_that_is_not_an_object_is_refused() -> None:
    message = refusal(lambda: validate_body("time_tracking_activities.create", [ACTIVITY]))
    assert message == "Invalid request body: Expected a JSON object."


@pytest.mark.parametrize(
    ("operation", "body", "message"),
    [
        (
            "time_tracking_activities.create",
            ACTIVITY | {"foo": 1},
            'Unrecognized keys: "foo"',
        ),
        (
            "time_tracking_activities.create",
            {"duration": "PT1H", "transactionDate": "2024-10-01"},
            'Invalid request body: Missing required field "entityId".',
        ),
        (
            "time_tracking_activities.update",
            ACTIVITY | {"revisionNumber": "1", "externalId": "12345678-abcd-1234-efab-123456789012"},
            'Unrecognized keys: "externalId"',
        ),
        (
            "customers.create",
            {"name": "x" * 42},
            'Invalid request body: "name" must be at most 41 characters.',
        ),
        (
            "time_tracking_activities.create",
            ACTIVITY | {"billingStatus": "billed"},
            'Invalid request body: "billingStatus" must be one of: billable, has_been_billed, not_billable.',
        ),
        (
            "customers.create",
            {"name": "Acme", "isActive": "true"},
            'Invalid request body: "isActive" must be a boolean.',
        ),
        (
            "time_tracking_activities.create",
            ACTIVITY | {"note": 5},
            'Invalid request body: "note" must be a string.',
        ),
        (
            "journal_entries.create",
            {"transactionDate": "2024-10-01", "exchangeRate": True},
            'Invalid request body: "exchangeRate" must be a number.',
        ),
        (
            "journal_entries.create",
            {"transactionDate": "2024-10-01", "exchangeRate": "1.25"},
            'Invalid request body: "exchangeRate" must be a number.',
        ),
        (
            "time_tracking_activities.create",
            ACTIVITY | {"transactionDate": "2024-02-30"},
            'Invalid request body: "transactionDate" must be a date in YYYY-MM-DD format.',
        ),
        (
            "time_tracking_activities.create",
            ACTIVITY | {"transactionDate": "2024-2-3"},
            'Invalid request body: "transactionDate" must be a date in YYYY-MM-DD format.',
        ),
        (
            "time_tracking_activities.create",
            ACTIVITY | {"transactionDate": 20241001},
            'Invalid request body: "transactionDate" must be a date in YYYY-MM-DD format.',
        ),
        (
            "customers.create",
            {"name": "Acme", "billingAddress": {"city": 5}},
            'Invalid request body: "billingAddress.city" must be a string.',
        ),
        (
            "customers.create",
            {"name": "Acme", "billingAddress": {"town": "Springfield"}},
            'Unrecognized keys: "town" at "billingAddress"',
        ),
        (
            "customers.create",
            {"name": "Acme", "billingAddress": "1 Main St"},
            'Invalid request body: "billingAddress" must be an object.',
        ),
        (
            "journal_entries.create",
            {"transactionDate": "2024-10-01", "debitLines": {"accountId": ID}},
            'Invalid request body: "debitLines" must be an array.',
        ),
        (
            "journal_entries.create",
            {"transactionDate": "2024-10-01", "debitLines": [{"amount": "1.00"}]},
            'Invalid request body: Missing required field "debitLines[0].accountId".',
        ),
        (
            "journal_entries.create",
            {
                "transactionDate": "2024-10-01",
                "debitLines": [{"accountId": ID}, {"accountId": ID, "amount": 1}],
            },
            'Invalid request body: "debitLines[1].amount" must be a string.',
        ),
        (
            "journal_entries.create",
            {"transactionDate": "2024-10-01", "debitLines": [{"accountId": ID, "Memo": "x", "amt": 1}]},
            'Unrecognized keys: "Memo", "amt" at "debitLines[0]"',
        ),
        (
            "customers.create",
            {"name": "Acme", **{f"k{i}": 1 for i in range(12)}, "z" * 100: 1},
            "Unrecognized keys: " + ", ".join(f'"k{i}"' for i in range(10)) + ", ... (3 more)",
        ),
        (
            "journal_entries.create",
            {"transactionDate": "2024-10-01", "creditLines": [ID]},
            'Invalid request body: "creditLines[0]" must be an object.',
        ),
        (
            "employees.create",
            {"employeePayroll": {"sickHours": {"accrualStartDate": "01/01/2024"}}},
            'Invalid request body: "employeePayroll.sickHours.accrualStartDate"'
            " must be a date in YYYY-MM-DD format.",
        ),
    ],
)
def test_a_body_breaking_the_schema_is_refused_naming_the_field(
    operation: str, body: dict[str, Any], message: str
) -> None:
    assert refusal(lambda: validate_body(operation, body)) == message


# --- query strings -------------------------------------------------------------------------------


def test_a_list_query_from_the_sdk_parses_to_typed_values() -> None:
    params = query_of(
        lambda c: c.qbd.time_tracking_activities.list(
            conductor_end_user_id=END_USER,
            ids=["1-1", "2-2"],
            entity_ids=[ID],
            limit=10,
            transaction_date_from=date(2024, 10, 1),
            updated_after="2024-10-01T09:00:00-07:00",
        )
    )
    assert validate_query("time_tracking_activities.list", params) == {
        "ids": ["1-1", "2-2"],
        "entityIds": [ID],
        "limit": 10,
        "transactionDateFrom": "2024-10-01",
        "updatedAfter": "2024-10-01T09:00:00-07:00",
    }


def test_sdk_booleans_and_enums_in_a_query_parse() -> None:
    journal = query_of(
        lambda c: c.qbd.journal_entries.list(conductor_end_user_id=END_USER, include_line_items=False)
    )
    accounts = query_of(
        lambda c: c.qbd.accounts.list(conductor_end_user_id=END_USER, account_type="bank", status="all")
    )
    assert validate_query("journal_entries.list", journal) == {"includeLineItems": False}
    assert validate_query("accounts.list", accounts) == {"accountType": "bank", "status": "all"}


def test_a_single_value_of_an_array_parameter_is_a_one_item_list() -> None:
    assert validate_query("customers.list", [("fullNames", "Acme:Job 1")]) == {"fullNames": ["Acme:Job 1"]}


def test_an_empty_query_parses_to_nothing() -> None:
    assert validate_query("classes.list", []) == {}


@pytest.mark.parametrize(
    ("operation", "params", "message"),
    [
        ("time_tracking_activities.list", [("foo", "1")], 'Unknown query parameter "foo".'),
        (
            "time_tracking_activities.list",
            [("limit", "10"), ("limit", "20")],
            'Query parameter "limit" must be given at most once.',
        ),
        ("time_tracking_activities.list", [("limit", "ten")], 'Query parameter "limit" must be an integer.'),
        ("time_tracking_activities.list", [("limit", "1.5")], 'Query parameter "limit" must be an integer.'),
        (
            "journal_entries.list",
            [("includeLineItems", "1")],
            'Query parameter "includeLineItems" must be true or false.',
        ),
        (
            "journal_entries.list",
            [("includeLineItems", "True")],
            'Query parameter "includeLineItems" must be true or false.',
        ),
        (
            "time_tracking_activities.list",
            [("transactionDateFrom", "2024-13-01")],
            'Query parameter "transactionDateFrom" must be a date in YYYY-MM-DD format.',
        ),
        (
            "employees.list",
            [("status", "archived")],
            'Query parameter "status" must be one of: active, all, inactive.',
        ),
        (
            "time_tracking_activities.list",
            [("Conductor-End-User-Id", END_USER)],
            'Unknown query parameter "Conductor-End-User-Id".',
        ),
    ],
)
def test_a_query_breaking_the_schema_is_refused_naming_the_parameter(
    operation: str, params: list[tuple[str, str]], message: str
) -> None:
    assert refusal(lambda: validate_query(operation, params)) == message
