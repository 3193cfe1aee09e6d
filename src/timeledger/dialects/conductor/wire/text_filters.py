"""Conductor's text filters (``nameContains``... ``nameTo``, ``refNumberContains``... ``refNumberTo``):
one shape for every list, so one check of how they may be combined (reference §3)."""

from __future__ import annotations

from typing import Any

from timeledger.dialects.conductor.errors import invalid_request
from timeledger.ledger.queries import NameFilter


def parse_text_filter(fields: dict[str, Any], prefix: str) -> NameFilter:
    """At most one of ``<prefix>Contains/StartsWith/EndsWith``, and none of them with a
    ``<prefix>From``/``<prefix>To`` range."""
    substring = [f"{prefix}{s}" for s in ("Contains", "StartsWith", "EndsWith") if f"{prefix}{s}" in fields]
    if len(substring) > 1:
        raise invalid_request(f"Use only one of {prefix}Contains, {prefix}StartsWith and {prefix}EndsWith.")
    ranged = [f"{prefix}{s}" for s in ("From", "To") if f"{prefix}{s}" in fields]
    if substring and ranged:
        raise invalid_request(f'"{substring[0]}" cannot be combined with "{ranged[0]}".')
    return NameFilter(
        contains=fields.get(f"{prefix}Contains"),
        starts_with=fields.get(f"{prefix}StartsWith"),
        ends_with=fields.get(f"{prefix}EndsWith"),
        from_=fields.get(f"{prefix}From"),
        to=fields.get(f"{prefix}To"),
    )
