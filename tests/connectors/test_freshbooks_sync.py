"""The FreshBooks connector of ``timeledger sync`` against the running timeledger: the reader (fields,
changes since a moment, deletions, timers), the writer (lookups by name, Missing, creating what is
missing, updates, revisions, finding entries again, refusals), the token refresh written back to the
endpoint file, and every request sent through ``Polite``. Source data is made with freshbooks-sdk,
in a demo company of this module's own."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from conductor import Conductor
from freshbooks import Client, PaginateBuilder

from tests.connectors.conftest import new_demo, unique
from tests.servers import Server, free_port
from timeledger.connectors.entries import ConnectorError, Entry, Missing, Person, Refused
from timeledger.connectors.freshbooks import FreshBooksConnector, open_connector
from timeledger.connectors.polite import Polite
from timeledger.dialects.freshbooks.ids import IdentityIdKind, parse_identity_id, parse_identity_kind_id
from timeledger.ledger.services.lists import update_list_entry
from timeledger.ledger.values import ListKind
from timeledger.store.engine import make_engine
from timeledger.store.unit_of_work import SqlUnitOfWork

ADA = Person(name="Ada Lovelace", email="ada@example.com", first_name="Ada", last_name="Lovelace")
GRACE_EMAIL = "grace@example.com"


# --- fixtures and helpers ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(server: Server) -> dict[str, Any]:
    """A demo company of this module's own: its seeded books, and what the tests add."""
    return new_demo(server)


@pytest.fixture(scope="module")
def block(demo: dict[str, Any]) -> dict[str, Any]:
    return demo["freshbooks"]


def endpoint_file(tmp_path: Path, data: dict[str, Any], name: str = "freshbooks.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data))
    return path


@pytest.fixture
def polite() -> Polite:
    return Polite()


@pytest.fixture
def connector(block: dict[str, Any], polite: Polite, tmp_path: Path) -> Iterator[FreshBooksConnector]:
    made = open_connector(block, polite, endpoint_file(tmp_path, block))
    yield made
    made.close()


def sdk(block: dict[str, Any]) -> Client:
    """freshbooks-sdk as a FreshBooks integration uses it, pointed at the block's server."""
    client = Client(client_id=block["client_id"], access_token=block["access_token"])
    client.base_url = block["api_url"]
    return client


@pytest.fixture(scope="module")
def fb(block: dict[str, Any]) -> Client:
    return sdk(block)


def team(block: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The business's team members by email, read as any integration would."""
    response = httpx.get(
        f"{block['api_url']}/auth/api/v1/businesses/{block['business_id']}/team_members",
        params={"per_page": 100},
        headers={"Authorization": f"Bearer {block['access_token']}"},
    )
    assert response.status_code == 200, response.text
    return {m["email"]: m for m in response.json()["response"]}


def new_client(fb: Client, block: dict[str, Any], organization: str) -> int:
    return int(fb.clients.create(block["account_id"], {"organization": organization}).data["id"])


def new_project(fb: Client, block: dict[str, Any], client_id: int, title: str) -> int:
    made = fb.projects.create(block["business_id"], {"title": title, "client_id": client_id})
    return int(made.data["id"])


def new_service(fb: Client, block: dict[str, Any], name: str) -> int:
    return int(fb.services.create(block["business_id"], {"name": name}).data["id"])


def new_entry(fb: Client, block: dict[str, Any], **fields: Any) -> dict[str, Any]:
    body = {"is_logged": True, "duration": 3600, "started_at": "2025-06-10T15:00:00Z", **fields}
    return fb.time_entries.create(block["business_id"], body).data


def get_entry(fb: Client, block: dict[str, Any], entry_id: str | int) -> dict[str, Any]:
    return fb.time_entries.get(block["business_id"], int(entry_id)).data


def by_id(entries: list[Entry]) -> dict[str, Entry]:
    return {e.id: e for e in entries}


def wanted(note: str, **fields: Any) -> Entry:
    """A source entry, as another service's reader would give it."""
    values: dict[str, Any] = {
        "id": unique("source"),
        "revision": "1",
        "work_date": date(2025, 6, 10),
        "duration_seconds": 5400,
        "person": ADA,
        "customer": ("Acme Corporation", "Website Redesign"),
        "service_item": "Consulting",
        "note": note,
        "billable": True,
        "started_at": datetime(2025, 6, 10, 15, 0, tzinfo=UTC),
    }
    return Entry(**{**values, **fields})


def names(fb: Client, block: dict[str, Any]) -> dict[str, set[str]]:
    """The clients', projects' and services' names, as the business shows them."""
    bid = block["business_id"]
    return {
        "clients": {c.organization for c in fb.clients.list(block["account_id"], builders=[_all()])},
        "projects": {p.title for p in fb.projects.list(bid, builders=[_all()])},
        "services": {s.name for s in fb.services.list(bid, builders=[_all()])},
    }


def _all() -> PaginateBuilder:
    return PaginateBuilder(1, 100)


def a_second_later() -> datetime:
    """A moment strictly after every write so far: FreshBooks' ``updated_since`` has whole seconds."""
    time.sleep(1.1)
    return datetime.now(UTC)


# --- opening ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["access_token", "business_id", "account_id"])
def test_an_endpoint_without_a_required_key_is_refused_naming_it(
    block: dict[str, Any], tmp_path: Path, key: str
) -> None:
    partial = {k: v for k, v in block.items() if k != key}
    with pytest.raises(ConnectorError, match=key):
        open_connector(partial, Polite(), endpoint_file(tmp_path, partial))


def test_the_connector_names_its_business_and_server(
    connector: FreshBooksConnector, block: dict[str, Any]
) -> None:
    assert (connector.kind, connector.company) == ("freshbooks", str(block["business_id"]))
    assert connector.identity == f"freshbooks:{block['business_id']}@{block['api_url']}"


# --- the reader ---------------------------------------------------------------------------------------


def test_the_reader_names_people_customers_and_services_as_freshbooks_shows_them(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    client_name, title, service = unique("Reader Co "), unique("Launch "), unique("Research ")
    client_id = new_client(fb, block, client_name)
    project_id = new_project(fb, block, client_id, title)
    service_id = new_service(fb, block, service)
    grace = team(block)[GRACE_EMAIL]["identity_id"]
    note = unique("reader ")
    on_project = new_entry(
        fb,
        block,
        identity_id=grace,
        client_id=client_id,
        project_id=project_id,
        service_id=service_id,
        billable=True,
        duration=5400,
        note=note,
        # 03:00 UTC is the evening before in the company's Denver: the work date is the local one.
        started_at="2025-03-04T03:00:00Z",
    )
    on_client = new_entry(fb, block, identity_id=grace, client_id=client_id, note=note)
    internal = new_entry(fb, block, note=note)

    found = by_id(connector.reader().changes(None).entries)

    entry = found[str(on_project["id"])]
    assert entry.person == Person("Grace Hopper", GRACE_EMAIL, "Grace", "Hopper")
    assert (entry.customer, entry.service_item, entry.billable) == ((client_name, title), service, True)
    assert (entry.work_date, entry.duration_seconds, entry.note) == (date(2025, 3, 3), 5400, note)
    assert entry.started_at == datetime(2025, 3, 4, 3, 0, tzinfo=UTC)
    assert entry.running is False and len(entry.revision) == 64
    assert (found[str(on_client["id"])].customer, found[str(on_client["id"])].service_item) == (
        (client_name,),
        None,
    )
    assert found[str(internal["id"])].customer == ()
    assert found[str(internal["id"])].person.email == "ada@example.com"  # the token's own identity
    assert found[str(internal["id"])].billable is False


def test_the_seeded_entries_of_every_teammate_are_read(connector: FreshBooksConnector) -> None:
    """FreshBooks lists only the caller's own entries unless asked for the team's."""
    emails = {e.person.email for e in connector.reader().changes(None).entries}
    assert {"ada@example.com", GRACE_EMAIL, "alan@example.com"} <= emails


def test_changes_since_a_moment_return_only_what_changed_after_it(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    edited, untouched = (new_entry(fb, block, note=unique("before ")) for _ in range(2))
    since = a_second_later()
    fb.time_entries.update(block["business_id"], edited["id"], {"note": "edited"})

    changes = connector.reader().changes(since)

    assert [(e.id, e.note) for e in changes.entries] == [(str(edited["id"]), "edited")]
    assert changes.deleted == []
    assert str(untouched["id"]) in by_id(connector.reader().changes(None).entries)


def test_an_edit_changes_the_revision_and_nothing_else_does(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    made = new_entry(fb, block, note=unique("revision "))
    before = by_id(connector.reader().changes(None).entries)[str(made["id"])].revision
    assert by_id(connector.reader().changes(None).entries)[str(made["id"])].revision == before
    fb.time_entries.update(block["business_id"], made["id"], {"duration": 7200})
    assert by_id(connector.reader().changes(None).entries)[str(made["id"])].revision != before


def test_a_deleted_entry_is_reported_as_deleted_since(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    doomed = new_entry(fb, block, note=unique("doomed "))
    since = a_second_later()
    fb.time_entries.delete(block["business_id"], doomed["id"])

    changes = connector.reader().changes(since)

    assert changes.deleted == [str(doomed["id"])]
    assert changes.entries == []
    assert str(doomed["id"]) not in by_id(connector.reader().changes(None).entries)
    assert connector.reader().changes(None).deleted == []


def test_a_running_timer_comes_back_running(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    grace = team(block)[GRACE_EMAIL]["identity_id"]
    timer = fb.time_entries.create(
        block["business_id"],
        {"is_logged": False, "started_at": "2025-06-11T15:00:00Z", "identity_id": grace, "note": "ticking"},
    ).data
    entry = by_id(connector.reader().changes(None).entries)[str(timer["id"])]
    assert (entry.running, entry.duration_seconds, entry.person.email) == (True, 0, GRACE_EMAIL)
    fb.time_entries.update(block["business_id"], timer["id"], {"is_logged": True, "duration": 600})
    stopped = by_id(connector.reader().changes(None).entries)[str(timer["id"])]
    assert (stopped.running, stopped.duration_seconds) == (False, 600)


# --- the writer: references -------------------------------------------------------------------------


def test_the_writer_finds_teammates_customers_and_services_by_name(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    before = names(fb, block)
    source = wanted(unique("written "))

    written = connector.writer(create_missing=False).create(source, "ext-1")

    got = get_entry(fb, block, written.id)
    clients = {c.organization: c.id for c in fb.clients.list(block["account_id"], builders=[_all()])}
    projects = {
        (p.client_id, p.title): p.id for p in fb.projects.list(block["business_id"], builders=[_all()])
    }
    services = {s.name: s.id for s in fb.services.list(block["business_id"], builders=[_all()])}
    acme = clients["Acme Corporation"]
    assert got["identity_id"] == team(block)["ada@example.com"]["identity_id"]
    assert (got["client_id"], got["project_id"]) == (acme, projects[(acme, "Website Redesign")])
    assert got["service_id"] == services["Consulting"]
    assert (got["duration"], got["note"], got["billable"], got["is_logged"]) == (
        5400,
        source.note,
        True,
        True,
    )
    assert got["started_at"] == "2025-06-10T15:00:00Z"
    assert names(fb, block) == before  # nothing was created
    read = by_id(connector.reader().changes(None).entries)[written.id]
    assert read.revision == written.revision
    assert (read.person.email, read.customer, read.service_item) == (
        "ada@example.com",
        ("Acme Corporation", "Website Redesign"),
        "Consulting",
    )


def test_an_unknown_teammate_is_missing_even_with_create_missing(connector: FreshBooksConnector) -> None:
    stranger = Person(name="Nobody Here", email="nobody@example.com", first_name="Nobody", last_name="Here")
    writer = connector.writer(create_missing=True)
    for attempt in (writer.check, lambda e: writer.create(e, "ext-2")):
        with pytest.raises(Missing) as excinfo:
            attempt(wanted(unique("stranger "), person=stranger))
        assert "nobody@example.com" in excinfo.value.reason and "Nobody Here" in excinfo.value.reason


def test_a_teammate_is_found_by_name_when_the_email_differs(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    written = connector.writer(create_missing=False).create(
        wanted(unique("by name "), person=Person(name="grace  hopper")), "ext-3"
    )
    assert get_entry(fb, block, written.id)["identity_id"] == team(block)[GRACE_EMAIL]["identity_id"]


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"customer": ("No Such Client",)}, 'no FreshBooks client named "No Such Client"'),
        (
            {"customer": ("Acme Corporation", "No Such Project")},
            '"No Such Project" of the client "Acme Corporation"',
        ),
        ({"service_item": "No Such Service"}, 'no FreshBooks service named "No Such Service"'),
    ],
)
def test_an_unknown_client_project_or_service_is_missing_without_create_missing(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any], change: dict[str, Any], named: str
) -> None:
    before = names(fb, block)
    writer = connector.writer(create_missing=False)
    for attempt in (writer.check, lambda e: writer.create(e, "ext-4")):
        with pytest.raises(Missing) as excinfo:
            attempt(wanted(unique("missing "), **change))
        assert named in excinfo.value.reason
    assert names(fb, block) == before


def test_with_create_missing_the_client_project_and_service_are_created_once(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    client, title, service = unique("New Client "), unique("New Project "), unique("New Service ")
    source = wanted(unique("creating "), customer=(client, title), service_item=service)
    writer = connector.writer(create_missing=True)

    writer.check(source)
    assert client not in names(fb, block)["clients"]  # a check only looks

    first = writer.create(source, "ext-5")
    second = writer.create(replace(source, note=unique("again ")), "ext-6")

    now = names(fb, block)
    assert client in now["clients"] and title in now["projects"] and service in now["services"]
    clients = [c for c in fb.clients.list(block["account_id"], builders=[_all()]) if c.organization == client]
    assert len(clients) == 1
    got = [get_entry(fb, block, w.id) for w in (first, second)]
    assert {g["client_id"] for g in got} == {clients[0].id}
    assert len({g["project_id"] for g in got}) == len({g["service_id"] for g in got}) == 1
    read = by_id(connector.reader().changes(None).entries)[first.id]
    assert (read.customer, read.service_item) == ((client, title), service)


def test_a_customer_deeper_than_a_project_has_no_place_in_freshbooks(connector: FreshBooksConnector) -> None:
    deep = wanted(unique("deep "), customer=("Acme Corporation", "Website Redesign", "Phase 2"))
    with pytest.raises(Missing, match="a client and one level of project"):
        connector.writer(create_missing=True).create(deep, "ext-7")


def test_an_entry_without_a_start_lands_on_its_work_date_in_the_teammates_time_zone(
    server: Server, demo: dict[str, Any], block: dict[str, Any], fb: Client, connector: FreshBooksConnector
) -> None:
    """Kiritimati is UTC+14: noon UTC there is already the next day."""
    email = f"{unique('kiri')}@example.com"
    qbd = Conductor(
        api_key=demo["conductor"]["api_key"], base_url=demo["conductor"]["base_url"], max_retries=0
    )
    qbd.qbd.employees.create(
        first_name="Teraaka",
        last_name="Kiri",
        email=email,
        conductor_end_user_id=demo["conductor"]["end_user_id"],
    )
    identity_id = team(block)[email]["identity_id"]
    # No API sets a person's time zone: an operator does, in the database.
    uow = SqlUnitOfWork(make_engine(server.database_url))
    company_key = parse_identity_kind_id(block["business_id"], IdentityIdKind.BUSINESS)
    person_key = parse_identity_id(identity_id)
    assert company_key is not None and person_key is not None
    update_list_entry(
        uow, company_key, ListKind.EMPLOYEE, person_key, None, {"time_zone": "Pacific/Kiritimati"}
    )
    new_entry(fb, block, identity_id=identity_id, note="an earlier day")
    source = wanted(
        unique("dated "),
        person=Person(name="Teraaka Kiri", email=email),
        work_date=date(2025, 7, 1),
        started_at=None,
        customer=(),
        service_item=None,
        billable=None,
    )

    written = connector.writer(create_missing=False).create(source, "ext-8")

    got = get_entry(fb, block, written.id)
    assert (got["local_timezone"], got["local_started_at"][:10]) == ("Pacific/Kiritimati", "2025-07-01")
    assert by_id(connector.reader().changes(None).entries)[written.id].work_date == date(2025, 7, 1)


def test_an_entry_without_a_start_lands_on_its_work_date_in_the_companys_zone(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    source = wanted(unique("no start "), work_date=date(2025, 8, 4), started_at=None)
    written = connector.writer(create_missing=False).create(source, "ext-9")
    got = get_entry(fb, block, written.id)
    assert got["local_started_at"][:10] == "2025-08-04"


# --- the writer: updates, revisions, finding, deleting, refusals --------------------------------------


def test_an_update_changes_the_entry_and_its_revision(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    writer = connector.writer(create_missing=False)
    source = wanted(unique("to update "))
    first = writer.create(source, "ext-10")

    changed = replace(
        source,
        duration_seconds=1800,
        note=unique("updated "),
        customer=("Globex Inc.",),
        service_item=None,
        billable=False,
    )
    second = writer.update(first.id, changed)

    assert second.id == first.id and second.revision != first.revision
    got = get_entry(fb, block, first.id)
    assert (got["duration"], got["note"], got["project_id"], got["service_id"]) == (
        1800,
        changed.note,
        None,
        None,
    )
    assert writer.revisions([first.id]) == {first.id: second.revision}


def test_revisions_leave_out_deleted_and_unknown_entries(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    writer = connector.writer(create_missing=False)
    kept, gone = (writer.create(wanted(unique("rev ")), "ext-11") for _ in range(2))
    fb.time_entries.delete(block["business_id"], int(gone.id))

    assert writer.revisions([kept.id, gone.id, "999999991", "not-an-id"]) == {kept.id: kept.revision}


def test_find_pairs_an_entry_by_its_work_and_skips_taken_ones(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    writer = connector.writer(create_missing=False)
    source = wanted(
        unique("find me "), work_date=date(2025, 9, 2), started_at=datetime(2025, 9, 2, 16, tzinfo=UTC)
    )
    written = writer.create(source, "ext-12")
    twin = replace(source, id=unique("twin"))

    found = connector.writer(create_missing=False).find({"ext-12": source, "ext-twin": twin}, taken=set())

    assert list(found) == ["ext-12"]  # one target entry answers for one source entry
    assert found["ext-12"].written == written
    assert found["ext-12"].entry.note == source.note
    assert connector.writer(create_missing=False).find({"ext-12": source}, taken={written.id}) == {}
    elsewhere = replace(source, work_date=date(2025, 9, 3))
    assert connector.writer(create_missing=False).find({"ext-12": elsewhere}, taken=set()) == {}


def test_find_matches_durations_to_the_minute(connector: FreshBooksConnector) -> None:
    writer = connector.writer(create_missing=False)
    source = wanted(
        unique("minute "), work_date=date(2025, 9, 9), started_at=datetime(2025, 9, 9, 16, tzinfo=UTC)
    )
    written = writer.create(source, "ext-13")
    rounded = replace(source, duration_seconds=source.duration_seconds + 30)
    assert [f.written.id for f in writer.find({"x": rounded}, taken=()).values()] == [written.id]


def test_deleting_an_entry_already_gone_is_fine(
    connector: FreshBooksConnector, fb: Client, block: dict[str, Any]
) -> None:
    writer = connector.writer(create_missing=False)
    written = writer.create(wanted(unique("delete ")), "ext-14")
    writer.delete(written.id)
    writer.delete(written.id)
    writer.delete("999999993")
    assert writer.revisions([written.id]) == {}


def test_a_refusal_carries_freshbooks_own_message(connector: FreshBooksConnector) -> None:
    billable_without_service = wanted(unique("refused "), service_item=None, billable=True)
    with pytest.raises(Refused) as excinfo:
        connector.writer(create_missing=False).create(billable_without_service, "ext-15")
    assert not isinstance(excinfo.value, Missing)
    assert "(422)" in excinfo.value.reason
    assert "A billable time entry needs a service." in excinfo.value.reason


def test_updating_an_entry_that_is_gone_is_refused_as_not_found(connector: FreshBooksConnector) -> None:
    with pytest.raises(Refused, match=r"\(404\): Requested resource could not be found"):
        connector.writer(create_missing=False).update("999999995", wanted(unique("ghost ")))


# --- what stops a run -----------------------------------------------------------------------------


def test_a_refused_token_that_cannot_be_refreshed_stops_the_run(
    block: dict[str, Any], tmp_path: Path
) -> None:
    stale = {**block, "access_token": "not-a-token"}
    del stale["refresh_token"]
    with pytest.raises(ConnectorError, match=r"refused the access token \(401\) and it cannot be refreshed"):
        open_connector(stale, Polite(), endpoint_file(tmp_path, stale)).reader().changes(None)


def test_an_unreachable_freshbooks_stops_the_run(block: dict[str, Any], tmp_path: Path) -> None:
    nowhere = {**block, "api_url": f"http://127.0.0.1:{free_port()}"}
    connector = open_connector(nowhere, Polite(), endpoint_file(tmp_path, nowhere))
    with pytest.raises(ConnectorError, match=r"cannot reach FreshBooks at http://127\.0\.0\.1") as excinfo:
        connector.writer(create_missing=False).revisions(["1"])
    assert "\n" not in str(excinfo.value)


# --- tokens --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", ["whole demo", "block alone"])
def test_a_refused_token_is_refreshed_once_and_the_new_tokens_are_written_back(
    server: Server, tmp_path: Path, shape: str
) -> None:
    own = new_demo(server)
    own["freshbooks"]["access_token"] = "revoked-long-ago"
    path = endpoint_file(tmp_path, own if shape == "whole demo" else own["freshbooks"])
    old_refresh = own["freshbooks"]["refresh_token"]

    connector = open_connector(own["freshbooks"], Polite(), path)
    entries = connector.reader().changes(None).entries

    assert len(entries) >= 15  # the demo's seeded week
    kept = json.loads(path.read_text())
    tokens = kept["freshbooks"] if shape == "whole demo" else kept
    assert tokens["access_token"] not in ("revoked-long-ago", "") and tokens["refresh_token"] != old_refresh
    if shape == "whole demo":
        assert kept["conductor"] == own["conductor"] and kept["quickbooks_time"] == own["quickbooks_time"]
    assert {k: v for k, v in tokens.items() if "token" not in k} == {
        k: v for k, v in own["freshbooks"].items() if "token" not in k
    }
    # The written tokens work, and the one spent is spent: refreshing rotates them.
    fresh = sdk({**own["freshbooks"], "access_token": tokens["access_token"]})
    assert fresh.current_user().identity_id == own["freshbooks"]["identity_id"]
    spent = httpx.post(
        f"{own['freshbooks']['api_url']}/auth/oauth/token",
        data={
            "grant_type": "refresh_token",
            "refresh_token": old_refresh,
            "client_id": own["freshbooks"]["client_id"],
            "client_secret": own["freshbooks"]["client_secret"],
            "redirect_uri": own["freshbooks"]["redirect_uri"],
        },
    )
    assert spent.status_code >= 400


def test_a_refresh_that_fails_stops_the_run_and_leaves_the_file_alone(
    block: dict[str, Any], tmp_path: Path
) -> None:
    wrong = {**block, "access_token": "revoked", "refresh_token": "not-a-refresh-token"}
    path = endpoint_file(tmp_path, wrong)
    with pytest.raises(ConnectorError, match=r"refused the access token and refreshing it failed \(4\d\d\)"):
        open_connector(wrong, Polite(), path).reader().changes(None)
    assert json.loads(path.read_text()) == wrong


# --- politeness ---------------------------------------------------------------------------------------


class CountingProxy:
    """A loopback HTTP forwarder to the real server that counts each request it passes on, and can
    first answer some with 429 (which our server never sends; FreshBooks does when asked too fast)."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.received = 0
        self.throttle = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def _forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with proxy._lock:
                    proxy.received += 1
                    throttled = proxy.throttle > 0
                    proxy.throttle -= throttled
                if throttled:
                    self._answer(429, {"retry-after": "0"}, b'{"message": "Too many requests"}')
                    return
                skip = {"host", "content-length", "connection", "accept-encoding"}
                headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
                answer = httpx.request(self.command, proxy.target + self.path, headers=headers, content=body)
                self._answer(
                    answer.status_code,
                    {"content-type": answer.headers.get("content-type", "")},
                    answer.content,
                )

            def _answer(self, status: int, headers: dict[str, str], content: bytes) -> None:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PUT = do_DELETE = _forward

            def log_message(self, *args: Any) -> None:
                return None

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@pytest.fixture
def proxy(server: Server) -> Iterator[CountingProxy]:
    made = CountingProxy(server.base_url)
    yield made
    made.close()


def test_every_request_goes_through_polite_at_two_urls_in_one_process(
    server: Server,
    block: dict[str, Any],
    proxy: CountingProxy,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One endpoint straight to the server, one through the proxy; the SDK's environment variable
    points nowhere. The proxied one also has a refused token to refresh and meets a 429 first."""
    monkeypatch.setenv("FRESHBOOKS_API_URL", f"http://127.0.0.1:{free_port()}")
    own = new_demo(server)["freshbooks"]
    proxied_block = {**own, "api_url": proxy.url, "access_token": "revoked"}
    direct_polite, proxied_polite = Polite(), Polite()
    direct = open_connector(block, direct_polite, endpoint_file(tmp_path, block, "direct.json"))
    proxied = open_connector(
        proxied_block, proxied_polite, endpoint_file(tmp_path, proxied_block, "proxied.json")
    )
    proxy.throttle = 1

    assert len(proxied.reader().changes(None).entries) >= 15
    assert direct.reader().changes(None).entries
    writer = proxied.writer(create_missing=True)
    source = wanted(unique("polite "), customer=(unique("Polite Co "), "Work"), service_item=unique("Care "))
    written = writer.create(source, "ext-16")
    assert writer.revisions([written.id]) == {written.id: written.revision}
    assert writer.find({"ext-16": source}, taken=())["ext-16"].written == written
    writer.delete(written.id)
    assert direct.writer(create_missing=False).revisions(["999999997"]) == {}

    assert proxy.throttle == 0  # the 429 was met, and waited out
    assert proxied_polite.requests == proxy.received
    assert proxied_polite.requests > 10 and direct_polite.requests > 0
    assert proxied.identity == f"freshbooks:{own['business_id']}@{proxy.url}"
