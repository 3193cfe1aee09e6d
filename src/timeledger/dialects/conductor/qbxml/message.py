"""The qbXML message as JSON: the body's requests, each request's response and the body of them all,
the reader that checks an element against qbXML's schema, and its values and references."""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from timeledger.dialects.conductor.errors import ConductorError, invalid_request
from timeledger.dialects.conductor.ids import parse_list_id, parse_txn_id, render_list_id
from timeledger.dialects.conductor.qbxml.statuses import (
    INVALID_DATE_RANGE,
    NO_MATCH,
    OK,
    QbxmlStatusError,
    Status,
    conversion_status,
    invalid_id,
    not_all_found,
    parse_error,
    unsupported_field,
)
from timeledger.dialects.conductor.wire.values import parse_date, parse_duration, parse_query_time
from timeledger.dialects.scaffold.errors import RequestError
from timeledger.ledger.records import Ref
from timeledger.ledger.values import ListKind

INTEGRATION_SLUG = "quickbooks_desktop"
# A request element's name: qbXML's are letters and digits, ending in Rq (``CustomerQueryRq``).
REQUEST_NAME_PATTERN = r"^[A-Za-z][A-Za-z0-9]*Rq$"
_REQUEST_NAME = re.compile(REQUEST_NAME_PATTERN)
# qbXML's limit on a requestID (status 1060).
MAX_REQUEST_ID = 50
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


def check_request_id(request: QbxmlRequest) -> None:
    """qbXML's limit on a ``requestID`` (status 1060)."""
    if request.request_id is not None and len(request.request_id) > MAX_REQUEST_ID:
        raise QbxmlStatusError(
            Status(
                1060,
                "Error",
                f'The request ID "{request.request_id}" is invalid, possibly too long, '
                f"max {MAX_REQUEST_ID} chars.",
            )
        )


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


# The attributes a query request may carry.
QUERY_ATTRIBUTES = ("requestID", "metaData", "iterator", "iteratorID")


def check_query_attributes(rq: Element) -> None:
    """A query's paging and metadata attributes, which timeledger does not answer (530)."""
    for name in ("metaData", "iterator", "iteratorID"):
        if name in rq.attributes:
            raise QbxmlStatusError(unsupported_field(name))


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
    raise parse_error(f'"{path}" must hold a value, not an element or a list.')


class Element:
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
    ) -> Element | None:
        items = self.values.get(name)
        return None if items is None else Element(items[0], f"{self.path}.{name}", children, (), required)

    def enum(self, name: str, values: Collection[str]) -> str | None:
        """An enumerated value: one qbXML does not list breaks the schema."""
        text = self.text(name)
        if text is not None and text not in values:
            raise parse_error(f'"{self.path}.{name}" has no value "{text[:60]}".')
        return text


# --- values ---------------------------------------------------------------------------------------
# Each ``read_*`` turns a qbXML value into the ledger's, or refuses it as QuickBooks does.


def read_list_id(text: str, name: str) -> int:
    try:
        return parse_list_id(text, name)
    except ConductorError:
        raise QbxmlStatusError(invalid_id(text, name)) from None


def read_txn_id(text: str, name: str) -> int:
    try:
        return parse_txn_id(text, name)
    except ConductorError:
        raise QbxmlStatusError(invalid_id(text, name)) from None


def same_id(requested: str, rendered: str) -> bool:
    """Whether an ID names this object: its key finds the row, and its created part must match too."""
    return requested.upper() == rendered.upper()


def read_date(text: str, name: str) -> date:
    try:
        return parse_date(text, name)
    except RequestError:
        raise QbxmlStatusError(conversion_status(3020, "date value", text, name)) from None


def _moment(text: str, name: str, *, end: bool) -> datetime:
    """A DATETIMETYPE filter bound: a date (that whole day), a date-time, or one with an offset."""
    try:
        return parse_query_time(text, name, end=end)
    except RequestError:
        raise QbxmlStatusError(conversion_status(3020, "date value", text, name)) from None


def read_duration(text: str, name: str) -> int:
    try:
        return parse_duration(text, name)
    except (ConductorError, RequestError):
        raise QbxmlStatusError(conversion_status(3035, "time interval", text, name)) from None


def read_flag(text: str, name: str) -> bool:
    if text in ("true", "false"):
        return text == "true"
    raise QbxmlStatusError(conversion_status(3010, "boolean value", text, name))


def read_count(element: Element, name: str) -> int | None:
    """``MaxReturned``: a positive integer (qbXML's INTTYPE; anything else breaks the schema)."""
    text = element.text(name)
    if text is None:
        return None
    if not re.fullmatch(r"[0-9]{1,9}", text) or int(text) < 1:
        raise parse_error(f'"{element.path}.{name}" must be a positive whole number, not "{text[:40]}".')
    return int(text)


def read_string(text: str, name: str, limit: int) -> str:
    if len(text) > limit:
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise QbxmlStatusError(
            Status(3070, "Error", f'The string "{shown}" in the field "{name}" is too long.')
        )
    return text


def check_date_range(low: Any, high: Any) -> None:
    if low is not None and high is not None and low > high:
        raise QbxmlStatusError(INVALID_DATE_RANGE)


def read_modified_range(element: Element) -> dict[str, datetime | None]:
    """``FromModifiedDate`` and ``ToModifiedDate`` as the ledger query's ``updated_after`` and
    ``updated_before``."""
    low, high = element.text("FromModifiedDate"), element.text("ToModifiedDate")
    after = None if low is None else _moment(low, "FromModifiedDate", end=False)
    before = None if high is None else _moment(high, "ToModifiedDate", end=True)
    check_date_range(after, before)
    return {"updated_after": after, "updated_before": before}


# --- references -----------------------------------------------------------------------------------

_REF = {"ListID": False, "FullName": False}


@dataclass(frozen=True, slots=True)
class RefSpec:
    """A reference as sent: by ``ListID`` (``key``) or by ``FullName`` in one of ``kinds``. As in
    QuickBooks, a ListID wins over a FullName sent beside it."""

    kinds: tuple[ListKind, ...]
    key: int | None
    full_name: str | None


def read_ref(element: Element, name: str, kinds: tuple[ListKind, ...]) -> tuple[RefSpec, str] | None:
    ref = element.child(name, _REF)
    if ref is None:
        return None
    list_id, full_name = ref.text("ListID"), ref.text("FullName")
    if list_id is not None:
        return RefSpec(kinds, read_list_id(list_id, "ListID"), full_name), list_id
    if full_name is not None:
        return RefSpec(kinds, None, full_name), full_name
    raise parse_error(f'"{ref.path}" needs a "ListID" or a "FullName".')


def render_ref(ref: Ref | None) -> dict[str, str] | None:
    return (
        None
        if ref is None
        else {"ListID": render_list_id(ref.key, ref.created_at), "FullName": ref.full_name}
    )
