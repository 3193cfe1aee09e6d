"""Projects: jobs under a client, at FreshBooks' singular and plural paths."""

from __future__ import annotations

from typing import Any

import pytest
from freshbooks import FilterBuilder, FreshBooksError, PaginateBuilder

from tests.conformance.freshbooks.conftest import Business
from tests.conformance.freshbooks.refusals import field_error, not_found


@pytest.fixture(scope="module")
def client_id(business: Business) -> int:
    return business.fb.clients.create(business.account_id, {"organization": "Acme"}).id


def test_a_created_project_reads_back(business: Business, client_id: int) -> None:
    created = business.fb.projects.create(
        business.business_id,
        {
            "title": "Some Project",
            "client_id": str(client_id),
            "project_type": "fixed_price",
            "fixed_price": "600",
        },
    )
    got = business.fb.projects.get(business.business_id, created.id)
    assert (got.title, got.client_id, got.project_type, got.data["fixed_price"]) == (
        "Some Project",
        client_id,
        "fixed_price",
        "600",
    )
    assert got.active is True and got.internal is False
    assert "T" in got.data["created_at"] and not got.data["created_at"].endswith("Z")


def test_projects_are_conductor_jobs_under_the_clients_customer(
    business: Business, client_id: int, qbd_client: Any
) -> None:
    project = business.fb.projects.create(business.business_id, {"title": "Kitchen", "client_id": client_id})
    customers = qbd_client.qbd.customers.list(conductor_end_user_id=business.end_user_id, limit=150).data
    job = next(c for c in customers if c.full_name == "Acme:Kitchen")
    assert int(job.id.split("-")[0], 16) - 0x80000000 == project.id


def test_updating_a_project_renames_it_and_keeps_the_rest(business: Business, client_id: int) -> None:
    project = business.fb.projects.create(
        business.business_id, {"title": "Old title", "client_id": client_id, "description": "Kept"}
    )
    updated = business.fb.projects.update(
        business.business_id, project.id, {"title": "New title", "active": False}
    )
    assert (updated.title, updated.description, updated.active) == ("New title", "Kept", False)


def test_two_projects_may_share_a_title(business: Business, client_id: int) -> None:
    first = business.fb.projects.create(business.business_id, {"title": "Twin", "client_id": client_id})
    second = business.fb.projects.create(business.business_id, {"title": "Twin", "client_id": client_id})
    assert first.id != second.id
    assert (first.title, second.title) == ("Twin", "Twin (2)")


def test_the_list_pages_and_filters_by_active(business: Business, client_id: int) -> None:
    inactive = business.fb.projects.create(
        business.business_id, {"title": "Dormant", "client_id": client_id, "active": False}
    )
    everything = business.fb.projects.list(business.business_id, builders=[PaginateBuilder(1, 100)])
    assert inactive.id in {p.id for p in everything}
    active = business.fb.projects.list(
        business.business_id, builders=[FilterBuilder().boolean("active", True)]
    )
    assert inactive.id not in {p.id for p in active}
    first = business.fb.projects.list(business.business_id, builders=[PaginateBuilder(1, 1)])
    assert (
        len(first) == 1
        and first.pages.total == everything.pages.total
        and first.pages.pages == first.pages.total
    )


def test_a_deleted_project_is_gone(business: Business, client_id: int) -> None:
    project = business.fb.projects.create(business.business_id, {"title": "Gone", "client_id": client_id})
    business.fb.projects.delete(business.business_id, project.id)
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.projects.get(business.business_id, project.id)
    assert excinfo.value.status_code == 404
    not_found(excinfo)


def test_a_project_needs_a_title(business: Business, client_id: int) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.projects.create(business.business_id, {"client_id": client_id})
    assert excinfo.value.status_code == 422
    assert excinfo.value.error_code == 2001 and excinfo.value.error_details == [{"title": "field required"}]


def test_a_project_needs_a_client(business: Business) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.projects.create(business.business_id, {"title": "Internal"})
    assert excinfo.value.status_code == 422
    assert "client_id" in excinfo.value.error_details[0]
    field_error(excinfo, "client_id", 2001)


def test_a_client_is_not_a_project(business: Business, client_id: int) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.projects.get(business.business_id, client_id)
    assert excinfo.value.status_code == 404
    not_found(excinfo)
