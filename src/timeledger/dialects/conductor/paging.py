"""Opaque keyset cursors. The SDK resends every original query parameter with ``cursor``, so the
cursor only says where the last page ended and which query it belongs to: no server-side state.

A cursor carries a digest of the query that made it (every parameter but ``cursor``), so a cursor
replayed with other filters or another ``limit`` is refused, as Conductor refuses it, rather than
quietly paging a different result set.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import time
from contextvars import ContextVar
from typing import NamedTuple

import orjson

from timeledger.dialects.conductor.errors import invalid_request
from timeledger.dialects.scaffold.values import INT64_MAX

Params = list[tuple[str, str]]

# How long a cursor lives, in seconds; None: for ever. Conductor's expire after 10 s; the sandbox's
# realism sets this for a company's requests (``conductor_cursor_expiry_seconds``).
CURSOR_LIFETIME: ContextVar[float | None] = ContextVar("conductor_cursor_lifetime", default=None)


class Position(NamedTuple):
    """Where the previous page ended: its last row's sort value and key, and how many rows
    followed it when it was read (which saves a recount, where the list keeps one)."""

    sort_value: str
    key: int
    remaining: int | None


def _query_digest(params: Params) -> str:
    # Sorted, so the order the client happens to send parameters in does not matter.
    pairs = sorted((name, value) for name, value in params if name != "cursor")
    return hashlib.blake2b(orjson.dumps(pairs), digest_size=8).hexdigest()


def encode_cursor(params: Params, position: tuple[str, int], remaining: int | None = None) -> str:
    value = [_query_digest(params), *position, remaining, round(time.time(), 3)]
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode().rstrip("=")


def _is_count(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and 0 <= value <= INT64_MAX


def read_cursor(params: Params, cursor: str) -> Position:
    """The position in ``cursor``, refused unless it is one we issued for this same query."""
    try:
        digest, sort_value, key, remaining, issued = orjson.loads(
            base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        )
        lifetime = CURSOR_LIFETIME.get()
        if (
            digest != _query_digest(params)
            or not isinstance(sort_value, str)
            or not _is_count(key)
            or not (remaining is None or _is_count(remaining))
            or not isinstance(issued, int | float)
            or (lifetime is not None and time.time() - issued > lifetime)
        ):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise invalid_request(
            f'The cursor "{cursor[:80]}" is invalid or expired, or was made for another query; '
            "start again without a cursor."
        ) from None
    return Position(sort_value, key, remaining)


def cursor_page(
    url: str, params: Params, data: list[dict[str, object]], remaining: int, last: tuple[str, int] | None
) -> dict:
    """Conductor's cursor page: every key present; the last page has a null cursor and zero remaining."""
    return {
        "objectType": "list",
        "url": url,
        "data": data,
        "nextCursor": encode_cursor(params, last, remaining) if last is not None else None,
        "remainingCount": remaining,
        "hasMore": last is not None,
    }


def plain_list(url: str, data: list[dict[str, object]]) -> dict:
    return {"objectType": "list", "url": url, "data": data}
