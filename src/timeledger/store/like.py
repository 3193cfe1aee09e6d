"""LIKE patterns from user text: ``%`` and ``_`` in a search string match themselves."""

from __future__ import annotations

ESCAPE = "\\"


def like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(text: str) -> str:
    return "%" + like_escape(text) + "%"


def starts_with(text: str) -> str:
    return like_escape(text) + "%"


def ends_with(text: str) -> str:
    return "%" + like_escape(text)
