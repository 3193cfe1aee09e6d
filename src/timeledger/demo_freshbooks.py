"""The FreshBooks part of ``timeledger demo``: an OAuth app, a person who can sign in to approve it,
and tokens for that person, ready for ``freshbooks-sdk``."""

from __future__ import annotations

import secrets
from typing import Any

from timeledger.auth.logins import set_password
from timeledger.auth.oauth import create_oauth_client, grant_without_consent
from timeledger.auth.scopes import ALL_SCOPES
from timeledger.dialects.freshbooks.ids import render_account_id
from timeledger.dialects.freshbooks.routes import ACCESS_TOKEN_SECONDS
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.queries import ListQuery
from timeledger.ledger.services.lists import list_list_entries
from timeledger.ledger.tenancy import Company, Organization
from timeledger.ledger.values import ListKind

DEMO_IDENTITY_EMAIL = "ada@example.com"


def freshbooks_credentials(
    uow: UnitOfWork, organization: Organization, company: Company, base_url: str
) -> dict[str, Any]:
    """Register an app, let the demo's first employee sign in, and grant the app every scope as her."""
    redirect_uri = f"{base_url}/oauth/callback"
    client, secret = create_oauth_client(
        uow, organization.publishable_key, "Demo time tracking app", [redirect_uri], ALL_SCOPES
    )
    query = ListQuery(kind=ListKind.EMPLOYEE, field_equals=(("email", DEMO_IDENTITY_EMAIL),), limit=1)
    person = list_list_entries(uow, company.key, query).items[0]
    password = secrets.token_urlsafe(12)
    set_password(uow, company, person.key, DEMO_IDENTITY_EMAIL, password)
    tokens = grant_without_consent(
        uow, client.client_id, secret, redirect_uri, company.key, person.key, ALL_SCOPES, ACCESS_TOKEN_SECONDS
    ).body
    return {
        "api_url": base_url,
        "auth_url": base_url,
        "client_id": client.client_id,
        "client_secret": secret,
        "redirect_uri": redirect_uri,
        "access_token": tokens["access_token"],
        "refresh_token": tokens["refresh_token"],
        "scopes": list(ALL_SCOPES),
        "business_id": company.key,
        "account_id": render_account_id(company.key),
        "identity_id": person.key,
        "login": {"email": DEMO_IDENTITY_EMAIL, "password": password},
    }
