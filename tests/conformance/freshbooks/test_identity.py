"""``current_user()``: the signed-in identity and the business it belongs to, with FreshBooks' ids."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from freshbooks import FilterBuilder, FreshBooksError

from tests.conformance.freshbooks.conftest import Business, sdk_client, sign_in
from tests.conformance.freshbooks.refusals import field_error, not_found

# Every key of the SDK's fixture ``auth_me_response.json``, level by level.
FIXTURE_KEYS = {
    "response": {
        "id",
        "profile",
        "identity_id",
        "identity_uuid",
        "first_name",
        "last_name",
        "email",
        "language",
        "confirmed_at",
        "created_at",
        "unconfirmed_email",
        "setup_complete",
        "phone_numbers",
        "addresses",
        "profession",
        "links",
        "permissions",
        "groups",
        "subscription_statuses",
        "integrations",
        "business_memberships",
        "identity_origin",
        "roles",
    },
    "profile": {
        "setup_complete",
        "first_name",
        "last_name",
        "phone_number",
        "address",
        "professions",
        "has_password",
    },
    "links": {"me", "roles"},
    "membership": {"id", "role", "unacknowledged_change", "business"},
    "business": {
        "id",
        "business_uuid",
        "name",
        "account_id",
        "date_format",
        "address",
        "phone_number",
        "business_clients",
    },
    "role": {"id", "role", "systemid", "userid", "created_at", "links", "accountid"},
}


def _ids(me: dict[str, Any]) -> dict[str, int]:
    membership, role = me["business_memberships"][0], me["roles"][0]
    return {
        "identity": me["identity_id"],
        "business": membership["business"]["id"],
        "membership": membership["id"],
        "role": role["id"],
        "system": role["systemid"],
    }


def _time_entries(business: Business, business_id: int) -> httpx.Response:
    return httpx.get(
        f"{business.fb.base_url}/timetracking/business/{business_id}/time_entries",
        headers={"Authorization": f"Bearer {business.fb.access_token}"},
    )


def test_the_identity_names_the_person_and_their_business(business: Business) -> None:
    me = business.fb.current_user()
    assert (me.first_name, me.last_name, me.email) == ("Simon", "Kovalic", business.email)
    assert me.full_name == "Simon Kovalic"
    membership = me.business_memberships[0]
    assert membership.business.id == business.business_id
    assert isinstance(membership.business.account_id, str) and len(membership.business.account_id) >= 5
    assert membership.business.name.startswith("Business ")
    assert me.data["permissions"] == {business.account_id: {}}


def test_the_identity_has_every_field_of_the_sdks_fixture(business: Business) -> None:
    me = business.fb.current_user().data
    membership, role = me["business_memberships"][0], me["roles"][0]
    for keys, got in (
        (FIXTURE_KEYS["response"], me),
        (FIXTURE_KEYS["profile"], me["profile"]),
        (FIXTURE_KEYS["links"], me["links"]),
        (FIXTURE_KEYS["membership"], membership),
        (FIXTURE_KEYS["business"], membership["business"]),
        (FIXTURE_KEYS["role"], role),
    ):
        assert keys <= set(got), keys - set(got)
    assert me["addresses"] == [None]
    assert me["id"] == me["identity_id"]
    assert me["links"] == {
        "me": f"/service/auth/api/v1/users?id={me['identity_id']}",
        "roles": f"/service/auth/api/v1/users/role/{me['identity_id']}",
    }
    assert role["links"] == {"destroy": f"/service/auth/api/v1/users/role/{role['id']}"}
    assert role["accountid"] == business.account_id and role["created_at"].endswith("Z")


def test_identity_membership_business_role_and_system_ids_are_five_numbers(business: Business) -> None:
    ids = _ids(business.fb.current_user().data)
    assert len(set(ids.values())) == 5, ids


def test_the_identity_ids_are_stable_across_requests_and_sign_ins(
    business: Business, app_credentials: dict[str, Any]
) -> None:
    first = _ids(business.fb.current_user().data)
    assert _ids(business.fb.current_user().data) == first
    assert _ids(sign_in(app_credentials, business.email).current_user().data) == first


def test_another_business_and_person_have_other_ids(business: Business, new_business: Any) -> None:
    mine, theirs = _ids(business.fb.current_user().data), _ids(new_business().fb.current_user().data)
    assert set(mine.values()).isdisjoint(theirs.values())


def test_only_the_business_id_opens_the_business(business: Business) -> None:
    """An integration that sends the membership (or any other) id where the business id belongs
    finds nothing, as it would in FreshBooks."""
    ids = _ids(business.fb.current_user().data)
    assert _time_entries(business, ids["business"]).status_code == 200
    for kind in ("identity", "membership", "role", "system"):
        response = _time_entries(business, ids[kind])
        assert (kind, response.status_code, response.json()) == (
            kind,
            404,
            {"error": "Requested resource could not be found."},
        )
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.projects.list(ids["membership"])
    not_found(excinfo)


def test_time_entries_carry_the_identity_id_shown(business: Business) -> None:
    entry = business.fb.time_entries.create(
        business.business_id, {"duration": 60, "started_at": "2026-01-05T09:00:00Z", "is_logged": True}
    )
    assert entry.identity_id == business.identity_id
    mine = business.fb.time_entries.list(
        business.business_id, builders=[FilterBuilder().equals("identity_id", business.identity_id)]
    )
    assert entry.id in {e.id for e in mine}


def test_a_membership_id_sent_as_identity_id_names_no_teammate(business: Business) -> None:
    membership_id = _ids(business.fb.current_user().data)["membership"]
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.time_entries.create(
            business.business_id,
            {"duration": 60, "started_at": "2026-01-05T09:00:00Z", "identity_id": membership_id},
        )
    message = field_error(excinfo, "identity_id", 2002)
    assert message == f"No teammate {membership_id} exists in this business."
    listed = business.fb.time_entries.list(
        business.business_id, builders=[FilterBuilder().equals("identity_id", membership_id)]
    )
    assert listed.pages.total == 0


def test_the_identity_is_the_person_conductor_lists_as_an_employee(
    business: Business, qbd_client: Any
) -> None:
    employees = qbd_client.qbd.employees.list(conductor_end_user_id=business.end_user_id).data
    assert [e.name for e in employees] == ["Simon Kovalic"]
    assert int(employees[0].id.split("-")[0], 16) - 0x80000000 == business.person_key
    # time the employee logs through Conductor is the identity's in FreshBooks
    activity = qbd_client.qbd.time_tracking_activities.create(
        conductor_end_user_id=business.end_user_id,
        entity_id=employees[0].id,
        transaction_date="2026-02-03",
        duration="PT1H",
    )
    entry = business.fb.time_entries.get(business.business_id, int(activity.id.split("-")[0], 16))
    assert entry.identity_id == business.identity_id


def test_a_bad_token_is_401_in_the_auth_familys_shape(app_credentials: dict[str, Any]) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        sdk_client(app_credentials, access_token="not-a-token").current_user()
    assert excinfo.value.status_code == 401
    assert excinfo.value.error_code == "unauthenticated"
