"""A sync SIGKILLed part-way and run again ends with exactly the source's entries in the target: none
twice, none missing. Into QuickBooks Desktop the rerun finds what the killed run wrote by its
external id; into FreshBooks, which keeps none, by the intents the state recorded before writing."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.servers import CLI
from tests.sync.conftest import Side, run_sync
from tests.sync.sides import SINCE, activities, fb_entries, qbd, qbt_ids, timesheets


def kill_when(command: list[str], written: Callable[[], int], at_least: int, total: int) -> int:
    """Run ``command``, SIGKILL it once ``written()`` reaches ``at_least`` (of ``total``); how many
    were written when it died."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and process.poll() is None:
            if written() >= at_least:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.02)
    finally:
        process.wait(timeout=30)
    count = written()
    assert process.returncode == -signal.SIGKILL, f"the sync ended on its own: {process.stderr.read()!r}"  # type: ignore[union-attr]
    assert at_least <= count < total, count
    return count


def sync_command(state: Path, *args: str) -> list[str]:
    return [*CLI, "sync", *args, "--state", f"sqlite:///{state}", "--json"]


def test_killed_quickbooks_time_to_desktop(source: Side, target: Side, tmp_path: Path) -> None:
    block = source.demo["quickbooks_time"]
    users, jobcodes = qbt_ids(block, "users", "email"), qbt_ids(block, "jobcodes")
    total = 160
    timesheets(
        block,
        [
            {
                "user_id": users["grace@example.com"],
                "jobcode_id": jobcodes["Annual Audit"],
                "type": "manual",
                "date": f"2027-04-{1 + n % 28:02d}",
                "duration": 60 * (n + 1),
                "notes": f"Entry {n}",
            }
            for n in range(total)
        ],
    )
    state = tmp_path / "state.db"
    args = (
        "--from",
        source.endpoint("quickbooks-time"),
        "--to",
        target.endpoint("quickbooks-desktop"),
        *SINCE,
    )
    kill_when(sync_command(state, *args), lambda: len(activities(target)), 40, total)

    rerun = run_sync(state, *args)
    assert rerun.returncode == 0, rerun.stderr
    notes = sorted(a.note for a in activities(target))
    assert notes == sorted(f"Entry {n}" for n in range(total))
    assert rerun.report["created"] + rerun.report["unchanged"] == total

    final = run_sync(state, *args)
    assert (final.report["unchanged"], final.report["created"]) == (total, 0)


def test_killed_desktop_to_freshbooks(source: Side, target: Side, tmp_path: Path) -> None:
    client, end_user = qbd(source)
    ada = next(
        e for e in client.employees.list(conductor_end_user_id=end_user).data if e.email == "ada@example.com"
    )
    total = 100
    for n in range(total):
        client.time_tracking_activities.create(
            conductor_end_user_id=end_user,
            entity_id=ada.id,
            transaction_date=f"2027-05-{1 + n % 28:02d}",
            duration=f"PT{n + 1}M",
            note=f"Entry {n}",
            billing_status="not_billable",
        )
    state = tmp_path / "state.db"
    args = ("--from", source.endpoint("quickbooks-desktop"), "--to", target.endpoint("freshbooks"), *SINCE)
    kill_when(sync_command(state, *args), lambda: len(fb_entries(target)), 20, total)

    rerun = run_sync(state, *args)
    assert rerun.returncode == 0, rerun.stderr
    notes = sorted(e["note"] for e in fb_entries(target))
    assert notes == sorted(f"Entry {n}" for n in range(total))


def test_a_new_state_finds_what_an_old_one_wrote_into_desktop(
    source: Side, target: Side, tmp_path: Path
) -> None:
    block = source.demo["quickbooks_time"]
    users, jobcodes = qbt_ids(block, "users", "email"), qbt_ids(block, "jobcodes")
    item = {"user_id": users["ada@example.com"], "jobcode_id": jobcodes["Mobile App"], "type": "manual"}
    timesheets(block, [{**item, "date": "2027-06-01", "duration": 3600, "notes": "Once"}])
    args: tuple[Any, ...] = (
        "--from",
        source.endpoint("quickbooks-time"),
        "--to",
        target.endpoint("quickbooks-desktop"),
        *SINCE,
    )
    assert run_sync(tmp_path / "old.db", *args).report["created"] == 1
    fresh = run_sync(tmp_path / "new.db", *args)
    assert (fresh.returncode, fresh.report["created"], fresh.report["unchanged"]) == (0, 0, 1), fresh.stderr
    assert [a.note for a in activities(target)] == ["Once"]
