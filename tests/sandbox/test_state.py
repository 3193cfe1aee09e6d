"""The sandbox's state endpoints through a real server: reset, seed, export/import and snapshots, each
checked through the APIs a developer's integration uses (conductor-py strict, freshbooks-sdk, plain
HTTP for QuickBooks Time), with refusals in Conductor's error body."""

from __future__ import annotations

from typing import Any

import httpx
from freshbooks import Client

from tests.connectors.conftest import api
from tests.sandbox.conftest import Company
from tests.servers import Server, freshbooks_client, new_demo


def freshbooks(company: Company) -> tuple[Client, dict[str, Any]]:
    return freshbooks_client(company.demo)


def qbt(company: Company, method: str, resource: str, **kwargs: Any) -> dict[str, Any]:
    return api(company.demo["quickbooks_time"], method, resource, timeout=30, **kwargs)


def activities(company: Company) -> list[Any]:
    return list(
        company.qbd.time_tracking_activities.list(conductor_end_user_id=company.end_user_id, limit=150)
    )


def change_through_all_three(company: Company) -> None:
    """A write through each API: a Conductor activity, a FreshBooks time entry, a QuickBooks Time edit."""
    qbd, end_user = company.qbd, company.end_user_id
    ada = next(
        e for e in qbd.employees.list(conductor_end_user_id=end_user).data if e.email == "ada@example.com"
    )
    qbd.time_tracking_activities.create(
        conductor_end_user_id=end_user,
        entity_id=ada.id,
        transaction_date="2027-01-04",
        duration="PT1H",
        note="New",
    )
    fb, block = freshbooks(company)
    fb.time_entries.create(
        block["business_id"],
        {"is_logged": True, "duration": 600, "note": "FB", "started_at": "2027-01-05T10:00:00Z"},
    )
    sheets = qbt(company, "GET", "timesheets", params={"start_date": "2000-01-01"})["results"]["timesheets"]
    first = next(iter(sheets.values()))
    qbt(
        company,
        "PUT",
        "timesheets",
        json={"data": [{"id": first["id"], "notes": "Edited in QuickBooks Time"}]},
    )
    qbd.customers.create(conductor_end_user_id=end_user, name="Snapshot Customer")


def test_without_sandbox_the_paths_are_unknown(server: Server, demo: dict[str, Any]) -> None:
    url = f"{server.base_url}/_timeledger/companies/{demo['conductor']['end_user_id']}/export"
    response = httpx.get(url, headers={"Authorization": f"Bearer {demo['conductor']['api_key']}"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "RESOURCE_MISSING"


def test_a_bad_key_is_401_and_another_organizations_company_404(company: Company) -> None:
    refused = company.call("GET", "/export", key="sk_tl_nonsense")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "API_KEY_INVALID"
    other = new_demo(company.server)
    elsewhere = company.call("GET", "/export", key=other["conductor"]["api_key"])
    assert elsewhere.status_code == 404
    assert elsewhere.json()["error"] == {
        **elsewhere.json()["error"],
        "type": "INVALID_REQUEST_ERROR",
        "code": "RESOURCE_MISSING",
        "message": f'No end user with id "{company.end_user_id}" exists.',
    }


def test_reset_empties_the_books_and_keeps_credentials_and_their_people(company: Company) -> None:
    assert len(activities(company)) == 20
    assert company.ok("POST", "/reset") == {"end_user_id": company.end_user_id, "reset": True}
    qbd, end_user = company.qbd, company.end_user_id
    assert activities(company) == []
    assert [e.email for e in qbd.employees.list(conductor_end_user_id=end_user).data] == ["ada@example.com"]
    assert qbd.customers.list(conductor_end_user_id=end_user).data == []
    assert {c.currency_code for c in qbd.currencies.list(conductor_end_user_id=end_user).data} >= {
        "USD",
        "EUR",
    }
    fb, _ = freshbooks(company)
    assert fb.current_user().email == "ada@example.com"  # the FreshBooks token still works
    assert qbt(company, "GET", "current_user")["results"]["users"]  # and the QuickBooks Time one

    assert company.ok("POST", "/seed", json={"fixture": "demo"})["seeded"] == "demo"
    assert len(activities(company)) == 20
    emails = sorted(e.email for e in qbd.employees.list(conductor_end_user_id=end_user).data)
    assert emails == ["ada@example.com", "alan@example.com", "grace@example.com"]  # Ada reused, not doubled


def test_an_export_imported_back_is_the_same_company(company: Company) -> None:
    before = company.ok("GET", "/export")
    assert before["format"] == "timeledger-company/1" and len(before["tables"]["time_entries"]) == 20
    change_through_all_three(company)
    assert company.ok("GET", "/export") != before
    assert company.ok("POST", "/import", json=before)["imported"] is True
    assert company.ok("GET", "/export") == before
    assert len(activities(company)) == 20


def test_a_snapshot_restored_gives_back_exactly_the_snapshot(company: Company) -> None:
    made = company.ok("POST", "/snapshots", json={"name": "clean"})
    assert made["name"] == "clean" and made["created_at"]
    taken = company.ok("GET", "/export")
    change_through_all_three(company)
    revisions = {a.id: a.revision_number for a in activities(company)}
    assert company.ok("POST", "/snapshots/clean/restore") == {"name": "clean", "restored": True}
    assert company.ok("GET", "/export") == taken
    restored = {a.id: a.revision_number for a in activities(company)}
    assert len(restored) == 20 and set(restored) < set(revisions)
    fb, block = freshbooks(company)
    assert [e.note for e in fb.time_entries.list(block["business_id"]) if e.note == "FB"] == []

    assert company.ok("GET", "/snapshots") == {"data": [made]}
    duplicate = company.call("POST", "/snapshots", json={"name": "clean"})
    assert (duplicate.status_code, duplicate.json()["error"]["message"]) == (
        409,
        'A snapshot named "clean" already exists.',
    )
    assert company.ok("DELETE", "/snapshots/clean") == {"name": "clean", "deleted": True}
    assert company.ok("GET", "/snapshots") == {"data": []}
    gone = company.call("POST", "/snapshots/clean/restore")
    assert (gone.status_code, gone.json()["error"]["code"]) == (404, "RESOURCE_MISSING")


def test_a_bad_document_is_refused_and_changes_nothing(company: Company) -> None:
    before = company.ok("GET", "/export")
    bad_row = {**before["tables"]["time_entries"][0], "id": "x"}
    broken = {**before, "tables": {**before["tables"], "time_entries": [bad_row]}}
    for document, message in (
        ({"tables": {}}, 'the document must be an object with "format": "timeledger-company/1"'),
        ({**before, "tables": {"nonsense": []}}, "unknown table 'nonsense'"),
        (broken, "tables.time_entries[0]: id must be a whole number"),
    ):
        refused = company.call("POST", "/import", json=document)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["message"] == f"The document cannot be imported: {message}."
    other = new_demo(company.server)  # its rows' ids belong to another company
    theirs = Company(company.server, other).ok("GET", "/export")
    clash = company.call("POST", "/import", json=theirs)
    assert clash.status_code == 400 and "clash" in clash.json()["error"]["message"]
    assert company.ok("GET", "/export") == before
    snapshot = company.call("POST", "/snapshots", json={"name": ""})
    assert (snapshot.status_code, snapshot.json()["error"]["message"]) == (
        400,
        '"name" must be a non-empty string.',
    )


def test_a_new_company_of_the_demos_books_for_the_callers_organization(company: Company) -> None:
    key = company.demo["conductor"]["api_key"]
    url = f"{company.server.base_url}/_timeledger/companies"
    made = httpx.post(url, headers={"Authorization": f"Bearer {key}"}, timeout=60)
    assert made.status_code == 200, made.text
    credentials = made.json()
    assert set(credentials) == {"base_url", "conductor", "freshbooks", "quickbooks_time"}
    assert credentials["conductor"]["api_key"] == key
    assert credentials["conductor"]["publishable_key"] == company.demo["conductor"]["publishable_key"]
    fresh = Company(company.server, credentials)
    assert fresh.end_user_id != company.end_user_id
    assert len(activities(fresh)) == 20
    fb, _ = freshbooks(fresh)  # she signs in with an address of this company's own
    assert fb.current_user().email == credentials["freshbooks"]["login"]["email"] != "ada@example.com"
    assert qbt(fresh, "GET", "current_user")["results"]["users"]
    refused = httpx.post(url, headers={"Authorization": f"Bearer {key}"}, json={"fixture": "empty"})
    assert (refused.status_code, refused.json()["error"]["message"]) == (
        400,
        '"fixture" must be one of: demo.',
    )
