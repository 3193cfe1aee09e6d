"""Input that once crashed the server, each refused with Conductor's own 400 and nothing stored:
values past what Python or the databases hold, numbers of thousands of digits, cursors that name
rows no integer column can hold, and bodies too large to read."""

from __future__ import annotations

import base64
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import orjson
import pytest

from tests.conformance.conductor.refusals import invalid_request
from tests.servers import Server
from timeledger.dialects.conductor.wire.lists import LIST_OBJECTS

QBD = "/v1/quickbooks-desktop"
LISTS = [
    "time-tracking-activities",
    "journal-entries",
    "currencies",
    *(o.path for o in LIST_OBJECTS),
]


@pytest.fixture(scope="module")
def http(server: Server, demo: dict[str, Any]) -> Iterator[httpx.Client]:
    headers = {
        "Authorization": f"Bearer {demo['conductor']['api_key']}",
        "Conductor-End-User-Id": demo["conductor"]["end_user_id"],
    }
    with httpx.Client(base_url=server.base_url, headers=headers) as client:
        yield client


@pytest.fixture(scope="module")
def employee_id(http: httpx.Client) -> str:
    return http.get(f"{QBD}/employees").json()["data"][0]["id"]


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    ("name", "value"),
    [("updatedAfter", "9999-12-31T23:59:59-01:00"), ("updatedBefore", "0001-01-01T00:00:00+01:00")],
)
def test_an_update_time_no_datetime_can_hold_is_a_400(
    http: httpx.Client, path: str, name: str, value: str, unchanged: None
) -> None:
    invalid_request(http.get(f"{QBD}/{path}", params={name: value}), name)


@pytest.mark.parametrize(
    "duration", ["PT9999999999999999999H", "PT" + "9" * 5000 + "H", "PT99999999H", "PT596524H"]
)
def test_a_duration_no_api_can_render_back_is_a_400(
    http: httpx.Client, employee_id: str, duration: str, unchanged: None
) -> None:
    body = {"entityId": employee_id, "transactionDate": "2024-01-02", "duration": duration}
    invalid_request(http.post(f"{QBD}/time-tracking-activities", json=body), "duration")


def test_the_longest_duration_every_api_can_render_is_kept(http: httpx.Client, employee_id: str) -> None:
    body = {"entityId": employee_id, "transactionDate": "2024-01-02", "duration": "PT596523H14M"}
    created = http.post(f"{QBD}/time-tracking-activities", json=body)
    assert created.status_code == 200, created.text
    assert created.json()["duration"] == "PT596523H14M"
    assert http.delete(f"{QBD}/time-tracking-activities/{created.json()['id']}").status_code == 200


@pytest.mark.parametrize("limit", ["9" * 5000, "-1", "0", "151", "1e3", "\u0661\u0660"])
def test_a_limit_of_thousands_of_digits_or_out_of_range_is_a_400(
    http: httpx.Client, limit: str, unchanged: None
) -> None:
    invalid_request(http.get(f"{QBD}/time-tracking-activities", params={"limit": limit}), "limit")


def _forged(cursor: str, index: int, value: object) -> str:
    """A real cursor decoded, one of its parts replaced, and encoded again, as an attacker would:
    the cursor is opaque but only base64 JSON, so its query digest survives the forgery."""
    parts = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    parts[index] = value
    return base64.urlsafe_b64encode(orjson.dumps(parts)).decode().rstrip("=")


@pytest.mark.parametrize(("index", "value"), [(2, 2**63), (3, 2**63), (2, -1), (2, True), (1, 7)])
def test_a_cursor_naming_a_row_no_column_can_hold_is_a_400(
    http: httpx.Client, index: int, value: object, unchanged: None
) -> None:
    for path in ("time-tracking-activities", "journal-entries", "customers"):
        cursor = http.get(f"{QBD}/{path}", params={"limit": 1}).json()["nextCursor"]
        assert cursor, path  # the demo holds more than one of each
        forged = _forged(cursor, index, value)
        invalid_request(http.get(f"{QBD}/{path}", params={"limit": 1, "cursor": forged}), "cursor")


@pytest.mark.parametrize("ident", ["80000001-\u0661\u0662\u0663", "80000001-123%0A", "\u06680000001-123"])
def test_an_id_with_non_ascii_digits_is_malformed(http: httpx.Client, ident: str) -> None:
    invalid_request(http.get(f"{QBD}/employees/{ident}"), "id")


def _raw_post(server: Server, path: str, headers: dict[str, str]) -> bytes:
    """Send only the head of a POST that promises a huge body, and read what comes back: the
    server must answer without waiting for a body it will not read."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    answer = b""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as conn:
        conn.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\n{head}\r\n".encode())
        while b"\r\n\r\n" not in answer or len(answer.split(b"\r\n\r\n", 1)[1]) < _length(answer):
            chunk = conn.recv(65536)  # a timeout here means the server waited for the body
            if not chunk:
                break
            answer += chunk
    return answer


def _header(answer: bytes, wanted: bytes) -> bytes | None:
    for line in answer.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == wanted:
            return value.strip()
    return None


def _length(answer: bytes) -> int:
    return int(_header(answer, b"content-length") or 0)


def _closes(answer: bytes) -> bool:
    return (_header(answer, b"connection") or b"").lower() == b"close"


def test_an_unauthenticated_huge_body_is_refused_unread(server: Server) -> None:
    answer = _raw_post(
        server,
        "/v1/end-users",
        {
            "Authorization": "Bearer sk_tl_nobody",
            "Content-Type": "application/json",
            "Content-Length": "200000000",
        },
    )
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]
    assert b"AUTHENTICATION_ERROR" in answer
    assert _closes(answer)  # the unread body is still on the connection: no request may follow it


def test_an_authenticated_body_over_the_limit_is_a_413_unread(server: Server, demo: dict[str, Any]) -> None:
    answer = _raw_post(
        server,
        "/v1/end-users",
        {
            "Authorization": f"Bearer {demo['conductor']['api_key']}",
            "Content-Type": "application/json",
            "Content-Length": "2000000",
        },
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"REQUEST_TOO_LARGE"' in answer and b"1,000,000 bytes" in answer
    assert _closes(answer)


def test_a_chunked_body_over_the_limit_is_a_413(http: httpx.Client, unchanged: None) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"companyName": "'
        for _ in range(20):
            yield b"x" * 100_000
        yield b'", "email": "a@b.c", "sourceId": "big"}'

    answer = http.post("/v1/end-users", content=chunks(), headers={"Content-Type": "application/json"})
    assert answer.status_code == 413
    assert answer.json()["error"]["code"] == "REQUEST_TOO_LARGE"


def test_text_holding_the_nul_character_is_a_400(
    http: httpx.Client, employee_id: str, unchanged: None
) -> None:
    """PostgreSQL keeps no NUL in text; SQLite would, and then the two backends would disagree."""
    invalid_request(http.post(f"{QBD}/classes", json={"name": "a\u0000b"}), '"name"')
    invalid_request(http.post(f"{QBD}/vendors", json={"name": "Nul", "note": "x\u0000"}), '"note"')
    body = {"entityId": employee_id, "transactionDate": "2024-01-02", "duration": "PT1H", "note": "\u0000"}
    invalid_request(http.post(f"{QBD}/time-tracking-activities", json=body), '"note"')
    invalid_request(http.get(f"{QBD}/vendors", params={"nameContains": "a\u0000"}), '"nameContains"')


@pytest.mark.parametrize(
    ("field", "value"),
    [("companyName", "c" * 201), ("sourceId", "s" * 201), ("email", "e" * 310 + "@example.com")],
)
def test_end_user_text_longer_than_it_can_be_kept_is_a_400(
    http: httpx.Client, field: str, value: str, unchanged: None
) -> None:
    body = {"companyName": "Long", "email": "l@example.com", "sourceId": "long", field: value}
    invalid_request(http.post("/v1/end-users", json=body), field)


@pytest.mark.parametrize("bound", ["99999999999999999999", "9" * 5000, "0" * 30 + "7"])
def test_a_ref_number_range_past_every_number_is_an_empty_page(http: httpx.Client, bound: str) -> None:
    """Reference numbers of digits compare as numbers; a bound too long for any column is past
    them all, not a crash."""
    above = http.get(f"{QBD}/journal-entries", params={"refNumberFrom": bound})
    assert above.status_code == 200, above.text
    below = http.get(f"{QBD}/journal-entries", params={"refNumberTo": bound})
    assert below.status_code == 200, below.text
    if len(bound.lstrip("0")) > 18:
        assert above.json()["data"] == []
