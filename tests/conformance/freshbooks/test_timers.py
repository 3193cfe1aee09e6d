"""Timers: an entry created with ``is_logged: false`` runs until an update logs it. A timer has an id
of its own sequence, which its entry keeps once stopped."""

from __future__ import annotations

from typing import Any

import pytest
from freshbooks import FilterBuilder, FreshBooksError, PaginateBuilder

from tests.conformance.freshbooks.conftest import Business
from tests.conformance.freshbooks.refusals import field_error, refusal


def _start(business: Business, **fields: Any) -> Any:
    fields.setdefault("started_at", "2026-03-02T09:00:00Z")
    return business.fb.time_entries.create(business.business_id, {"is_logged": False, **fields})


def _listed(business: Business, *filters: Any) -> set[int]:
    builders = [*filters, PaginateBuilder(1, 100)]
    return {e.id for e in business.fb.time_entries.list(business.business_id, builders=builders)}


def test_a_started_timer_runs_without_a_duration(new_business: Any) -> None:
    b = new_business()
    timer = _start(b, note="Working")
    assert (timer.is_logged, timer.duration, timer.note) == (False, None, "Working")
    assert timer.timer.is_running is True and timer.timer.id
    assert timer.timer.id != timer.id
    assert b.fb.time_entries.get(b.business_id, timer.id).data == timer.data


def test_a_running_timer_is_listed_only_with_include_unlogged(new_business: Any) -> None:
    b = new_business()
    timer = _start(b)
    assert timer.id not in _listed(b)
    assert timer.id in _listed(b, FilterBuilder().boolean("include_unlogged", True))
    meta = b.fb.time_entries.list(
        b.business_id, builders=[FilterBuilder().boolean("include_unlogged", True)]
    ).data["meta"]
    assert (meta["total"], meta["total_logged"]) == (1, 0)


def test_a_person_runs_one_timer_at_a_time(new_business: Any) -> None:
    b = new_business()
    _start(b)
    with pytest.raises(FreshBooksError) as excinfo:
        _start(b, started_at="2026-03-02T10:00:00Z")
    assert excinfo.value.status_code == 422
    assert "already has a running timer" in str(excinfo.value)
    refusal(excinfo, 422, 2003)


def test_stopping_a_timer_logs_it_with_the_duration_given(new_business: Any) -> None:
    b = new_business()
    timer = _start(b)
    stopped = b.fb.time_entries.update(
        b.business_id, timer.id, {"is_logged": True, "duration": 600, "timer": {"id": str(timer.timer.id)}}
    )
    assert (stopped.is_logged, stopped.duration) == (True, 600)
    assert stopped.data["timer"] == {"id": timer.timer.id, "is_running": False}
    assert timer.id in _listed(b)
    # stopped, so another may start
    assert _start(b, started_at="2026-03-02T11:00:00Z").timer.is_running is True


def test_stopping_a_timer_without_a_duration_times_it_until_now(new_business: Any) -> None:
    b = new_business()
    timer = _start(b, started_at="2026-01-01T00:00:00Z")
    stopped = b.fb.time_entries.update(b.business_id, timer.id, {"is_logged": True})
    assert stopped.is_logged is True and stopped.duration > 0


def test_a_timer_cannot_be_started_with_a_duration(new_business: Any) -> None:
    b = new_business()
    with pytest.raises(FreshBooksError) as excinfo:
        _start(b, duration=60)
    assert excinfo.value.status_code == 422
    assert excinfo.value.error_details == [{"duration": "A running timer has no duration."}]
    refusal(excinfo, 422, 2003)


def test_a_running_timer_can_be_deleted(new_business: Any) -> None:
    b = new_business()
    timer = _start(b)
    b.fb.time_entries.delete(b.business_id, timer.id)
    assert timer.id not in _listed(b, FilterBuilder().boolean("include_unlogged", True))
    assert _start(b).timer.is_running is True


def _stop(business: Business, entry_id: int, **fields: Any) -> Any:
    return business.fb.time_entries.update(business.business_id, entry_id, {"is_logged": True, **fields})


def test_timer_ids_are_a_sequence_of_their_own(new_business: Any) -> None:
    """Not the entries' ids: an entry logged directly between two timers takes an entry id, no timer id."""
    b = new_business()
    first = _start(b)
    _stop(b, first.id, duration=60)
    logged = b.fb.time_entries.create(
        b.business_id, {"is_logged": True, "duration": 60, "started_at": "2026-03-01T09:00:00Z"}
    )
    assert logged.data["timer"] is None  # logged directly: never a timer
    second = _start(b, started_at="2026-03-02T12:00:00Z")
    assert (logged.id - first.id, second.id - first.id) == (1, 2)
    assert second.timer.id - first.timer.id == 1
    assert not {first.id, logged.id, second.id} & {first.timer.id, second.timer.id}
    assert b.fb.time_entries.get(b.business_id, first.id).data["timer"] == {
        "id": first.timer.id,
        "is_running": False,
    }


def test_an_entry_logged_directly_gets_a_timer_when_it_is_started_and_keeps_it(new_business: Any) -> None:
    b = new_business()
    entry = b.fb.time_entries.create(
        b.business_id, {"is_logged": True, "duration": 60, "started_at": "2026-03-02T09:00:00Z"}
    )
    started = b.fb.time_entries.update(b.business_id, entry.id, {"is_logged": False})
    assert started.data["timer"]["is_running"] is True and started.data["timer"]["id"] != entry.id
    stopped = _stop(b, entry.id, duration=120)
    assert stopped.data["timer"] == {"id": started.data["timer"]["id"], "is_running": False}
    again = b.fb.time_entries.update(b.business_id, entry.id, {"is_logged": False})
    assert again.data["timer"] == {"id": started.data["timer"]["id"], "is_running": True}


def test_an_update_may_send_back_its_own_timer_id(new_business: Any) -> None:
    """The docs' update example sends the timer object it read back (reference §2.2)."""
    b = new_business()
    timer = _start(b)
    for sent in ({"id": timer.timer.id}, {"id": str(timer.timer.id), "is_running": True}, None):
        updated = b.fb.time_entries.update(b.business_id, timer.id, {"note": "Same timer", "timer": sent})
        assert updated.data["timer"] == {"id": timer.timer.id, "is_running": True}
    stopped = _stop(b, timer.id, duration=600, timer={"id": str(timer.timer.id)})
    assert stopped.data["timer"] == {"id": timer.timer.id, "is_running": False}


def test_an_update_naming_another_timer_is_refused_and_changes_nothing(new_business: Any) -> None:
    b = new_business()
    first = _start(b)
    _stop(b, first.id, duration=60)
    second = _start(b, started_at="2026-03-02T12:00:00Z")
    for wrong in (first.timer.id, second.id):  # another entry's timer; the entry's own id
        with pytest.raises(FreshBooksError) as excinfo:
            _stop(b, second.id, duration=600, timer={"id": wrong})
        assert field_error(excinfo, "timer", 2002) == (
            f"Timer {wrong} is not this time entry's timer: its timer is {second.timer.id}."
        )
    assert b.fb.time_entries.get(b.business_id, second.id).data == second.data


def test_a_timer_id_on_an_entry_without_a_timer_or_a_new_one_is_refused(new_business: Any) -> None:
    b = new_business()
    logged = b.fb.time_entries.create(
        b.business_id, {"is_logged": True, "duration": 60, "started_at": "2026-03-02T09:00:00Z"}
    )
    with pytest.raises(FreshBooksError) as excinfo:
        b.fb.time_entries.update(b.business_id, logged.id, {"note": "x", "timer": {"id": "2936"}})
    assert (
        field_error(excinfo, "timer", 2002) == "Timer 2936 is not this time entry's timer: it has no timer."
    )
    with pytest.raises(FreshBooksError) as excinfo:
        _start(b, timer={"id": 2936})
    field_error(excinfo, "timer", 2002)
    with pytest.raises(FreshBooksError) as excinfo:
        b.fb.time_entries.update(b.business_id, logged.id, {"timer": 2936})
    assert field_error(excinfo, "timer", 2001).startswith("must be an object")
    assert _listed(b, FilterBuilder().boolean("include_unlogged", True)) == {logged.id}
