"""OAuth clients, authorization codes, tokens, person logins and failed sign-ins. Secrets (and the
emails failed sign-ins tried) arrive already hashed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, bindparam, delete, insert, select, update

from timeledger.ledger.credentials import AuthorizationCode, OAuthClient, OAuthToken, PersonLogin
from timeledger.ledger.tenancy import Company
from timeledger.store.hot import Hot
from timeledger.store.tables import (
    companies,
    login_failures,
    oauth_clients,
    oauth_codes,
    oauth_tokens,
    person_logins,
)


def _scopes(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _client(row: RowMapping) -> OAuthClient:
    return OAuthClient(
        key=row["id"],
        organization_key=row["organization_id"],
        client_id=row["client_id"],
        secret_hash=row["secret_hash"],
        name=row["name"],
        redirect_uris=tuple(row["redirect_uris"]),
        scopes=_scopes(row["scopes"]),
        created_at=row["created_at"],
    )


def _token(row: Mapping[str, Any]) -> OAuthToken:
    return OAuthToken(
        key=row["id"],
        client_key=row["client_id"],
        organization_key=row["organization_id"],
        company_key=row["company_id"],
        person_key=row["person_id"],
        code_key=row["code_id"],
        scopes=_scopes(row["scopes"]),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        rotated_at=row["rotated_at"],
        revoked_at=row["revoked_at"],
        api=row["api"],
    )


def _login(row: RowMapping) -> PersonLogin:
    return PersonLogin(
        row["person_id"], row["organization_id"], row["company_id"], row["email"], row["password_hash"]
    )


# A token is only as good as its company: a deleted company's tokens find nothing.
_TOKEN = (
    select(oauth_tokens, companies.c.organization_id)
    .join(companies, companies.c.id == oauth_tokens.c.company_id)
    .where(companies.c.deleted_at.is_(None))
)
_LIVE_COMPANY = Hot(
    select(companies).where(companies.c.id == bindparam("id"), companies.c.deleted_at.is_(None))
)
_TOKEN_BY_ACCESS = Hot(_TOKEN.where(oauth_tokens.c.access_hash == bindparam("access_hash")))


class SqlCredentialRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def add_client(
        self,
        organization_key: int,
        client_id: str,
        secret_hash: str,
        name: str,
        redirect_uris: Sequence[str],
        scopes: Sequence[str],
        now: datetime,
    ) -> OAuthClient:
        self._conn.execute(
            insert(oauth_clients).values(
                organization_id=organization_key,
                client_id=client_id,
                secret_hash=secret_hash,
                name=name,
                redirect_uris=list(redirect_uris),
                scopes=" ".join(scopes),
                created_at=now,
            )
        )
        client = self.client(client_id)
        assert client is not None
        return client

    def client(self, client_id: str) -> OAuthClient | None:
        row = (
            self._conn.execute(select(oauth_clients).where(oauth_clients.c.client_id == client_id))
            .mappings()
            .first()
        )
        return _client(row) if row else None

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
    ) -> None:
        self._conn.execute(
            insert(oauth_codes).values(
                api=api,
                code_hash=code_hash,
                client_id=client_key,
                company_id=company_key,
                person_id=person_key,
                redirect_uri=redirect_uri,
                scopes=" ".join(scopes),
                created_at=now,
                expires_at=expires_at,
            )
        )

    def code(self, code_hash: str) -> AuthorizationCode | None:
        row = (
            self._conn.execute(select(oauth_codes).where(oauth_codes.c.code_hash == code_hash))
            .mappings()
            .first()
        )
        if row is None:
            return None
        return AuthorizationCode(
            key=row["id"],
            client_key=row["client_id"],
            company_key=row["company_id"],
            person_key=row["person_id"],
            redirect_uri=row["redirect_uri"],
            scopes=_scopes(row["scopes"]),
            created_at=row["created_at"],
            expires_at=row["expires_at"],
            used_at=row["used_at"],
            api=row["api"],
        )

    def use_code(self, code_key: int, now: datetime) -> None:
        self._conn.execute(update(oauth_codes).where(oauth_codes.c.id == code_key).values(used_at=now))

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
    ) -> None:
        self._conn.execute(
            insert(oauth_tokens).values(
                api=api,
                access_hash=access_hash,
                refresh_hash=refresh_hash,
                client_id=client_key,
                company_id=company_key,
                person_id=person_key,
                code_id=code_key,
                scopes=" ".join(scopes),
                created_at=now,
                expires_at=expires_at,
            )
        )

    def token_by_access(self, access_hash: str) -> OAuthToken | None:
        row = _TOKEN_BY_ACCESS.first(self._conn, {"access_hash": access_hash})
        return _token(row) if row else None

    def token_by_refresh(self, refresh_hash: str) -> OAuthToken | None:
        row = self._conn.execute(_TOKEN.where(oauth_tokens.c.refresh_hash == refresh_hash)).mappings().first()
        return _token(row) if row else None

    def rotate_token(self, token_key: int, now: datetime) -> None:
        self._conn.execute(update(oauth_tokens).where(oauth_tokens.c.id == token_key).values(rotated_at=now))

    def revoke_token(self, token_key: int, now: datetime) -> None:
        self._conn.execute(
            update(oauth_tokens)
            .where(oauth_tokens.c.id == token_key, oauth_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def revoke_code_tokens(self, code_key: int, now: datetime) -> None:
        self._conn.execute(
            update(oauth_tokens)
            .where(oauth_tokens.c.code_id == code_key, oauth_tokens.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def company_by_key(self, company_key: int) -> Company | None:
        row = _LIVE_COMPANY.first(self._conn, {"id": company_key})
        if row is None:
            return None
        return Company(
            key=row["id"],
            organization_key=row["organization_id"],
            public_id=row["public_id"],
            name=row["name"],
            email=row["email"],
            source_id=row["source_id"],
            created_at=row["created_at"],
            home_currency_code=row["home_currency_code"],
            time_zone=row["time_zone"],
        )

    def set_login(
        self,
        person_key: int,
        organization_key: int,
        company_key: int,
        email: str,
        password_hash: str,
        now: datetime,
    ) -> None:
        values = {"email": email, "email_key": email.casefold(), "password_hash": password_hash}
        if self.login_of(person_key) is None:
            self._conn.execute(
                insert(person_logins).values(
                    person_id=person_key,
                    organization_id=organization_key,
                    company_id=company_key,
                    created_at=now,
                    updated_at=now,
                    **values,
                )
            )
        else:
            self._conn.execute(
                update(person_logins)
                .where(person_logins.c.person_id == person_key)
                .values(updated_at=now, **values)
            )

    def login_by_email(self, organization_key: int, email: str) -> PersonLogin | None:
        row = (
            self._conn.execute(
                select(person_logins).where(
                    person_logins.c.organization_id == organization_key,
                    person_logins.c.email_key == email.strip().casefold(),
                )
            )
            .mappings()
            .first()
        )
        return _login(row) if row else None

    def login_of(self, person_key: int) -> PersonLogin | None:
        row = (
            self._conn.execute(select(person_logins).where(person_logins.c.person_id == person_key))
            .mappings()
            .first()
        )
        return _login(row) if row else None

    # --- failed sign-ins ------------------------------------------------------------------------------

    def lock_client(self, client_key: int) -> None:
        # FOR UPDATE on PostgreSQL; SQLite renders none and needs none: its write transaction holds
        # the whole database from BEGIN IMMEDIATE.
        self._conn.execute(
            select(oauth_clients.c.id).where(oauth_clients.c.id == client_key).with_for_update()
        )

    def add_login_failure(
        self, client_key: int, organization_key: int, email_hash: str, now: datetime
    ) -> None:
        self._conn.execute(
            insert(login_failures).values(
                client_id=client_key,
                organization_id=organization_key,
                email_hash=email_hash,
                attempted_at=now,
            )
        )

    def nth_latest_email_failure(
        self, organization_key: int, email_hash: str, since: datetime, n: int
    ) -> datetime | None:
        return self._nth_latest(
            (login_failures.c.organization_id == organization_key, login_failures.c.email_hash == email_hash),
            since,
            n,
        )

    def nth_latest_client_failure(self, client_key: int, since: datetime, n: int) -> datetime | None:
        return self._nth_latest((login_failures.c.client_id == client_key,), since, n)

    def _nth_latest(self, where: tuple[ColumnElement[bool], ...], since: datetime, n: int) -> datetime | None:
        # Walks at most n entries of one index range (ix_login_failures_email / _client), newest first.
        return self._conn.execute(
            select(login_failures.c.attempted_at)
            .where(*where, login_failures.c.attempted_at > since)
            .order_by(login_failures.c.attempted_at.desc())
            .offset(n - 1)
            .limit(1)
        ).scalar()

    def forget_email_failures(self, organization_key: int, email_hash: str) -> None:
        self._conn.execute(
            delete(login_failures).where(
                login_failures.c.organization_id == organization_key,
                login_failures.c.email_hash == email_hash,
            )
        )

    def forget_client_failures_before(self, client_key: int, before: datetime) -> None:
        self._conn.execute(
            delete(login_failures).where(
                login_failures.c.client_id == client_key, login_failures.c.attempted_at <= before
            )
        )
