"""``KIND:FILE`` endpoints: a JSON file shaped like that service's block of ``timeledger demo``'s
output (or the whole output, the block then taken from it), opened as that service's connector."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from timeledger.connectors.entries import KINDS, Connector, ConnectorError

if TYPE_CHECKING:
    from timeledger.connectors.polite import Polite

# kind -> (connector module, the block of a demo's output that holds its credentials)
CONNECTORS = {
    "quickbooks-desktop": ("timeledger.connectors.conductor", "conductor"),
    "quickbooks-time": ("timeledger.connectors.quickbooks_time_sync", "quickbooks_time"),
    "freshbooks": ("timeledger.connectors.freshbooks", "freshbooks"),
}
assert set(CONNECTORS) == set(KINDS)


def parse_endpoint(text: str) -> tuple[str, Path]:
    """``KIND:FILE`` -> (kind, path); ValueError naming the kinds when it is not one."""
    kind, colon, file = text.partition(":")
    if not colon or not file:
        raise ValueError(f"{text!r} is not KIND:FILE (KIND one of {', '.join(KINDS)})")
    if kind not in CONNECTORS:
        raise ValueError(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    return kind, Path(file)


def read_block(kind: str, path: Path) -> dict[str, Any]:
    """The credentials block in ``path``; ConnectorError when the file cannot serve as one."""
    try:
        data = json.loads(path.read_text())
    except OSError as error:
        raise ConnectorError(f"cannot read {path}: {error.strerror}") from None
    except ValueError:
        raise ConnectorError(f"{path} is not JSON") from None
    block_name = CONNECTORS[kind][1]
    if isinstance(data, dict) and isinstance(data.get(block_name), dict):
        return data[block_name]
    if not isinstance(data, dict):
        raise ConnectorError(f"{path} holds no JSON object")
    return data


def open_endpoint(kind: str, path: Path, polite: Polite) -> Connector:
    module = importlib.import_module(CONNECTORS[kind][0])
    connector: Connector = module.open_connector(read_block(kind, path), polite, path)
    return connector
