"""What a sandbox company's requests to the three APIs meet before the API answers them: its own
clock and the faults set for it (``timeledger serve --sandbox`` only).

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
import random
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from timeledger.auth.keys import hash_secret
from timeledger.dialects.scaffold.blocking import run_blocking
from timeledger.dialects.scaffold.bodies import declares_body
from timeledger.dialects.scaffold.endpoints import Dialect
from timeledger.dialects.scaffold.errors import ServiceFault
from timeledger.ledger.clock import CompanyClock, company_clock
from timeledger.ledger.faults import Fault

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
        with company_clock(company.clock):
            fault = await run_blocking(request, _fault_met, request, api.name, company)
            if fault is not None and fault.fault == "latency":
                await asyncio.sleep((fault.latency_ms or 0) / 1000)
                fault = None
            if fault is None:
                await self.app(scope, receive, send)
                return
            response = api.dialect.refusal(request, ServiceFault(fault.fault, FAULT_RETRY_AFTER))
            assert response is not None, "every dialect renders a ServiceFault"
            if declares_body(request):  # answered unread: the connection cannot carry another request
                response.headers["Connection"] = "close"
            await response(scope, receive, send)


def _company(request: Request, api: str) -> _Company | None:
    """The company the request's credentials act in, with its clock and its faults for ``api``."""
    with request.app.state.unit_of_work() as uow:
        scheme, _, secret = (request.headers.get("authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            return None
        key: int | None = None
        if api == "conductor":
            end_user = request.headers.get("conductor-end-user-id") or _path_end_user(request.url.path)
            if end_user:
                found = uow.tenancy.company_for_key_hash(hash_secret(secret.strip()), end_user)
                key = found[1].key if found and found[1] else None
        else:
            token = uow.credentials.token_by_access(hash_secret(secret.strip()))
            key = token.company_key if token else None
        if key is None:
            return None
        return _Company(key, uow.sandbox.clock(key), uow.sandbox.faults(key, api))


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
