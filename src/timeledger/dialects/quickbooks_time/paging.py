"""QuickBooks Time's numbered pages: ``page`` (below 1 read as 1), ``limit`` 1 to 200 (200 unless
asked), and the deprecated ``per_page``, still honoured, clamped to 50 (reference §1, §9.6). A page
says whether another follows with ``more``, a JSON boolean."""

from __future__ import annotations

from collections.abc import Mapping

from timeledger.dialects.quickbooks_time.errors import expectation_failed
from timeledger.dialects.scaffold.errors import InvalidValueError
from timeledger.dialects.scaffold.values import INT32_MAX, parse_integer

MAX_LIMIT = 200
MAX_PER_PAGE = 50


def _number(params: Mapping[str, str], name: str) -> int | None:
    text = params.get(name)
    if text in (None, ""):
        return None
    try:
        return parse_integer(text.strip(), name, minimum=-INT32_MAX, maximum=INT32_MAX)
    except InvalidValueError:
        raise expectation_failed(f"{name} must be an integer.") from None


def parse_paging(params: Mapping[str, str]) -> tuple[int, int]:
    """(offset, page size). ``limit`` wins over ``per_page`` when both are sent."""
    page = max(_number(params, "page") or 1, 1)
    limit = _number(params, "limit")
    if limit is not None:
        if not 1 <= limit <= MAX_LIMIT:
            raise expectation_failed(f"limit must be an integer from 1 to {MAX_LIMIT}.")
        size = limit
    else:
        per_page = _number(params, "per_page")
        size = MAX_LIMIT if per_page is None else min(max(per_page, 1), MAX_PER_PAGE)
    return (page - 1) * size, size
