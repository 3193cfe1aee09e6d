"""The company file's information through conductor-py (strict): the end user's own company, with
what timeledger keeps of it and null where it keeps nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import conductor as conductor_sdk
import httpx
import pytest
from conductor import Conductor

from tests.conformance.conductor.refusals import invalid_request, resource_missing
from tests.servers import Server


def test_the_company_is_the_end_users_company_file(conductor: Conductor, demo: dict[str, Any]) -> None:
    name = f"Vandelay Industries {uuid.uuid4().hex[:6]}"
    end_user = conductor.end_users.create(company_name=name, email="art@vandelay.test", source_id="vi")
    session = conductor.auth_sessions.create(
        publishable_key=demo["conductor"]["publishable_key"], end_user_id=end_user.id
    )
    assert httpx.post(session.auth_flow_url.split("?")[0]).status_code == 200

    company = conductor.qbd.company.retrieve(conductor_end_user_id=end_user.id)
    assert (company.company_name, company.email) == (name, "art@vandelay.test")
    assert company.is_sample_company_file is False
    assert (company.fiscal_year_start_month, company.income_tax_year_start_month) == ("january", "january")
    assert company.accountant_copy is not None and company.accountant_copy.accountant_copy_exists is False
    assert company.accountant_copy.dividing_date is None
    # Nothing else is kept: no legal name, address, phone, tax ids, services or custom fields.
    for unknown in (
        "legal_company_name",
        "address",
        "legal_address",
        "address_for_customer",
        "phone",
        "fax",
        "website",
        "company_type",
        "ein",
        "ssn",
        "tax_form",
        "subscribed_services",
    ):
        assert getattr(company, unknown) is None, unknown
    assert company.custom_fields == []


def test_every_key_of_the_company_is_sent(server: Server, demo: dict[str, Any], end_user_id: str) -> None:
    headers = {
        "Authorization": f"Bearer {demo['conductor']['api_key']}",
        "Conductor-End-User-Id": end_user_id,
    }
    answer = httpx.get(f"{server.base_url}/v1/quickbooks-desktop/company", headers=headers)
    assert answer.status_code == 200 and answer.headers["conductor-request-id"].startswith("req_")
    body = answer.json()
    assert set(body) == {
        info.alias or name for name, info in conductor_sdk.types.qbd.Company.model_fields.items()
    }
    assert body["address"] is None and body["customFields"] == []


def test_each_end_user_sees_its_own_company(
    qbd: Any, new_end_user: Callable[[], str], conductor: Conductor
) -> None:
    first, second = new_end_user(), new_end_user()
    names = {qbd.company.retrieve(conductor_end_user_id=eu).company_name for eu in (first, second)}
    assert names == {conductor.end_users.retrieve(eu).company_name for eu in (first, second)}
    assert len(names) == 2


def test_an_unknown_end_user_has_no_company(qbd: Any) -> None:
    with pytest.raises(conductor_sdk.NotFoundError) as refused:
        qbd.company.retrieve(conductor_end_user_id="end_usr_doesnotexist00")
    resource_missing(refused)


def test_the_company_takes_no_query_parameters(qbd: Any, end_user_id: str) -> None:
    with pytest.raises(conductor_sdk.BadRequestError) as refused:
        qbd.company.retrieve(conductor_end_user_id=end_user_id, extra_query={"fields": "companyName"})
    invalid_request(refused, "fields")
