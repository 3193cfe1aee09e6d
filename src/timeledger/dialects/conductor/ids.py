"""QuickBooks Desktop identifiers, rendered from our integer keys and parsed back.

List objects: ``hex(0x80000000 + key)-<created, Unix seconds>`` (``80000001-1234567890``).
Transactions and lines: ``hex(key)-<created>`` (``123ABC-1234567890``). A malformed ID is a 400;
a well-formed one that names nothing goes on to the ledger and comes back as not found.
"""

from __future__ import annotations

import re
from datetime import datetime

from timeledger.dialects.conductor.errors import invalid_request, resource_missing
from timeledger.ledger.records import Ref

LIST_ID_BASE = 0x80000000
# ASCII only (``\d`` would take "\u0661"), matched whole (``$`` would let a trailing newline through).
_ID = re.compile(r"([0-9A-Fa-f]{1,15})-([0-9]{1,12})")

# A key no row has: what a well-formed ID below the list base parses to.
NO_KEY = -1


def render_list_id(key: int, created_at: datetime) -> str:
    """A QuickBooks Desktop list ID: hex(base + key), a dash, created (Unix s)."""
    return f"{LIST_ID_BASE + key:X}-{int(created_at.timestamp())}"


def render_txn_id(key: int, created_at: datetime) -> str:
    return f"{key:X}-{int(created_at.timestamp())}"


def render_ref(ref: Ref | None) -> dict[str, str | None] | None:
    if ref is None:
        return None
    return {"id": render_list_id(ref.key, ref.created_at), "fullName": ref.full_name}


def _split(text: str, field: str) -> int:
    match = _ID.fullmatch(text)
    if match is None:
        raise invalid_request(f'"{field}" is not a valid QuickBooks Desktop ID: "{text[:40]}".')
    return int(match.group(1), 16)


def parse_list_id(text: str, field: str) -> int:
    value = _split(text, field)
    return value - LIST_ID_BASE if value > LIST_ID_BASE else NO_KEY


def parse_txn_id(text: str, field: str) -> int:
    return _split(text, field)


def require_same_id(requested: str, actual: str) -> None:
    """The key part of an ID finds the row; the created part must match too, or it names nothing."""
    if actual.upper() != requested.upper():
        raise resource_missing(f'No object with id "{requested}" exists.')
