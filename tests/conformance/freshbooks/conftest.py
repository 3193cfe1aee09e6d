"""freshbooks-sdk against the real server, through the real OAuth flow: the SDK builds the authorize
URL, the test posts the consent form as a person would, and the SDK exchanges the code.

Each test module gets a business of its own (a new company with one person who can sign in), so
counts, totals and filters see only that module's records.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from conductor import Conductor
from freshbooks import Client

from tests.conformance.conductor.conftest import make_client
from tests.servers import Server
from timeledger.auth.logins import set_password
from timeledger.ledger.queries import ListQuery
from timeledger.ledger.services.companies import create_company
from timeledger.ledger.services.lists import list_list_entries
from timeledger.ledger.tenancy import Company
from timeledger.ledger.values import ListKind
from timeledger.store.engine import make_engine
from timeledger.store.unit_of_work import SqlUnitOfWork

PASSWORD = "correct horse battery staple"


@dataclass
class Business:
    """One company as a FreshBooks caller sees it, with a signed-in SDK client and its ids; and, for
    tests that compare what two APIs show, its person's and company's keys in the database."""

    fb: Client
    business_id: int
    account_id: str
    identity_id: int
    end_user_id: str
    email: str
    person_key: int
    company_key: int


@pytest.fixture(scope="session")
def freshbooks_env(server: Server) -> Iterator[None]:
    """The SDK reads both URLs when a Client is constructed (reference §1.1)."""
    saved = {k: os.environ.get(k) for k in ("FRESHBOOKS_API_URL", "FRESHBOOKS_AUTH_URL")}
    os.environ["FRESHBOOKS_API_URL"] = server.base_url
    os.environ["FRESHBOOKS_AUTH_URL"] = server.base_url
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def app_credentials(demo: dict[str, Any], freshbooks_env: None) -> dict[str, Any]:
    return demo["freshbooks"]


def sdk_client(app: dict[str, Any], **tokens: Any) -> Client:
    return Client(
        client_id=app["client_id"],
        client_secret=app["client_secret"],
        redirect_uri=app["redirect_uri"],
        **tokens,
    )


def consent(url: str, email: str, password: str, decision: str = "approve") -> httpx.Response:
    """Open the authorize page, then post its form, as a person in a browser would."""
    page = httpx.get(url)
    assert page.status_code == 200, page.text
    return httpx.post(url, data={"email": email, "password": password, "decision": decision})


def code_from(response: httpx.Response) -> str:
    assert response.status_code == 302, response.text
    return parse_qs(urlparse(response.headers["location"]).query)["code"][0]


def sign_in(app: dict[str, Any], email: str, scopes: list[str] | None = None) -> Client:
    fb = sdk_client(app)
    fb.get_access_token(code_from(consent(fb.get_auth_request_url(scopes), email, PASSWORD)))
    return fb


@pytest.fixture(scope="session")
def uow(database_url: str) -> SqlUnitOfWork:
    """The server's own database, for setting up what only an operator can (a person's password)."""
    return SqlUnitOfWork(make_engine(database_url))


def _company_and_person(uow: SqlUnitOfWork, demo: dict[str, Any], end_user_id: str, email: str) -> Any:
    with uow:
        organization = uow.tenancy.organization_by_publishable_key(demo["conductor"]["publishable_key"])
        assert organization is not None
        company: Company | None = uow.tenancy.company(organization.key, end_user_id)
    assert company is not None
    person = list_list_entries(
        uow, company.key, ListQuery(kind=ListKind.EMPLOYEE, field_equals=(("email", email),))
    ).items[0]
    return company, person


@pytest.fixture(scope="session")
def new_person_login(uow: SqlUnitOfWork, demo: dict[str, Any]) -> Callable[[str, str], str]:
    """Give the person with ``email`` in end user ``end_user_id`` the test password."""

    def create(end_user_id: str, email: str) -> str:
        company, person = _company_and_person(uow, demo, end_user_id, email)
        set_password(uow, company, person.key, email, PASSWORD)
        return email

    return create


@pytest.fixture(scope="session")
def new_business(
    server: Server,
    demo: dict[str, Any],
    app_credentials: dict[str, Any],
    new_person_login: Any,
    uow: SqlUnitOfWork,
) -> Callable[..., Business]:
    """A new company (a Conductor end user) with one employee who signs in and approves the demo app.
    With ``time_zone`` the company keeps that zone: no API sets one, so it is made in the database, as
    an operator (``timeledger demo``) makes it."""
    conductor = Conductor(
        api_key=demo["conductor"]["api_key"], base_url=f"{server.base_url}/v1", max_retries=0
    )

    def connected_company(time_zone: str | None) -> str:
        name = f"Business {uuid.uuid4().hex[:6]}"
        if time_zone is not None:
            with uow:
                organization = uow.tenancy.organization_by_publishable_key(
                    demo["conductor"]["publishable_key"]
                )
            assert organization is not None
            company = create_company(
                uow,
                organization.key,
                name,
                "owner@example.com",
                uuid.uuid4().hex,
                connected=True,
                time_zone=time_zone,
            )
            return company.public_id
        end_user = conductor.end_users.create(
            company_name=name, email="owner@example.com", source_id=uuid.uuid4().hex
        )
        session = conductor.auth_sessions.create(
            publishable_key=demo["conductor"]["publishable_key"], end_user_id=end_user.id
        )
        assert httpx.post(session.auth_flow_url.split("?")[0]).status_code == 200
        return end_user.id

    def create(scopes: list[str] | None = None, time_zone: str | None = None) -> Business:
        end_user_id = connected_company(time_zone)
        email = f"person-{uuid.uuid4().hex[:8]}@example.com"
        conductor.qbd.employees.create(
            first_name="Simon", last_name="Kovalic", email=email, conductor_end_user_id=end_user_id
        )
        new_person_login(end_user_id, email)
        company, person = _company_and_person(uow, demo, end_user_id, email)
        fb = sign_in(app_credentials, email, scopes)
        me = fb.current_user()
        business = me.business_memberships[0].business
        return Business(
            fb, business.id, business.account_id, me.identity_id, end_user_id, email, person.key, company.key
        )

    return create


@pytest.fixture(scope="module")
def business(new_business: Callable[..., Business]) -> Business:
    return new_business()


@pytest.fixture(scope="module")
def fb(business: Business) -> Client:
    return business.fb


@pytest.fixture(scope="session")
def qbd_client(server: Server, demo: dict[str, Any]) -> Conductor:
    """conductor-py in strict mode, for reading back through the other API."""
    return make_client(server, demo["conductor"]["api_key"])
