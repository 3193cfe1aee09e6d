"""The rules of double entry on plain values: no database, no server."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeledger.ledger import journal
from timeledger.ledger.errors import RULE_CODES, RuleError
from timeledger.ledger.journal import (
    Currency,
    CurrencyFormat,
    JournalLine,
    JournalLineChange,
    JournalLineDraft,
    Side,
)
from timeledger.ledger.records import ListEntry, Ref
from timeledger.ledger.values import BillingStatus, ListKind

NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)
D, C = Side.DEBIT, Side.CREDIT


def entry(kind: ListKind, name: str = "X", *, account_type: str | None = None, **fields: object) -> ListEntry:
    values: dict[str, object] = dict(
        key=1,
        company_key=1,
        kind=kind,
        name=name,
        full_name=name,
        parent=None,
        sublevel=0,
        is_active=True,
        revision=1,
        created_at=NOW,
        updated_at=NOW,
        account_type=account_type,
    )
    values.update(fields)
    return ListEntry(**values)  # type: ignore[arg-type]


def account(account_type: str, **fields: object) -> ListEntry:
    return entry(ListKind.ACCOUNT, "Some Account", account_type=account_type, **fields)


def line(side: Side, amount: str, **fields: object) -> JournalLineDraft:
    return JournalLineDraft(side=side, account_key=1, amount=Decimal(amount), **fields)  # type: ignore[arg-type]


def currency(code: str, *, places: int = 2, rate: str | None = None, user_defined: bool = False) -> Currency:
    return Currency(
        key=7,
        company_key=1,
        name=f"{code} money",
        code=code,
        is_user_defined=user_defined,
        is_active=True,
        format=CurrencyFormat(decimal_places=places),
        revision=1,
        created_at=NOW,
        updated_at=NOW,
        exchange_rate=Decimal(rate) if rate else None,
    )


def refused(code: str) -> pytest.RaisesExc[RuleError]:
    return pytest.raises(RuleError, check=lambda e: e.code == code)


# --- balance -------------------------------------------------------------------------------------


def test_debits_equal_to_credits_balance() -> None:
    journal.check_balanced([line(D, "100.00"), line(D, "0.50"), line(C, "100.50")])


def test_an_entry_off_by_one_cent_is_refused_with_both_totals() -> None:
    with refused("unbalanced_journal_entry") as caught:
        journal.check_balanced([line(D, "100.00"), line(C, "99.99")])
    assert "100.00" in caught.value.message and "99.99" in caught.value.message


def test_an_entry_with_no_lines_balances_at_zero() -> None:
    journal.check_balanced([])


@pytest.mark.parametrize(
    ("account_type", "debits_minus_credits", "balance"),
    [
        ("bank", "250.00", "250.00"),
        ("expense", "-10.00", "-10.00"),
        ("accounts_receivable", "5.00", "5.00"),
        ("income", "-300.00", "300.00"),
        ("accounts_payable", "40.00", "-40.00"),
        ("equity", "-1.00", "1.00"),
        ("credit_card", "-12.34", "12.34"),
    ],
)
def test_a_debit_raises_assets_and_expenses_and_lowers_the_rest(
    account_type: str, debits_minus_credits: str, balance: str
) -> None:
    assert journal.normal_balance(account_type, Decimal(debits_minus_credits)) == Decimal(balance)


@pytest.mark.parametrize("account_type", ["bank", "income"])
def test_a_zero_balance_has_no_sign(account_type: str) -> None:
    assert str(journal.normal_balance(account_type, Decimal("0.00"))) == "0.00"


# --- amounts -------------------------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["0", "0.00", "1000.00", "12.5", "1.500", "9999999999999.99"])
def test_amounts_of_zero_or_more_in_cents_are_accepted(amount: str) -> None:
    journal.check_amount(Decimal(amount), 2, "lines[0].amount")


@pytest.mark.parametrize("amount", ["-0.01", "1.005", "10000000000000.00"])
def test_negative_sub_cent_and_oversized_amounts_are_refused(amount: str) -> None:
    with refused("invalid_amount") as caught:
        journal.check_amount(Decimal(amount), 2, "lines[3].amount")
    assert caught.value.field == "lines[3].amount"


def test_a_currency_without_decimals_takes_whole_amounts_only() -> None:
    journal.check_amount(Decimal("1500.00"), 0, "lines[0].amount")
    with refused("invalid_amount"):
        journal.check_amount(Decimal("1500.50"), 0, "lines[0].amount")


# --- accounts and entities -----------------------------------------------------------------------


def test_a_receivable_line_needs_a_customer_or_job() -> None:
    receivable = account("accounts_receivable")
    with refused("receivable_line_needs_customer") as caught:
        journal.check_line_entity(receivable, None, 2)
    assert caught.value.field == "lines[2].entity"
    with refused("receivable_line_needs_customer"):
        journal.check_line_entity(receivable, entry(ListKind.VENDOR), 2)
    job = entry(ListKind.CUSTOMER, "Kitchen", parent=Ref(9, "Acme", NOW), sublevel=1)
    journal.check_line_entity(receivable, job, 2)


def test_a_payable_line_needs_a_vendor() -> None:
    payable = account("accounts_payable")
    with refused("payable_line_needs_vendor"):
        journal.check_line_entity(payable, entry(ListKind.CUSTOMER), 0)
    with refused("payable_line_needs_vendor"):
        journal.check_line_entity(payable, entry(ListKind.EMPLOYEE), 0)
    journal.check_line_entity(payable, entry(ListKind.VENDOR), 0)


def test_other_accounts_take_any_entity_or_none() -> None:
    journal.check_line_entity(account("expense"), None, 0)
    journal.check_line_entity(account("expense"), entry(ListKind.EMPLOYEE), 0)


def test_an_inactive_account_is_refused_for_a_new_line_but_an_old_line_may_stay() -> None:
    inactive = account("expense", is_active=False)
    with refused("inactive_reference") as caught:
        journal.check_line_account(inactive, 4, is_new=True)
    assert caught.value.field == "lines[4].account"
    journal.check_line_account(inactive, 4, is_new=False)


def test_a_non_posting_account_takes_no_lines() -> None:
    with refused("non_posting_account"):
        journal.check_line_account(account("non_posting"), 0, is_new=False)


def test_a_foreign_currency_account_takes_only_its_own_currency() -> None:
    euro_bank = account("bank", currency=Ref(20, "Euro", NOW))
    journal.check_line_currency(euro_bank, entry_currency_key=20, home_currency_key=1, index=0)
    with refused("currency_mismatch"):
        journal.check_line_currency(euro_bank, entry_currency_key=21, home_currency_key=1, index=0)
    journal.check_line_currency(account("expense"), entry_currency_key=21, home_currency_key=1, index=0)


def test_a_line_for_a_customer_is_billable_by_default_but_not_its_receivable_line() -> None:
    acme = entry(ListKind.CUSTOMER, "Acme")
    assert journal.default_billing_status(account("expense"), acme) is BillingStatus.BILLABLE
    assert journal.default_billing_status(account("accounts_receivable"), acme) is None
    assert journal.default_billing_status(account("expense"), None) is None


# --- currencies and rates ------------------------------------------------------------------------


def test_the_home_currency_is_at_rate_one() -> None:
    assert journal.exchange_rate_for(currency("USD"), "USD", None) == 1
    assert journal.exchange_rate_for(currency("USD"), "USD", Decimal(1)) == 1
    with refused("invalid_exchange_rate"):
        journal.exchange_rate_for(currency("USD"), "USD", Decimal("1.1"))


def test_a_foreign_currency_needs_a_rate_given_or_kept() -> None:
    with refused("foreign_currency_needs_exchange_rate"):
        journal.exchange_rate_for(currency("EUR"), "USD", None)
    assert journal.exchange_rate_for(currency("EUR", rate="1.08"), "USD", None) == Decimal("1.08")
    assert journal.exchange_rate_for(currency("EUR", rate="1.08"), "USD", Decimal("1.1")) == Decimal("1.1")
    with refused("invalid_exchange_rate"):
        journal.exchange_rate_for(currency("EUR"), "USD", Decimal(0))


def test_home_amounts_keep_each_side_at_its_converted_total() -> None:
    lines = [line(D, "0.01"), line(D, "0.01"), line(D, "0.01"), line(C, "0.03")]
    converted = journal.home_amounts(lines, Decimal("1.5"), 2, already_home=False)
    assert sum(converted[:3]) == converted[3] == Decimal("0.05")


def test_amounts_entered_in_home_currency_are_not_converted() -> None:
    lines = [line(D, "10.00"), line(C, "10.00")]
    assert journal.home_amounts(lines, Decimal("1.37"), 2, already_home=True) == [Decimal("10.00")] * 2


cents = st.integers(min_value=0, max_value=10**9).map(lambda c: Decimal(c).scaleb(-2))


@given(
    debits=st.lists(cents, min_size=1, max_size=6),
    credit_count=st.integers(min_value=1, max_value=6),
    rate=st.decimals(min_value="0.0001", max_value="500", places=4),
)
def test_a_balanced_entry_still_balances_in_the_home_currency(
    debits: list[Decimal], credit_count: int, rate: Decimal
) -> None:
    total = sum(debits, Decimal(0))
    share = (total / credit_count).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    credits = [share] * (credit_count - 1) + [total - share * (credit_count - 1)]
    lines = [line(D, str(a)) for a in debits] + [line(C, str(a)) for a in credits]
    converted = journal.home_amounts(lines, rate, 2, already_home=False)
    assert sum(converted[: len(debits)]) == sum(converted[len(debits) :])
    assert all(c == c.quantize(Decimal("0.01")) for c in converted)


def test_a_built_in_currency_keeps_its_name_and_code() -> None:
    euro = currency("EUR")
    with refused("builtin_currency_is_fixed"):
        journal.check_currency_change(euro, {"name": "Euros"}, "USD")
    with refused("builtin_currency_is_fixed"):
        journal.check_currency_change(euro, {"code": "EUX"}, "USD")
    journal.check_currency_change(euro, {"is_active": False}, "USD")
    journal.check_currency_change(
        currency("BTC", user_defined=True), {"name": "Bitcoin", "code": "XBT"}, "USD"
    )


def test_the_home_currency_stays_active() -> None:
    with refused("home_currency_must_stay_active"):
        journal.check_currency_change(currency("USD"), {"is_active": False}, "USD")


@pytest.mark.parametrize("code", ["", " ", "E1", "€"])
def test_a_currency_code_is_letters(code: str) -> None:
    with refused("invalid_currency_code"):
        journal.check_currency_code(code)


def test_a_home_currency_must_be_a_built_in() -> None:
    assert journal.check_home_currency_code("cad") == "CAD"
    with refused("invalid_currency_code"):
        journal.check_home_currency_code("XYZ")


# --- changing lines ------------------------------------------------------------------------------


def stored_line() -> JournalLine:
    return JournalLine(
        key=42,
        side=D,
        account=Ref(3, "Rent", NOW),
        amount=Decimal("900.00"),
        created_at=NOW,
        memo="June",
        entity=Ref(5, "Landlord", NOW),
    )


def test_a_changed_line_keeps_what_was_not_sent() -> None:
    merged = journal.merge_line(stored_line(), JournalLineChange(42, {"amount": Decimal("950.00")}), 0)
    assert (merged.key, merged.side, merged.account_key, merged.amount, merged.memo, merged.entity_key) == (
        42,
        D,
        3,
        Decimal("950.00"),
        "June",
        5,
    )


def test_a_new_line_needs_a_side_and_an_account() -> None:
    with refused("incomplete_journal_line") as caught:
        journal.merge_line(None, JournalLineChange(None, {"account_key": 3}), 2)
    assert caught.value.field == "lines[2].side"
    with refused("incomplete_journal_line"):
        journal.merge_line(None, JournalLineChange(None, {"side": C}), 2)
    added = journal.merge_line(None, JournalLineChange(None, {"side": C, "account_key": 3}), 2)
    assert (added.key, added.amount) == (None, Decimal(0))


def test_a_line_cannot_be_listed_twice() -> None:
    with refused("duplicate_journal_line") as caught:
        journal.check_no_line_twice([JournalLineChange(42), JournalLineChange(None), JournalLineChange(42)])
    assert caught.value.field == "lines[2].id"


# --- the code table ------------------------------------------------------------------------------


def test_every_rule_code_the_ledger_raises_is_registered() -> None:
    ledger = Path(journal.__file__).parent
    raised = {
        code
        for path in ledger.rglob("*.py")
        for code in re.findall(r'RuleError\(\s*"([a-z_]+)"', path.read_text())
    }
    assert raised and raised <= RULE_CODES
