"""What the request log keeps of a request or a response: never a secret or a token."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

# Bodies are kept up to this many bytes; a longer one is cut, and said to be.
LOG_BODY_LIMIT = 64 * 1024
REDACTED = "[redacted]"
SECRET_HEADERS = frozenset({"authorization", "cookie", "set-cookie", "proxy-authorization"})
SECRET_FIELDS = frozenset(
    {"access_token", "refresh_token", "client_secret", "password", "api_key", "secret", "code", "id_token"}
)


def redacted_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers by lower-case name; a credential keeps its scheme (``Bearer [redacted]``)."""
    kept: dict[str, str] = {}
    for name, value in headers:
        name = name.lower()
        if name in SECRET_HEADERS:
            scheme, space, _ = value.partition(" ")
            value = f"{scheme} {REDACTED}" if space and name.endswith("authorization") else REDACTED
        kept[name] = value
    return kept


def redacted_body(body: bytes | bytearray) -> Any:
    """JSON as JSON with secret fields redacted at any depth; other text as text; empty as None."""
    if not body:
        return None
    cut = len(body) >= LOG_BODY_LIMIT
    try:
        parsed = None if cut else orjson.loads(bytes(body))
    except orjson.JSONDecodeError:
        parsed = None
    else:
        return _redacted(parsed)
    text = bytes(body).decode("utf-8", errors="replace")
    return text + ("… (cut)" if cut else "")


def _redacted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: REDACTED if k in SECRET_FIELDS else _redacted(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v) for v in value]
    return value
