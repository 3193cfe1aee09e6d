"""Organizations, their secret keys, companies (end users), connections and auth sessions."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, RowMapping, bindparam, delete, insert, select, update

from timeledger.ledger.tenancy import AuthSession, Company, Organization
from timeledger.ledger.tenancy import Connection as QbdConnection
from timeledger.store.hot import Hot
from timeledger.store.tables import api_keys, auth_sessions, companies, connections, organizations

_COMPANY = select(
    companies,
    connections.c.id.label("conn_id"),
    connections.c.public_id.label("conn_public_id"),
    connections.c.created_at.label("conn_created_at"),
    connections.c.last_request_at,
    connections.c.last_successful_request_at,
).select_from(companies.outerjoin(connections, connections.c.company_id == companies.c.id))

# Every request authenticates with this: built once, since building and hashing it per call cost
# more than running it (bench/run.py).
_named_company = _COMPANY.where(
    companies.c.public_id == bindparam("public_id"), companies.c.deleted_at.is_(None)
).subquery()
_KEY_AND_COMPANY = Hot(
    select(
        organizations.c.id.label("org_id"),
        organizations.c.name.label("org_name"),
        organizations.c.publishable_key,
        organizations.c.created_at.label("org_created_at"),
        *_named_company.c,
    )
    .select_from(
        api_keys.join(organizations, organizations.c.id == api_keys.c.organization_id).outerjoin(
            _named_company, _named_company.c.organization_id == organizations.c.id
        )
    )
    .where(api_keys.c.key_hash == bindparam("key_hash"))
)


def _organization(row: RowMapping) -> Organization:
    return Organization(row["id"], row["name"], row["publishable_key"], row["created_at"])


def _company(row: Mapping[str, Any]) -> Company:
    connection = None
    if row["conn_id"] is not None:
        connection = QbdConnection(
            row["conn_id"],
            row["conn_public_id"],
            row["conn_created_at"],
            row["last_request_at"],
            row["last_successful_request_at"],
        )
    return Company(
        key=row["id"],
        organization_key=row["organization_id"],
        public_id=row["public_id"],
        name=row["name"],
        email=row["email"],
        source_id=row["source_id"],
        created_at=row["created_at"],
        connection=connection,
        home_currency_code=row["home_currency_code"],
        time_zone=row["time_zone"],
    )


class SqlTenancyRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_organization(self, name: str, publishable_key: str, now: datetime) -> Organization:
        key = self._conn.execute(
            insert(organizations).values(name=name, publishable_key=publishable_key, created_at=now)
        ).inserted_primary_key[0]
        return Organization(key, name, publishable_key, now)

    def add_api_key(self, organization_key: int, key_hash: str, prefix: str, now: datetime) -> None:
        self._conn.execute(
            insert(api_keys).values(
                organization_id=organization_key, key_hash=key_hash, prefix=prefix, created_at=now
            )
        )

    def remove_api_key(self, key_hash: str) -> bool:
        return bool(self._conn.execute(delete(api_keys).where(api_keys.c.key_hash == key_hash)).rowcount)

    def organization_by_key_hash(self, key_hash: str) -> Organization | None:
        row = (
            self._conn.execute(
                select(organizations)
                .join(api_keys, api_keys.c.organization_id == organizations.c.id)
                .where(api_keys.c.key_hash == key_hash)
            )
            .mappings()
            .first()
        )
        return _organization(row) if row else None

    def organization_by_publishable_key(self, publishable_key: str) -> Organization | None:
        row = (
            self._conn.execute(
                select(organizations).where(organizations.c.publishable_key == publishable_key)
            )
            .mappings()
            .first()
        )
        return _organization(row) if row else None

    def add_company(
        self,
        organization_key: int,
        public_id: str,
        name: str,
        email: str,
        source_id: str,
        now: datetime,
        home_currency_code: str = "USD",
        time_zone: str = "UTC",
    ) -> Company:
        key = self._conn.execute(
            insert(companies).values(
                organization_id=organization_key,
                public_id=public_id,
                name=name,
                email=email,
                source_id=source_id,
                created_at=now,
                home_currency_code=home_currency_code,
                time_zone=time_zone,
            )
        ).inserted_primary_key[0]
        return Company(
            key,
            organization_key,
            public_id,
            name,
            email,
            source_id,
            now,
            home_currency_code=home_currency_code,
            time_zone=time_zone,
        )

    def company(self, organization_key: int, public_id: str) -> Company | None:
        row = (
            self._conn.execute(
                _COMPANY.where(
                    companies.c.organization_id == organization_key,
                    companies.c.public_id == public_id,
                    companies.c.deleted_at.is_(None),
                )
            )
            .mappings()
            .first()
        )
        return _company(row) if row else None

    def company_for_key_hash(
        self, key_hash: str, public_id: str
    ) -> tuple[Organization, Company | None] | None:
        """One round trip per request: the key's organization, outer-joined to the named live company."""
        row = _KEY_AND_COMPANY.first(self._conn, {"key_hash": key_hash, "public_id": public_id})
        if row is None:
            return None
        organization = Organization(
            row["org_id"], row["org_name"], row["publishable_key"], row["org_created_at"]
        )
        return organization, (_company(row) if row["id"] is not None else None)

    def companies(self, organization_key: int) -> list[Company]:
        rows = (
            self._conn.execute(
                _COMPANY.where(
                    companies.c.organization_id == organization_key, companies.c.deleted_at.is_(None)
                ).order_by(companies.c.id)
            )
            .mappings()
            .all()
        )
        return [_company(r) for r in rows]

    def delete_company(self, company: Company, now: datetime) -> None:
        self._conn.execute(update(companies).where(companies.c.id == company.key).values(deleted_at=now))

    def add_auth_session(
        self,
        company: Company,
        public_id: str,
        client_secret_hash: str,
        now: datetime,
        expires_at: datetime,
        redirect_url: str | None,
    ) -> AuthSession:
        self._conn.execute(
            insert(auth_sessions).values(
                company_id=company.key,
                public_id=public_id,
                client_secret_hash=client_secret_hash,
                created_at=now,
                expires_at=expires_at,
                redirect_url=redirect_url,
            )
        )
        return AuthSession(public_id, company.public_id, None, now, expires_at, redirect_url)

    def auth_session_by_secret_hash(self, client_secret_hash: str) -> tuple[AuthSession, Company] | None:
        row = (
            self._conn.execute(
                select(auth_sessions).where(auth_sessions.c.client_secret_hash == client_secret_hash)
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        company_row = (
            self._conn.execute(
                _COMPANY.where(companies.c.id == row["company_id"], companies.c.deleted_at.is_(None))
            )
            .mappings()
            .first()
        )
        if company_row is None:
            return None
        company = _company(company_row)
        session = AuthSession(
            row["public_id"],
            company.public_id,
            None,
            row["created_at"],
            row["expires_at"],
            row["redirect_url"],
        )
        return session, company

    def connect(self, company: Company, public_id: str, now: datetime) -> Company:
        if company.connection is None:
            self._conn.execute(
                insert(connections).values(company_id=company.key, public_id=public_id, created_at=now)
            )
        row = self._conn.execute(_COMPANY.where(companies.c.id == company.key)).mappings().one()
        return _company(row)

    def touch_connection(self, company: Company, now: datetime) -> None:
        self._conn.execute(
            update(connections)
            .where(connections.c.company_id == company.key)
            .values(last_request_at=now, last_successful_request_at=now)
        )
