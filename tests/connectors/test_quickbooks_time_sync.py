"""The QuickBooks Time half of ``timeledger sync`` against a running timeledger: timesheets read as
entries (person, jobcode path, service item, running timers, changes and deletions since a moment),
entries written by name (found, missing, or created with ``create_missing``), updated, deleted, found
again, refused in QuickBooks Time's own words; tokens refreshed into the endpoint file, and every
request through ``Polite``.

Each module-scoped account is a ``timeledger demo`` of its own: Ada, Grace and Alan (ada@, grace@,
alan@example.com), jobcodes Acme Corp > Website Redesign / Mobile App and Globex > Annual Audit, service
items Consulting, Development, Design, and last week's timesheets. Written entries are dated in 2023,
each test on days of its own, so no two overlap.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.connectors.conftest import api, new_demo, unique
from tests.servers import Server, free_port
from timeledger.connectors import entries
from timeledger.connectors.entries import Entry, Missing, Person, Refused
from timeledger.connectors.polite import Polite
from timeledger.connectors.quickbooks_time_sync import QuickBooksTimeConnector, open_connector

ADA = Person("Ada Lovelace", "ada@example.com", "Ada", "Lovelace")
GRACE = Person("Grace Hopper", "grace@example.com", "Grace", "Hopper")
DENVER_SUMMER = -6  # America/Denver in summer, the demo company's zone


class CountingTransport(httpx.HTTPTransport):
    """The real transport, counting what reaches the wire."""

    def __init__(self) -> None:
        super().__init__()
        self.sent = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent += 1
        return super().handle_request(request)


class CountingPolite(Polite):
    """A ``Polite`` whose transport ends in a ``CountingTransport``: what it counted is what was sent."""

    def __init__(self) -> None:
        super().__init__()
        self.wire = CountingTransport()

    def httpx_transport(self, inner: httpx.BaseTransport | None = None) -> httpx.BaseTransport:
        return super().httpx_transport(inner or self.wire)


def _endpoint_file(folder: Path, demo: dict[str, Any], name: str = "qbtime.json") -> Path:
    path = folder / name
    path.write_text(json.dumps(demo))
    return path


def _open(path: Path, polite: Polite | None = None) -> QuickBooksTimeConnector:
    data = json.loads(path.read_text())
    return open_connector(data.get("quickbooks_time", data), polite or Polite(), path)


@pytest.fixture(scope="module")
def reading(server: Server, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """An account the reader tests read (and change only in tests that watch for changes)."""
    demo = new_demo(server)
    return demo["quickbooks_time"], _endpoint_file(tmp_path_factory.mktemp("reading"), demo)


@pytest.fixture(scope="module")
def writing(server: Server, tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """An account the writer tests write in; the file holds the block alone, as an endpoint file may."""
    block = new_demo(server)["quickbooks_time"]
    return block, _endpoint_file(tmp_path_factory.mktemp("writing"), block)


@pytest.fixture
def reader_connector(reading: tuple[dict[str, Any], Path]) -> Iterator[QuickBooksTimeConnector]:
    connector = _open(reading[1])
    yield connector
    connector.close()


@pytest.fixture
def connector(writing: tuple[dict[str, Any], Path]) -> Iterator[QuickBooksTimeConnector]:
    connector = _open(writing[1])
    yield connector
    connector.close()


def _sheet(block: dict[str, Any], sheet_id: str) -> dict[str, Any]:
    found = api(block, "GET", "timesheets", params={"ids": sheet_id, "on_the_clock": "both"})
    return found["results"]["timesheets"][sheet_id]


def _user_id(block: dict[str, Any], email: str) -> int | None:
    users = api(block, "GET", "users", params={"active": "both"})["results"]["users"]
    matches = [int(u["id"]) for u in users.values() if u["email"].lower() == email.lower()]
    assert len(matches) <= 1, matches
    return matches[0] if matches else None


def _jobcodes(block: dict[str, Any]) -> dict[str, Any]:
    return api(block, "GET", "jobcodes", params={"active": "both", "type": "all"})["results"]["jobcodes"]


def _jobcode_id(block: dict[str, Any], *path: str) -> int:
    jobcodes, parent = _jobcodes(block), 0
    for name in path:
        (parent,) = [
            int(j["id"]) for j in jobcodes.values() if j["name"] == name and j["parent_id"] == parent
        ]
    return parent


def _tracker(block: dict[str, Any], *, time_tracking: bool = True) -> Person:
    """A new user of the account with an email of its own (its hours overlap nobody's)."""
    email = f"{unique('tracker')}@example.com"
    last = unique("Tracker")
    user = {
        "username": email,
        "first_name": "Test",
        "last_name": last,
        "email": email,
        "permissions": {"time_tracking": time_tracking},
    }
    api(block, "POST", "users", json={"data": [user]})
    return Person(f"Test {last}", email, "Test", last)


def _entry(**fields: Any) -> Entry:
    defaults: dict[str, Any] = {
        "id": unique("src"),
        "revision": "1",
        "work_date": date(2023, 5, 1),
        "duration_seconds": 5400,
        "person": GRACE,
        "customer": ("Acme Corp", "Mobile App"),
        "service_item": "Development",
        "note": unique("Sprint review "),
    }
    return Entry(**{**defaults, **fields})


# --- the connector -------------------------------------------------------------------------------------


def test_the_connector_names_the_company_of_its_block(
    reader_connector: QuickBooksTimeConnector, reading: Any
) -> None:
    block = reading[0]
    assert (reader_connector.kind, reader_connector.company) == ("quickbooks-time", block["company_id"])
    assert reader_connector.identity == f"quickbooks-time:{block['company_id']}@{block['base_url']}"


def test_without_a_company_id_the_company_is_the_accounts_client_url(reading: Any, tmp_path: Path) -> None:
    block = {k: v for k, v in reading[0].items() if k != "company_id"}
    me = api(block, "GET", "current_user")["results"]["users"]
    (client_url,) = {u["client_url"] for u in me.values()}
    connector = open_connector(block, Polite(), _endpoint_file(tmp_path, block))
    try:
        assert connector.company == client_url
        assert connector.identity == f"quickbooks-time:{client_url}@{block['base_url']}"
    finally:
        connector.close()


# --- reading ---------------------------------------------------------------------------------------------


def test_the_reader_shows_each_timesheet_with_its_person_jobcode_path_and_service_item(
    reader_connector: QuickBooksTimeConnector, reading: Any
) -> None:
    block = reading[0]
    found = reader_connector.reader().changes(None)
    adas = [e for e in found.entries if e.person.email == "ada@example.com"]
    assert len(adas) == 5  # the demo's last week, Monday to Friday
    assert found.deleted == []
    for entry in adas:
        assert entry.person == ADA
        assert entry.service_item == "Consulting"  # the demo's Ada consults
        assert entry.customer in {
            ("Acme Corp", "Website Redesign"),
            ("Acme Corp", "Mobile App"),
            ("Globex", "Annual Audit"),
        }
        assert (entry.billable, entry.running, entry.started_at) == (None, False, None)  # manual timesheets
        sheet = _sheet(block, entry.id)
        assert entry.revision == sheet["last_modified"]
        assert (entry.work_date.isoformat(), entry.duration_seconds, entry.note) == (
            sheet["date"],
            sheet["duration"],
            sheet["notes"],
        )
        assert sheet["jobcode_id"] == _jobcode_id(block, *entry.customer)
    assert {e.person.name for e in found.entries} >= {"Ada Lovelace", "Grace Hopper", "Alan Turing"}


def test_a_running_timer_on_a_child_jobcode_is_read_with_its_path_and_start(
    reader_connector: QuickBooksTimeConnector, reading: Any
) -> None:
    block = reading[0]
    person = _tracker(block)
    parent = api(block, "POST", "jobcodes", json={"data": [{"name": unique("Client")}]})["results"][
        "jobcodes"
    ]["1"]
    child = api(block, "POST", "jobcodes", json={"data": [{"name": "Phase 1", "parent_id": parent["id"]}]})
    child_id = child["results"]["jobcodes"]["1"]["id"]
    start = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0)
    sheet = {
        "user_id": _user_id(block, str(person.email)),
        "jobcode_id": child_id,
        "type": "regular",
        "start": start.isoformat(),
        "end": "",
        "customfields": {"1": "Design"},
    }
    made = api(block, "POST", "timesheets", json={"data": [sheet]})["results"]["timesheets"]["1"]
    (entry,) = [e for e in reader_connector.reader().changes(None).entries if e.id == str(made["id"])]
    assert entry.running is True
    assert entry.started_at == start and entry.started_at.tzinfo is not None
    assert entry.customer == (parent["name"], "Phase 1")
    assert (entry.person, entry.service_item) == (person, "Design")


def test_changes_since_a_moment_are_only_what_changed_after_it(
    reader_connector: QuickBooksTimeConnector, reading: Any
) -> None:
    block = reading[0]
    reader = reader_connector.reader()
    some = next(e for e in reader.changes(None).entries if e.person == ADA)
    time.sleep(1.1)  # last_modified is whole seconds: nothing earlier may share the moment's second
    since = datetime.now(UTC)
    note = unique("Edited ")
    api(block, "PUT", "timesheets", json={"data": [{"id": int(some.id), "notes": note}]})
    changed = reader.changes(since)
    assert [(e.id, e.note) for e in changed.entries] == [(some.id, note)]
    assert changed.entries[0].revision != some.revision
    assert changed.deleted == []


def test_a_timesheet_deleted_since_a_moment_is_among_the_deleted(
    reader_connector: QuickBooksTimeConnector, reading: Any
) -> None:
    block = reading[0]
    person = _tracker(block)
    sheet = {
        "user_id": _user_id(block, str(person.email)),
        "jobcode_id": 0,
        "type": "manual",
        "date": "2023-01-09",
        "duration": 3600,
    }
    made = api(block, "POST", "timesheets", json={"data": [sheet]})["results"]["timesheets"]["1"]
    reader = reader_connector.reader()
    time.sleep(1.1)
    since = datetime.now(UTC)
    assert reader.changes(since).deleted == []
    api(block, "DELETE", "timesheets", params={"ids": made["id"]})
    changed = reader.changes(since)
    assert changed.deleted == [str(made["id"])]
    assert changed.entries == []
    assert str(made["id"]) not in {e.id for e in reader.changes(None).entries}


# --- writing ---------------------------------------------------------------------------------------------


def test_an_entry_is_written_with_its_person_jobcode_and_service_item_found_by_name(
    connector: QuickBooksTimeConnector, writing: Any
) -> None:
    block = writing[0]
    writer = connector.writer(create_missing=False)
    assert writer.keeps_external_ids is False
    entry = _entry(work_date=date(2023, 5, 1))
    writer.check(entry)
    written = writer.create(entry, "external-1")
    sheet = _sheet(block, written.id)
    assert written.revision == sheet["last_modified"]
    assert sheet["user_id"] == _user_id(block, "grace@example.com")
    assert sheet["jobcode_id"] == _jobcode_id(block, "Acme Corp", "Mobile App")
    assert (sheet["type"], sheet["date"], sheet["duration"], sheet["notes"]) == (
        "manual",
        "2023-05-01",
        5400,
        entry.note,
    )
    assert sheet["customfields"] == {"1": "Development"}
    # Grace may now log time to the jobcode: the writer assigned it to her.
    assignments = api(
        block, "GET", "jobcode_assignments", params={"user_ids": sheet["user_id"], "active": "yes"}
    )
    assert sheet["jobcode_id"] in {
        a["jobcode_id"] for a in assignments["results"]["jobcode_assignments"].values()
    }


def test_an_entry_with_a_start_is_written_as_a_regular_timesheet(
    connector: QuickBooksTimeConnector, writing: Any
) -> None:
    block = writing[0]
    start = datetime(2023, 5, 2, 9, 30, tzinfo=UTC) + timedelta(hours=-DENVER_SUMMER)
    entry = _entry(
        work_date=date(2023, 5, 2),
        started_at=start,
        duration_seconds=3600,
        customer=(),
        service_item=None,
        person=ADA,
    )
    written = connector.writer(create_missing=False).create(entry, "external-2")
    sheet = _sheet(block, written.id)
    assert (sheet["type"], sheet["jobcode_id"], sheet["customfields"], sheet["duration"]) == (
        "regular",
        0,
        "",
        3600,
    )
    assert datetime.fromisoformat(sheet["start"]) == start
    assert datetime.fromisoformat(sheet["end"]) == start + timedelta(hours=1)
    (read,) = [e for e in connector.reader().changes(None).entries if e.id == written.id]
    assert entries.same_work(read, entry) and read.started_at == start


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"person": Person("Nobody Here", "nobody@example.com", "Nobody", "Here")}, "nobody@example.com"),
        ({"person": Person("Nobody Here")}, "Nobody Here"),
        ({"customer": ("Acme Corp", "No Such Job")}, "Acme Corp:No Such Job"),
        ({"customer": ("No Such Client",)}, "No Such Client"),
        ({"service_item": "No Such Item"}, "No Such Item"),
    ],
)
def test_without_create_missing_what_the_account_lacks_is_missing(
    connector: QuickBooksTimeConnector, writing: Any, change: dict[str, Any], named: str
) -> None:
    block = writing[0]
    writer = connector.writer(create_missing=False)
    entry = _entry(work_date=date(2023, 5, 3), **change)
    with pytest.raises(Missing) as checked:
        writer.check(entry)
    assert named in checked.value.reason
    with pytest.raises(Missing) as refused:
        writer.create(entry, "external-3")
    assert named in refused.value.reason
    listed = api(block, "GET", "timesheets", params={"start_date": "2023-05-03", "end_date": "2023-05-03"})
    assert listed["results"]["timesheets"] == {}
    assert "No Such" not in json.dumps(_jobcodes(block))


def test_with_create_missing_the_user_jobcodes_and_service_item_are_created(
    connector: QuickBooksTimeConnector, writing: Any
) -> None:
    block = writing[0]
    email = f"{unique('new')}@example.com"
    person = Person("Newt Scamander", email, "Newt", "Scamander")
    client, item = unique("Client "), unique("Item ")
    entry = _entry(work_date=date(2023, 5, 4), person=person, customer=(client, "Phase 1"), service_item=item)
    writer = connector.writer(create_missing=True)
    writer.check(entry)  # lookups only: nothing is created by a check
    assert _user_id(block, email) is None
    assert client not in json.dumps(_jobcodes(block))

    written = writer.create(entry, "external-4")
    sheet = _sheet(block, written.id)
    user_id = _user_id(block, email)
    user = api(block, "GET", "users", params={"ids": user_id})["results"]["users"][str(user_id)]
    assert (user["first_name"], user["last_name"], user["permissions"]["time_tracking"]) == (
        "Newt",
        "Scamander",
        True,
    )
    assert sheet["user_id"] == user_id
    jobcodes = _jobcodes(block)
    child = jobcodes[str(sheet["jobcode_id"])]
    assert child["name"] == "Phase 1"
    assert jobcodes[str(child["parent_id"])]["name"] == client
    assert jobcodes[str(child["parent_id"])]["parent_id"] == 0
    assert sheet["customfields"] == {"1": item}
    items = api(block, "GET", "customfielditems", params={"customfield_id": 1})["results"]["customfielditems"]
    assert item in {i["name"] for i in items.values()}
    assignments = api(block, "GET", "jobcode_assignments", params={"user_ids": user_id})
    assert sheet["jobcode_id"] in {
        a["jobcode_id"] for a in assignments["results"]["jobcode_assignments"].values()
    }

    # What it created is found from then on, by this writer and by a new one: nothing made twice.
    again = _entry(work_date=date(2023, 5, 5), person=person, customer=(client, "Phase 1"), service_item=item)
    second = writer.create(again, "external-5")
    third = connector.writer(create_missing=True).create(replace(again, note="Later"), "external-6")
    assert _sheet(block, second.id)["user_id"] == _sheet(block, third.id)["user_id"] == user_id
    assert _sheet(block, third.id)["jobcode_id"] == sheet["jobcode_id"]
    assert json.dumps(_jobcodes(block)).count(client) == 1


def test_an_entry_is_updated_in_place_and_its_revision_moves(
    connector: QuickBooksTimeConnector, writing: Any
) -> None:
    block = writing[0]
    writer = connector.writer(create_missing=False)
    written = writer.create(_entry(work_date=date(2023, 5, 8)), "external-7")
    assert writer.revisions([written.id]) == {written.id: written.revision}
    time.sleep(1.1)  # last_modified is whole seconds
    changed = _entry(
        work_date=date(2023, 5, 9), duration_seconds=7200, customer=(), service_item=None, note=""
    )
    updated = writer.update(written.id, changed)
    assert updated.id == written.id and updated.revision != written.revision
    sheet = _sheet(block, written.id)
    assert (sheet["date"], sheet["duration"], sheet["jobcode_id"], sheet["notes"], sheet["customfields"]) == (
        "2023-05-09",
        7200,
        0,
        "",
        "",
    )
    assert writer.revisions([written.id, "999999999", "not-an-id"]) == {written.id: updated.revision}


def test_an_entry_that_gained_a_start_replaces_its_manual_timesheet(
    connector: QuickBooksTimeConnector, writing: Any
) -> None:
    block = writing[0]
    writer = connector.writer(create_missing=False)
    entry = _entry(work_date=date(2023, 5, 10))
    written = writer.create(entry, "external-8")
    start = datetime(2023, 5, 10, 15, 0, tzinfo=UTC)
    updated = writer.update(written.id, replace(entry, started_at=start))
    assert updated.id != written.id
    assert writer.revisions([written.id, updated.id]) == {updated.id: updated.revision}
    assert _sheet(block, updated.id)["type"] == "regular"


def test_an_entry_moved_to_another_person_replaces_its_timesheet(
    connector: QuickBooksTimeConnector, writing: Any
) -> None:
    block = writing[0]
    writer = connector.writer(create_missing=False)
    entry = _entry(work_date=date(2023, 5, 12))
    written = writer.create(entry, "external-17")
    updated = writer.update(written.id, replace(entry, person=ADA))
    assert updated.id != written.id
    assert writer.revisions([written.id, updated.id]) == {updated.id: updated.revision}
    assert _sheet(block, updated.id)["user_id"] == _user_id(block, "ada@example.com")


def test_a_person_with_one_name_cannot_be_created(connector: QuickBooksTimeConnector) -> None:
    with pytest.raises(Missing, match="first and a last name"):
        connector.writer(create_missing=True).check(
            _entry(person=Person("Cher", f"{unique('cher')}@example.com"))
        )


def test_a_deleted_entry_has_no_revision_and_deleting_it_again_is_fine(
    connector: QuickBooksTimeConnector,
) -> None:
    writer = connector.writer(create_missing=False)
    written = writer.create(_entry(work_date=date(2023, 5, 11)), "external-9")
    writer.delete(written.id)
    assert writer.revisions([written.id]) == {}
    writer.delete(written.id)
    with pytest.raises(Refused, match=written.id):
        writer.update(written.id, _entry(work_date=date(2023, 5, 11)))


def test_find_pairs_each_timesheet_with_one_wanted_entry_of_the_same_work(
    connector: QuickBooksTimeConnector,
) -> None:
    writer = connector.writer(create_missing=False)
    entry = _entry(work_date=date(2023, 5, 15), person=ADA, service_item="Consulting")
    written = writer.create(entry, "external-10")
    later = _entry(work_date=date(2023, 5, 29), person=ADA)  # two weeks on: read in a span of its own
    other = writer.create(later, "external-11")
    twin = replace(entry, id="another source entry", duration_seconds=entry.duration_seconds + 20)
    wanted = {"a": entry, "b": twin, "c": replace(entry, note="Something else"), "d": later}
    found = writer.find(wanted, taken=set())
    assert set(found) == {"a", "d"}  # the twin does the same work, but there is only one timesheet
    assert (found["a"].written, found["d"].written) == (written, other)
    assert entries.same_work(found["a"].entry, entry) and found["a"].entry.id == written.id
    assert writer.find({"a": entry}, taken={written.id}) == {}


def test_a_refusal_carries_quickbooks_times_own_message(
    connector: QuickBooksTimeConnector, writing: Any
) -> None:
    block = writing[0]
    cannot = _tracker(block, time_tracking=False)
    writer = connector.writer(create_missing=False)
    with pytest.raises(Refused) as refused:
        writer.create(_entry(work_date=date(2023, 5, 16), person=cannot, customer=()), "external-12")
    assert "TS-1006" in refused.value.reason and "not allowed to track time" in refused.value.reason
    assert not isinstance(refused.value, Missing)

    start = datetime(2023, 5, 17, 15, 0, tzinfo=UTC)
    first = _entry(work_date=date(2023, 5, 17), person=ADA, started_at=start, duration_seconds=3600)
    writer.create(first, "external-13")
    overlapping = replace(first, started_at=start + timedelta(minutes=30), note="Overlapping")
    with pytest.raises(Refused, match=r"406.*Conflict exists with another timesheet"):
        writer.create(overlapping, "external-14")


# --- tokens, errors, and politeness ----------------------------------------------------------------


def test_a_refreshed_token_is_written_back_to_the_endpoint_file(server: Server, tmp_path: Path) -> None:
    demo = new_demo(server)
    block = demo["quickbooks_time"]
    spent = {**demo, "quickbooks_time": {**block, "access_token": "0" * 40}}
    path = _endpoint_file(tmp_path, spent)
    connector = _open(path)
    try:
        assert len(connector.reader().changes(None).entries) >= 15
    finally:
        connector.close()
    kept = json.loads(path.read_text())
    assert kept["quickbooks_time"]["access_token"] not in ("0" * 40, block["access_token"])
    assert kept["quickbooks_time"]["refresh_token"] != block["refresh_token"]
    assert {k: v for k, v in kept.items() if k != "quickbooks_time"} == {
        k: v for k, v in demo.items() if k != "quickbooks_time"
    }
    reopened = _open(path)  # the file's new tokens work as they are
    try:
        assert reopened.reader().changes(None).entries
    finally:
        reopened.close()


def test_a_token_that_cannot_be_refreshed_is_a_connector_error(writing: Any, tmp_path: Path) -> None:
    block = {**writing[0], "access_token": "0" * 40, "refresh_token": "1" * 40}
    connector = open_connector(block, Polite(), _endpoint_file(tmp_path, block))
    try:
        with pytest.raises(entries.ConnectorError, match="refreshing it failed"):
            connector.reader().changes(None)
        with pytest.raises(entries.ConnectorError):
            connector.writer(create_missing=False).check(_entry())
    finally:
        connector.close()


def test_an_unreachable_server_is_a_connector_error(writing: Any, tmp_path: Path) -> None:
    block = {**writing[0], "base_url": f"http://127.0.0.1:{free_port()}/api/v1"}
    connector = open_connector(block, Polite(), _endpoint_file(tmp_path, block))
    try:
        with pytest.raises(entries.ConnectorError, match="cannot reach"):
            connector.reader().changes(None)
        with pytest.raises(entries.ConnectorError, match="cannot reach"):
            connector.writer(create_missing=True).create(_entry(), "external-15")
    finally:
        connector.close()


def test_every_request_goes_through_polite(writing: Any) -> None:
    polite = CountingPolite()
    connector = _open(writing[1], polite)
    try:
        writer = connector.writer(create_missing=True)
        written = writer.create(
            _entry(work_date=date(2023, 5, 18), service_item=unique("Counted ")), "external-16"
        )
        writer.revisions([written.id])
        connector.reader().changes(datetime.now(UTC) - timedelta(minutes=5))
        writer.delete(written.id)
    finally:
        connector.close()
    assert polite.requests == polite.wire.sent
    assert polite.requests >= 8  # users, jobcodes, fields, items, item, assignments..., the timesheet, ...
