"""What every FreshBooks error answer must be, for the generated-input tests: JSON in its family's
shape, the one freshbooks-sdk 1.3.0 turns into a message and code (reference §1.6).

- project family (``/timetracking``, ``/projects``, ``/comments``): ``errno`` an integer when
  present, and a message in ``error`` (a non-empty string, or an object of field -> text) or
  else in ``message``; anything else the SDK reports as "Unknown error";
- accounting family (``/accounting``): ``response.errors``, a non-empty list (or one object)
  whose first error has an int-castable ``errno`` (the SDK crashes without one) and a ``message``;
- auth family (``/auth``): ``error`` (a code) and ``error_description``.
"""

from __future__ import annotations

import json
from typing import Any


def family_of(path: str) -> str | None:
    if path.startswith("/accounting/"):
        return "accounting"
    if path.startswith("/auth/"):
        return "auth"
    if path.startswith(("/timetracking/", "/projects/", "/comments/")):
        return "project"
    return None  # the consent pages: HTML for a person, not the API


def error_body_problems(path: str, status: int, content: bytes) -> list[str]:
    """What is wrong with an error answer's body; nothing for a 2xx or 3xx, or a page that is not the API."""
    family = family_of(path)
    if status < 400 or family is None:
        return []
    try:
        body = json.loads(content)
    except ValueError:
        return [f"{status} with a body that is not JSON: {content[:300]!r}"]
    if not isinstance(body, dict):
        return [f"{status} with a JSON body that is not an object: {body!r:.300}"]
    check = {"project": _project_problems, "accounting": _accounting_problems, "auth": _auth_problems}
    return [f"{family} family, {status}: {p}; body {body!r:.300}" for p in check[family](body)]


def _project_problems(body: dict[str, Any]) -> list[str]:
    problems = []
    errno = body.get("errno")
    if errno is not None and (not isinstance(errno, int) or isinstance(errno, bool)):
        problems.append(f"errno is {errno!r}, not an integer")
    error, message = body.get("error"), body.get("message")
    has_error = (isinstance(error, str) and error) or (
        isinstance(error, dict) and error and all(isinstance(v, str) for v in error.values())
    )
    if not has_error and not (isinstance(message, str) and message):
        problems.append("no message in error (a string or an object of strings) nor in message")
    return problems


def _accounting_problems(body: dict[str, Any]) -> list[str]:
    response = body.get("response")
    errors = response.get("errors") if isinstance(response, dict) else None
    first = errors[0] if isinstance(errors, list) and errors else errors
    if not isinstance(first, dict):
        return ["no response.errors[0] object"]
    problems = []
    try:
        int(first.get("errno"))  # type: ignore[arg-type]  # what the SDK does
    except (TypeError, ValueError):
        problems.append(f"errno is {first.get('errno')!r}, which the SDK cannot int()")
    if not isinstance(first.get("message"), str):
        problems.append("no message")
    return problems


def _auth_problems(body: dict[str, Any]) -> list[str]:
    problems = []
    if not (isinstance(body.get("error"), str) and body["error"]):
        problems.append("error is not a non-empty string code")
    if not isinstance(body.get("error_description"), str):
        problems.append("no error_description")
    return problems
