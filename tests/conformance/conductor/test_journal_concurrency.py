"""Writers racing on journal entries through the running server: of several updates from one
revision exactly one wins, and whatever the interleaving, balances equal the surviving lines."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import conductor
import pytest

from tests.conformance.conductor.balances import expected_balances, shown_balances
from tests.conformance.conductor.refusals import qbd_refusal, resource_missing

WRITERS = 8


def race(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run every call at once (released together by a barrier); each result or the error it raised."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return call()
        except conductor.APIStatusError as error:
            return error

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


@pytest.fixture(scope="module")
def books(qbd: Any, new_end_user: Any) -> dict[str, Any]:
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    return {
        "eu": eu,
        "accounts": [
            qbd.accounts.create(name=name, account_type=kind, **a)
            for name, kind in (
                ("Bank", "bank"),
                ("Sales", "income"),
                ("Rent", "expense"),
                ("Loan", "long_term_liability"),
            )
        ],
    }


def test_of_racing_updates_from_one_revision_exactly_one_wins(qbd: Any, books: dict[str, Any]) -> None:
    eu = books["eu"]
    bank, sales = books["accounts"][:2]
    entry = qbd.journal_entries.create(
        conductor_end_user_id=eu,
        transaction_date="2026-07-01",
        debit_lines=[{"account_id": bank.id, "amount": "1.00"}],
        credit_lines=[{"account_id": sales.id, "amount": "1.00"}],
    )

    def update(amount: str) -> Callable[[], Any]:
        return lambda: qbd.journal_entries.update(
            entry.id,
            conductor_end_user_id=eu,
            revision_number=entry.revision_number,
            ref_number=f"W{amount}",
            lines=[
                {"id": entry.debit_lines[0].id, "amount": amount},
                {"id": entry.credit_lines[0].id, "amount": amount},
            ],
        )

    results = race([update(f"{100 + i}.00") for i in range(WRITERS)])
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == WRITERS - 1
    for loser in losers:
        assert isinstance(loser, conductor.InternalServerError)
        assert loser.body["error"]["integrationCode"] == "3200"  # type: ignore[index]
        assert loser.response.headers["x-should-retry"] == "false"
        qbd_refusal(loser)
    now = qbd.journal_entries.retrieve(entry.id, conductor_end_user_id=eu)
    assert now == winners[0]
    amount = now.debit_lines[0].amount
    assert now.ref_number == f"W{amount}" and now.credit_lines[0].amount == amount
    balances = shown_balances(qbd, eu)
    assert balances[bank.id][0] == amount and balances[sales.id][0] == amount


def test_balances_equal_the_surviving_lines_after_racing_writes(qbd: Any, books: dict[str, Any]) -> None:
    """Updates, voids, deletes and creates on the same entries at once, then balances are read
    against the lines the entries were left with, whichever writes won."""
    eu = books["eu"]
    accounts = books["accounts"]
    rng = random.Random(7)
    a = dict(conductor_end_user_id=eu)

    def lines(amount: str) -> dict[str, Any]:
        debit, credit = rng.sample(accounts, 2)
        return {
            "debit_lines": [{"account_id": debit.id, "amount": amount}],
            "credit_lines": [{"account_id": credit.id, "amount": amount}],
        }

    targets = [
        qbd.journal_entries.create(transaction_date="2026-07-02", **lines("10.00"), **a) for _ in range(6)
    ]
    calls: list[Callable[[], Any]] = []
    for round_ in range(3):
        for target in targets:
            kind = rng.choice(["update", "update", "void", "delete", "create"])
            amount = f"{rng.randint(1, 99_999) / 100:.2f}"
            if kind == "update":
                new = lines(amount)
                calls.append(
                    lambda t=target, new=new: qbd.journal_entries.update(
                        t.id,
                        revision_number=t.revision_number,
                        lines=[
                            {"id": "-1", "journal_line_type": "debit", **new["debit_lines"][0]},
                            {"id": "-1", "journal_line_type": "credit", **new["credit_lines"][0]},
                        ],
                        **a,
                    )
                )
            elif kind == "void":
                calls.append(lambda t=target: qbd.journal_entries.void(t.id, **a))
            elif kind == "delete":
                calls.append(lambda t=target: qbd.journal_entries.delete(t.id, **a))
            else:
                new = lines(amount)
                calls.append(
                    lambda new=new, r=round_: qbd.journal_entries.create(
                        transaction_date="2026-07-03", ref_number=f"R{r}", **new, **a
                    )
                )
    results = race(calls)
    for result in results:
        if isinstance(result, Exception):
            # The only refusals a race may cause: a stale revision, or an entry already deleted.
            assert result.status_code in (404, 502), result
            if result.status_code == 502:
                assert result.body["error"]["integrationCode"] == "3200"  # type: ignore[index]
                qbd_refusal(result)
            else:
                resource_missing(result)
    surviving = list(qbd.journal_entries.list(**a))
    for entry in surviving:
        debits = sum(Decimal(ln.amount) for ln in entry.debit_lines)
        assert debits == sum(Decimal(ln.amount) for ln in entry.credit_lines)
    posted = [
        (ln.account.id, side, int(Decimal(ln.amount).scaleb(2)))
        for entry in surviving
        for side, entry_lines in (("debit", entry.debit_lines), ("credit", entry.credit_lines))
        for ln in entry_lines
    ]
    assert shown_balances(qbd, eu) == expected_balances(accounts, posted)
