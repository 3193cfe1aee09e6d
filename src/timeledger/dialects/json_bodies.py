"""Reading a JSON request body, with a size limit, the same way for every dialect."""

from __future__ import annotations

from typing import Any

import orjson

MAX_BODY_BYTES = 1_000_000


class BodyError(ValueError):
    """The body is too large or not JSON; each dialect renders this as its own 400."""


def parse_json(raw: bytes) -> Any:
    if len(raw) > MAX_BODY_BYTES:
        raise BodyError(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if not raw.strip():
        raise BodyError("The request body is empty; send a JSON object.")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise BodyError(f"The request body is not valid JSON: {error}.") from None
