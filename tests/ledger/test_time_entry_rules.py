"""The time entry rules on plain records: no database, no server."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from timeledger.ledger import time_entries as rules
from timeledger.ledger.errors import RuleError
from timeledger.ledger.external_ids import check_external_id
from timeledger.ledger.records import ListEntry
from timeledger.ledger.values import BillingStatus, ListKind

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def entry(kind: ListKind, name: str = "X", *, is_active: bool = True) -> ListEntry:
    return ListEntry(
        key=1,
        company_key=1,
        kind=kind,
        name=name,
        full_name=name,
        parent=None,
        sublevel=0,
        is_active=is_active,
        revision=1,
        created_at=NOW,
        updated_at=NOW,
    )


def refusal(code: str) -> pytest.RaisesExc[RuleError]:
    return pytest.raises(RuleError, check=lambda e: e.code == code)


def test_time_for_a_customer_is_billable_by_default() -> None:
    assert rules.default_billing_status(entry(ListKind.CUSTOMER)) is BillingStatus.BILLABLE
    assert rules.default_billing_status(None) is BillingStatus.NOT_BILLABLE


@pytest.mark.parametrize("kind", [ListKind.EMPLOYEE, ListKind.VENDOR, ListKind.OTHER_NAME])
def test_people_may_log_time(kind: ListKind) -> None:
    rules.check_person(entry(kind))


@pytest.mark.parametrize("kind", [ListKind.CUSTOMER, ListKind.SERVICE_ITEM, ListKind.ACCOUNT])
def test_nobody_else_may_log_time(kind: ListKind) -> None:
    with refusal("entity_must_be_person"):
        rules.check_person(entry(kind))


def test_billable_time_needs_customer_and_service_item() -> None:
    customer, item = entry(ListKind.CUSTOMER), entry(ListKind.SERVICE_ITEM)
    rules.check_billing(BillingStatus.BILLABLE, customer, item)
    rules.check_billing(BillingStatus.NOT_BILLABLE, None, None)
    with refusal("billable_needs_customer_and_item"):
        rules.check_billing(BillingStatus.BILLABLE, customer, None)
    with refusal("billable_needs_customer_and_item"):
        rules.check_billing(BillingStatus.BILLABLE, None, item)


def test_only_employees_carry_wage_items() -> None:
    wage = entry(ListKind.WAGE_ITEM)
    rules.check_wage_item(entry(ListKind.EMPLOYEE), wage)
    rules.check_wage_item(entry(ListKind.VENDOR), None)
    with refusal("wage_item_needs_employee"):
        rules.check_wage_item(entry(ListKind.VENDOR), wage)


def test_external_ids_are_guids() -> None:
    check_external_id("12345678-abcd-1234-abcd-1234567890ab")
    check_external_id(None)
    with refusal("invalid_external_id"):
        check_external_id("order-42")


def test_a_logged_entry_has_a_duration_and_a_running_one_has_none() -> None:
    rules.check_duration(0, is_running=False)
    rules.check_duration(None, is_running=True, started_at=NOW)
    with refusal("running_timer_needs_start"):
        rules.check_duration(None, is_running=True)
    with refusal("invalid_duration"):
        rules.check_duration(None, is_running=False)
    with refusal("invalid_duration"):
        rules.check_duration(-60, is_running=False)
    with refusal("running_timer_has_no_duration"):
        rules.check_duration(60, is_running=True, started_at=NOW)


def test_inactive_entries_take_no_new_time() -> None:
    rules.check_active(entry(ListKind.CUSTOMER), "customer")
    with refusal("inactive_reference"):
        rules.check_active(entry(ListKind.CUSTOMER, is_active=False), "customer")
