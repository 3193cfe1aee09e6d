"""Frozen records the ledger hands out. Change one with ``dataclasses.replace``; the store persists it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from timeledger.ledger.values import BillingStatus, ListKind, TransactionKind


def merged_extra(current: Mapping[str, Any], changes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """``extra`` after an update: each API's attributes merged key by key into what it stored."""
    return {**current, **{api: {**current.get(api, {}), **values} for api, values in changes.items()}}


@dataclass(frozen=True, slots=True)
class Ref:
    """A pointer to a list entry with what every API needs to show it: its key, full name and birth.

    ``root_key`` is the top-level entry above a job or sub-item (a FreshBooks project's client);
    None when the entry is top-level itself. Only references into hierarchies carry it.
    """

    key: int
    full_name: str
    created_at: datetime
    root_key: int | None = None


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One entry of a company's lists: a person, customer or job, item, class, wage item or account.

    ``extra`` holds the attributes only one API knows and no rule reads (an employee's emergency
    contact, a vendor's terms): ``{api: {field: value}}`` in that API's own names, round-tripped
    unchanged. ``links`` are references to other entries that no rule reads, by role name.
    ``root_key`` is the top-level entry above it (None when it is top-level), as on ``Ref``.
    People also have a ``username`` (unique in the company; how QuickBooks Time names a user), a
    ``time_zone`` (an IANA name: their own if they have one, else the company's, as read; written,
    None means "the company's") and ``can_track_time`` (whether time may be recorded for them).
    """

    key: int
    company_key: int
    kind: ListKind
    name: str
    full_name: str
    parent: Ref | None
    sublevel: int
    is_active: bool
    revision: int
    created_at: datetime
    updated_at: datetime
    first_name: str | None = None
    middle_name: str | None = None
    last_name: str | None = None
    company_name: str | None = None
    email: str | None = None
    phone: str | None = None
    note: str | None = None
    account_type: str | None = None
    rate: Decimal | None = None
    external_id: str | None = None
    currency: Ref | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    links: Mapping[str, Ref] = field(default_factory=dict)
    deleted_at: datetime | None = None
    root_key: int | None = None
    username: str | None = None
    time_zone: str | None = None
    can_track_time: bool = True

    def ref(self) -> Ref:
        return Ref(self.key, self.full_name, self.created_at, self.root_key)


@dataclass(frozen=True, slots=True)
class TimeEntry:
    """Time a person spent, optionally for a customer or job, with a service item, class or wage item.

    A running timer has ``duration_seconds`` None and ``started_at`` set; only stopped entries
    are visible to APIs that have no timers. ``timer_key`` names the entry's timer, from a sequence
    of its own (not the entry's key): given the first time the entry runs as a timer and kept once
    it stops; None for an entry that never ran. ``extra`` is as on ``ListEntry``:
    ``{api: {field: value}}``.
    """

    key: int
    company_key: int
    person: Ref
    person_kind: ListKind
    work_date: date
    duration_seconds: int | None
    billing_status: BillingStatus
    revision: int
    created_at: datetime
    updated_at: datetime
    customer: Ref | None = None
    service_item: Ref | None = None
    class_: Ref | None = None
    wage_item: Ref | None = None
    note: str | None = None
    external_id: str | None = None
    started_at: datetime | None = None
    deleted_at: datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    time_zone: str = "UTC"  # the person's, in which their work date and local times are told
    timer_key: int | None = None

    @property
    def is_running(self) -> bool:
        return self.duration_seconds is None


@dataclass(frozen=True, slots=True)
class DeletedRecord:
    """A list entry or transaction that was deleted, as a sync learns of it: its kind, its key and
    birth (which every API's IDs are made of), when it went, and what it was called: a list entry's
    ``full_name``, a transaction's ``ref_number`` (None where it had none)."""

    kind: ListKind | TransactionKind
    key: int
    created_at: datetime
    deleted_at: datetime
    full_name: str | None = None
    ref_number: str | None = None
