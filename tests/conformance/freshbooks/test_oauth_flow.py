"""The OAuth 2.0 flow as freshbooks-sdk drives it: authorize URL, consent, code, tokens, refresh."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from freshbooks import FreshBooksError

from tests.conformance.freshbooks.conftest import PASSWORD, Business, code_from, consent, sdk_client
from tests.conformance.freshbooks.refusals import token_refusal


def test_the_sdk_completes_the_authorization_code_flow(
    app_credentials: dict[str, Any], business: Business
) -> None:
    fb = sdk_client(app_credentials)
    url = fb.get_auth_request_url(["user:profile:read", "user:time_entries:read"])
    assert url.startswith(f"{app_credentials['auth_url']}/oauth/authorize?")
    tokens = fb.get_access_token(code_from(consent(url, business.email, PASSWORD)))
    assert tokens.access_token and tokens.refresh_token
    assert tokens.access_token_expires_at is not None
    assert fb.current_user().identity_id == business.identity_id

    refreshed = fb.refresh_access_token()
    assert refreshed.refresh_token != tokens.refresh_token
    assert refreshed.access_token != tokens.access_token
    assert fb.current_user().email == business.email


def test_the_token_response_carries_what_the_sdk_reads(
    app_credentials: dict[str, Any], business: Business
) -> None:
    fb = sdk_client(app_credentials)
    code = code_from(consent(fb.get_auth_request_url(), business.email, PASSWORD))
    response = httpx.post(
        f"{app_credentials['api_url']}/auth/oauth/token",
        data={
            "client_id": app_credentials["client_id"],
            "client_secret": app_credentials["client_secret"],
            "grant_type": "authorization_code",
            "redirect_uri": app_credentials["redirect_uri"],
            "code": code,
        },
    )
    body = response.json()
    assert response.status_code == 200
    assert body["token_type"] == "Bearer" and body["expires_in"] == 43200
    assert isinstance(body["created_at"], int)
    assert "user:profile:read" in body["scope"].split()


@pytest.mark.parametrize("encoding", ["json", "multipart"])
def test_the_token_endpoint_accepts_json_and_multipart_bodies(
    app_credentials: dict[str, Any], business: Business, encoding: str
) -> None:
    fb = sdk_client(app_credentials)
    fields = {
        "client_id": app_credentials["client_id"],
        "client_secret": app_credentials["client_secret"],
        "grant_type": "authorization_code",
        "redirect_uri": app_credentials["redirect_uri"],
        "code": code_from(consent(fb.get_auth_request_url(), business.email, PASSWORD)),
    }
    url = f"{app_credentials['api_url']}/auth/oauth/token"
    if encoding == "json":
        response = httpx.post(url, json=fields)
    else:
        response = httpx.post(url, files={k: (None, v) for k, v in fields.items()})
    assert response.status_code == 200, response.text
    assert response.json()["refresh_token"]


def test_a_wrong_password_shows_the_form_again_and_issues_no_code(
    app_credentials: dict[str, Any], business: Business
) -> None:
    response = consent(sdk_client(app_credentials).get_auth_request_url(), business.email, "not the password")
    assert response.status_code == 401
    assert "location" not in response.headers
    assert "<form" in response.text and "not right" in response.text


def test_denying_sends_the_person_back_with_access_denied_and_the_state(
    app_credentials: dict[str, Any], business: Business
) -> None:
    url = sdk_client(app_credentials).get_auth_request_url() + "&state=xyz123"
    response = consent(url, business.email, "", decision="deny")
    assert response.status_code == 302
    query = parse_qs(urlparse(response.headers["location"]).query)
    assert query["error"] == ["access_denied"] and query["state"] == ["xyz123"]


def test_an_unregistered_redirect_uri_is_refused_on_the_page_not_redirected_to(
    app_credentials: dict[str, Any],
) -> None:
    fb = sdk_client(app_credentials)
    fb.redirect_uri = "https://attacker.example/steal"
    response = httpx.get(fb.get_auth_request_url())
    assert response.status_code == 400
    assert "location" not in response.headers


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_query_string_that_cannot_be_read_is_refused_on_the_page(
    app_credentials: dict[str, Any], method: str
) -> None:
    response = httpx.request(method, f"{app_credentials['auth_url']}/oauth/authorize?%")
    assert response.status_code == 400 and "Authorization failed" in response.text
    assert "location" not in response.headers


def test_an_unknown_scope_is_sent_back_to_the_app_as_invalid_scope(app_credentials: dict[str, Any]) -> None:
    response = httpx.get(sdk_client(app_credentials).get_auth_request_url(["user:everything:write"]))
    assert response.status_code == 302
    assert parse_qs(urlparse(response.headers["location"]).query)["error"] == ["invalid_scope"]


def test_a_code_cannot_be_exchanged_twice(app_credentials: dict[str, Any], business: Business) -> None:
    fb = sdk_client(app_credentials)
    code = code_from(consent(fb.get_auth_request_url(), business.email, PASSWORD))
    fb.get_access_token(code)
    with pytest.raises(FreshBooksError) as excinfo:
        sdk_client(app_credentials).get_access_token(code)
    assert excinfo.value.status_code == 400
    token_refusal(excinfo, 400, "invalid_grant")
