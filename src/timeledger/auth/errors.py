"""Why a caller was not let in. Codes are stable; each dialect renders them its own way."""

from __future__ import annotations

import math
from datetime import datetime


class AuthError(Exception):
    """``code``: ``invalid_api_key``, ``missing_end_user``, ``unknown_end_user``, ``connection_not_set_up``,
    ``invalid_publishable_key``, ``invalid_login``, ``login_throttled`` (LoginThrottledError)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class LoginThrottledError(AuthError):
    """Too many failed sign-ins lately: no password is checked until ``retry_after_seconds`` pass.

    ``what`` says whose failures: ``"with this email"`` or ``"through this app"``.
    """

    def __init__(self, what: str, until: datetime, now: datetime) -> None:
        self.retry_after_seconds = max(1, math.ceil((until - now).total_seconds()))
        minutes = math.ceil(self.retry_after_seconds / 60)
        wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
        super().__init__(
            "login_throttled",
            f"Too many failed sign-ins {what}. Try again in {wait} (after {until:%H:%M} UTC).",
        )
        self.until = until
