"""FreshBooks identifiers. Businesses, identities, clients, projects, services and time entries
are our integer keys as they are; an account id is a short string made from the company's key.

FreshBooks account ids look like ``zDmNq``; ours are the company key in base 52 (letters only),
offset so every id has at least five letters. It is reversible, so no column is needed, and
knowing one gives nothing: every request is still checked against the token's company.
"""

from __future__ import annotations

import string
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


__all__ = ["FreshBooksError", "parse_account_id", "parse_int", "parse_path_id", "render_account_id"]
