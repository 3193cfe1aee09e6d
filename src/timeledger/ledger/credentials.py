"""Credentials people and apps hold besides API keys: OAuth 2.0 clients, authorization codes and
tokens, the logins people sign in with to approve an app, and their failed sign-ins. Records and the
storage port only: the protocol is ``auth/oauth.py``, the sign-in rules ``auth/logins.py``. Every
secret here is a SHA-256 hash, never the secret; so is the email a failed sign-in tried.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from timeledger.ledger.tenancy import Company


@dataclass(frozen=True, slots=True)
class OAuthClient:
    """An app an organization registered. ``client_id`` is public; only the secret's hash is kept."""

    key: int
    organization_key: int
    client_id: str
    secret_hash: str
    name: str
    redirect_uris: tuple[str, ...]
    scopes: tuple[str, ...]
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuthorizationCode:
    """What a person approved, redeemable once, briefly, by the app it was issued to."""

    key: int
    client_key: int
    company_key: int
    person_key: int
    redirect_uri: str
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    api: str = "freshbooks"  # the API it was approved for; its tokens work there only


@dataclass(frozen=True, slots=True)
class OAuthToken:
    """An access token and its refresh token, acting as one person in one company.

    ``code_key`` is the authorization code the chain of refreshes began with. ``rotated_at``: the
    refresh token was spent (refresh tokens are single-use); the access token lives on to expiry.
    """

    key: int
    client_key: int
    organization_key: int
    company_key: int
    person_key: int
    code_key: int | None
    scopes: tuple[str, ...]
    created_at: datetime
    expires_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None
    api: str = "freshbooks"  # the only API the token opens


@dataclass(frozen=True, slots=True)
class PersonLogin:
    """How a person signs in: an email, unique in the organization, and a salted password hash."""

    person_key: int
    organization_key: int
    company_key: int
    email: str
    password_hash: str


class CredentialRepository(Protocol):
    def add_client(
        self,
        organization_key: int,
        client_id: str,
        secret_hash: str,
        name: str,
        redirect_uris: Sequence[str],
        scopes: Sequence[str],
        now: datetime,
    ) -> OAuthClient: ...

    def client(self, client_id: str) -> OAuthClient | None: ...

    def add_code(
        self,
        code_hash: str,
        client_key: int,
        company_key: int,
        person_key: int,
        redirect_uri: str,
        scopes: Sequence[str],
        now: datetime,
        expires_at: datetime,
        api: str = "freshbooks",
    ) -> None: ...

    def code(self, code_hash: str) -> AuthorizationCode | None: ...

    def use_code(self, code_key: int, now: datetime) -> None: ...

    def add_token(
        self,
        access_hash: str,
        refresh_hash: str | None,
        client_key: int,
        company_key: int,
        person_key: int,
        code_key: int | None,
        scopes: Sequence[str],
        now: datetime,
        expires_at: datetime,
        api: str = "freshbooks",
    ) -> None: ...

    def token_by_access(self, access_hash: str) -> OAuthToken | None:
        """The token, if its company still exists."""
        ...

    def token_by_refresh(self, refresh_hash: str) -> OAuthToken | None: ...

    def rotate_token(self, token_key: int, now: datetime) -> None: ...

    def revoke_token(self, token_key: int, now: datetime) -> None: ...

    def revoke_code_tokens(self, code_key: int, now: datetime) -> None:
        """Revoke every token descended from one authorization code."""
        ...

    def company_by_key(self, company_key: int) -> Company | None: ...

    def set_login(
        self,
        person_key: int,
        organization_key: int,
        company_key: int,
        email: str,
        password_hash: str,
        now: datetime,
    ) -> None:
        """Create or replace the person's login."""
        ...

    def login_by_email(self, organization_key: int, email: str) -> PersonLogin | None: ...

    def login_of(self, person_key: int) -> PersonLogin | None: ...

    def lock_client(self, client_key: int) -> None:
        """Until this transaction ends, other sign-in checks through the client wait for it, so two
        concurrent guesses cannot both see the count below the limit."""
        ...

    def add_login_failure(
        self, client_key: int, organization_key: int, email_hash: str, now: datetime
    ) -> None:
        """Count a sign-in attempt through the client with the email (hashed) as failed."""
        ...

    def nth_latest_email_failure(
        self, organization_key: int, email_hash: str, since: datetime, n: int
    ) -> datetime | None:
        """When the ``n``-th most recent failure with this email after ``since`` was; None if fewer."""
        ...

    def nth_latest_client_failure(self, client_key: int, since: datetime, n: int) -> datetime | None:
        """When the ``n``-th most recent failure through this client after ``since`` was; None if fewer."""
        ...

    def forget_email_failures(self, organization_key: int, email_hash: str) -> None:
        """Forget every failure with this email (through any client), as after it signs in."""
        ...

    def forget_client_failures_before(self, client_key: int, before: datetime) -> None:
        """Drop the client's failures too old to count any more."""
        ...
