"""The plumbing around every FreshBooks handler: the bearer token, the business or account in the
path, the scope, one worker thread, and every refusal rendered in its family's error shape."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from timeledger.auth.errors import AuthError
from timeledger.auth.oauth import OAuthCaller, authenticate_bearer
from timeledger.dialects.blocking import run_blocking
from timeledger.dialects.freshbooks.errors import (
    Family,
    FreshBooksError,
    family_of,
    from_auth,
    from_ledger,
    internal_error,
    invalid,
    not_found,
)
from timeledger.dialects.freshbooks.ids import parse_account_id, parse_path_id
from timeledger.dialects.json_bodies import BodyError, parse_json
from timeledger.ledger.errors import LedgerError
from timeledger.ledger.ports import UnitOfWork

log = logging.getLogger(__name__)

NO_CONTENT = object()


@dataclass
class Call:
    """One request as a handler sees it, on a worker thread, already authenticated."""

    request: Request
    body: bytes
    uow: UnitOfWork
    caller: OAuthCaller

    @property
    def path(self) -> dict[str, str]:
        return self.request.path_params

    def query(self, name: str) -> str | None:
        return self.request.query_params.get(name)

    @property
    def company_key(self) -> int:
        return self.caller.company_key

    def envelope(self, name: str) -> dict[str, Any]:
        """The object under ``name`` in a JSON body (``{"time_entry": {...}}``)."""
        try:
            data = parse_json(self.body)
        except BodyError as error:
            raise invalid(name, str(error)) from None
        if not isinstance(data, dict) or not isinstance(data.get(name), dict):
            raise invalid(name, "field required")
        return data[name]


def json_response(payload: Any, status: int = 200) -> Response:
    return Response(orjson.dumps(payload), status_code=status, media_type="application/json")


def error_response(error: FreshBooksError, family: Family) -> Response:
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if error.status == 401 else None
    return Response(
        orjson.dumps(error.body(family)),
        status_code=error.status,
        media_type="application/json",
        headers=headers,
    )


def _authorize(request: Request, uow: UnitOfWork, scope: str | None) -> OAuthCaller:
    """Token first (401), then the business or account in the path (404), then the scope (403): a
    caller learns nothing about a business that is not theirs, not even which scopes it would need."""
    caller = authenticate_bearer(uow, request.headers.get("authorization"))
    params = request.path_params
    if "business_id" in params and parse_path_id(params["business_id"]) != caller.company_key:
        raise not_found()
    if "account_id" in params and parse_account_id(params["account_id"]) != caller.company_key:
        raise not_found()
    if scope is not None:
        caller.require(scope)
    return caller


def endpoint(
    family: Family, scope: str | None
) -> Callable[[Callable[[Call], Any]], Callable[[Request], Any]]:
    """Wrap a synchronous handler needing ``scope``; it returns a JSON payload, or ``NO_CONTENT`` (204)."""

    def wrap(handler: Callable[[Call], Any]) -> Callable[[Request], Any]:
        def run_sync(request: Request, body: bytes) -> Any:
            uow = request.app.state.unit_of_work()
            return handler(Call(request, body, uow, _authorize(request, uow, scope)))

        async def run(request: Request) -> Response:
            body = await request.body() if request.method in ("POST", "PUT") else b""
            try:
                payload = await run_blocking(request, run_sync, request, body)
            except FreshBooksError as error:
                return error_response(error, family)
            except LedgerError as error:
                return error_response(from_ledger(error), family)
            except AuthError as error:
                return error_response(from_auth(error), family)
            except Exception:
                log.exception("unexpected error in %s %s", request.method, request.url.path)
                return error_response(internal_error(), family)
            if payload is NO_CONTENT:
                return Response(status_code=204)
            return json_response(payload)

        run.__name__ = handler.__name__
        run.__doc__ = handler.__doc__
        return run

    return wrap


def http_error(request: Request, exc: HTTPException) -> Response | None:
    """FreshBooks' body for the router's own refusals (unknown path, wrong method) on its paths."""
    family = family_of(request.url.path)
    if family is None:
        return None
    if exc.status_code == 404:
        return error_response(not_found(), family)
    error = FreshBooksError(exc.status_code, f"{exc.detail} ({request.method} {request.url.path})", None)
    error.code = "invalid_request"
    return error_response(error, family)
