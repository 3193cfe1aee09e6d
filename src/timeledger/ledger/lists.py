"""Rules for a company's lists: names, hierarchy, and who may be referenced from where.

A list entry's ``full_name`` is its ancestors' names and its own joined by colons
(``Acme:Kitchen remodel``); it is unique within its list, compared case-insensitively.
Hence a name may not contain a colon.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from timeledger.ledger.errors import RuleError
from timeledger.ledger.records import ListEntry
from timeledger.ledger.values import ListKind

# QuickBooks keeps at most five levels below a top-level customer, item, class or account.
MAX_SUBLEVEL = 5

# The longest text each list entry field keeps (the store's columns are this wide). QuickBooks' own
# limits are lower and Conductor checks them first; other APIs send what they like.
TEXT_LIMITS = {
    "name": 255,
    "first_name": 100,
    "middle_name": 100,
    "last_name": 100,
    "company_name": 255,
    "email": 1023,
    "phone": 100,
    "account_type": 40,
    "username": 255,
}


@dataclass(frozen=True, slots=True)
class ListDraft:
    """What a caller asks to create. ``links`` maps a role (an API's field) to (kind, key)."""

    kind: ListKind
    name: str | None = None
    parent_key: int | None = None
    is_active: bool = True
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
    currency_key: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    links: Mapping[str, tuple[ListKind, int | None]] = field(default_factory=dict)
    # people only (see ``ListEntry``)
    username: str | None = None
    time_zone: str | None = None
    can_track_time: bool = True


# Fields an update may change directly; ``name``/``parent_key`` also move the full name.
UPDATABLE_FIELDS = frozenset(
    {
        "name",
        "parent_key",
        "is_active",
        "first_name",
        "middle_name",
        "last_name",
        "company_name",
        "email",
        "phone",
        "note",
        "account_type",
        "rate",
        "currency_key",
        "username",
        "time_zone",
        "can_track_time",
    }
)


def check_length(text: str | None, limit: int, field: str) -> None:
    """Text is kept whole or refused: never cut short, never half-written."""
    if text is not None and len(text) > limit:
        raise RuleError(
            "text_too_long", f"The {field.replace('_', ' ')} is longer than {limit} characters.", field=field
        )


def check_lengths(fields: Mapping[str, Any]) -> None:
    """Every list entry field in ``fields`` within ``TEXT_LIMITS``."""
    for name, limit in TEXT_LIMITS.items():
        value = fields.get(name)
        if isinstance(value, str):
            check_length(value, limit, name)


def person_name(first: str | None, middle: str | None, last: str | None) -> str | None:
    """An employee's list name is their first, middle and last names joined, as QuickBooks shows it."""
    parts = [p.strip() for p in (first, middle, last) if p and p.strip()]
    return " ".join(parts) or None


def check_name(name: str | None, kind: ListKind) -> str:
    """A list name is non-blank, fits its column and has no colon, since colons join a hierarchical
    full name."""
    if name is None or not name.strip():
        what = "a first, middle or last name" if kind is ListKind.EMPLOYEE else "a name"
        raise RuleError("invalid_name", f"The {kind.value.replace('_', ' ')} needs {what}.", field="name")
    if ":" in name:
        raise RuleError("invalid_name", f'The name "{name}" may not contain a colon (":").', field="name")
    # Its casefolded form (kept to compare names) is as long or longer: "ß" folds to "ss".
    check_length(name.strip().casefold(), TEXT_LIMITS["name"], "name")
    return name.strip()


def full_name_under(parent: ListEntry | None, name: str) -> tuple[str, int]:
    """The full name and sublevel an entry called ``name`` has below ``parent``."""
    if parent is None:
        return name, 0
    if parent.sublevel + 1 > MAX_SUBLEVEL:
        raise RuleError(
            "too_deep",
            f'"{parent.full_name}" is already {parent.sublevel} levels deep; '
            f"QuickBooks allows {MAX_SUBLEVEL}.",
            field="parent",
        )
    return f"{parent.full_name}:{name}", parent.sublevel + 1


def check_parent(kind: ListKind, entry: ListEntry | None, parent: ListEntry | None) -> None:
    """Only hierarchical lists have parents, and an entry cannot sit below itself or its descendants.

    Full names are unique within a list, so "below" is a prefix test on the full name.
    """
    if parent is None:
        return
    if not kind.is_hierarchical:
        raise RuleError("invalid_name", f"A {kind.value.replace('_', ' ')} has no parent.", field="parent")
    if entry is not None and (
        parent.key == entry.key or parent.full_name.casefold().startswith(entry.full_name.casefold() + ":")
    ):
        raise RuleError(
            "parent_is_own_descendant",
            f'"{parent.full_name}" is the entry itself or one of its descendants.',
            field="parent",
        )
