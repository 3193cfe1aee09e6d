"""Account balances come from posted journal lines: signed by account type, summed over
sub-accounts, moved back by void and delete, and equal to an independent sum of what was posted."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from tests.conformance.conductor.balances import expected_balances, shown_balances, to_cents


def test_the_demo_books_show_last_months_balances(qbd: Any, end_user_id: str) -> None:
    by_name = {a.full_name: a for a in qbd.accounts.list(conductor_end_user_id=end_user_id).data}
    assert by_name["Checking"].balance == "44000.00"
    assert by_name["Owner's Equity"].balance == "60000.00"
    assert (by_name["Accounts Receivable"].balance, by_name["Consulting Income"].balance) == (
        "450.00",
        "450.00",
    )
    payroll = by_name["Payroll Expenses"]
    wages, taxes = by_name["Payroll Expenses:Salaries & Wages"], by_name["Payroll Expenses:Payroll Taxes"]
    assert payroll.balance == "0.00" and Decimal(wages.balance) > 0
    assert Decimal(payroll.total_balance) == Decimal(wages.balance) + Decimal(taxes.balance)
    assert by_name["Savings"].balance == by_name["Savings"].total_balance == "0.00"


@pytest.fixture(scope="module")
def small_books(qbd: Any, new_end_user: Any) -> dict[str, Any]:
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    bank = qbd.accounts.create(name="Bank", account_type="bank", **a)
    income = qbd.accounts.create(name="Income", account_type="income", **a)
    consulting = qbd.accounts.create(name="Consulting", account_type="income", parent_id=income.id, **a)
    return {"eu": eu, "bank": bank, "income": income, "consulting": consulting}


def test_a_debit_raises_a_bank_account_and_a_credit_raises_income(
    qbd: Any, small_books: dict[str, Any]
) -> None:
    eu = small_books["eu"]
    fresh = qbd.accounts.retrieve(small_books["bank"].id, conductor_end_user_id=eu)
    assert (fresh.balance, fresh.total_balance) == ("0.00", "0.00")
    qbd.journal_entries.create(
        conductor_end_user_id=eu,
        transaction_date="2026-02-01",
        debit_lines=[{"account_id": small_books["bank"].id, "amount": "1000.00"}],
        credit_lines=[
            {"account_id": small_books["income"].id, "amount": "400.00"},
            {"account_id": small_books["consulting"].id, "amount": "600.00"},
        ],
    )
    bank = qbd.accounts.retrieve(small_books["bank"].id, conductor_end_user_id=eu)
    income = qbd.accounts.retrieve(small_books["income"].id, conductor_end_user_id=eu)
    consulting = qbd.accounts.retrieve(small_books["consulting"].id, conductor_end_user_id=eu)
    assert (bank.balance, bank.total_balance) == ("1000.00", "1000.00")
    assert (income.balance, income.total_balance) == ("400.00", "1000.00")
    assert (consulting.balance, consulting.total_balance) == ("600.00", "600.00")


def test_void_and_delete_move_balances_back(qbd: Any, small_books: dict[str, Any]) -> None:
    eu = small_books["eu"]
    before = shown_balances(qbd, eu)
    entries = [
        qbd.journal_entries.create(
            conductor_end_user_id=eu,
            transaction_date="2026-02-02",
            debit_lines=[{"account_id": small_books["bank"].id, "amount": amount}],
            credit_lines=[{"account_id": small_books["consulting"].id, "amount": amount}],
        )
        for amount in ("12.34", "56.78")
    ]
    moved = shown_balances(qbd, eu)
    assert (
        moved[small_books["bank"].id][0]
        == f"{Decimal(before[small_books['bank'].id][0]) + Decimal('69.12'):.2f}"
    )
    qbd.journal_entries.void(entries[0].id, conductor_end_user_id=eu)
    qbd.journal_entries.delete(entries[1].id, conductor_end_user_id=eu)
    assert shown_balances(qbd, eu) == before


def test_an_update_moves_balances_to_the_new_lines(qbd: Any, small_books: dict[str, Any]) -> None:
    eu = small_books["eu"]
    before = shown_balances(qbd, eu)
    entry = qbd.journal_entries.create(
        conductor_end_user_id=eu,
        transaction_date="2026-02-03",
        debit_lines=[{"account_id": small_books["bank"].id, "amount": "10.00"}],
        credit_lines=[{"account_id": small_books["income"].id, "amount": "10.00"}],
    )
    qbd.journal_entries.update(
        entry.id,
        conductor_end_user_id=eu,
        revision_number=entry.revision_number,
        lines=[
            {"id": entry.debit_lines[0].id, "amount": "25.00"},
            {
                "id": "-1",
                "journal_line_type": "credit",
                "account_id": small_books["consulting"].id,
                "amount": "25.00",
            },
        ],
    )
    after = shown_balances(qbd, eu)
    bank, income, consulting = (small_books[k].id for k in ("bank", "income", "consulting"))
    assert Decimal(after[bank][0]) - Decimal(before[bank][0]) == Decimal("25.00")
    # The income line was replaced by one on its sub-account: its own balance is back where it was.
    assert after[income] == (before[income][0], f"{Decimal(before[income][1]) + 25:.2f}")
    assert Decimal(after[consulting][0]) - Decimal(before[consulting][0]) == Decimal("25.00")


def test_a_foreign_entry_moves_balances_in_the_home_currency(qbd: Any, small_books: dict[str, Any]) -> None:
    eu = small_books["eu"]
    euro = next(c for c in qbd.currencies.list(conductor_end_user_id=eu).data if c.currency_code == "EUR")
    before = shown_balances(qbd, eu)
    qbd.journal_entries.create(
        conductor_end_user_id=eu,
        transaction_date="2026-02-04",
        currency_id=euro.id,
        exchange_rate=1.5,
        debit_lines=[{"account_id": small_books["bank"].id, "amount": "0.01"}] * 3,
        credit_lines=[{"account_id": small_books["consulting"].id, "amount": "0.03"}],
    )
    after = shown_balances(qbd, eu)
    bank, consulting = small_books["bank"].id, small_books["consulting"].id
    # 0.03 EUR at 1.5 is 0.045 USD, 0.05 to the cent on each side: the books still balance.
    assert Decimal(after[bank][0]) - Decimal(before[bank][0]) == Decimal("0.05")
    assert Decimal(after[consulting][0]) - Decimal(before[consulting][0]) == Decimal("0.05")


def test_hundreds_of_random_entries_balance_to_an_independent_sum(qbd: Any, new_end_user: Any) -> None:
    rng = random.Random(20260301)
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    tree = [
        ("Cash", "bank", None),
        ("Petty", "bank", "Cash"),
        ("Drawer", "bank", "Petty"),
        ("Receivables", "accounts_receivable", None),
        ("Payables", "accounts_payable", None),
        ("Card", "credit_card", None),
        ("Loan", "long_term_liability", None),
        ("Capital", "equity", None),
        ("Equipment", "fixed_asset", None),
        ("Revenue", "income", None),
        ("Services", "income", "Revenue"),
        ("Costs", "expense", None),
        ("Travel", "expense", "Costs"),
        ("Meals", "expense", "Costs"),
    ]
    made: dict[str, Any] = {}
    for name, kind, parent in tree:
        made[name] = qbd.accounts.create(
            name=name, account_type=kind, **({"parent_id": made[parent].id} if parent else {}), **a
        )
    accounts = list(made.values())
    customers = [qbd.customers.create(name=f"Customer {i}", **a) for i in range(3)]
    vendors = [qbd.vendors.create(name=f"Vendor {i}", **a) for i in range(3)]

    def random_line(amount_cents: int) -> dict[str, Any]:
        account = rng.choice(accounts)
        line: dict[str, Any] = {"account_id": account.id, "amount": f"{Decimal(amount_cents).scaleb(-2):.2f}"}
        if account.account_type == "accounts_receivable":
            line["entity_id"] = rng.choice(customers).id
        elif account.account_type == "accounts_payable":
            line["entity_id"] = rng.choice(vendors).id
        return line

    def random_lines() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        debits = [rng.randint(1, 500_000) for _ in range(rng.randint(1, 3))]
        total = sum(debits)
        cuts = sorted(rng.sample(range(1, total), min(rng.randint(0, 2), total - 1)))
        credits = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
        return [random_line(c) for c in debits], [random_line(c) for c in credits]

    def posted(
        debit_lines: list[dict[str, Any]], credit_lines: list[dict[str, Any]]
    ) -> list[tuple[str, str, int]]:
        return [(ln["account_id"], "debit", to_cents(ln["amount"])) for ln in debit_lines] + [
            (ln["account_id"], "credit", to_cents(ln["amount"])) for ln in credit_lines
        ]

    # Everything random is drawn first, in order, so the seed fixes the books; the requests then
    # go out eight at a time, as several clients would send them.
    drafts = [(f"2026-03-{1 + i % 28:02d}", *random_lines()) for i in range(300)]
    with ThreadPoolExecutor(8) as pool:
        entries = list(
            pool.map(
                lambda d: qbd.journal_entries.create(
                    transaction_date=d[0], debit_lines=d[1], credit_lines=d[2], **a
                ),
                drafts,
            )
        )
    live = {entry.id: posted(d[1], d[2]) for entry, d in zip(entries, drafts, strict=True)}

    rng.shuffle(entries)
    voided, deleted, updated = entries[:30], entries[30:60], entries[60:90]
    changes = []
    for old in updated:
        # Keep the first debit line at a new amount and replace the rest, as QuickBooks does.
        debit_lines, credit_lines = random_lines()
        first = debit_lines.pop(0)
        lines = [{"id": old.debit_lines[0].id, "amount": first["amount"]}]
        lines += [{"id": "-1", "journal_line_type": "debit", **ln} for ln in debit_lines]
        lines += [{"id": "-1", "journal_line_type": "credit", **ln} for ln in credit_lines]
        changes.append((old, lines))
        live[old.id] = posted(
            [{**first, "account_id": old.debit_lines[0].account.id}, *debit_lines], credit_lines
        )
    for entry in voided + deleted:
        del live[entry.id]
    with ThreadPoolExecutor(8) as pool:
        done = [pool.submit(qbd.journal_entries.void, e.id, **a) for e in voided]
        done += [pool.submit(qbd.journal_entries.delete, e.id, **a) for e in deleted]
        done += [
            pool.submit(
                qbd.journal_entries.update, old.id, revision_number=old.revision_number, lines=lines, **a
            )
            for old, lines in changes
        ]
        for future in done:
            future.result()

    expected = expected_balances(accounts, (line for lines in live.values() for line in lines))
    assert shown_balances(qbd, eu) == expected
    assert any(balance != "0.00" for balance, _ in expected.values())
    for account in rng.sample(accounts, 4):
        got = qbd.accounts.retrieve(account.id, **a)
        assert (got.balance, got.total_balance) == expected[account.id]
