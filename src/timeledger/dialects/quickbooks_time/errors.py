"""QuickBooks Time's two kinds of refusal, and the one table from every error to them.

A whole request refused answers ``{"error": {"code": <status>, "message": "..."}}`` with that status
(reference §1): 401 for a missing, bad, expired or revoked token, 413 for more than 50 items, 417
("Expectation Failed: ...") for a missing or malformed parameter. Inside a batch, each item carries
its own ``_status_code``, ``_status_message`` and ``_status_extra`` and the request itself is 200:
404 for an id that names nothing, 403 ``TS-1006`` for a person who may not track time, 406 for an
overlap with another timesheet, 417 for anything else wrong with the item.
"""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from timeledger.auth.errors import AuthError
from timeledger.dialects.scaffold.errors import (
    BodyTooLargeError,
    InvalidValueError,
    RequestError,
    ServiceFault,
)
from timeledger.ledger.errors import RULE_CODES, LedgerError

STATUS_MESSAGES = {
    200: "OK",
    201: "Fulfilled",
    202: "Accepted",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    409: "Conflict",
    413: "Request Entity Too Large",
    417: "Expectation Failed",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}

TS_1006 = "TS-1006: User is not allowed to track time"


@dataclass
class QuickBooksTimeError(Exception):
    """A whole request refused, in QuickBooks Time's terms."""

    status: int
    message: str
    retry_after: int | None = None  # seconds, sent as ``Retry-After``

    def body(self) -> dict[str, object]:
        return {"error": {"code": self.status, "message": self.message}}


def expectation_failed(detail: str) -> QuickBooksTimeError:
    """417: a missing, malformed or out-of-range parameter (QuickBooks Time's validation error)."""
    return QuickBooksTimeError(417, f"Expectation Failed: {detail}")


@dataclass
class ItemRefusal(Exception):
    """One item of a batch refused, before or by the ledger: its status and the detail shown, and
    what the item shows besides (what was sent, unless ``shown`` says otherwise)."""

    status: int
    extra: str
    shown: dict[str, object] | None = None

    @property
    def message(self) -> str:
        return STATUS_MESSAGES.get(self.status, "Expectation Failed")


def item_refusal(error: Exception, resource: str, creating: bool) -> ItemRefusal | None:
    """The per-item status of a refusal of a create (``creating``) or an update of ``resource``, or
    None for anything unexpected. The status tables differ by resource and verb (reference §2-§5)."""
    if isinstance(error, ItemRefusal):
        return error
    if isinstance(error, InvalidValueError | QuickBooksTimeError):
        return ItemRefusal(417, error.message.removeprefix("Expectation Failed: "))
    if isinstance(error, LedgerError):
        code = error.code
        if code == "not_found":
            # Only timesheets answer 404; users' and jobcodes' tables have 417 for every refusal.
            return ItemRefusal(404 if resource == "timesheets" else 417, error.message)
        if code == "person_cannot_track_time":
            return ItemRefusal(403, TS_1006)
        if code == "overlapping_time_entry":
            # A create is refused as unacceptable; an update as a conflict, which changes nothing.
            status = 406 if creating else 409
            return ItemRefusal(status, f"Conflict exists with another timesheet. {error.message}")
        if code == "duplicate_name" and resource == "jobcodes" and error.field == "name" and creating:
            return ItemRefusal(202, "A jobcode with the same parent_id, name and type already exists.")
        if code == "duplicate_name":
            return ItemRefusal(417, f"Oops! That {error.field or 'name'} is already in use")
        if code in RULE_CODES | {"unknown_reference", "unknown_filter_value", "stale_revision"}:
            return ItemRefusal(417, error.message)
    return None


def from_exception(request: Request, error: Exception) -> QuickBooksTimeError | None:
    """QuickBooks Time's whole-request refusal for an error, or None for anything unexpected."""
    if isinstance(error, QuickBooksTimeError):
        return error
    if isinstance(error, AuthError):
        return QuickBooksTimeError(401, "Unauthorized: the access token is invalid, expired or revoked.")
    if isinstance(error, ServiceFault):  # rate limited or down: QuickBooks Time has no QuickBooks connection
        status = 429 if error.kind == "rate_limit" else 503
        return QuickBooksTimeError(status, STATUS_MESSAGES[status], retry_after=error.retry_after)
    if isinstance(error, BodyTooLargeError):
        return QuickBooksTimeError(413, f"Request Entity Too Large: {error.message}")
    if isinstance(error, RequestError):
        return expectation_failed(error.message)
    if isinstance(error, LedgerError):
        refused = item_refusal(error, "", creating=False)
        if refused is not None:
            return QuickBooksTimeError(refused.status, f"{refused.message}: {refused.extra}")
    if isinstance(error, HTTPException):
        return QuickBooksTimeError(
            error.status_code, STATUS_MESSAGES.get(error.status_code, str(error.detail))
        )
    return None


def error_response(error: QuickBooksTimeError) -> Response:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after is not None else None
    return Response(
        orjson.dumps(error.body()), status_code=error.status, media_type="application/json", headers=headers
    )


def refusal(request: Request, error: Exception) -> Response | None:
    known = from_exception(request, error)
    return None if known is None else error_response(known)


def internal_error(request: Request) -> Response:
    return error_response(QuickBooksTimeError(500, "Internal Server Error"))
