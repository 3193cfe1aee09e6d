"""How the connectors treat a service: at most ``max_rate`` requests a second, and a 429 or 503
answered by waiting (its ``Retry-After``, else a doubling backoff) and asking again. One ``Polite``
per endpoint; it plugs into httpx (conductor-py, the QuickBooks Time client) as a transport and into
requests (freshbooks-sdk) as an adapter, so the rule is the same whichever library sends.

Writes are retried too: a 429 was not carried out, and a 503 is a service saying it could not take
the request. A ``Retry-After`` longer than ``max_wait``, or retries used up, hands the 429/503 to
the caller, whose error then carries the service's own message.
"""

from __future__ import annotations

import email.utils
import math
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import requests
from requests.adapters import HTTPAdapter

RETRIED = (429, 503)


def retry_after_seconds(header: str | None, now: datetime | None = None) -> float | None:
    """``Retry-After`` as seconds to wait: a number of seconds or an HTTP date; None if absent or
    unreadable."""
    if not header:
        return None
    text = header.strip()
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(seconds, 0.0) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max((when - (now or datetime.now(UTC))).total_seconds(), 0.0)


class Polite:
    """The pace and the retry rule for one endpoint; thread-safe. ``sleep`` and ``clock`` are for
    tests. ``requests`` counts what was sent (retries included), for the sync's figures."""

    def __init__(
        self,
        max_rate: float | None = None,
        *,
        retries: int = 6,
        base_delay: float = 0.5,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if max_rate is not None and max_rate <= 0:
            raise ValueError("max_rate must be positive")
        self.interval = 1.0 / max_rate if max_rate else 0.0
        self.retries = retries
        self.base_delay = base_delay
        self.max_wait = max_wait
        self.requests = 0
        self.waited = 0.0
        self._sleep = sleep
        self._clock = clock
        self._lock = threading.Lock()
        self._next = 0.0

    def pace(self) -> None:
        """Block until the next request may go, then count it."""
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.interval
            self.requests += 1
        if start > now:
            self._sleep(start - now)

    def delay(self, status: int, retry_after: str | None, attempt: int) -> float | None:
        """Seconds to wait before asking again after ``status`` on try ``attempt`` (0 first); None
        when the answer is to be handed back as it is."""
        if status not in RETRIED or attempt >= self.retries:
            return None
        wait = retry_after_seconds(retry_after)
        if wait is None:
            return min(self.base_delay * 2**attempt, self.max_wait)
        return None if wait > self.max_wait else wait

    def rest(self, seconds: float) -> None:
        self.waited += seconds
        self._sleep(seconds)

    def httpx_transport(self, inner: httpx.BaseTransport | None = None) -> httpx.BaseTransport:
        return _PoliteTransport(self, inner or httpx.HTTPTransport())

    def requests_adapter(self) -> HTTPAdapter:
        return _PoliteAdapter(self)


class _PoliteTransport(httpx.BaseTransport):
    def __init__(self, polite: Polite, inner: httpx.BaseTransport) -> None:
        self._polite = polite
        self._inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        attempt = 0
        while True:
            self._polite.pace()
            response = self._inner.handle_request(request)
            wait = self._polite.delay(response.status_code, response.headers.get("retry-after"), attempt)
            if wait is None:
                return response
            response.read()
            response.close()
            self._polite.rest(wait)
            attempt += 1

    def close(self) -> None:
        self._inner.close()


class _PoliteAdapter(HTTPAdapter):
    def __init__(self, polite: Polite) -> None:
        super().__init__()
        self._polite = polite

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        attempt = 0
        while True:
            self._polite.pace()
            response = super().send(request, *args, **kwargs)
            wait = self._polite.delay(response.status_code, response.headers.get("retry-after"), attempt)
            if wait is None:
                return response
            response.close()
            self._polite.rest(wait)
            attempt += 1


def polite_session(session: requests.Session, polite: Polite) -> requests.Session:
    """``session`` sending through ``polite`` (freshbooks-sdk makes a session per resource)."""
    adapter = polite.requests_adapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
