"""SQL conditions for the filters reads share: names, active status, last update, time of deletion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement

from timeledger.ledger.queries import NameFilter
from timeledger.ledger.values import ActiveStatus
from timeledger.store import like


def name_conditions(names: NameFilter, name_key: Any, range_key: Any) -> list[ColumnElement[bool]]:
    """Substring tests on the casefolded own name; the from/to range on ``range_key`` (the full name
    for hierarchical lists, QuickBooks' order for ranges)."""
    conditions: list[ColumnElement[bool]] = []
    if names.contains is not None:
        conditions.append(name_key.like(like.contains(names.contains.casefold()), escape=like.ESCAPE))
    if names.starts_with is not None:
        conditions.append(name_key.like(like.starts_with(names.starts_with.casefold()), escape=like.ESCAPE))
    if names.ends_with is not None:
        conditions.append(name_key.like(like.ends_with(names.ends_with.casefold()), escape=like.ESCAPE))
    if names.from_ is not None:
        conditions.append(range_key >= names.from_.casefold())
    if names.to is not None:
        conditions.append(range_key <= names.to.casefold())
    return conditions


def status_conditions(status: ActiveStatus, is_active: Any) -> list[ColumnElement[bool]]:
    if status is ActiveStatus.ACTIVE:
        return [is_active.is_(True)]
    if status is ActiveStatus.INACTIVE:
        return [is_active.is_(False)]
    return []


def updated_conditions(
    after: datetime | None, before: datetime | None, updated_at: Any
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if after is not None:
        conditions.append(updated_at >= after)
    if before is not None:
        conditions.append(updated_at <= before)
    return conditions


def deleted_conditions(
    after: datetime | None, before: datetime | None, deleted_at: Any
) -> list[ColumnElement[bool]]:
    """Deleted, within [after, before] (either end open)."""
    conditions: list[ColumnElement[bool]] = [deleted_at.is_not(None)]
    if after is not None:
        conditions.append(deleted_at >= after)
    if before is not None:
        conditions.append(deleted_at <= before)
    return conditions
