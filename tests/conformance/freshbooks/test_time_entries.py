"""Time entries through freshbooks-sdk: create, read, update, delete, every filter, paging, totals,
and the documented errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from freshbooks import FilterBuilder, FreshBooksError, PaginateBuilder

from tests.conformance.freshbooks.conftest import Business
from tests.conformance.freshbooks.refusals import field_error, not_found, refusal


@pytest.fixture(scope="module")
def books(business: Business) -> dict[str, Any]:
    """Two clients, a project under the first, a service, and the module's own entries."""
    fb, aid, bid = business.fb, business.account_id, business.business_id
    acme = fb.clients.create(aid, {"organization": "Acme", "email": "ap@acme.test"})
    globex = fb.clients.create(aid, {"organization": "Globex"})
    project = fb.projects.create(bid, {"title": "Website", "client_id": acme.id})
    service = fb.services.create(bid, {"name": "Design"})
    return {"acme": acme.id, "globex": globex.id, "project": project.id, "service": service.id}


def _create(business: Business, **fields: Any) -> Any:
    fields.setdefault("is_logged", True)
    fields.setdefault("duration", 3600)
    fields.setdefault("started_at", "2026-03-02T09:00:00.000Z")
    return business.fb.time_entries.create(business.business_id, fields)


def _ids(business: Business, *filters: Any, per_page: int = 100) -> set[int]:
    builders = [*filters, PaginateBuilder(1, per_page)]
    return {e.id for e in business.fb.time_entries.list(business.business_id, builders=builders)}


def test_a_created_entry_reads_back_with_every_field(business: Business, books: dict[str, Any]) -> None:
    created = _create(
        business,
        duration=7200,
        note="Stuff",
        started_at="2016-08-16T20:00:00.000Z",
        client_id=str(books["acme"]),
        project_id=str(books["project"]),
        service_id=books["service"],
        billable=True,
    )
    got = business.fb.time_entries.get(business.business_id, created.id)
    assert got.data == created.data
    assert got.started_at == datetime(2016, 8, 16, 20, tzinfo=UTC)
    assert got.data["started_at"] == "2016-08-16T20:00:00Z"
    assert (got.duration, got.note, got.is_logged, got.active) == (7200, "Stuff", True, True)
    assert (got.client_id, got.project_id, got.service_id) == (
        books["acme"],
        books["project"],
        books["service"],
    )
    assert (got.billable, got.billed, got.internal) == (True, False, False)
    assert got.identity_id == business.identity_id
    assert got.timer is None or got.data["timer"] is None


def test_an_entry_for_a_client_alone_has_no_project(business: Business, books: dict[str, Any]) -> None:
    entry = _create(business, client_id=books["globex"])
    assert (entry.client_id, entry.project_id, entry.internal) == (books["globex"], None, False)


def test_an_update_changes_only_the_fields_sent(business: Business, books: dict[str, Any]) -> None:
    entry = _create(business, note="Before", client_id=books["acme"])
    updated = business.fb.time_entries.update(
        business.business_id, entry.id, {"duration": 600, "note": "Updated Note", "timer": None}
    )
    assert (updated.duration, updated.note, updated.client_id) == (600, "Updated Note", books["acme"])
    moved = business.fb.time_entries.update(
        business.business_id, entry.id, {"started_at": "2026-04-01T15:30:00Z", "billed": True}
    )
    assert moved.data["started_at"] == "2026-04-01T15:30:00Z"
    assert (moved.billed, moved.duration) == (True, 600)


def test_a_deleted_entry_is_gone_unless_deleted_ones_are_asked_for(business: Business) -> None:
    entry = _create(business, note="To delete")
    assert business.fb.time_entries.delete(business.business_id, entry.id).data == {}
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.time_entries.get(business.business_id, entry.id)
    assert excinfo.value.status_code == 404
    not_found(excinfo)
    assert entry.id not in _ids(business)
    listed = business.fb.time_entries.list(
        business.business_id,
        builders=[FilterBuilder().boolean("include_deleted", True), PaginateBuilder(1, 100)],
    )
    deleted = [e for e in listed if e.id == entry.id]
    assert len(deleted) == 1 and deleted[0].active is False


def test_filters_narrow_the_list(business: Business, books: dict[str, Any]) -> None:
    b = business
    in_project = _create(
        b, client_id=books["acme"], project_id=books["project"], started_at="2025-01-10T08:00:00Z"
    )
    for_client = _create(b, client_id=books["acme"], started_at="2025-01-11T08:00:00Z")
    other_client = _create(b, client_id=books["globex"], started_at="2025-01-12T08:00:00Z")
    billable = _create(
        b,
        client_id=books["globex"],
        service_id=books["service"],
        billable=True,
        started_at="2025-01-13T08:00:00Z",
    )
    billed = _create(b, billed=True, client_id=books["globex"], started_at="2025-01-14T23:59:59Z")
    mine = {in_project.id, for_client.id, other_client.id, billable.id, billed.id}
    window = (
        FilterBuilder()
        .date_time("started_from", "2025-01-10T00:00:00Z")
        .date_time("started_to", datetime(2025, 1, 14, 23, 59, 59, tzinfo=UTC))
    )
    assert _ids(b, window) == mine
    assert _ids(b, FilterBuilder().equals("client_id", books["acme"])) >= {in_project.id, for_client.id}
    assert other_client.id not in _ids(b, FilterBuilder().equals("client_id", books["acme"]))
    assert _ids(b, FilterBuilder().equals("project_id", books["project"])) & mine == {in_project.id}
    assert _ids(b, FilterBuilder().equals("service_id", books["service"])) & mine == {billable.id}
    assert _ids(b, window, FilterBuilder().boolean("billable", True)) == {billable.id, billed.id}
    assert _ids(b, window, FilterBuilder().boolean("billable", False)) == mine - {billable.id, billed.id}
    assert _ids(b, window, FilterBuilder().boolean("billed", True)) == {billed.id}
    assert _ids(b, window, FilterBuilder().boolean("billed", False)) == mine - {billed.id}
    assert _ids(b, window, FilterBuilder().equals("identity_id", b.identity_id)) == mine
    assert _ids(
        b,
        FilterBuilder()
        .date_time("started_from", "2025-01-14T00:00:00Z")
        .date_time("started_to", "2025-01-14T23:59:59Z"),
    ) & mine == {billed.id}


def test_updated_since_finds_entries_changed_after_a_moment(business: Business) -> None:
    entry = _create(business, note="Old")
    changed_at = datetime.now(UTC).replace(microsecond=0)
    business.fb.time_entries.update(business.business_id, entry.id, {"note": "New"})
    recent = _ids(business, FilterBuilder().date_time("updated_since", changed_at))
    assert entry.id in recent
    future = _ids(business, FilterBuilder().date_time("updated_since", "2999-01-01T00:00:00Z"))
    assert future == set()


def test_team_shows_everyones_entries_and_the_default_only_the_callers(
    business: Business, qbd_client: Any
) -> None:
    qbd = qbd_client.qbd
    colleague = qbd.employees.create(
        first_name="Grace", last_name="Hopper", conductor_end_user_id=business.end_user_id
    )
    activity = qbd.time_tracking_activities.create(
        conductor_end_user_id=business.end_user_id,
        entity_id=colleague.id,
        transaction_date="2026-05-04",
        duration="PT2H",
    )
    team = business.fb.time_entries.list(
        business.business_id,
        builders=[FilterBuilder().boolean("team", True), PaginateBuilder(1, 100)],
    )
    (colleague_identity,) = {e.identity_id for e in team} - {business.identity_id}
    theirs = _ids(business, FilterBuilder().equals("identity_id", colleague_identity))
    assert len(theirs) == 1
    (entry_id,) = theirs
    assert int(activity.id.split("-")[0], 16) == entry_id
    assert entry_id not in _ids(business)
    assert entry_id in _ids(business, FilterBuilder().boolean("team", True))


def test_pages_and_meta_totals_cover_every_matching_entry(new_business: Any) -> None:
    b = new_business()
    client = b.fb.clients.create(b.account_id, {"organization": "Paged"}).id
    durations = [600, 1200, 1800, 2400, 3000]
    for i, duration in enumerate(durations):
        _create(
            b, duration=duration, client_id=client, billed=i == 0, started_at=f"2026-02-0{i + 1}T10:00:00Z"
        )
    first = b.fb.time_entries.list(b.business_id, builders=[PaginateBuilder(1, 2)])
    assert (first.pages.page, first.pages.pages, first.pages.per_page, first.pages.total) == (1, 3, 2, 5)
    assert first.data["meta"]["total_logged"] == sum(durations)
    assert first.data["meta"]["total_unbilled"] == sum(durations) - 600
    assert [e.duration for e in first] == [3000, 2400]  # newest work first
    last = b.fb.time_entries.list(b.business_id, builders=[PaginateBuilder(3, 2)])
    assert [e.duration for e in last] == [600]
    beyond = b.fb.time_entries.list(b.business_id, builders=[PaginateBuilder(9, 2)])
    assert len(beyond) == 0 and beyond.pages.total == 5
    capped = b.fb.time_entries.list(b.business_id, builders=[PaginateBuilder(1, 500)])
    assert capped.pages.per_page == 100


def test_page_zero_is_served_as_page_one(business: Business) -> None:
    import httpx

    response = httpx.get(
        f"{business.fb.base_url}/timetracking/business/{business.business_id}/time_entries?page=0&include_deleted=1",
        headers={"Authorization": f"Bearer {business.fb.access_token}"},
    )
    assert response.status_code == 200
    assert response.json()["meta"]["page"] == 1


def test_a_missing_start_is_a_422_field_error(business: Business) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.time_entries.create(business.business_id, {"is_logged": True, "duration": 60})
    error = refusal(excinfo, 422, 2001)
    assert error.error_details == [{"started_at": "field required"}]


def test_a_logged_entry_needs_a_duration(business: Business) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.time_entries.create(business.business_id, {"started_at": "2026-01-01T00:00:00Z"})
    assert refusal(excinfo, 422, 2001).error_details == [{"duration": "field required"}]


def test_an_unknown_client_is_a_422_naming_the_field(business: Business) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        _create(business, client_id=999999)
    assert "client_id" in refusal(excinfo, 422, 2002).error_details[0]


def test_billable_time_needs_a_service_as_the_ledger_requires(
    business: Business, books: dict[str, Any]
) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        _create(business, client_id=books["acme"], billable=True)
    assert "service" in str(refusal(excinfo, 422, 2003).error_details[0])
    assert field_error(excinfo, "service_id", 2003) == "A billable time entry needs a service."


def test_an_unknown_entry_is_404(business: Business) -> None:
    for call in (
        lambda: business.fb.time_entries.get(business.business_id, 987654321),
        lambda: business.fb.time_entries.update(business.business_id, 987654321, {"note": "x"}),
        lambda: business.fb.time_entries.delete(business.business_id, 987654321),
    ):
        with pytest.raises(FreshBooksError) as excinfo:
            call()
        assert str(not_found(excinfo)) == "Requested resource could not be found."


def test_a_malformed_body_is_a_422_not_a_retried_400(business: Business) -> None:
    import httpx

    response = httpx.put(
        f"{business.fb.base_url}/timetracking/business/{business.business_id}/time_entries/1",
        content=b"{not json",
        headers={"Authorization": f"Bearer {business.fb.access_token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errno"] == 2001


def test_an_unknown_path_under_timetracking_answers_in_freshbooks_shape(business: Business) -> None:
    import httpx

    response = httpx.get(f"{business.fb.base_url}/timetracking/business/1/nothing_here")
    assert response.status_code == 404
    assert response.json() == {"error": "Requested resource could not be found."}


def test_out_of_range_numbers_are_422_not_500(business: Business) -> None:
    for fields, field in (
        ({"started_at": 10**30, "duration": 1}, "started_at"),
        ({"started_at": "2026-01-01T00:00:00Z", "duration": 10**30}, "duration"),
    ):
        with pytest.raises(FreshBooksError) as excinfo:
            business.fb.time_entries.create(business.business_id, {"is_logged": True, **fields})
        assert excinfo.value.status_code == 422
        field_error(excinfo, field, 2001)
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.time_entries.list(
            business.business_id, builders=[FilterBuilder().equals("client_id", 10**30)]
        )
    assert excinfo.value.status_code == 422
    field_error(excinfo, "client_id", 2001)


def test_local_times_are_told_in_the_persons_time_zone(new_business: Any) -> None:
    """``local_timezone`` and ``local_started_at`` (reference §2.1) come from the person's zone, here
    their company's; the work day the breakdowns count by is the local one."""
    b = new_business(time_zone="America/Denver")
    winter = _create(b, started_at="2026-01-15T16:30:00Z")  # MST, UTC-7
    summer = _create(b, started_at="2026-07-15T16:30:00Z")  # MDT, UTC-6
    evening = _create(b, started_at="2026-01-16T03:00:00Z")  # still the 15th in Denver
    assert [(e.data["local_timezone"], e.data["local_started_at"]) for e in (winter, summer, evening)] == [
        ("America/Denver", "2026-01-15T09:30:00"),
        ("America/Denver", "2026-07-15T10:30:00"),
        ("America/Denver", "2026-01-15T20:00:00"),
    ]
    assert evening.data["started_at"] == "2026-01-16T03:00:00Z"
    timer = b.fb.time_entries.create(
        b.business_id, {"is_logged": False, "started_at": "2026-02-01T06:00:00Z"}
    )
    assert (timer.data["local_timezone"], timer.data["local_started_at"]) == (
        "America/Denver",
        "2026-01-31T23:00:00",
    )
    meta = b.fb.time_entries.list(
        b.business_id, builders=[FilterBuilder().date_time("started_to", "2026-01-31T00:00:00Z")]
    ).data["meta"]
    assert [d["date"] for d in meta["total_logged_per_team_member"][0]["total_logged_per_day"]] == [
        "2026-01-15"
    ]


def test_a_company_in_utc_tells_local_times_in_utc(business: Business) -> None:
    entry = _create(business, started_at="2026-01-15T16:30:00Z")
    assert (entry.data["local_timezone"], entry.data["local_started_at"]) == ("UTC", "2026-01-15T16:30:00")
