"""Team members: ``GET /auth/api/v1/businesses/{business_id}/team_members`` (FreshBooks' "Team
Members" page), the business's people with the ``identity_id`` its time entries carry. The SDK has no
method for it, so these tests call it with httpx, as an integration would."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from conductor import Conductor

from tests.conformance.freshbooks.conftest import Business, sign_in

NOT_FOUND = {"error": "not_found", "error_description": "Requested resource could not be found."}
SENTENCE = "insufficient_scope: The request requires higher privileges than provided by the access token."

# Every field of the documented example, in its order.
FIELDS = [
    "uuid",
    "first_name",
    "middle_name",
    "last_name",
    "email",
    "job_title",
    "street_1",
    "street_2",
    "city",
    "province",
    "country",
    "postal_code",
    "phone_number",
    "business_id",
    "business_role_name",
    "active",
    "identity_id",
    "invitation_date_accepted",
    "created_at",
    "updated_at",
]


def _team_members(
    business: Business, business_id: int | None = None, token: str | None = None, **params: Any
) -> httpx.Response:
    return httpx.get(
        f"{business.fb.base_url}/auth/api/v1/businesses/{business_id or business.business_id}/team_members",
        params=params,
        headers={"Authorization": f"Bearer {token or business.fb.access_token}"},
    )


def _members(business: Business, **params: Any) -> list[dict[str, Any]]:
    response = _team_members(business, per_page=100, **params)
    assert response.status_code == 200, response.text
    return response.json()["response"]


def _employee(qbd_client: Conductor, business: Business, first: str, last: str) -> Any:
    return qbd_client.qbd.employees.create(
        first_name=first,
        last_name=last,
        email=f"{first.lower()}-{uuid.uuid4().hex[:6]}@example.com",
        conductor_end_user_id=business.end_user_id,
    )


def test_the_signed_in_person_is_a_team_member_with_their_identity_id(business: Business) -> None:
    me = business.fb.current_user()
    mine = [m for m in _members(business) if m["email"] == business.email]
    assert len(mine) == 1
    member = mine[0]
    assert list(member) == FIELDS
    assert (member["identity_id"], member["business_id"]) == (me.identity_id, business.business_id)
    assert (member["first_name"], member["middle_name"], member["last_name"]) == ("Simon", None, "Kovalic")
    assert member["active"] is True and member["business_role_name"] == "owner"
    assert member["created_at"].endswith("Z") and member["updated_at"].endswith("Z")
    assert str(uuid.UUID(member["uuid"])) == member["uuid"]


def test_a_teammates_identity_id_names_them_on_a_time_entry(
    business: Business, qbd_client: Conductor
) -> None:
    teammate = _employee(qbd_client, business, "Grace", "Hopper")
    member = next(m for m in _members(business) if m["email"] == teammate.email)
    assert (member["first_name"], member["last_name"]) == ("Grace", "Hopper")
    entry = business.fb.time_entries.create(
        business.business_id,
        {
            "is_logged": True,
            "duration": 600,
            "started_at": "2026-02-02T09:00:00Z",
            "identity_id": member["identity_id"],
        },
    )
    assert entry.identity_id == member["identity_id"]
    activity = qbd_client.qbd.time_tracking_activities.list(
        conductor_end_user_id=business.end_user_id, entity_ids=[teammate.id]
    ).data
    assert [a.entity.full_name for a in activity] == ["Grace Hopper"]


def test_the_list_pages_with_page_and_per_page(business: Business, qbd_client: Conductor) -> None:
    for name in ("Pat", "Sam"):
        _employee(qbd_client, business, name, "Pager")
    everyone = _members(business)
    first, second = (_team_members(business, page=n, per_page=1) for n in (1, 2))
    assert first.status_code == second.status_code == 200
    assert first.json()["meta"] == {"page": 1, "pages": len(everyone), "per_page": 1, "total": len(everyone)}
    assert second.json()["meta"]["page"] == 2
    shown = [m["uuid"] for page in (first, second) for m in page.json()["response"]]
    assert len(shown) == len(set(shown)) == 2
    assert set(shown) <= {m["uuid"] for m in everyone}
    past = _team_members(business, page=len(everyone) + 1, per_page=1)
    assert past.json()["response"] == []


def test_active_filters_team_members(business: Business, qbd_client: Conductor) -> None:
    leaver = _employee(qbd_client, business, "Lee", "Leaver")
    qbd_client.qbd.employees.update(
        leaver.id,
        revision_number=leaver.revision_number,
        is_active=False,
        conductor_end_user_id=business.end_user_id,
    )
    by_email = {m["email"]: m for m in _members(business)}
    assert by_email[leaver.email]["active"] is False
    active = {m["email"] for m in _members(business, active="true")}
    inactive = {m["email"] for m in _members(business, active="false")}
    assert business.email in active and leaver.email not in active
    assert inactive == {leaver.email}


def test_a_vendor_is_not_a_team_member(business: Business, qbd_client: Conductor) -> None:
    vendor = qbd_client.qbd.vendors.create(
        name=f"Contractor {uuid.uuid4().hex[:6]}", conductor_end_user_id=business.end_user_id
    )
    assert vendor.name not in {f"{m['first_name']} {m['last_name']}".strip() for m in _members(business)}


def test_a_token_without_the_teams_scope_is_refused_with_the_scope_it_needs(
    business: Business, app_credentials: dict[str, Any]
) -> None:
    reader = sign_in(app_credentials, business.email, ["user:time_entries:read"])
    response = _team_members(business, token=reader.access_token)
    assert response.status_code == 403
    assert response.json() == {
        "message": f"{SENTENCE} Provided: ['user:profile:read user:time_entries:read']. "
        "Required: ['user:teams:read']."
    }


def test_a_token_with_the_teams_scope_alone_reads_them(
    business: Business, app_credentials: dict[str, Any]
) -> None:
    reader = sign_in(app_credentials, business.email, ["user:teams:read"])
    response = _team_members(business, token=reader.access_token)
    assert response.status_code == 200
    assert business.email in {m["email"] for m in response.json()["response"]}


def test_another_business_is_not_found_before_any_scope_is_checked(
    business: Business, new_business: Callable[..., Business], app_credentials: dict[str, Any]
) -> None:
    other = new_business()
    for token in (
        business.fb.access_token,
        sign_in(app_credentials, business.email, ["user:time_entries:read"]).access_token,
    ):
        response = _team_members(business, business_id=other.business_id, token=token)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
    # the time entries of the same business answer the same refusal, in their own family's shape
    entries = httpx.get(
        f"{business.fb.base_url}/timetracking/business/{other.business_id}/time_entries",
        headers={"Authorization": f"Bearer {business.fb.access_token}"},
    )
    assert (entries.status_code, entries.json()) == (404, {"error": NOT_FOUND["error_description"]})


def test_an_identity_id_in_place_of_the_business_id_names_no_business(business: Business) -> None:
    response = _team_members(business, business_id=business.identity_id)
    assert (response.status_code, response.json()) == (404, NOT_FOUND)


@pytest.mark.parametrize("authorization", [None, "Bearer not-a-token"])
def test_without_a_valid_token_it_is_401(business: Business, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = httpx.get(
        f"{business.fb.base_url}/auth/api/v1/businesses/{business.business_id}/team_members", headers=headers
    )
    assert response.status_code == 401
    assert response.json()["error"] == "unauthenticated"


def test_a_malformed_page_is_a_validation_error(business: Business) -> None:
    response = _team_members(business, page="first")
    assert response.status_code == 422
    assert response.json()["error"] == "invalid_request"
