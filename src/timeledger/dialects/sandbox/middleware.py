"""What a sandbox company's requests to the three APIs meet before the API answers them: its own
clock, the faults set for it and its realism (production's latencies, QuickBooks Time's rate limit,
Conductor's expiring cursors); and the log that keeps each request and its answer, secrets redacted
(``timeledger serve --sandbox`` only).

For each request to an API this finds the company it acts in by its credentials: Conductor's
secret key with ``Conductor-End-User-Id`` (or an ``/end-users/{id}/...`` path), FreshBooks' and
QuickBooks Time's bearer token. The request then runs on the company's clock (``utc_now`` answers
from it, token expiry included), after a latency fault's wait; a replacing fault answers in the
API's own words, through its dialect's error table, and the request is not run at all: a faulted
write changes nothing. Requests that name no company pass untouched.
"""

from __future__ import annotations

import asyncio
import fnmatch
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from timeledger.auth.keys import hash_secret
from timeledger.dialects.conductor.paging import CURSOR_LIFETIME
from timeledger.dialects.sandbox.redaction import LOG_BODY_LIMIT, redacted_body, redacted_headers
from timeledger.dialects.scaffold.blocking import run_blocking
from timeledger.dialects.scaffold.bodies import declares_body
from timeledger.dialects.scaffold.endpoints import Dialect
from timeledger.dialects.scaffold.errors import ServiceFault
from timeledger.ledger.clock import CompanyClock, company_clock, real_now
from timeledger.ledger.faults import (
    RATE_LIMIT_REQUESTS,
    RATE_LIMIT_WINDOW_SECONDS,
    Fault,
    LoggedRequest,
    Realism,
)

# The Retry-After a rate_limit or unavailable fault sends, in seconds.
FAULT_RETRY_AFTER = 1


@dataclass(frozen=True)
class Api:
    name: str  # as faults name it: conductor, freshbooks, quickbooks_time
    prefixes: tuple[str, ...]
    dialect: Dialect


@dataclass(frozen=True)
class _Company:
    key: int
    clock: CompanyClock | None
    faults: list[Fault]
    realism: Realism
    token_hash: str


# Production's latencies, drawn with ±20 % around these seconds. Conductor's were measured (issue
# 12: a health check ~5.7 s cold, a create ~3 s, a list ~4.9 s; a retrieve is taken as a create);
# FreshBooks' and QuickBooks Time's are assumed, as nothing here measured them.
PRODUCTION_SECONDS = {
    ("conductor", "health"): 5.7,
    ("conductor", "list"): 4.9,
    ("conductor", "other"): 3.0,
    ("freshbooks", "other"): 0.5,
    ("quickbooks_time", "other"): 0.5,
}


def production_latency(api: str, method: str, path: str) -> float:
    kind = "other"
    if api == "conductor" and method == "GET":
        kind = "health" if path.endswith("/health-check") else "list" if _is_list(path) else "other"
    return PRODUCTION_SECONDS[(api, kind)] * random.uniform(0.8, 1.2)


def _is_list(path: str) -> bool:
    """``/v1/quickbooks-desktop/customers`` lists; ``.../customers/{id}`` retrieves."""
    parts = [part for part in path.split("/") if part]
    return len(parts) == 3 and parts[1] == "quickbooks-desktop"


class SandboxMiddleware:
    def __init__(self, app: ASGIApp, apis: Sequence[Api]) -> None:
        self.app = app
        self.apis = apis

    def _api(self, path: str) -> Api | None:
        return next((api for api in self.apis if path.startswith(api.prefixes)), None)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        api = self._api(scope["path"]) if scope["type"] == "http" else None
        if api is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        company = await run_blocking(request, _company, request, api.name)
        if company is None:
            await self.app(scope, receive, send)
            return
        expiry = company.realism.conductor_cursor_expiry_seconds if api.name == "conductor" else None
        lifetime = CURSOR_LIFETIME.set(expiry)
        log = _Capture(receive, send)
        started, at = time.perf_counter(), real_now()
        try:
            with company_clock(company.clock):
                await self._meet(scope, log.receive, log.send, request, api, company)
        finally:
            CURSOR_LIFETIME.reset(lifetime)
            if log.status is not None:
                entry = log.entry(request, api.name, at, (time.perf_counter() - started) * 1000, company)
                await run_blocking(request, _keep, request, company.key, entry)

    async def _meet(
        self, scope: Scope, receive: Receive, send: Send, request: Request, api: Api, company: _Company
    ) -> None:
        realism = company.realism
        if realism.latency == "production":
            await asyncio.sleep(production_latency(api.name, request.method, request.url.path))
        fault: Fault | ServiceFault | None = None
        if api.name == "quickbooks_time" and realism.quickbooks_time_rate_limit:
            fault = await run_blocking(request, _over_rate_limit, request, company.token_hash)
        if fault is None:
            fault = await run_blocking(request, _fault_met, request, api.name, company)
        if isinstance(fault, Fault) and fault.fault == "latency":
            await asyncio.sleep((fault.latency_ms or 0) / 1000)
            fault = None
        if fault is None:
            await self.app(scope, receive, send)
            return
        if isinstance(fault, Fault):
            fault = ServiceFault(fault.fault, FAULT_RETRY_AFTER)
        response = api.dialect.refusal(request, fault)
        assert response is not None, "every dialect renders a ServiceFault"
        if declares_body(request):  # answered unread: the connection cannot carry another request
            response.headers["Connection"] = "close"
        await response(scope, receive, send)


class _Capture:
    """The request's body and the response as they pass, each kept up to LOG_BODY_LIMIT bytes."""

    def __init__(self, receive: Receive, send: Send) -> None:
        self._receive, self._send = receive, send
        self.request_body = bytearray()
        self.response_body = bytearray()
        self.status: int | None = None
        self.headers: list[tuple[bytes, bytes]] = []

    async def receive(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            _keep_some(self.request_body, message.get("body", b""))
        return message

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            _keep_some(self.response_body, message.get("body", b""))
        await self._send(message)

    def entry(
        self, request: Request, api: str, at: datetime, duration_ms: float, company: _Company
    ) -> LoggedRequest:
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        assert self.status is not None
        return LoggedRequest(
            0,
            at,
            api,
            request.method,
            path,
            self.status,
            round(duration_ms, 3),
            {"headers": redacted_headers(request.headers.items()), "body": redacted_body(self.request_body)},
            {"headers": redacted_headers(_texts(self.headers)), "body": redacted_body(self.response_body)},
            company.token_hash if api != "conductor" else None,
        )


def _texts(headers: list[tuple[bytes, bytes]]) -> list[tuple[str, str]]:
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]


def _keep_some(kept: bytearray, chunk: bytes) -> None:
    if len(kept) < LOG_BODY_LIMIT:
        kept.extend(chunk[: LOG_BODY_LIMIT - len(kept)])


def _keep(request: Request, company_key: int, entry: LoggedRequest) -> None:
    uow = request.app.state.unit_of_work()
    with uow.write():
        uow.sandbox.log_request(company_key, entry)
        uow.commit()


def _company(request: Request, api: str) -> _Company | None:
    """The company the request's credentials act in, with its clock and its faults for ``api``."""
    scheme, _, secret = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    with request.app.state.unit_of_work() as uow:
        key: int | None = None
        token_hash = hash_secret(secret.strip())
        if api == "conductor":
            end_user = request.headers.get("conductor-end-user-id") or _path_end_user(request.url.path)
            if end_user:
                found = uow.tenancy.company_for_key_hash(token_hash, end_user)
                key = found[1].key if found and found[1] else None
        else:
            token = uow.credentials.token_by_access(token_hash)
            key = token.company_key if token else None
        if key is None:
            return None
        s = uow.sandbox
        return _Company(key, s.clock(key), s.faults(key, api), s.realism(key), token_hash)


def _over_rate_limit(request: Request, token_hash: str) -> ServiceFault | None:
    """QuickBooks Time's 300 requests per 5 minutes per token: the 301st and on are a 429 until the
    window ends, ``Retry-After`` saying when (counted in the database: every worker shares it)."""
    uow = request.app.state.unit_of_work()
    now = real_now()
    with uow.write():
        count, started = uow.sandbox.count_request(token_hash, now)
        uow.commit()
    if count <= RATE_LIMIT_REQUESTS:
        return None
    left = started + timedelta(seconds=RATE_LIMIT_WINDOW_SECONDS) - now
    return ServiceFault("rate_limit", max(1, math.ceil(left.total_seconds())))


def _path_end_user(path: str) -> str | None:
    """``/v1/end-users/{id}/...`` names its end user in the path (the passthrough)."""
    parts = path.split("/")
    return parts[3] if len(parts) > 4 and parts[1:3] == ["v1", "end-users"] else None


def _fault_met(request: Request, api: str, company: _Company) -> Fault | None:
    """The first of the company's faults this request meets: its method and path match, its
    probability comes up and, for a counted fault, a use is left (spent here, in a transaction of
    its own, so two workers never spend the same one)."""
    for fault in company.faults:
        if fault.method is not None and fault.method != request.method:
            continue
        if fault.path is not None and not fnmatch.fnmatchcase(request.url.path, fault.path):
            continue
        if fault.probability < 1 and random.random() >= fault.probability:
            continue
        if fault.remaining is not None:
            uow = request.app.state.unit_of_work()
            with uow.write():
                spent = uow.sandbox.spend_fault(company.key, fault.id)
                uow.commit()
            if not spent:
                continue
        return fault
    return None
