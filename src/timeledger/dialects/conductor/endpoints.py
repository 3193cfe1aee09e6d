"""The plumbing around every Conductor handler: request id, authentication, one worker thread,
and turning every refusal into Conductor's error body with ``x-should-retry: false``."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from timeledger.auth.errors import AuthError
from timeledger.auth.keys import authenticate_company, authenticate_organization, bearer_secret
from timeledger.dialects.blocking import run_blocking
from timeledger.dialects.conductor.errors import ConductorError, from_auth, from_ledger, invalid_request
from timeledger.dialects.json_bodies import BodyError, parse_json
from timeledger.ledger.errors import LedgerError
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.tenancy import Company, Organization

log = logging.getLogger(__name__)

REQUEST_ID_HEADER = "Conductor-Request-Id"


def new_request_id() -> str:
    return "req_" + secrets.token_hex(8)


@dataclass
class Call:
    """One request as a handler sees it, on a worker thread."""

    request: Request
    body: bytes
    uow: UnitOfWork

    @property
    def path(self) -> dict[str, str]:
        return self.request.path_params

    @property
    def query(self) -> list[tuple[str, str]]:
        return self.request.query_params.multi_items()

    def json(self) -> Any:
        try:
            return parse_json(self.body)
        except BodyError as error:
            raise invalid_request(str(error)) from None

    def organization(self) -> Organization:
        return authenticate_organization(self.uow, bearer_secret(self.request.headers.get("authorization")))

    def company(self) -> Company:
        _, company = authenticate_company(
            self.uow,
            bearer_secret(self.request.headers.get("authorization")),
            self.request.headers.get("conductor-end-user-id"),
        )
        return company


def json_response(payload: Any, status: int, request_id: str, *, retry: bool | None = None) -> Response:
    headers = {REQUEST_ID_HEADER: request_id}
    if retry is not None:
        headers["x-should-retry"] = "true" if retry else "false"
    return Response(orjson.dumps(payload), status_code=status, headers=headers, media_type="application/json")


def error_response(error: ConductorError, request_id: str) -> Response:
    # Only an unexpected 5xx of our own may be worth retrying; every refusal repeats identically.
    retry = None if error.type == "INTERNAL_ERROR" else False
    return json_response(error.to_body(request_id), error.status, request_id, retry=retry)


def endpoint(handler: Callable[[Call], Any]) -> Callable[[Request], Any]:
    """Wrap a synchronous handler: it runs on a worker thread with its own unit of work."""

    async def run(request: Request) -> Response:
        request_id = new_request_id()
        body = await request.body() if request.method == "POST" else b""
        call = Call(request, body, request.app.state.unit_of_work())
        try:
            payload = await run_blocking(request, handler, call)
        except ConductorError as error:
            return error_response(error, request_id)
        except LedgerError as error:
            return error_response(from_ledger(error), request_id)
        except AuthError as error:
            return error_response(from_auth(error), request_id)
        except Exception:
            log.exception("unexpected error in %s %s", request.method, request.url.path)
            return error_response(
                ConductorError(
                    500, "INTERNAL_ERROR", "INTERNAL_SERVER_ERROR", "An internal server error occurred."
                ),
                request_id,
            )
        return json_response(payload, 200, request_id)

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run
