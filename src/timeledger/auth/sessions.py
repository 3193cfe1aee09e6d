"""Auth sessions: the link a person follows to connect their company's QuickBooks Desktop.

timeledger has no Web Connector on the other side, so following the link is the whole setup:
it marks the company connected. The secret in the link is shown once, when the session is created,
and stored only as its SHA-256 (``auth/keys.py``): it carries ~124 random bits, nothing to guess.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from timeledger.auth.errors import AuthError
from timeledger.auth.keys import hash_secret
from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import NotFoundError
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.services.companies import public_token
from timeledger.ledger.tenancy import AuthSession, Company, Organization


def create_auth_session(
    uow: UnitOfWork,
    organization: Organization,
    publishable_key: str,
    end_user_id: str,
    link_expiry_minutes: float,
    redirect_url: str | None,
) -> AuthSession:
    """A new link for the organization's end user; the returned record alone holds its secret."""
    now = utc_now()
    if publishable_key != organization.publishable_key:
        raise AuthError(
            "invalid_publishable_key", "The publishable key does not belong to this organization."
        )
    client_secret = public_token("auth_sess_client_secret_", 24)
    with uow.write():
        company = uow.tenancy.company(organization.key, end_user_id)
        if company is None:
            raise NotFoundError(f'No end user with id "{end_user_id}" exists.')
        session = uow.tenancy.add_auth_session(
            company,
            public_token("auth_sess_"),
            hash_secret(client_secret),
            now,
            now + timedelta(minutes=link_expiry_minutes),
            redirect_url,
        )
        uow.commit()
    return replace(session, client_secret=client_secret)


def complete_auth_session(uow: UnitOfWork, client_secret: str) -> tuple[AuthSession, Company]:
    """Follow an auth session's link: connect the company, unless the link expired."""
    now = utc_now()
    with uow.write():
        found = uow.tenancy.auth_session_by_secret_hash(hash_secret(client_secret))
        if found is None:
            raise NotFoundError("This setup link is not valid.")
        session, company = found
        if session.expires_at < now:
            raise AuthError("expired_auth_session", "This setup link has expired. Ask for a new one.")
        company = uow.tenancy.connect(company, public_token("int_conn_"), now)
        uow.commit()
    return session, company
