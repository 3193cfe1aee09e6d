"""Conductor's request schemas enforced, and its response objects rendered with every key.

Conductor's request schemas are closed (`additionalProperties: false`) and exactly typed, so a body
or query string that breaks them is a 400 before QuickBooks would see it. Its responses always
carry every key, `null` for an undefined value and `[]` for an empty list (Conductor's docs,
"QuickBooks Desktop API v2"). Both rules read `schema.py`, generated from the conductor-py SDK.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any, Literal, NotRequired, TypedDict

from timeledger.dialects.conductor.errors import invalid_request
from timeledger.dialects.conductor.wire.schema import REQUESTS, RESPONSES
from timeledger.dialects.scaffold.values import INT64_MAX

WireType = Literal["str", "bool", "int", "float", "date", "object", "array"]


class Field(TypedDict):
    """A request body field or query parameter in `schema.REQUESTS`, keyed by its wire name.

    `int` and `float` are both JSON numbers; they follow the SDK's annotation. A `date` is a
    `YYYY-MM-DD` string. Absent keys mean: not required, no length limit, any value.
    """

    type: WireType
    required: NotRequired[Literal[True]]
    max_length: NotRequired[int]  # characters, from the SDK's "Maximum length: N characters."
    enum: NotRequired[tuple[str, ...]]
    fields: NotRequired[dict[str, Field]]  # type "object"
    items: NotRequired[Field]  # type "array"


class Shape(TypedDict):
    """A response key in `schema.RESPONSES`. Absent `nullable` means never `null`."""

    type: WireType
    nullable: NotRequired[Literal[True]]
    enum: NotRequired[tuple[str, ...]]  # one value: a constant such as `objectType`
    fields: NotRequired[dict[str, Shape]]  # type "object"
    items: NotRequired[Shape]  # type "array"


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Bounded like the scaffold's parsers: 19 digits hold any 64-bit integer; an exponent of three
# digits keeps a float finite or near it, and infinities are refused after.
_INTEGER = re.compile(r"-?[0-9]{1,19}")
_DECIMAL = re.compile(r"-?(?:[0-9]{1,30}(?:\.[0-9]{0,30})?|\.[0-9]{1,30})(?:[eE][-+]?[0-9]{1,3})?")


def validate_body(operation: str, body: object) -> dict[str, Any]:
    """Refuse a JSON body `operation`'s schema would refuse; return it unchanged (dates stay strings).

    No coercion: `"true"` is not a boolean and `1` is not a string, as in Conductor's schemas.
    The first problem found is raised as Conductor's 400 with the field's path as the caller wrote it.
    """
    if not isinstance(body, dict):
        raise invalid_request("Invalid request body: Expected a JSON object.")
    _check_object(REQUESTS[operation], body, "")
    return body


def _check_object(fields: dict[str, Field], value: dict[Any, Any], prefix: str) -> None:
    # Unknown keys first: a misspelt optional field would otherwise pass silently as "missing".
    unknown = [key for key in value if key not in fields]
    if unknown:
        raise invalid_request(_unrecognized(unknown, prefix.removesuffix(".")))
    for key, field in fields.items():
        if field.get("required") and key not in value:
            raise invalid_request(f'Invalid request body: Missing required field "{prefix}{key}".')
    for key, item in value.items():
        _check_value(fields[key], item, f"{prefix}{key}")


_NAMED_KEYS = 10


def _unrecognized(keys: list[str], where: str) -> str:
    """Production's words: ``Unrecognized keys: "Line1", "Line9" at "billingAddress"``. A body of
    a million stray keys names the first few, each cut short, so the message stays small."""
    named = ", ".join(f'"{key[:80]}"' for key in keys[:_NAMED_KEYS])
    if len(keys) > _NAMED_KEYS:
        named += f", ... ({len(keys) - _NAMED_KEYS} more)"
    return f'Unrecognized keys: {named} at "{where}"' if where else f"Unrecognized keys: {named}"


def _check_value(field: Field, value: object, path: str) -> None:
    kind = field["type"]
    if kind == "object":
        if not isinstance(value, dict):
            raise invalid_request(f'Invalid request body: "{path}" must be an object.')
        _check_object(field["fields"], value, f"{path}.")
    elif kind == "array":
        if not isinstance(value, list):
            raise invalid_request(f'Invalid request body: "{path}" must be an array.')
        for index, item in enumerate(value):
            _check_value(field["items"], item, f"{path}[{index}]")
    else:
        problem = _body_scalar_problem(kind, value) or _value_problem(field, value)
        if problem:
            raise invalid_request(f'Invalid request body: "{path}" {problem}.')


def _body_scalar_problem(kind: str, value: object) -> str | None:
    # bool is an int in Python; JSON keeps them apart, so check it first.
    if kind == "bool":
        return None if isinstance(value, bool) else "must be a boolean"
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return "must be an integer"
        return None if abs(value) <= INT64_MAX else f"must be between {-INT64_MAX} and {INT64_MAX}"
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return "must be a number"
        return None
    if not isinstance(value, str):
        return "must be a string" if kind == "str" else "must be a date in YYYY-MM-DD format"
    if kind == "date" and _parse_date(value) is None:
        return "must be a date in YYYY-MM-DD format"
    return None


def _value_problem(field: Field, value: object) -> str | None:
    """Enum and length rules, shared by bodies and query strings once the type is right."""
    enum = field.get("enum")
    if enum is not None and value not in enum:
        return f"must be one of: {', '.join(enum)}"
    limit = field.get("max_length")
    # len() counts code points, which is how Conductor (and QuickBooks) count characters.
    if limit is not None and isinstance(value, str) and len(value) > limit:
        return f"must be at most {limit} characters"
    return None


def _parse_date(text: str) -> datetime.date | None:
    # fromisoformat alone also takes "20240101" and week dates; the API takes YYYY-MM-DD only.
    if not _DATE.fullmatch(text):
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return None


def validate_query(operation: str, params: list[tuple[str, str]]) -> dict[str, Any]:
    """Parse a query string's pairs by `operation`'s schema: wire name -> typed value.

    Array parameters arrive repeated (`ids=a&ids=b`, the SDK's format) and always come back as a
    list; any other parameter given twice is refused. Numbers become `int` or `float` as the SDK
    types them, booleans come only from `true`/`false`; dates are checked but stay strings, as in
    `validate_body`.
    """
    fields = REQUESTS[operation]
    parsed: dict[str, Any] = {}
    for name, raw in params:
        field = fields.get(name)
        if field is None:
            raise invalid_request(f'Unknown query parameter "{name}".')
        if field["type"] == "array":
            parsed.setdefault(name, []).append(_parse_query_value(field["items"], name, raw))
        elif name in parsed:
            raise invalid_request(f'Query parameter "{name}" must be given at most once.')
        else:
            parsed[name] = _parse_query_value(field, name, raw)
    for name, field in fields.items():
        if field.get("required") and name not in parsed:
            raise invalid_request(f'Missing required query parameter "{name}".')
    return parsed


def _parse_query_value(field: Field, name: str, raw: str) -> Any:
    kind = field["type"]
    value: Any = raw
    problem: str | None = None
    if kind == "bool":
        value = {"true": True, "false": False}.get(raw)
        problem = "must be true or false" if value is None else None
    elif kind == "int":
        value = int(raw) if _INTEGER.fullmatch(raw) else None
        problem = "must be an integer" if value is None or abs(value) > INT64_MAX else None
    elif kind == "float":
        value = float(raw) if _DECIMAL.fullmatch(raw) else None
        problem = "must be a number" if value is None or not math.isfinite(value) else None
    elif kind == "date":
        problem = "must be a date in YYYY-MM-DD format" if _parse_date(raw) is None else None
    elif kind != "str":
        raise TypeError(f"query parameter {name!r} has type {kind!r}, which a query string cannot carry")
    problem = problem or _value_problem(field, value)
    if problem:
        raise invalid_request(f'Query parameter "{name}" {problem}.')
    return value


# A render plan: for each key of a shape, in order, how to fill it. Built once at import so
# render() does one dict lookup per key and no schema inspection.
_REQUIRED, _NULLABLE, _LIST, _CONSTANT = range(4)
_Entry = tuple[str, int, Any, "_Plan | None"]  # key, mode, default, plan of nested objects
_Plan = tuple[str, tuple[_Entry, ...]]  # label for error messages, entries
_MISSING = object()


def _plan(fields: dict[str, Shape], label: str) -> _Plan:
    entries: list[_Entry] = []
    for key, shape in fields.items():
        default: Any = None
        if shape["type"] == "array":
            # Even a nullable list (a customer's alternateShippingAddresses) defaults to []: null
            # there means "not fetched", which the caller must say explicitly.
            mode, shape = _LIST, shape["items"]
        elif shape.get("nullable"):
            mode = _NULLABLE
        elif len(shape.get("enum", ())) == 1:
            # A constant such as objectType has only one correct value; fill it rather than fail.
            mode, default = _CONSTANT, shape["enum"][0]
        else:
            mode = _REQUIRED
        nested = _plan(shape["fields"], f"{label}.{key}") if shape["type"] == "object" else None
        entries.append((key, mode, default, nested))
    return label, tuple(entries)


_PLANS: dict[str, _Plan] = {name: _plan(fields, name) for name, fields in RESPONSES.items()}


def render(object_type: str, values: dict[str, Any]) -> dict[str, Any]:
    """`values` as a response object with every key of `RESPONSES[object_type]`, in schema order.

    Missing keys become `null` (nullable), `[]` (lists) or their constant (`objectType`); keys the
    schema lacks are dropped. A missing non-nullable key raises KeyError: a bug, not a user error.
    """
    return _fill(_PLANS[object_type], values)


def _fill(plan: _Plan, values: dict[str, Any]) -> dict[str, Any]:
    label, entries = plan
    out: dict[str, Any] = {}
    for key, mode, default, nested in entries:
        value = values.get(key, _MISSING)
        if value is _MISSING:
            if mode == _REQUIRED:
                raise KeyError(f"{label}.{key}")
            value = [] if mode == _LIST else default
        elif nested is not None and value is not None:
            value = [_fill(nested, item) for item in value] if mode == _LIST else _fill(nested, value)
        out[key] = value
    return out
