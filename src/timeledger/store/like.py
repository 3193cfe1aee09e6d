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


def wildcard_prefix(text: str) -> str:
    """QuickBooks Time's name filters: a prefix in which ``*`` stands for any run of characters."""
    return "%".join(like_escape(part) for part in text.split("*")) + "%"
