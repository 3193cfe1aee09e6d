"""FreshBooks → QuickBooks Desktop and back, through the CLI: targets read with conductor-py (strict)
and freshbooks-sdk. A FreshBooks client is named by its organization ("Acme Corporation"), which
the target's customer list lacks until ``--create-missing`` makes it."""

from __future__ import annotations

from pathlib import Path

from tests.sync.conftest import Side, counts, run_sync
from tests.sync.sides import SINCE, by_external_id, fb_entries, fb_entry, fb_named, freshbooks, qbd
from timeledger.connectors.sync.engine import external_id


def test_freshbooks_to_desktop(source: Side, target: Side, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    fb, block = freshbooks(source)
    first_id = fb_entry(source, "Website Redesign", "2027-03-01", 5400, "Homepage")
    second_id = fb_entry(source, "Annual Audit", "2027-03-02", 1800, "Receipts")
    args = ("--from", source.endpoint("freshbooks"), "--to", target.endpoint("quickbooks-desktop"), *SINCE)

    refused = run_sync(state, *args)
    assert refused.returncode == 3, refused.stderr
    assert refused.report["created"] == 0
    reasons = {r["source_id"]: r["reason"] for r in refused.report["refused"]}
    assert set(reasons) == {first_id, second_id}
    assert "Acme Corporation" in reasons[first_id]
    assert f"refused {first_id}: " in refused.stderr
    assert by_external_id(target) == {}

    created = run_sync(state, *args, "--create-missing")
    assert created.returncode == 0, created.stderr
    assert counts(created.report)["created"] == 2 and created.report["refused"] == []
    written = by_external_id(target)
    homepage = written[external_id("freshbooks", block["business_id"], first_id)]
    assert homepage.customer.full_name == "Acme Corporation:Website Redesign"
    assert (homepage.entity.full_name, homepage.service_item.full_name) == ("Ada Lovelace", "Consulting")
    assert (homepage.duration, str(homepage.transaction_date), homepage.note) == (
        "PT1H30M",
        "2027-03-01",
        "Homepage",
    )

    again = run_sync(state, *args)
    assert counts(again.report) == {
        "created": 0,
        "updated": 0,
        "deleted": 0,
        "unchanged": 2,
        "skipped": 0,
        "conflicts": 0,
        "refused": 0,
    }

    fb.time_entries.update(block["business_id"], int(first_id), {"duration": 3600, "note": "Homepage v2"})
    fb.time_entries.delete(block["business_id"], int(second_id))
    changed = run_sync(state, *args)
    assert changed.returncode == 0, changed.stderr
    assert (changed.report["updated"], changed.report["deleted"], changed.report["unchanged"]) == (1, 1, 0)
    now = by_external_id(target)
    assert list(now) == [external_id("freshbooks", block["business_id"], first_id)]
    assert (now[external_id("freshbooks", block["business_id"], first_id)].duration,) == ("PT1H0M",)


def test_a_running_timer_is_skipped_until_it_stops(source: Side, target: Side, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    fb, block = freshbooks(source)
    running = fb_entry(source, "Mobile App", "2027-03-05", None, "Timing")
    args = ("--from", source.endpoint("freshbooks"), "--to", target.endpoint("quickbooks-desktop"), *SINCE)
    skipped = run_sync(state, *args, "--create-missing")
    assert skipped.returncode == 0, skipped.stderr
    assert (skipped.report["skipped"], skipped.report["created"]) == (1, 0)

    fb.time_entries.update(block["business_id"], int(running), {"is_logged": True, "duration": 2700})
    stopped = run_sync(state, *args, "--create-missing")
    assert (stopped.report["skipped"], stopped.report["created"]) == (0, 1)
    assert (
        by_external_id(target)[external_id("freshbooks", block["business_id"], running)].duration == "PT0H45M"
    )


def test_desktop_to_freshbooks(source: Side, target: Side, tmp_path: Path) -> None:
    state = tmp_path / "state.db"
    client, end_user = qbd(source)
    initech = client.customers.create(conductor_end_user_id=end_user, name="Initech")
    migration = client.customers.create(
        conductor_end_user_id=end_user, name="Migration", parent_id=initech.id
    )
    ada = next(
        e for e in client.employees.list(conductor_end_user_id=end_user).data if e.email == "ada@example.com"
    )
    item = next(
        i for i in client.service_items.list(conductor_end_user_id=end_user).data if i.name == "Design"
    )
    made = [
        client.time_tracking_activities.create(
            conductor_end_user_id=end_user,
            entity_id=ada.id,
            customer_id=migration.id,
            service_item_id=item.id,
            transaction_date=f"2027-03-0{day}",
            duration=f"PT{day}H",
            note=f"Cutover {day}",
            billing_status="billable",
        )
        for day in (1, 2)
    ]
    args = ("--from", source.endpoint("quickbooks-desktop"), "--to", target.endpoint("freshbooks"), *SINCE)

    dry = run_sync(state, *args, "--create-missing", "--dry-run")
    assert (dry.returncode, dry.report["created"]) == (0, 2), dry.stderr
    assert fb_entries(target) == [] and "Initech" not in fb_named(target)["clients"]

    created = run_sync(state, *args, "--create-missing")
    assert created.returncode == 0, created.stderr
    assert created.report["created"] == 2
    named = fb_named(target)
    entries = sorted(fb_entries(target), key=lambda e: e["note"])
    assert [(e["note"], e["duration"], e["project_id"], e["client_id"], e["billable"]) for e in entries] == [
        ("Cutover 1", 3600, named["projects"]["Migration"], named["clients"]["Initech"], True),
        ("Cutover 2", 7200, named["projects"]["Migration"], named["clients"]["Initech"], True),
    ]
    assert {e["service_id"] for e in entries} == {named["services"]["Design"]}
    assert {e["identity_id"] for e in entries} == {target.demo["freshbooks"]["identity_id"]}

    assert run_sync(state, *args).report["unchanged"] == 2

    first = made[0]
    client.time_tracking_activities.update(
        first.id,
        conductor_end_user_id=end_user,
        revision_number=first.revision_number,
        duration="PT30M",
        entity_id=ada.id,
    )
    client.time_tracking_activities.delete(made[1].id, conductor_end_user_id=end_user)
    changed = run_sync(state, *args)
    assert changed.returncode == 0, changed.stderr
    assert (changed.report["updated"], changed.report["deleted"]) == (1, 1)
    assert [(e["note"], e["duration"]) for e in fb_entries(target)] == [("Cutover 1", 1800)]

    fb, block = freshbooks(target)
    kept = fb_entries(target)[0]
    fb.time_entries.update(block["business_id"], kept["id"], {"note": "Edited in FreshBooks"})
    client.time_tracking_activities.update(
        first.id,
        conductor_end_user_id=end_user,
        revision_number=client.time_tracking_activities.retrieve(
            first.id, conductor_end_user_id=end_user
        ).revision_number,
        duration="PT40M",
        entity_id=ada.id,
    )
    conflict = run_sync(state, *args)
    assert (conflict.returncode, conflict.report["conflicts"]) == (3, 1), conflict.stderr
    assert [(e["note"], e["duration"]) for e in fb_entries(target)] == [("Edited in FreshBooks", 1800)]
