"""Build the ASGI application: one store, the dialects' routes, and their error bodies for the
framework's own refusals (unknown path, wrong method), so no caller ever sees Starlette's default."""

from __future__ import annotations

from functools import partial

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from timeledger.dialects import oauth_consent
from timeledger.dialects.conductor import routes as conductor
from timeledger.dialects.conductor.endpoints import error_response, new_request_id
from timeledger.dialects.conductor.errors import ConductorError, resource_missing
from timeledger.dialects.freshbooks import endpoints as freshbooks_endpoints
from timeledger.dialects.freshbooks import routes as freshbooks
from timeledger.settings import Settings
from timeledger.store.engine import make_engine
from timeledger.store.unit_of_work import SqlUnitOfWork


async def _http_error(request: Request, exc: Exception) -> Response:
    """Each dialect answers the router's refusals on its own paths; Conductor answers the rest."""
    assert isinstance(exc, HTTPException)
    response = freshbooks_endpoints.http_error(request, exc)
    if response is not None:
        return response
    if exc.status_code == 404:
        error = resource_missing(f"Unrecognized request URL ({request.method}: {request.url.path}).")
    else:
        error = ConductorError(
            exc.status_code,
            "INVALID_REQUEST_ERROR",
            "INVALID_REQUEST",
            f"{exc.detail} ({request.method}: {request.url.path}).",
        )
    return error_response(error, new_request_id())


def build_app(settings: Settings, engine: Engine | None = None) -> Starlette:
    engine = engine or make_engine(settings.database_url)
    routes = [*conductor.routes(), *freshbooks.routes(), *oauth_consent.routes()]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.engine = engine
    app.state.unit_of_work = partial(SqlUnitOfWork, engine)
    app.state.inline_store_calls = engine.dialect.name == "sqlite"  # see dialects/blocking.py
    return app


def app_from_env() -> Starlette:
    """The factory ``timeledger serve`` hands to uvicorn (one per worker process)."""
    return build_app(Settings.from_env())
