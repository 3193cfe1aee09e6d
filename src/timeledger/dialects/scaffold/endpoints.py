"""One request, end to end: authenticate, read the body, one unit of work, one error table.

A dialect gives the scaffold its ``Dialect`` (how its API answers and refuses) and, per route, an
authentication strategy and a synchronous handler. For every request the scaffold then:

1. refuses text in the path or query that no database column may hold (NUL), and reads the body
   with a size limit; a body that may be large (over 64 KiB, or chunked), or that is parsed before
   the unit of work (``Body.PARAMS``), only after authenticating the caller in a short read of its
   own, so an unauthenticated upload is refused unread and a bad caller always hears so first;
2. opens one unit of work (a writer unless the route only reads), authenticates again inside it,
   runs the handler (parse, one service call, render) and turns its payload into the response, so
   every read rendering needs happens in the same transaction; a writer then commits, once;
3. answers any exception with the dialect's error table, and anything the table does not know is
   logged with its traceback and answered as that API's own 500.

Step 2 runs with no ``await`` inside the transaction: SQLite calls run on the event loop (see
``blocking``), where a transaction held across an ``await`` would let another request on the same
loop wait for its lock forever. That is why the body is read before it, not within.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any, Generic, TypeVar

from starlette.datastructures import QueryParams
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from timeledger.dialects.scaffold.blocking import run_blocking
from timeledger.dialects.scaffold.bodies import (
    declares_body,
    declares_small_body,
    parse_json,
    parse_params,
    read_body,
)
from timeledger.dialects.scaffold.values import check_no_nul
from timeledger.ledger.ports import UnitOfWork

log = logging.getLogger(__name__)

C = TypeVar("C")


@dataclass(frozen=True, slots=True)
class Dialect:
    """What a dialect tells the scaffold: how its API answers, and its one error table.

    ``respond`` turns a handler's payload into this API's success response; ``refusal`` answers an
    error the dialect knows (ledger, auth, scaffold, router, its own) in its own body, or returns
    None; ``internal_error`` is this API's own 500, for anything unexpected.
    """

    respond: Callable[[Request, Any], Response]
    refusal: Callable[[Request, Exception], Response | None]
    internal_error: Callable[[Request], Response]


# An authentication strategy: who the caller is, read inside the request's unit of work; it
# raises the dialect's refusal when nobody is.
Authenticate = Callable[[UnitOfWork, Request], C]


def anonymous(_uow: UnitOfWork, _request: Request) -> None:
    """For endpoints that authenticate callers their own way (the OAuth token endpoint)."""
    return None


class Body(Enum):
    NONE = "none"  # never read (GET, DELETE, Conductor's void)
    RAW = "raw"  # read with the limit; ``Call.json()`` parses it when the handler asks
    PARAMS = "params"  # an OAuth-style form, JSON or multipart body, parsed into ``Call.params``


@dataclass(frozen=True, slots=True)
class Call(Generic[C]):
    """One request as a handler sees it: inside its unit of work, its caller authenticated."""

    request: Request
    uow: UnitOfWork
    caller: C
    body: bytes = b""
    params: Mapping[str, str] | None = None

    @property
    def path(self) -> Mapping[str, str]:
        return self.request.path_params

    @property
    def query(self) -> QueryParams:
        return self.request.query_params

    def json(self) -> Any:
        return parse_json(self.body)


Handler = Callable[[Call[Any]], Any]


def route(
    dialect: Dialect,
    method: str,
    path: str,
    handler: Handler,
    authenticate: Authenticate[Any],
    *,
    writes: bool | None = None,
    body: Body | None = None,
) -> Route:
    """A route whose requests the scaffold runs. By default GET only reads and POST/PUT/PATCH
    bodies are read; a handler returns a payload for ``dialect.respond``, or a ready Response."""
    writes = method != "GET" if writes is None else writes
    body = (Body.RAW if method in ("POST", "PUT", "PATCH") else Body.NONE) if body is None else body

    def gate(request: Request) -> None:
        with request.app.state.unit_of_work() as uow:
            authenticate(uow, request)

    def unit(request: Request, raw: bytes, params: Mapping[str, str] | None) -> Response:
        uow = request.app.state.unit_of_work()
        with uow.write() if writes else uow:
            call = Call(request, uow, authenticate(uow, request), raw, params)
            payload = handler(call)
            response = payload if isinstance(payload, Response) else dialect.respond(request, payload)
            if writes:
                uow.commit()
        return response

    async def run(request: Request) -> Response:
        unread = body is not Body.NONE and declares_body(request)
        try:
            check_no_nul(request.path_params, "")
            for name, value in request.query_params.multi_items():
                check_no_nul(value, name)
            raw, params = b"", None
            if unread:
                if authenticate is not anonymous and not (body is Body.RAW and declares_small_body(request)):
                    await run_blocking(request, gate, request)
                raw = await read_body(request)
                unread = False
            if body is Body.PARAMS:
                params = await parse_params(request, raw) if raw else {}
            return await run_blocking(request, unit, request, raw, params)
        except Exception as error:
            response = refuse(dialect, request, error)
            if unread:  # answered before its body was read: the connection cannot carry another request
                response.headers["Connection"] = "close"
            return response

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return Route(path, run, methods=[method])


def by_path(routes: list[BaseRoute]) -> list[BaseRoute]:
    """The routes with one Route per path, dispatching on the method, so that the router's 405 for a
    method a path does not take names (in ``Allow``) every method it does take."""
    grouped: dict[str, dict[str, Callable[[Request], Any]]] = {}
    order: list[BaseRoute | str] = []
    for item in routes:
        if not isinstance(item, Route):
            order.append(item)
            continue
        if item.path not in grouped:
            grouped[item.path] = {}
            order.append(item.path)
        grouped[item.path].update(dict.fromkeys(item.methods or (), item.endpoint))
    return [_dispatcher(r, grouped[r]) if isinstance(r, str) else r for r in order]


def _dispatcher(path: str, endpoints: dict[str, Callable[[Request], Any]]) -> Route:
    async def dispatch(request: Request) -> Response:
        response: Response = await endpoints[request.method](request)
        return response

    return Route(path, dispatch, methods=sorted(endpoints))


def refuse(dialect: Dialect, request: Request, error: Exception) -> Response:
    response = dialect.refusal(request, error)
    if response is None:
        log.error("unexpected error in %s %s", request.method, request.url.path, exc_info=error)
        response = dialect.internal_error(request)
    if isinstance(error, HTTPException) and error.headers:
        response.headers.update(error.headers)  # the router's own: a 405's Allow
    return response


def exception_handlers(
    owners: Sequence[tuple[str, Dialect]], fallback: Dialect
) -> dict[Any, Callable[[Request, Exception], Awaitable[Response]]]:
    """The app's handlers for what happens outside a route's handler: the router's own refusals
    (unknown path, wrong method) and anything unexpected, each answered by the dialect whose path
    prefix it is under (``owners``, first match), else by ``fallback``."""

    async def handle(request: Request, error: Exception) -> Response:
        path = request.url.path
        dialect = next((d for prefix, d in owners if path.startswith(prefix)), fallback)
        return refuse(dialect, request, error)

    return {HTTPException: handle, Exception: handle}
