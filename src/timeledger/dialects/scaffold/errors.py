"""Refusals the scaffold makes about a request itself, in no API's words; each dialect's error
table renders them as that API's own errors (status, body, field names as the caller sent them).

    RequestError
    ├── BodyTooLargeError    the body is over the size limit; it was not read whole
    ├── MalformedBodyError   the body is not what the endpoint reads (not JSON, a broken form)
    └── InvalidValueError    a value is malformed or out of range; ``field`` names it as sent

    ServiceFault             a sandbox fault: the service failing as production does on a bad day
"""

from __future__ import annotations


class RequestError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BodyTooLargeError(RequestError):
    def __init__(self, limit: int) -> None:
        super().__init__(f"The request body is larger than {limit:,} bytes.")
        self.limit = limit


class MalformedBodyError(RequestError):
    pass


class InvalidValueError(RequestError):
    """``problem`` completes a sentence about the field: ``"limit" must be between 1 and 150``."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f'"{field}" {problem}.')
        self.field = field
        self.problem = problem


# The faults a sandbox can inject; the first two are QuickBooks Desktop's (Conductor's) alone.
FAULTS = ("connection_error", "not_set_up", "rate_limit", "unavailable")


class ServiceFault(Exception):
    """The service answering ``kind`` (one of FAULTS) instead of the request: each dialect renders it
    as that API does in production, ``retry_after`` seconds in a 429's or 503's ``Retry-After``."""

    def __init__(self, kind: str, retry_after: int = 1) -> None:
        super().__init__(kind)
        self.kind = kind
        self.retry_after = retry_after
