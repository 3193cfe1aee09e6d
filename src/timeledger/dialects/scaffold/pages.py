"""Pages a person opens in a browser (the OAuth consent page, Conductor's connect link): handlers
return their own HTML responses, and refusals are plain HTML pages, never JSON or a traceback."""

from __future__ import annotations

from html import escape
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from timeledger.auth.errors import AuthError
from timeledger.dialects.scaffold.endpoints import Dialect
from timeledger.dialects.scaffold.errors import BodyTooLargeError, RequestError
from timeledger.ledger.errors import LedgerError, NotFoundError


def page(title: str, message: str, status: int) -> HTMLResponse:
    return HTMLResponse(
        f"<!doctype html><title>{escape(title)}</title><h1>{escape(title)}</h1><p>{escape(message)}</p>",
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def _respond(_request: Request, payload: Any) -> Response:
    raise TypeError(f"a page handler returns a Response, not {type(payload).__name__}")


def _refusal(_request: Request, error: Exception) -> Response | None:
    if isinstance(error, NotFoundError):
        return page("Not found", error.message, 404)
    if isinstance(error, AuthError) and error.code == "expired_auth_session":
        return page("Link expired", error.message, 410)
    if isinstance(error, LedgerError | AuthError):
        return page("Refused", error.message, 400)
    if isinstance(error, BodyTooLargeError):
        return page("Too large", error.message, 413)
    if isinstance(error, RequestError):
        return page("Bad request", error.message, 400)
    if isinstance(error, HTTPException):
        return page("Refused", str(error.detail), error.status_code)
    return None


def _internal_error(_request: Request) -> Response:
    return page("Something went wrong", "An internal error occurred; please try again.", 500)


PAGES = Dialect(respond=_respond, refusal=_refusal, internal_error=_internal_error)
