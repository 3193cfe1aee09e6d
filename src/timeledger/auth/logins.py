"""Person logins: the email and password a person signs in with to approve an app (OAuth consent).

Unlike API keys and tokens, passwords are chosen by people and may be guessable, so they are
stored salted and stretched with scrypt, and compared in constant time. Checking one costs 16 MiB
and tens of milliseconds, so a request's check runs on a worker thread, a few at a time, never on
the event loop; and failed sign-ins are counted in the database, per email and per app, so that
guessing stops being worth it long before it could succeed.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import os
import secrets
import sys
import threading
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from timeledger.auth.errors import AuthError, LoginThrottledError
from timeledger.auth.keys import hash_secret
from timeledger.ledger.clock import utc_now
from timeledger.ledger.credentials import CredentialRepository, PersonLogin
from timeledger.ledger.errors import NotFoundError
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.tenancy import Company
from timeledger.ledger.values import PERSON_KINDS

T = TypeVar("T")

# scrypt cost: 16 MiB and some tens of milliseconds per check (RFC 7914's interactive-login figures).
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
MIN_PASSWORD_LENGTH = 8

# At most this many checks run at once per server process, on threads of their own: 64 MiB of scrypt
# at most, and the shared thread pool (40 threads, where PostgreSQL store calls run) never fills with
# hashing. More would not finish sooner on a machine of a few cores; a flood of sign-ins queues here.
CONCURRENT_PASSWORD_CHECKS = 4
PASSWORD_CHECK_NICENESS = 10

# Failed sign-ins allowed in any FAILURE_WINDOW (a sliding window) before passwords stop being checked.
# Per email in an organization, whether or not a login has it (else throttling would tell which emails
# exist): 10 leaves someone who mistypes or half-remembers room for several tries, while a guesser gets
# 40 an hour, under 1,000 a day, at one account (NIST SP 800-63B asks for at most 100 consecutive
# failures). The cost: whoever keeps failing with your email keeps you out until 15 minutes after they stop.
FAILURES_PER_EMAIL = 10
# Per OAuth client, whatever the emails: spraying a few common passwords over many emails never trips
# the per-email limit. 100 is ten people using up their allowance at once, more than honest typos
# through one app in 15 minutes. The cost: a flood keeps everyone from approving that app (tokens
# already issued keep working) until 15 minutes after it stops.
FAILURES_PER_CLIENT = 100
FAILURE_WINDOW = timedelta(minutes=15)


def _deprioritise_this_thread() -> None:
    """Off the loop is not enough: on a machine of two CPUs, four checks and the event loop share them,
    and every request waits its turn. At nice +10 a check yields the CPU to the loop whenever the loop
    has work, so a flood of sign-ins slows sign-ins, not everyone. Linux only: there the nice value
    is per thread (setpriority(2), NOTES); elsewhere it is per process, so it is left alone."""
    if sys.platform == "linux":
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), PASSWORD_CHECK_NICENESS)


# Dedicated threads rather than anyio's shared pool: a nice value cannot be lowered again without
# privilege, so a thread that hashed once must only ever hash.
_password_checks = ThreadPoolExecutor(
    CONCURRENT_PASSWORD_CHECKS, "password-check", initializer=_deprioritise_this_thread
)


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


# Checked when no login matches (see check_login).
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


class RunStore(Protocol):
    """How an async caller runs one blocking store step: inline or on a worker thread, whichever its
    backend wants (``dialects/scaffold/blocking.py``)."""

    def __call__(self, function: Callable[..., T], /, *args: Any) -> Awaitable[T]: ...


async def check_login(
    run_store: RunStore,
    uow: UnitOfWork,
    client_key: int,
    organization_key: int,
    email: str,
    password: str,
) -> PersonLogin:
    """The login ``email`` names in the organization, if ``password`` is its password; signing in
    through OAuth client ``client_key``.

    Refuses with LoginThrottledError, without looking at the password (a throttled guess learns
    nothing, right or wrong), while the email or the client has had too many failures lately; else
    with AuthError ``invalid_login`` if the email or password is wrong. Three steps, so that neither
    a transaction nor the event loop waits on scrypt: count the attempt as failed, check the password
    on a worker thread, and on success forget this email's failures (nobody else's).
    """
    email_hash = hash_secret(email.strip().casefold())
    login = await run_store(_start_attempt, uow, client_key, organization_key, email, email_hash)
    # Checked when no login matches, so a wrong email costs as long as a wrong password.
    stored = login.password_hash if login is not None else _DECOY
    checking = asyncio.get_running_loop().run_in_executor(_password_checks, verify_password, password, stored)
    matches = await checking
    if login is None or not matches:
        raise AuthError("invalid_login", "The email or password is not right.")
    await run_store(_forget_failures, uow, organization_key, email_hash)
    return login


def _start_attempt(
    uow: UnitOfWork, client_key: int, organization_key: int, email: str, email_hash: str
) -> PersonLogin | None:
    """Refuse a throttled attempt; else read the login and count the attempt as failed, committed.

    Counted before the password is checked, not after: then N concurrent guesses each see the others
    and at most the limit get checked, and the count stands even if the check never finishes. An
    attempt refused here is not counted, so the throttle lifts a window after the last real failure.
    """
    now = utc_now()
    # First in a read transaction, so that refusing a flood takes no write lock; then again under the
    # client's lock, since another attempt may have been counted in between.
    with uow:
        _refuse_if_throttled(uow.credentials, client_key, organization_key, email_hash, now)
    with uow.write():
        uow.credentials.lock_client(client_key)
        _refuse_if_throttled(uow.credentials, client_key, organization_key, email_hash, now)
        login = uow.credentials.login_by_email(organization_key, email)
        uow.credentials.forget_client_failures_before(client_key, now - FAILURE_WINDOW)
        uow.credentials.add_login_failure(client_key, organization_key, email_hash, now)
        uow.commit()
    return login


def _refuse_if_throttled(
    credentials: CredentialRepository, client_key: int, organization_key: int, email_hash: str, now: datetime
) -> None:
    """LoginThrottledError if the email or the client had its limit of failures in the last window: it
    may sign in again when the limit-th latest of them leaves the window (the later, if both)."""
    since = now - FAILURE_WINDOW
    latest = (
        (
            credentials.nth_latest_email_failure(organization_key, email_hash, since, FAILURES_PER_EMAIL),
            "with this email",
        ),
        (credentials.nth_latest_client_failure(client_key, since, FAILURES_PER_CLIENT), "through this app"),
    )
    throttles = [(at + FAILURE_WINDOW, what) for at, what in latest if at is not None]
    if throttles:
        until, what = max(throttles)
        raise LoginThrottledError(what, until, now)


def _forget_failures(uow: UnitOfWork, organization_key: int, email_hash: str) -> None:
    with uow.write():
        uow.credentials.forget_email_failures(organization_key, email_hash)
        uow.commit()


def verify_login(uow: UnitOfWork, organization_key: int, email: str, password: str) -> PersonLogin | None:
    """For operators (the CLI checking the demo's printed login): the login if ``password`` is its
    password, else None. On the calling thread, unthrottled and uncounted: not for requests."""
    with uow:
        login = uow.credentials.login_by_email(organization_key, email)
    return login if login is not None and verify_password(password, login.password_hash) else None


def login_of(uow: UnitOfWork, person_key: int) -> PersonLogin | None:
    with uow:
        return uow.credentials.login_of(person_key)
