"""The consent page of the OAuth 2.0 authorization server, shared by every OAuth dialect.

``GET /oauth/authorize?client_id=...&response_type=code&redirect_uri=...[&scope=...&state=...]``
shows a plain HTML form: the app asking, the scopes, email, password, Approve and Deny. The form
posts back to the same URL; on approval the browser is redirected to the app with a code; after too
many failed sign-ins it is the form again with 429 and ``Retry-After`` (``auth/logins.py``). FreshBooks
callers set ``FRESHBOOKS_AUTH_URL`` to the server's base URL (the SDK appends ``/oauth/authorize``).
``GET /oauth/callback`` is a redirect URI for people trying things by hand: it shows the code.
"""

from __future__ import annotations

from functools import partial
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from timeledger.auth.errors import AuthError, LoginThrottledError
from timeledger.auth.oauth import (
    ConsentRequest,
    OAuthApi,
    OAuthRedirect,
    approve_authorization,
    deny_authorization,
    validate_authorization,
)
from timeledger.dialects.scaffold.blocking import run_blocking
from timeledger.dialects.scaffold.bodies import parse_params, read_body
from timeledger.dialects.scaffold.endpoints import Call, anonymous, refuse, route
from timeledger.dialects.scaffold.pages import PAGES

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authorize {app}</title></head>
<body><h1>{app} wants to use your timeledger account</h1>
<p>It asks to:</p><ul>{scopes}</ul>
{message}
<form method="post">
<p><label>Email <input type="email" name="email" value="{email}" required autocomplete="username"></label></p>
<p><label>Password <input type="password" name="password" autocomplete="current-password"></label></p>
<p><button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny" formnovalidate>Deny</button></p>
</form></body></html>"""


def _page(
    consent: ConsentRequest,
    message: str = "",
    email: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    return HTMLResponse(
        _PAGE.format(
            app=escape(consent.client_name),
            scopes="".join(f"<li>{escape(s)}</li>" for s in consent.scopes),
            message=f'<p role="alert">{escape(message)}</p>' if message else "",
            email=escape(email),
        ),
        status_code=status,
        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY", **(headers or {})},
    )


def _refusal(message: str) -> Response:
    return HTMLResponse(
        "<!doctype html><title>Authorization failed</title>"
        f"<h1>Authorization failed</h1><p>{escape(message)}</p>",
        status_code=400,
    )


def consent_routes(path: str, api: OAuthApi, required: tuple[str, ...] = ()) -> list[BaseRoute]:
    """The consent page at ``path`` for ``api``: the codes it issues redeem only at that API's token
    endpoint. ``required``: the query parameters that API insists on beyond OAuth's."""

    def show_authorization(call: Call[None]) -> Response:
        """The consent form, or the refusal of an authorization request no person should see."""
        try:
            return _page(validate_authorization(call.uow, str(call.request.url), api, required))
        except OAuthRedirect as redirect:
            return RedirectResponse(redirect.location, status_code=302)
        except AuthError as error:
            return _refusal(error.message)

    async def answer_authorization(request: Request) -> Response:
        """The form posted back: deny, or sign in and approve.

        Not one unit of work like the scaffold's other routes: the password check sits between short
        transactions (count the attempt, check on a worker thread, issue the code) so that neither a
        transaction nor the event loop waits on scrypt (``auth/logins.py``). The body is still read
        with the scaffold's limit, and anything unexpected answered by its pages.
        """
        run_store = partial(run_blocking, request)
        uow = request.app.state.unit_of_work()
        uri = str(request.url)
        try:
            consent = await run_store(validate_authorization, uow, uri, api, required)
            form = await parse_params(request, await read_body(request))
            if form.get("decision") == "deny":
                return RedirectResponse(await run_store(deny_authorization, uow, uri, api), status_code=302)
            email = form.get("email", "")
            try:
                location = await approve_authorization(
                    run_store, uow, uri, api, email, form.get("password", "")
                )
            except LoginThrottledError as error:
                # 429 with Retry-After (RFC 6585 §4): the form again, saying why and until when.
                retry = {"Retry-After": str(error.retry_after_seconds)}
                return _page(consent, error.message, email, status=429, headers=retry)
            except AuthError as error:
                if error.code != "invalid_login":
                    raise
                return _page(consent, error.message, email, status=401)
            return RedirectResponse(location, status_code=302)
        except OAuthRedirect as redirect:
            return RedirectResponse(redirect.location, status_code=302)
        except AuthError as error:
            return _refusal(error.message)
        except Exception as error:
            return refuse(PAGES, request, error)

    return [
        route(PAGES, "GET", path, show_authorization, anonymous),
        Route(path, answer_authorization, methods=["POST"]),
    ]


def callback(call: Call[None]) -> Response:
    code, error = call.query.get("code"), call.query.get("error")
    if code:
        text = f"<p>Your authorization code is <code>{escape(code)}</code>. It works once, for 5 minutes.</p>"
    else:
        text = f"<p>No authorization: {escape(error or 'no code was given')}.</p>"
    return HTMLResponse(f"<!doctype html><title>Authorization</title><h1>Authorization</h1>{text}")


def routes() -> list[BaseRoute]:
    """FreshBooks' consent page (the SDK appends ``/oauth/authorize`` to ``FRESHBOOKS_AUTH_URL``) and
    the callback page; QuickBooks Time mounts its own consent page at ``/api/v1/authorize``."""
    return [
        *consent_routes("/oauth/authorize", OAuthApi.FRESHBOOKS),
        route(PAGES, "GET", "/oauth/callback", callback, anonymous),
    ]
