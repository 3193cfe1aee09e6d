"""Every ledger error code has a Conductor rendering: a refusal, never an internal error."""

from __future__ import annotations

import pytest

from timeledger.dialects.conductor.errors import from_ledger
from timeledger.ledger.errors import ERROR_CODES, LedgerError


@pytest.mark.parametrize("code", sorted(ERROR_CODES))
def test_every_ledger_code_maps_to_a_conductor_refusal(code: str) -> None:
    error = from_ledger(LedgerError("Refused.", code=code, field="lines[0].account"))
    assert error.type != "INTERNAL_ERROR" and error.status in (400, 404, 502)
    assert "Refused." in error.message


def test_a_qbd_refusal_names_the_field_the_caller_wrote() -> None:
    error = from_ledger(LedgerError("No such currency.", code="unknown_reference", field="currency"))
    assert (error.status, error.code, error.integration_code) == (502, "QBD_REQUEST_ERROR", "3140")
    assert '(field "currencyId")' in error.message
