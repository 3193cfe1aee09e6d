"""Rules for time entries: who may log time, when it is billable, and what a timer is.

The same rules hold whichever API wrote the entry: QuickBooks Desktop's time tracking activity,
a FreshBooks time entry and a QuickBooks Time timesheet are one record here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from timeledger.ledger.errors import RuleError
from timeledger.ledger.records import ListEntry, TimeEntry
from timeledger.ledger.values import BillingStatus, ListKind

# The longest entry the ledger keeps: what a 32-bit column holds, and what every API can render back
# (FreshBooks' and QuickBooks Time's durations are 32-bit seconds; Conductor's PT596523H14M).
MAX_DURATION_SECONDS = 2**31 - 1


@dataclass(frozen=True, slots=True)
class TimeEntryDraft:
    """A new entry. ``is_running`` starts a timer instead: it has a start and no duration yet."""

    person_key: int
    work_date: date | None  # None: the day ``started_at`` falls on, in the person's time zone
    duration_seconds: int | None
    customer_key: int | None = None
    service_item_key: int | None = None
    class_key: int | None = None
    wage_item_key: int | None = None
    note: str | None = None
    billing_status: BillingStatus | None = None
    external_id: str | None = None
    started_at: datetime | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    is_running: bool = False


# The fields an update may change; the service resolves the ``*_key`` ones to records first.
# ``is_running`` starts or stops the entry's timer (see ``services.time_entries.update_time_entry``).
UPDATABLE_FIELDS = frozenset(
    {
        "person_key",
        "work_date",
        "duration_seconds",
        "customer_key",
        "service_item_key",
        "class_key",
        "wage_item_key",
        "note",
        "billing_status",
        "started_at",
        "extra",
        "is_running",
    }
)


def default_billing_status(customer: ListEntry | None) -> BillingStatus:
    """Time for a customer is billable unless told otherwise; time for no one cannot be billed.

    Conductor documents ``billable`` as the default outright, but a billable entry needs a customer,
    so a minimal create (person, date, duration) would always be refused. QuickBooks stores such
    entries as not billable; we do the same.
    """
    return BillingStatus.BILLABLE if customer is not None else BillingStatus.NOT_BILLABLE


def check_person(person: ListEntry) -> None:
    """Time belongs to an employee, vendor or other name (never to a customer or anything else) who
    may track time: QuickBooks Time makes its users without that permission unless told otherwise."""
    if not person.kind.is_person:
        raise RuleError(
            "entity_must_be_person",
            f'"{person.full_name}" is a {person.kind.value.replace("_", " ")}; time is tracked for an '
            "employee, vendor or other name.",
            field="person",
        )
    if not person.can_track_time:
        raise RuleError(
            "person_cannot_track_time", f'"{person.full_name}" is not allowed to track time.', field="person"
        )


def check_no_overlap(entry_key: int | None, overlapping: TimeEntry | None) -> None:
    """A person is in one place at a time: a timed entry may not overlap another of theirs (for APIs
    that refuse overlaps, QuickBooks Time; ``entry_key`` is the entry being written)."""
    if overlapping is not None and overlapping.key != entry_key:
        raise RuleError(
            "overlapping_time_entry",
            f"It overlaps entry {overlapping.key}, from {overlapping.started_at:%Y-%m-%d %H:%M} UTC.",
            field="started_at",
        )


def ended_at(started_at: datetime | None, duration_seconds: int | None) -> datetime | None:
    """When a timed entry ended: its start plus its duration; None while it runs or without a start."""
    if started_at is None or duration_seconds is None:
        return None
    return started_at + timedelta(seconds=duration_seconds)


def check_billing(status: BillingStatus, customer: ListEntry | None, service_item: ListEntry | None) -> None:
    """A billable entry needs both a customer and a service item, so an invoice can be made from it."""
    if status is BillingStatus.BILLABLE and (customer is None or service_item is None):
        missing = " and ".join(
            n for n, v in (("a customer", customer), ("a service item", service_item)) if v is None
        )
        raise RuleError(
            "billable_needs_customer_and_item",
            f"A billable time entry needs {missing}.",
            field="customer" if customer is None else "service_item",
        )


def check_wage_item(person: ListEntry, wage_item: ListEntry | None) -> None:
    """Payroll wage items pay employees; a vendor's or other name's time cannot carry one."""
    if wage_item is not None and person.kind is not ListKind.EMPLOYEE:
        raise RuleError(
            "wage_item_needs_employee",
            f'A payroll wage item can only be used with an employee; "{person.full_name}" is not one.',
            field="wage_item",
        )


def check_duration(
    duration_seconds: int | None, is_running: bool, started_at: datetime | None = None
) -> None:
    """A logged entry has a duration of zero up to ``MAX_DURATION_SECONDS``; a running timer has none
    until it stops, and it must know when it started, or it could never be stopped."""
    if is_running:
        if duration_seconds is not None:
            raise RuleError(
                "running_timer_has_no_duration", "A running timer has no duration.", field="duration"
            )
        if started_at is None:
            raise RuleError(
                "running_timer_needs_start", "A running timer needs the time it started.", field="started_at"
            )
        return
    if duration_seconds is None or duration_seconds < 0:
        raise RuleError(
            "invalid_duration", "A time entry needs a duration of zero or more.", field="duration"
        )
    if duration_seconds > MAX_DURATION_SECONDS:
        raise RuleError(
            "invalid_duration",
            f"A time entry lasts at most {MAX_DURATION_SECONDS} seconds (about 68 years).",
            field="duration",
        )


def check_active(entry: ListEntry, field: str) -> None:
    """New time can only be recorded against active list entries, as in QuickBooks."""
    if not entry.is_active:
        raise RuleError("inactive_reference", f'"{entry.full_name}" is inactive.', field=field)


def check_one_running_timer(person: ListEntry, running: TimeEntry | None, key: int | None = None) -> None:
    """A person runs at most one timer at a time: stop the one running (``running``) before another.

    ``key`` is the entry being written, which may be that running timer itself.
    """
    if running is not None and running.key != key:
        raise RuleError(
            "one_running_timer_per_person",
            f'"{person.full_name}" already has a running timer; stop it before starting another.',
            field="duration",
        )


def timer_duration(
    entry: TimeEntry, is_running: bool, changes: Mapping[str, Any], now: datetime
) -> int | None:
    """The duration an entry has once its timer is in state ``is_running``.

    Stopping a running timer times it from its start up to ``now``, unless ``changes`` gives a
    duration; a timer that runs (or starts again) has none, and a duration given for it is kept so
    that ``check_duration`` refuses the contradiction; a stopped entry keeps the duration given.
    """
    given = changes.get("duration_seconds", entry.duration_seconds)
    if entry.is_running and not is_running and given is None:
        started_at = changes.get("started_at") or entry.started_at
        assert started_at is not None, "a running timer always knows its start"
        return elapsed_seconds(started_at, now)
    if is_running and not entry.is_running and "duration_seconds" not in changes:
        return None
    return given


def elapsed_seconds(started_at: datetime, now: datetime) -> int:
    """A timer stopped at ``now`` ran this many whole seconds; a start in the future counts as none."""
    return max(0, int((now - started_at).total_seconds()))


def check_time_zone(name: str) -> str:
    """A time zone is an IANA name (``America/Denver``) this machine's zone database knows."""
    try:
        if len(name) > 64:  # the longest IANA names are about 30 characters
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise RuleError(
            "invalid_time_zone", f'"{name}" is not an IANA time zone.', field="time_zone"
        ) from None
    return name


def zone_of(time_zone: str | None) -> tzinfo:
    return ZoneInfo(time_zone) if time_zone else UTC


def work_date_of(started_at: datetime, time_zone: str | None = None) -> date:
    """The day work started on, in the person's time zone (UTC unless given)."""
    return started_at.astimezone(zone_of(time_zone)).date()


def start_on(work_date: date, started_at: datetime | None, time_zone: str | None = None) -> datetime | None:
    """An entry moved to another day keeps its (local) time of day: its start always falls on its
    work date, in the person's time zone."""
    if started_at is None:
        return None
    zone = zone_of(time_zone)
    local = datetime.combine(work_date, started_at.astimezone(zone).time(), tzinfo=zone)
    return local.astimezone(UTC)


def nominal_start(entry: TimeEntry) -> datetime:
    """When an entry started: its start instant, else the start of its work date in the person's time
    zone, for APIs that always show one (an entry written with only a date and a duration has none)."""
    if entry.started_at is not None:
        return entry.started_at
    return datetime.combine(entry.work_date, time.min, tzinfo=zone_of(entry.time_zone)).astimezone(UTC)
