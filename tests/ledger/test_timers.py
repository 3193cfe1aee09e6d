"""Timer rules on plain values: no database, no server."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from timeledger.ledger.errors import RuleError
from timeledger.ledger.records import ListEntry, Ref, TimeEntry
from timeledger.ledger.time_entries import (
    check_duration,
    check_one_running_timer,
    elapsed_seconds,
    nominal_start,
    start_on,
    work_date_of,
)
from timeledger.ledger.values import BillingStatus, ListKind

MOMENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


def _person() -> ListEntry:
    return ListEntry(
        1, 1, ListKind.EMPLOYEE, "Ada Lovelace", "Ada Lovelace", None, 0, True, 1, MOMENT, MOMENT
    )


def _entry(key: int, duration: int | None, started_at: datetime | None = MOMENT) -> TimeEntry:
    return TimeEntry(
        key=key,
        company_key=1,
        person=Ref(1, "Ada Lovelace", MOMENT),
        person_kind=ListKind.EMPLOYEE,
        work_date=date(2026, 3, 2),
        duration_seconds=duration,
        billing_status=BillingStatus.NOT_BILLABLE,
        revision=1,
        created_at=MOMENT,
        updated_at=MOMENT,
        started_at=started_at,
    )


def test_a_running_timer_has_no_duration() -> None:
    with pytest.raises(RuleError) as excinfo:
        check_duration(60, is_running=True, started_at=MOMENT)
    assert excinfo.value.code == "running_timer_has_no_duration"


def test_a_running_timer_needs_a_start() -> None:
    with pytest.raises(RuleError) as excinfo:
        check_duration(None, is_running=True, started_at=None)
    assert excinfo.value.code == "running_timer_needs_start"
    check_duration(None, is_running=True, started_at=MOMENT)


def test_a_logged_entry_needs_a_duration_of_zero_or_more() -> None:
    check_duration(0, is_running=False)
    for bad in (None, -1):
        with pytest.raises(RuleError) as excinfo:
            check_duration(bad, is_running=False)
        assert excinfo.value.code == "invalid_duration"


def test_a_person_runs_one_timer_at_a_time() -> None:
    check_one_running_timer(_person(), None)
    with pytest.raises(RuleError) as excinfo:
        check_one_running_timer(_person(), _entry(7, None))
    assert excinfo.value.code == "one_running_timer_per_person"


def test_the_running_timer_itself_may_be_changed() -> None:
    check_one_running_timer(_person(), _entry(7, None), key=7)


def test_a_stopped_timer_ran_the_whole_seconds_since_its_start() -> None:
    assert elapsed_seconds(MOMENT, datetime(2026, 3, 2, 10, 0, 0, 500_000, tzinfo=UTC)) == 1800
    assert elapsed_seconds(MOMENT, datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) == 0


def test_the_work_date_is_the_utc_day_work_started() -> None:
    assert work_date_of(datetime(2026, 3, 2, 23, 30, tzinfo=UTC)) == date(2026, 3, 2)


def test_moving_an_entry_to_another_day_keeps_its_time_of_day() -> None:
    assert start_on(date(2026, 3, 9), MOMENT) == datetime(2026, 3, 9, 9, 30, tzinfo=UTC)
    assert start_on(date(2026, 3, 9), None) is None


def test_an_entry_without_a_start_starts_at_midnight_of_its_day() -> None:
    assert nominal_start(_entry(1, 60, started_at=None)) == datetime(2026, 3, 2, tzinfo=UTC)
    assert nominal_start(_entry(1, 60)) == MOMENT
