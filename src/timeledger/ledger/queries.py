"""What a read asks for and what it gets back: filters, keyset positions and pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Generic, TypeVar

from timeledger.ledger.values import ActiveStatus, BillingStatus, ListKind

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class NameFilter:
    """Case-insensitive name tests. ``contains``/``starts_with``/``ends_with`` test the entry's own
    name; ``from_``/``to`` are an inclusive range over the full name, which then orders the result."""

    contains: str | None = None
    starts_with: str | None = None
    ends_with: str | None = None
    from_: str | None = None
    to: str | None = None

    @property
    def is_range(self) -> bool:
        return self.from_ is not None or self.to is not None


@dataclass(frozen=True, slots=True)
class ListQuery:
    """A read of one list. ``keys`` or ``full_names`` (exact matches) override every other filter."""

    kind: ListKind
    keys: tuple[int, ...] = ()
    full_names: tuple[str, ...] = ()
    names: NameFilter = field(default_factory=NameFilter)
    status: ActiveStatus = ActiveStatus.ACTIVE
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    account_type: str | None = None
    link_keys: tuple[tuple[str, tuple[int, ...]], ...] = ()
    currency_keys: tuple[int, ...] = ()
    limit: int | None = None
    after: tuple[str, int] | None = None
    # Below: what APIs other than QuickBooks Desktop ask. ``has_parent`` tells top-level entries (False)
    # from those below another (True); ``deleted`` False reads live entries, True deleted ones, None both.
    has_parent: bool | None = None
    deleted: bool | None = False
    # (ledger fields, text): any of the fields contains the text / equals it, case-insensitively
    field_contains: tuple[tuple[tuple[str, ...], str], ...] = ()
    field_equals: tuple[tuple[str, str], ...] = ()
    # (API, attribute, values): an API's own attribute of the entry (in ``extra``) is one of the values
    extra_in: tuple[tuple[str, str, tuple[str | int, ...]], ...] = ()
    extra_not_in: tuple[tuple[str, str, tuple[str | int, ...]], ...] = ()  # or the entry has none
    usernames: tuple[str, ...] = ()  # any of these, case-insensitively
    key_filter: tuple[int, ...] = ()  # narrows to these keys, like any other filter (unlike ``keys``)
    # (ledger field, prefix): the field starts with the prefix, ``*`` in it standing for any text
    field_starts: tuple[tuple[str, str], ...] = ()
    exclude_keys: tuple[int, ...] = ()
    parent_keys: tuple[int, ...] = ()  # directly below one of these
    # numbered pages: skip this many; the page then carries the count of all matches after it
    offset: int | None = None


@dataclass(frozen=True, slots=True)
class TimeEntryQuery:
    """A read of time entries. ``keys`` (exact: each must exist) overrides every other filter;
    ``key_filter`` narrows to those keys like any other filter."""

    keys: tuple[int, ...] = ()
    key_filter: tuple[int, ...] = ()
    person_keys: tuple[int, ...] = ()
    work_date_from: date | None = None
    work_date_to: date | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    include_running: bool = False
    limit: int = 150
    after: int | None = None
    # How many matched after ``after`` when the previous page was read (carried in the cursor), so a
    # later page need not count again.
    remaining_after: int | None = None
    # Below: what APIs other than QuickBooks Desktop ask. ``customer_trees`` match a customer or any
    # job below it; ``started_from``/``started_to`` test the start instant, or for entries that have
    # none their work date (as from midnight UTC: a date-only entry of a person west of UTC, shown from
    # local midnight, may fall a few hours outside a range that takes it in); ``is_running`` narrows to
    # running timers or stopped entries.
    customer_keys: tuple[int, ...] = ()
    customer_trees: tuple[int, ...] = ()
    service_item_keys: tuple[int, ...] = ()
    billing_statuses: tuple[BillingStatus, ...] = ()
    started_from: datetime | None = None
    started_to: datetime | None = None
    is_running: bool | None = None
    include_deleted: bool = False
    deleted_only: bool = False
    timed: bool | None = None  # True: entries with a start instant; False: those of a date only
    # people whose attribute (API, attribute) in ``extra`` is one of the values
    person_extra_in: tuple[tuple[str, str, tuple[str | int, ...]], ...] = ()
    person_kinds: tuple[ListKind, ...] = ()  # only people of these kinds (QuickBooks Time's users)
    # customers whose attribute in ``extra`` is (or is not, or they have none) one of the values;
    # an entry for no customer passes the "not" test
    customer_extra_in: tuple[tuple[str, str, tuple[str | int, ...]], ...] = ()
    customer_extra_not_in: tuple[tuple[str, str, tuple[str | int, ...]], ...] = ()
    # False: people named by ``person_keys`` need not exist (the filter only narrows)
    exact: bool = True
    offset: int | None = None
    newest_first: bool = False


@dataclass(frozen=True, slots=True)
class LoggedTime:
    """The logged seconds of one person, for one customer (or none), on one work date: one cell of
    the breakdown of a query's matches. ``root_customer_key`` is the top-level customer at or above
    ``customer_key`` (the customer itself when it is top-level; None with no customer)."""

    person_key: int
    root_customer_key: int | None
    customer_key: int | None
    work_date: date
    duration_seconds: int


@dataclass(frozen=True, slots=True)
class TimeEntryTotals:
    """Sums over every entry a query matches (not one page). Running timers add no time.
    ``logged`` breaks the logged time down by person, customer and work date, when asked for."""

    count: int
    duration_seconds: int
    unbilled_seconds: int
    logged: tuple[LoggedTime, ...] = ()


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a read. ``remaining`` counts the matches after it; ``last`` is where the next starts."""

    items: list[T]
    remaining: int
    last: tuple[str, int] | None = None


@dataclass(frozen=True, slots=True)
class JournalEntryQuery:
    """A read of journal entries. ``keys`` or ``ref_numbers`` (exact, case-sensitive) override the
    rest; ``account_keys``/``entity_keys`` match an entry with any line on one of them.

    ``ref_number`` tests the reference number as ``NameFilter`` tests names, except that a range
    bound of digits only compares as a number (and then only all-digit reference numbers match).
    """

    keys: tuple[int, ...] = ()
    ref_numbers: tuple[str, ...] = ()
    ref_number: NameFilter = field(default_factory=NameFilter)
    account_keys: tuple[int, ...] = ()
    entity_keys: tuple[int, ...] = ()
    currency_keys: tuple[int, ...] = ()
    date_from: date | None = None
    date_to: date | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    include_lines: bool = True
    limit: int = 150
    after: int | None = None


@dataclass(frozen=True, slots=True)
class CurrencyQuery:
    """A read of the currency list. ``keys`` or ``names`` (exact, case-insensitive) override the rest."""

    keys: tuple[int, ...] = ()
    names: tuple[str, ...] = ()
    name: NameFilter = field(default_factory=NameFilter)
    status: ActiveStatus = ActiveStatus.ACTIVE
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class AssignmentQuery:
    """A read of job assignments. ``person_keys`` also matches the assignments to everyone;
    ``parent_key`` 0 reads only top-level customers' assignments. ``is_active`` / ``customer_is_active``
    None read both."""

    keys: tuple[int, ...] = ()
    person_keys: tuple[int, ...] = ()
    customer_key: int | None = None
    parent_key: int | None = None
    is_active: bool | None = None
    customer_is_active: bool | None = None
    updated_after: datetime | None = None
    updated_before: datetime | None = None
    # as on ``TimeEntryQuery``: the customer's attribute in ``extra`` is (or is not) one of the values
    customer_extra_in: tuple[tuple[str, str, tuple[str | int, ...]], ...] = ()
    customer_extra_not_in: tuple[tuple[str, str, tuple[str | int, ...]], ...] = ()
    offset: int = 0
    limit: int = 200
