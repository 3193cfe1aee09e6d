"""``current_user()``: the signed-in identity and the business it belongs to."""

from __future__ import annotations

from typing import Any

import pytest
from freshbooks import FreshBooksError

from tests.conformance.freshbooks.conftest import Business, sdk_client


def test_the_identity_names_the_person_and_their_business(business: Business) -> None:
    me = business.fb.current_user()
    assert (me.first_name, me.last_name, me.email) == ("Simon", "Kovalic", business.email)
    assert me.full_name == "Simon Kovalic"
    membership = me.business_memberships[0]
    assert membership.business.id == business.business_id
    assert isinstance(membership.business.account_id, str) and len(membership.business.account_id) >= 5
    assert membership.business.name.startswith("Business ")
    assert me.data["permissions"] == {business.account_id: {}}


def test_the_identity_is_the_person_conductor_lists_as_an_employee(
    business: Business, qbd_client: Any
) -> None:
    employees = qbd_client.qbd.employees.list(conductor_end_user_id=business.end_user_id).data
    assert [e.name for e in employees] == ["Simon Kovalic"]
    assert int(employees[0].id.split("-")[0], 16) - 0x80000000 == business.identity_id


def test_a_bad_token_is_401_in_the_auth_familys_shape(app_credentials: dict[str, Any]) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        sdk_client(app_credentials, access_token="not-a-token").current_user()
    assert excinfo.value.status_code == 401
    assert excinfo.value.error_code == "unauthenticated"
