"""Who owns what: organizations own credentials, companies are sets of books (Conductor end users)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Organization:
    key: int
    name: str
    publishable_key: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Connection:
    """The company's QuickBooks Desktop connection, set up through an auth session."""

    key: int
    public_id: str
    created_at: datetime
    last_request_at: datetime | None
    last_successful_request_at: datetime | None


@dataclass(frozen=True, slots=True)
class Company:
    """One set of books. ``public_id`` is the end user id Conductor callers name it by."""

    key: int
    organization_key: int
    public_id: str
    name: str
    email: str
    source_id: str
    created_at: datetime
    connection: Connection | None = None
    home_currency_code: str = "USD"
    time_zone: str = "UTC"  # IANA; the zone of every person without one of their own


@dataclass(frozen=True, slots=True)
class AuthSession:
    """A link that connects a company. ``client_secret`` (which the link carries) is set only on the
    record creating the session returns: the store keeps just its SHA-256, so a read has ``None``."""

    public_id: str
    company_public_id: str
    client_secret: str | None
    created_at: datetime
    expires_at: datetime
    redirect_url: str | None
