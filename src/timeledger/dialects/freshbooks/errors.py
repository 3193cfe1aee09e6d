"""FreshBooks' error bodies, one shape per API family, and the one table from every refusal to
them: ledger codes, auth codes, the scaffold's own refusals, the router's.

The SDK parses errors per family (reference §1.6): project-like endpoints (time entries, projects,
services) read ``errno`` and ``error`` (an object of field -> message, or a string); accounting
endpoints (clients) read ``response.errors[0]`` and crash unless ``errno`` is an integer; the auth
family (identity, tokens) reads ``error`` and ``error_description``. Validation is 422, never 400:
the SDK retries 400 on GET/PUT/DELETE four times (reference §1.7).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import orjson
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from timeledger.auth.errors import AuthError
from timeledger.auth.scopes import PROFILE_READ
from timeledger.dialects.scaffold.errors import (
    BodyTooLargeError,
    InvalidValueError,
    MalformedBodyError,
    RequestError,
    ServiceFault,
)
from timeledger.ledger.errors import RULE_CODES, LedgerError
from timeledger.ledger.lists import TEXT_LIMITS

NOT_FOUND_MESSAGE = "Requested resource could not be found."
UNAUTHENTICATED_MESSAGE = "This action requires authentication to continue."


class Family(StrEnum):
    PROJECT = "project"  # /timetracking, /projects, /comments
    ACCOUNTING = "accounting"  # /accounting/account/{account_id}
    AUTH = "auth"  # /auth


# errno values. Accounting ones are FreshBooks' documented numbers; project-family ones follow the
# one documented example (2001, "field required") and are ours beyond it.
ERRNO_FIELD = 2001  # a field is missing or malformed
ERRNO_REFERENCE = 2002  # a field names something that does not exist
ERRNO_RULE = 2003  # a business rule refused the write
ERRNO_CONFLICT = 2004  # the record changed under the write, or the name is taken
ERRNO_ACCESS_DENIED = 1003
ERRNO_REQUIRED = 1001
ERRNO_INVALID_VALUE = 1004
ERRNO_UNKNOWN_RESOURCE = 1012
ERRNO_INVALID_PER_PAGE = 1013
ERRNO_INVALID_PAGE = 1014


@dataclass
class FreshBooksError(Exception):
    """An error already in FreshBooks' terms: ``field`` is a FreshBooks field name, or None."""

    status: int
    message: str
    errno: int | None = None
    field: str | None = None
    code: str | None = None  # the auth family's ``error`` code
    value: Any = None
    retry_after: int | None = None  # seconds, sent as ``Retry-After``

    def body(self, family: Family, object_name: str = "client") -> dict[str, Any]:
        if self.code == "insufficient_scope":
            return {"message": self.message}  # in every family alike (see ``insufficient_scope``)
        if family is Family.AUTH:
            return {"error": self.code or "invalid_request", "error_description": self.message}
        if family is Family.ACCOUNTING:
            error: dict[str, Any] = {
                "errno": self.errno
                or (ERRNO_UNKNOWN_RESOURCE if self.status == 404 else ERRNO_INVALID_VALUE),
                "field": self.field,
                "message": self.message,
                "object": object_name,
                "value": None if self.value is None else str(self.value),
            }
            return {"response": {"errors": [error]}}
        if self.status == 404:
            return {"error": self.message}
        if self.status == 401:
            return {"message": self.message}
        if self.field is not None:
            return {"errno": self.errno or ERRNO_FIELD, "error": {self.field: self.message}}
        return {"errno": self.errno, "error": self.message}


def invalid(field: str, message: str, value: Any = None, errno: int = ERRNO_FIELD) -> FreshBooksError:
    """422: a field is missing or malformed."""
    return FreshBooksError(422, message, errno, field, "invalid_request", value)


def required(field: str) -> FreshBooksError:
    return invalid(field, "field required", errno=ERRNO_FIELD)


def not_found(message: str = NOT_FOUND_MESSAGE) -> FreshBooksError:
    return FreshBooksError(404, message, ERRNO_UNKNOWN_RESOURCE, None, "not_found")


def insufficient_scope(granted: Iterable[str], required: str) -> FreshBooksError:
    """403 for a token without the scope an endpoint needs, worded as FreshBooks words it (reference
    §9, seen live): clients parse the ``Required`` list. ``Provided`` is one string of every scope the
    token holds, the profile scope first, in a list, exactly as FreshBooks prints it."""
    provided = " ".join(sorted(granted, key=lambda scope: (scope != PROFILE_READ, scope)))
    return FreshBooksError(
        403,
        "insufficient_scope: The request requires higher privileges than provided by the access token. "
        f"Provided: ['{provided}']. Required: ['{required}'].",
        None,
        None,
        "insufficient_scope",
    )


# Ledger field names, as a FreshBooks caller writes them, where one name always answers for another.
_WIRE_FIELDS = {
    "person": "identity_id",
    "person_keys": "identity_id",
    "customer": "client_id",
    "service_item": "service_id",
    "duration": "duration",
    "started_at": "started_at",
    "work_date": "started_at",
    "name": "name",
    "parent": "client_id",
    "revision": "id",
    "external_id": "id",
    "company_name": "organization",
    "first_name": "fname",
    "last_name": "lname",
    "phone": "bus_phone",
}
# What the thing a reference field names is called in FreshBooks.
_NOUNS = {
    "project_id": "project",
    "client_id": "client",
    "service_id": "service",
    "identity_id": "teammate",
    "task_id": "task",
}


@dataclass(frozen=True, slots=True)
class RequestTerms:
    """How one request named what the ledger refused: ``fields`` maps a ledger field to the FreshBooks
    field the caller sent for it, where that depends on the request (an entry's customer is its
    ``project_id`` when one was sent, else its ``client_id``); ``sent`` is the request's fields."""

    fields: Mapping[str, str] = dataclasses.field(default_factory=dict)
    sent: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def wire_field(self, ledger_field: str | None) -> str | None:
        if ledger_field is None:
            return None
        return self.fields.get(ledger_field) or _WIRE_FIELDS.get(ledger_field, ledger_field)

    def named(self, wire_field: str) -> str:
        """``"project"``, or ``"project 153125"`` when the request sent that id."""
        noun = _NOUNS.get(wire_field, wire_field)
        value = self.sent.get(wire_field)
        if value is None or isinstance(value, bool) or not isinstance(value, int | str) or value == "":
            return noun
        return f"{noun} {str(value)[:30]}"


def no_such(wire_field: str, terms: RequestTerms = RequestTerms()) -> FreshBooksError:
    """422: a reference field names nothing in this business."""
    return invalid(
        wire_field, f"No {terms.named(wire_field)} exists in this business.", errno=ERRNO_REFERENCE
    )


@contextmanager
def worded_as(terms: RequestTerms) -> Iterator[None]:
    """Ledger refusals raised inside, named as this request named them (see ``RequestTerms``)."""
    try:
        yield
    except LedgerError as error:
        raise from_ledger(error, terms) from None


def from_ledger(error: LedgerError, terms: RequestTerms = RequestTerms()) -> FreshBooksError:
    """Map a ledger refusal to FreshBooks' terms: the field the caller sent and a sentence in
    FreshBooks' words (client, project, service, teammate), never the ledger's (customer, service
    item, employee). The table is checked complete by a test."""
    code = error.code
    if code == "not_found":
        return not_found()
    if code == "one_running_timer_per_person":  # ``is_logged: false`` is what starts a second one
        message = f"The {terms.named('identity_id')} already has a running timer; stop it first."
        return invalid("is_logged", message, errno=ERRNO_RULE)
    field = terms.wire_field(error.field)
    if code in ("unknown_reference", "unknown_filter_value", "entity_must_be_person") or (
        # a project's client_id naming a project (or the project itself) names no client
        code in ("too_deep", "parent_is_own_descendant") and field == "client_id"
    ):
        return no_such(field or "id", terms)
    if code == "inactive_reference" and field in _NOUNS:
        state = "no longer active" if field == "identity_id" else "archived"
        return invalid(
            field, f"The {terms.named(field)} is {state}: no time can be logged to it.", errno=ERRNO_RULE
        )
    if code == "person_cannot_track_time":
        return invalid(
            "identity_id", f"The {terms.named('identity_id')} may not track time.", errno=ERRNO_RULE
        )
    if code == "billable_needs_customer_and_item":
        missing = "a service" if field == "service_id" else "a client"
        return invalid(field or "billable", f"A billable time entry needs {missing}.", errno=ERRNO_RULE)
    if code == "text_too_long":
        limit = TEXT_LIMITS.get(error.field or "")
        field = field or "name"
        return invalid(field, f"The {field} is longer than {limit} characters." if limit else error.message)
    if code in ("stale_revision", "duplicate_name"):
        return FreshBooksError(409, error.message, ERRNO_CONFLICT, field, "conflict")
    if code in RULE_CODES:
        return invalid(field or "time_entry", error.message, errno=ERRNO_RULE)
    return FreshBooksError(500, "An internal error occurred.", None, None, "server_error")


def from_auth(error: AuthError) -> FreshBooksError:
    if error.code == "insufficient_scope":
        return FreshBooksError(403, error.message, ERRNO_ACCESS_DENIED, None, "insufficient_scope")
    return FreshBooksError(401, UNAUTHENTICATED_MESSAGE, ERRNO_ACCESS_DENIED, None, "unauthenticated")


PREFIXES = ("/timetracking/", "/projects/", "/comments/", "/accounting/", "/auth/")


def family_of(path: str) -> Family:
    """The FreshBooks family a request path belongs to (its error shape)."""
    if path.startswith("/accounting/"):
        return Family.ACCOUNTING
    if path.startswith("/auth/"):
        return Family.AUTH
    return Family.PROJECT


def from_exception(request: Request, error: Exception) -> FreshBooksError | None:
    """FreshBooks' terms for a refusal, or None for anything unexpected."""
    auth_family = family_of(request.url.path) is Family.AUTH
    if isinstance(error, FreshBooksError):
        return error
    if isinstance(error, LedgerError):
        return from_ledger(error)
    if isinstance(error, AuthError):
        return from_auth(error)
    if isinstance(error, ServiceFault):  # rate limited or down: FreshBooks has no QuickBooks connection
        limited = error.kind == "rate_limit"
        status, said = (429, "Too Many Requests") if limited else (503, "Service Unavailable")
        return FreshBooksError(status, said, None, None, None, retry_after=error.retry_after)
    if isinstance(error, BodyTooLargeError):
        return FreshBooksError(413, error.message, ERRNO_INVALID_VALUE, None, "invalid_request")
    if isinstance(error, InvalidValueError):
        if auth_family:
            return FreshBooksError(400, error.message, None, error.field, "invalid_request")
        # Named within its envelope, as FreshBooks names fields: ``note``, not ``time_entry.note``.
        return invalid(error.field.split(".", 1)[-1], error.problem)
    if isinstance(error, MalformedBodyError | RequestError):
        # The auth family answers as OAuth servers do (400 invalid_request); the others validate
        # with 422, which the SDK does not retry (reference §1.7).
        return FreshBooksError(
            400 if auth_family else 422, error.message, ERRNO_INVALID_VALUE, None, "invalid_request"
        )
    if isinstance(error, HTTPException):
        if error.status_code == 404:
            return not_found()
        return FreshBooksError(
            error.status_code,
            f"{error.detail} ({request.method} {request.url.path})",
            None,
            None,
            "invalid_request",
        )
    return None


def error_response(request: Request, error: FreshBooksError) -> Response:
    headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'} if error.status == 401 else {}
    if error.retry_after is not None:
        headers["Retry-After"] = str(error.retry_after)
    return Response(
        orjson.dumps(error.body(family_of(request.url.path))),
        status_code=error.status,
        media_type="application/json",
        headers=headers,
    )


def refusal(request: Request, error: Exception) -> Response | None:
    known = from_exception(request, error)
    return None if known is None else error_response(request, known)


def internal_error(request: Request) -> Response:
    return error_response(
        request, FreshBooksError(500, "An internal error occurred.", None, None, "server_error")
    )
