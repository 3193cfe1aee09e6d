"""Build the ASGI application: one store, the dialects' routes on the request scaffold, and each
dialect's answer to what happens outside its handlers (unknown path, wrong method, a crash), so no
caller ever sees Starlette's default text."""

from __future__ import annotations

from functools import partial

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.middleware import Middleware

from timeledger.dialects import oauth_consent
from timeledger.dialects.conductor import routes as conductor
from timeledger.dialects.freshbooks import routes as freshbooks
from timeledger.dialects.freshbooks.errors import PREFIXES as FRESHBOOKS_PREFIXES
from timeledger.dialects.quickbooks_time import routes as quickbooks_time
from timeledger.dialects.sandbox import routes as sandbox
from timeledger.dialects.sandbox.middleware import Api, SandboxMiddleware
from timeledger.dialects.scaffold.endpoints import by_path, exception_handlers
from timeledger.dialects.scaffold.pages import PAGES
from timeledger.settings import Settings
from timeledger.store import hot
from timeledger.store.engine import make_engine
from timeledger.store.unit_of_work import KeptConnections, SqlUnitOfWork


def build_app(settings: Settings, engine: Engine | None = None) -> Starlette:
    engine = engine or make_engine(settings.database_url, settings.sqlite_synchronous)
    served = [*conductor.routes(), *freshbooks.routes(), *quickbooks_time.routes(), *oauth_consent.routes()]
    if settings.sandbox:
        served += sandbox.routes()
    routes = by_path(served)
    owners = [
        *((prefix, freshbooks.FRESHBOOKS) for prefix in FRESHBOOKS_PREFIXES),
        (quickbooks_time.PREFIX, quickbooks_time.QUICKBOOKS_TIME),
        ("/oauth/", PAGES),
        ("/connect/", PAGES),
    ]
    # Conductor answers every other path: its SDK is the one pointed at the bare server URL + /v1.
    middleware = []
    if settings.sandbox:
        apis = [
            Api("freshbooks", FRESHBOOKS_PREFIXES, freshbooks.FRESHBOOKS),
            Api("quickbooks_time", (quickbooks_time.PREFIX,), quickbooks_time.QUICKBOOKS_TIME),
            Api("conductor", ("/v1/",), conductor.CONDUCTOR),
        ]
        middleware.append(Middleware(SandboxMiddleware, apis=apis))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers=exception_handlers(owners, conductor.CONDUCTOR),
    )
    app.state.engine = engine
    hot.prepare(engine.dialect)
    sqlite = engine.dialect.name == "sqlite"
    app.state.unit_of_work = partial(SqlUnitOfWork, engine, KeptConnections(engine) if sqlite else None)
    app.state.inline_store_calls = sqlite  # see dialects/scaffold/blocking.py
    return app


def app_from_env() -> Starlette:
    """The factory ``timeledger serve`` hands to granian (one per worker process)."""
    return build_app(Settings.from_env())
