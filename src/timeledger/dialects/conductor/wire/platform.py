"""Conductor's own objects: end users (our companies) and auth sessions (the link that connects a
company's QuickBooks Desktop)."""

from __future__ import annotations

from typing import Any

from timeledger.dialects.conductor.errors import invalid_request
from timeledger.dialects.conductor.wire.validation import render, validate_body
from timeledger.dialects.conductor.wire.values import render_platform_timestamp
from timeledger.ledger.tenancy import AuthSession, Company

# An auth session's link lives "at least 15 minutes and no more than 7 days" (the spec's
# ``linkExpiryMins``), 30 minutes unless asked.
LINK_EXPIRY_MINUTES = (15, 7 * 24 * 60)
DEFAULT_LINK_EXPIRY_MINUTES = 30


def parse_end_user(body: object) -> tuple[str, str, str]:
    """(company name, email, source id) of a new end user."""
    fields = validate_body("end_users.create", body)
    return fields["companyName"], fields["email"], fields["sourceId"]


def parse_auth_session(body: object) -> tuple[str, str, float, str | None]:
    """(publishable key, end user id, link lifetime in minutes, redirect URL) of a new auth session."""
    fields = validate_body("auth_sessions.create", body)
    minutes = fields.get("linkExpiryMins", DEFAULT_LINK_EXPIRY_MINUTES)
    low, high = LINK_EXPIRY_MINUTES
    if not low <= minutes <= high:
        raise invalid_request(
            f'Invalid request body: "linkExpiryMins" must be at least {low} and at most {high} (7 days).'
        )
    return fields["publishableKey"], fields["endUserId"], minutes, fields.get("redirectUrl")


def render_end_user(company: Company) -> dict[str, Any]:
    connections = []
    if company.connection is not None:
        c = company.connection
        connections.append(
            {
                "id": c.public_id,
                "objectType": "integration_connection",
                "createdAt": render_platform_timestamp(c.created_at),
                "integrationSlug": "quickbooks_desktop",
                "lastRequestAt": render_platform_timestamp(c.last_request_at) if c.last_request_at else None,
                "lastSuccessfulRequestAt": render_platform_timestamp(c.last_successful_request_at)
                if c.last_successful_request_at
                else None,
            }
        )
    return render(
        "end_user",
        {
            "id": company.public_id,
            "objectType": "end_user",
            "createdAt": render_platform_timestamp(company.created_at),
            "companyName": company.name,
            "email": company.email,
            "sourceId": company.source_id,
            "integrationConnections": connections,
        },
    )


def render_auth_session(session: AuthSession, auth_flow_url: str) -> dict[str, Any]:
    return render(
        "auth_session",
        {
            "id": session.public_id,
            "objectType": "auth_session",
            "createdAt": render_platform_timestamp(session.created_at),
            "endUserId": session.company_public_id,
            "clientSecret": session.client_secret,
            "authFlowUrl": auth_flow_url,
            "expiresAt": render_platform_timestamp(session.expires_at),
            "redirectUrl": session.redirect_url,
        },
    )
