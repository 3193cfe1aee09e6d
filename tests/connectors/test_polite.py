"""The politeness rule every connector sends through: a request rate cap, and 429/503 answered by
waiting as the service says. Driven through real httpx and requests clients against a scripted peer
(httpx's MockTransport; a loopback HTTP server for requests), with a clock the test moves."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import httpx
import pytest
import requests

from timeledger.connectors.polite import Polite, polite_session, retry_after_seconds


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds

    def __call__(self) -> float:
        return self.now


def scripted(*statuses: tuple[int, dict[str, str]]) -> tuple[httpx.MockTransport, list[str]]:
    """A peer answering with ``statuses`` in turn (the last one from then on)."""
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.method)
        status, headers = statuses[min(len(seen) - 1, len(statuses) - 1)]
        return httpx.Response(status, headers=headers, json={"n": len(seen)})

    return httpx.MockTransport(answer), seen


def test_a_429_is_retried_after_its_retry_after_writes_included() -> None:
    clock = Clock()
    polite = Polite(sleep=clock.sleep, clock=clock)
    peer, seen = scripted((429, {"Retry-After": "7"}), (503, {}), (201, {}))
    with httpx.Client(transport=polite.httpx_transport(peer)) as client:
        response = client.post("http://service.test/things", json={})
    assert (response.status_code, response.json()) == (201, {"n": 3})
    assert seen == ["POST"] * 3
    assert clock.slept == [7.0, 1.0]  # Retry-After, then the backoff of the second try (0.5 x 2)
    assert (polite.requests, polite.waited) == (3, 8.0)


def test_a_retry_after_beyond_the_longest_wait_hands_the_answer_back() -> None:
    clock = Clock()
    polite = Polite(max_wait=60, sleep=clock.sleep, clock=clock)
    peer, seen = scripted((429, {"Retry-After": "3600"}))
    with httpx.Client(transport=polite.httpx_transport(peer)) as client:
        assert client.get("http://service.test/").status_code == 429
    assert (seen, clock.slept) == (["GET"], [])


def test_retries_are_bounded_and_other_errors_are_not_retried() -> None:
    clock = Clock()
    polite = Polite(retries=2, sleep=clock.sleep, clock=clock)
    peer, seen = scripted((503, {}))
    with httpx.Client(transport=polite.httpx_transport(peer)) as client:
        assert client.get("http://service.test/").status_code == 503
    assert len(seen) == 3
    peer, seen = scripted((500, {}), (200, {}))
    with httpx.Client(transport=polite.httpx_transport(peer)) as client:
        assert client.get("http://service.test/").status_code == 500
    assert len(seen) == 1


def test_the_rate_cap_spaces_requests() -> None:
    clock = Clock()
    polite = Polite(max_rate=4, sleep=clock.sleep, clock=clock)
    peer, _ = scripted((200, {}))
    with httpx.Client(transport=polite.httpx_transport(peer)) as client:
        for _ in range(5):
            client.get("http://service.test/")
    assert clock.now == pytest.approx(1.0)  # five requests at four a second: the fifth at 1 s
    assert clock.slept == [0.25] * 4


def test_retry_after_as_an_http_date() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 12, 2, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds("Wed, 02 Dec 2026 12:00:30 GMT", now) == 30.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds("-5", now) == 0.0


class _Flaky(http.server.BaseHTTPRequestHandler):
    """Answers 429 (Retry-After: 2) to the first request of each path, then 200."""

    seen: dict[str, int] = {}

    def do_GET(self) -> None:
        count = self.seen[self.path] = self.seen.get(self.path, 0) + 1
        self.send_response(429 if count == 1 else 200)
        if count == 1:
            self.send_header("Retry-After", "2")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_requests_sessions_follow_the_same_rule(flaky: str) -> None:
    clock = Clock()
    polite = Polite(sleep=clock.sleep, clock=clock)
    session = polite_session(requests.Session(), polite)
    assert session.get(f"{flaky}/one").status_code == 200
    assert (clock.slept, polite.requests) == ([2.0], 2)
