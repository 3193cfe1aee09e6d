"""Reading and writing each side of a sync through its official SDK (conductor-py strict,
freshbooks-sdk) or, for QuickBooks Time, plain HTTP: how the tests set up a source and check a target."""

from __future__ import annotations

from typing import Any

from conductor import Conductor
from freshbooks import Client, FilterBuilder, PaginateBuilder

from tests.connectors.conftest import api as qbt  # QuickBooks Time over plain HTTP
from tests.servers import freshbooks_client
from tests.sync.conftest import Side

DAY = "2027-03-01"  # the tests' entries are on and after this day; the demo's own are before it
SINCE = ("--since", DAY)


# --- QuickBooks Desktop (conductor-py, strict) ---------------------------------------------------


def qbd(side: Side) -> tuple[Any, str]:
    block = side.demo["conductor"]
    client = Conductor(
        api_key=block["api_key"], base_url=block["base_url"], _strict_response_validation=True, max_retries=0
    )
    return client.qbd, block["end_user_id"]


def activities(side: Side) -> list[Any]:
    """The company's activities on the tests' days."""
    client, end_user = qbd(side)
    found = client.time_tracking_activities.list(conductor_end_user_id=end_user, transaction_date_from=DAY)
    return list(found)


def by_external_id(side: Side) -> dict[str, Any]:
    return {activity.external_id: activity for activity in activities(side)}


# --- QuickBooks Time (plain HTTP) ----------------------------------------------------------------


def qbt_ids(block: dict[str, Any], resource: str, key: str = "name") -> dict[str, int]:
    listed = qbt(block, "GET", resource)["results"][resource]
    return {item[key]: int(item["id"]) for item in listed.values()}


def timesheets(block: dict[str, Any], items: list[dict[str, Any]]) -> list[str]:
    """POST these timesheets, 50 a request as QuickBooks Time takes them; their ids."""
    made: list[str] = []
    for start in range(0, len(items), 50):
        answer = qbt(block, "POST", "timesheets", json={"data": items[start : start + 50]})
        for result in answer["results"]["timesheets"].values():
            assert result["_status_code"] == 200, result
            made.append(str(result["id"]))
    return made


def timesheet(block: dict[str, Any], user: str, jobcode: str, day: str, seconds: int, note: str) -> str:
    item = {
        "user_id": qbt_ids(block, "users", "email")[user],
        "jobcode_id": qbt_ids(block, "jobcodes")[jobcode],
        "type": "manual",
        "date": day,
        "duration": seconds,
        "notes": note,
        "customfields": {"1": "Consulting"},
    }
    return timesheets(block, [item])[0]


# --- FreshBooks (freshbooks-sdk) ------------------------------------------------------------------


def freshbooks(side: Side) -> tuple[Client, dict[str, Any]]:
    """A freshbooks-sdk client of the side's company."""
    return freshbooks_client(side.demo)


def fb_entries(side: Side) -> list[dict[str, Any]]:
    """The business's time entries on the tests' days, every page."""
    client, block = freshbooks(side)
    found: list[dict[str, Any]] = []
    page = 1
    while True:
        builders = [PaginateBuilder(page, 100), FilterBuilder().equals("started_from", f"{DAY}T00:00:00Z")]
        listed = client.time_entries.list(block["business_id"], builders=builders)
        found += [entry.data for entry in listed]
        if page >= listed.pages.pages:
            return found
        page += 1


def fb_named(side: Side) -> dict[str, dict[str, int]]:
    """The business's clients (by organization), projects (by title) and services (by name)."""
    client, block = freshbooks(side)
    clients = client.clients.list(block["account_id"], builders=[PaginateBuilder(1, 100)])
    projects = client.projects.list(block["business_id"], builders=[PaginateBuilder(1, 100)])
    services = client.services.list(block["business_id"], builders=[PaginateBuilder(1, 100)])
    return {
        "clients": {c.organization: c.id for c in clients},
        "projects": {p.title: p.id for p in projects},
        "project_clients": {p.title: p.client_id for p in projects},
        "services": {s.name: s.id for s in services},
    }


def fb_entry(side: Side, project: str, day: str, seconds: int | None, note: str, **extra: Any) -> str:
    """A logged entry of the demo's person (Ada) on ``project``, Consulting, at 15:00 UTC on ``day``;
    a running timer when ``seconds`` is None."""
    client, block = freshbooks(side)
    named = fb_named(side)
    fields = {
        "is_logged": seconds is not None,
        **({"duration": seconds} if seconds is not None else {}),
        "note": note,
        "started_at": f"{day}T15:00:00.000Z",
        "identity_id": block["identity_id"],
        "project_id": named["projects"][project],
        "client_id": named["project_clients"][project],
        "service_id": named["services"]["Consulting"],
        **extra,
    }
    return str(client.time_entries.create(block["business_id"], fields).id)
