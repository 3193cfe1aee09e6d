"""Schemathesis over every operation in the OpenAPI document the real server publishes at
``/v1/openapi.json`` (``wire/openapi.py``), which names exactly the operations it serves.

Each operation gets a few requests generated from that document: schema-valid ones and
(schemathesis' negative mode) schema-breaking ones. Every answer must be no server error, a status
the document declares, a body that matches the schema it declares for that status (the object
for a 200, Conductor's error body for a refusal), with the headers and content type it declares;
``conductor_error_body`` also checks that an error's status and request id match its headers.
Paths with ``{id}`` name real objects of a company made for this module half the time
(``sample_books.py``), so retrieves, updates and deletes reach the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conformance.conductor import openapi
from tests.conformance.conductor.error_bodies import error_body_problems, server_error
from tests.conformance.conductor.sample_books import SampleBooks, seed_books
from tests.servers import Server

# Schemathesis' fuzzing, in both its modes. Its coverage phase is left out: it walks every boundary
# of every field of these wide schemas, some 8,000 requests (about 95 s) when it was measured over
# 52 operations.
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)

# The operations, for the tests' names: the in-process build of the document the server publishes
# (``test_openapi.py`` checks that they are the same bytes). Each test then reads its operation
# from the published document, so an operation missing there fails here.
OPERATIONS = [(method.upper(), path) for path, item in openapi.document()["paths"].items() for method in item]


@pytest.fixture(scope="module")
def published(server: Server) -> schemathesis.BaseSchema:
    """The document as the server publishes it, loaded as a user's schemathesis run loads it.

    ``schemathesis.pytest.from_fixture`` would take this fixture, but it cannot run on pytest 9 (it
    sets ``Function._nodeid``, which pytest 9 no longer has), so each operation is a test of its own
    below, drawing cases from that operation's strategy."""
    return schemathesis.openapi.from_url(f"{server.base_url}/v1/openapi.json", timeout=30)


_strategies: dict[tuple[int, str, str], st.SearchStrategy[schemathesis.Case]] = {}


def cases(published: schemathesis.BaseSchema, method: str, path: str) -> st.SearchStrategy[schemathesis.Case]:
    """Schema-valid and schema-breaking cases of one operation, built once per loaded document."""
    key = (id(published), method, path)
    if key not in _strategies:
        operation = published[path][method]
        _strategies[key] = st.one_of([operation.as_strategy(generation_mode=mode) for mode in MODES])
    return _strategies[key]


@pytest.fixture(scope="module")
def books(server: Server, demo: dict[str, Any]) -> SampleBooks:
    return seed_books(server, demo)


def with_real_values(
    data: st.DataObject, case: schemathesis.Case, books: SampleBooks, publishable_key: str
) -> None:
    """Half the generated ids become real ones, and half the auth sessions name the real publishable
    key and a real end user, so requests get past the parsers to the ledger."""
    real = books.real_ids(case.method, case.path)
    if isinstance((case.path_parameters or {}).get("id"), str) and real and data.draw(st.booleans()):
        case.path_parameters["id"] = data.draw(st.sampled_from(real), label="real id")
    if case.path == "/auth-sessions" and isinstance(case.body, dict) and data.draw(st.booleans()):
        case.body["publishableKey"] = publishable_key
        case.body["endUserId"] = data.draw(st.sampled_from(books.spare_end_users), label="end user")


def checks_for(server: Server, mark: int) -> list[Callable[..., None]]:
    """The checks for one call; ``mark`` is where the server's log stood before it was sent."""

    def no_server_error(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
        """Any 5xx but Conductor's 502 for a QuickBooks refusal (``error_bodies.py``)."""
        problem = server_error(response.status_code, response.content)
        assert problem is None, f"server error: {problem}\n{server.log_after(mark)}"

    def conductor_error_body(ctx: Any, response: schemathesis.Response, case: schemathesis.Case) -> None:
        problems = error_body_problems(response.status_code, response.headers, response.content)
        assert not problems, "; ".join(problems)

    return [
        no_server_error,
        status_code_conformance,
        response_schema_conformance,
        response_headers_conformance,
        content_type_conformance,
        conductor_error_body,
    ]


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
@settings(
    max_examples=6,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate, Phase.shrink],
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
def test_conductor_operation(
    method: str,
    path: str,
    data: st.DataObject,
    published: schemathesis.BaseSchema,
    server: Server,
    demo: dict[str, Any],
    books: SampleBooks,
) -> None:
    case = data.draw(cases(published, method, path), label="case")
    with_real_values(data, case, books, demo["conductor"]["publishable_key"])
    headers = {"Authorization": f"Bearer {demo['conductor']['api_key']}"}
    if case.path.startswith("/quickbooks-desktop/"):
        headers["Conductor-End-User-Id"] = books.end_user_id
    checks = checks_for(server, server.log_mark())
    case.call_and_validate(base_url=f"{server.base_url}/v1", headers=headers, checks=checks, timeout=30)
