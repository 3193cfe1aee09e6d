"""The Conductor (QuickBooks Desktop) connector of ``timeledger sync`` against the running timeledger:
the reader's neutral entries, changes and deletions; the writer's lookups by name, what it creates
with ``create_missing``, updates, revisions, find by external id, deletes, and Conductor's refusals.
Source data is made with conductor-py itself, strictly validated, as any Conductor client would."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import conductor
import pytest
from conductor.types.qbd import TimeTrackingActivity

from tests.connectors.conftest import new_demo, unique
from tests.servers import Server, free_port
from timeledger.connectors.conductor import ConductorConnector, open_connector
from timeledger.connectors.entries import ConnectorError, Entry, Missing, Person, Refused, Written, same_work
from timeledger.connectors.polite import Polite

WHERE = Path("conductor.json")


def _sdk(block: dict[str, Any]) -> conductor.Conductor:
    return conductor.Conductor(
        api_key=block["api_key"], base_url=block["base_url"], max_retries=0, _strict_response_validation=True
    )


def _open(block: dict[str, Any], polite: Polite | None = None) -> ConductorConnector:
    return open_connector(block, polite or Polite(), WHERE)


@pytest.fixture(scope="module")
def company(server: Server) -> dict[str, Any]:
    """The ``conductor`` block of a demo of this module's own: the session demo is only read."""
    return new_demo(server)["conductor"]


@pytest.fixture
def qbd(company: dict[str, Any]) -> Iterator[conductor.Conductor]:
    with _sdk(company) as client:
        yield client


@pytest.fixture
def connector(company: dict[str, Any]) -> Iterator[ConductorConnector]:
    made = _open(company)
    yield made
    made.close()


class Books:
    """The demo company's records by name, through the SDK, for setting up source data."""

    def __init__(self, client: conductor.Conductor, end_user_id: str) -> None:
        self.client = client
        self.user = end_user_id

    def person(self, name: str) -> str:
        q = self.client.qbd
        people = [
            *q.employees.list(conductor_end_user_id=self.user).data,
            *q.vendors.list(conductor_end_user_id=self.user),
            *q.other_names.list(conductor_end_user_id=self.user).data,
        ]
        return next(p.id for p in people if p.name == name)

    def customer(self, full_name: str) -> str:
        found = self.client.qbd.customers.list(conductor_end_user_id=self.user, full_names=[full_name])
        return next(iter(found)).id

    def item(self, full_name: str) -> str:
        found = self.client.qbd.service_items.list(conductor_end_user_id=self.user, full_names=[full_name])
        return next(iter(found)).id

    def activity(self, person: str, **fields: Any) -> TimeTrackingActivity:
        fields.setdefault("transaction_date", date(2024, 3, 4))
        fields.setdefault("duration", "PT1H0M")
        return self.client.qbd.time_tracking_activities.create(
            conductor_end_user_id=self.user, entity_id=self.person(person), **fields
        )

    def retrieve(self, activity_id: str) -> TimeTrackingActivity:
        return self.client.qbd.time_tracking_activities.retrieve(activity_id, conductor_end_user_id=self.user)


@pytest.fixture
def books(qbd: conductor.Conductor, company: dict[str, Any]) -> Books:
    return Books(qbd, company["end_user_id"])


def _entry(**fields: Any) -> Entry:
    defaults: dict[str, Any] = {
        "id": unique("src"),
        "revision": "1",
        "work_date": date(2024, 4, 2),
        "duration_seconds": 3600,
        "person": Person("Ada Lovelace", "ada@example.com"),
    }
    return Entry(**{**defaults, **fields})


def _external_id() -> str:
    return str(uuid.uuid4())


# --- opening ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["api_key", "end_user_id"])
@pytest.mark.parametrize("value", [None, "", "   "])
def test_a_block_without_api_key_or_end_user_is_refused_by_name(key: str, value: str | None) -> None:
    block = {"base_url": "http://127.0.0.1:9/v1", "api_key": "sk_x", "end_user_id": "end_usr_x"}
    if value is None:
        del block[key]
    else:
        block[key] = value
    with pytest.raises(ConnectorError, match=key):
        open_connector(block, Polite(), WHERE)


def test_a_connector_names_its_company_and_server_and_defaults_to_the_real_conductor() -> None:
    connector = open_connector({"api_key": "sk_x", "end_user_id": "end_usr_abc"}, Polite(), WHERE)
    assert (connector.kind, connector.company, connector.identity) == (
        "quickbooks-desktop",
        "end_usr_abc",
        "quickbooks-desktop:end_usr_abc@https://api.conductor.is/v1",
    )
    connector.close()


# --- reading ----------------------------------------------------------------------------------------


def test_the_reader_returns_activities_in_neutral_terms(server: Server) -> None:
    block = new_demo(server)["conductor"]
    with _sdk(block) as client:
        source = Books(client, block["end_user_id"])
        billed = source.activity(
            "Ada Lovelace",
            duration="PT1H30M",
            customer_id=source.customer("Acme Corp:Website Redesign"),
            service_item_id=source.item("Design"),
            billing_status="billable",
            note="Wireframes",
        )
        internal = source.activity(
            "Northwind Contracting", transaction_date=date(2024, 3, 5), duration="PT0H45M"
        )
    connector = _open(block)
    entries = {e.id: e for e in connector.reader().changes(None).entries}
    connector.close()

    assert entries[billed.id] == Entry(
        id=billed.id,
        revision=billed.revision_number,
        work_date=date(2024, 3, 4),
        duration_seconds=5400,
        person=Person("Ada Lovelace", "ada@example.com", "Ada", "Lovelace"),
        customer=("Acme Corp", "Website Redesign"),
        service_item="Design",
        note="Wireframes",
        billable=True,
    )
    assert entries[internal.id] == Entry(
        id=internal.id,
        revision=internal.revision_number,
        work_date=date(2024, 3, 5),
        duration_seconds=2700,
        person=Person("Northwind Contracting"),
        billable=False,
    )
    assert len(entries) == 22  # the demo's twenty and these two


def test_the_reader_reads_every_page(server: Server) -> None:
    block = new_demo(server)["conductor"]
    with _sdk(block) as client:
        source = Books(client, block["end_user_id"])
        made = [source.activity("Grace Hopper", duration=f"PT0H{n % 60}M") for n in range(131)]
    connector = _open(block)
    entries = connector.reader().changes(None).entries
    connector.close()
    assert len(entries) == 151  # more than a page of 150
    assert {a.id for a in made} <= {e.id for e in entries}


def test_changes_since_a_moment_are_only_what_changed_or_was_deleted_after_it(server: Server) -> None:
    block = new_demo(server)["conductor"]
    connector = _open(block)
    reader = connector.reader()
    with _sdk(block) as client:
        source = Books(client, block["end_user_id"])
        edited, removed = source.activity("Alan Turing"), source.activity("Alan Turing")
        time.sleep(1.1)  # QuickBooks keeps times to the second: the edit falls in a later one
        after_edit = client.qbd.time_tracking_activities.update(
            edited.id,
            conductor_end_user_id=source.user,
            revision_number=edited.revision_number,
            entity_id=edited.entity.id or "",
            duration="PT2H0M",
        )
        since = datetime.fromisoformat(after_edit.updated_at)

        changes = reader.changes(since)
        assert [(e.id, e.revision, e.duration_seconds) for e in changes.entries] == [
            (edited.id, after_edit.revision_number, 7200)
        ]
        assert changes.deleted == []

        client.qbd.time_tracking_activities.delete(removed.id, conductor_end_user_id=source.user)
    later = reader.changes(since)
    assert ([e.id for e in later.entries], later.deleted) == ([edited.id], [removed.id])
    assert reader.changes(None).deleted == []  # deletions are reported since a watermark only
    connector.close()


# --- writing: lookups and what is created ----------------------------------------------------------


def test_the_writer_creates_an_activity_with_its_external_id_and_names_resolved(
    connector: ConductorConnector, books: Books
) -> None:
    entry = _entry(
        person=Person("grace hopper", "GRACE@Example.com"),
        customer=("acme corp", "Mobile  App"),
        service_item="development",
        duration_seconds=4530,
        note="Sprint review",
        billable=True,
    )
    external_id = _external_id()
    written = connector.writer(create_missing=False).create(entry, external_id)

    got = books.retrieve(written.id)
    assert written == Written(got.id, got.revision_number)
    assert (got.external_id, got.entity.full_name, got.customer and got.customer.full_name) == (
        external_id,
        "Grace Hopper",
        "Acme Corp:Mobile App",
    )
    assert (got.service_item and got.service_item.full_name, got.billing_status) == (
        "Development",
        "billable",
    )
    assert (got.transaction_date, got.duration, got.note) == (date(2024, 4, 2), "PT1H15M", "Sprint review")


def test_a_person_is_found_by_email_before_name(connector: ConductorConnector, books: Books) -> None:
    entry = _entry(person=Person("Samuel F.", "sam@example.com"))
    written = connector.writer(create_missing=False).create(entry, _external_id())
    assert books.retrieve(written.id).entity.full_name == "Sam Freelancer"


def test_without_create_missing_what_is_absent_is_missing(
    connector: ConductorConnector, unchanged: None
) -> None:
    writer = connector.writer(create_missing=False)
    cases = [
        (
            _entry(person=Person("Ada Byron", "ada.byron@example.test")),
            "no employee, vendor or other name with email ada.byron@example.test or name Ada Byron "
            "in QuickBooks Desktop",
        ),
        (_entry(person=Person("Nobody Known")), "no employee, vendor or other name named Nobody Known"),
        (_entry(customer=("Acme Corp", "Moon Base")), 'no customer or job "Acme Corp:Moon Base"'),
        (_entry(customer=("Moon Corp",)), 'no customer or job "Moon Corp" in QuickBooks Desktop'),
        (_entry(service_item="Juggling"), 'no service item "Juggling" in QuickBooks Desktop'),
    ]
    for entry, message in cases:
        for attempt in (writer.check, lambda e: writer.create(e, _external_id())):
            with pytest.raises(Missing) as refused:
                attempt(entry)
            assert message in refused.value.reason


def test_missing_names_everything_an_entry_lacks(connector: ConductorConnector) -> None:
    entry = _entry(person=Person("Nobody Known"), customer=("Moon Corp",), service_item="Juggling")
    with pytest.raises(Missing) as refused:
        connector.writer(create_missing=False).check(entry)
    assert refused.value.reason == (
        "no employee, vendor or other name named Nobody Known in QuickBooks Desktop; "
        'no customer or job "Moon Corp" in QuickBooks Desktop; '
        'no service item "Juggling" in QuickBooks Desktop'
    )


def test_checking_with_create_missing_writes_nothing(connector: ConductorConnector, unchanged: None) -> None:
    entry = _entry(
        person=Person("Nobody Known", "nobody@example.test"),
        customer=(unique("Moon Corp"), "Base"),
        service_item=unique("Juggling"),
    )
    connector.writer(create_missing=True).check(entry)


def test_create_missing_creates_the_customer_and_job_the_employee_and_the_item(
    connector: ConductorConnector, books: Books
) -> None:
    customer, job, item = unique("Initech"), unique("Rollout"), unique("Audit")
    last_name, email = unique("Dijkstra"), f"{unique('edsger')}@example.test"
    entry = _entry(
        person=Person(f"Edsger {last_name}", email),
        customer=(customer, job),
        service_item=item,
        billable=True,
    )
    writer = connector.writer(create_missing=True)
    first = writer.create(entry, _external_id())
    second = writer.create(replace(entry, id=unique("src")), _external_id())

    got = books.retrieve(first.id)
    assert (got.entity.full_name, got.customer and got.customer.full_name) == (
        f"Edsger {last_name}",
        f"{customer}:{job}",
    )
    assert (got.service_item and got.service_item.full_name, got.billing_status) == (item, "billable")
    assert books.retrieve(second.id).entity.id == got.entity.id

    q, user = books.client.qbd, books.user
    employees = [e for e in q.employees.list(conductor_end_user_id=user).data if e.email == email]
    assert [(e.first_name, e.last_name) for e in employees] == [("Edsger", last_name)]
    top = list(q.customers.list(conductor_end_user_id=user, full_names=[customer]))
    made_job = list(q.customers.list(conductor_end_user_id=user, full_names=[f"{customer}:{job}"]))
    assert len(top) == 1 and top[0].parent is None
    assert len(made_job) == 1 and made_job[0].parent and made_job[0].parent.id == top[0].id
    made_item = list(q.service_items.list(conductor_end_user_id=user, full_names=[item]))
    assert len(made_item) == 1
    details = made_item[0].sales_or_purchase_details
    # The demo's service items post to its only income account; the new one does too.
    assert details and details.posting_account and details.posting_account.full_name == "Consulting Income"


def test_a_job_is_created_under_the_customer_that_exists(connector: ConductorConnector, books: Books) -> None:
    job = unique("Kiosk")
    written = connector.writer(create_missing=True).create(_entry(customer=("Globex", job)), _external_id())
    got = books.retrieve(written.id)
    assert got.customer and got.customer.full_name == f"Globex:{job}"
    assert (
        len(list(books.client.qbd.customers.list(conductor_end_user_id=books.user, full_names=["Globex"])))
        == 1
    )


def test_billability_is_sent_so_that_quickbooks_takes_the_entry(
    connector: ConductorConnector, books: Books
) -> None:
    """A billable entry needs a customer and a service item; without both it is written not billable
    rather than refused. Unknown billability follows QuickBooks' default where that is writable."""
    writer = connector.writer(create_missing=False)
    job, item = ("Globex", "Annual Audit"), "Consulting"
    cases = [
        (_entry(billable=True), "not_billable"),
        (_entry(billable=True, customer=job), "not_billable"),
        (_entry(billable=None, customer=job), "not_billable"),
        (_entry(billable=None, customer=job, service_item=item), "billable"),
        (_entry(billable=None, service_item=item), "not_billable"),
        (_entry(billable=False, customer=job, service_item=item), "not_billable"),
    ]
    got = [books.retrieve(writer.create(e, _external_id()).id).billing_status for e, _ in cases]
    assert got == [status for _, status in cases]


def test_a_person_still_active_is_found_before_one_made_inactive(
    connector: ConductorConnector, books: Books
) -> None:
    email = f"{unique('pat')}@example.test"
    q, user = books.client.qbd, books.user
    q.employees.create(
        conductor_end_user_id=user, first_name="Pat", last_name=unique("Gone"), email=email, is_active=False
    )
    active = q.other_names.create(conductor_end_user_id=user, name=unique("Pat Present"), email=email)
    written = connector.writer(create_missing=False).create(
        _entry(person=Person("Pat", email)), _external_id()
    )
    assert books.retrieve(written.id).entity.id == active.id


def test_a_new_item_posts_to_the_income_account_the_items_use_most(
    connector: ConductorConnector, books: Books
) -> None:
    books.client.qbd.accounts.create(
        conductor_end_user_id=books.user, name=unique("AAA Income"), account_type="income"
    )
    item = unique("Survey")
    connector.writer(create_missing=True).create(_entry(service_item=item), _external_id())
    made = next(
        iter(books.client.qbd.service_items.list(conductor_end_user_id=books.user, full_names=[item]))
    )
    details = made.sales_or_purchase_details
    assert details and details.posting_account and details.posting_account.full_name == "Consulting Income"


def test_a_new_item_needs_an_active_income_account(server: Server) -> None:
    block = new_demo(server)["conductor"]
    with _sdk(block) as client:
        user = block["end_user_id"]
        income = client.qbd.accounts.list(conductor_end_user_id=user, account_type="income").data[0]
        client.qbd.accounts.update(
            income.id, conductor_end_user_id=user, revision_number=income.revision_number, is_active=False
        )
    connector = _open(block)
    with pytest.raises(
        Missing, match='no active income account in QuickBooks Desktop for a new service item "Survey"'
    ):
        connector.writer(create_missing=True).check(_entry(service_item="Survey"))
    connector.close()


# --- writing: update, revisions, find, delete -------------------------------------------------------


def test_update_rewrites_the_activity_and_returns_its_new_revision(
    connector: ConductorConnector, books: Books
) -> None:
    writer = connector.writer(create_missing=False)
    entry = _entry(customer=("Acme Corp", "Website Redesign"), service_item="Design", note="Draft")
    written = writer.create(entry, _external_id())
    changed = _entry(
        person=Person("Alan Turing", "alan@example.com"),
        work_date=date(2024, 4, 3),
        duration_seconds=9000,
        customer=("Globex", "Annual Audit"),
        service_item="Consulting",
        note="",
        billable=False,
    )
    updated = writer.update(written.id, changed)

    got = books.retrieve(written.id)
    assert updated == Written(written.id, got.revision_number) and updated.revision != written.revision
    assert (got.entity.full_name, got.transaction_date, got.duration, got.note, got.billing_status) == (
        "Alan Turing",
        date(2024, 4, 3),
        "PT2H30M",
        "",
        "not_billable",
    )
    assert (got.customer and got.customer.full_name, got.service_item and got.service_item.full_name) == (
        "Globex:Annual Audit",
        "Consulting",
    )


def test_update_refuses_to_drop_a_customer_it_cannot_clear(
    connector: ConductorConnector, books: Books
) -> None:
    writer = connector.writer(create_missing=False)
    written = writer.create(_entry(customer=("Globex",), note="Before"), _external_id())
    with pytest.raises(Refused, match="customer"):
        writer.update(written.id, _entry(note="After"))
    got = books.retrieve(written.id)
    assert (got.note, got.revision_number) == ("Before", written.revision)


def test_an_update_on_a_stale_revision_is_refused_not_written_over(
    connector: ConductorConnector, books: Books
) -> None:
    writer = connector.writer(create_missing=False)
    written = writer.create(_entry(note="Synced"), _external_id())
    edited = writer.update(written.id, _entry(note="Edited by the bookkeeper"))
    with pytest.raises(Refused, match="Conductor answered"):
        writer.update(written.id, _entry(note="From the source"), written.revision)
    got = books.retrieve(written.id)
    assert (got.note, got.revision_number) == ("Edited by the bookkeeper", edited.revision)


def test_revisions_are_current_and_omit_a_deleted_entry(connector: ConductorConnector, books: Books) -> None:
    writer = connector.writer(create_missing=False)
    kept, gone = (writer.create(_entry(), _external_id()) for _ in range(2))
    updated = writer.update(kept.id, _entry(duration_seconds=120))
    books.client.qbd.time_tracking_activities.delete(gone.id, conductor_end_user_id=books.user)

    assert writer.revisions([kept.id, gone.id]) == {kept.id: updated.revision}
    assert writer.revisions([gone.id]) == {}
    assert writer.revisions([]) == {}


def test_find_finds_what_earlier_runs_wrote_by_external_id(connector: ConductorConnector) -> None:
    writer = connector.writer(create_missing=False)
    first = _entry(work_date=date(2023, 6, 1), duration_seconds=1830, note="one")
    second = _entry(work_date=date(2023, 6, 9), customer=("Acme Corp",), note="two")
    never = _entry(work_date=date(2023, 6, 5))
    ids = [_external_id() for _ in range(3)]
    written = [writer.create(first, ids[0]), writer.create(second, ids[1])]
    writer.create(_entry(work_date=date(2023, 6, 4)), _external_id())  # an entry nobody asks for

    found = writer.find({ids[0]: first, ids[1]: second, ids[2]: never}, taken=set())
    assert set(found) == {ids[0], ids[1]}
    assert [found[i].written for i in ids[:2]] == written
    assert same_work(found[ids[0]].entry, first) and same_work(found[ids[1]].entry, second)
    assert writer.find({}, taken=set()) == {}


def test_deleting_an_entry_that_is_already_gone_is_fine(connector: ConductorConnector, books: Books) -> None:
    writer = connector.writer(create_missing=False)
    written = writer.create(_entry(), _external_id())
    writer.delete(written.id)
    writer.delete(written.id)
    with pytest.raises(conductor.NotFoundError):
        books.retrieve(written.id)


# --- refusals and failures ----------------------------------------------------------------------------


def test_a_refused_write_carries_conductors_own_message(connector: ConductorConnector, books: Books) -> None:
    with pytest.raises(conductor.APIStatusError) as direct:
        books.activity("Ada Lovelace", external_id="not-a-guid")
    said = direct.value.body["error"]["message"]  # type: ignore[index]

    with pytest.raises(Refused) as refused:
        connector.writer(create_missing=False).create(_entry(), "not-a-guid")
    assert refused.value.reason == f"Conductor answered {direct.value.status_code}: {said}"
    assert "not a valid GUID" in refused.value.reason


def test_updating_an_entry_that_is_gone_is_refused(connector: ConductorConnector, books: Books) -> None:
    writer = connector.writer(create_missing=False)
    written = writer.create(_entry(), _external_id())
    writer.delete(written.id)
    with pytest.raises(Refused, match="404"):
        writer.update(written.id, _entry())


def test_a_refused_api_key_stops_the_run(company: dict[str, Any]) -> None:
    connector = _open({**company, "api_key": "sk_tl_not_a_key"})
    for attempt in (
        lambda: connector.reader().changes(None),
        lambda: connector.writer(create_missing=True).create(_entry(), _external_id()),
        lambda: connector.writer(create_missing=False).delete("1-1234567890"),
    ):
        with pytest.raises(ConnectorError) as stopped:
            attempt()
        assert "401" in str(stopped.value) and "\n" not in str(stopped.value)
    connector.close()


def test_an_unknown_end_user_stops_the_run_rather_than_look_like_deleted_entries(
    company: dict[str, Any],
) -> None:
    connector = _open({**company, "end_user_id": "end_usr_nobody"})
    writer = connector.writer(create_missing=False)
    for attempt in (lambda: writer.delete("1-1234567890"), lambda: writer.revisions(["1-1234567890"])):
        with pytest.raises(ConnectorError, match="end_usr_nobody"):
            attempt()
    connector.close()


def test_a_server_that_cannot_be_reached_is_a_connector_error(company: dict[str, Any]) -> None:
    connector = _open({**company, "base_url": f"http://127.0.0.1:{free_port()}/v1"})
    with pytest.raises(ConnectorError, match="could not be reached"):
        connector.reader().changes(None)
    connector.close()


# --- politeness -----------------------------------------------------------------------------------


def test_every_request_goes_through_polite(server: Server) -> None:
    """A frozen clock makes every request after the first wait its turn, so each one the SDK sends
    shows as a wait; the lists are read once, however many times the reader is asked."""
    slept: list[float] = []
    polite = Polite(max_rate=100, sleep=slept.append, clock=lambda: 0.0)
    connector = _open(new_demo(server)["conductor"], polite)
    reader = connector.reader()

    assert len(reader.changes(None).entries) == 20
    assert polite.requests == 4  # the activities, then employees, vendors and other names
    reader.changes(datetime(2020, 1, 1))
    assert polite.requests == 6  # the activities and the deleted ones; the lists are kept
    assert len(slept) == polite.requests - 1
    connector.close()
