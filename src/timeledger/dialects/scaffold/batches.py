"""Batch writes item by item: each item in its own savepoint inside the request's unit of work,
with its own outcome, so one item's refusal never undoes another's success (QuickBooks Time
writes up to 50 items per request and answers each with its own status)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from timeledger.ledger.ports import UnitOfWork

I = TypeVar("I")  # noqa: E741 - an item
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Outcome(Generic[T]):
    """What became of one item: its result, or the refusal that undid it."""

    result: T | None = None
    refusal: Exception | None = None


def each_in_savepoint(
    uow: UnitOfWork,
    items: Iterable[I],
    action: Callable[[I], T],
    refusals: tuple[type[Exception], ...],
) -> list[Outcome[T]]:
    """Run ``action`` on every item, in order. An item refused with one of ``refusals`` leaves
    nothing behind and the next item runs; anything else is unexpected and ends the whole request
    (its unit of work then rolls every item back)."""
    outcomes: list[Outcome[T]] = []
    for item in items:
        try:
            with uow.savepoint():
                result = action(item)
        except refusals as refusal:
            outcomes.append(Outcome(refusal=refusal))
        else:
            outcomes.append(Outcome(result=result))
    return outcomes
