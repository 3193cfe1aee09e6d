"""Generated requests to every FreshBooks route, and to the OAuth token, revocation and consent
endpoints: hostile path ids, query strings and bodies (``tests/conformance/generated_inputs.py``),
sent to the real server with a real access token. The answer is never a 5xx, and every error body
is in its family's shape (``error_bodies.py``).

The token endpoints also get form, JSON and multipart bodies, some malformed, some with more than
100 fields, a file part or a part over 1 MB. Requests name real objects of a business made for
this module (never the demo's, whose books other tests read), and never send a real token to the
token or revocation endpoint: a rotated refresh token would break later tests.
"""

from __future__ import annotations

import base64
import re
import string
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from starlette.routing import Route

from tests.conformance.freshbooks.conftest import Business
from tests.conformance.freshbooks.error_bodies import error_body_problems
from tests.conformance.generated_inputs import (
    CONTENT_TYPES,
    Field,
    FieldTree,
    GeneratedRequest,
    Kind,
    bounded,
    fill_path,
    json_bodies,
    junk_texts,
    mostly,
    path_ids,
    query_strings,
    to_json,
    usually,
    values_of,
)
from tests.servers import Server
from timeledger.dialects import oauth_consent
from timeledger.dialects.freshbooks import routes as freshbooks_routes

ROUTES = sorted(
    {
        (method, route.path)
        for route in [*freshbooks_routes.routes(), *oauth_consent.routes()]
        if isinstance(route, Route)
        for method in (route.methods or set()) - {"HEAD"}
    }
)

PAGING: dict[str, Kind] = {"page": "integer", "per_page": "integer"}

# Query parameters per list route (reference §2.3, §3, §4, §5), as FreshBooks names them.
QUERIES: dict[str, dict[str, Kind]] = {
    "/timetracking/business/{business_id}/time_entries": {
        **PAGING,
        **dict.fromkeys(["billable", "billed", "team", "include_unlogged", "include_deleted"], "bool"),
        **dict.fromkeys(["client_id", "identity_id", "project_id", "service_id", "task_id"], "id"),
        **dict.fromkeys(["started_from", "started_to", "updated_since"], "moment"),
    },
    "/projects/business/{business_id}/projects": {
        **PAGING,
        **dict.fromkeys(["active", "complete", "include_logged_duration", "skip_group"], "bool"),
        "updated_since": "moment",
        "sort": ("title", "-title", "created_at", "due_date"),
    },
    "/comments/business/{business_id}/services": {**PAGING, "include_task_id": "bool"},
    "/accounting/account/{account_id}/users/clients": {
        **PAGING,
        "search[vis_state]": ("0", "1", "2"),
        "search[email]": "text",
        **{
            f"search[{n}_like]": "text"
            for n in ("organization", "fname", "lname", "note", "phone", "address")
        },
        "search[updated_min]": "date",
        "search[updated_max]": "date",
        "search[userid]": "id",
        "include[]": ("outstanding_balance", "credit_balance", "last_activity"),
        "sort": "text",
    },
    "/auth/oauth/authorize": {},
}


def _fields(required: Collection[str] = (), **kinds: Kind | FieldTree) -> FieldTree:
    return {name: Field(kind, required=name in required) for name, kind in kinds.items()}


# Body fields per envelope (reference §2.2, §3, §4, §5).
TIME_ENTRY = _fields(
    {"started_at"},
    is_logged="bool",
    duration="integer",
    note="text",
    started_at="moment",
    client_id="id",
    project_id="id",
    service_id="id",
    task_id="id",
    identity_id="id",
    billable="bool",
    billed="bool",
    internal="bool",
    retainer_id="id",
    active="bool",
    pending_client="text",
    timer=_fields(id="id", is_running="bool"),
)
PROJECT = _fields(
    {"title", "client_id"},
    title="text",
    description="text",
    due_date="date",
    client_id="id",
    internal="bool",
    budget="integer",
    fixed_price="decimal",
    rate="decimal",
    billing_method=("business_rate", "project_rate", "service_rate", "team_member_rate"),
    project_type=("fixed_price", "hourly_rate"),
    project_manager_id="id",
    active="bool",
    complete="bool",
    retainer_id="id",
    expense_markup="decimal",
)
SERVICE = _fields({"name"}, name="text", billable="bool", project_default="bool", vis_state="integer")
CLIENT = _fields(
    email="text",
    fname="text",
    lname="text",
    organization="text",
    note="text",
    vis_state="integer",
    currency_code="text",
    language="text",
    bus_phone="text",
    mob_phone="text",
    p_street="text",
    p_city="text",
    p_country="text",
    vat_number="text",
    allow_late_fees="bool",
)
ENVELOPES: list[tuple[str, str, FieldTree]] = [
    ("/time_entries", "time_entry", TIME_ENTRY),
    ("/project", "project", PROJECT),
    ("/service", "service", SERVICE),
    ("/clients", "client", CLIENT),
]

# The OAuth parameters, for the token, revocation and consent endpoints.
OAUTH: dict[str, Kind] = {
    "grant_type": ("authorization_code", "refresh_token", "client_credentials", "password", "implicit"),
    "response_type": ("code", "token"),
    "token_type_hint": ("access_token", "refresh_token"),
    "decision": ("approve", "deny"),
    **dict.fromkeys(
        ["code", "redirect_uri", "client_id", "client_secret", "refresh_token", "token", "scope", "state"],
        "text",
    ),
    **dict.fromkeys(["code_verifier", "email", "password"], "text"),
}

header_junk = st.text(
    alphabet=string.ascii_letters + string.digits + string.punctuation, min_size=1, max_size=40
)


@dataclass
class SampleBusiness:
    """A business of its own and the ids of its objects, by the path word that names them."""

    business: Business
    access_token: str
    app: dict[str, Any]
    ids: dict[str, list[int]] = field(default_factory=dict)

    def real_ids(self, route: str) -> list[str]:
        """Real ids for the ``{id}`` of ``route``."""
        for word in ("time_entries", "project", "service", "clients"):
            if f"/{word}/" in route:
                return [str(i) for i in self.ids.get(word, [])]
        return []

    def all_ids(self) -> list[int]:
        """Every id above and the person's: what any reference field may name."""
        return [i for ids in self.ids.values() for i in ids] + [self.business.identity_id]


@pytest.fixture(scope="module")
def sample_business(
    server: Server, new_business: Callable[..., Business], app_credentials: dict[str, Any]
) -> SampleBusiness:
    business = new_business()
    sample = SampleBusiness(business, business.fb.access_token, app_credentials)
    bid, aid = business.business_id, business.account_id
    with httpx.Client(
        base_url=server.base_url, headers={"Authorization": f"Bearer {sample.access_token}"}, timeout=30
    ) as client:

        def create(word: str, path: str, envelope: str, fields: dict[str, Any]) -> int:
            response = client.post(path, json={envelope: fields})
            assert response.status_code == 200, response.text
            body = response.json()
            created = body["response"]["result"][envelope] if "response" in body else body[envelope]
            sample.ids.setdefault(word, []).append(created["id"])
            return created["id"]

        client_id = create(
            "clients", f"/accounting/account/{aid}/users/clients", "client", {"organization": "Acme"}
        )
        create("clients", f"/accounting/account/{aid}/users/clients", "client", {"fname": "Ada"})
        project_id = create(
            "project",
            f"/projects/business/{bid}/project",
            "project",
            {"title": "Website", "client_id": client_id},
        )
        service_id = create("service", f"/comments/business/{bid}/service", "service", {"name": "Design"})
        create("service", f"/comments/business/{bid}/service", "service", {"name": "Research"})
        for hour in (9, 10, 11):
            create(
                "time_entries",
                f"/timetracking/business/{bid}/time_entries",
                "time_entry",
                {
                    "started_at": f"2026-03-02T{hour:02}:00:00Z",
                    "duration": 1800,
                    "is_logged": True,
                    "client_id": client_id,
                    "project_id": project_id,
                    "service_id": service_id,
                    "note": "Generated",
                },
            )
        create(
            "time_entries",
            f"/timetracking/business/{bid}/time_entries",
            "time_entry",
            {"started_at": "2026-03-03T09:00:00Z", "is_logged": False},
        )
    return sample


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        yield client


# --- multipart bodies for the token endpoints --------------------------------------------------------

BOUNDARY = "timeledger-generated"


def multipart(fields: list[tuple[str, str]], *, file_part: bool = False, big_part: bool = False) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields
    ]
    if file_part:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="upload"; filename="a.txt"\r\n'
            "Content-Type: text/plain\r\n\r\nfile contents\r\n".encode()
        )
    if big_part:
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="code"\r\n\r\n'.encode()
            + b"x" * (1024 * 1024 + 1)
            + b"\r\n"
        )
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


MALFORMED_MULTIPART = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a"\r\n\r\nno closing boundary'.encode(),
    f"--{BOUNDARY}\r\nno-colon-header\r\n\r\nx\r\n--{BOUNDARY}--\r\n".encode(),
    f"--{BOUNDARY}\r\nContent-Disposition: form-data\r\n\r\nno name\r\n--{BOUNDARY}--\r\n".encode(),
    b"--another-boundary\r\n\r\n--another-boundary--\r\n",
    b"not multipart at all",
    b"",
)


def oauth_requests(path: str, sample: SampleBusiness) -> st.SearchStrategy[GeneratedRequest]:
    """POSTs to the token or revocation endpoint: the OAuth parameters (the app's real id, secret
    and redirect URI now and then; never a real token), encoded every way clients encode them."""
    real = {
        "client_id": sample.app["client_id"],
        "client_secret": sample.app["client_secret"],
        "redirect_uri": sample.app["redirect_uri"],
    }
    value = {n: usually(values_of(k, as_text=True), junk_texts) for n, k in OAUTH.items()}
    for name, text in real.items():
        value[name] = st.one_of(st.just(text), value[name])
    pair = st.one_of(*[st.tuples(st.just(n), v) for n, v in value.items()], st.tuples(junk_texts, junk_texts))
    pairs = st.lists(pair, max_size=6)
    many = st.integers(101, 150).map(lambda n: [(f"field{i}", "x") for i in range(n)])
    form = pairs.map(lambda p: ("application/x-www-form-urlencoded", urlencode(p).encode()))
    json_body = pairs.map(lambda p: ("application/json", to_json(dict(p))))
    multipart_ok = st.builds(
        lambda p, file_part, big_part: (
            f"multipart/form-data; boundary={BOUNDARY}",
            multipart(p, file_part=file_part, big_part=big_part),
        ),
        st.one_of(pairs, many),
        st.booleans(),
        st.booleans(),
    )
    multipart_bad = st.tuples(
        st.sampled_from(
            [f"multipart/form-data; boundary={BOUNDARY}", "multipart/form-data", "multipart/mixed"]
        ),
        st.sampled_from(MALFORMED_MULTIPART),
    )
    other = st.tuples(st.sampled_from(CONTENT_TYPES), json_bodies({}, ()))
    encoded = st.one_of(form, json_body, multipart_ok, multipart_bad, other)
    basic = st.builds(
        lambda user, secret: "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode(),
        st.one_of(st.just(real["client_id"]), junk_texts),
        st.one_of(st.just(real["client_secret"]), junk_texts),
    )
    authorization = st.one_of(st.none(), basic, header_junk.map("Basic ".__add__), header_junk)

    def oauth_request(encoded: tuple[str, bytes], authorization: str | None, query: str) -> GeneratedRequest:
        headers = {"Content-Type": encoded[0], **({"Authorization": authorization} if authorization else {})}
        return GeneratedRequest("POST", path, query, headers, encoded[1])

    return st.builds(oauth_request, encoded, authorization, query_strings(OAUTH))


_strategies: dict[tuple[str, str, str], st.SearchStrategy[GeneratedRequest]] = {}


def freshbooks_requests(
    method: str, route: str, sample: SampleBusiness
) -> st.SearchStrategy[GeneratedRequest]:
    """Requests to one route, built once per route and business (building is most of a draw's cost).
    Keyed by the token: each database's business may have the same id, never the same token."""
    key = (method, route, sample.access_token)
    if key not in _strategies:
        if route in ("/auth/oauth/token", "/auth/oauth/revoke"):
            _strategies[key] = oauth_requests(route, sample)
        else:
            _strategies[key] = _requests(method, route, sample)
    return _strategies[key]


def _requests(method: str, route: str, sample: SampleBusiness) -> st.SearchStrategy[GeneratedRequest]:
    refs = sample.all_ids()
    values = {
        "business_id": mostly(str(sample.business.business_id), path_ids()),
        "account_id": mostly(
            sample.business.account_id, st.one_of(path_ids(), st.text(string.ascii_letters))
        ),
        "id": path_ids(sample.real_ids(route)),
    }
    path = st.fixed_dictionaries({n: values[n] for n in re.findall(r"{(\w+)}", route)})
    headers = st.fixed_dictionaries(
        {
            "Authorization": mostly(
                f"Bearer {sample.access_token}", st.one_of(header_junk, header_junk.map("Bearer ".__add__))
            ),
            "Content-Type": st.sampled_from(CONTENT_TYPES),
        }
    )
    body: st.SearchStrategy[bytes] = st.just(b"")
    if method in ("POST", "PUT"):
        envelope = next(((name, tree) for word, name, tree in ENVELOPES if word in route), None)
        if envelope is not None:
            body = json_bodies(envelope[1], refs, envelope=envelope[0])
        elif route == "/oauth/authorize":
            body = query_strings(OAUTH).map(str.encode)
    return st.builds(
        GeneratedRequest,
        method=st.just(method),
        path=path.map(lambda v: fill_path(route, v)),
        query=query_strings(QUERIES.get(route, {}), refs),
        headers=headers,
        body=body,
    )


# Hypothesis warns when it describes a failing draw that holds a long string; the long ones are
# the point here.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


@pytest.mark.parametrize(("method", "route"), ROUTES, ids=[f"{m} {r}" for m, r in ROUTES])
@bounded(25)
@given(data=st.data())
def test_a_generated_request_gets_an_answer_not_a_server_error(
    method: str,
    route: str,
    data: st.DataObject,
    server: Server,
    http: httpx.Client,
    sample_business: SampleBusiness,
) -> None:
    request = data.draw(freshbooks_requests(method, route, sample_business), label="request")
    mark = server.log_mark()
    response = request.send(http)
    assert response.status_code < 500, (
        f"server error: {response.status_code} {response.text[:300]}\n{request!r}\n{server.log_after(mark)}"
    )
    problems = error_body_problems(route, response.status_code, response.content)
    assert not problems, f"{'; '.join(problems)}\n{request!r}"
