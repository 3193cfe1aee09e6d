"""Every ledger error code has a deliberate rendering in every dialect: none falls through to a 500."""

from __future__ import annotations

import pytest

from timeledger.dialects.conductor.errors import from_ledger
from timeledger.ledger.errors import ERROR_CODES, LedgerError


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_conductor_maps_every_ledger_error_code(code: str) -> None:
    error = from_ledger(LedgerError("refused", code=code))
    assert error.status < 500 or error.type == "INTEGRATION_ERROR"
    assert error.type != "INTERNAL_ERROR"
