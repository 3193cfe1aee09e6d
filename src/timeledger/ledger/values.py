"""Small immutable values shared by the ledger's records. Enumeration values are ledger words."""

from __future__ import annotations

from enum import StrEnum


class ListKind(StrEnum):
    """The lists a company keeps. Each is its own name space, as in QuickBooks."""

    EMPLOYEE = "employee"
    VENDOR = "vendor"
    OTHER_NAME = "other_name"
    CUSTOMER = "customer"
    SERVICE_ITEM = "service_item"
    CLASS = "class"
    WAGE_ITEM = "wage_item"
    ACCOUNT = "account"

    @property
    def is_person(self) -> bool:
        """People are whose time is tracked: employees, vendors and other names."""
        return self in PERSON_KINDS

    @property
    def is_hierarchical(self) -> bool:
        """Hierarchical lists have parents, a colon-joined full name and a sublevel."""
        return self in HIERARCHICAL_KINDS


PERSON_KINDS = frozenset({ListKind.EMPLOYEE, ListKind.VENDOR, ListKind.OTHER_NAME})
HIERARCHICAL_KINDS = frozenset({ListKind.CUSTOMER, ListKind.SERVICE_ITEM, ListKind.CLASS, ListKind.ACCOUNT})


class TransactionKind(StrEnum):
    """The transactions a company keeps. Their keys share one sequence, as QuickBooks' IDs do."""

    TIME_ENTRY = "time_entry"
    JOURNAL_ENTRY = "journal_entry"


class BillingStatus(StrEnum):
    BILLABLE = "billable"
    NOT_BILLABLE = "not_billable"
    HAS_BEEN_BILLED = "has_been_billed"


class ActiveStatus(StrEnum):
    """Which list entries a read wants by their active flag."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    ALL = "all"


class EntryState(StrEnum):
    """Where a list entry stands: in use, kept but inactive (archived), or deleted."""

    ACTIVE = "active"
    INACTIVE = "inactive"
    DELETED = "deleted"
