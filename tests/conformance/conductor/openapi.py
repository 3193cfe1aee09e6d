"""The OpenAPI document Conductor's dialect publishes, as the generated-input tests read it: the
parameter names and body fields of each operation, so generated requests use Conductor's own names
(with junk values).

Built in-process by the generator the server runs (``wire/openapi.py``), so it is the document
``GET /v1/openapi.json`` serves; ``test_openapi.py`` checks that the two are the same bytes.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from tests.conformance.generated_inputs import Field, FieldTree, Kind
from timeledger.dialects.conductor import routes as conductor_routes
from timeledger.dialects.conductor.wire import openapi

_DECIMAL_NAME = re.compile(r"amount|rate|price|balance|limit|cost|markup|percent|quantity", re.IGNORECASE)
_MOMENT_NAME = re.compile(r"After$|Before$")


@cache
def document() -> dict[str, Any]:
    return openapi.build(conductor_routes.routes())


def operation(method: str, path: str) -> dict[str, Any] | None:
    """The operation at ``path`` as the spec writes it (no ``/v1``), or None if it has none."""
    return document()["paths"].get(path, {}).get(method.lower())


def query_parameters(method: str, path: str) -> dict[str, Kind]:
    found = operation(method, path) or {}
    parameters = [_resolve(p) for p in found.get("parameters", [])]
    return {p["name"]: _kind(p["name"], p["schema"]) for p in parameters if p["in"] == "query"}


def body_fields(method: str, path: str) -> FieldTree:
    """The request body's fields: each one's kind, or its own tree for an object or list of objects."""
    found = operation(method, path) or {}
    schema = found.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    tree = _tree(schema, depth=0) if schema else None
    return tree if isinstance(tree, dict) else {}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    """A schema or parameter, its ``$ref`` (``#/components/<kind>/<name>``) followed."""
    while "$ref" in node:
        _, kind, name = node["$ref"].removeprefix("#/").split("/")
        node = document()["components"][kind][name]
    return node


def _tree(schema: dict[str, Any], depth: int) -> dict[str, Field] | None:
    schema = _resolve(schema)
    if schema.get("type") == "array" and "items" in schema:
        return _tree(schema["items"], depth)
    if depth > 3 or not (schema.get("properties") or schema.get("allOf") or schema.get("anyOf")):
        return None
    tree: dict[str, Field] = {}
    for alternative in schema.get("allOf", []) + schema.get("anyOf", []) + schema.get("oneOf", []):
        tree.update(_tree(alternative, depth) or {})
    required = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        tree[name] = Field(_tree(sub, depth + 1) or _kind(name, sub), required=name in required)
    return tree


def _kind(name: str, schema: dict[str, Any]) -> Kind:
    """What a scalar (or list of scalars) holds, from its type and format, else from its name."""
    schema = _resolve(schema)
    if schema.get("type") == "array":
        item = _kind(name, schema.get("items", {}))
        return item if isinstance(item, tuple) else f"{item}[]"
    if schema.get("enum"):
        return tuple(str(v) for v in schema["enum"])
    kind = {"boolean": "bool", "integer": "integer", "number": "number"}.get(schema.get("type", ""))
    if kind:
        return kind
    if schema.get("format") == "date":
        return "date"
    if schema.get("format") == "uuid":
        return "uuid"
    if name.endswith(("Id", "Ids")) or name in ("ids", "publishableKey"):
        return "id"
    if name == "duration":
        return "duration"
    if _MOMENT_NAME.search(name):
        return "moment"
    if _DECIMAL_NAME.search(name):
        return "decimal"
    return "text"
