"""The authorization server's promises: codes work once and briefly, refresh tokens rotate, revoked
and expired tokens stop working, client secrets are checked, scopes are enforced per endpoint."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from freshbooks import FreshBooksError

from tests.conformance.freshbooks.conftest import PASSWORD, Business, code_from, consent, sdk_client, sign_in
from tests.conformance.freshbooks.refusals import token_refusal
from timeledger.auth.errors import AuthError
from timeledger.auth.keys import hash_secret
from timeledger.auth.oauth import OAuthApi, authenticate_bearer
from timeledger.ledger.clock import utc_now
from timeledger.store.unit_of_work import SqlUnitOfWork


def _token(app: dict[str, Any], **fields: str) -> httpx.Response:
    body = {
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "redirect_uri": app["redirect_uri"],
    }
    return httpx.post(f"{app['api_url']}/auth/oauth/token", data={**body, **fields})


def _code(app: dict[str, Any], business: Business) -> str:
    return code_from(consent(sdk_client(app).get_auth_request_url(), business.email, PASSWORD))


def _me(app: dict[str, Any], access_token: str) -> int:
    return httpx.get(
        f"{app['api_url']}/auth/api/v1/users/me", headers={"Authorization": f"Bearer {access_token}"}
    ).status_code


def test_a_reused_code_is_refused_and_revokes_what_it_granted(
    app_credentials: dict[str, Any], business: Business
) -> None:
    code = _code(app_credentials, business)
    first = _token(app_credentials, grant_type="authorization_code", code=code)
    assert first.status_code == 200
    again = _token(app_credentials, grant_type="authorization_code", code=code)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"
    assert _me(app_credentials, first.json()["access_token"]) == 401
    refresh = _token(app_credentials, grant_type="refresh_token", refresh_token=first.json()["refresh_token"])
    assert refresh.status_code == 400 and refresh.json()["error"] == "invalid_grant"


def test_an_expired_code_is_refused(
    app_credentials: dict[str, Any], business: Business, uow: SqlUnitOfWork
) -> None:
    code = "expired-code-for-the-test"
    now = utc_now()
    with uow.write():
        client = uow.credentials.client(app_credentials["client_id"])
        assert client is not None
        uow.credentials.add_code(
            hash_secret(code),
            client.key,
            business.company_key,
            business.person_key,
            app_credentials["redirect_uri"],
            ["user:profile:read"],
            now - timedelta(minutes=10),
            now - timedelta(minutes=5),
        )
        uow.commit()
    response = _token(app_credentials, grant_type="authorization_code", code=code)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_a_code_is_bound_to_its_redirect_uri(app_credentials: dict[str, Any], business: Business) -> None:
    response = _token(
        app_credentials,
        grant_type="authorization_code",
        code=_code(app_credentials, business),
        redirect_uri="https://elsewhere.example/cb",
    )
    assert response.status_code in (400, 401)
    # RFC 6749 §5.2: a code used with another redirection URI than it was issued for is invalid_grant.
    assert (response.status_code, response.json()["error"]) == (400, "invalid_grant")


def test_refreshing_rotates_the_refresh_token(app_credentials: dict[str, Any], business: Business) -> None:
    fb = sign_in(app_credentials, business.email)
    old_refresh, old_access = fb.refresh_token, fb.access_token
    fb.refresh_access_token()
    assert fb.refresh_token != old_refresh
    assert _me(app_credentials, fb.access_token) == 200
    assert _me(app_credentials, old_access) == 200  # an access token lives until it expires
    with pytest.raises(FreshBooksError) as excinfo:
        sdk_client(app_credentials).refresh_access_token(old_refresh)
    assert excinfo.value.status_code == 400
    token_refusal(excinfo, 400, "invalid_grant")
    # replaying a spent refresh token ends the whole chain, including the newest refresh token
    newest = _token(app_credentials, grant_type="refresh_token", refresh_token=fb.refresh_token)
    assert newest.status_code == 400 and newest.json()["error"] == "invalid_grant"


def test_revoking_an_access_token_stops_it(app_credentials: dict[str, Any], business: Business) -> None:
    fb = sign_in(app_credentials, business.email)
    revoked = httpx.post(
        f"{app_credentials['api_url']}/auth/oauth/revoke",
        data={"token": fb.access_token},
        auth=(app_credentials["client_id"], app_credentials["client_secret"]),
    )
    assert revoked.status_code == 200
    assert _me(app_credentials, fb.access_token) == 401
    with pytest.raises(FreshBooksError) as excinfo:
        fb.refresh_access_token()
    token_refusal(excinfo, 400, "invalid_grant")


def test_revoking_an_unknown_token_is_not_an_error(app_credentials: dict[str, Any]) -> None:
    response = httpx.post(
        f"{app_credentials['api_url']}/auth/oauth/revoke",
        data={
            "token": "never-issued",
            "client_id": app_credentials["client_id"],
            "client_secret": app_credentials["client_secret"],
        },
    )
    assert response.status_code == 200


def test_a_wrong_client_secret_is_refused(app_credentials: dict[str, Any], business: Business) -> None:
    response = _token(
        app_credentials,
        grant_type="authorization_code",
        code=_code(app_credentials, business),
        client_secret="wrong",
    )
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client" and response.json()["error_description"]


def test_an_expired_access_token_is_refused(
    app_credentials: dict[str, Any], business: Business, uow: SqlUnitOfWork
) -> None:
    fb = sign_in(app_credentials, business.email)
    header = f"Bearer {fb.access_token}"
    assert authenticate_bearer(uow, header, OAuthApi.FRESHBOOKS).person_key == business.person_key
    with pytest.raises(AuthError) as excinfo:
        authenticate_bearer(uow, header, OAuthApi.FRESHBOOKS, now=utc_now() + timedelta(hours=12, seconds=1))
    assert excinfo.value.code == "invalid_token"


def test_scopes_are_enforced_per_endpoint(app_credentials: dict[str, Any], business: Business) -> None:
    fb = sign_in(app_credentials, business.email, ["user:time_entries:read"])
    assert fb.time_entries.list(business.business_id).pages.page == 1
    with pytest.raises(FreshBooksError) as excinfo:
        fb.time_entries.create(
            business.business_id, {"duration": 60, "started_at": "2026-01-01T00:00:00Z", "is_logged": True}
        )
    assert excinfo.value.status_code == 403 and "user:time_entries:write" in str(excinfo.value)
    for call, scope in (
        (lambda: fb.clients.list(business.account_id), "user:clients:read"),
        (lambda: fb.projects.list(business.business_id), "user:projects:read"),
    ):
        with pytest.raises(FreshBooksError) as excinfo:
            call()
        assert excinfo.value.status_code == 403
        assert scope in str(excinfo.value.raw_response)
    assert fb.current_user().identity_id == business.identity_id  # the profile scope comes with every app


def test_secrets_are_stored_only_as_hashes(app_credentials: dict[str, Any], uow: SqlUnitOfWork) -> None:
    with uow:
        client = uow.credentials.client(app_credentials["client_id"])
        assert client is not None
        assert client.secret_hash == hash_secret(app_credentials["client_secret"])
        assert uow.credentials.token_by_access(app_credentials["access_token"]) is None
        assert uow.credentials.token_by_access(hash_secret(app_credentials["access_token"])) is not None
