"""QuickBooks Time identifiers: our integer keys as they are. In bodies they come as numbers or, in
the docs' own examples, numeric strings; in query strings as comma-separated lists (``ids=1,2,3``).
0 names nothing in particular: no jobcode on a timesheet, everyone on an assignment, the top level
for a parent."""

from __future__ import annotations

from typing import Any

from timeledger.dialects.quickbooks_time.errors import ItemRefusal, expectation_failed
from timeledger.dialects.scaffold.errors import InvalidValueError
from timeledger.dialects.scaffold.values import INT64_MAX, check_integer, parse_integer


def parse_id(value: Any, field: str) -> int:
    """An id in a body item: an integer, or a numeric string; 0 and up."""
    if isinstance(value, bool) or value is None:
        raise ItemRefusal(417, f"{field} must be an integer id.")
    try:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, int):
            return check_integer(value, field, minimum=0)
        if isinstance(value, str):
            return parse_integer(value.strip(), field, minimum=0)
    except InvalidValueError:
        pass
    raise ItemRefusal(417, f"{field} must be an integer id, not {str(value)[:40]!r}.")


def parse_ids(text: str, field: str) -> tuple[int, ...]:
    """A query string's comma-separated ids; empty parts are skipped, anything else is a 417."""
    ids = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        try:
            ids.append(parse_integer(part, field, minimum=-1, maximum=INT64_MAX))
        except InvalidValueError:
            raise expectation_failed(f"{field} must be a comma-separated list of integer ids.") from None
    return tuple(ids)
