"""QuickBooks' status codes for qbXML responses, their constructors, and the two ways a request is
refused: a status on its own response (``QbxmlStatusError``) or the whole message (``parse_error``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from timeledger.dialects.conductor.errors import ConductorError, qbd_request_error
from timeledger.ledger.errors import LedgerError

# What the request processor answers a message that breaks the schema (an HRESULT, not a status).
PARSE_ERROR_CODE = "0x80040400"


@dataclass(frozen=True, slots=True)
class Status:
    """The three status attributes of a qbXML response (QuickBooks SDK, "Status codes in response
    messages"): 0-499 Info, 500-999 Warn, 1000 and up Error."""

    code: int
    severity: str
    message: str


OK = Status(0, "Info", "Status OK")
NO_MATCH = Status(1, "Info", "A query request did not find a matching object in QuickBooks")
UNSUPPORTED_REQUEST = Status(1030, "Error", "This request is not supported by this implementation.")


def not_all_found(value: str) -> Status:
    return Status(
        500,
        "Warn",
        "The query request has not been fully completed. There was a required element "
        f'("{value}") that could not be found in QuickBooks.',
    )


def unsupported_field(name: str) -> Status:
    """530 "Unsupported field". Its range makes it a warning (the rest of the request done); here it
    is an error and nothing is done, since answering as if the field were not there would return
    what the caller did not ask for."""
    return Status(530, "Error", f'The field "{name}" is not supported by this implementation.')


def unsupported_enum_value(name: str, value: str) -> Status:
    """531 "Unsupported enum value", an error for the reason ``unsupported_field`` gives."""
    return Status(
        531,
        "Error",
        f'The enum value "{value}" in the field "{name}" is not supported by this implementation.',
    )


def invalid_id(value: str, name: str) -> Status:
    return Status(3000, "Error", f'The given object ID "{value}" in the field "{name}" is invalid.')


def conversion_status(code: int, what: str, value: str, name: str) -> Status:
    return Status(
        code, "Error", f'There was an error when converting the {what} "{value}" in the field "{name}".'
    )


INVALID_DATE_RANGE = Status(3030, "Error", "Invalid date range: From date is greater than To date.")


def object_not_found(value: str) -> Status:
    return Status(3120, "Error", f'Object "{value}" specified in the request cannot be found.')


def invalid_reference(kind: str, value: str, transaction: str) -> Status:
    return Status(
        3140,
        "Error",
        f'There is an invalid reference to QuickBooks {kind} "{value}" in the {transaction}. '
        "QuickBooks error message: Invalid argument. The specified record does not exist in the list.",
    )


class QbxmlStatusError(Exception):
    """A request answered with this status, and no data."""

    def __init__(self, status: Status) -> None:
        super().__init__(status.message)
        self.status = status


def parse_error(problem: str) -> ConductorError:
    """The message breaks qbXML's schema, so QuickBooks runs none of it (see the package docstring)."""
    return qbd_request_error(
        f"QuickBooks found an error when parsing the provided XML text stream. {problem}", PARSE_ERROR_CODE
    )


# Ledger field names as qbXML's elements, for messages.
_ELEMENTS = {
    "person": "EntityRef",
    "customer": "CustomerRef",
    "service_item": "ItemServiceRef",
    "class": "ClassRef",
    "wage_item": "PayrollItemWageRef",
    "note": "Notes",
    "external_id": "ExternalGUID",
    "work_date": "TxnDate",
    "duration_seconds": "Duration",
    "revision": "EditSequence",
}
# The QuickBooks object each reference names, as its 3140 message calls it.
_REFERENCE_KINDS = {
    "EntityRef": "Entity",
    "CustomerRef": "Customer",
    "ItemServiceRef": "Item",
    "ClassRef": "Class",
    "PayrollItemWageRef": "PayrollItemWage",
}


def refusal_status(error: LedgerError, sent: Mapping[str, str], transaction: str) -> Status:
    """QuickBooks' status for a ledger refusal of a write, by the error's code. ``sent`` holds what
    the request named each reference (and a mod its TxnID) by, by ledger field, for the message;
    ``transaction`` is qbXML's name for the object. Every ledger code has an answer: QuickBooks'
    "error when saving" (3180) with the rule's own message where it has none more precise."""
    element = _ELEMENTS.get(error.field or "", error.field or "")
    if error.code == "unknown_reference":
        value = sent.get(error.field or "", "")
        return invalid_reference(_REFERENCE_KINDS.get(element, element), value, transaction)
    if error.code == "stale_revision":
        given = getattr(error, "given", "")  # a StaleRevisionError always has it
        return Status(3200, "Error", f'The provided edit sequence "{given}" is out-of-date.')
    if error.code == "duplicate_name":
        name = getattr(error, "name", "")
        return Status(3100, "Error", f'The name "{name}" of the list element is already in use.')
    if error.code in ("not_found", "unknown_filter_value"):  # the object a mod names
        return object_not_found(sent.get("txn_id", ""))
    if error.code == "text_too_long":
        return Status(3070, "Error", f'The string in the field "{element}" is too long. {error.message}')
    return Status(
        3180,
        "Error",
        f"There was an error when saving a {transaction}. QuickBooks error message: {error.message}",
    )
