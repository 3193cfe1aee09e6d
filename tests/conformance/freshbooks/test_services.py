"""Services: the service items time is billed with, under ``/comments``."""

from __future__ import annotations

from typing import Any

import pytest
from freshbooks import FreshBooksError, PaginateBuilder

from tests.conformance.freshbooks.conftest import Business
from tests.conformance.freshbooks.refusals import not_found, refusal


def test_a_created_service_reads_back(business: Business) -> None:
    created = business.fb.services.create(business.business_id, {"name": "Research"})
    got = business.fb.services.get(business.business_id, created.id)
    assert got.data == {
        "business_id": business.business_id,
        "id": created.id,
        "name": "Research",
        "billable": False,
        "project_default": False,
        "vis_state": 0,
    }


def test_a_service_is_a_conductor_service_item(business: Business, qbd_client: Any) -> None:
    service = business.fb.services.create(business.business_id, {"name": "Consulting", "billable": True})
    items = qbd_client.qbd.service_items.list(conductor_end_user_id=business.end_user_id, limit=150).data
    item = next(i for i in items if i.name == "Consulting")
    assert int(item.id.split("-")[0], 16) - 0x80000000 == service.id
    assert service.billable is True


def test_updating_and_listing_services(business: Business) -> None:
    service = business.fb.services.create(business.business_id, {"name": "Drafting"})
    updated = business.fb.services.update(
        business.business_id, service.id, {"name": "Drawing", "billable": True}
    )
    assert (updated.name, updated.billable) == ("Drawing", True)
    listed = business.fb.services.list(business.business_id, builders=[PaginateBuilder(1, 100)])
    assert "Drawing" in {s.name for s in listed}
    assert listed.pages.total == len(listed)


def test_a_deleted_service_is_gone(business: Business) -> None:
    service = business.fb.services.create(business.business_id, {"name": "Temporary"})
    business.fb.services.delete(business.business_id, service.id)
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.services.get(business.business_id, service.id)
    assert excinfo.value.status_code == 404
    not_found(excinfo)
    assert service.id not in {s.id for s in business.fb.services.list(business.business_id)}


def test_a_service_needs_a_name(business: Business) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.services.create(business.business_id, {})
    assert excinfo.value.status_code == 422 and excinfo.value.error_details == [{"name": "field required"}]
    refusal(excinfo, 422, 2001)
