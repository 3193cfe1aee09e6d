"""Time tracking activities through conductor-py: the happy path, every filter, every refusal."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import conductor
import httpx
import pytest

from tests.conformance.conductor.refusals import invalid_request, qbd_refusal, resource_missing


@pytest.fixture(scope="module")
def books(qbd: Any, new_end_user: Any) -> dict[str, Any]:
    """A company of its own, so counts and filters here see only this module's records."""
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    income = qbd.accounts.create(name="Services", account_type="income", **a)
    return {
        "end_user": eu,
        "employee": qbd.employees.create(first_name="Ada", last_name="Lovelace", **a),
        "employee2": qbd.employees.create(first_name="Grace", last_name="Hopper", **a),
        "vendor": qbd.vendors.create(name="Northwind", **a),
        "other": qbd.other_names.create(name="Sam Freelancer", **a),
        "customer": qbd.customers.create(name="Acme", **a),
        "item": qbd.service_items.create(
            name="Consulting",
            sales_or_purchase_details={"posting_account_id": income.id, "price": "150.00"},
            **a,
        ),
        "class": qbd.classes.create(name="Engineering", **a),
        "wage": qbd.payroll_wage_items.create(
            name="Regular Pay",
            wage_type="hourly_regular",
            expense_account_id=qbd.accounts.create(name="Payroll", account_type="expense", **a).id,
            **a,
        ),
    }


def _create(qbd: Any, books: dict[str, Any], **fields: Any) -> Any:
    fields.setdefault("entity_id", books["employee"].id)
    fields.setdefault("transaction_date", "2026-03-02")
    fields.setdefault("duration", "PT1H30M")
    return qbd.time_tracking_activities.create(conductor_end_user_id=books["end_user"], **fields)


def test_a_created_activity_reads_back_with_every_reference_named(qbd: Any, books: dict[str, Any]) -> None:
    external_id = str(uuid.uuid4())
    created = _create(
        qbd,
        books,
        customer_id=books["customer"].id,
        service_item_id=books["item"].id,
        class_id=books["class"].id,
        payroll_wage_item_id=books["wage"].id,
        note="Kickoff",
        external_id=external_id,
    )
    got = qbd.time_tracking_activities.retrieve(created.id, conductor_end_user_id=books["end_user"])
    assert got == created
    assert got.object_type == "qbd_time_tracking_activity"
    assert got.entity.full_name == "Ada Lovelace" and got.entity.id == books["employee"].id
    assert got.customer.full_name == "Acme"
    assert got.service_item.full_name == "Consulting"
    assert got.class_.full_name == "Engineering"
    assert got.payroll_wage_item.full_name == "Regular Pay"
    assert (got.transaction_date, got.duration, got.note) == (date(2026, 3, 2), "PT1H30M", "Kickoff")
    assert got.billing_status == "billable" and got.is_billed is False
    assert got.external_id == external_id


def test_activity_ids_are_transaction_ids(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(qbd, books)
    key, created_at = created.id.split("-")
    assert int(key, 16) < 0x80000000
    assert created_at.isdigit()


def test_durations_drop_seconds_and_keep_whole_hours(qbd: Any, books: dict[str, Any]) -> None:
    assert _create(qbd, books, duration="PT2H15M59S").duration == "PT2H15M"
    assert _create(qbd, books, duration="PT8H").duration == "PT8H0M"
    assert _create(qbd, books, duration="PT45M").duration == "PT0H45M"
    assert _create(qbd, books, duration="PT90M").duration == "PT1H30M"


def test_billing_status_defaults_to_not_billable_without_a_customer(qbd: Any, books: dict[str, Any]) -> None:
    assert _create(qbd, books).billing_status == "not_billable"
    with_customer = _create(qbd, books, customer_id=books["customer"].id, service_item_id=books["item"].id)
    assert with_customer.billing_status == "billable"


def test_vendors_and_other_names_can_log_time(qbd: Any, books: dict[str, Any]) -> None:
    assert _create(qbd, books, entity_id=books["vendor"].id).entity.full_name == "Northwind"
    assert _create(qbd, books, entity_id=books["other"].id).entity.full_name == "Sam Freelancer"


def test_billable_time_needs_a_customer_and_a_service_item(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, billing_status="billable", customer_id=books["customer"].id)
    assert "service item" in qbd_refusal(excinfo)["message"]
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, billing_status="billable")
    assert "customer" in qbd_refusal(excinfo)["message"]


def test_a_customer_cannot_be_the_entity(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, entity_id=books["customer"].id)
    assert "employee, vendor or other name" in qbd_refusal(excinfo)["message"]


def test_a_wage_item_needs_an_employee(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, entity_id=books["vendor"].id, payroll_wage_item_id=books["wage"].id)
    assert "employee" in qbd_refusal(excinfo)["message"]


def test_external_id_must_be_a_guid(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, external_id="not-a-guid")
    assert "GUID" in qbd_refusal(excinfo)["message"]


def test_an_unknown_reference_is_refused_naming_the_field(qbd: Any, books: dict[str, Any]) -> None:
    with pytest.raises(conductor.InternalServerError) as excinfo:
        _create(qbd, books, customer_id="8000FFFF-1234567890")
    body = qbd_refusal(excinfo)
    assert body["integrationCode"] == "3140" and "customer" in body["message"]


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"duration": "1.5 hours"}, "duration"),
        ({"duration": "P1D"}, "duration"),
        ({"transaction_date": "2026-02-30"}, "transactionDate"),
        ({"entity_id": "not an id"}, "entityId"),
        ({"note": "x" * 4096}, "note"),
        ({"billing_status": "Billable"}, "billingStatus"),
    ],
)
def test_malformed_input_is_a_400_naming_the_field(
    qbd: Any, books: dict[str, Any], fields: dict[str, Any], needle: str
) -> None:
    with pytest.raises(conductor.BadRequestError) as excinfo:
        _create(qbd, books, **fields)
    invalid_request(excinfo, needle)


def test_missing_required_fields_and_unknown_fields_are_400s(qbd: Any, books: dict[str, Any]) -> None:
    eu = books["end_user"]
    with pytest.raises(conductor.BadRequestError, match="entityId") as excinfo:
        qbd.time_tracking_activities.create(
            conductor_end_user_id=eu,
            entity_id="",
            transaction_date="2026-03-02",
            duration="PT1H",
            extra_body={"entityId": None},
        )
    invalid_request(excinfo, "entityId")
    with pytest.raises(conductor.BadRequestError, match="colour") as excinfo:
        _create(qbd, books, extra_body={"colour": "red"})
    invalid_request(excinfo, "colour")


def test_an_update_changes_fields_and_the_revision(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(qbd, books)
    updated = qbd.time_tracking_activities.update(
        created.id,
        conductor_end_user_id=books["end_user"],
        revision_number=created.revision_number,
        duration="PT3H",
        entity_id=books["employee2"].id,
        note="Changed",
        customer_id=books["customer"].id,
        service_item_id=books["item"].id,
        billing_status="has_been_billed",
    )
    assert updated.revision_number != created.revision_number
    assert (updated.duration, updated.entity.full_name, updated.note) == ("PT3H0M", "Grace Hopper", "Changed")
    assert updated.is_billed is True and updated.billing_status == "has_been_billed"
    assert updated.created_at == created.created_at and updated.transaction_date == created.transaction_date


def test_a_stale_revision_is_refused_with_3200_and_nothing_changes(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(qbd, books, note="original")
    eu = books["end_user"]
    qbd.time_tracking_activities.update(
        created.id,
        conductor_end_user_id=eu,
        revision_number=created.revision_number,
        duration="PT2H",
        entity_id=books["employee"].id,
    )
    with pytest.raises(conductor.InternalServerError) as excinfo:
        qbd.time_tracking_activities.update(
            created.id,
            conductor_end_user_id=eu,
            revision_number=created.revision_number,
            duration="PT5H",
            entity_id=books["employee"].id,
            note="lost update",
        )
    body = qbd_refusal(excinfo)
    assert body["integrationCode"] == "3200" and "out-of-date" in body["message"]
    now = qbd.time_tracking_activities.retrieve(created.id, conductor_end_user_id=eu)
    assert (now.duration, now.note) == ("PT2H0M", "original")


def test_an_update_must_resend_duration_and_entity(
    server: Any, demo: dict[str, Any], qbd: Any, books: dict[str, Any]
) -> None:
    created = _create(qbd, books)
    response = httpx.post(
        f"{server.base_url}/v1/quickbooks-desktop/time-tracking-activities/{created.id}",
        headers={
            "Authorization": f"Bearer {demo['conductor']['api_key']}",
            "Conductor-End-User-Id": books["end_user"],
        },
        json={"revisionNumber": created.revision_number, "note": "no duration"},
    )
    assert response.status_code == 400
    assert "duration" in response.json()["error"]["message"]
    invalid_request(response, "duration")


def test_external_id_cannot_change_on_update(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(qbd, books, external_id=str(uuid.uuid4()))
    with pytest.raises(conductor.BadRequestError, match="externalId") as excinfo:
        qbd.time_tracking_activities.update(
            created.id,
            conductor_end_user_id=books["end_user"],
            revision_number=created.revision_number,
            duration="PT1H",
            entity_id=books["employee"].id,
            extra_body={"externalId": str(uuid.uuid4())},
        )
    invalid_request(excinfo, "externalId")


def test_a_deleted_activity_is_gone(qbd: Any, books: dict[str, Any]) -> None:
    created = _create(qbd, books)
    eu = books["end_user"]
    deleted = qbd.time_tracking_activities.delete(created.id, conductor_end_user_id=eu)
    assert (deleted.id, deleted.object_type, deleted.deleted) == (
        created.id,
        "qbd_time_tracking_activity",
        True,
    )
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.time_tracking_activities.retrieve(created.id, conductor_end_user_id=eu)
    resource_missing(excinfo)
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.time_tracking_activities.delete(created.id, conductor_end_user_id=eu)
    resource_missing(excinfo)


def test_unknown_and_malformed_ids(qbd: Any, books: dict[str, Any]) -> None:
    eu = books["end_user"]
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.time_tracking_activities.retrieve("FFFFFF-1234567890", conductor_end_user_id=eu)
    assert excinfo.value.body["error"]["code"] == "RESOURCE_MISSING"  # type: ignore[index]
    resource_missing(excinfo)
    created = _create(qbd, books)
    wrong_time = created.id.split("-")[0] + "-1"
    with pytest.raises(conductor.NotFoundError) as excinfo:
        qbd.time_tracking_activities.retrieve(wrong_time, conductor_end_user_id=eu)
    resource_missing(excinfo)
    with pytest.raises(conductor.BadRequestError) as excinfo:
        qbd.time_tracking_activities.retrieve("nope", conductor_end_user_id=eu)
    invalid_request(excinfo, '"id"')


@pytest.fixture(scope="module")
def listed(qbd: Any, new_end_user: Any) -> dict[str, Any]:
    eu = new_end_user()
    a = dict(conductor_end_user_id=eu)
    ada = qbd.employees.create(first_name="Ada", **a)
    bob = qbd.employees.create(first_name="Bob", **a)
    made = [
        qbd.time_tracking_activities.create(
            entity_id=(ada if i % 2 else bob).id,
            transaction_date=f"2026-04-{1 + i:02d}",
            duration="PT1H",
            **a,
        )
        for i in range(7)
    ]
    return {"end_user": eu, "ada": ada, "bob": bob, "made": made}


class TestListing:
    def test_paging_walks_every_activity_once(self, qbd: Any, listed: dict[str, Any]) -> None:
        eu = listed["end_user"]
        first = qbd.time_tracking_activities.list(conductor_end_user_id=eu, limit=3)
        assert [a.id for a in first.data] == [a.id for a in listed["made"][:3]]
        raw = first._get_page_items()
        assert len(raw) == 3 and first.next_cursor
        every = [a.id for a in qbd.time_tracking_activities.list(conductor_end_user_id=eu, limit=3)]
        assert every == [a.id for a in listed["made"]]

    def test_page_shape_counts_what_remains(
        self, server: Any, demo: dict[str, Any], listed: dict[str, Any]
    ) -> None:
        headers = {
            "Authorization": f"Bearer {demo['conductor']['api_key']}",
            "Conductor-End-User-Id": listed["end_user"],
        }
        url = f"{server.base_url}/v1/quickbooks-desktop/time-tracking-activities"
        page = httpx.get(url, params={"limit": 5}, headers=headers).json()
        assert (page["objectType"], page["url"], page["remainingCount"], page["hasMore"]) == (
            "list",
            "/v1/quickbooks-desktop/time-tracking-activities",
            2,
            True,
        )
        last = httpx.get(url, params={"limit": 5, "cursor": page["nextCursor"]}, headers=headers).json()
        assert (len(last["data"]), last["nextCursor"], last["remainingCount"], last["hasMore"]) == (
            2,
            None,
            0,
            False,
        )

    def test_filters(self, qbd: Any, listed: dict[str, Any]) -> None:
        eu = listed["end_user"]
        made = listed["made"]
        by_entity = qbd.time_tracking_activities.list(conductor_end_user_id=eu, entity_ids=[listed["ada"].id])
        assert [a.id for a in by_entity] == [a.id for i, a in enumerate(made) if i % 2]
        by_date = qbd.time_tracking_activities.list(
            conductor_end_user_id=eu, transaction_date_from="2026-04-02", transaction_date_to="2026-04-04"
        )
        assert [a.id for a in by_date] == [a.id for a in made[1:4]]
        by_ids = qbd.time_tracking_activities.list(
            conductor_end_user_id=eu, ids=[made[4].id, made[0].id], transaction_date_from="2030-01-01"
        )
        assert [a.id for a in by_ids] == [made[4].id, made[0].id]
        assert (
            list(qbd.time_tracking_activities.list(conductor_end_user_id=eu, updated_after="2999-01-01"))
            == []
        )
        assert (
            len(
                list(qbd.time_tracking_activities.list(conductor_end_user_id=eu, updated_before="2999-01-01"))
            )
            == 7
        )
        assert (
            len(
                list(
                    qbd.time_tracking_activities.list(
                        conductor_end_user_id=eu, updated_after=made[0].updated_at
                    )
                )
            )
            == 7
        )

    def test_a_rendered_timestamp_as_either_end_includes_its_own_record(
        self, qbd: Any, listed: dict[str, Any]
    ) -> None:
        """Timestamps render to the second; a sync that passes one back must not lose its record."""
        eu, last = listed["end_user"], listed["made"][-1]
        assert "." not in last.updated_at  # e.g. 2026-12-01T23:40:12+00:00
        up_to = qbd.time_tracking_activities.list(conductor_end_user_id=eu, updated_before=last.updated_at)
        assert last.id in [a.id for a in up_to]
        since = qbd.time_tracking_activities.list(conductor_end_user_id=eu, updated_after=last.updated_at)
        assert last.id in [a.id for a in since]

    def test_an_unknown_id_in_the_filter_fails_the_whole_list(self, qbd: Any, listed: dict[str, Any]) -> None:
        with pytest.raises(conductor.InternalServerError) as excinfo:
            qbd.time_tracking_activities.list(
                conductor_end_user_id=listed["end_user"], ids=[listed["made"][0].id, "FFFFFF-1234567890"]
            )
        body = qbd_refusal(excinfo)
        assert body["integrationCode"] == "500" and '"ids"' in body["message"]

    @pytest.mark.parametrize("limit", [0, 151])
    def test_limit_is_1_to_150(self, qbd: Any, listed: dict[str, Any], limit: int) -> None:
        with pytest.raises(conductor.BadRequestError, match="limit") as excinfo:
            qbd.time_tracking_activities.list(conductor_end_user_id=listed["end_user"], limit=limit)
        invalid_request(excinfo, "limit")

    def test_a_forged_cursor_is_a_400(self, qbd: Any, listed: dict[str, Any]) -> None:
        with pytest.raises(conductor.BadRequestError, match="cursor") as excinfo:
            qbd.time_tracking_activities.list(conductor_end_user_id=listed["end_user"], cursor="garbage!")
        invalid_request(excinfo, "cursor")

    @pytest.mark.parametrize(
        "other",
        [
            {"limit": 4},
            {"limit": 3, "transaction_date_from": "2026-04-02"},
            {"limit": 3, "entity_ids": ["x"]},
        ],
        ids=["another limit", "another filter", "an added filter"],
    )
    def test_a_cursor_replayed_with_another_query_is_a_400(
        self, qbd: Any, listed: dict[str, Any], other: dict[str, Any]
    ) -> None:
        eu = listed["end_user"]
        first = qbd.time_tracking_activities.list(conductor_end_user_id=eu, limit=3)
        if "entity_ids" in other:
            other = {**other, "entity_ids": [listed["ada"].id]}
        with pytest.raises(conductor.BadRequestError, match="cursor") as excinfo:
            qbd.time_tracking_activities.list(conductor_end_user_id=eu, cursor=first.next_cursor, **other)
        invalid_request(excinfo, "cursor")
        # With the query that made it, the same cursor still pages on.
        again = qbd.time_tracking_activities.list(conductor_end_user_id=eu, cursor=first.next_cursor, limit=3)
        assert [a.id for a in again.data] == [a.id for a in listed["made"][3:6]]
