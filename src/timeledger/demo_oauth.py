"""The OAuth part of ``timeledger demo``: one app, a person who can sign in to approve it, and that
person's tokens for each OAuth API (FreshBooks, QuickBooks Time), ready for ``freshbooks-sdk`` and
for ``timeledger qbtime``. One authorization server: the same app and person, a token per API."""

from __future__ import annotations

import secrets
from typing import Any

from timeledger.auth.logins import set_password
from timeledger.auth.oauth import OAuthApi, create_oauth_client, grant_without_consent
from timeledger.auth.scopes import ALL_SCOPES
from timeledger.dialects.freshbooks.ids import render_account_id, render_business_id, render_identity_id
from timeledger.dialects.freshbooks.routes import ACCESS_TOKEN_SECONDS as FRESHBOOKS_TOKEN_SECONDS
from timeledger.dialects.quickbooks_time.routes import ACCESS_TOKEN_SECONDS as QUICKBOOKS_TIME_TOKEN_SECONDS
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.queries import ListQuery
from timeledger.ledger.services.lists import list_list_entries
from timeledger.ledger.tenancy import Company, Organization
from timeledger.ledger.values import ListKind

DEMO_IDENTITY_EMAIL = "ada@example.com"


def oauth_credentials(
    uow: UnitOfWork,
    organization: Organization,
    company: Company,
    base_url: str,
    login_email: str | None = None,
) -> dict[str, dict[str, Any]]:
    """Register an app, let the demo's first employee sign in, and grant the app, as her, every
    FreshBooks scope and QuickBooks Time (which has no scopes). She signs in as ``login_email``
    (default her own email): a login names one person in its organization."""
    login_email = login_email or DEMO_IDENTITY_EMAIL
    redirect_uri = f"{base_url}/oauth/callback"
    client, secret = create_oauth_client(
        uow, organization.publishable_key, "Demo time tracking app", [redirect_uri], ALL_SCOPES
    )
    query = ListQuery(kind=ListKind.EMPLOYEE, field_equals=(("email", DEMO_IDENTITY_EMAIL),), limit=1)
    person = list_list_entries(uow, company.key, query).items[0]
    password = secrets.token_urlsafe(12)
    set_password(uow, company, person.key, login_email, password)

    def tokens(api: OAuthApi, scopes: tuple[str, ...], lifetime: int) -> dict[str, Any]:
        granted = grant_without_consent(
            uow, client.client_id, secret, redirect_uri, company.key, person.key, scopes, lifetime, api
        )
        return granted.body

    freshbooks = tokens(OAuthApi.FRESHBOOKS, ALL_SCOPES, FRESHBOOKS_TOKEN_SECONDS)
    quickbooks_time = tokens(OAuthApi.QUICKBOOKS_TIME, (), QUICKBOOKS_TIME_TOKEN_SECONDS)
    return {
        "freshbooks": {
            "api_url": base_url,
            "auth_url": base_url,
            "client_id": client.client_id,
            "client_secret": secret,
            "redirect_uri": redirect_uri,
            "access_token": freshbooks["access_token"],
            "refresh_token": freshbooks["refresh_token"],
            "scopes": list(ALL_SCOPES),
            "business_id": render_business_id(company.key),
            "account_id": render_account_id(company.key),
            "identity_id": render_identity_id(person.key),
            "login": {"email": login_email, "password": password},
        },
        "quickbooks_time": {
            "base_url": f"{base_url}/api/v1",
            "client_id": client.client_id,
            "client_secret": secret,
            "redirect_uri": redirect_uri,
            "access_token": quickbooks_time["access_token"],
            "refresh_token": quickbooks_time["refresh_token"],
            "company_id": str(company.key),
            "user_id": str(person.key),
        },
    }
