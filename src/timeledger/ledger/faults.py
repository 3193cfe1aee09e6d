"""Faults a sandbox company's requests meet, on demand: what each API does on a bad day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

APIS = ("conductor", "freshbooks", "quickbooks_time")
# connection_error and not_set_up are QuickBooks Desktop's, through Conductor; latency delays the
# real answer; the others replace it.
KINDS = ("connection_error", "not_set_up", "rate_limit", "unavailable", "latency")
CONDUCTOR_ONLY = ("connection_error", "not_set_up")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
MAX_LATENCY_MS = 60_000


@dataclass(frozen=True)
class Fault:
    id: int
    api: str
    method: str | None
    path: str | None  # an fnmatch glob over the whole request path
    fault: str
    latency_ms: int | None
    probability: float
    remaining: int | None  # None: every time
    created_at: datetime


LATENCIES = ("none", "production")
# QuickBooks Time: 300 requests per 5-minute window per access token (reference §1).
RATE_LIMIT_REQUESTS = 300
RATE_LIMIT_WINDOW_SECONDS = 300


@dataclass(frozen=True)
class Realism:
    """How close to production a sandbox company's requests are; the default is none of it."""

    conductor_cursor_expiry_seconds: float | None = None
    quickbooks_time_rate_limit: bool = False
    latency: str = "none"


# How many requests a company's log keeps: the newest.
REQUEST_LOG_SIZE = 1000


@dataclass(frozen=True)
class LoggedRequest:
    """One request to an API and its answer: ``request``/``response`` are ``{"headers", "body"}``
    with secrets redacted; ``token_hash`` names the OAuth token it came with (a replay acts as its
    caller)."""

    id: int
    at: datetime
    api: str
    method: str
    path: str  # with its query string
    status: int
    duration_ms: float
    request: dict[str, Any]
    response: dict[str, Any]
    token_hash: str | None
