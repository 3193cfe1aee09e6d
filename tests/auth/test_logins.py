"""Signing in on the consent page: failed sign-ins are counted in the database, per email and per
app, and past the limit the page answers 429 with Retry-After and says so, without checking the
password. Each test registers an app of its own, so its failures throttle nobody else's tests."""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from conductor import Conductor

from tests.conformance.freshbooks.conftest import PASSWORD, code_from, consent, sdk_client
from tests.servers import Server
from timeledger.auth.keys import hash_secret
from timeledger.auth.logins import FAILURE_WINDOW, FAILURES_PER_CLIENT, FAILURES_PER_EMAIL
from timeledger.auth.oauth import create_oauth_client
from timeledger.ledger.clock import utc_now
from timeledger.store.unit_of_work import SqlUnitOfWork

WRONG = "not the password"


@pytest.fixture
def app(server: Server, demo: dict[str, Any], uow: SqlUnitOfWork, freshbooks_env: None) -> dict[str, Any]:
    """A newly registered app of the demo organization, as its developer would hold it."""
    redirect_uri = f"{server.base_url}/oauth/callback"
    client, secret = create_oauth_client(
        uow, demo["conductor"]["publishable_key"], f"App {uuid.uuid4().hex[:6]}", [redirect_uri]
    )
    return {"client_id": client.client_id, "client_secret": secret, "redirect_uri": redirect_uri}


@pytest.fixture(scope="module")
def new_person(
    server: Server, demo: dict[str, Any], new_person_login: Callable[[str, str], str]
) -> Callable[[], str]:
    """A new employee of the demo company who signs in with the test password; returns the email."""
    conductor = Conductor(
        api_key=demo["conductor"]["api_key"], base_url=f"{server.base_url}/v1", max_retries=0
    )
    end_user_id = demo["conductor"]["end_user_id"]

    def create() -> str:
        token = uuid.uuid4().hex[:8]
        email = f"person-{token}@example.com"
        conductor.qbd.employees.create(
            first_name="Kaylee", last_name=f"Frye {token}", email=email, conductor_end_user_id=end_user_id
        )
        return new_person_login(end_user_id, email)

    return create


def _post(url: str, email: str, password: str) -> httpx.Response:
    return httpx.post(url, data={"email": email, "password": password, "decision": "approve"})


def assert_throttled(response: httpx.Response, whose: str) -> None:
    """429, a Retry-After within the window, and the form again saying why and for how long."""
    assert response.status_code == 429, response.text
    assert "location" not in response.headers
    retry_after = int(response.headers["retry-after"])
    assert 0 < retry_after <= FAILURE_WINDOW.total_seconds()
    minutes = math.ceil(retry_after / 60)
    wait = "1 minute" if minutes == 1 else f"{minutes} minutes"
    message = re.search(r'<p role="alert">([^<]*)</p>', response.text)
    assert message is not None and message.group(1).startswith(
        f"Too many failed sign-ins {whose}. Try again in {wait} (after "
    ), response.text
    assert "<form" in response.text


def test_after_too_many_failures_with_an_email_even_its_password_is_refused(
    app: dict[str, Any], new_person: Callable[[], str]
) -> None:
    url = sdk_client(app).get_auth_request_url()
    email, colleague = new_person(), new_person()
    for _ in range(FAILURES_PER_EMAIL):
        assert consent(url, email, WRONG).status_code == 401
    assert_throttled(consent(url, email, PASSWORD), "with this email")
    # Nothing to learn from the answer: a wrong password while throttled gets the same page.
    right, wrong = _post(url, email, PASSWORD), _post(url, email, WRONG)
    assert_throttled(wrong, "with this email")
    assert right.status_code == wrong.status_code and right.text == wrong.text
    # Someone else of the organization signs in through the same app, and that lifts nothing for email.
    assert code_from(consent(url, colleague, PASSWORD))
    assert_throttled(_post(url, email, PASSWORD), "with this email")


def test_an_unknown_email_is_throttled_like_a_known_one(app: dict[str, Any]) -> None:
    url = sdk_client(app).get_auth_request_url()
    email = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    for _ in range(FAILURES_PER_EMAIL):
        assert _post(url, email, WRONG).status_code == 401
    assert_throttled(_post(url, email, WRONG), "with this email")


def test_signing_in_forgets_only_that_persons_failures(
    app: dict[str, Any], new_person: Callable[[], str]
) -> None:
    url = sdk_client(app).get_auth_request_url()
    email = new_person()
    for _ in range(2):
        for _ in range(FAILURES_PER_EMAIL - 1):
            assert _post(url, email, WRONG).status_code == 401
        assert code_from(_post(url, email, PASSWORD))


def test_failures_count_across_server_processes_and_are_stored(
    app: dict[str, Any], new_person: Callable[[], str], server: Server, uow: SqlUnitOfWork
) -> None:
    """Each failed request commits its count, so another process on the same database sees it."""
    email = new_person()
    url = sdk_client(app).get_auth_request_url()
    assert _post(url, email, WRONG).status_code == 401
    with uow:
        client = uow.credentials.client(app["client_id"])
        assert client is not None
        since = utc_now() - FAILURE_WINDOW
        hashed = hash_secret(email.casefold())
        assert uow.credentials.nth_latest_email_failure(client.organization_key, hashed, since, 1)
        assert uow.credentials.nth_latest_email_failure(client.organization_key, hashed, since, 2) is None
    other = Server(server.database_url).start()
    try:
        other_url = url.replace(server.base_url, other.base_url)
        for _ in range(FAILURES_PER_EMAIL - 1):
            assert _post(other_url, email, WRONG).status_code == 401
    finally:
        other.stop()
    assert_throttled(_post(url, email, PASSWORD), "with this email")


def test_after_too_many_failures_through_an_app_nobody_signs_in_through_it(
    app: dict[str, Any], app_credentials: dict[str, Any], new_person: Callable[[], str], uow: SqlUnitOfWork
) -> None:
    """Each guess with another email (spraying): no email reaches its own limit, the app does.

    All but the last ten failures are stored first, as the server stores them (the test above shows
    it does), so the suite need not wait for a hundred scrypt checks; the last ten go through HTTP.
    """
    url = sdk_client(app).get_auth_request_url()
    email = new_person()
    sent = 10
    with uow.write():
        client = uow.credentials.client(app["client_id"])
        assert client is not None
        for n in range(FAILURES_PER_CLIENT - sent):
            email_hash = hash_secret(f"stored-{n}-{uuid.uuid4().hex[:8]}@example.com")
            uow.credentials.add_login_failure(client.key, client.organization_key, email_hash, utc_now())
        uow.commit()
    emails = [f"sprayed-{uuid.uuid4().hex[:8]}@example.com" for _ in range(sent)]
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda e: _post(url, e, WRONG).status_code, emails))
    assert statuses == [401] * sent
    assert_throttled(_post(url, f"one-more-{uuid.uuid4().hex[:8]}@example.com", WRONG), "through this app")
    assert_throttled(_post(url, email, PASSWORD), "through this app")
    # Another app of the same organization is not throttled by this one's failures.
    assert code_from(consent(sdk_client(app_credentials).get_auth_request_url(), email, PASSWORD))
