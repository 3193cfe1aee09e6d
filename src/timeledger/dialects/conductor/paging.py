"""Opaque keyset cursors. The SDK resends every original query parameter with ``cursor``, so the
cursor only needs to say where the last page ended: no server-side state, nothing to expire."""

from __future__ import annotations

import base64
import binascii

import orjson

from timeledger.dialects.conductor.errors import invalid_request
from timeledger.dialects.scaffold.values import INT64_MAX


def encode_cursor(position: tuple[str, int], remaining: int | None = None) -> str:
    """The last row's sort value and key, and how many rows followed it then (saves a recount)."""
    value = [*position] if remaining is None else [*position, remaining]
    return base64.urlsafe_b64encode(orjson.dumps(value)).decode().rstrip("=")


def _decode(cursor: str) -> tuple[str, int, int | None]:
    try:
        value = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        sort_value, key, *rest = value
        remaining = rest[0] if rest else None
        if (
            not isinstance(sort_value, str)
            or isinstance(key, bool)
            or not isinstance(key, int)
            or not 0 <= key <= INT64_MAX
            or len(rest) > 1
            or isinstance(remaining, bool)
            or not isinstance(remaining, int | None)
            or (remaining is not None and not 0 <= remaining <= INT64_MAX)
        ):
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        raise invalid_request(
            f'The cursor "{cursor[:80]}" is invalid or expired; start again without a cursor.'
        ) from None
    return sort_value, key, remaining


def decode_cursor(cursor: str) -> tuple[str, int]:
    """Where the previous page ended: its last row's sort value and key."""
    sort_value, key, _ = _decode(cursor)
    return sort_value, key


def cursor_remaining(cursor: str) -> int | None:
    """How many rows followed the previous page when it was read, if the cursor says."""
    return _decode(cursor)[2]


def cursor_page(
    url: str, data: list[dict[str, object]], remaining: int, last: tuple[str, int] | None
) -> dict:
    """Conductor's cursor page: every key present; the last page has a null cursor and zero remaining."""
    return {
        "objectType": "list",
        "url": url,
        "data": data,
        "nextCursor": encode_cursor(last, remaining) if last is not None else None,
        "remainingCount": remaining,
        "hasMore": last is not None,
    }


def plain_list(url: str, data: list[dict[str, object]]) -> dict:
    return {"objectType": "list", "url": url, "data": data}
