"""Ledger errors. Every error carries a stable snake_case ``code`` that dialects map to their wire.

    LedgerError
    ├── NotFoundError              the object a request names does not exist (in this company)
    │   └── UnknownReferenceError  a field refers to an object that does not exist
    ├── ConflictError
    │   ├── StaleRevisionError     the write was based on an out-of-date revision
    │   └── DuplicateNameError     the name is already in use within its list
    └── RuleError                  a business rule refused the write; ``code`` says which

Codes never change once shipped; a test checks that every dialect maps every code.
"""

from __future__ import annotations


class LedgerError(Exception):
    """Base of every refusal the ledger makes. ``field`` names the input at fault, in ledger words."""

    code = "ledger_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            self.code = code


class NotFoundError(LedgerError):
    code = "not_found"


class UnknownReferenceError(NotFoundError):
    """A referenced object (``field``) names nothing in this company; distinct from the target missing."""

    code = "unknown_reference"


class UnknownFilterValueError(NotFoundError):
    """An exact-match list filter (ids, names) named a value that matches nothing."""

    code = "unknown_filter_value"


class ConflictError(LedgerError):
    code = "conflict"


class StaleRevisionError(ConflictError):
    code = "stale_revision"

    def __init__(self, message: str, *, given: str, current: int | None = None) -> None:
        super().__init__(message, field="revision")
        self.given = given
        self.current = current


class DuplicateNameError(ConflictError):
    """A name (or, for people, a username: ``field``) is already in use within its list."""

    code = "duplicate_name"

    def __init__(self, message: str, *, name: str, field: str = "name") -> None:
        super().__init__(message, field=field)
        self.name = name


class RuleError(LedgerError):
    """A business rule refused the write. Subclass-free on purpose: the code says which rule."""

    code = "rule_violation"

    def __init__(self, code: str, message: str, *, field: str | None = None) -> None:
        super().__init__(message, field=field, code=code)


# Every RuleError code the ledger raises, so dialects and tests can check their tables are complete.
RULE_CODES = frozenset(
    {
        "billable_needs_customer_and_item",
        "entity_must_be_person",
        "wage_item_needs_employee",
        "invalid_external_id",
        "invalid_name",
        "text_too_long",
        "invalid_time_zone",
        "person_cannot_track_time",
        "overlapping_time_entry",
        "invalid_assignment",
        "parent_is_own_descendant",
        "too_deep",
        "invalid_duration",
        "running_timer_has_no_duration",
        "inactive_reference",
        "running_timer_needs_start",
        "one_running_timer_per_person",
        # journal entries, accounts and currencies (ledger/journal.py)
        "unbalanced_journal_entry",
        "invalid_amount",
        "receivable_line_needs_customer",
        "payable_line_needs_vendor",
        "non_posting_account",
        "currency_mismatch",
        "foreign_currency_needs_exchange_rate",
        "invalid_exchange_rate",
        "incomplete_journal_line",
        "duplicate_journal_line",
        "voided_journal_entry",
        "invalid_currency_code",
        "builtin_currency_is_fixed",
        "home_currency_must_stay_active",
    }
)

ERROR_CODES = frozenset(
    {
        NotFoundError.code,
        UnknownReferenceError.code,
        UnknownFilterValueError.code,
        StaleRevisionError.code,
        DuplicateNameError.code,
    }
    | RULE_CODES
)
