"""QuickBooks Time's OAuth 2.0 flow as an app drives it (reference §7, §9.7): ``GET /api/v1/authorize``,
the consent page, ``POST /api/v1/grant`` for a code and then for a refresh token, and the bearer token
on every other call; a token opens only the API it was issued for."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from freshbooks import FreshBooksError
from sqlalchemy import create_engine, text

from tests.conformance.freshbooks.conftest import PASSWORD, code_from, consent, sdk_client
from tests.conformance.quickbooks_time.conftest import (
    Account,
    api_client,
    authorize_url,
    code_for,
    exchange,
    grant,
)
from tests.conformance.quickbooks_time.refusals import unauthorized
from tests.servers import Server
from timeledger.auth.keys import hash_secret
from timeledger.store.engine import normalise_url

GRANT_FIELDS = {
    "access_token",
    "expires_in",
    "token_type",
    "scope",
    "refresh_token",
    "user_id",
    "company_id",
    "client_url",
    "client_type",
}


def _me(app: dict[str, Any], access_token: str) -> httpx.Response:
    with api_client(app["base_url"], access_token) as client:
        return client.get("/current_user")


def _query(response: httpx.Response) -> dict[str, list[str]]:
    assert response.status_code == 302, (response.status_code, response.text)
    return parse_qs(urlparse(response.headers["location"]).query)


def _oauth_error(response: httpx.Response, status: int, error: str) -> None:
    """A refused grant: OAuth's ``{"error", "error_description"}`` body (reference §1)."""
    assert response.status_code == status, (response.status_code, response.text)
    body = response.json()
    assert body["error"] == error, body
    assert isinstance(body.get("error_description"), str) and body["error_description"], body


def _refresh(app: dict[str, Any], refresh_token: str) -> httpx.Response:
    return grant(app, grant_type="refresh_token", refresh_token=refresh_token)


def test_the_whole_flow_authorize_consent_grant_refresh_and_the_old_refresh_token_refused(
    app: dict[str, Any], account: Account
) -> None:
    url = authorize_url(app, state="a1b2c3")
    page = httpx.get(url)
    assert page.status_code == 200 and "<form" in page.text
    approved = consent(url, account.email, PASSWORD)
    query = _query(approved)
    assert approved.headers["location"].startswith(app["redirect_uri"] + "?")
    assert query["state"] == ["a1b2c3"] and query["code"][0]

    issued = exchange(app, query["code"][0])
    assert issued.status_code == 200, issued.text
    tokens = issued.json()
    me = _me(app, tokens["access_token"])
    assert me.status_code == 200
    assert list(me.json()["results"]["users"]) == [tokens["user_id"]] == [str(account.user_id)]

    refreshed = _refresh(app, tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    renewed = refreshed.json()
    assert set(renewed) == GRANT_FIELDS
    assert renewed["refresh_token"] != tokens["refresh_token"]
    assert renewed["access_token"] != tokens["access_token"]
    assert (renewed["user_id"], renewed["company_id"]) == (tokens["user_id"], tokens["company_id"])
    assert _me(app, renewed["access_token"]).status_code == 200

    _oauth_error(_refresh(app, tokens["refresh_token"]), 400, "invalid_grant")


def test_the_grant_answers_exactly_quickbooks_times_fields_with_ids_as_strings(
    app: dict[str, Any], account: Account
) -> None:
    tokens = account.tokens
    assert set(tokens) == GRANT_FIELDS
    assert tokens["expires_in"] == 864000
    assert tokens["token_type"].lower() == "bearer"
    assert tokens["scope"] == ""
    assert tokens["user_id"] == str(account.user_id) and tokens["company_id"] == str(account.company_id)
    assert isinstance(tokens["client_url"], str) and tokens["client_url"]
    assert isinstance(tokens["client_type"], str)
    assert isinstance(tokens["access_token"], str) and isinstance(tokens["refresh_token"], str)
    me = _me(app, tokens["access_token"]).json()["results"]["users"][tokens["user_id"]]
    assert me["client_url"] == tokens["client_url"]


def test_the_demo_tokens_name_the_demo_person_and_company(
    app: dict[str, Any], demo_api: httpx.Client
) -> None:
    users = demo_api.get("/current_user").json()["results"]["users"]
    assert list(users) == [app["user_id"]]
    assert users[app["user_id"]]["email"] == "ada@example.com"


@pytest.mark.parametrize("encoding", ["json", "multipart"])
def test_the_grant_accepts_json_and_multipart_bodies(
    app: dict[str, Any], account: Account, encoding: str
) -> None:
    fields = {
        "grant_type": "authorization_code",
        "client_id": app["client_id"],
        "client_secret": app["client_secret"],
        "code": code_for(app, account.email),
        "redirect_uri": app["redirect_uri"],
    }
    url = f"{app['base_url']}/grant"
    if encoding == "json":
        response = httpx.post(url, json=fields)
    else:
        response = httpx.post(url, files={k: (None, v) for k, v in fields.items()})
    assert response.status_code == 200, response.text
    assert set(response.json()) == GRANT_FIELDS
    assert _me(app, response.json()["access_token"]).status_code == 200


def test_the_grant_accepts_client_credentials_by_http_basic(app: dict[str, Any], account: Account) -> None:
    code = code_for(app, account.email)
    response = httpx.post(
        f"{app['base_url']}/grant",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": app["redirect_uri"]},
        auth=(app["client_id"], app["client_secret"]),
    )
    assert response.status_code == 200, response.text
    refreshed = httpx.post(
        f"{app['base_url']}/grant",
        data={"grant_type": "refresh_token", "refresh_token": response.json()["refresh_token"]},
        auth=(app["client_id"], app["client_secret"]),
    )
    assert refreshed.status_code == 200, refreshed.text
    assert _me(app, refreshed.json()["access_token"]).status_code == 200


def test_a_wrong_client_secret_gets_no_token(app: dict[str, Any], account: Account) -> None:
    code = code_for(app, account.email)
    response = grant(
        app,
        grant_type="authorization_code",
        code=code,
        redirect_uri=app["redirect_uri"],
        client_secret="not-the-secret",
    )
    _oauth_error(response, 401, "invalid_client")


def test_an_unknown_code_or_grant_type_gets_no_token(app: dict[str, Any]) -> None:
    _oauth_error(exchange(app, "never-issued"), 400, "invalid_grant")
    _oauth_error(_refresh(app, "never-issued"), 400, "invalid_grant")
    _oauth_error(
        grant(app, grant_type="password", username="ada", password="x"), 400, "unsupported_grant_type"
    )
    _oauth_error(grant(app, code="whatever"), 400, "unsupported_grant_type")


def test_a_code_is_exchanged_once(app: dict[str, Any], account: Account) -> None:
    code = code_for(app, account.email)
    assert exchange(app, code).status_code == 200
    _oauth_error(exchange(app, code), 400, "invalid_grant")


def test_a_code_redeemed_with_another_redirect_uri_is_refused(app: dict[str, Any], account: Account) -> None:
    code = code_for(app, account.email)
    response = grant(
        app, grant_type="authorization_code", code=code, redirect_uri="https://elsewhere.example/cb"
    )
    _oauth_error(response, 400, "invalid_grant")


def test_a_code_approved_on_freshbooks_consent_page_is_no_quickbooks_time_code(
    demo: dict[str, Any], app: dict[str, Any], account: Account, freshbooks_env: None
) -> None:
    freshbooks_url = sdk_client(demo["freshbooks"]).get_auth_request_url()
    code = code_from(consent(freshbooks_url, account.email, PASSWORD))
    _oauth_error(exchange(app, code), 400, "invalid_grant")


def test_a_freshbooks_refresh_token_is_no_quickbooks_time_refresh_token(
    demo: dict[str, Any], app: dict[str, Any]
) -> None:
    _oauth_error(_refresh(app, demo["freshbooks"]["refresh_token"]), 400, "invalid_grant")


def test_authorize_with_every_parameter_shows_the_consent_form(app: dict[str, Any]) -> None:
    # The connector also sends an empty scope (reference §7, §8): QuickBooks Time has no scopes.
    for extra in ({}, {"display_mode": "login"}, {"display_mode": "create"}, {"scope": ""}):
        page = httpx.get(authorize_url(app, **extra))
        assert page.status_code == 200, (extra, page.text)
        assert "<form" in page.text and 'name="password"' in page.text


@pytest.mark.parametrize("missing", ["state", "response_type"])
def test_authorize_without_state_or_response_type_sends_the_browser_back_with_an_error(
    app: dict[str, Any], missing: str
) -> None:
    query = _query(httpx.get(authorize_url(app, **{missing: None})))
    assert query["error"] == ["invalid_request"], query
    assert query["error_description"][0]
    assert "code" not in query


def test_authorize_for_another_response_type_than_code_is_refused_to_the_app(app: dict[str, Any]) -> None:
    query = _query(httpx.get(authorize_url(app, response_type="token")))
    assert query["error"] == ["unsupported_response_type"], query
    assert query["state"] == ["st4te"]


@pytest.mark.parametrize(
    "changed",
    [
        {"redirect_uri": ""},
        {"redirect_uri": "https://attacker.example/steal"},
        {"client_id": "tl_client_nobody"},
    ],
)
def test_authorize_with_an_unverifiable_client_or_redirect_uri_is_refused_on_the_page(
    app: dict[str, Any], changed: dict[str, str]
) -> None:
    response = httpx.get(authorize_url({**app, **changed}))
    assert response.status_code == 400, response.text
    assert "location" not in response.headers
    assert "Authorization failed" in response.text


def test_denying_sends_the_browser_back_with_access_denied_and_the_state(
    app: dict[str, Any], account: Account
) -> None:
    query = _query(consent(authorize_url(app, state="keep-me"), account.email, "", decision="deny"))
    assert query["error"] == ["access_denied"] and query["state"] == ["keep-me"]
    assert "code" not in query


def test_a_wrong_password_shows_the_form_again_without_a_code(app: dict[str, Any], account: Account) -> None:
    response = consent(authorize_url(app), account.email, "not the password")
    assert response.status_code == 401
    assert "location" not in response.headers and "<form" in response.text


def test_the_bearer_scheme_is_read_in_any_case(app: dict[str, Any]) -> None:
    response = httpx.get(
        f"{app['base_url']}/current_user", headers={"Authorization": f"bearer {app['access_token']}"}
    )
    assert response.status_code == 200


def test_a_freshbooks_token_is_401_on_quickbooks_time(demo: dict[str, Any], app: dict[str, Any]) -> None:
    unauthorized(_me(app, demo["freshbooks"]["access_token"]))


def test_a_quickbooks_time_token_is_401_on_freshbooks(
    demo: dict[str, Any], app: dict[str, Any], freshbooks_env: None
) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        sdk_client(demo["freshbooks"], access_token=app["access_token"]).current_user()
    assert (excinfo.value.status_code, excinfo.value.error_code) == (401, "unauthenticated")


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "not-even-a-scheme"],
    ids=["missing", "empty", "unknown", "basic", "garbage"],
)
def test_a_missing_or_bad_token_is_401_in_quickbooks_times_error_body(
    app: dict[str, Any], authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    for method, path in (("GET", "/current_user"), ("GET", "/users"), ("POST", "/timesheets")):
        response = httpx.request(method, f"{app['base_url']}{path}", headers=headers, json={"data": []})
        unauthorized(response)


def test_an_expired_token_is_401(app: dict[str, Any], account: Account, server: Server) -> None:
    tokens = exchange(app, code_for(app, account.email)).json()
    assert _me(app, tokens["access_token"]).status_code == 200
    # Ten days pass: the token's expiry is moved back rather than waited for.
    engine = create_engine(normalise_url(server.database_url))
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE oauth_tokens SET expires_at = :past WHERE access_hash = :hash"),
            {"past": datetime(2020, 1, 1, tzinfo=UTC), "hash": hash_secret(tokens["access_token"])},
        )
    engine.dispose()
    unauthorized(_me(app, tokens["access_token"]))
    # The refresh token still renews it.
    renewed = _refresh(app, tokens["refresh_token"])
    assert renewed.status_code == 200 and _me(app, renewed.json()["access_token"]).status_code == 200


def test_replaying_a_spent_refresh_token_revokes_the_tokens_it_led_to(
    app: dict[str, Any], account: Account
) -> None:
    first = exchange(app, code_for(app, account.email)).json()
    second = _refresh(app, first["refresh_token"]).json()
    assert _me(app, second["access_token"]).status_code == 200
    _oauth_error(_refresh(app, first["refresh_token"]), 400, "invalid_grant")
    unauthorized(_me(app, second["access_token"]))
    _oauth_error(_refresh(app, second["refresh_token"]), 400, "invalid_grant")
