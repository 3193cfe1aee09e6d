"""Timers: an entry created with ``is_logged: false`` runs until an update logs it."""

from __future__ import annotations

from typing import Any

import pytest
from freshbooks import FilterBuilder, FreshBooksError, PaginateBuilder

from tests.conformance.freshbooks.conftest import Business
from tests.conformance.freshbooks.refusals import refusal


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
