"""The value formats every Conductor object shares: timestamps, dates, durations, decimal strings,
the ``updatedAfter``/``updatedBefore`` filters and page sizes, each parsed within the bounds of the
scaffold's shared parsers."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from timeledger.dialects.conductor.errors import invalid_request
from timeledger.dialects.scaffold import values as bounded

MAX_PAGE = 150
# ASCII digits only, and few enough of them to parse at no cost; the sum is bounded after.
_DURATION = re.compile(
    r"PT(?=[0-9])(?:([0-9]{1,10})H)?(?:([0-9]{1,10})M)?(?:([0-9]{1,10})(?:\.[0-9]{1,9})?S)?"
)


def render_timestamp(moment: datetime) -> str:
    """QuickBooks objects carry the company's local offset; our companies keep UTC (``+00:00``)."""
    return (moment if moment.tzinfo is UTC else moment.astimezone(UTC)).isoformat(timespec="seconds")


def render_platform_timestamp(moment: datetime) -> str:
    """Conductor's own objects (end users, auth sessions) use ``...T12:34:56.789Z``."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_duration(text: str, field: str = "duration") -> int:
    """``PTnHnMnS`` to whole seconds; seconds are accepted (QuickBooks keeps them, shows none)."""
    match = _DURATION.fullmatch(text)
    if match is None:
        raise invalid_request(
            f'"{field}" must be an ISO 8601 duration in the form PTnHnMnS (for example "PT1H30M"), '
            f'not "{text[:40]}".'
        )
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return bounded.check_duration(hours * 3600 + minutes * 60 + seconds, field)


def render_duration(seconds: int) -> str:
    """Whole hours and minutes, seconds dropped, hours never folded into days: ``PT8H0M``, ``PT80H0M``."""
    minutes = seconds // 60
    return f"PT{minutes // 60}H{minutes % 60}M"


_DECIMAL = re.compile(r"-?([0-9]+)(?:\.([0-9]+))?")


def parse_decimal(text: str, field: str, *, integer_digits: int, places: int) -> Decimal:
    """A decimal string such as ``"45.00"``, within QuickBooks' digit limits for that kind of amount."""
    match = _DECIMAL.fullmatch(text)
    if (
        match is None
        or len(match.group(1).lstrip("0")) > integer_digits
        or len(match.group(2) or "") > places
    ):
        raise invalid_request(
            f'"{field}" must be a decimal string with at most {integer_digits} integer digits and '
            f'{places} decimal places, not "{text[:40]}".'
        )
    return Decimal(text)


def parse_date(text: str, field: str) -> date:
    return bounded.parse_iso_date(text, field)


def parse_query_time(text: str, field: str, *, end: bool) -> datetime:
    """One end of an inclusive range such as ``updatedAfter``/``updatedBefore``: a date (that whole
    local day), a local date-time, or a date-time with an explicit offset. Company local time is UTC.

    QuickBooks keeps times to the second, and so do the timestamps we render, so a whole-second end
    names that whole second: ``updatedBefore`` set to a record's own ``updatedAt`` includes it."""
    if len(text) == 10:
        day = bounded.parse_iso_date(text, field)
        return datetime.combine(day, time.max if end else time.min, tzinfo=UTC)
    moment = bounded.parse_iso_datetime(text, field)
    return moment + _REST_OF_SECOND if end and moment.microsecond == 0 else moment


_REST_OF_SECOND = timedelta(microseconds=999_999)


def parse_updated_range(fields: dict[str, Any]) -> dict[str, datetime | None]:
    """``updatedAfter``/``updatedBefore`` as the ``updated_after``/``updated_before`` of a ledger query."""
    return {
        "updated_after": parse_query_time(fields["updatedAfter"], "updatedAfter", end=False)
        if "updatedAfter" in fields
        else None,
        "updated_before": parse_query_time(fields["updatedBefore"], "updatedBefore", end=True)
        if "updatedBefore" in fields
        else None,
    }


def parse_limit(params: dict[str, Any], maximum: int = MAX_PAGE) -> int:
    return bounded.check_integer(params.get("limit", maximum), "limit", minimum=1, maximum=maximum)
