"""The OAuth 2.0 authorization server (RFC 6749 authorization-code grant with rotating refresh
tokens, RFC 7009 revocation), shared by every dialect that speaks OAuth (FreshBooks, QuickBooks Time).

The protocol is oauthlib's ``WebApplicationServer``; this module is its ``RequestValidator`` over our
store, plus the few calls dialects make. Each call is one transaction: the validator reads and writes
through the unit of work the call opened, and the call commits once at the end. Dialects shape the
responses (paths, error bodies, extra token fields); nothing here knows a wire format beyond OAuth's.

Lifetimes: a code lives 5 minutes and is used once (a second use revokes every token it begat); an
access token lives as long as its dialect says; a refresh token lives until used, revoked or replayed.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import unquote

from oauthlib.common import Request as OAuthRequest
from oauthlib.oauth2 import RequestValidator, WebApplicationServer
from oauthlib.oauth2.rfc6749 import errors as oauth_errors

from timeledger.auth.errors import AuthError
from timeledger.auth.keys import hash_secret
from timeledger.auth.logins import RunStore, check_login
from timeledger.auth.scopes import ALL_SCOPES, ALWAYS_GRANTED, satisfies
from timeledger.ledger.clock import utc_now
from timeledger.ledger.credentials import AuthorizationCode, OAuthClient, OAuthToken, PersonLogin
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.tenancy import Company

CODE_LIFETIME = timedelta(minutes=5)
CLIENT_ID_PREFIX = "tl_client_"
GRANT_TYPES = ("authorization_code", "refresh_token")


def _new_token(_request: object = None) -> str:
    return secrets.token_urlsafe(32)


@dataclass(frozen=True, slots=True)
class OAuthCaller:
    """Who a valid access token acts as: one person in one company, with the scopes approved."""

    token_key: int
    client_key: int
    organization_key: int
    company_key: int
    person_key: int
    scopes: frozenset[str]

    def require(self, scope: str) -> None:
        if not satisfies(self.scopes, scope):
            raise AuthError("insufficient_scope", f"This action needs the {scope} scope.")


class OAuthApi(StrEnum):
    """The APIs one authorization server serves. A code is approved for one, and its tokens open only
    that one: a FreshBooks token is no QuickBooks Time token, though the app and the person are the same."""

    FRESHBOOKS = "freshbooks"
    QUICKBOOKS_TIME = "quickbooks_time"


@dataclass(frozen=True, slots=True)
class ConsentRequest:
    """A valid authorization request, to show a person before they approve it."""

    client_name: str
    client_key: int
    organization_key: int
    scopes: tuple[str, ...]
    redirect_uri: str
    api: OAuthApi


@dataclass(frozen=True, slots=True)
class OAuthResponse:
    """What oauthlib answered: a status, headers, and (for token calls) the JSON body as a dict.

    ``company_key``/``person_key`` name who an issued token acts as, for dialects that say so.
    """

    status: int
    headers: Mapping[str, str]
    body: dict[str, Any]
    company_key: int | None = None
    person_key: int | None = None


class _Validator(RequestValidator):  # type: ignore[misc]
    """oauthlib's questions, answered from the store inside the caller's open transaction."""

    def __init__(self, uow: UnitOfWork, now: datetime, api: str) -> None:
        self.uow = uow
        self.now = now
        self.api = api  # the API whose endpoint is asking: its codes and tokens only
        self.issued: tuple[int, int] | None = None

    # --- clients --------------------------------------------------------------------------------

    def _client(self, client_id: str | None, request: OAuthRequest) -> OAuthClient | None:
        if not client_id:
            return None
        client = self.uow.credentials.client(client_id)
        if client is not None:
            request.client = client
        return client

    def validate_client_id(self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        return self._client(client_id, request) is not None

    def client_authentication_required(self, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        return True  # every client is confidential: it holds a secret

    def authenticate_client(self, request: OAuthRequest, *args: Any, **kwargs: Any) -> bool:
        """The secret from the body (FreshBooks' SDK) or from HTTP Basic (generic OAuth clients)."""
        client_id, secret = request.client_id, request.client_secret
        basic = _basic_credentials(request.headers.get("Authorization"))
        if basic is not None:
            client_id, secret = basic
        client = self._client(client_id, request)
        if client is None or not secret:
            return False
        request.client_id = client.client_id
        return hmac.compare_digest(hash_secret(secret), client.secret_hash)

    def authenticate_client_id(
        self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        return False  # no public clients

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        return grant_type in GRANT_TYPES

    def validate_response_type(
        self,
        client_id: str,
        response_type: str,
        client: Any,
        request: OAuthRequest,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        return response_type == "code"

    def validate_redirect_uri(
        self, client_id: str, redirect_uri: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        client = request.client or self._client(client_id, request)
        return client is not None and redirect_uri in client.redirect_uris

    def get_default_redirect_uri(
        self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> str | None:
        client = request.client or self._client(client_id, request)
        return client.redirect_uris[0] if client is not None and len(client.redirect_uris) == 1 else None

    # --- scopes -----------------------------------------------------------------------------------

    def get_default_scopes(
        self, client_id: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> list[str]:
        client = request.client or self._client(client_id, request)
        return list(client.scopes) if client is not None else []

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        client = request.client or self._client(client_id, request)
        if client is None:
            return False
        if self.api is OAuthApi.QUICKBOOKS_TIME:
            # QuickBooks Time has no scopes: its clients send none, or an empty one (reference §7).
            request.scopes = []
            return True
        if not all(s in client.scopes for s in scopes):
            return False
        # FreshBooks grants the profile scope to every app whether asked or not.
        request.scopes = list(dict.fromkeys([*scopes, *(s for s in ALWAYS_GRANTED if s in client.scopes)]))
        return True

    # --- authorization codes ----------------------------------------------------------------------

    def is_pkce_required(self, client_id: str, request: OAuthRequest) -> bool:
        return False

    def get_code_challenge(self, code: str, request: OAuthRequest) -> None:
        return None

    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        self.uow.credentials.add_code(
            hash_secret(code["code"]),
            request.client.key,
            request.company_key,
            request.person_key,
            request.redirect_uri,
            request.scopes,
            self.now,
            self.now + CODE_LIFETIME,
            self.api,
        )

    def validate_code(
        self, client_id: str, code: str, client: OAuthClient, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        found = self.uow.credentials.code(hash_secret(code))
        if found is None or found.client_key != client.key or found.api != self.api:
            return False
        if found.used_at is not None:
            # RFC 6749 §4.1.2: a code used twice was probably stolen; revoke what it granted.
            self.uow.credentials.revoke_code_tokens(found.key, self.now)
            return False
        if found.expires_at <= self.now:
            return False
        request.code_record = found
        request.scopes = list(found.scopes)
        request.company_key, request.person_key = found.company_key, found.person_key
        request.user = found.person_key
        return True

    def confirm_redirect_uri(
        self,
        client_id: str,
        code: str,
        redirect_uri: str,
        client: Any,
        request: OAuthRequest,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        found: AuthorizationCode | None = getattr(request, "code_record", None)
        return found is not None and redirect_uri == found.redirect_uri

    def invalidate_authorization_code(
        self, client_id: str, code: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        self.uow.credentials.use_code(request.code_record.key, self.now)

    # --- tokens -------------------------------------------------------------------------------------

    def validate_refresh_token(
        self, refresh_token: str, client: OAuthClient, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> bool:
        token = self.uow.credentials.token_by_refresh(hash_secret(refresh_token))
        if token is None or token.client_key != client.key or token.revoked_at is not None:
            return False
        if token.api != self.api:
            return False
        if token.rotated_at is not None:
            # A spent refresh token came back: someone holds a copy. End the whole chain.
            if token.code_key is not None:
                self.uow.credentials.revoke_code_tokens(token.code_key, self.now)
            self.uow.credentials.revoke_token(token.key, self.now)
            return False
        request.old_token = token
        request.company_key, request.person_key = token.company_key, token.person_key
        request.user = token.person_key
        return True

    def get_original_scopes(
        self, refresh_token: str, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> list[str]:
        return list(request.old_token.scopes)

    def rotate_refresh_token(self, request: OAuthRequest) -> bool:
        return True

    def save_bearer_token(
        self, token: dict[str, Any], request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        old: OAuthToken | None = getattr(request, "old_token", None)
        code: AuthorizationCode | None = getattr(request, "code_record", None)
        if old is not None:
            self.uow.credentials.rotate_token(old.key, self.now)
        self.uow.credentials.add_token(
            hash_secret(token["access_token"]),
            hash_secret(token["refresh_token"]) if "refresh_token" in token else None,
            request.client.key,
            request.company_key,
            request.person_key,
            code.key if code is not None else (old.code_key if old is not None else None),
            token.get("scope", "").split(),
            self.now,
            self.now + timedelta(seconds=int(token["expires_in"])),
            self.api,
        )
        self.issued = (request.company_key, request.person_key)

    def revoke_token(
        self, token: str, token_type_hint: str | None, request: OAuthRequest, *args: Any, **kwargs: Any
    ) -> None:
        """Revoke an access or refresh token of this client; both halves of the pair stop working."""
        hashed = hash_secret(token)
        found = self.uow.credentials.token_by_access(hashed) or self.uow.credentials.token_by_refresh(hashed)
        if found is not None and found.client_key == request.client.key and found.api == self.api:
            self.uow.credentials.revoke_token(found.key, self.now)


def _basic_credentials(header: str | None) -> tuple[str, str] | None:
    scheme, _, encoded = (header or "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return unquote(client_id), unquote(secret)


def _server(validator: _Validator, expires_in: int) -> WebApplicationServer:
    return WebApplicationServer(
        validator, token_generator=_new_token, token_expires_in=expires_in, refresh_token_generator=_new_token
    )


# --- what dialects call ------------------------------------------------------------------------------


def create_oauth_client(
    uow: UnitOfWork,
    publishable_key: str,
    name: str,
    redirect_uris: Sequence[str],
    scopes: Sequence[str] = ALL_SCOPES,
) -> tuple[OAuthClient, str]:
    """Register an app for the organization; its secret is returned once and kept only as a hash."""
    unknown = [s for s in scopes if s not in ALL_SCOPES]
    if unknown:
        raise AuthError("invalid_scope", f"Unknown scopes: {', '.join(unknown)}.")
    if not redirect_uris or not all(uri.startswith(("https://", "http://")) for uri in redirect_uris):
        raise AuthError("invalid_redirect_uri", "Give at least one absolute http(s) redirect URI.")
    now = utc_now()
    secret = secrets.token_urlsafe(32)
    with uow.write():
        organization = uow.tenancy.organization_by_publishable_key(publishable_key)
        if organization is None:
            raise AuthError("invalid_publishable_key", "No organization has that publishable key.")
        client = uow.credentials.add_client(
            organization.key,
            CLIENT_ID_PREFIX + secrets.token_urlsafe(18),
            hash_secret(secret),
            name,
            redirect_uris,
            scopes,
            now,
        )
        uow.commit()
    return client, secret


def validate_authorization(
    uow: UnitOfWork, uri: str, api: OAuthApi, required: Sequence[str] = ()
) -> ConsentRequest:
    """Check an authorization request for ``api`` before showing it to a person; ``required`` names
    the parameters that API insists on beyond OAuth's (QuickBooks Time: ``redirect_uri``, ``state``).

    A bad client or redirect URI is AuthError (show it; never redirect to an unverified URI); any
    other fault is an ``OAuthRedirect`` back to the app, as RFC 6749 §4.1.2.1 asks.
    """
    try:
        given = dict(OAuthRequest(uri).uri_query_params)
    except ValueError as error:  # a query string oauthlib cannot read (a lone "%")
        raise AuthError("invalid_authorization_request", str(error)) from None
    if "redirect_uri" in required and not given.get("redirect_uri"):
        raise AuthError("invalid_authorization_request", "The redirect_uri parameter is required.")
    with uow:
        validator = _Validator(uow, utc_now(), api)
        try:
            scopes, credentials = _server(validator, 0).validate_authorization_request(uri)
        except oauth_errors.FatalClientError as error:
            raise AuthError("invalid_authorization_request", _describe(error)) from None
        except oauth_errors.OAuth2Error as error:
            raise OAuthRedirect(error.in_uri(error.redirect_uri)) from None
        except ValueError as error:
            raise AuthError("invalid_authorization_request", str(error)) from None
        client: OAuthClient = credentials["request"].client
    missing = [name for name in required if not given.get(name)]
    if missing:
        error = oauth_errors.InvalidRequestError(description=f"The {missing[0]} parameter is required.")
        raise OAuthRedirect(error.in_uri(credentials["redirect_uri"]))
    return ConsentRequest(
        client.name, client.key, client.organization_key, tuple(scopes), credentials["redirect_uri"], api
    )


async def approve_authorization(
    run_store: RunStore, uow: UnitOfWork, uri: str, api: OAuthApi, email: str, password: str
) -> str:
    """A person signed in and approved: the redirect (with a code) to send their browser to.

    The person must belong to the client's organization; the code acts in their company. Async, and
    each store step its own transaction run by ``run_store``, because the password check between
    them must not hold the event loop (``auth/logins.py``).
    """
    consent = await run_store(validate_authorization, uow, uri, api)
    login = await check_login(run_store, uow, consent.client_key, consent.organization_key, email, password)
    return await run_store(_issue_code, uow, uri, consent, login)


def _issue_code(uow: UnitOfWork, uri: str, consent: ConsentRequest, login: PersonLogin) -> str:
    with uow.write():
        validator = _Validator(uow, utc_now(), consent.api)
        headers, _, _ = _server(validator, 0).create_authorization_response(
            uri,
            scopes=list(consent.scopes),
            credentials={"company_key": login.company_key, "person_key": login.person_key},
        )
        uow.commit()
    return str(headers["Location"])


def deny_authorization(uow: UnitOfWork, uri: str, api: OAuthApi) -> str:
    """The person said no: the redirect that tells the app (``error=access_denied``)."""
    consent = validate_authorization(uow, uri, api)
    error = oauth_errors.AccessDeniedError(description="The person declined to authorize the app.")
    state = dict(OAuthRequest(uri).uri_query_params).get("state")
    if state:
        error.state = state
    return str(error.in_uri(consent.redirect_uri))


def issue_token(
    uow: UnitOfWork, params: Mapping[str, str], authorization: str | None, expires_in: int, api: OAuthApi
) -> OAuthResponse:
    """``api``'s token endpoint: exchange a code or a refresh token issued for that API. ``params`` is
    the parsed body, however it was encoded; ``authorization`` the HTTP Authorization header (Basic
    client credentials)."""
    with uow.write():
        validator = _Validator(uow, utc_now(), api)
        headers, body, status = _server(validator, expires_in).create_token_response(
            "https://timeledger.invalid/token",
            http_method="POST",
            body=dict(params),
            headers={"Authorization": authorization} if authorization else {},
        )
        # Committed whatever the outcome: a replayed code or refresh token revokes what it begat.
        uow.commit()
    issued = validator.issued
    answer = json.loads(body) if body else {}
    if answer.get("error_description") == oauth_errors.MismatchingRedirectURIError.description:
        # RFC 6749 §5.2: a code sent with another redirect URI than it was issued for is an invalid
        # grant; oauthlib reports it as an invalid request.
        answer["error"] = "invalid_grant"
    return OAuthResponse(
        status,
        dict(headers),
        answer,
        company_key=issued[0] if issued else None,
        person_key=issued[1] if issued else None,
    )


def revoke_token(
    uow: UnitOfWork, params: Mapping[str, str], authorization: str | None, api: OAuthApi
) -> OAuthResponse:
    """RFC 7009: revoke an access or refresh token of ``api``; an unknown token is no error."""
    with uow.write():
        validator = _Validator(uow, utc_now(), api)
        headers, body, status = _server(validator, 0).create_revocation_response(
            "https://timeledger.invalid/revoke",
            http_method="POST",
            body=dict(params),
            headers={"Authorization": authorization} if authorization else {},
        )
        uow.commit()
    return OAuthResponse(status, dict(headers), json.loads(body) if body else {})


def authenticate_bearer(
    uow: UnitOfWork, authorization: str | None, api: OAuthApi, now: datetime | None = None
) -> OAuthCaller:
    """Who the ``Authorization: Bearer`` access token acts as on ``api``; AuthError ``invalid_token``
    if nobody (a token of another API included)."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("invalid_token", "This action requires authentication to continue.")
    with uow:
        found = uow.credentials.token_by_access(hash_secret(token.strip()))
    now = now or utc_now()
    if found is None or found.revoked_at is not None or found.expires_at <= now or found.api != api:
        raise AuthError("invalid_token", "The access token is invalid, expired or revoked.")
    return OAuthCaller(
        found.key,
        found.client_key,
        found.organization_key,
        found.company_key,
        found.person_key,
        frozenset(found.scopes),
    )


def company_of(uow: UnitOfWork, company_key: int) -> Company:
    """The company a token acts in; AuthError ``invalid_token`` if it is gone."""
    with uow:
        company = uow.credentials.company_by_key(company_key)
    if company is None:
        raise AuthError("invalid_token", "The access token is invalid, expired or revoked.")
    return company


class OAuthRedirect(Exception):
    """Not an error to show: send the browser to ``location`` (the app's redirect URI with an error)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def _describe(error: oauth_errors.OAuth2Error) -> str:
    return error.description or error.error.replace("_", " ")


def grant_without_consent(
    uow: UnitOfWork,
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    login_company_key: int,
    person_key: int,
    scopes: Sequence[str],
    expires_in: int,
    api: OAuthApi = OAuthApi.FRESHBOOKS,
) -> OAuthResponse:
    """Tokens for a person as if they had approved the app: for operators (``timeledger demo``) only.

    The code is stored as the consent page would store it and redeemed through the token endpoint's
    own path, so the tokens are exactly what an app would hold after the real flow.
    """
    code = _new_token()
    now = utc_now()
    with uow.write():
        client = uow.credentials.client(client_id)
        if client is None:
            raise AuthError("invalid_client", "No OAuth client has that id.")
        uow.credentials.add_code(
            hash_secret(code),
            client.key,
            login_company_key,
            person_key,
            redirect_uri,
            scopes,
            now,
            now + CODE_LIFETIME,
            api,
        )
        uow.commit()
    params = {
        "grant_type": "authorization_code",
        "client_id": client_id,
        "client_secret": client_secret,
        "redirect_uri": redirect_uri,
        "code": code,
    }
    return issue_token(uow, params, None, expires_in, api)


def stand_in_token(uow: UnitOfWork, access_hash: str, lifetime: timedelta) -> tuple[str, int] | None:
    """A new access token acting as the token whose hash is ``access_hash`` does (client, company,
    person, scopes, API), living ``lifetime``, and its key (to revoke it once used): what the
    sandbox replays a logged request with, the original being kept only as its hash. None if that
    token is unknown."""
    with uow.write():
        found = uow.credentials.token_by_access(access_hash)
        if found is None:
            return None
        token, now = _new_token(), utc_now()
        uow.credentials.add_token(
            hash_secret(token), None, found.client_key, found.company_key, found.person_key, None,
            found.scopes, now, now + lifetime, found.api,
        )  # fmt: skip
        made = uow.credentials.token_by_access(hash_secret(token))
        uow.commit()
    assert made is not None
    return token, made.key


def revoke_stand_in(uow: UnitOfWork, token_key: int) -> None:
    with uow.write():
        uow.credentials.revoke_token(token_key, utc_now())
        uow.commit()
