"""Journal entries through conductor-py: create, retrieve, update, list, delete and void, every
filter, and every refusal, as a user's code sees them."""

from __future__ import annotations

import re
import uuid
from datetime import date
from typing import Any

import conductor
import httpx
import pytest

from tests.conformance.conductor.refusals import invalid_request, qbd_refusal, resource_missing


@pytest.fixture(scope="module")
def books(qbd: Any, new_end_user: Any) -> dict[str, Any]:
    """A company of its own, with a small chart of accounts and someone to name on each line."""
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    accounts = {
        name: qbd.accounts.create(name=name, account_type=kind, **a)
        for name, kind in (
            ("Checking", "bank"),
            ("Receivables", "accounts_receivable"),
            ("Payables", "accounts_payable"),
            ("Sales", "income"),
            ("Rent", "expense"),
            ("Wages", "expense"),
        )
    }
    accounts["Closed"] = qbd.accounts.create(name="Closed", account_type="expense", is_active=False, **a)
    return {
        "eu": eu,
        **accounts,
        "customer": qbd.customers.create(name="Acme", **a),
        "vendor": qbd.vendors.create(name="Landlord LLC", **a),
        "employee": qbd.employees.create(first_name="Ada", last_name="Lovelace", **a),
        "class": qbd.classes.create(name="Operations", **a),
    }


def _create(qbd: Any, books: dict[str, Any], amount: str = "100.00", **fields: Any) -> Any:
    fields.setdefault("transaction_date", "2026-03-02")
    fields.setdefault("debit_lines", [{"account_id": books["Rent"].id, "amount": amount}])
    fields.setdefault("credit_lines", [{"account_id": books["Checking"].id, "amount": amount}])
    return qbd.journal_entries.create(conductor_end_user_id=books["eu"], **fields)


def test_a_created_entry_reads_back_with_every_field(qbd: Any, books: dict[str, Any]) -> None:
    external_id = str(uuid.uuid4())
    created = qbd.journal_entries.create(
        conductor_end_user_id=books["eu"],
        transaction_date="2026-03-31",
        ref_number="JE-1234",
        is_adjustment=True,
        is_home_currency_adjustment=False,
        are_amounts_entered_in_home_currency=False,
        external_id=external_id,
        debit_lines=[
            {
                "account_id": books["Wages"].id,
                "amount": "1200.00",
                "memo": "March wages",
                "entity_id": books["employee"].id,
                "class_id": books["class"].id,
            },
            {"account_id": books["Receivables"].id, "amount": "50.25", "entity_id": books["customer"].id},
        ],
        credit_lines=[
            {"account_id": books["Checking"].id, "amount": "1200", "memo": "Paid"},
            {"account_id": books["Sales"].id, "amount": "50.25", "billing_status": "not_billable"},
        ],
    )
    got = qbd.journal_entries.retrieve(created.id, conductor_end_user_id=books["eu"])
    assert got == created
    assert got.object_type == "qbd_journal_entry"
    assert (got.transaction_date, got.ref_number, got.external_id) == (
        date(2026, 3, 31),
        "JE-1234",
        external_id,
    )
    assert (got.is_adjustment, got.is_home_currency_adjustment, got.are_amounts_entered_in_home_currency) == (
        True,
        False,
        False,
    )
    assert (got.currency.full_name, got.exchange_rate, got.custom_fields) == ("US Dollar", 1.0, [])
    wages, receivable = got.debit_lines
    assert wages.object_type == "qbd_journal_debit_line"
    assert (wages.account.id, wages.amount, wages.memo) == (books["Wages"].id, "1200.00", "March wages")
    assert (wages.entity.full_name, wages.class_.full_name, wages.sales_tax_item) == (
        "Ada Lovelace",
        "Operations",
        None,
    )
    assert (receivable.entity.id, receivable.amount) == (books["customer"].id, "50.25")
    checking, sales = got.credit_lines
    assert checking.object_type == "qbd_journal_credit_line"
    assert (checking.account.full_name, checking.amount, checking.memo) == ("Checking", "1200.00", "Paid")
    assert sales.billing_status == "not_billable"


def test_entry_and_line_ids_are_transaction_ids_never_shared_with_time(
    qbd: Any, books: dict[str, Any]
) -> None:
    entry = _create(qbd, books)
    activity = qbd.time_tracking_activities.create(
        conductor_end_user_id=books["eu"],
        entity_id=books["employee"].id,
        transaction_date="2026-03-02",
        duration="PT1H",
    )
    ids = [entry.id, entry.debit_lines[0].id, entry.credit_lines[0].id, activity.id]
    for id_ in ids:
        key, created_at = id_.split("-")
        assert int(key, 16) < 0x80000000 and created_at.isdigit()
    assert entry.id.split("-")[0] != activity.id.split("-")[0]
    assert entry.debit_lines[0].id != entry.credit_lines[0].id
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.journal_entries.retrieve(activity.id, conductor_end_user_id=books["eu"])
    resource_missing(excinfo)
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.time_tracking_activities.retrieve(entry.id, conductor_end_user_id=books["eu"])
    resource_missing(excinfo)


def test_an_entry_with_only_a_date_is_recorded_with_no_lines(qbd: Any, books: dict[str, Any]) -> None:
    # The SDK's own minimal create sends nothing else; nothing unbalanced is recorded.
    entry = qbd.journal_entries.create(conductor_end_user_id=books["eu"], transaction_date="2026-03-02")
    assert (entry.debit_lines, entry.credit_lines, entry.ref_number) == ([], [], None)


def test_a_line_for_a_customer_is_billable_unless_told_otherwise(qbd: Any, books: dict[str, Any]) -> None:
    entry = _create(
        qbd,
        books,
        amount="10.00",
        debit_lines=[{"account_id": books["Rent"].id, "amount": "10.00", "entity_id": books["customer"].id}],
    )
    assert entry.debit_lines[0].billing_status == "billable"
    assert entry.credit_lines[0].billing_status is None


def test_an_unbalanced_entry_is_refused_and_nothing_is_stored(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(
            qbd,
            books,
            ref_number="UNBAL-1",
            debit_lines=[{"account_id": books["Rent"].id, "amount": "100.00"}],
            credit_lines=[{"account_id": books["Checking"].id, "amount": "99.99"}],
        )
    assert "out of balance" in qbd_refusal(excinfo)["message"]
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.journal_entries.list(conductor_end_user_id=books["eu"], ref_numbers=["UNBAL-1"])
    assert qbd_refusal(excinfo)["integrationCode"] == "500"


@pytest.mark.parametrize("amount", ["-100.00", "100.001", "12345678901234.00"])
def test_amounts_must_be_positive_whole_cents_of_at_most_13_digits(
    qbd: Any, books: dict[str, Any], amount: str
) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, amount=amount)
    assert "debitLines[0].amount" in qbd_refusal(excinfo)["message"]


def test_an_amount_that_is_not_a_decimal_string_is_a_400(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.BadRequestError) as excinfo:
        _create(qbd, books, credit_lines=[{"account_id": books["Checking"].id, "amount": "1,000.00"}])
    invalid_request(excinfo, "creditLines[0].amount")


def test_a_receivable_line_needs_a_customer(qbd: Any, books: dict[str, Any]) -> None:
    for entity in ({}, {"entity_id": books["vendor"].id}):
        with pytest.raises(conductor.InternalServerError) as excinfo:
            _create(
                qbd,
                books,
                debit_lines=[
                    {"account_id": books["Rent"].id, "amount": "1.00"},
                    {"account_id": books["Receivables"].id, "amount": "99.00", **entity},
                ],
            )
        body = qbd_refusal(excinfo)
        assert "customer" in body["message"] and "debitLines[1].entityId" in body["message"]
    entry = _create(
        qbd,
        books,
        debit_lines=[
            {"account_id": books["Receivables"].id, "amount": "100.00", "entity_id": books["customer"].id}
        ],
    )
    assert entry.debit_lines[0].entity.full_name == "Acme"


def test_a_payable_line_needs_a_vendor(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(
            qbd,
            books,
            credit_lines=[
                {"account_id": books["Payables"].id, "amount": "100.00", "entity_id": books["customer"].id}
            ],
        )
    body = qbd_refusal(excinfo)
    assert "vendor" in body["message"] and "creditLines[0].entityId" in body["message"]
    entry = _create(
        qbd,
        books,
        credit_lines=[
            {"account_id": books["Payables"].id, "amount": "100.00", "entity_id": books["vendor"].id}
        ],
    )
    assert entry.credit_lines[0].entity.full_name == "Landlord LLC"


def test_an_unknown_account_is_refused_naming_the_line(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(
            qbd,
            books,
            credit_lines=[
                {"account_id": books["Checking"].id, "amount": "60.00"},
                {"account_id": "8000FFFF-1234567890", "amount": "40.00"},
            ],
        )
    body = qbd_refusal(excinfo)
    assert body["integrationCode"] == "3140" and "creditLines[1].accountId" in body["message"]


def test_a_customer_is_not_an_account(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, debit_lines=[{"account_id": books["customer"].id, "amount": "100.00"}])
    assert "debitLines[0].accountId" in qbd_refusal(excinfo)["message"]


def test_an_inactive_account_is_refused_naming_the_line(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, debit_lines=[{"account_id": books["Closed"].id, "amount": "100.00"}])
    body = qbd_refusal(excinfo)
    assert "inactive" in body["message"] and "debitLines[0].accountId" in body["message"]


def test_sales_tax_items_are_an_unknown_reference(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(
            qbd,
            books,
            debit_lines=[
                {
                    "account_id": books["Rent"].id,
                    "amount": "100.00",
                    "sales_tax_item_id": "80000001-1234567890",
                }
            ],
        )
    body = qbd_refusal(excinfo)
    assert body["integrationCode"] == "3140" and "debitLines[0].salesTaxItemId" in body["message"]


def test_external_id_must_be_a_guid(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, external_id="not-a-guid")
    assert "GUID" in qbd_refusal(excinfo)["message"]


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"transaction_date": "2026-02-30"}, "transactionDate"),
        ({"ref_number": "x" * 12}, "refNumber"),
        ({"debit_lines": []}, "debitLines"),
        ({"debit_lines": [{"amount": "100.00"}]}, "debitLines[0].accountId"),
        ({"debit_lines": [{"account_id": "checking", "amount": "100.00"}]}, "debitLines[0].accountId"),
        ({"credit_lines": [{"account_id": "80000001-1", "amount": "1.00", "memo": "m" * 4096}]}, "memo"),
        ({"exchange_rate": "1.2"}, "exchangeRate"),
        ({"extra_body": {"debitLines": [{"accountId": "80000001-1", "colour": "red"}]}}, "colour"),
    ],
)
def test_malformed_requests_are_400s_naming_the_field(
    qbd: Any, books: dict[str, Any], fields: dict[str, Any], needle: str
) -> None:
    with pytest.raises(conductor.BadRequestError) as excinfo:
        _create(qbd, books, **fields)
    invalid_request(excinfo, needle)


def test_a_missing_transaction_date_is_a_400(
    server: Any, demo: dict[str, Any], books: dict[str, Any]
) -> None:
    response = httpx.post(
        f"{server.base_url}/v1/quickbooks-desktop/journal-entries",
        headers={
            "Authorization": f"Bearer {demo['conductor']['api_key']}",
            "Conductor-End-User-Id": books["eu"],
        },
        json={"refNumber": "no date"},
    )
    assert response.status_code == 400 and "transactionDate" in response.json()["error"]["message"]
    invalid_request(response, "transactionDate")


# --- update --------------------------------------------------------------------------------------


def test_an_update_changes_fields_and_keeps_the_lines(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(qbd, books, ref_number="OLD")
    updated = qbd.journal_entries.update(
        created.id,
        conductor_end_user_id=books["eu"],
        revision_number=created.revision_number,
        ref_number="NEW",
        transaction_date="2026-04-01",
        is_adjustment=True,
    )
    assert updated.revision_number != created.revision_number
    assert (updated.ref_number, updated.transaction_date, updated.is_adjustment) == (
        "NEW",
        date(2026, 4, 1),
        True,
    )
    assert updated.debit_lines == created.debit_lines and updated.credit_lines == created.credit_lines
    assert updated.created_at == created.created_at and updated.id == created.id


def test_update_lines_replace_the_set_as_quickbooks_does(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(
        qbd,
        books,
        debit_lines=[
            {"account_id": books["Rent"].id, "amount": "60.00", "memo": "keep me"},
            {"account_id": books["Wages"].id, "amount": "40.00", "memo": "drop me"},
        ],
    )
    kept, dropped = created.debit_lines
    credit = created.credit_lines[0]
    updated = qbd.journal_entries.update(
        created.id,
        conductor_end_user_id=books["eu"],
        revision_number=created.revision_number,
        lines=[
            {"id": kept.id, "amount": "70.00"},
            {"id": credit.id, "amount": "150.00"},
            {"id": "-1", "journal_line_type": "debit", "account_id": books["Wages"].id, "amount": "80.00"},
        ],
    )
    assert [(ln.id, ln.amount, ln.memo) for ln in updated.debit_lines[:1]] == [(kept.id, "70.00", "keep me")]
    added = updated.debit_lines[1]
    assert added.id not in (kept.id, dropped.id, credit.id)
    assert (added.account.full_name, added.amount) == ("Wages", "80.00")
    assert [(ln.id, ln.amount) for ln in updated.credit_lines] == [(credit.id, "150.00")]


def test_a_line_can_change_sides(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(qbd, books)
    debit, credit = created.debit_lines[0], created.credit_lines[0]
    updated = qbd.journal_entries.update(
        created.id,
        conductor_end_user_id=books["eu"],
        revision_number=created.revision_number,
        lines=[
            {"id": debit.id, "journal_line_type": "credit"},
            {"id": credit.id, "journal_line_type": "debit"},
        ],
    )
    assert updated.debit_lines[0].id == credit.id and updated.credit_lines[0].id == debit.id


def test_an_update_that_unbalances_the_entry_is_refused_and_nothing_changes(
    qbd: Any, books: dict[str, Any]
) -> None:
    created = _create(qbd, books, ref_number="BAL")
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.journal_entries.update(
            created.id,
            conductor_end_user_id=books["eu"],
            revision_number=created.revision_number,
            ref_number="CHANGED",
            lines=[{"id": created.debit_lines[0].id}],
        )
    assert "out of balance" in qbd_refusal(excinfo)["message"]
    assert qbd.journal_entries.retrieve(created.id, conductor_end_user_id=books["eu"]) == created


def test_a_stale_revision_is_refused_with_3200_and_nothing_changes(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(qbd, books, ref_number="REV")
    eu = books["eu"]
    current = qbd.journal_entries.update(
        created.id, conductor_end_user_id=eu, revision_number=created.revision_number, ref_number="REV-2"
    )
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.journal_entries.update(
            created.id, conductor_end_user_id=eu, revision_number=created.revision_number, ref_number="LOST"
        )
    body = qbd_refusal(excinfo)
    assert body["integrationCode"] == "3200" and "out-of-date" in body["message"]
    assert qbd.journal_entries.retrieve(created.id, conductor_end_user_id=eu) == current


def test_update_refusals_name_the_line_in_the_lines_array(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(qbd, books)
    eu, rev = books["eu"], created.revision_number
    debit, credit = created.debit_lines[0].id, created.credit_lines[0].id
    cases = [
        ([{"id": debit}, {"id": "FFFFFF-1234567890"}], "lines[1].id", "3140"),
        ([{"id": debit.split("-")[0] + "-1"}, {"id": credit}], "lines[0].id", "3140"),
        (
            [{"id": debit}, {"id": credit}, {"id": "-1", "account_id": books["Rent"].id}],
            "lines[2].journalLineType",
            None,
        ),
        (
            [{"id": debit}, {"id": credit}, {"id": "-1", "journal_line_type": "debit"}],
            "lines[2].accountId",
            None,
        ),
        ([{"id": debit}, {"id": credit}, {"id": debit}], "lines[2].id", None),
        ([{"id": debit, "account_id": books["Closed"].id}, {"id": credit}], "lines[0].accountId", None),
        ([{"id": debit, "account_id": books["Receivables"].id}, {"id": credit}], "lines[0].entityId", None),
    ]
    for lines, needle, integration_code in cases:
        with pytest.raises(conductor.InternalServerError) as excinfo:
            qbd.journal_entries.update(created.id, conductor_end_user_id=eu, revision_number=rev, lines=lines)
        body = qbd_refusal(excinfo)
        assert needle in body["message"], (needle, body["message"])
        assert body.get("integrationCode") == integration_code


def test_update_request_shape_errors_are_400s(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(qbd, books)
    eu, rev = books["eu"], created.revision_number
    with pytest.raises(conductor.BadRequestError, match="lines") as excinfo:
        qbd.journal_entries.update(created.id, conductor_end_user_id=eu, revision_number=rev, lines=[])
    invalid_request(excinfo, "lines")
    with pytest.raises(conductor.BadRequestError, match="journalLineType") as excinfo:
        qbd.journal_entries.update(
            created.id,
            conductor_end_user_id=eu,
            revision_number=rev,
            lines=[{"id": "-1", "journal_line_type": "both"}],
        )
    invalid_request(excinfo, "lines[0].journalLineType")
    with pytest.raises(conductor.BadRequestError, match="externalId") as excinfo:
        qbd.journal_entries.update(
            created.id,
            conductor_end_user_id=eu,
            revision_number=rev,
            extra_body={"externalId": str(uuid.uuid4())},
        )
    invalid_request(excinfo, "externalId")
    with pytest.raises(conductor.BadRequestError, match=re.escape("lines[0].id")) as excinfo:
        qbd.journal_entries.update(
            created.id, conductor_end_user_id=eu, revision_number=rev, lines=[{"id": "line-1"}]
        )
    invalid_request(excinfo, "lines[0].id")


def test_an_inactive_account_may_stay_on_an_untouched_line(qbd: Any, books: dict[str, Any]) -> None:
    eu = books["eu"]
    temp = qbd.accounts.create(
        name=f"Temp {uuid.uuid4().hex[:6]}", account_type="expense", conductor_end_user_id=eu
    )
    created = _create(qbd, books, debit_lines=[{"account_id": temp.id, "amount": "100.00"}])
    qbd.accounts.update(
        temp.id, revision_number=temp.revision_number, is_active=False, conductor_end_user_id=eu
    )
    updated = qbd.journal_entries.update(
        created.id,
        conductor_end_user_id=eu,
        revision_number=created.revision_number,
        lines=[{"id": created.debit_lines[0].id, "memo": "still here"}, {"id": created.credit_lines[0].id}],
    )
    assert updated.debit_lines[0].memo == "still here"


# --- void and delete -----------------------------------------------------------------------------


def test_a_voided_entry_keeps_its_lines_at_zero(qbd: Any, books: dict[str, Any]) -> None:
    eu = books["eu"]
    created = _create(qbd, books, amount="250.00", ref_number="VOID-ME")
    voided = qbd.journal_entries.void(created.id, conductor_end_user_id=eu)
    assert (voided.id, voided.object_type, voided.ref_number, voided.voided) == (
        created.id,
        "qbd_journal_entry",
        "VOID-ME",
        True,
    )
    assert voided.created_at == created.created_at
    got = qbd.journal_entries.retrieve(created.id, conductor_end_user_id=eu)
    assert [ln.id for ln in got.debit_lines + got.credit_lines] == [
        ln.id for ln in created.debit_lines + created.credit_lines
    ]
    assert {ln.amount for ln in got.debit_lines + got.credit_lines} == {"0.00"}
    assert got.revision_number != created.revision_number
    again = qbd.journal_entries.void(created.id, conductor_end_user_id=eu)
    assert again.voided is True


def test_a_voided_entry_cannot_be_changed(qbd: Any, books: dict[str, Any]) -> None:
    eu = books["eu"]
    created = _create(qbd, books)
    qbd.journal_entries.void(created.id, conductor_end_user_id=eu)
    current = qbd.journal_entries.retrieve(created.id, conductor_end_user_id=eu)
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.journal_entries.update(
            created.id, conductor_end_user_id=eu, revision_number=current.revision_number, ref_number="X"
        )
    assert "voided" in qbd_refusal(excinfo)["message"]


def test_a_deleted_entry_is_gone_from_every_read(qbd: Any, books: dict[str, Any]) -> None:
    eu = books["eu"]
    created = _create(qbd, books, ref_number="DEL-ME")
    deleted = qbd.journal_entries.delete(created.id, conductor_end_user_id=eu)
    assert (deleted.id, deleted.object_type, deleted.ref_number, deleted.deleted) == (
        created.id,
        "qbd_journal_entry",
        "DEL-ME",
        True,
    )
    for call in (qbd.journal_entries.retrieve, qbd.journal_entries.delete, qbd.journal_entries.void):
        with pytest.raises(conductor.NotFoundError) as excinfo:
            call(created.id, conductor_end_user_id=eu)
        resource_missing(excinfo)
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.journal_entries.list(conductor_end_user_id=eu, ids=[created.id])
    body = qbd_refusal(excinfo)
    assert body["integrationCode"] == "500" and '"ids"' in body["message"]
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.journal_entries.list(conductor_end_user_id=eu, ref_numbers=["DEL-ME"])
    body = qbd_refusal(excinfo)
    assert body["integrationCode"] == "500" and "DEL-ME" in body["message"]


def test_unknown_and_malformed_ids(qbd: Any, books: dict[str, Any]) -> None:
    eu = books["eu"]
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.journal_entries.retrieve("FFFFFF-1234567890", conductor_end_user_id=eu)
    assert excinfo.value.body["error"]["code"] == "RESOURCE_MISSING"  # type: ignore[index]
    resource_missing(excinfo)
    created = _create(qbd, books)
    wrong_time = created.id.split("-")[0] + "-1"
    for call in (qbd.journal_entries.retrieve, qbd.journal_entries.delete, qbd.journal_entries.void):
        with pytest.raises(conductor.NotFoundError) as excinfo:
            call(wrong_time, conductor_end_user_id=eu)
        resource_missing(excinfo)
        with pytest.raises(conductor.BadRequestError) as excinfo:
            call("nope", conductor_end_user_id=eu)
        invalid_request(excinfo, '"id"')
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.journal_entries.update(wrong_time, conductor_end_user_id=eu, revision_number="1", ref_number="x")
    resource_missing(excinfo)


def test_another_companys_entry_is_not_found(qbd: Any, books: dict[str, Any], end_user_id: str) -> None:
    created = _create(qbd, books)
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.journal_entries.retrieve(created.id, conductor_end_user_id=end_user_id)
    resource_missing(excinfo)


# --- foreign currency ----------------------------------------------------------------------------


def _currency(qbd: Any, eu: str, code: str) -> Any:
    return next(c for c in qbd.currencies.list(conductor_end_user_id=eu).data if c.currency_code == code)


def test_a_foreign_currency_entry_needs_an_exchange_rate(qbd: Any, books: dict[str, Any]) -> None:
    euro = _currency(qbd, books["eu"], "EUR")
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, currency_id=euro.id)
    assert "exchange rate" in qbd_refusal(excinfo)["message"]
    entry = _create(qbd, books, currency_id=euro.id, exchange_rate=1.0875)
    assert (entry.currency.id, entry.currency.full_name, entry.exchange_rate) == (euro.id, "Euro", 1.0875)


def test_the_home_currency_has_rate_one(qbd: Any, books: dict[str, Any]) -> None:
    usd = _currency(qbd, books["eu"], "USD")
    assert _create(qbd, books, currency_id=usd.id).exchange_rate == 1.0
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, currency_id=usd.id, exchange_rate=1.5)
    assert "exchangeRate" in qbd_refusal(excinfo)["message"]


def test_a_currency_without_decimals_refuses_cents(qbd: Any, books: dict[str, Any]) -> None:
    yen = _currency(qbd, books["eu"], "JPY")
    assert _create(
        qbd, books, amount="1500.00", currency_id=yen.id, exchange_rate=0.0067
    ).currency.full_name == ("Japanese Yen")
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, amount="1500.50", currency_id=yen.id, exchange_rate=0.0067)
    assert "decimal places" in qbd_refusal(excinfo)["message"]


# --- listing -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def listed(qbd: Any, new_end_user: Any) -> dict[str, Any]:
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    bank = qbd.accounts.create(name="Bank", account_type="bank", **a)
    rent = qbd.accounts.create(name="Rent", account_type="expense", **a)
    fees = qbd.accounts.create(name="Fees", account_type="expense", **a)
    vendor = qbd.vendors.create(name="Lessor", **a)
    euro = _currency(qbd, eu, "EUR")
    refs = ["1", "2", "10", "A-1", "a-2", "B-7", None]
    made = []
    for i, ref in enumerate(refs):
        expense = fees if i % 3 == 0 else rent
        line = {"account_id": expense.id, "amount": f"{10 + i}.00"}
        if i == 4:
            line["entity_id"] = vendor.id
        fields: dict[str, Any] = {"ref_number": ref} if ref else {}
        if i == 5:
            fields.update(currency_id=euro.id, exchange_rate=1.1)
        made.append(
            qbd.journal_entries.create(
                transaction_date=f"2026-05-{1 + i:02d}",
                debit_lines=[line],
                credit_lines=[{"account_id": bank.id, "amount": f"{10 + i}.00"}],
                **fields,
                **a,
            )
        )
    return {"eu": eu, "made": made, "bank": bank, "rent": rent, "fees": fees, "vendor": vendor, "euro": euro}


class TestListing:
    def ids(self, page: Any) -> list[str]:
        return [e.id for e in page]

    def test_paging_walks_every_entry_once(self, qbd: Any, listed: dict[str, Any]) -> None:
        eu = listed["eu"]
        first = qbd.journal_entries.list(conductor_end_user_id=eu, limit=3)
        assert [e.id for e in first.data] == [e.id for e in listed["made"][:3]] and first.next_cursor
        assert self.ids(qbd.journal_entries.list(conductor_end_user_id=eu, limit=3)) == [
            e.id for e in listed["made"]
        ]

    def test_page_shape_counts_what_remains(
        self, server: Any, demo: dict[str, Any], listed: dict[str, Any]
    ) -> None:
        headers = {
            "Authorization": f"Bearer {demo['conductor']['api_key']}",
            "Conductor-End-User-Id": listed["eu"],
        }
        url = f"{server.base_url}/v1/quickbooks-desktop/journal-entries"
        page = httpx.get(url, params={"limit": 5}, headers=headers).json()
        assert (page["objectType"], page["url"], page["remainingCount"], page["hasMore"]) == (
            "list",
            "/v1/quickbooks-desktop/journal-entries",
            2,
            True,
        )
        last = httpx.get(url, params={"limit": 5, "cursor": page["nextCursor"]}, headers=headers).json()
        assert (len(last["data"]), last["nextCursor"], last["remainingCount"], last["hasMore"]) == (
            2,
            None,
            0,
            False,
        )

    def test_ids_and_ref_numbers_override_every_other_filter(self, qbd: Any, listed: dict[str, Any]) -> None:
        eu, made = listed["eu"], listed["made"]
        assert self.ids(
            qbd.journal_entries.list(
                conductor_end_user_id=eu,
                ids=[made[4].id, made[0].id],
                ref_numbers=["nothing"],
                ref_number_contains="zzz",
                ref_number_starts_with="zzz",
                transaction_date_from="2030-01-01",
            )
        ) == [made[4].id, made[0].id]
        assert self.ids(
            qbd.journal_entries.list(
                conductor_end_user_id=eu, ref_numbers=["A-1", "10"], account_ids=[listed["rent"].id]
            )
        ) == [made[2].id, made[3].id]

    def test_ref_numbers_are_case_sensitive_and_must_all_exist(
        self, qbd: Any, listed: dict[str, Any]
    ) -> None:
        with pytest.raises(conductor.InternalServerError) as excinfo:
            qbd.journal_entries.list(conductor_end_user_id=listed["eu"], ref_numbers=["A-1", "A-2"])
        body = qbd_refusal(excinfo)
        assert body["integrationCode"] == "500" and "A-2" in body["message"]

    def test_an_unknown_id_fails_the_whole_list(self, qbd: Any, listed: dict[str, Any]) -> None:
        with pytest.raises(conductor.InternalServerError) as excinfo:
            qbd.journal_entries.list(
                conductor_end_user_id=listed["eu"], ids=[listed["made"][0].id, "FFFFFF-1"]
            )
        assert qbd_refusal(excinfo)["integrationCode"] == "500"

    def test_ref_number_substrings_ignore_case(self, qbd: Any, listed: dict[str, Any]) -> None:
        eu, made = listed["eu"], listed["made"]
        assert self.ids(qbd.journal_entries.list(conductor_end_user_id=eu, ref_number_contains="-")) == [
            made[3].id,
            made[4].id,
            made[5].id,
        ]
        assert self.ids(qbd.journal_entries.list(conductor_end_user_id=eu, ref_number_starts_with="A")) == [
            made[3].id,
            made[4].id,
        ]
        assert self.ids(qbd.journal_entries.list(conductor_end_user_id=eu, ref_number_ends_with="0")) == [
            made[2].id
        ]

    def test_a_digit_range_compares_numbers_and_a_text_range_compares_text(
        self, qbd: Any, listed: dict[str, Any]
    ) -> None:
        eu, made = listed["eu"], listed["made"]
        assert self.ids(
            qbd.journal_entries.list(conductor_end_user_id=eu, ref_number_from="2", ref_number_to="10")
        ) == [
            made[1].id,
            made[2].id,
        ]
        assert self.ids(
            qbd.journal_entries.list(conductor_end_user_id=eu, ref_number_from="a", ref_number_to="b-1")
        ) == [
            made[3].id,
            made[4].id,
        ]
        assert self.ids(qbd.journal_entries.list(conductor_end_user_id=eu, ref_number_from="9")) == [
            made[2].id
        ]

    @pytest.mark.parametrize(
        "fields",
        [
            {"ref_number_contains": "a", "ref_number_ends_with": "b"},
            {"ref_number_starts_with": "a", "ref_number_from": "a"},
        ],
    )
    def test_conflicting_ref_number_filters_are_400s(
        self, qbd: Any, listed: dict[str, Any], fields: dict[str, str]
    ) -> None:
        with pytest.raises(conductor.BadRequestError, match="refNumber") as excinfo:
            qbd.journal_entries.list(conductor_end_user_id=listed["eu"], **fields)
        # The message names both filters as the wire spells them: ref_number_from is "refNumberFrom".
        invalid_request(excinfo, *(re.sub(r"_([a-z])", lambda m: m[1].upper(), name) for name in fields))

    def test_account_entity_and_currency_filters(self, qbd: Any, listed: dict[str, Any]) -> None:
        eu, made = listed["eu"], listed["made"]
        assert self.ids(
            qbd.journal_entries.list(conductor_end_user_id=eu, account_ids=[listed["fees"].id])
        ) == [
            made[0].id,
            made[3].id,
            made[6].id,
        ]
        assert (
            len(self.ids(qbd.journal_entries.list(conductor_end_user_id=eu, account_ids=[listed["bank"].id])))
            == 7
        )
        assert self.ids(
            qbd.journal_entries.list(conductor_end_user_id=eu, entity_ids=[listed["vendor"].id])
        ) == [made[4].id]
        assert self.ids(
            qbd.journal_entries.list(conductor_end_user_id=eu, currency_ids=[listed["euro"].id])
        ) == [made[5].id]

    def test_unknown_accounts_entities_and_currencies_fail_the_list(
        self, qbd: Any, listed: dict[str, Any]
    ) -> None:
        eu = listed["eu"]
        for fields in (
            {"account_ids": ["8000FFFF-1"]},
            {"entity_ids": ["8000FFFF-1"]},
            {"currency_ids": ["8000FFFF-1"]},
            {"account_ids": [listed["vendor"].id]},
        ):
            with pytest.raises(conductor.InternalServerError) as excinfo:
                qbd.journal_entries.list(conductor_end_user_id=eu, **fields)
            assert qbd_refusal(excinfo)["integrationCode"] == "500"

    def test_date_and_updated_filters(self, qbd: Any, listed: dict[str, Any]) -> None:
        eu, made = listed["eu"], listed["made"]
        assert self.ids(
            qbd.journal_entries.list(
                conductor_end_user_id=eu, transaction_date_from="2026-05-02", transaction_date_to="2026-05-04"
            )
        ) == [e.id for e in made[1:4]]
        assert self.ids(qbd.journal_entries.list(conductor_end_user_id=eu, updated_after="2999-01-01")) == []
        assert (
            len(self.ids(qbd.journal_entries.list(conductor_end_user_id=eu, updated_before="2999-01-01")))
            == 7
        )
        assert (
            len(
                self.ids(qbd.journal_entries.list(conductor_end_user_id=eu, updated_after=made[0].updated_at))
            )
            == 7
        )

    def test_line_items_can_be_left_out(self, qbd: Any, listed: dict[str, Any]) -> None:
        eu = listed["eu"]
        bare = list(qbd.journal_entries.list(conductor_end_user_id=eu, include_line_items=False))
        assert len(bare) == 7 and all(e.debit_lines == [] and e.credit_lines == [] for e in bare)
        by_id = qbd.journal_entries.list(
            conductor_end_user_id=eu, ids=[listed["made"][0].id], include_line_items=False
        )
        assert by_id.data[0].debit_lines == []
        full = qbd.journal_entries.list(conductor_end_user_id=eu, include_line_items=True, limit=1).data[0]
        assert full.debit_lines and full.credit_lines

    @pytest.mark.parametrize("limit", [0, 151])
    def test_limit_is_1_to_150(self, qbd: Any, listed: dict[str, Any], limit: int) -> None:
        with pytest.raises(conductor.BadRequestError, match="limit") as excinfo:
            qbd.journal_entries.list(conductor_end_user_id=listed["eu"], limit=limit)
        invalid_request(excinfo, "limit")

    def test_a_forged_cursor_is_a_400(self, qbd: Any, listed: dict[str, Any]) -> None:
        with pytest.raises(conductor.BadRequestError, match="cursor") as excinfo:
            qbd.journal_entries.list(conductor_end_user_id=listed["eu"], cursor="garbage!")
        invalid_request(excinfo, "cursor")

    def test_the_demo_company_has_a_month_of_entries(self, qbd: Any, end_user_id: str) -> None:
        entries = list(qbd.journal_entries.list(conductor_end_user_id=end_user_id))
        memos = {ln.memo for e in entries for ln in e.debit_lines}
        assert {"Payroll accrual", "Office rent"} <= memos
        adjustment = next(e for e in entries if e.is_adjustment)
        receivable = adjustment.debit_lines[0]
        assert (receivable.account.full_name, receivable.entity.full_name) == (
            "Accounts Receivable",
            "Acme Corp",
        )
