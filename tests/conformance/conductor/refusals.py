"""What a QuickBooks refusal looks like through conductor-py, checked one way in every test."""

from __future__ import annotations

from typing import Any

import conductor
import pytest


def qbd_refusal(excinfo: pytest.ExceptionInfo[conductor.APIStatusError]) -> dict[str, Any]:
    """QuickBooks' refusals come back as Conductor sends them: 502, never to be retried."""
    error = excinfo.value
    assert error.status_code == 502
    assert error.response.headers["x-should-retry"] == "false"
    body = error.body["error"]  # type: ignore[index]
    assert body["type"] == "INTEGRATION_ERROR" and body["code"] == "QBD_REQUEST_ERROR"
    return body


def qbd_code(excinfo: pytest.ExceptionInfo[conductor.APIStatusError]) -> str | None:
    """The QuickBooks status code of a refusal (3200 stale revision, 3100 duplicate name, ...)."""
    return qbd_refusal(excinfo).get("integrationCode")
