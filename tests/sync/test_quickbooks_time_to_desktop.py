"""QuickBooks Time → QuickBooks Desktop, the everyday job: timesheets tracked in QuickBooks Time become
time tracking activities in QuickBooks Desktop, read back through conductor-py (strict)."""

from __future__ import annotations

from typing import Any

from tests.servers import store_fingerprint
from tests.sync.conftest import Side, counts, run_sync
from tests.sync.sides import SINCE, by_external_id, qbd, qbt, timesheet
from timeledger.connectors.sync.engine import external_id


def test_first_run_creates_rerun_changes_nothing_edits_and_deletes_propagate(
    source: Side, target: Side, tmp_path: Any
) -> None:
    state = tmp_path / "state.db"
    block = source.demo["quickbooks_time"]
    ada = timesheet(block, "ada@example.com", "Website Redesign", "2027-03-01", 5400, "Wireframes")
    grace = timesheet(block, "grace@example.com", "Annual Audit", "2027-03-02", 3600, "Ledger review")
    args = (
        "--from",
        source.endpoint("quickbooks-time"),
        "--to",
        target.endpoint("quickbooks-desktop"),
        *SINCE,
    )

    first = run_sync(state, *args)
    assert first.returncode == 0, first.stderr
    assert counts(first.report) == {
        "created": 2,
        "updated": 0,
        "deleted": 0,
        "unchanged": 0,
        "skipped": 0,
        "conflicts": 0,
        "refused": 0,
    }
    company = block["company_id"]
    written = by_external_id(target)
    assert set(written) == {external_id("quickbooks-time", company, sid) for sid in (ada, grace)}
    wireframes = written[external_id("quickbooks-time", company, ada)]
    assert wireframes.entity.full_name == "Ada Lovelace"
    assert wireframes.customer.full_name == "Acme Corp:Website Redesign"
    assert wireframes.service_item.full_name == "Consulting"
    assert (wireframes.duration, str(wireframes.transaction_date), wireframes.note) == (
        "PT1H30M",
        "2027-03-01",
        "Wireframes",
    )

    again = run_sync(state, *args)
    assert again.returncode == 0, again.stderr
    assert counts(again.report) == {
        "created": 0,
        "updated": 0,
        "deleted": 0,
        "unchanged": 2,
        "skipped": 0,
        "conflicts": 0,
        "refused": 0,
    }
    assert by_external_id(target).keys() == written.keys()

    edit = {"id": int(ada), "duration": 7200, "notes": "Wireframes, second round"}
    assert (
        qbt(block, "PUT", "timesheets", json={"data": [edit]})["results"]["timesheets"]["1"]["_status_code"]
        == 200
    )
    qbt(block, "DELETE", "timesheets", params={"ids": grace})
    changed = run_sync(state, *args)
    assert changed.returncode == 0, changed.stderr
    assert counts(changed.report) == {
        "created": 0,
        "updated": 1,
        "deleted": 1,
        "unchanged": 0,
        "skipped": 0,
        "conflicts": 0,
        "refused": 0,
    }
    now = by_external_id(target)
    assert list(now) == [external_id("quickbooks-time", company, ada)]
    assert (
        now[external_id("quickbooks-time", company, ada)].duration,
        now[external_id("quickbooks-time", company, ada)].note,
    ) == ("PT2H0M", "Wireframes, second round")


def test_a_conflicting_edit_in_the_target_is_reported_and_kept_until_overwrite(
    source: Side, target: Side, tmp_path: Any
) -> None:
    state = tmp_path / "state.db"
    block = source.demo["quickbooks_time"]
    sid = timesheet(block, "alan@example.com", "Mobile App", "2027-03-03", 1800, "Spike")
    args = (
        "--from",
        source.endpoint("quickbooks-time"),
        "--to",
        target.endpoint("quickbooks-desktop"),
        *SINCE,
    )
    assert run_sync(state, *args).returncode == 0

    client, end_user = qbd(target)
    key = external_id("quickbooks-time", block["company_id"], sid)
    mine = by_external_id(target)[key]
    client.time_tracking_activities.update(
        mine.id,
        conductor_end_user_id=end_user,
        revision_number=mine.revision_number,
        duration="PT45M",
        entity_id=mine.entity.id,
        note="Fixed by the bookkeeper",
    )
    qbt(block, "PUT", "timesheets", json={"data": [{"id": int(sid), "notes": "Spike, extended"}]})

    conflicted = run_sync(state, *args)
    assert conflicted.returncode == 3, conflicted.stderr
    assert counts(conflicted.report)["conflicts"] == 1 and conflicted.report["updated"] == 0
    assert f"conflict {sid}: target entry {mine.id} was changed in the target" in conflicted.stderr
    assert by_external_id(target)[key].note == "Fixed by the bookkeeper"

    still = run_sync(state, *args)  # left alone again: the conflict is not forgotten
    assert (still.returncode, still.report["conflicts"]) == (3, 1)

    overwritten = run_sync(state, *args, "--overwrite")
    assert overwritten.returncode == 0, overwritten.stderr
    assert (overwritten.report["updated"], overwritten.report["conflicts"]) == (1, 0)
    assert by_external_id(target)[key].note == "Spike, extended"


def test_a_dry_run_reports_what_it_would_do_and_writes_nothing(
    source: Side, target: Side, tmp_path: Any
) -> None:
    state = tmp_path / "state.db"
    block = source.demo["quickbooks_time"]
    timesheet(block, "ada@example.com", "Website Redesign", "2027-03-04", 3600, "Dry")
    args = (
        "--from",
        source.endpoint("quickbooks-time"),
        "--to",
        target.endpoint("quickbooks-desktop"),
        *SINCE,
    )
    before = store_fingerprint(target.server.database_url)

    dry = run_sync(state, *args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (dry.report["created"], dry.report["refused"]) == (1, [])
    assert store_fingerprint(target.server.database_url) == before
    assert by_external_id(target) == {}

    real = run_sync(state, *args)  # the dry run recorded nothing: the real one still creates
    assert real.report["created"] == 1
