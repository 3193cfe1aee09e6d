"""Demo credentials kept from an earlier run (``.demo.json``), checked against the database before
``timeledger quickstart`` prints them again.

The file outlives the database it was made for (a deleted ``timeledger.db``, another
``--database``), FreshBooks access tokens live 12 hours and QuickBooks Time's 10 days: a kept demo
is only reprinted once its Conductor key still opens its company and its OAuth tokens have life left.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from timeledger.auth.errors import AuthError
from timeledger.auth.keys import authenticate_company
from timeledger.auth.logins import verify_login
from timeledger.auth.oauth import (
    OAuthApi,
    OAuthResponse,
    authenticate_bearer,
    grant_without_consent,
    issue_token,
)
from timeledger.dialects.freshbooks.routes import ACCESS_TOKEN_SECONDS as FRESHBOOKS_TOKEN_SECONDS
from timeledger.dialects.quickbooks_time.routes import ACCESS_TOKEN_SECONDS as QUICKBOOKS_TIME_TOKEN_SECONDS
from timeledger.ledger.clock import utc_now
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.tenancy import Company, Organization

# A token with less left than this is renewed too, so the one printed is good for a working session.
TOKEN_MARGIN = timedelta(hours=1)


class StaleDemoError(Exception):
    """The kept credentials do not work against this database; the message says which part fails."""


def read_kept(path: Path) -> Any:
    """The JSON kept at ``path``; StaleDemoError if it cannot be read as JSON."""
    try:
        return json.loads(path.read_text())
    except OSError as error:
        raise StaleDemoError(f"cannot read it: {error.strerror}") from None
    except ValueError:  # not JSON, or not UTF-8 text
        raise StaleDemoError("it is not JSON") from None


# The demo's OAuth blocks: the API each token is for, and how long its tokens live.
OAUTH_BLOCKS = (
    ("freshbooks", OAuthApi.FRESHBOOKS, FRESHBOOKS_TOKEN_SECONDS),
    ("quickbooks_time", OAuthApi.QUICKBOOKS_TIME, QUICKBOOKS_TIME_TOKEN_SECONDS),
)


def checked_demo(uow: UnitOfWork, credentials: Any) -> tuple[dict[str, Any], bool]:
    """``credentials`` if they still work here, with OAuth access tokens valid for at least
    TOKEN_MARGIN, and whether a token had to be renewed. StaleDemoError if they do not work."""
    if not isinstance(credentials, dict):
        raise StaleDemoError("it holds no credentials")
    conductor = _section(credentials, "conductor", "api_key", "end_user_id")
    try:
        organization, company = authenticate_company(uow, conductor["api_key"], conductor["end_user_id"])
    except AuthError as error:
        raise StaleDemoError(f"Conductor says: {error.message}") from None
    renewed = False
    for name, api, lifetime in OAUTH_BLOCKS:
        block = _section(credentials, name, "access_token", "refresh_token", "client_id", "client_secret")
        if _acts_in(uow, block["access_token"], api, organization, company):
            continue
        tokens = _refreshed(uow, block, api, lifetime) or _granted(
            uow, credentials["freshbooks"], block, api, lifetime, organization, company
        )
        if not _acts_in(uow, tokens["access_token"], api, organization, company):
            raise StaleDemoError(f"its {name} app does not act in its company")
        block.update(access_token=tokens["access_token"], refresh_token=tokens["refresh_token"])
        renewed = True
    return credentials, renewed


def _section(credentials: dict[str, Any], name: str, *keys: str) -> dict[str, Any]:
    section = credentials.get(name)
    if not isinstance(section, dict) or not all(isinstance(section.get(key), str) for key in keys):
        raise StaleDemoError(f"its {name} block is missing or incomplete")
    return section


def _acts_in(
    uow: UnitOfWork, access_token: str, api: OAuthApi, organization: Organization, company: Company
) -> bool:
    """Whether the token opens the demo's company on ``api`` now and will still in TOKEN_MARGIN."""
    try:
        caller = authenticate_bearer(uow, f"Bearer {access_token}", api, now=utc_now() + TOKEN_MARGIN)
    except AuthError:
        return False
    return caller.organization_key == organization.key and caller.company_key == company.key


def _refreshed(uow: UnitOfWork, block: dict[str, Any], api: OAuthApi, lifetime: int) -> dict[str, Any] | None:
    """New tokens from the refresh token, through the token endpoint's own code path; None if refused."""
    params = {
        "grant_type": "refresh_token",
        "refresh_token": block["refresh_token"],
        "client_id": block["client_id"],
        "client_secret": block["client_secret"],
    }
    return _tokens(issue_token(uow, params, None, lifetime, api))


def _granted(
    uow: UnitOfWork,
    freshbooks: dict[str, Any],
    block: dict[str, Any],
    api: OAuthApi,
    lifetime: int,
    organization: Organization,
    company: Company,
) -> dict[str, Any]:
    """New tokens as if the demo's person (whose login the FreshBooks block keeps) signed in again
    and approved the app (the refresh token was spent, revoked or never stored here); StaleDemoError
    if the login or the app is gone."""
    login = freshbooks.get("login")
    redirect_uri, scopes = block.get("redirect_uri"), freshbooks.get("scopes")
    if not isinstance(login, dict) or not isinstance(redirect_uri, str) or not isinstance(scopes, list):
        raise StaleDemoError("its freshbooks block is incomplete")
    try:
        person = verify_login(uow, organization.key, str(login.get("email")), str(login.get("password")))
        if person is None:
            raise StaleDemoError("its FreshBooks login no longer signs in")
        if person.company_key != company.key:
            raise StaleDemoError("its FreshBooks login belongs to another company")
        response = grant_without_consent(
            uow,
            block["client_id"],
            block["client_secret"],
            redirect_uri,
            company.key,
            person.person_key,
            [str(scope) for scope in scopes] if api is OAuthApi.FRESHBOOKS else [],
            lifetime,
            api,
        )
    except AuthError as error:
        raise StaleDemoError(f"FreshBooks says: {error.message}") from None
    tokens = _tokens(response)
    if tokens is None:
        raise StaleDemoError(f"FreshBooks says: {response.body.get('error', 'the grant was refused')}")
    return tokens


def _tokens(response: OAuthResponse) -> dict[str, Any] | None:
    return response.body if response.status == 200 and "refresh_token" in response.body else None
