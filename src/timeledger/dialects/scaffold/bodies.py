"""Request bodies, read with a size limit and parsed the ways our clients send them.

The limit is checked against ``Content-Length`` before a byte is read, and again while reading
(a chunked body has no length): an over-limit body is refused without being held in memory.
OAuth clients disagree on how to send parameters: FreshBooks' Python SDK posts
``application/x-www-form-urlencoded``, its Node SDK JSON, the docs' curl multipart (``-F``); all
three become one flat ``{name: text}``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from timeledger.dialects.scaffold.errors import BodyTooLargeError, MalformedBodyError
from timeledger.dialects.scaffold.values import check_no_nul

MAX_BODY_BYTES = 1_000_000
SMALL_BODY_BYTES = 65_536
MAX_FORM_FIELDS = 100


def declares_body(request: Request) -> bool:
    """Whether the request says it carries a body: a non-zero ``Content-Length``, or chunks."""
    length = request.headers.get("content-length")
    if length is not None:
        return length.strip() not in ("", "0")
    return "chunked" in request.headers.get("transfer-encoding", "").lower()


def declares_small_body(request: Request) -> bool:
    """Whether ``Content-Length`` promises at most ``SMALL_BODY_BYTES``: a body that costs less to
    read than a transaction of its own to authenticate the caller first."""
    try:
        length = _declared_length(request)
    except MalformedBodyError:
        return False  # refused by read_body, once the caller is known
    return length is not None and length <= SMALL_BODY_BYTES


def _declared_length(request: Request) -> int | None:
    """``Content-Length`` as a number (None without one; past twelve digits, past any limit)."""
    length = request.headers.get("content-length")
    if length is None:
        return None
    length = length.strip()
    if not (length.isascii() and length.isdigit()):
        raise MalformedBodyError("The Content-Length header is not a number of bytes.")
    return 10**12 if len(length) > 12 else int(length)


async def read_body(request: Request, limit: int = MAX_BODY_BYTES) -> bytes:
    length = _declared_length(request)
    if length is not None and length > limit:
        raise BodyTooLargeError(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def parse_json(raw: bytes) -> Any:
    if not raw.strip():
        raise MalformedBodyError("The request body is empty; send a JSON object.")
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise MalformedBodyError(f"The request body is not valid JSON: {error}.") from None
    if b"\\u0000" in raw:  # JSON can carry only an escaped NUL; look for it only where one is written
        check_no_nul(data, "")
    return data


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def parse_params(request: Request, raw: bytes) -> dict[str, str]:
    """A form, JSON object or multipart body (text fields only) as one flat ``{name: text}``."""
    kind = media_type(request)
    if kind == "multipart/form-data":
        return await _multipart(request, raw)
    if kind == "application/json":
        data = parse_json(raw)
        if not isinstance(data, dict):
            raise MalformedBodyError("The request body must be a JSON object.")
        if len(data) > MAX_FORM_FIELDS:
            raise MalformedBodyError(f"The request body has more than {MAX_FORM_FIELDS} fields.")
        return {str(k): v if isinstance(v, str) else str(v) for k, v in data.items() if v is not None}
    try:
        pairs = parse_qsl(raw.decode(), keep_blank_values=True, max_num_fields=MAX_FORM_FIELDS)
    except UnicodeDecodeError:
        raise MalformedBodyError("The request body is not UTF-8 form data.") from None
    except ValueError:  # more fields than max_num_fields
        raise MalformedBodyError(f"The request body has more than {MAX_FORM_FIELDS} fields.") from None
    return check_no_nul(dict(pairs), "")


async def _multipart(request: Request, raw: bytes) -> dict[str, str]:
    async def replay() -> AsyncIterator[bytes]:
        yield raw

    parser = MultiPartParser(
        request.headers, replay(), max_files=0, max_fields=MAX_FORM_FIELDS, max_part_size=MAX_BODY_BYTES
    )
    try:
        form = await parser.parse()
    except MultiPartException as error:  # malformed, a file part, too many fields
        raise MalformedBodyError(f"The multipart body was refused: {error.message}") from None
    return check_no_nul({k: v for k, v in form.multi_items() if isinstance(v, str)}, "")
