"""What QuickBooks Time's refusals look like, checked one way in every test (reference §1).

A whole request refused is ``{"error": {"code": <status>, "message": "..."}}`` with that HTTP status;
one item of a batch refused is a 200 whose item carries ``_status_code``, ``_status_message`` and
``_status_extra``. A test that stopped at the status would pass on a crash too: these pin the body.
"""

from __future__ import annotations

from typing import Any

import httpx


def request_error(response: httpx.Response, status: int, *words: str) -> str:
    """A whole-request refusal with this status, in QuickBooks Time's error body; its message names
    each of ``words`` (case-insensitively). Returns the message."""
    assert response.status_code == status, (response.status_code, response.text[:600])
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == status, body
    message = body["error"]["message"]
    assert isinstance(message, str) and message, body
    for word in words:
        assert word.lower() in message.lower(), (word, message)
    return message


def expectation_failed(response: httpx.Response, *words: str) -> str:
    """417, the request's parameters refused; real messages start "Expectation Failed" (§1, RB)."""
    message = request_error(response, 417, *words)
    assert message.startswith("Expectation Failed"), message
    return message


def unauthorized(response: httpx.Response) -> str:
    return request_error(response, 401)


def item_refusal(
    response: httpx.Response, resource: str, key: str, status: int, message: str, *words: str
) -> dict[str, Any]:
    """Item ``key`` of a write refused with ``_status_code`` ``status`` and ``_status_message``
    ``message`` (compared case-insensitively: the docs write both "Not found" and "Not Found"), its
    ``_status_extra`` naming each of ``words``; the request itself is a 200. Returns the item."""
    assert response.status_code == 200, (response.status_code, response.text[:600])
    item = response.json()["results"][resource][key]
    assert item["_status_code"] == status, item
    assert item["_status_message"].lower() == message.lower(), item
    extra = item.get("_status_extra")
    assert isinstance(extra, str) and extra, item
    for word in words:
        assert word.lower() in extra.lower(), (word, extra)
    return item
