"""The consent page of the OAuth 2.0 authorization server, shared by every OAuth dialect.

``GET /oauth/authorize?client_id=...&response_type=code&redirect_uri=...[&scope=...&state=...]``
shows a plain HTML form: the app asking, the scopes, email, password, Approve and Deny. The form
posts back to the same URL; on approval the browser is redirected to the app with a code. FreshBooks
callers set ``FRESHBOOKS_AUTH_URL`` to the server's base URL (the SDK appends ``/oauth/authorize``).
``GET /oauth/callback`` is a redirect URI for people trying things by hand: it shows the code.
"""

from __future__ import annotations

from html import escape

from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute

from timeledger.auth.errors import AuthError
from timeledger.auth.oauth import (
    ConsentRequest,
    OAuthRedirect,
    approve_authorization,
    deny_authorization,
    validate_authorization,
)
from timeledger.dialects.scaffold.endpoints import Body, Call, anonymous, route
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


def _page(consent: ConsentRequest, message: str = "", email: str = "", status: int = 200) -> Response:
    return HTMLResponse(
        _PAGE.format(
            app=escape(consent.client_name),
            scopes="".join(f"<li>{escape(s)}</li>" for s in consent.scopes),
            message=f'<p role="alert">{escape(message)}</p>' if message else "",
            email=escape(email),
        ),
        status_code=status,
        headers={"Cache-Control": "no-store", "X-Frame-Options": "DENY"},
    )


def _refusal(message: str) -> Response:
    return HTMLResponse(
        "<!doctype html><title>Authorization failed</title>"
        f"<h1>Authorization failed</h1><p>{escape(message)}</p>",
        status_code=400,
    )


def _authorize(call: Call[None]) -> Response:
    uri = str(call.request.url)
    try:
        consent = validate_authorization(call.uow, uri)
        if call.request.method == "GET":
            return _page(consent)
        form = call.params or {}
        if form.get("decision") == "deny":
            return RedirectResponse(deny_authorization(call.uow, uri), status_code=302)
        email = form.get("email", "")
        try:
            location = approve_authorization(call.uow, uri, email, form.get("password", ""))
        except AuthError as error:
            if error.code != "invalid_login":
                raise
            return _page(consent, error.message, email, status=401)
        return RedirectResponse(location, status_code=302)
    except OAuthRedirect as redirect:
        return RedirectResponse(redirect.location, status_code=302)
    except AuthError as error:
        return _refusal(error.message)


def show_authorization(call: Call[None]) -> Response:
    return _authorize(call)


def answer_authorization(call: Call[None]) -> Response:
    return _authorize(call)


def callback(call: Call[None]) -> Response:
    code, error = call.query.get("code"), call.query.get("error")
    if code:
        text = f"<p>Your authorization code is <code>{escape(code)}</code>. It works once, for 5 minutes.</p>"
    else:
        text = f"<p>No authorization: {escape(error or 'no code was given')}.</p>"
    return HTMLResponse(f"<!doctype html><title>Authorization</title><h1>Authorization</h1>{text}")


def routes() -> list[BaseRoute]:
    return [
        route(PAGES, "GET", "/oauth/authorize", show_authorization, anonymous),
        route(PAGES, "POST", "/oauth/authorize", answer_authorization, anonymous, body=Body.PARAMS),
        route(PAGES, "GET", "/oauth/callback", callback, anonymous),
    ]
