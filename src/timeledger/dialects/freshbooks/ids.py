"""FreshBooks identifiers. Clients, projects, services, time entries and timers are our integer keys
as they are; the identity endpoint's ids are derived from the person's or company's key, one way per
kind; an account id is a short string made from the company's key.

FreshBooks account ids look like ``zDmNq``; ours are the company key in base 52 (letters only),
offset so every id has at least five letters. It is reversible, so no column is needed, and
knowing one gives nothing: every request is still checked against the token's company.
"""

from __future__ import annotations

import string
from enum import IntEnum
from typing import Any

from timeledger.dialects.freshbooks.errors import FreshBooksError, invalid, not_found
from timeledger.dialects.scaffold.values import INT64_MAX, check_integer, parse_integer

_LETTERS = string.ascii_letters
_OFFSET = 52**4  # the smallest five-letter value


def render_account_id(company_key: int) -> str:
    value, letters = company_key + _OFFSET, []
    while value:
        value, digit = divmod(value, 52)
        letters.append(_LETTERS[digit])
    return "".join(reversed(letters))


def parse_account_id(text: str) -> int | None:
    """The company key an account id names, or None if it names none."""
    if not 5 <= len(text) <= 12 or any(c not in _LETTERS for c in text):
        return None
    value = 0
    for c in text:
        value = value * 52 + _LETTERS.index(c)
    return value - _OFFSET if value > _OFFSET else None


class IdentityIdKind(IntEnum):
    """The ids ``/auth/api/v1/users/me`` shows, each the last decimal digit of its kind's ids.

    FreshBooks draws the identity, business, membership, role and accounting-system ids from five
    sequences, so one person's are five different numbers (reference §9: membership 140130, business
    439000), and an integration that sends the membership id where the business id belongs is refused.
    Ours are ``key * 10 + kind``: the identity, membership and role from the person's key, the
    business and system from the company's. Two ids of different kinds end in different digits, so
    they can never be equal whatever the keys grow to (offsets from a base would meet once keys
    outgrew the gap); and each is stable and reversible, so no column or lookup is needed, and the
    business id in a path and the ``identity_id`` on a time entry are the very numbers shown here.
    """

    IDENTITY = 1
    BUSINESS = 2
    MEMBERSHIP = 3
    ROLE = 4
    SYSTEM = 5


def render_identity_kind_id(key: int, kind: IdentityIdKind) -> int:
    return key * 10 + kind


def parse_identity_kind_id(value: int, kind: IdentityIdKind) -> int | None:
    """The key an id of this kind stands for, or None if it is no id of this kind."""
    key, digit = divmod(value, 10)
    return key if digit == kind and key > 0 else None


def render_identity_id(person_key: int) -> int:
    return render_identity_kind_id(person_key, IdentityIdKind.IDENTITY)


def parse_identity_id(value: int) -> int | None:
    """The person an ``identity_id`` names, or None when it names no one."""
    return parse_identity_kind_id(value, IdentityIdKind.IDENTITY)


def render_business_id(company_key: int) -> int:
    return render_identity_kind_id(company_key, IdentityIdKind.BUSINESS)


def parse_business_id(text: str) -> int | None:
    """The company a ``business_id`` in a path names, or None (then nothing is found)."""
    return parse_identity_kind_id(parse_path_id(text), IdentityIdKind.BUSINESS)


def parse_path_id(text: str) -> int:
    """An id in a path: a malformed one (``--5``, ``²``, 25 digits) names nothing, so it is not
    found, as FreshBooks answers."""
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise not_found()
    return int(text)


def parse_int(value: Any, field: str, *, nullable: bool = True) -> int | None:
    """An id or count in a body or query: an int, or a numeric string as the docs' own examples send."""
    if value is None or value == "":
        if nullable:
            return None
        raise invalid(field, "field required")
    if isinstance(value, bool):
        raise invalid(field, "must be an integer", value)
    if isinstance(value, float) and value.is_integer() and abs(value) <= INT64_MAX:
        value = int(value)
    if isinstance(value, int):
        return check_integer(value, field)
    if isinstance(value, str):
        return parse_integer(value.strip(), field)
    raise invalid(field, "must be an integer", value)


def parse_query_id(value: str, field: str) -> int:
    number = parse_int(value, field, nullable=False)
    assert number is not None
    return number


__all__ = [
    "FreshBooksError",
    "parse_account_id",
    "parse_business_id",
    "parse_identity_id",
    "parse_int",
    "parse_path_id",
    "render_account_id",
    "render_business_id",
    "render_identity_id",
]
