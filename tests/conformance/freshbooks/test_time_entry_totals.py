"""The time entry list's ``meta`` breakdowns: logged time per teammate (per client and project, per
day and client) and per client (per teammate), over every entry the query matches, not the page."""

from __future__ import annotations

from typing import Any

import pytest
from freshbooks import FilterBuilder, PaginateBuilder

from tests.conformance.freshbooks.conftest import Business


@pytest.fixture(scope="module")
def books(new_business: Any, qbd_client: Any) -> dict[str, Any]:
    """My entries for Acme (its project and itself), Globex and no client, over two days, a running
    timer and a deleted entry; a colleague's hour for Globex, logged through Conductor."""
    b = new_business()
    fb, bid = b.fb, b.business_id
    acme = fb.clients.create(b.account_id, {"organization": "Acme"}).id
    globex = fb.clients.create(b.account_id, {"organization": "Globex"}).id
    web = fb.projects.create(bid, {"title": "Web", "client_id": acme}).id

    def log(duration: int, day: str, **fields: Any) -> Any:
        return fb.time_entries.create(
            bid, {"is_logged": True, "duration": duration, "started_at": f"{day}T10:00:00Z", **fields}
        )

    log(600, "2026-02-02", project_id=web)
    log(1200, "2026-02-02", client_id=acme)
    log(1800, "2026-02-03", client_id=globex)
    log(300, "2026-02-03")
    fb.time_entries.delete(bid, log(9999, "2026-02-03", client_id=globex).id)
    fb.time_entries.create(bid, {"is_logged": False, "started_at": "2026-02-04T08:00:00Z", "client_id": acme})
    qbd = qbd_client.qbd
    grace = qbd.employees.create(first_name="Grace", last_name="Hopper", conductor_end_user_id=b.end_user_id)
    customers = qbd.customers.list(conductor_end_user_id=b.end_user_id, limit=150).data
    qbd.time_tracking_activities.create(
        conductor_end_user_id=b.end_user_id,
        entity_id=grace.id,
        customer_id=next(c.id for c in customers if c.full_name == "Globex"),
        transaction_date="2026-02-03",
        duration="PT1H",
        billing_status="not_billable",
    )
    team = fb.time_entries.list(
        bid, builders=[FilterBuilder().boolean("team", True), PaginateBuilder(1, 100)]
    )
    (colleague,) = {e.identity_id for e in team} - {b.identity_id}
    return {
        "business": b,
        "acme": acme,
        "globex": globex,
        "web": web,
        "me": b.identity_id,
        "grace": colleague,
    }


def _meta(business: Business, *builders: Any) -> dict[str, Any]:
    listed = business.fb.time_entries.list(business.business_id, builders=list(builders))
    return listed.data["meta"]


def _client(client_id: int | None, seconds: int, projects: dict[int | None, int]) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "total_logged": seconds,
        "total_logged_per_project": [{"project_id": p, "total_logged": s} for p, s in projects.items()],
    }


def _day(date: str, clients: dict[int | None, int]) -> dict[str, Any]:
    return {
        "date": date,
        "total_logged": sum(clients.values()),
        "total_logged_per_client": [{"client_id": c, "total_logged": s} for c, s in clients.items()],
    }


def test_the_breakdowns_cover_every_match_not_the_page(books: dict[str, Any]) -> None:
    b, acme, globex, web = books["business"], books["acme"], books["globex"], books["web"]
    me, grace = books["me"], books["grace"]
    meta = _meta(b, FilterBuilder().boolean("team", True), PaginateBuilder(1, 2))
    assert (meta["per_page"], meta["total"], meta["total_logged"]) == (2, 5, 600 + 1200 + 1800 + 300 + 3600)
    assert meta["total_logged_per_team_member"] == [
        {
            "identity_id": me,
            "total_logged": 3900,
            "total_logged_per_client": [
                _client(None, 300, {None: 300}),
                _client(acme, 1800, {None: 1200, web: 600}),
                _client(globex, 1800, {None: 1800}),
            ],
            "total_logged_per_day": [
                _day("2026-02-03", {None: 300, globex: 1800}),
                _day("2026-02-02", {acme: 1800}),
            ],
        },
        {
            "identity_id": grace,
            "total_logged": 3600,
            "total_logged_per_client": [_client(globex, 3600, {None: 3600})],
            "total_logged_per_day": [_day("2026-02-03", {globex: 3600})],
        },
    ]
    assert meta["total_logged_per_client"] == [
        {
            "client_id": None,
            "total_logged": 300,
            "total_logged_per_team_member": [{"identity_id": me, "total_logged": 300}],
        },
        {
            "client_id": acme,
            "total_logged": 1800,
            "total_logged_per_team_member": [{"identity_id": me, "total_logged": 1800}],
        },
        {
            "client_id": globex,
            "total_logged": 5400,
            "total_logged_per_team_member": [
                {"identity_id": me, "total_logged": 1800},
                {"identity_id": grace, "total_logged": 3600},
            ],
        },
    ]


def test_the_breakdowns_follow_the_filters(books: dict[str, Any]) -> None:
    b, acme, web, me = books["business"], books["acme"], books["web"], books["me"]
    meta = _meta(b, FilterBuilder().equals("client_id", acme))  # the caller's own, for Acme and below
    assert meta["total_logged"] == 1800
    assert [m["identity_id"] for m in meta["total_logged_per_team_member"]] == [me]
    assert meta["total_logged_per_team_member"][0]["total_logged_per_client"] == [
        _client(acme, 1800, {None: 1200, web: 600})
    ]
    assert meta["total_logged_per_client"] == [
        {
            "client_id": acme,
            "total_logged": 1800,
            "total_logged_per_team_member": [{"identity_id": me, "total_logged": 1800}],
        }
    ]


def test_a_running_timer_logs_nothing_in_the_breakdowns(books: dict[str, Any]) -> None:
    b = books["business"]
    plain = _meta(b)
    with_timer = _meta(b, FilterBuilder().boolean("include_unlogged", True))
    assert with_timer["total"] == plain["total"] + 1
    for key in ("total_logged", "total_logged_per_team_member", "total_logged_per_client"):
        assert with_timer[key] == plain[key]


@pytest.mark.parametrize(
    "flags", [{}, {"team": True}, {"include_deleted": True}, {"team": True, "include_unlogged": True}]
)
def test_the_breakdowns_add_up_to_total_logged(books: dict[str, Any], flags: dict[str, bool]) -> None:
    builder = FilterBuilder()
    for name, value in flags.items():
        builder.boolean(name, value)
    meta = _meta(books["business"], builder)
    members, clients = meta["total_logged_per_team_member"], meta["total_logged_per_client"]
    assert sum(m["total_logged"] for m in members) == meta["total_logged"]
    assert sum(c["total_logged"] for c in clients) == meta["total_logged"]
    for member in members:
        assert sum(c["total_logged"] for c in member["total_logged_per_client"]) == member["total_logged"]
        assert sum(d["total_logged"] for d in member["total_logged_per_day"]) == member["total_logged"]


def test_no_match_has_empty_breakdowns(books: dict[str, Any]) -> None:
    meta = _meta(books["business"], FilterBuilder().date_time("started_from", "2999-01-01T00:00:00Z"))
    assert (meta["total"], meta["total_logged_per_team_member"], meta["total_logged_per_client"]) == (
        0,
        [],
        [],
    )
