"""FreshBooks' numbered pages: ``page`` and ``per_page`` in, ``page``/``pages``/``per_page``/``total``
out (reference §2.4). The ledger pages by offset for APIs that number their pages."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from timeledger.dialects.freshbooks.errors import ERRNO_INVALID_PAGE, ERRNO_INVALID_PER_PAGE, invalid
from timeledger.dialects.scaffold.errors import InvalidValueError
from timeledger.dialects.scaffold.values import INT32_MAX, parse_integer
from timeledger.ledger.queries import Page

MAX_PER_PAGE = 100


def _number(params: Mapping[str, str], name: str, default: int, errno: int) -> int:
    text = params.get(name)
    if text in (None, ""):
        return default
    try:
        return parse_integer(text.strip(), name, minimum=0, maximum=INT32_MAX)
    except InvalidValueError:
        raise invalid(name, f"must be a whole number from 1 to {INT32_MAX}", text, errno) from None


def parse_paging(params: Mapping[str, str], default_per_page: int) -> tuple[int, int]:
    """``page`` (0 is served as 1) and ``per_page`` (capped at 100), as FreshBooks does; a page
    number past what an offset can hold is refused like any malformed page number."""
    page = _number(params, "page", 1, ERRNO_INVALID_PAGE)
    per_page = _number(params, "per_page", default_per_page, ERRNO_INVALID_PER_PAGE)
    if per_page < 1:
        raise invalid(
            "per_page", "must be a positive integer", params.get("per_page"), ERRNO_INVALID_PER_PAGE
        )
    return max(page, 1), min(per_page, MAX_PER_PAGE)


def offset(page: int, per_page: int) -> int:
    return (page - 1) * per_page


def page_numbers(page: int, per_page: int, total: int) -> dict[str, int]:
    return {"page": page, "pages": math.ceil(total / per_page), "per_page": per_page, "total": total}


def total_of(page: int, per_page: int, found: Page[Any]) -> int:
    """Every match of a numbered-page read: those before the page, on it, and after it."""
    return offset(page, per_page) + len(found.items) + found.remaining
