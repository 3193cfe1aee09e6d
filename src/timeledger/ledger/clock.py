"""The ledger's notion of now: aware UTC, whole microseconds, one place to change it."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)
