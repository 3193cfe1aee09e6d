"""422 field errors name the field the caller sent, in FreshBooks' own words: an unknown project is
``{"error": {"project_id": ...}}``, never the ledger's ``customer``, ``person`` or ``service item``."""

from __future__ import annotations

from typing import Any

import pytest
from freshbooks import FreshBooksError

from tests.conformance.freshbooks.conftest import Business
from tests.conformance.freshbooks.refusals import field_error

UNKNOWN = 987654321
# Words of the ledger (and of QuickBooks) a FreshBooks caller never sees in an error.
LEDGER_WORDS = ("customer", "service item", "employee", "vendor", "other name", "person", "job", "quickbooks")


@pytest.fixture(scope="module")
def books(business: Business) -> dict[str, Any]:
    fb, aid, bid = business.fb, business.account_id, business.business_id
    acme = fb.clients.create(aid, {"organization": "Acme"}).id
    archived = fb.projects.create(bid, {"title": "Done", "client_id": acme, "active": False}).id
    return {
        "acme": acme,
        "project": fb.projects.create(bid, {"title": "Web", "client_id": acme}).id,
        "archived": archived,
        "service": fb.services.create(bid, {"name": "Design"}).id,
    }


def _create(business: Business, **fields: Any) -> Any:
    body = {"is_logged": True, "duration": 60, "started_at": "2026-03-02T09:00:00Z", **fields}
    return business.fb.time_entries.create(business.business_id, body)


def _refused(excinfo: pytest.ExceptionInfo[FreshBooksError], field: str, errno: int) -> str:
    """The one field error of the refusal, whose message speaks FreshBooks."""
    message = field_error(excinfo, field, errno)
    assert excinfo.value.raw_response == {"errno": errno, "error": {field: message}}
    assert not [w for w in LEDGER_WORDS if w in message.lower()], message
    return message


@pytest.mark.parametrize(
    ("field", "noun"),
    [
        ("project_id", "project"),
        ("client_id", "client"),
        ("service_id", "service"),
        ("identity_id", "teammate"),
    ],
)
def test_an_unknown_reference_is_named_by_the_field_sent(business: Business, field: str, noun: str) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        _create(business, **{field: str(UNKNOWN)})
    assert _refused(excinfo, field, 2002) == f"No {noun} {UNKNOWN} exists in this business."


def test_an_unknown_project_beside_a_known_client_is_the_projects_fault(
    business: Business, books: dict[str, Any]
) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        _create(business, client_id=books["acme"], project_id=UNKNOWN)
    _refused(excinfo, "project_id", 2002)


def test_an_update_to_an_unknown_reference_names_the_field_sent(
    business: Business, books: dict[str, Any]
) -> None:
    entry = _create(business, client_id=books["acme"])
    for field in ("project_id", "client_id", "service_id", "identity_id"):
        with pytest.raises(FreshBooksError) as excinfo:
            business.fb.time_entries.update(business.business_id, entry.id, {field: UNKNOWN})
        _refused(excinfo, field, 2002)
    assert business.fb.time_entries.get(business.business_id, entry.id).data == entry.data


def test_a_projects_client_id_must_name_a_client(business: Business, books: dict[str, Any]) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.projects.create(business.business_id, {"title": "Nested", "client_id": UNKNOWN})
    assert _refused(excinfo, "client_id", 2002) == f"No client {UNKNOWN} exists in this business."
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.projects.update(business.business_id, books["project"], {"client_id": books["project"]})
    _refused(excinfo, "client_id", 2002)


def test_every_task_id_is_unknown_since_timeledger_keeps_no_tasks(
    business: Business, books: dict[str, Any]
) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        _create(business, service_id=books["service"], task_id="159361")
    assert _refused(excinfo, "task_id", 2002) == "No task 159361 exists in this business."
    entry = _create(business, task_id=None)
    assert entry.data["task_id"] is None
    with pytest.raises(FreshBooksError) as excinfo:
        business.fb.time_entries.update(business.business_id, entry.id, {"task_id": 159361})
    _refused(excinfo, "task_id", 2002)
    assert business.fb.time_entries.update(business.business_id, entry.id, {"task_id": None}).task_id is None


def test_an_archived_project_takes_no_time(business: Business, books: dict[str, Any]) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        _create(business, project_id=books["archived"])
    message = _refused(excinfo, "project_id", 2003)
    assert message == f"The project {books['archived']} is archived: no time can be logged to it."


def test_billable_time_needs_a_client_then_a_service(business: Business, books: dict[str, Any]) -> None:
    with pytest.raises(FreshBooksError) as excinfo:
        _create(business, billable=True)
    assert _refused(excinfo, "client_id", 2003) == "A billable time entry needs a client."
    with pytest.raises(FreshBooksError) as excinfo:
        _create(business, billable=True, project_id=books["project"])
    assert _refused(excinfo, "service_id", 2003) == "A billable time entry needs a service."


def test_a_second_running_timer_is_the_fault_of_is_logged(new_business: Any) -> None:
    b = new_business()
    _create(b, is_logged=False, duration=None)
    with pytest.raises(FreshBooksError) as excinfo:
        _create(b, is_logged=False, duration=None, started_at="2026-03-02T10:00:00Z")
    assert "already has a running timer" in _refused(excinfo, "is_logged", 2003)
