"""Organization secret keys: shown once, stored only as a SHA-256 hash.

A key carries 256 random bits, so an unsalted fast hash is enough: there is nothing to guess,
and the hash can be looked up directly on every request.
"""

from __future__ import annotations

import hashlib
import secrets

from timeledger.auth.errors import AuthError
from timeledger.ledger.clock import utc_now
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.tenancy import Company, Organization

SECRET_PREFIX = "sk_tl_"
PUBLISHABLE_PREFIX = "pk_tl_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def create_organization(uow: UnitOfWork, name: str) -> tuple[Organization, str]:
    """A new organization with its first secret key; the key is returned once and never again."""
    now = utc_now()
    secret = new_secret(SECRET_PREFIX)
    with uow.write():
        organization = uow.tenancy.add_organization(name, new_secret(PUBLISHABLE_PREFIX), now)
        uow.tenancy.add_api_key(organization.key, hash_secret(secret), secret[:10], now)
        uow.commit()
    return organization, secret


def create_api_key(uow: UnitOfWork, publishable_key: str) -> str:
    """Another secret key for the organization whose publishable key is given."""
    now = utc_now()
    secret = new_secret(SECRET_PREFIX)
    with uow.write():
        organization = uow.tenancy.organization_by_publishable_key(publishable_key)
        if organization is None:
            raise AuthError("invalid_publishable_key", "No organization has that publishable key.")
        uow.tenancy.add_api_key(organization.key, hash_secret(secret), secret[:10], now)
        uow.commit()
    return secret


def revoke_api_key(uow: UnitOfWork, secret: str) -> None:
    """Revoke a secret key: from the next request on, in every server process, it is refused (no
    process keeps authentication it could not check against the database)."""
    with uow.write():
        if not uow.tenancy.remove_api_key(hash_secret(secret)):
            raise AuthError("invalid_api_key", "No organization has that secret key.")
        uow.commit()


def bearer_secret(authorization: str | None) -> str:
    """The secret in an ``Authorization: Bearer <secret>`` header, or AuthError."""
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise AuthError(
            "invalid_api_key", "Missing or malformed Authorization header; send `Bearer <secret key>`."
        )
    return secret.strip()


def authenticate_organization(uow: UnitOfWork, secret: str) -> Organization:
    with uow:
        organization = uow.tenancy.organization_by_key_hash(hash_secret(secret))
    if organization is None:
        raise AuthError("invalid_api_key", "The API key provided is invalid.")
    return organization


def authenticate_company(
    uow: UnitOfWork, secret: str, end_user_id: str | None
) -> tuple[Organization, Company]:
    """The organization behind ``secret`` and its connected company ``end_user_id``, in one read.

    Order matters: a bad key is 401 whatever else is wrong, so nobody learns which end user ids exist.
    """
    with uow:
        found = uow.tenancy.company_for_key_hash(hash_secret(secret), end_user_id or "")
    if found is None:
        raise AuthError("invalid_api_key", "The API key provided is invalid.")
    organization, company = found
    if not end_user_id:
        raise AuthError("missing_end_user", 'Missing required header "Conductor-End-User-Id".')
    if company is None:
        raise AuthError("unknown_end_user", f'No end user with id "{end_user_id}" exists.')
    if company.connection is None:
        raise AuthError(
            "connection_not_set_up",
            f'The end user "{end_user_id}" has not set up its QuickBooks Desktop connection yet.',
        )
    return organization, company
