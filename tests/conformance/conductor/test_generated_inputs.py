"""Generated requests to every Conductor route: hostile path ids, query strings and bodies (see
``tests/conformance/generated_inputs.py``), sent to the real server as a careless or malicious
client would. The answer is never a server error (any 5xx but the 502 with which Conductor reports
a QuickBooks refusal), and every error body is Conductor's own (``error_bodies.py``).

Parameter and body field names, and what each holds, come from Conductor's OpenAPI document
(``openapi.py``). Ids, in paths and in reference fields, are often real objects of a company made
for this module (``sample_books.py``), so requests get past the parsers to the ledger.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.routing import Route

from tests.conformance.conductor import openapi
from tests.conformance.conductor.error_bodies import error_body_problems, server_error
from tests.conformance.conductor.sample_books import SampleBooks, seed_books
from tests.conformance.generated_inputs import (
    CONTENT_TYPES,
    GeneratedRequest,
    bounded,
    fill_path,
    json_bodies,
    mostly,
    path_ids,
    query_strings,
)
from tests.servers import Server
from timeledger.dialects.conductor import routes as conductor_routes

# Every route Conductor's dialect serves, /connect/qbd/{client_secret} (the setup page) too.
ROUTES = sorted(
    {
        (method, route.path)
        for route in conductor_routes.routes()
        if isinstance(route, Route)
        for method in (route.methods or set()) - {"HEAD"}
    }
)

# Printable ASCII without spaces: a header value any HTTP client sends as it is.
header_junk = st.text(string.ascii_letters + string.digits + string.punctuation, min_size=1, max_size=40)


@pytest.fixture(scope="module")
def books(server: Server, demo: dict[str, Any]) -> SampleBooks:
    return seed_books(server, demo)


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        yield client


_strategies: dict[tuple[str, str, str], st.SearchStrategy[GeneratedRequest]] = {}


def conductor_requests(
    method: str, route: str, books: SampleBooks, credentials: dict[str, str]
) -> st.SearchStrategy[GeneratedRequest]:
    """Requests to one route, built once per route and company (building is most of a draw's cost),
    keyed by the secret key, which no two servers share."""
    key = (method, route, credentials["api_key"])
    if key not in _strategies:
        _strategies[key] = _requests(method, route, books, credentials)
    return _strategies[key]


def _requests(
    method: str, route: str, books: SampleBooks, credentials: dict[str, str]
) -> st.SearchStrategy[GeneratedRequest]:
    spec_path = route.removeprefix("/v1")
    # Any real object may turn up in any reference field: a customer where an employee belongs
    # must be refused as QuickBooks refuses it, not crash.
    refs = [*books.all_ids(), credentials["publishable_key"]]
    real = books.real_ids(method, spec_path) if "{id}" in route else []
    path = st.fixed_dictionaries({name: path_ids(real) for name in re.findall(r"{(\w+)}", route)})
    headers = st.fixed_dictionaries(
        {
            "Authorization": mostly(
                f"Bearer {credentials['api_key']}", header_junk | header_junk.map("Bearer ".__add__)
            ),
            "Conductor-End-User-Id": mostly(books.end_user_id, header_junk),
            "Content-Type": st.sampled_from(CONTENT_TYPES),
        }
    )
    body = json_bodies(openapi.body_fields(method, spec_path), refs) if method == "POST" else st.just(b"")
    return st.builds(
        GeneratedRequest,
        method=st.just(method),
        path=path.map(lambda values: fill_path(route, values)),
        query=query_strings(openapi.query_parameters(method, spec_path), refs),
        headers=headers,
        body=body,
    )


# Hypothesis warns when it describes a failing draw that holds a long string; the long ones are
# the point here.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


@pytest.mark.parametrize(("method", "route"), ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
@bounded(20)
@given(data=st.data())
def test_a_generated_request_gets_an_answer_not_a_server_error(
    method: str,
    route: str,
    data: st.DataObject,
    server: Server,
    http: httpx.Client,
    books: SampleBooks,
    demo: dict[str, Any],
) -> None:
    request = data.draw(conductor_requests(method, route, books, demo["conductor"]), label="request")
    mark = server.log_mark()
    response = request.send(http)
    problem = server_error(response.status_code, response.content)
    assert problem is None, f"server error: {problem}\n{request!r}\n{server.log_after(mark)}"
    # The setup link's page is HTML for a person in a browser; everything under /v1 is the API.
    if route.startswith("/v1/"):
        problems = error_body_problems(response.status_code, response.headers, response.content)
        assert not problems, f"{response.status_code}: {'; '.join(problems)}\n{request!r}"
