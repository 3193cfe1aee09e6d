"""The storage the ledger needs, as protocols ``store/`` implements. Every method takes the company:
there is no unscoped read, so one tenant's records cannot reach another by accident."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from timeledger.ledger.assignments import JobAssignment
from timeledger.ledger.clock import CompanyClock
from timeledger.ledger.credentials import CredentialRepository
from timeledger.ledger.faults import Fault, LoggedRequest, Realism
from timeledger.ledger.journal import Currency, CurrencyDraft, JournalEntry, JournalEntryDraft
from timeledger.ledger.lists import ListDraft
from timeledger.ledger.queries import (
    AssignmentQuery,
    CurrencyQuery,
    JournalEntryQuery,
    ListQuery,
    LoggedTime,
    Page,
    TimeEntryQuery,
    TimeEntryTotals,
)
from timeledger.ledger.records import DeletedRecord, ListEntry, Ref, TimeEntry
from timeledger.ledger.tenancy import AuthSession, Company, Organization
from timeledger.ledger.time_entries import TimeEntryDraft
from timeledger.ledger.values import BillingStatus, ListKind


class ListRepository(Protocol):
    def get(
        self, company_key: int, kinds: Iterable[ListKind], key: int, *, include_deleted: bool = False
    ) -> ListEntry | None: ...

    def by_full_names(
        self, company_key: int, kind: ListKind, full_names: Iterable[str]
    ) -> list[ListEntry]: ...

    def add(
        self,
        company_key: int,
        draft: ListDraft,
        name: str,
        full_name: str,
        sublevel: int,
        now: datetime,
        root_key: int | None = None,
    ) -> ListEntry:
        """Store a new entry below ``draft.parent_key``, whose hierarchy's top is ``root_key``."""
        ...

    def update(
        self, entry: ListEntry, expected_revision: int, changes: Mapping[str, Any], now: datetime
    ) -> ListEntry:
        """Write ``changes`` (ledger field names, plus ``full_name``, ``sublevel``, ``root_key``, ``extra``,
        ``links``)
        if the stored revision is still ``expected_revision``; else raise StaleRevisionError."""
        ...

    def rename_descendants(
        self,
        company_key: int,
        kind: ListKind,
        old_full_name: str,
        new_full_name: str,
        depth_change: int,
        now: datetime,
        root_key: int | None = None,
    ) -> None: ...

    def query(self, company_key: int, query: ListQuery) -> Page[ListEntry]: ...

    def descendants(self, company_key: int, kind: ListKind, full_name: str) -> list[int]:
        """The keys of every entry below the one called ``full_name``, deleted ones included."""
        ...

    def set_active(self, company_key: int, keys: Iterable[int], is_active: bool, now: datetime) -> None: ...

    def with_children(self, company_key: int, keys: Iterable[int]) -> set[int]:
        """Which of these entries have a live entry directly below them."""
        ...

    def latest_update(self, company_key: int, kinds: Iterable[ListKind]) -> datetime | None: ...

    def deleted(
        self,
        company_key: int,
        kinds: Iterable[ListKind],
        after: datetime | None,
        before: datetime | None,
    ) -> list[DeletedRecord]:
        """Entries of these kinds deleted within [after, before] (None: open) and still deleted,
        in the order they were deleted."""
        ...


class TimeEntryRepository(Protocol):
    def get(self, company_key: int, key: int, *, include_running: bool = False) -> TimeEntry | None: ...

    def add(
        self, company_key: int, draft: TimeEntryDraft, billing_status: BillingStatus, now: datetime
    ) -> TimeEntry: ...

    def update(
        self, entry: TimeEntry, expected_revision: int, changes: Mapping[str, Any], now: datetime
    ) -> TimeEntry: ...

    def delete(self, entry: TimeEntry, now: datetime) -> None: ...

    def overlapping(
        self,
        company_key: int,
        person_key: int,
        start: datetime,
        end: datetime,
        now: datetime,
        *,
        exclude_key: int | None = None,
    ) -> TimeEntry | None:
        """A live timed entry of the person's sharing some of [start, end) (a running one lasts to now)."""
        ...

    def query(self, company_key: int, query: TimeEntryQuery) -> Page[TimeEntry]: ...

    def totals(self, company_key: int, query: TimeEntryQuery) -> TimeEntryTotals: ...

    def logged_time(self, company_key: int, query: TimeEntryQuery) -> list[LoggedTime]:
        """The logged seconds of every match, summed per person, customer and work date."""
        ...

    def latest_update(self, company_key: int, *, deleted: bool) -> datetime | None:
        """When a live entry last changed, or (``deleted``) when an entry was last deleted."""
        ...

    def deleted(
        self, company_key: int, after: datetime | None, before: datetime | None
    ) -> list[DeletedRecord]:
        """Entries deleted within [after, before] (None: open) once they had stopped, in the order
        they were deleted: a timer deleted while it ran recorded no time."""
        ...


class CurrencyRepository(Protocol):
    def get(self, company_key: int, key: int) -> Currency | None: ...

    def by_code(self, company_key: int, code: str) -> Currency | None: ...

    def by_names(self, company_key: int, names: Iterable[str]) -> list[Currency]: ...

    def add(
        self, company_key: int, draft: CurrencyDraft, *, is_user_defined: bool, now: datetime
    ) -> Currency:
        """Raise DuplicateNameError when the name (any case) is taken in this company."""
        ...

    def update(
        self, currency: Currency, expected_revision: int, changes: Mapping[str, Any], now: datetime
    ) -> Currency: ...

    def query(self, company_key: int, query: CurrencyQuery) -> list[Currency]: ...


class JournalEntryRepository(Protocol):
    def get(self, company_key: int, key: int) -> JournalEntry | None:
        """A live (not deleted) entry, voided or not."""
        ...

    def add(self, company_key: int, draft: JournalEntryDraft, now: datetime) -> JournalEntry:
        """Store a checked draft: its currency and rate resolved, each line's ``home_amount`` set."""
        ...

    def update(
        self, entry: JournalEntry, expected_revision: int, draft: JournalEntryDraft, now: datetime
    ) -> JournalEntry:
        """Rewrite the entry as ``draft`` if its revision is still ``expected_revision`` (else
        StaleRevisionError, nothing written). Draft lines with a key change that line, lines without
        one are added, and stored lines the draft does not name are removed."""
        ...

    def void(self, entry: JournalEntry, now: datetime) -> JournalEntry: ...

    def delete(self, entry: JournalEntry, now: datetime) -> None: ...

    def by_ref_numbers(self, company_key: int, ref_numbers: Iterable[str]) -> list[JournalEntry]: ...

    def deleted(
        self, company_key: int, after: datetime | None, before: datetime | None
    ) -> list[DeletedRecord]:
        """Entries deleted within [after, before] (None: open), in the order they were deleted."""
        ...

    def query(self, company_key: int, query: JournalEntryQuery) -> Page[JournalEntry]: ...

    def account_sums(
        self, company_key: int, account_keys: Iterable[int]
    ) -> dict[int, tuple[Decimal, Decimal]]:
        """Home-currency debits less credits over live (not voided, not deleted) lines, per account:
        (its own lines, its own and every descendant's lines). Accounts without lines are left out."""
        ...


class AssignmentRepository(Protocol):
    def get(self, company_key: int, key: int) -> JobAssignment | None: ...

    def find(self, company_key: int, person_key: int | None, customer_key: int) -> JobAssignment | None:
        """The assignment of this person (None: everyone) to this customer, active or not."""
        ...

    def add(
        self, company_key: int, person_key: int | None, customer_key: int, now: datetime
    ) -> JobAssignment: ...

    def set_active(self, company_key: int, keys: Iterable[int], is_active: bool, now: datetime) -> None: ...

    def end_for_customers(self, company_key: int, customer_keys: Iterable[int], now: datetime) -> None: ...

    def query(self, company_key: int, query: AssignmentQuery) -> Page[JobAssignment]: ...

    def assigned_to_everyone(self, company_key: int, customer_keys: Iterable[int]) -> set[int]: ...

    def latest_update(self, company_key: int) -> datetime | None: ...


class TenancyRepository(Protocol):
    def add_organization(self, name: str, publishable_key: str, now: datetime) -> Organization: ...

    def add_api_key(self, organization_key: int, key_hash: str, prefix: str, now: datetime) -> None: ...

    def remove_api_key(self, key_hash: str) -> bool:
        """Forget the key (the next request that sends it is refused); whether there was one."""
        ...

    def organization_by_key_hash(self, key_hash: str) -> Organization | None: ...

    def organization_by_publishable_key(self, publishable_key: str) -> Organization | None: ...

    def add_company(
        self,
        organization_key: int,
        public_id: str,
        name: str,
        email: str,
        source_id: str,
        now: datetime,
        home_currency_code: str = "USD",
        time_zone: str = "UTC",
    ) -> Company: ...

    def company(self, organization_key: int, public_id: str) -> Company | None: ...

    def company_for_key_hash(
        self, key_hash: str, public_id: str
    ) -> tuple[Organization, Company | None] | None:
        """The organization owning a secret key and, in one read, its company ``public_id`` if any."""
        ...

    def companies(self, organization_key: int) -> list[Company]: ...

    def delete_company(self, company: Company, now: datetime) -> None: ...

    def add_auth_session(
        self,
        company: Company,
        public_id: str,
        client_secret_hash: str,
        now: datetime,
        expires_at: datetime,
        redirect_url: str | None,
    ) -> AuthSession: ...

    def auth_session_by_secret_hash(self, client_secret_hash: str) -> tuple[AuthSession, Company] | None:
        """The session whose link secret hashes to ``client_secret_hash``, if its company still exists."""
        ...

    def connect(self, company: Company, public_id: str, now: datetime) -> Company: ...

    def touch_connection(self, company: Company, now: datetime) -> None: ...


class CompanyDataRepository(Protocol):
    """A company's records as one JSON document (the sandbox's export, import, reset, snapshots)."""

    def credential_people(self, company_key: int) -> set[int]: ...

    def export(self, company_key: int) -> dict[str, Any]: ...

    def clear(self, company_key: int, keep_people: Iterable[int] = ()) -> None: ...

    def replace(self, company_key: int, document: Any, keep_people: Iterable[int] = ()) -> None:
        """Raises ValueError for a document that is not one, and the store's integrity error when its
        rows clash with another company's records."""
        ...

    def save_snapshot(self, company_key: int, name: str, document: dict[str, Any], now: datetime) -> bool: ...

    def snapshots(self, company_key: int) -> list[tuple[str, datetime]]: ...

    def snapshot(self, company_key: int, name: str) -> Any | None: ...

    def delete_snapshot(self, company_key: int, name: str) -> bool: ...


class SandboxRepository(Protocol):
    """A sandbox company's clock and faults."""

    def clock(self, company_key: int) -> CompanyClock | None: ...

    def set_clock(self, company_key: int, clock: CompanyClock | None) -> None: ...

    def faults(self, company_key: int, api: str | None = None) -> list[Fault]: ...

    def add_fault(self, company_key: int, fault: Fault) -> Fault: ...

    def spend_fault(self, company_key: int, fault_id: int) -> bool: ...

    def delete_faults(self, company_key: int, fault_id: int | None = None) -> int: ...

    def realism(self, company_key: int) -> Realism: ...

    def set_realism(self, company_key: int, realism: Realism) -> None: ...

    def count_request(self, token_hash: str, now: datetime) -> tuple[int, datetime]: ...

    def log_request(self, company_key: int, entry: LoggedRequest) -> None: ...

    def requests(self, company_key: int, limit: int, before: int | None = None) -> list[LoggedRequest]: ...

    def request(self, company_key: int, request_id: int) -> LoggedRequest | None: ...


class UnitOfWork(Protocol):
    """One transaction. Leaving the ``with`` block without ``commit()`` rolls everything back; a
    block opened inside another joins its transaction."""

    lists: ListRepository
    time_entries: TimeEntryRepository
    tenancy: TenancyRepository
    credentials: CredentialRepository
    currencies: CurrencyRepository
    journal_entries: JournalEntryRepository
    assignments: AssignmentRepository
    company_data: CompanyDataRepository
    sandbox: SandboxRepository

    def write(self) -> UnitOfWork:
        """Mark the next ``with`` block as one that writes (it may lock earlier)."""
        ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None:
        """Commit, unless this block joined an open unit of work: then the block that opened it does."""
        ...

    def savepoint(self) -> AbstractContextManager[None]:
        """A part of the open unit of work that is undone alone when it raises."""
        ...


class Clock(Protocol):
    def __call__(self) -> datetime: ...


__all__ = [
    "AssignmentRepository",
    "Clock",
    "CurrencyRepository",
    "JournalEntryRepository",
    "ListRepository",
    "Ref",
    "TenancyRepository",
    "TimeEntryRepository",
    "UnitOfWork",
    "date",
]
