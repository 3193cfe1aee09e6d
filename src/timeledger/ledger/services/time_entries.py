"""Record, change, remove and read time entries, with every rule checked on the record as stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from timeledger.ledger import time_entries as rules
from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import NotFoundError, RuleError, UnknownFilterValueError
from timeledger.ledger.external_ids import check_external_id
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.queries import Page, TimeEntryQuery, TimeEntryTotals
from timeledger.ledger.records import ListEntry, TimeEntry, merged_extra
from timeledger.ledger.services.lists import check_revision, resolve
from timeledger.ledger.values import BillingStatus, ListKind

ANY_KIND = tuple(ListKind)

# Reference fields of a time entry: the list each must name, and the field name errors use.
_REFERENCES: dict[str, tuple[tuple[ListKind, ...], str]] = {
    "customer_key": ((ListKind.CUSTOMER,), "customer"),
    "service_item_key": ((ListKind.SERVICE_ITEM,), "service_item"),
    "class_key": ((ListKind.CLASS,), "class"),
    "wage_item_key": ((ListKind.WAGE_ITEM,), "wage_item"),
}


def _check(
    person: ListEntry,
    refs: Mapping[str, ListEntry | None],
    status: BillingStatus,
    external_id: str | None,
    duration_seconds: int | None,
    started_at: datetime | None,
    is_running: bool,
) -> None:
    rules.check_person(person)
    rules.check_billing(status, refs["customer_key"], refs["service_item_key"])
    rules.check_wage_item(person, refs["wage_item_key"])
    check_external_id(external_id)
    rules.check_duration(duration_seconds, is_running=is_running, started_at=started_at)


def _running_timer(uow: UnitOfWork, company_key: int, person_key: int) -> TimeEntry | None:
    page = uow.time_entries.query(
        company_key, TimeEntryQuery(person_keys=(person_key,), include_running=True, is_running=True, limit=1)
    )
    return page.items[0] if page.items else None


def _check_overlap(
    uow: UnitOfWork,
    company_key: int,
    person_key: int,
    entry_key: int | None,
    started_at: datetime | None,
    duration_seconds: int | None,
    now: datetime,
) -> None:
    if started_at is None:
        return  # an entry of a date and a duration occupies no hours of that day
    end = rules.ended_at(started_at, duration_seconds) or now
    found = uow.time_entries.overlapping(company_key, person_key, started_at, end, now, exclude_key=entry_key)
    rules.check_no_overlap(entry_key, found)


def create_time_entry(
    uow: UnitOfWork, company_key: int, draft: rules.TimeEntryDraft, *, refuse_overlaps: bool = False
) -> TimeEntry:
    """Record time. Omitting the billing status makes time for a customer billable, other time not;
    omitting the work date makes it the day the entry started, in the person's time zone.
    ``refuse_overlaps`` is for APIs that refuse a timed entry overlapping another of the person's."""
    now = utc_now()
    with uow.write():
        person = resolve(uow, company_key, ANY_KIND, draft.person_key, "person")
        assert person is not None
        if draft.work_date is None:
            if draft.started_at is None:
                raise RuleError(
                    "invalid_duration", "A time entry needs a date or a start.", field="work_date"
                )
            draft = replace(draft, work_date=rules.work_date_of(draft.started_at, person.time_zone))
        refs = {
            field: resolve(uow, company_key, kinds, getattr(draft, field), name)
            for field, (kinds, name) in _REFERENCES.items()
        }
        for field, entry in (("person", person), *((_REFERENCES[f][1], e) for f, e in refs.items())):
            if entry is not None:
                rules.check_active(entry, field)
        status = draft.billing_status or rules.default_billing_status(refs["customer_key"])
        _check(
            person,
            refs,
            status,
            draft.external_id,
            draft.duration_seconds,
            draft.started_at,
            draft.is_running,
        )
        if draft.is_running:
            rules.check_one_running_timer(person, _running_timer(uow, company_key, person.key))
        if refuse_overlaps:
            _check_overlap(uow, company_key, person.key, None, draft.started_at, draft.duration_seconds, now)
        entry = uow.time_entries.add(company_key, draft, status, now)
        uow.commit()
    return entry


def retrieve_time_entry(
    uow: UnitOfWork, company_key: int, key: int, *, include_running: bool = False
) -> TimeEntry:
    """One live entry. Running timers are found only when asked for: most APIs have no timers."""
    with uow:
        entry = uow.time_entries.get(company_key, key, include_running=include_running)
    if entry is None:
        raise NotFoundError("No time entry has that id.")
    return entry


def update_time_entry(
    uow: UnitOfWork,
    company_key: int,
    key: int,
    expected_revision: str | None,
    changes: Mapping[str, Any],
    *,
    include_running: bool = False,
    refuse_overlaps: bool = False,
) -> TimeEntry:
    """Change an entry based on revision ``expected_revision``; the result must obey every rule.

    ``expected_revision`` None is for APIs without revisions: the change applies to the entry as it is
    now, read and written in one transaction. ``include_running`` lets the change reach a running
    timer; ``is_running`` in ``changes`` starts or stops its timer (``rules.timer_duration``).
    ``extra`` in ``changes`` is merged API by API, key by key, into what the entry holds.
    ``refuse_overlaps`` as for ``create_time_entry``.
    """
    unknown = set(changes) - rules.UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    now = utc_now()
    with uow.write():
        entry = uow.time_entries.get(company_key, key, include_running=include_running)
        if entry is None:
            raise NotFoundError("No time entry has that id.")
        if expected_revision is not None:
            check_revision(entry.revision, expected_revision)
        person_key = changes.get("person_key", entry.person.key)
        person = resolve(uow, company_key, ANY_KIND, person_key, "person")
        assert person is not None
        changes = _aligned(entry, dict(changes), person.time_zone)
        is_running = changes.pop("is_running", entry.is_running)
        if is_running != entry.is_running or "duration_seconds" in changes:
            changes["duration_seconds"] = rules.timer_duration(entry, is_running, changes, now)
        current = {
            "customer_key": entry.customer,
            "service_item_key": entry.service_item,
            "class_key": entry.class_,
            "wage_item_key": entry.wage_item,
        }
        refs: dict[str, ListEntry | None] = {}
        for field, (kinds, name) in _REFERENCES.items():
            old = current[field]
            refs[field] = resolve(uow, company_key, kinds, changes.get(field, old.key if old else None), name)
            if field in changes and refs[field] is not None:
                rules.check_active(refs[field], name)  # type: ignore[arg-type]
        status = changes.get("billing_status", entry.billing_status)
        duration = changes.get("duration_seconds", entry.duration_seconds)
        started_at = changes.get("started_at", entry.started_at)
        _check(person, refs, status, entry.external_id, duration, started_at, is_running)
        if is_running:
            rules.check_one_running_timer(person, _running_timer(uow, company_key, person.key), entry.key)
        if refuse_overlaps:
            _check_overlap(uow, company_key, person.key, entry.key, started_at, duration, now)
        if "extra" in changes:
            changes["extra"] = merged_extra(entry.extra, changes["extra"])
        updated = uow.time_entries.update(entry, entry.revision, changes, now)
        uow.commit()
    return updated


def _aligned(entry: TimeEntry, changes: dict[str, Any], time_zone: str | None) -> dict[str, Any]:
    """Keep the start instant on the work date (in the person's zone) whichever of the two changed."""
    if "started_at" in changes and changes["started_at"] is not None and "work_date" not in changes:
        changes["work_date"] = rules.work_date_of(changes["started_at"], time_zone)
    elif "work_date" in changes and "started_at" not in changes and entry.started_at is not None:
        changes["started_at"] = rules.start_on(changes["work_date"], entry.started_at, time_zone)
    return changes


def delete_time_entry(uow: UnitOfWork, company_key: int, key: int) -> TimeEntry:
    """Remove an entry from every read (FreshBooks can still list it as deleted)."""
    now = utc_now()
    with uow.write():
        entry = uow.time_entries.get(company_key, key, include_running=True)
        if entry is None:
            raise NotFoundError("No time entry has that id.")
        uow.time_entries.delete(entry, now)
        uow.commit()
    return entry


def list_time_entries(uow: UnitOfWork, company_key: int, query: TimeEntryQuery) -> Page[TimeEntry]:
    """Read time entries. Each id or person named by an exact filter must exist, or the read is refused."""
    with uow:
        if query.keys:
            found = {
                k: uow.time_entries.get(company_key, k, include_running=query.include_running)
                for k in query.keys
            }
            if any(v is None for v in found.values()):
                raise UnknownFilterValueError("An id in the filter names no time entry.", field="keys")
            items = [v for v in found.values() if v is not None]
            return Page(items=items[: query.limit], remaining=0)
        for person_key in query.person_keys if query.exact else ():
            if uow.lists.get(company_key, ANY_KIND, person_key) is None:
                raise UnknownFilterValueError("A person in the filter does not exist.", field="person_keys")
        return uow.time_entries.query(company_key, query)


def list_time_entries_with_totals(
    uow: UnitOfWork, company_key: int, query: TimeEntryQuery, *, breakdown: bool = False
) -> tuple[Page[TimeEntry], TimeEntryTotals]:
    """One page of entries and the totals over every match (with ``breakdown``, the logged time per
    person, customer and work date too). Filters only narrow: a filter value that names nothing
    matches nothing, as in APIs that page by number rather than refuse."""
    with uow:
        page = uow.time_entries.query(company_key, query)
        totals = uow.time_entries.totals(company_key, query)
        if breakdown:
            totals = replace(totals, logged=tuple(uow.time_entries.logged_time(company_key, query)))
        return page, totals
