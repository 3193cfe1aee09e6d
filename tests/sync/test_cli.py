"""``timeledger sync`` and ``timeledger sync-runs`` as a user meets them: the output streams, the exit
codes, refusals of bad endpoints, and the state's record of runs."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.servers import CLI, free_port
from tests.sync.conftest import Side, run_sync
from tests.sync.sides import SINCE, timesheet


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}
    )


def test_json_goes_alone_to_stdout_and_the_summary_to_stderr(
    source: Side, target: Side, tmp_path: Path
) -> None:
    timesheet(
        source.demo["quickbooks_time"], "ada@example.com", "Website Redesign", "2027-07-01", 600, "Json"
    )
    args = (
        "--from",
        source.endpoint("quickbooks-time"),
        "--to",
        target.endpoint("quickbooks-desktop"),
        *SINCE,
    )
    done = run_sync(tmp_path / "state.db", *args)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {
        "created": 1,
        "updated": 0,
        "deleted": 0,
        "unchanged": 0,
        "skipped": 0,
        "conflicts": 0,
        "refused": [],
    }
    assert "1 created" in done.stderr

    plain = run_sync(tmp_path / "state.db", *args, json_out=False)
    assert plain.returncode == 0, plain.stderr
    assert (
        plain.stdout.strip()
        == "0 created, 0 updated, 0 deleted, 1 unchanged, 0 skipped, 0 in conflict, 0 refused"
    )


def test_a_block_file_serves_as_well_as_a_whole_demo(source: Side, target: Side, tmp_path: Path) -> None:
    block = tmp_path / "qbt.json"
    block.write_text(json.dumps(source.demo["quickbooks_time"]))
    timesheet(
        source.demo["quickbooks_time"], "ada@example.com", "Website Redesign", "2027-07-02", 600, "Block"
    )
    done = run_sync(
        tmp_path / "state.db",
        "--from",
        f"quickbooks-time:{block}",
        "--to",
        target.endpoint("quickbooks-desktop"),
        *SINCE,
    )
    assert (done.returncode, done.report["created"]) == (0, 1), done.stderr


def test_endpoints_that_cannot_serve_are_refused_in_one_line(source: Side, tmp_path: Path) -> None:
    state = ("--state", f"sqlite:///{tmp_path / 'state.db'}")
    to = ("--to", source.endpoint("quickbooks-desktop"))
    unknown = cli("sync", "--from", f"quickbooks-online:{source.file}", *to, *state)
    assert unknown.returncode == 2
    assert (
        "unknown kind 'quickbooks-online': one of quickbooks-desktop, quickbooks-time, freshbooks"
        in unknown.stderr
    )

    missing = cli("sync", "--from", f"freshbooks:{tmp_path / 'nope.json'}", *to, *state)
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"Error: cannot read {tmp_path / 'nope.json'}: No such file or directory"

    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    assert (
        cli("sync", "--from", f"freshbooks:{garbage}", *to, *state).stderr.strip()
        == f"Error: {garbage} is not JSON"
    )

    same = cli("sync", "--from", source.endpoint("quickbooks-desktop"), *to, *state)
    assert (same.returncode, same.stderr.strip()) == (1, "Error: --from and --to name the same company")

    nowhere = tmp_path / "nowhere.json"
    block = {**source.demo["quickbooks_time"], "base_url": f"http://127.0.0.1:{free_port()}/api/v1"}
    nowhere.write_text(json.dumps(block))
    unreachable = cli("sync", "--from", f"quickbooks-time:{nowhere}", *to, *state, "--json")
    assert unreachable.returncode == 1
    assert unreachable.stdout == ""
    assert "Error: " in unreachable.stderr and "127.0.0.1" in unreachable.stderr


def test_sync_runs_lists_each_run_with_its_report(source: Side, target: Side, tmp_path: Path) -> None:
    state_url = f"sqlite:///{tmp_path / 'state.db'}"
    assert cli("sync-runs", "--state", state_url).stdout.strip() == "No sync runs in this state."
    timesheet(
        source.demo["quickbooks_time"], "ada@example.com", "Website Redesign", "2027-07-03", 600, "Runs"
    )
    args = (
        "--from",
        source.endpoint("quickbooks-time"),
        "--to",
        target.endpoint("quickbooks-desktop"),
        *SINCE,
    )
    run_sync(tmp_path / "state.db", *args)
    run_sync(tmp_path / "state.db", *args)
    run_sync(tmp_path / "state.db", *args, "--dry-run")  # a dry run is not recorded

    listed = cli("sync-runs", "--state", state_url, "--json")
    assert listed.returncode == 0, listed.stderr
    runs = json.loads(listed.stdout)
    assert [(r["status"], r["report"]["created"], r["report"]["unchanged"]) for r in runs] == [
        ("finished", 0, 1),
        ("finished", 1, 0),
    ]
    assert runs[0]["source"].startswith("quickbooks-time:") and runs[0]["target"].startswith(
        "quickbooks-desktop:"
    )
    assert runs[0]["options"] == {
        "since": "2027-03-01",
        "dry_run": False,
        "create_missing": False,
        "overwrite": False,
    }
    text = cli("sync-runs", "--state", state_url).stdout.splitlines()
    assert len(text) == 2 and text[0].startswith(f"#{runs[0]['id']} ") and "0 created, 0 updated" in text[0]


def test_the_default_state_is_the_timeledger_database(source: Side, target: Side, tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'timeledger.db'}"
    timesheet(
        source.demo["quickbooks_time"], "ada@example.com", "Website Redesign", "2027-07-04", 600, "Default"
    )
    args = (
        "--from",
        source.endpoint("quickbooks-time"),
        "--to",
        target.endpoint("quickbooks-desktop"),
        *SINCE,
    )
    env = {"TIMELEDGER_DATABASE_URL": database}
    done = cli("sync", *args, "--json", env=env)
    assert done.returncode == 0, done.stderr
    runs = json.loads(cli("sync-runs", "--json", env=env).stdout)
    assert [r["report"]["created"] for r in runs] == [1]
    assert cli("migrate", env=env).returncode == 0  # the state is a timeledger database, fully migrated
