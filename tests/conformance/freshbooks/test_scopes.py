"""A token without the scope an endpoint needs: 403 with FreshBooks' own sentence, whose ``Required``
list clients parse (reference §9), in every family alike."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from freshbooks import Client, FreshBooksError

from tests.conformance.freshbooks.conftest import Business, sign_in
from tests.conformance.freshbooks.refusals import not_found
from timeledger.auth.keys import hash_secret
from timeledger.ledger.clock import utc_now
from timeledger.store.unit_of_work import SqlUnitOfWork

SENTENCE = "insufficient_scope: The request requires higher privileges than provided by the access token."


def _parsed(message: str) -> tuple[list[str], list[str]]:
    """(provided, required) as a client reads them out of the message."""
    found = re.fullmatch(re.escape(SENTENCE) + r" Provided: (\[.*\])\. Required: (\[.*\])\.", message)
    assert found, message
    return ast.literal_eval(found[1]), ast.literal_eval(found[2])


@pytest.fixture(scope="module")
def reader(business: Business, app_credentials: dict[str, Any]) -> Client:
    """The module's person, signed in again with time entry reads only."""
    return sign_in(app_credentials, business.email, ["user:time_entries:read"])


def _refusal(call: Callable[[], Any]) -> FreshBooksError:
    with pytest.raises(FreshBooksError) as excinfo:
        call()
    assert excinfo.value.status_code == 403, excinfo.value.raw_response
    return excinfo.value


def test_a_write_with_a_read_token_names_the_write_scope(reader: Client, business: Business) -> None:
    error = _refusal(
        lambda: reader.time_entries.create(
            business.business_id, {"is_logged": True, "duration": 60, "started_at": "2026-01-01T00:00:00Z"}
        )
    )
    assert error.raw_response == {
        "message": f"{SENTENCE} Provided: ['user:profile:read user:time_entries:read']. "
        "Required: ['user:time_entries:write']."
    }
    assert (str(error), error.error_code) == (error.raw_response["message"], None)
    provided, required = _parsed(str(error))
    assert (provided, required) == (["user:profile:read user:time_entries:read"], ["user:time_entries:write"])


@pytest.mark.parametrize(
    ("name", "required"),
    [
        ("time entry write", "user:time_entries:write"),
        ("projects", "user:projects:read"),
        ("services", "user:billable_items:read"),
        ("clients", "user:clients:read"),
    ],
)
def test_every_family_answers_in_the_same_words(
    reader: Client, business: Business, name: str, required: str
) -> None:
    bid, aid = business.business_id, business.account_id
    calls = {
        "time entry write": lambda: reader.time_entries.delete(bid, 1),
        "projects": lambda: reader.projects.list(bid),
        "services": lambda: reader.services.list(bid),
        "clients": lambda: reader.clients.list(aid),  # accounting: the SDK says "Unknown error"
    }
    error = _refusal(calls[name])
    assert set(error.raw_response) == {"message"}
    assert _parsed(error.raw_response["message"])[1] == [required]


def test_the_identity_endpoint_answers_in_the_same_words(
    business: Business, app_credentials: dict[str, Any], uow: SqlUnitOfWork
) -> None:
    """Every app is granted the profile scope, so only a token minted without it (here, in the
    database) can meet this refusal."""
    code, now = "a-code-without-the-profile-scope", utc_now()
    with uow.write():
        client = uow.credentials.client(app_credentials["client_id"])
        assert client is not None
        uow.credentials.add_code(
            hash_secret(code),
            client.key,
            business.company_key,
            business.person_key,
            app_credentials["redirect_uri"],
            ["user:time_entries:read"],
            now,
            now + timedelta(minutes=5),
        )
        uow.commit()
    tokens = httpx.post(
        f"{app_credentials['api_url']}/auth/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": app_credentials["client_id"],
            "client_secret": app_credentials["client_secret"],
            "redirect_uri": app_credentials["redirect_uri"],
        },
    ).json()
    me = httpx.get(
        f"{app_credentials['api_url']}/auth/api/v1/users/me",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert me.status_code == 403
    assert me.json() == {
        "message": f"{SENTENCE} Provided: ['user:time_entries:read']. Required: ['user:profile:read']."
    }


def test_another_business_is_not_found_before_any_scope_is_checked(reader: Client, new_business: Any) -> None:
    other = new_business()
    with pytest.raises(FreshBooksError) as excinfo:
        reader.projects.list(other.business_id)
    not_found(excinfo)


def test_a_write_scope_also_reads(business: Business, app_credentials: dict[str, Any]) -> None:
    writer = sign_in(app_credentials, business.email, ["user:projects:write"])
    assert writer.projects.list(business.business_id).pages.page == 1
