"""Value parsers every dialect shares, each with the bounds of what the layers below can hold.

Parsing is where a request's text meets Python's and the databases' limits: ``int("²")`` raises,
``"\u0661"`` (Arabic-Indic one) is a digit to ``str.isdigit`` and reads as 1, a 5,000-digit
number takes Python's int parser to its limit, 2**63 overflows SQLite's integers, and
``9999-12-31T23:59:59-01:00`` is a valid ISO string that no ``datetime`` can hold in UTC.
Everything outside the bounds here is an ``InvalidValueError`` naming the field, which each
dialect answers as its validation error.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from timeledger.dialects.scaffold.errors import InvalidValueError
from timeledger.ledger.time_entries import MAX_DURATION_SECONDS

INT64_MAX = 2**63 - 1  # a key, a BIGINT on PostgreSQL, SQLite's INTEGER
INT32_MAX = 2**31 - 1  # an INTEGER column on PostgreSQL: durations, revisions, counts

# Dates and instants every layer can hold. Python's ``date`` spans the years 1 to 9999, and
# rendering an instant at an offset or in a zone (US/Eastern for FreshBooks' accounting times) can
# move it a day either way, so the first and last day are left out.
EARLIEST_DATE = date(1, 1, 2)
LATEST_DATE = date(9999, 12, 30)
EARLIEST_INSTANT = datetime.combine(EARLIEST_DATE, datetime.min.time(), tzinfo=UTC)
LATEST_INSTANT = datetime.combine(LATEST_DATE, datetime.max.time(), tzinfo=UTC)

# ASCII only: the re module's \d (and str.isdigit) would take "\u0661" and "²". Nineteen digits are
# enough for any 64-bit integer, and few enough to parse at no cost.
_INTEGER = re.compile(r"-?[0-9]{1,19}", re.ASCII)
_DECIMAL = re.compile(r"-?[0-9]{1,30}(?:\.[0-9]{1,30})?", re.ASCII)


def check_integer(value: int, field: str, *, minimum: int = -INT64_MAX, maximum: int = INT64_MAX) -> int:
    if not minimum <= value <= maximum:
        raise InvalidValueError(field, f"must be between {minimum} and {maximum}")
    return value


def parse_integer(text: str, field: str, *, minimum: int = -INT64_MAX, maximum: int = INT64_MAX) -> int:
    """An integer written in ASCII digits (an optional leading ``-``), within the bounds."""
    if not _INTEGER.fullmatch(text):
        raise InvalidValueError(field, "must be an integer written in digits")
    return check_integer(int(text), field, minimum=minimum, maximum=maximum)


def parse_key(text: str, field: str) -> int:
    """A row key as an API writes it: a positive integer a BIGINT column holds."""
    return parse_integer(text, field, minimum=1)


def check_duration(seconds: int, field: str) -> int:
    """A duration the ledger can keep: within the column and what every dialect can render back."""
    return check_integer(seconds, field, minimum=-INT32_MAX, maximum=MAX_DURATION_SECONDS)


def parse_decimal(text: str, field: str) -> Decimal:
    """A plain decimal number (``-12.50``): no exponent, no ``NaN`` or ``Infinity``, at most 30
    digits on each side of the point."""
    if not _DECIMAL.fullmatch(text):
        raise InvalidValueError(field, "must be a decimal number such as 12.50")
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only what Decimal reads
        raise InvalidValueError(field, "must be a decimal number such as 12.50") from None


def check_date(day: date, field: str) -> date:
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise InvalidValueError(field, f"must be a date between {EARLIEST_DATE} and {LATEST_DATE}")
    return day


def check_instant(moment: datetime, field: str) -> datetime:
    """``moment`` in UTC (a naive one is read as UTC), if every layer can hold it."""
    try:
        utc = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # the offset moves it past year 9999 or before year 1
        utc = None
    if utc is None or not EARLIEST_INSTANT <= utc <= LATEST_INSTANT:
        raise InvalidValueError(
            field, f"must be a date-time between {EARLIEST_DATE}T00:00:00Z and {LATEST_DATE}T23:59:59Z"
        )
    return utc


def parse_iso_date(text: str, field: str) -> date:
    """``YYYY-MM-DD`` exactly (``date.fromisoformat`` alone also takes ``20240101`` and week dates)."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text, re.ASCII):
        raise InvalidValueError(field, "must be a date in the form YYYY-MM-DD")
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidValueError(field, "must be a date in the form YYYY-MM-DD") from None
    return check_date(day, field)


def parse_iso_datetime(text: str, field: str) -> datetime:
    """An ISO 8601 date-time (``Z``, an offset, or none meaning UTC), returned in UTC."""
    if not text.isascii():
        raise InvalidValueError(field, "must be an ISO 8601 date-time such as 2024-01-31T09:00:00Z")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValueError(field, "must be an ISO 8601 date-time such as 2024-01-31T09:00:00Z") from None
    return check_instant(moment, field)


def check_no_nul(value: Any, path: str) -> Any:
    """``value`` unchanged if no text in it (keys included) holds the NUL character, which
    PostgreSQL cannot store in text; else InvalidValueError naming where, as a dotted path.
    Walked with a stack, not recursion: JSON may nest deeper than Python's recursion limit."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise InvalidValueError(where or "body", "may not contain the NUL character (U+0000)")
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, where or "body"))
                stack.append((child, f"{where}.{key}" if where else str(key)))
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{index}]") for index, child in enumerate(item))
    return value


_TRUE, _FALSE = frozenset({"true", "1"}), frozenset({"false", "0"})
_YES, _NO = frozenset({"yes"}), frozenset({"no"})


def parse_flag(value: Any, field: str, *, yes_no: bool = False) -> bool:
    """A boolean in the lenient forms clients send: JSON ``true``/``false``, ``0``/``1``, and the
    strings ``true``/``false``/``1``/``0`` in any case (``yes``/``no`` too where ``yes_no``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE or (yes_no and word in _YES):
            return True
        if word in _FALSE or (yes_no and word in _NO):
            return False
    raise InvalidValueError(field, "must be true or false")
