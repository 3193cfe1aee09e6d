"""External ids: the caller's own key for a record, which syncs match on."""

from __future__ import annotations

import uuid

from timeledger.ledger.errors import RuleError


def check_external_id(external_id: str | None) -> None:
    """An external id is a GUID, as QuickBooks requires, so syncs can key on it."""
    if external_id is None:
        return
    try:
        uuid.UUID(external_id)
    except ValueError:
        raise RuleError(
            "invalid_external_id",
            f'The external id "{external_id}" is not a valid GUID.',
            field="external_id",
        ) from None
