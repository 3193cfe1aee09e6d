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
    OAuthRedirect,
    approve_authorization,
    deny_authorization,
    validate_authorization,
)
from timeledger.dialects.blocking import run_blocking
from timeledger.dialects.form_bodies import read_params
from timeledger.dialects.json_bodies import BodyError

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


async def authorize(request: Request) -> Response:
    uow = request.app.state.unit_of_work()
    uri = str(request.url)
    try:
        consent = await run_blocking(request, validate_authorization, uow, uri)
        if request.method == "GET":
            return _page(consent)
        form = await read_params(request)
        if form.get("decision") == "deny":
            return RedirectResponse(
                await run_blocking(request, deny_authorization, uow, uri), status_code=302
            )
        email = form.get("email", "")
        try:
            location = await approve_authorization(
                partial(run_blocking, request), uow, uri, email, form.get("password", "")
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
    except (AuthError, BodyError) as error:
        return _refusal(str(getattr(error, "message", error)))


async def callback(request: Request) -> Response:
    code, error = request.query_params.get("code"), request.query_params.get("error")
    if code:
        text = f"<p>Your authorization code is <code>{escape(code)}</code>. It works once, for 5 minutes.</p>"
    else:
        text = f"<p>No authorization: {escape(error or 'no code was given')}.</p>"
    return HTMLResponse(f"<!doctype html><title>Authorization</title><h1>Authorization</h1>{text}")


def routes() -> list[BaseRoute]:
    return [
        Route("/oauth/authorize", authorize, methods=["GET", "POST"]),
        Route("/oauth/callback", callback, methods=["GET"]),
    ]
