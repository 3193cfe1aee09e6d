"""Every ledger error code has a deliberate rendering in every dialect: none falls through to a 500."""

from __future__ import annotations

import pytest

from timeledger.dialects.conductor.errors import from_ledger as conductor_error
from timeledger.dialects.freshbooks.errors import from_ledger as freshbooks_error
from timeledger.ledger.errors import ERROR_CODES, LedgerError


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_conductor_maps_every_ledger_error_code(code: str) -> None:
    error = conductor_error(LedgerError("refused", code=code, field="customer"))
    assert error.type in {"INVALID_REQUEST_ERROR", "INTEGRATION_ERROR"}
    assert error.status < 500 or error.type == "INTEGRATION_ERROR"


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_freshbooks_maps_every_ledger_error_code(code: str) -> None:
    error = freshbooks_error(LedgerError("refused", code=code, field="customer"))
    assert 400 <= error.status < 500
