"""qbXML written as JSON, which Conductor's passthrough carries (``POST /end-users/{id}/passthrough/
quickbooks_desktop``): reading its requests, rendering QuickBooks' ``...Ret`` objects, and
QuickBooks' status codes for every refusal.

The JSON form, and where each convention comes from:

- An element is a key spelled as in qbXML (``TimeTrackingQueryRq``, ``TxnDate``, ``EntityRef``); an
  attribute is its name after ``@`` (``@requestID`` in, ``@statusCode`` out). Conductor documents no
  attribute spelling: ``@`` is xmltodict's, the usual XML-to-JSON convention, chosen for want of
  evidence. A repeated element is a list; in a request, one that may repeat may also be one value.
- A query's ``...Ret`` is always a list (of one, or empty when nothing matched); an add's or mod's is
  one object. Leaf values are strings, except qbXML's BOOLTYPE (JSON booleans), INTTYPE (numbers)
  and ``ExchangeRate`` (a number). So Conductor's own legacy client typed the JSON of
  ``/end-users/{id}/request/quickbooks_desktop``, passthrough's predecessor (conductor-node 11,
  ``qbdTypes.ts``: ``CustomerQueryRs.CustomerRet: CustomerRet[]``, ``TimeTrackingAddRs.TimeTrackingRet?:
  TimeTrackingRet``, ``IsActive?: boolean``, ``Sublevel: number``).
- Every ``...Rs`` carries ``@statusCode``, ``@statusSeverity`` and ``@statusMessage`` (strings, as XML
  attributes are), and the request's ``@requestID`` when it had one.

Refusals come in two kinds, as QuickBooks makes them. A message that breaks qbXML's schema (an
element qbXML does not have there, a missing required one, an enum value it does not list) is
refused whole by the request processor, before any of its requests runs: Conductor's 502 with the
HRESULT ``0x80040400`` as ``integrationCode`` (``parse_error``). Everything else is a status on that
request's own ``...Rs``: a value QuickBooks cannot convert (3000 ID, 3010 boolean, 3020 date, 3035
duration, 3070 too long), a reference or object it cannot find (3140, 3120), the ledger's refusals
(``refusal_status``), a request timeledger does not answer (1030, "Unsupported message"). Element
order, which qbXML's schema fixes, is not checked: a JSON object's keys carry none.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from timeledger.dialects.conductor.errors import (
    ConductorError,
    invalid_request,
    qbd_request_error,
)
from timeledger.dialects.conductor.ids import parse_list_id, parse_txn_id, render_list_id, render_txn_id
from timeledger.dialects.conductor.wire.schema import REQUESTS
from timeledger.dialects.conductor.wire.values import (
    parse_date,
    parse_duration,
    parse_query_time,
    render_timestamp,
)
from timeledger.dialects.scaffold.errors import RequestError
from timeledger.ledger.errors import LedgerError
from timeledger.ledger.queries import CurrencyQuery, ListQuery, NameFilter, TimeEntryQuery
from timeledger.ledger.records import Ref, TimeEntry
from timeledger.ledger.values import PERSON_KINDS, ActiveStatus, BillingStatus, ListKind

INTEGRATION_SLUG = "quickbooks_desktop"
# A request element's name: qbXML's are letters and digits, ending in Rq (``CustomerQueryRq``).
REQUEST_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9]*Rq$"
_REQUEST_NAME = re.compile(REQUEST_NAME_PATTERN)
# qbXML's limit on a requestID (status 1060).
MAX_REQUEST_ID = 50
# What the request processor answers a message that breaks the schema (an HRESULT, not a status).
PARSE_ERROR_CODE = "0x80040400"
# Bounds of timeledger's own, which QuickBooks does not state, so past them it is Conductor's 400:
# requests in one body (each a query or a write), and values of one repeated element (each ID is a
# bound parameter of one read).
MAX_REQUESTS = 100
MAX_REPEATS = 1000


def check_integration_slug(slug: str) -> None:
    """The path's ``integrationSlug``: Conductor's spec allows only ``quickbooks_desktop``."""
    if slug != INTEGRATION_SLUG:
        raise invalid_request(
            f'Invalid path parameter "integrationSlug": expected "{INTEGRATION_SLUG}", not "{slug[:60]}".'
        )


# --- status codes ---------------------------------------------------------------------------------


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


def check_request_id(request: QbxmlRequest) -> None:
    """qbXML's limit on a ``requestID`` (status 1060)."""
    if request.request_id is not None and len(request.request_id) > MAX_REQUEST_ID:
        raise QbxmlStatusError(
            Status(
                1060,
                "Error",
                f'The request ID "{request.request_id}" is invalid, possibly too long, max 50 chars.',
            )
        )


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


def _conversion(code: int, what: str, value: str, name: str) -> Status:
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
    """The message breaks qbXML's schema, so QuickBooks runs none of it (see the module docstring)."""
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
        given = getattr(error, "given", sent.get("edit_sequence", ""))
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


# --- the message ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QbxmlRequest:
    """One request element of the body: its name (``CustomerQueryRq``), children and requestID."""

    name: str
    body: Mapping[str, Any]
    request_id: str | None = None

    @property
    def response_name(self) -> str:
        return self.name[:-2] + "Rs"


def read_requests(body: object) -> list[QbxmlRequest]:
    """The body's requests, in order. Its outer shape (an object of request names) is Conductor's to
    check, so a wrong one is Conductor's 400; what is inside each request is qbXML's."""
    if not isinstance(body, dict) or not body:
        raise invalid_request(
            "The request body must be a JSON object of qbXML requests, such as "
            '{"CustomerQueryRq": {"MaxReturned": 10}}.'
        )
    found = []
    for name, value in body.items():
        if not _REQUEST_NAME.fullmatch(name):
            raise invalid_request(
                f'"{name[:60]}" is not a qbXML request: a request\'s name ends in "Rq", '
                'such as "TimeTrackingQueryRq".'
            )
        for item in value if isinstance(value, list) else [value]:
            element = _element_value(item, name)
            request_id = element.get("@requestID")
            found.append(QbxmlRequest(name, element, None if request_id is None else _text(request_id, name)))
    if not found:
        raise invalid_request("The request body names no qbXML request: each of its lists is empty.")
    if len(found) > MAX_REQUESTS:
        raise invalid_request(
            f"The request body holds {len(found)} qbXML requests; send at most {MAX_REQUESTS}."
        )
    return found


def answer(request: QbxmlRequest, status: Status, ret: tuple[str, Any] | None = None) -> dict[str, Any]:
    """A request's response element: its status and, when given, its ``(...Ret name, value)``."""
    rs: dict[str, Any] = {}
    if request.request_id is not None:
        rs["@requestID"] = request.request_id
    rs |= {
        "@statusCode": str(status.code),
        "@statusSeverity": status.severity,
        "@statusMessage": status.message,
    }
    if ret is not None:
        rs[ret[0]] = ret[1]
    return rs


def query_answer(
    request: QbxmlRequest, ret_name: str, rets: list[dict[str, Any]], missing: Iterable[str] = ()
) -> dict[str, Any]:
    """A query's response: what it found, always a list. An exact filter value that named nothing
    is QuickBooks' warning 500, the others still returned."""
    missing = list(missing)
    status = not_all_found(missing[0]) if missing else OK if rets else NO_MATCH
    return answer(request, status, (ret_name, rets))


def render_body(answers: Iterable[tuple[QbxmlRequest, dict[str, Any]]]) -> dict[str, Any]:
    """Each request's response under its name (``CustomerQueryRs``), in the requests' order; a list
    where the body held several requests of one name."""
    body: dict[str, Any] = {}
    for request, rs in answers:
        name = request.response_name
        if name not in body:
            body[name] = rs
        elif isinstance(body[name], list):
            body[name].append(rs)
        else:
            body[name] = [body[name], rs]
    return body


def only(ret: dict[str, Any], include: Collection[str]) -> dict[str, Any]:
    """``IncludeRetElement``: only the named elements of a ``...Ret``, or all when none are named."""
    return {k: v for k, v in ret.items() if k in include} if include else ret


# --- reading elements -----------------------------------------------------------------------------


def _element_value(value: object, path: str) -> dict[str, Any]:
    if value is None or value == "":  # an empty element: <CustomerQueryRq/>
        return {}
    if not isinstance(value, dict):
        raise parse_error(f'"{path}" is an element with children, not a value.')
    return value


def _text(value: object, path: str) -> str:
    """A leaf's text. JSON numbers and booleans are taken as XML would write them."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if value is None:
        return ""
    raise parse_error(f'"{path}" holds a value, not an element or a list.')


class _Element:
    """One element's children, checked against what qbXML allows there: ``children`` maps each
    allowed name to whether it may repeat; ``attributes`` are the allowed attribute names."""

    def __init__(
        self,
        value: object,
        path: str,
        children: Mapping[str, bool],
        attributes: Collection[str] = (),
        required: Collection[str] = (),
    ) -> None:
        self.path = path
        self.values: dict[str, list[Any]] = {}
        self.attributes: dict[str, str] = {}
        for key, item in _element_value(value, path).items():
            if key.startswith("@"):
                if key[1:] not in attributes:
                    raise parse_error(f'"{path}" has no attribute "{key[1:60]}".')
                self.attributes[key[1:]] = _text(item, f"{path}.{key}")
                continue
            if key not in children:
                raise parse_error(f'"{path}" has no element "{key[:60]}".')
            items = item if isinstance(item, list) else [item]
            if len(items) > 1 and not children[key]:
                raise parse_error(f'"{path}.{key}" may occur only once.')
            if len(items) > MAX_REPEATS:  # a limit of timeledger's, so Conductor's refusal
                raise invalid_request(
                    f'"{path}.{key}" occurs {len(items)} times; timeledger reads at most {MAX_REPEATS}.'
                )
            if items:
                self.values[key] = items
        for name in required:
            if name not in self.values:
                raise parse_error(f'"{path}" is missing its required element "{name}".')

    def has(self, name: str) -> bool:
        return name in self.values

    def exclusive(self, *groups: Collection[str]) -> None:
        """qbXML's "OR" branches: elements of at most one of the groups."""
        present = [g for g in groups if any(n in self.values for n in g)]
        if len(present) > 1:
            first, second = (next(n for n in g if n in self.values) for g in present[:2])
            raise parse_error(f'"{self.path}" may not have both "{first}" and "{second}".')

    def text(self, name: str) -> str | None:
        items = self.values.get(name)
        return None if items is None else _text(items[0], f"{self.path}.{name}")

    def texts(self, name: str) -> list[str]:
        return [_text(v, f"{self.path}.{name}") for v in self.values.get(name, [])]

    def child(
        self, name: str, children: Mapping[str, bool], required: Collection[str] = ()
    ) -> _Element | None:
        items = self.values.get(name)
        return None if items is None else _Element(items[0], f"{self.path}.{name}", children, (), required)

    def enum(self, name: str, values: Collection[str]) -> str | None:
        """An enumerated value: one qbXML does not list breaks the schema."""
        text = self.text(name)
        if text is not None and text not in values:
            raise parse_error(f'"{self.path}.{name}" has no value "{text[:60]}".')
        return text


# --- values ---------------------------------------------------------------------------------------


def _list_id(text: str, name: str) -> int:
    try:
        return parse_list_id(text, name)
    except ConductorError:
        raise QbxmlStatusError(invalid_id(text, name)) from None


def _txn_id(text: str, name: str) -> int:
    try:
        return parse_txn_id(text, name)
    except ConductorError:
        raise QbxmlStatusError(invalid_id(text, name)) from None


def _date(text: str, name: str) -> date:
    try:
        return parse_date(text, name)
    except RequestError:
        raise QbxmlStatusError(_conversion(3020, "date value", text, name)) from None


def _moment(text: str, name: str, *, end: bool) -> datetime:
    """A DATETIMETYPE filter bound: a date (that whole day), a date-time, or one with an offset."""
    try:
        return parse_query_time(text, name, end=end)
    except RequestError:
        raise QbxmlStatusError(_conversion(3020, "date value", text, name)) from None


def _duration(text: str, name: str) -> int:
    try:
        return parse_duration(text, name)
    except (ConductorError, RequestError):
        raise QbxmlStatusError(_conversion(3035, "time interval", text, name)) from None


def _flag(text: str, name: str) -> bool:
    if text in ("true", "false"):
        return text == "true"
    raise QbxmlStatusError(_conversion(3010, "boolean value", text, name))


def _count(element: _Element, name: str) -> int | None:
    """``MaxReturned``: a positive integer (qbXML's INTTYPE; anything else breaks the schema)."""
    text = element.text(name)
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) < 1:
        raise parse_error(f'"{element.path}.{name}" must be a positive whole number, not "{text[:40]}".')
    return int(text)


def _string(text: str, name: str, limit: int) -> str:
    if len(text) > limit:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise QbxmlStatusError(
            Status(3070, "Error", f'The string "{shown}" in the field "{name}" is too long.')
        )
    return text


def _range(low: Any, high: Any) -> None:
    if low is not None and high is not None and low > high:
        raise QbxmlStatusError(INVALID_DATE_RANGE)


# --- references -----------------------------------------------------------------------------------

_REF = {"ListID": False, "FullName": False}


@dataclass(frozen=True, slots=True)
class RefSpec:
    """A reference as sent: by ``ListID`` (``key``) or by ``FullName`` in one of ``kinds``. As in
    QuickBooks, a ListID wins over a FullName sent beside it."""

    kinds: tuple[ListKind, ...]
    key: int | None
    full_name: str | None


def _ref(element: _Element, name: str, kinds: tuple[ListKind, ...]) -> tuple[RefSpec, str] | None:
    ref = element.child(name, _REF)
    if ref is None:
        return None
    list_id, full_name = ref.text("ListID"), ref.text("FullName")
    if list_id is not None:
        return RefSpec(kinds, _list_id(list_id, "ListID"), full_name), list_id
    if full_name is not None:
        return RefSpec(kinds, None, full_name), full_name
    raise parse_error(f'"{ref.path}" needs a "ListID" or a "FullName".')


def render_ref(ref: Ref | None) -> dict[str, str] | None:
    return (
        None
        if ref is None
        else {"ListID": render_list_id(ref.key, ref.created_at), "FullName": ref.full_name}
    )


# --- time tracking --------------------------------------------------------------------------------

TIME_TRACKING_RET = "TimeTrackingRet"
TIME_TRACKING = "TimeTracking"  # the transaction's name in QuickBooks' messages

_BILLABLE_STATUSES = {
    "Billable": BillingStatus.BILLABLE,
    "NotBillable": BillingStatus.NOT_BILLABLE,
    "HasBeenBilled": BillingStatus.HAS_BEEN_BILLED,
}
_BILLABLE_NAMES = {status: name for name, status in _BILLABLE_STATUSES.items()}

# A time tracking transaction's references: element, the ledger field it sets, the lists it names.
_TIME_TRACKING_REFS: dict[str, tuple[str, tuple[ListKind, ...]]] = {
    "EntityRef": ("person_key", tuple(k for k in ListKind if k in PERSON_KINDS)),
    "CustomerRef": ("customer_key", (ListKind.CUSTOMER,)),
    "ItemServiceRef": ("service_item_key", (ListKind.SERVICE_ITEM,)),
    "ClassRef": ("class_key", (ListKind.CLASS,)),
    "PayrollItemWageRef": ("wage_item_key", (ListKind.WAGE_ITEM,)),
}
_TIME_TRACKING_FIELDS = {
    "TxnDate": False,
    **dict.fromkeys(_TIME_TRACKING_REFS, False),
    "Duration": False,
    "Notes": False,
    "BillableStatus": False,
}
# QuickBooks' limit on a time tracking note, as Conductor's spec gives it for ``note``.
_NOTES_LIMIT = REQUESTS["time_tracking_activities.create"]["note"]["max_length"]
# The ledger's field names, for a refusal's message (``refusal_status``).
_LEDGER_REFS = {
    "person_key": "person",
    "customer_key": "customer",
    "service_item_key": "service_item",
    "class_key": "class",
    "wage_item_key": "wage_item",
}


@dataclass(frozen=True, slots=True)
class TimeTrackingChange:
    """A ``TimeTrackingAdd`` or ``TimeTrackingMod``: ledger fields, and references still to be
    resolved (``refs``, by the ledger field each sets). A mod names its entry and revision."""

    fields: dict[str, Any]
    refs: dict[str, RefSpec]
    sent: dict[str, str]  # what each reference (and a mod's TxnID) was sent as, by ledger field name
    include: tuple[str, ...] = ()
    txn: tuple[str, int] | None = None  # a mod's TxnID, as sent and as a key
    edit_sequence: str | None = None


def _time_tracking_change(
    element: _Element,
    include: list[str],
    txn: tuple[str, int] | None = None,
    edit_sequence: str | None = None,
) -> TimeTrackingChange:
    fields: dict[str, Any] = {}
    refs: dict[str, RefSpec] = {}
    sent: dict[str, str] = {} if txn is None else {"txn_id": txn[0]}
    for name, (ledger_field, kinds) in _TIME_TRACKING_REFS.items():
        found = _ref(element, name, kinds)
        if found is not None:
            refs[ledger_field], sent[_LEDGER_REFS[ledger_field]] = found
    if (text := element.text("TxnDate")) is not None:
        fields["work_date"] = _date(text, "TxnDate")
    if (text := element.text("Duration")) is not None:
        fields["duration_seconds"] = _duration(text, "Duration")
    if (text := element.text("Notes")) is not None:
        fields["note"] = _string(text, "Notes", _NOTES_LIMIT)
    status = element.enum("BillableStatus", _BILLABLE_STATUSES)
    if status is not None:
        fields["billing_status"] = _BILLABLE_STATUSES[status]
    elif (text := element.text("IsBillable")) is not None:  # BillableStatus's deprecated predecessor
        fields["billing_status"] = (
            BillingStatus.BILLABLE if _flag(text, "IsBillable") else BillingStatus.NOT_BILLABLE
        )
    if (text := element.text("ExternalGUID")) is not None:
        fields["external_id"] = text
    return TimeTrackingChange(fields, refs, sent, tuple(include), txn, edit_sequence)


def parse_time_tracking_add(request: QbxmlRequest) -> TimeTrackingChange:
    rq = _Element(
        request.body,
        request.name,
        {"TimeTrackingAdd": False, "IncludeRetElement": True},
        {"requestID"},
        required=("TimeTrackingAdd",),
    )
    add = rq.child(
        "TimeTrackingAdd",
        {**_TIME_TRACKING_FIELDS, "IsBillable": False, "ExternalGUID": False},
        required=("EntityRef", "Duration"),
    )
    assert add is not None
    return _time_tracking_change(add, rq.texts("IncludeRetElement"))


def parse_time_tracking_mod(request: QbxmlRequest) -> TimeTrackingChange:
    rq = _Element(
        request.body,
        request.name,
        {"TimeTrackingMod": False, "IncludeRetElement": True},
        {"requestID"},
        required=("TimeTrackingMod",),
    )
    mod = rq.child(
        "TimeTrackingMod",
        {"TxnID": False, "EditSequence": False, **_TIME_TRACKING_FIELDS},
        required=("TxnID", "EditSequence", "EntityRef", "Duration"),
    )
    assert mod is not None
    txn_id = mod.text("TxnID") or ""
    txn = (txn_id, _txn_id(txn_id, "TxnID"))
    return _time_tracking_change(mod, rq.texts("IncludeRetElement"), txn, mod.text("EditSequence"))


@dataclass(frozen=True, slots=True)
class TimeTrackingQuery:
    """A ``TimeTrackingQueryRq``: TxnIDs (which override the rest), or filters on the ledger query
    and entities still to be resolved; ``max_returned`` None returns every match."""

    query: TimeEntryQuery
    txn_ids: tuple[tuple[str, int], ...] = ()  # as sent, and as keys
    entities: tuple[tuple[RefSpec, str], ...] = ()
    max_returned: int | None = None
    include: tuple[str, ...] = ()


_QUERY_ATTRIBUTES = ("requestID", "metaData", "iterator", "iteratorID")


def _query_attributes(rq: _Element) -> None:
    for name in ("metaData", "iterator", "iteratorID"):
        if name in rq.attributes:
            raise QbxmlStatusError(unsupported_field(name))


def parse_time_tracking_query(request: QbxmlRequest) -> TimeTrackingQuery:
    rq = _Element(
        request.body,
        request.name,
        {
            "TxnID": True,
            "MaxReturned": False,
            "ModifiedDateRangeFilter": False,
            "TxnDateRangeFilter": False,
            "TimeTrackingEntityFilter": False,
            "IncludeRetElement": True,
        },
        _QUERY_ATTRIBUTES,
    )
    filters = ("MaxReturned", "ModifiedDateRangeFilter", "TxnDateRangeFilter", "TimeTrackingEntityFilter")
    rq.exclusive(("TxnID",), filters)
    rq.exclusive(("ModifiedDateRangeFilter",), ("TxnDateRangeFilter",))
    _query_attributes(rq)
    include = tuple(rq.texts("IncludeRetElement"))
    if rq.has("TxnID"):
        txn_ids = tuple((t, _txn_id(t, "TxnID")) for t in rq.texts("TxnID"))
        return TimeTrackingQuery(TimeEntryQuery(), txn_ids=txn_ids, include=include)
    query: dict[str, Any] = {}
    modified = rq.child("ModifiedDateRangeFilter", {"FromModifiedDate": False, "ToModifiedDate": False})
    if modified is not None:
        query.update(_modified_range(modified))
    dates = rq.child("TxnDateRangeFilter", {"FromTxnDate": False, "ToTxnDate": False, "DateMacro": False})
    if dates is not None:
        dates.exclusive(("FromTxnDate", "ToTxnDate"), ("DateMacro",))
        if dates.has("DateMacro"):
            raise QbxmlStatusError(unsupported_field("DateMacro"))
        low, high = dates.text("FromTxnDate"), dates.text("ToTxnDate")
        query["work_date_from"] = None if low is None else _date(low, "FromTxnDate")
        query["work_date_to"] = None if high is None else _date(high, "ToTxnDate")
        _range(query["work_date_from"], query["work_date_to"])
    entities: list[tuple[RefSpec, str]] = []
    entity = rq.child("TimeTrackingEntityFilter", {"ListID": True, "FullName": True})
    if entity is not None:
        entity.exclusive(("ListID",), ("FullName",))
        kinds = _TIME_TRACKING_REFS["EntityRef"][1]
        entities = [(RefSpec(kinds, _list_id(t, "ListID"), None), t) for t in entity.texts("ListID")]
        entities += [(RefSpec(kinds, None, t), t) for t in entity.texts("FullName")]
    return TimeTrackingQuery(
        TimeEntryQuery(**query),
        entities=tuple(entities),
        max_returned=_count(rq, "MaxReturned"),
        include=include,
    )


def _modified_range(element: _Element) -> dict[str, datetime | None]:
    low, high = element.text("FromModifiedDate"), element.text("ToModifiedDate")
    after = None if low is None else _moment(low, "FromModifiedDate", end=False)
    before = None if high is None else _moment(high, "ToModifiedDate", end=True)
    _range(after, before)
    return {"updated_after": after, "updated_before": before}


def render_duration(seconds: int) -> str:
    """QuickBooks' TIMEINTERVALTYPE as it returns one: ``PT1H30M0S``. Whole minutes, as the REST
    API shows them (``values.render_duration``), so the two never disagree."""
    minutes = seconds // 60
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def render_time_tracking(entry: TimeEntry) -> dict[str, Any]:
    """A ``TimeTrackingRet``, elements in qbXML's order; an empty optional one is left out."""
    assert entry.duration_seconds is not None, "running timers are not visible to Conductor"
    ret: dict[str, Any] = {
        "TxnID": render_txn_id(entry.key, entry.created_at),
        "TimeCreated": render_timestamp(entry.created_at),
        "TimeModified": render_timestamp(entry.updated_at),
        "EditSequence": str(entry.revision),
        "TxnDate": entry.work_date.isoformat(),
        "EntityRef": render_ref(entry.person),
        "CustomerRef": render_ref(entry.customer),
        "ItemServiceRef": render_ref(entry.service_item),
        "Duration": render_duration(entry.duration_seconds),
        "ClassRef": render_ref(entry.class_),
        "PayrollItemWageRef": render_ref(entry.wage_item),
        "Notes": entry.note,
        "BillableStatus": _BILLABLE_NAMES[entry.billing_status],
        "ExternalGUID": entry.external_id,
        "IsBillable": entry.billing_status is BillingStatus.BILLABLE,
        "IsBilled": entry.billing_status is BillingStatus.HAS_BEEN_BILLED,
    }
    return {k: v for k, v in ret.items() if v is not None}


# --- list objects ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListRet:
    """One list object qbXML queries: its name (``ItemService`` for ``ItemServiceQueryRq`` and
    ``ItemServiceRet``), the Conductor object type its REST rendering has, and its ``...Ret``'s
    elements after the common head, each as ``(element, Conductor key)`` in qbXML's order."""

    name: str
    object_type: str
    kind: ListKind | None
    elements: tuple[tuple[str, str], ...]

    @property
    def request_name(self) -> str:
        return f"{self.name}QueryRq"

    @property
    def ret_name(self) -> str:
        return f"{self.name}Ret"


_PERSON = (
    ("Salutation", "salutation"),
    ("FirstName", "firstName"),
    ("MiddleName", "middleName"),
    ("LastName", "lastName"),
)
_PHONES = (("Phone", "phone"), ("AltPhone", "alternatePhone"), ("Fax", "fax"), ("Email", "email"))
_CONTACTS = (("Contact", "contact"), ("AltContact", "alternateContact"))
_TREE = (("ParentRef", "parent"), ("Sublevel", "sublevel"))

# Each ``...Ret``'s elements timeledger holds, from conductor-node 11's qbdTypes.ts (QuickBooks'
# own order). The REST API renders every list object (``lists.render_list_object``); its ``...Ret``
# is that object under qbXML's names, so the two can never disagree.
LIST_RETS = (
    ListRet(
        "Employee",
        "qbd_employee",
        ListKind.EMPLOYEE,
        (
            ("IsActive", "isActive"),
            *_PERSON,
            ("JobTitle", "jobTitle"),
            ("SupervisorRef", "supervisor"),
            ("Description", "description"),
            ("Phone", "phone"),
            ("Mobile", "mobile"),
            ("AltPhone", "alternatePhone"),
            ("Fax", "fax"),
            ("Email", "email"),
            ("AccountNumber", "accountNumber"),
            ("Notes", "note"),
            ("ExternalGUID", "externalId"),
        ),
    ),
    ListRet(
        "Vendor",
        "qbd_vendor",
        ListKind.VENDOR,
        (
            ("IsActive", "isActive"),
            ("ClassRef", "class"),
            ("CompanyName", "companyName"),
            *_PERSON,
            ("JobTitle", "jobTitle"),
            *_PHONES,
            *_CONTACTS,
            ("NameOnCheck", "nameOnCheck"),
            ("AccountNumber", "accountNumber"),
            ("Notes", "note"),
            ("Balance", "balance"),
            ("ExternalGUID", "externalId"),
            ("CurrencyRef", "currency"),
        ),
    ),
    ListRet(
        "OtherName",
        "qbd_other_name",
        ListKind.OTHER_NAME,
        (
            ("IsActive", "isActive"),
            ("CompanyName", "companyName"),
            *_PERSON,
            *_PHONES,
            *_CONTACTS,
            ("AccountNumber", "accountNumber"),
            ("Notes", "note"),
            ("ExternalGUID", "externalId"),
        ),
    ),
    ListRet(
        "Customer",
        "qbd_customer",
        ListKind.CUSTOMER,
        (
            ("FullName", "fullName"),
            ("IsActive", "isActive"),
            ("ClassRef", "class"),
            *_TREE,
            ("CompanyName", "companyName"),
            *_PERSON,
            ("JobTitle", "jobTitle"),
            *_PHONES,
            *_CONTACTS,
            ("Balance", "balance"),
            ("TotalBalance", "totalBalance"),
            ("AccountNumber", "accountNumber"),
            ("Notes", "note"),
            ("ExternalGUID", "externalId"),
            ("CurrencyRef", "currency"),
        ),
    ),
    ListRet(
        "ItemService",
        "qbd_service_item",
        ListKind.SERVICE_ITEM,
        (
            ("FullName", "fullName"),
            ("IsActive", "isActive"),
            ("ClassRef", "class"),
            *_TREE,
            ("SalesOrPurchase", "salesOrPurchaseDetails"),
            ("SalesAndPurchase", "salesAndPurchaseDetails"),
            ("ExternalGUID", "externalId"),
        ),
    ),
    ListRet(
        "Class", "qbd_class", ListKind.CLASS, (("FullName", "fullName"), ("IsActive", "isActive"), *_TREE)
    ),
    ListRet(
        "PayrollItemWage",
        "qbd_payroll_wage_item",
        ListKind.WAGE_ITEM,
        (("IsActive", "isActive"), ("WageType", "wageType"), ("ExpenseAccountRef", "expenseAccount")),
    ),
    ListRet(
        "Account",
        "qbd_account",
        ListKind.ACCOUNT,
        (
            ("FullName", "fullName"),
            ("IsActive", "isActive"),
            *_TREE,
            ("AccountType", "accountType"),
            ("AccountNumber", "accountNumber"),
            ("Desc", "description"),
            ("Balance", "balance"),
            ("TotalBalance", "totalBalance"),
            ("CurrencyRef", "currency"),
        ),
    ),
    ListRet(
        "Currency",
        "qbd_currency",
        None,  # not a ledger list: the company's currencies
        (
            ("IsActive", "isActive"),
            ("CurrencyCode", "currencyCode"),
            ("CurrencyFormat", "currencyFormat"),
            ("IsUserDefinedCurrency", "isUserDefinedCurrency"),
            ("ExchangeRate", "exchangeRate"),
            ("AsOfDate", "asOfDate"),
        ),
    ),
)

# Nested aggregates: Conductor's keys under qbXML's names, in qbXML's order.
_AGGREGATES: dict[str, dict[str, str]] = {
    "salesOrPurchaseDetails": {
        "description": "Desc",
        "price": "Price",
        "pricePercentage": "PricePercent",
        "postingAccount": "AccountRef",
    },
    "salesAndPurchaseDetails": {
        "salesDescription": "SalesDesc",
        "salesPrice": "SalesPrice",
        "incomeAccount": "IncomeAccountRef",
        "purchaseDescription": "PurchaseDesc",
        "purchaseCost": "PurchaseCost",
        "purchaseTaxCode": "PurchaseTaxCodeRef",
        "expenseAccount": "ExpenseAccountRef",
        "preferredVendor": "PrefVendorRef",
    },
    "currencyFormat": {
        "thousandSeparator": "ThousandSeparator",
        "thousandSeparatorGrouping": "ThousandSeparatorGrouping",
        "decimalPlaces": "DecimalPlaces",
        "decimalSeparator": "DecimalSeparator",
    },
}
# Conductor's snake_case enums in qbXML's spelling: ``hourly_regular`` is ``HourlyRegular``, except
# the digit groupings, which qbXML writes as patterns (``XX_XXX_XXX``).
_PATTERN_ENUMS = {"thousandSeparatorGrouping"}
_ENUMS = {"accountType", "wageType", "thousandSeparator", "decimalSeparator", *_PATTERN_ENUMS}


def _pascal(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def _qbxml_value(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"id", "fullName"}:  # a reference
            return None if value["id"] is None else {"ListID": value["id"], "FullName": value["fullName"]}
        inner = {name: _qbxml_value(k, value.get(k)) for k, name in _AGGREGATES.get(key, {}).items()}
        inner = {k: v for k, v in inner.items() if v is not None}
        return inner or None
    if key in _ENUMS and isinstance(value, str):
        return value.upper() if key in _PATTERN_ENUMS else _pascal(value)
    if key == "sublevel" and isinstance(value, float | int):
        return int(value)  # INTTYPE
    return value


def render_list_ret(obj: ListRet, rendered: Mapping[str, Any]) -> dict[str, Any]:
    """A ``...Ret`` from the object's REST rendering (``rendered``); empty elements are left out."""
    ret: dict[str, Any] = {
        "ListID": rendered["id"],
        "TimeCreated": rendered["createdAt"],
        "TimeModified": rendered["updatedAt"],
        "EditSequence": rendered["revisionNumber"],
        "Name": rendered["name"],
    }
    for element, key in obj.elements:
        value = _qbxml_value(key, rendered.get(key))
        if value is not None:
            ret[element] = value
    return ret


@dataclass(frozen=True, slots=True)
class ListQueryRequest:
    """A list query: ListIDs or FullNames (exact, each reported when it names nothing), or the
    filters as a ledger query (``ListQuery``, or ``CurrencyQuery`` for currencies)."""

    query: ListQuery | CurrencyQuery | None
    list_ids: tuple[tuple[str, int], ...] = ()  # as sent, and as keys
    full_names: tuple[str, ...] = ()
    include: tuple[str, ...] = ()


_ACTIVE_STATUSES = {
    "ActiveOnly": ActiveStatus.ACTIVE,
    "InactiveOnly": ActiveStatus.INACTIVE,
    "All": ActiveStatus.ALL,
}
_MATCH_CRITERIA = ("StartsWith", "Contains", "EndsWith")
# Filters qbXML has on these queries that timeledger does not apply (530 rather than ignored).
_UNSUPPORTED_FILTERS = ("TotalBalanceFilter", "CurrencyFilter", "ClassFilter")
# qbXML's account types, and the groups ``AccountType`` may also name in a query (531).
_ACCOUNT_TYPES = {
    _pascal(t): t
    for t in (
        "accounts_payable",
        "accounts_receivable",
        "bank",
        "cost_of_goods_sold",
        "credit_card",
        "equity",
        "expense",
        "fixed_asset",
        "income",
        "long_term_liability",
        "non_posting",
        "other_asset",
        "other_current_asset",
        "other_current_liability",
        "other_expense",
        "other_income",
    )
}
_ACCOUNT_TYPE_GROUPS = (
    "AllowedFor1099",
    "APAndSalesTax",
    "APOrCreditCard",
    "ARAndAP",
    "Asset",
    "BalanceSheet",
    "BankAndARAndAPAndUF",
    "BankAndUF",
    "CostOfSales",
    "CurrentAsset",
    "CurrentAssetAndExpense",
    "CurrentLiability",
    "EquityAndIncomeAndExpense",
    "ExpenseAndOtherExpense",
    "IncomeAndExpense",
    "IncomeAndOtherIncome",
    "Liability",
    "LiabilityAndEquity",
    "OrdinaryExpense",
    "OrdinaryIncome",
    "OrdinaryIncomeAndCOGS",
    "OrdinaryIncomeAndExpense",
    "OtherIncomeOrExpense",
)


def parse_list_query(obj: ListRet, request: QbxmlRequest) -> ListQueryRequest:
    """Any of the list queries: ``ListID`` | ``FullName`` | the filters, then ``IncludeRetElement``.
    ``OwnerID`` asks for data extensions, of which timeledger keeps none: it is read and changes nothing."""
    filters = [
        "MaxReturned",
        "ActiveStatus",
        "FromModifiedDate",
        "ToModifiedDate",
        "NameFilter",
        "NameRangeFilter",
    ]
    if obj.kind in (ListKind.VENDOR, ListKind.CUSTOMER):
        filters += _UNSUPPORTED_FILTERS
    elif obj.kind in (ListKind.SERVICE_ITEM,):
        filters.append("ClassFilter")
    elif obj.kind is ListKind.ACCOUNT:
        filters += ["AccountType", "CurrencyFilter"]
    children = {"ListID": True, "FullName": True, **dict.fromkeys(filters, False), "IncludeRetElement": True}
    if obj.kind is not None and obj.kind not in (ListKind.CLASS, ListKind.WAGE_ITEM):
        children["OwnerID"] = True
    rq = _Element(request.body, request.name, children, _QUERY_ATTRIBUTES)
    rq.exclusive(("ListID",), ("FullName",), filters)
    rq.exclusive(("NameFilter",), ("NameRangeFilter",))
    _query_attributes(rq)
    include = tuple(rq.texts("IncludeRetElement"))
    if rq.has("ListID"):
        list_ids = tuple((t, _list_id(t, "ListID")) for t in rq.texts("ListID"))
        return ListQueryRequest(None, list_ids=list_ids, include=include)
    if rq.has("FullName"):
        return ListQueryRequest(None, full_names=tuple(rq.texts("FullName")), include=include)
    for name in _UNSUPPORTED_FILTERS:
        if rq.has(name):
            raise QbxmlStatusError(unsupported_field(name))
    status = _ACTIVE_STATUSES[rq.enum("ActiveStatus", _ACTIVE_STATUSES) or "ActiveOnly"]
    updated = _modified_range(rq)
    names = _name_filter(rq)
    limit = _count(rq, "MaxReturned")
    if obj.kind is None:
        return ListQueryRequest(
            CurrencyQuery(name=names, status=status, limit=limit, **updated), include=include
        )
    account_type = rq.enum("AccountType", [*_ACCOUNT_TYPES, *_ACCOUNT_TYPE_GROUPS])
    if account_type in _ACCOUNT_TYPE_GROUPS:
        raise QbxmlStatusError(unsupported_enum_value("AccountType", account_type or ""))
    query = ListQuery(
        obj.kind,
        names=names,
        status=status,
        account_type=_ACCOUNT_TYPES.get(account_type or ""),
        limit=limit,
        **updated,
    )
    return ListQueryRequest(query, include=include)


def _name_filter(rq: _Element) -> NameFilter:
    match = rq.child(
        "NameFilter", {"MatchCriterion": False, "Name": False}, required=("MatchCriterion", "Name")
    )
    if match is not None:
        criterion, name = match.enum("MatchCriterion", _MATCH_CRITERIA), match.text("Name")
        key = {"StartsWith": "starts_with", "Contains": "contains", "EndsWith": "ends_with"}[criterion or ""]
        return NameFilter(**{key: name})
    ranged = rq.child("NameRangeFilter", {"FromName": False, "ToName": False})
    if ranged is not None:
        return NameFilter(from_=ranged.text("FromName"), to=ranged.text("ToName"))
    return NameFilter()


def same_id(requested: str, rendered: str) -> bool:
    """Whether an ID names this object: its key finds the row, and its created part must match too."""
    return requested.upper() == rendered.upper()
