"""Person logins: the email and password a person signs in with to approve an app (OAuth consent).

Unlike API keys and tokens, passwords are chosen by people and may be guessable, so they are
stored salted and stretched with scrypt, and compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from timeledger.auth.errors import AuthError
from timeledger.ledger.clock import utc_now
from timeledger.ledger.credentials import PersonLogin
from timeledger.ledger.errors import NotFoundError
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.tenancy import Company
from timeledger.ledger.values import PERSON_KINDS

# scrypt cost: 16 MiB and some tens of milliseconds per check (RFC 7914's interactive-login figures).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P)
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate.hex(), digest)


# Checked when no login matches, so a wrong email costs as long as a wrong password.
_DECOY = hash_password(secrets.token_urlsafe(16))


def set_password(uow: UnitOfWork, company: Company, person_key: int, email: str, password: str) -> None:
    """Let a person of ``company`` sign in with ``email`` and ``password`` (replacing any earlier login)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AuthError("invalid_password", f"A password needs at least {MIN_PASSWORD_LENGTH} characters.")
    if "@" not in email:
        raise AuthError("invalid_password", f'"{email}" is not an email address.')
    now = utc_now()
    hashed = hash_password(password)
    with uow.write():
        person = uow.lists.get(company.key, PERSON_KINDS, person_key)
        if person is None:
            raise NotFoundError("No person has that id.")
        taken = uow.credentials.login_by_email(company.organization_key, email)
        if taken is not None and taken.person_key != person_key:
            raise AuthError("invalid_password", f'"{email}" already signs someone else in.')
        uow.credentials.set_login(person_key, company.organization_key, company.key, email, hashed, now)
        uow.commit()


def check_login(uow: UnitOfWork, organization_key: int, email: str, password: str) -> PersonLogin:
    """The login ``email`` names in the organization, if ``password`` is its password; else AuthError."""
    with uow:
        login = uow.credentials.login_by_email(organization_key, email)
    matches = verify_password(password, login.password_hash if login else _DECOY)
    if login is None or not matches:
        raise AuthError("invalid_login", "The email or password is not right.")
    return login


def login_of(uow: UnitOfWork, person_key: int) -> PersonLogin | None:
    with uow:
        return uow.credentials.login_of(person_key)
