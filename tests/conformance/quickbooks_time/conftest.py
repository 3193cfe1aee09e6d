"""QuickBooks Time against the real server with plain ``httpx``, as its clients call it (it has no
maintained SDK): a bearer token, ``/api/v1/<resource>``, ``{"data": [...]}`` bodies.

The demo company's token reads what the demo seeded. Tests that write or count get an account of
their own: a new company in America/Denver (the demo's zone) with one person who signs in on the
consent page, and a QuickBooks Time token from the real flow, authorize -> consent -> grant.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from conductor import Conductor

from tests.conformance.freshbooks import conftest as freshbooks
from tests.conformance.freshbooks.conftest import PASSWORD, code_from, consent
from timeledger.ledger.services.companies import create_company
from timeledger.ledger.services.lists import update_list_entry
from timeledger.ledger.values import ListKind
from timeledger.store.unit_of_work import SqlUnitOfWork

TIME_ZONE = "America/Denver"

# FreshBooks' fixtures this conftest builds on: the server's store, passwords, the Conductor client.
uow = freshbooks.uow
new_person_login = freshbooks.new_person_login
qbd_client = freshbooks.qbd_client
freshbooks_env = freshbooks.freshbooks_env


@dataclass
class Account:
    """One QuickBooks Time account: a company of its own, its person signed in through OAuth."""

    api: httpx.Client
    tokens: dict[str, Any]  # the /grant response that gave ``api`` its token
    user_id: int
    company_id: int
    end_user_id: str  # the same company, as Conductor names it
    email: str


def api_client(base_url: str, access_token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
    return httpx.Client(base_url=base_url, headers=headers, timeout=30)


def authorize_url(app: dict[str, Any], **params: str | None) -> str:
    """The URL an app sends a person's browser to (reference §7); a parameter given None is left out."""
    query = {
        "response_type": "code",
        "client_id": app["client_id"],
        "redirect_uri": app["redirect_uri"],
        "state": "st4te",
        **params,
    }
    return f"{app['base_url']}/authorize?{urlencode({k: v for k, v in query.items() if v is not None})}"


def grant(app: dict[str, Any], **fields: str) -> httpx.Response:
    """``POST /api/v1/grant`` as the docs show it: a form with the client's credentials in it."""
    body = {"client_id": app["client_id"], "client_secret": app["client_secret"], **fields}
    return httpx.post(f"{app['base_url']}/grant", data=body)


def code_for(app: dict[str, Any], email: str) -> str:
    """A code from the consent page, approved by the person with ``email``."""
    return code_from(consent(authorize_url(app), email, PASSWORD))


def exchange(app: dict[str, Any], code: str) -> httpx.Response:
    return grant(app, grant_type="authorization_code", code=code, redirect_uri=app["redirect_uri"])


def created(response: httpx.Response, resource: str) -> list[dict[str, Any]]:
    """The objects a POST or PUT wrote, in request order; every item must have succeeded."""
    assert response.status_code == 200, response.text[:600]
    results = response.json()["results"][resource]
    assert list(results) == [str(i) for i in range(1, len(results) + 1)], results
    for item in results.values():
        assert item["_status_code"] in (200, 201), item
    return list(results.values())


def one(response: httpx.Response, resource: str) -> dict[str, Any]:
    """The single object a one-item write made."""
    (item,) = created(response, resource)
    return item


def listed(response: httpx.Response, resource: str) -> dict[str, Any]:
    """A GET's results map, id (a string) to object."""
    assert response.status_code == 200, response.text[:600]
    return response.json()["results"][resource]


@pytest.fixture(scope="session")
def app(demo: dict[str, Any]) -> dict[str, Any]:
    """The demo's app and its QuickBooks Time credentials (``demo["quickbooks_time"]``)."""
    return demo["quickbooks_time"]


@pytest.fixture(scope="session")
def demo_api(app: dict[str, Any]) -> Iterator[httpx.Client]:
    """The demo person's (Ada's) token on the demo company."""
    with api_client(app["base_url"], app["access_token"]) as client:
        yield client


@pytest.fixture(scope="session")
def new_account(
    app: dict[str, Any],
    demo: dict[str, Any],
    uow: SqlUnitOfWork,
    qbd_client: Conductor,
    new_person_login: Callable[[str, str], str],
) -> Iterator[Callable[[], Account]]:
    """A new company with one employee, who approves the demo app for QuickBooks Time."""
    clients: list[httpx.Client] = []

    def create() -> Account:
        with uow:
            organization = uow.tenancy.organization_by_publishable_key(demo["conductor"]["publishable_key"])
        assert organization is not None
        # No API sets a company's time zone: an operator does, as `timeledger demo` does for its own.
        company = create_company(
            uow,
            organization.key,
            f"Account {uuid.uuid4().hex[:6]}",
            "owner@example.com",
            uuid.uuid4().hex,
            connected=True,
            time_zone=TIME_ZONE,
        )
        email = f"person-{uuid.uuid4().hex[:8]}@example.com"
        qbd_client.qbd.employees.create(
            first_name="Simon", last_name="Kovalic", email=email, conductor_end_user_id=company.public_id
        )
        new_person_login(company.public_id, email)
        answer = exchange(app, code_for(app, email))
        assert answer.status_code == 200, answer.text
        tokens = answer.json()
        client = api_client(app["base_url"], tokens["access_token"])
        clients.append(client)
        return Account(
            client, tokens, int(tokens["user_id"]), int(tokens["company_id"]), company.public_id, email
        )

    yield create
    for client in clients:
        client.close()


@pytest.fixture(scope="module")
def account(new_account: Callable[[], Account]) -> Account:
    """An account for the whole module: its tests add records but count only their own."""
    return new_account()


@pytest.fixture(scope="module")
def api(account: Account) -> httpx.Client:
    return account.api


@pytest.fixture(scope="session")
def set_time_zone(uow: SqlUnitOfWork) -> Callable[[Account, int, str], None]:
    """Give one person a time zone of their own (no API sets one: QuickBooks Time's web app does)."""

    def set_zone(account: Account, user_id: int, zone: str) -> None:
        update_list_entry(uow, account.company_id, ListKind.EMPLOYEE, user_id, None, {"time_zone": zone})

    return set_zone
