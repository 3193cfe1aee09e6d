"""Why a caller was not let in. Codes are stable; each dialect renders them its own way."""

from __future__ import annotations


class AuthError(Exception):
    """``code``: ``invalid_api_key``, ``missing_end_user``, ``unknown_end_user``, ``connection_not_set_up``,
    ``invalid_publishable_key``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
