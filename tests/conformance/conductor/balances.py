"""Account balances as a test computes them independently from the lines it posted, and as the
server shows them."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

# Written out again here rather than imported: the test's own statement of the sign convention.
DEBIT_NORMAL = {
    "bank",
    "accounts_receivable",
    "other_current_asset",
    "fixed_asset",
    "other_asset",
    "expense",
    "other_expense",
    "cost_of_goods_sold",
}


def expected_balances(
    accounts: Iterable[Any], lines: Iterable[tuple[str, str, int]]
) -> dict[str, tuple[str, str]]:
    """(balance, totalBalance) per account id, from (account id, side, cents) of every live line."""
    accounts = list(accounts)
    raw: dict[str, int] = {a.id: 0 for a in accounts}
    for account_id, side, amount in lines:
        raw[account_id] += amount if side == "debit" else -amount
    out = {}
    for a in accounts:
        subtree = [
            b.id
            for b in accounts
            if b.id == a.id or b.full_name.casefold().startswith(a.full_name.casefold() + ":")
        ]
        sign = 1 if a.account_type in DEBIT_NORMAL else -1
        out[a.id] = (
            f"{Decimal(sign * raw[a.id]).scaleb(-2):.2f}",
            f"{Decimal(sign * sum(raw[i] for i in subtree)).scaleb(-2):.2f}",
        )
    return out


def shown_balances(qbd: Any, eu: str) -> dict[str, tuple[str, str]]:
    return {
        a.id: (a.balance, a.total_balance)
        for a in qbd.accounts.list(conductor_end_user_id=eu, status="all").data
    }


def to_cents(amount: str) -> int:
    return int(Decimal(amount).scaleb(2))
