"""Clients, in the accounting family's envelope and errors, keyed by the account id."""

from __future__ import annotations

from typing import Any

import pytest
from freshbooks import FilterBuilder, FreshBooksError, PaginateBuilder
from freshbooks.models import VisState

from tests.conformance.freshbooks.conftest import Business


def test_a_client_created_with_only_an_email_is_named_by_it(business: Business) -> None:
    created = business.fb.clients.create(business.account_id, {"email": "john.doe@abcorp.com"})
    got = business.fb.clients.get(business.account_id, created.id)
    assert (got.email, got.organization, got.userid) == (
        "john.doe@abcorp.com",
        "john.doe@abcorp.com",
        created.id,
    )
    assert got.vis_state == VisState.ACTIVE
    assert got.accounting_systemid == business.account_id
    assert got.signup_date is not None and got.updated is not None


def test_client_fields_round_trip_and_shared_ones_reach_conductor(
    business: Business, qbd_client: Any
) -> None:
    created = business.fb.clients.create(
        business.account_id,
        {
            "organization": "Initech",
            "fname": "Bill",
            "lname": "Lumbergh",
            "bus_phone": "555-0100",
            "p_city": "Austin",
        },
    )
    assert (created.fname, created.lname, created.bus_phone, created.p_city) == (
        "Bill",
        "Lumbergh",
        "555-0100",
        "Austin",
    )
    customers = qbd_client.qbd.customers.list(conductor_end_user_id=business.end_user_id, limit=150).data
    customer = next(c for c in customers if c.name == "Initech")
    assert (customer.company_name, customer.first_name, customer.last_name, customer.phone) == (
        "Initech",
        "Bill",
        "Lumbergh",
        "555-0100",
    )


def test_clients_with_the_same_organization_get_distinct_customer_names(business: Business) -> None:
    first = business.fb.clients.create(business.account_id, {"organization": "Duplicate Co"})
    second = business.fb.clients.create(business.account_id, {"organization": "Duplicate Co"})
    assert first.id != second.id
    assert first.organization == second.organization == "Duplicate Co"


def test_an_update_changes_the_fields_sent(business: Business) -> None:
    client = business.fb.clients.create(business.account_id, {"organization": "Before", "note": "Kept"})
    updated = business.fb.clients.update(business.account_id, client.id, {"organization": "After"})
    assert (updated.organization, updated.note) == ("After", "Kept")


def test_deleting_a_client_sets_vis_state_and_hides_it(business: Business, qbd_client: Any) -> None:
    client = business.fb.clients.create(business.account_id, {"organization": "Doomed"})
    deleted = business.fb.clients.delete(business.account_id, client.id)
    assert deleted.vis_state == VisState.DELETED
    assert client.id not in {
        c.id for c in business.fb.clients.list(business.account_id, builders=[PaginateBuilder(1, 100)])
    }
    only_deleted = business.fb.clients.list(
        business.account_id, builders=[FilterBuilder().equals("vis_state", 1)]
    )
    assert client.id in {c.id for c in only_deleted}
    customers = qbd_client.qbd.customers.list(conductor_end_user_id=business.end_user_id, limit=150).data
    assert "Doomed" not in {c.name for c in customers}
    restored = business.fb.clients.update(business.account_id, client.id, {"vis_state": 0})
    assert restored.vis_state == VisState.ACTIVE


def test_the_list_filters_and_pages(business: Business) -> None:
    business.fb.clients.create(
        business.account_id, {"organization": "Filterable Ltd", "email": "find@me.test"}
    )
    by_email = business.fb.clients.list(
        business.account_id, builders=[FilterBuilder().equals("email", "find@me.test")]
    )
    assert [c.organization for c in by_email] == ["Filterable Ltd"]
    by_like = business.fb.clients.list(
        business.account_id, builders=[FilterBuilder().like("organization_like", "filterable")]
    )
    assert [c.organization for c in by_like] == ["Filterable Ltd"]
    page = business.fb.clients.list(business.account_id, builders=[PaginateBuilder(1, 1)])
    assert len(page) == 1 and page.pages.per_page == 1 and page.pages.pages == page.pages.total


def test_an_unknown_client_is_404_with_an_accounting_error(business: Business) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.clients.get(business.account_id, 987654321)
    assert excinfo.value.status_code == 404 and excinfo.value.error_code == 1012


def test_a_client_needs_a_name_of_some_kind(business: Business) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.clients.create(business.account_id, {"note": "nameless"})
    assert excinfo.value.status_code == 422 and excinfo.value.error_code == 1001
