"""What FreshBooks' refusals look like through freshbooks-sdk, checked one way in every test.

The SDK raises one ``FreshBooksError`` for every status and fills it per family (reference §1.6):
project-like endpoints give ``errno`` as ``error_code`` and each field error as one detail,
accounting endpoints the first error's ``errno``, the auth family its ``error`` string. A test
that stops at the exception class would pass on a crash too; these pin status and error code.
"""

from __future__ import annotations

import json

import pytest
from freshbooks import FreshBooksError

NOT_FOUND_MESSAGE = "Requested resource could not be found."


def refusal(
    excinfo: pytest.ExceptionInfo[FreshBooksError], status: int, error_code: int | str | None
) -> FreshBooksError:
    """A refusal with this status and this errno (or, for the auth family, ``error`` code)."""
    error = excinfo.value
    assert (error.status_code, error.error_code) == (status, error_code), error.raw_response
    return error


def field_error(excinfo: pytest.ExceptionInfo[FreshBooksError], field: str, errno: int) -> str:
    """A project-like 422 naming ``field`` in FreshBooks' own words; the message given for it."""
    details = refusal(excinfo, 422, errno).error_details or []
    messages = {name: message for detail in details for name, message in detail.items()}
    assert field in messages, details
    return messages[field]


def not_found(excinfo: pytest.ExceptionInfo[FreshBooksError], errno: int | None = None) -> FreshBooksError:
    """A 404 with FreshBooks' one not-found sentence: no errno from a project-like endpoint,
    1012 (UnknownResource) from an accounting one."""
    error = refusal(excinfo, 404, errno)
    assert str(error) == NOT_FOUND_MESSAGE
    return error


def token_refusal(excinfo: pytest.ExceptionInfo[FreshBooksError], status: int, error: str) -> FreshBooksError:
    """A refused token request. The SDK keeps only ``error_description`` (as the message), so the
    OAuth ``error`` code is read from the body it kept."""
    refused = refusal(excinfo, status, None)
    assert json.loads(refused.raw_response or "{}").get("error") == error, refused.raw_response
    return refused
