"""Every ledger error code has a FreshBooks answer other than a 500."""

from __future__ import annotations

import pytest

from timeledger.dialects.freshbooks.errors import from_ledger
from timeledger.ledger.errors import ERROR_CODES, LedgerError


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_freshbooks_maps_every_ledger_error_code(code: str) -> None:
    error = from_ledger(LedgerError("refused", code=code, field="customer"))
    assert 400 <= error.status < 500
