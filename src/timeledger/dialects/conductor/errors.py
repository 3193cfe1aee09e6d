"""Conductor's error body, and the one table from every refusal to it: ledger error codes, auth
codes, the scaffold's own refusals (body too large, malformed body, bad value), the router's.

Conductor reports QuickBooks' own refusals (stale revision, unknown reference, duplicate name,
an accounting rule) as ``INTEGRATION_ERROR`` / ``QBD_REQUEST_ERROR`` with HTTP 502 and the
QuickBooks status code in ``integrationCode`` (reference §2); a company whose QuickBooks connection
is not set up yet is a 409. The SDK retries 409 and 5xx, so every deterministic error carries
``x-should-retry: false``.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from timeledger.auth.errors import AuthError
from timeledger.dialects.conductor.wire.responses import json_response, request_id
from timeledger.dialects.scaffold.errors import BodyTooLargeError, RequestError, ServiceFault
from timeledger.ledger.errors import RULE_CODES, LedgerError

# Production's userFacingMessage whenever nothing specific applies, a malformed request included
# (reference §12): the detail is in ``message`` only.
GENERIC_USER_MESSAGE = "An internal server error occurred. Please try again."
QBD_USER_MESSAGE = "QuickBooks Desktop could not process this request. Please check the values and try again."


@dataclass
class ConductorError(Exception):
    """An error already in Conductor's terms; ``to_body`` renders it for one request."""

    status: int
    type: str
    code: str
    message: str
    user_facing_message: str = GENERIC_USER_MESSAGE
    integration_code: str | None = None
    retry_after: int | None = None  # seconds, sent as ``Retry-After``

    def to_body(self, request_id: str) -> dict[str, object]:
        error: dict[str, object] = {
            "message": self.message,
            "userFacingMessage": self.user_facing_message,
            "type": self.type,
            "code": self.code,
            "httpStatusCode": self.status,
        }
        if self.integration_code is not None:
            error["integrationCode"] = self.integration_code
        error["requestId"] = request_id
        return {"error": error}


def invalid_request(message: str) -> ConductorError:
    """400: the request itself is malformed, before QuickBooks would see it."""
    return ConductorError(400, "INVALID_REQUEST_ERROR", "INVALID_REQUEST", message, GENERIC_USER_MESSAGE)


def resource_missing(message: str) -> ConductorError:
    return ConductorError(404, "INVALID_REQUEST_ERROR", "RESOURCE_MISSING", message, GENERIC_USER_MESSAGE)


def qbd_request_error(message: str, integration_code: str | None = None) -> ConductorError:
    return ConductorError(
        502,
        "INTEGRATION_ERROR",
        "QBD_REQUEST_ERROR",
        f"QBD Request Error ({integration_code}): {message}"
        if integration_code
        else f"QBD Request Error: {message}",
        QBD_USER_MESSAGE,
        integration_code,
    )


# QuickBooks status codes for the refusals it names (qbXML statusCode values).
_INTEGRATION_CODES = {
    "stale_revision": "3200",
    "duplicate_name": "3100",
    "unknown_reference": "3140",
    "unknown_filter_value": "500",
}


# Ledger field names, as a Conductor caller wrote them.
_WIRE_FIELDS = {
    "keys": "ids",
    "person_keys": "entityIds",
    "full_names": "fullNames",
    "person": "entityId",
    "customer": "customerId",
    "service_item": "serviceItemId",
    "class": "classId",
    "wage_item": "payrollWageItemId",
    "external_id": "externalId",
    "parent": "parentId",
    "revision": "revisionNumber",
    "currency": "currencyId",
    "currency_keys": "currencyIds",
    "account_keys": "accountIds",
    "entity_keys": "entityIds",
    "ref_numbers": "refNumbers",
    "exchange_rate": "exchangeRate",
    "code": "currencyCode",
    "is_active": "isActive",
    "company_name": "companyName",
    "source_id": "sourceId",
    "first_name": "firstName",
    "middle_name": "middleName",
    "last_name": "lastName",
}


def from_ledger(error: LedgerError) -> ConductorError:
    """Map a ledger refusal to Conductor's shape. The table is checked complete by a test."""
    message = error.message
    if error.field is not None:
        message = f'{message} (field "{_WIRE_FIELDS.get(error.field, error.field)}")'
    if error.code == "not_found":
        return resource_missing(error.message)
    if error.code == "text_too_long":  # Conductor checks lengths before QuickBooks sees them
        return invalid_request(f"Invalid request body: {message}")
    if error.code in _INTEGRATION_CODES:
        return qbd_request_error(message, _INTEGRATION_CODES[error.code])
    if error.code in RULE_CODES:
        return qbd_request_error(message)
    return internal_error_body()


def from_auth(error: AuthError) -> ConductorError:
    if error.code == "unknown_end_user":
        return resource_missing(error.message)
    if error.code == "connection_not_set_up":  # 409 as production answers it (reference §12)
        return ConductorError(
            409,
            "INTEGRATION_CONNECTION_ERROR",
            "INTEGRATION_CONNECTION_NOT_SET_UP",
            error.message,
            "This company has not connected QuickBooks Desktop yet. Finish the setup flow, then try again.",
        )
    if error.code in ("missing_end_user", "expired_auth_session"):
        return invalid_request(error.message)
    if error.code == "invalid_publishable_key":
        return ConductorError(401, "AUTHENTICATION_ERROR", "PUBLISHABLE_KEY_INVALID", error.message)
    return ConductorError(401, "AUTHENTICATION_ERROR", "API_KEY_INVALID", error.message)


def internal_error_body() -> ConductorError:
    return ConductorError(
        500, "INTERNAL_ERROR", "INTERNAL_SERVER_ERROR", "An internal server error occurred."
    )


def from_exception(request: Request, error: Exception) -> ConductorError | None:
    """Conductor's terms for a refusal, or None for anything unexpected."""
    if isinstance(error, ConductorError):
        return error
    if isinstance(error, LedgerError):
        return from_ledger(error)
    if isinstance(error, AuthError):
        return from_auth(error)
    if isinstance(error, ServiceFault):
        return from_fault(error)
    if isinstance(error, BodyTooLargeError):
        return ConductorError(
            413, "INVALID_REQUEST_ERROR", "REQUEST_TOO_LARGE", error.message, GENERIC_USER_MESSAGE
        )
    if isinstance(error, RequestError):
        return invalid_request(error.message)
    if isinstance(error, HTTPException):
        if error.status_code == 404:
            return resource_missing(f"Unrecognized request URL ({request.method}: {request.url.path}).")
        return ConductorError(
            error.status_code,
            "INVALID_REQUEST_ERROR",
            "INVALID_REQUEST",
            f"{error.detail} ({request.method}: {request.url.path}).",
            GENERIC_USER_MESSAGE,
        )
    return None


def from_fault(fault: ServiceFault) -> ConductorError:
    """What Conductor answers when QuickBooks Desktop is unreachable (its Web Connector's
    ``0x80040420``), when the end user never set up the connection, when it is rate limited or down."""
    if fault.kind == "connection_error":
        return ConductorError(
            502,
            "INTEGRATION_CONNECTION_ERROR",
            "QBD_CONNECTION_ERROR",
            "QuickBooks Desktop is not running or could not be reached through the Web Connector.",
            "QuickBooks Desktop could not be reached. Make sure it is open and the Web Connector is running.",
            "0x80040420",
            retry_after=None,
        )
    if fault.kind == "not_set_up":
        said = "The end user has not set up its QuickBooks Desktop connection."
        return from_auth(AuthError("connection_not_set_up", said))
    if fault.kind == "rate_limit":
        code, said = "TOO_MANY_REQUESTS", "Too many requests."
        return ConductorError(429, "INVALID_REQUEST_ERROR", code, said, retry_after=fault.retry_after)
    return ConductorError(
        503, "INTERNAL_ERROR", "SERVICE_UNAVAILABLE", "Service unavailable.", retry_after=fault.retry_after
    )


def error_response(request: Request, error: ConductorError) -> Response:
    # Only what may go better next time is worth retrying (an unexpected 5xx of our own, a fault of
    # the connection, a rate limit); every refusal repeats identically.
    transient = error.type == "INTERNAL_ERROR" or error.code == "QBD_CONNECTION_ERROR" or error.status == 429
    headers = {} if transient else {"x-should-retry": "false"}
    if error.retry_after is not None:
        headers["retry-after"] = str(error.retry_after)
    return json_response(request, error.to_body(request_id(request)), error.status, headers)


def refusal(request: Request, error: Exception) -> Response | None:
    known = from_exception(request, error)
    return None if known is None else error_response(request, known)


def internal_error(request: Request) -> Response:
    return error_response(request, internal_error_body())
