"""The ledger's notion of now: aware UTC, whole microseconds, one place to change it.

A sandbox company may have a clock of its own (``timeledger serve --sandbox``, ``PUT .../clock``):
for the length of a request acting in that company, ``company_clock`` makes ``utc_now`` answer
from it, so created and updated times, running timers and token expiry all follow it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime


@dataclass(frozen=True)
class CompanyClock:
    """A company's clock: ``now`` as set at ``set_at`` (real time); frozen, it stays there."""

    now: datetime
    frozen: bool
    set_at: datetime

    def read(self, real: datetime) -> datetime:
        return self.now if self.frozen else self.now + (real - self.set_at)


_clock: ContextVar[CompanyClock | None] = ContextVar("timeledger_clock", default=None)


def real_now() -> datetime:
    """The machine's now, whatever clock the company keeps."""
    return datetime.now(UTC)


def utc_now() -> datetime:
    real = datetime.now(UTC)
    clock = _clock.get()
    return real if clock is None else clock.read(real)


@contextmanager
def company_clock(clock: CompanyClock | None) -> Iterator[None]:
    """``utc_now`` reads ``clock`` inside the block (and in threads started from it)."""
    token = _clock.set(clock)
    try:
        yield
    finally:
        _clock.reset(token)
