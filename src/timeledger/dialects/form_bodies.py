"""Reading the parameters of an OAuth-style request body, however the client encoded it.

OAuth clients disagree: FreshBooks' Python SDK posts ``application/x-www-form-urlencoded``, its
Node SDK JSON, the docs' curl multipart (``-F``). All three become one flat ``{name: text}``.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.requests import Request

from timeledger.dialects.json_bodies import MAX_BODY_BYTES, BodyError, parse_json


async def read_params(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=0, max_fields=100)
        return {k: v for k, v in form.items() if isinstance(v, str)}
    body = await request.body()
    if len(body) > MAX_BODY_BYTES:
        raise BodyError(f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if content_type == "application/json":
        data = parse_json(body)
        if not isinstance(data, dict):
            raise BodyError("The request body must be a JSON object.")
        return {str(k): v if isinstance(v, str) else str(v) for k, v in data.items() if v is not None}
    try:
        return dict(parse_qsl(body.decode(), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError:
        raise BodyError("The request body is not UTF-8 form data.") from None
