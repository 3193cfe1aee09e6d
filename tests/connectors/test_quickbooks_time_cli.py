"""``timeledger qbtime`` against the running timeledger: every action prints its results as JSON,
credentials come from a file (a block or the whole demo JSON) or the environment, refreshed tokens
are written back to the file, ``watch`` prints what changed, and every refusal is one line."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.cli.commands import assert_refused
from tests.connectors.conftest import api, new_demo, qbtime, unique
from tests.servers import Server, free_port


def _ok(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    assert result.stderr == "", result.stderr
    return json.loads(result.stdout)


def _env(block: dict[str, Any], **overrides: str) -> dict[str, str]:
    values = {
        "QUICKBOOKS_TIME_ACCESS_TOKEN": block["access_token"],
        "QUICKBOOKS_TIME_REFRESH_TOKEN": block["refresh_token"],
        "QUICKBOOKS_TIME_CLIENT_ID": block["client_id"],
        "QUICKBOOKS_TIME_CLIENT_SECRET": block["client_secret"],
        "QUICKBOOKS_TIME_BASE_URL": block["base_url"],
    }
    return {**values, **overrides}


def _jobcode(credentials: Path, name: str) -> int:
    jobcodes = _ok(qbtime("get-jobcodes", "--credentials", str(credentials)))["jobcodes"]
    return next(int(j["id"]) for j in jobcodes.values() if j["name"] == name)


def _tracker(credentials: Path) -> int:
    made = _ok(
        qbtime(
            "create-user",
            "--credentials",
            str(credentials),
            "--username",
            unique("cli"),
            "--first-name",
            "Cli",
            "--last-name",
            "User",
            "--param",
            'permissions={"time_tracking": true}',
        )
    )
    return int(made["users"]["1"]["id"])


# --- the actions -------------------------------------------------------------------------------------


def test_get_users_prints_the_results_keyed_by_id(credentials_file: Path) -> None:
    users = _ok(qbtime("get-users", "--credentials", str(credentials_file)))
    assert set(users) == {"users"}
    assert {"ada", "grace", "alan"} <= {u["username"] for u in users["users"].values()}
    one_page = _ok(
        qbtime("get-users", "--credentials", str(credentials_file), "--per-page", "2", "--max-pages", "1")
    )
    assert len(one_page["users"]) == 2
    everyone = _ok(qbtime("get-users", "--credentials", str(credentials_file), "--per-page", "2"))
    assert everyone == users


def test_the_whole_demo_json_is_a_credentials_file(demo: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(demo))
    jobcodes = _ok(qbtime("get-jobcodes", "--credentials", str(path), "--active", "both"))["jobcodes"]
    assert {"Acme Corp", "Website Redesign"} <= {j["name"] for j in jobcodes.values()}


def test_credentials_come_from_the_environment(demo: dict[str, Any]) -> None:
    jobcodes = _ok(qbtime("get-jobcodes", "--param", "parent_ids=0", env=_env(demo["quickbooks_time"])))
    assert {j["parent_id"] for j in jobcodes["jobcodes"].values()} == {0}


def test_create_user_then_update_it_by_id_and_by_username(credentials_file: Path) -> None:
    username = unique("cliuser")
    made = _ok(
        qbtime(
            "create-user",
            "--credentials",
            str(credentials_file),
            "--username",
            username,
            "--first-name",
            "Carla",
            "--last-name",
            "Cli",
            "--param",
            'permissions={"time_tracking": true}',
        )
    )["users"]["1"]
    assert (made["_status_code"], made["username"], made["permissions"]["time_tracking"]) == (
        200,
        username,
        True,
    )
    by_id = _ok(
        qbtime(
            "update-user",
            "--credentials",
            str(credentials_file),
            "--id",
            str(made["id"]),
            "--param",
            "last_name=Renamed",
        )
    )
    assert by_id["users"]["1"]["last_name"] == "Renamed"
    by_name = _ok(
        qbtime(
            "update-user",
            "--credentials",
            str(credentials_file),
            "--username",
            username,
            "--param",
            "first_name=Carlota",
        )
    )
    assert (by_name["users"]["1"]["id"], by_name["users"]["1"]["first_name"]) == (made["id"], "Carlota")


def test_get_jobcode_assignments_of_a_user(credentials_file: Path, account: dict[str, Any]) -> None:
    user_id = _tracker(credentials_file)
    jobcode_id = _jobcode(credentials_file, "Annual Audit")
    api(
        account,
        "POST",
        "jobcode_assignments",
        json={"data": [{"user_id": user_id, "jobcode_id": jobcode_id}]},
    )
    found = _ok(
        qbtime("get-jobcode-assignments", "--credentials", str(credentials_file), "--user-ids", str(user_id))
    )
    assert [(a["user_id"], a["jobcode_id"]) for a in found["jobcode_assignments"].values()] == [
        (user_id, jobcode_id)
    ]


def test_create_get_update_and_delete_a_timesheet(credentials_file: Path) -> None:
    creds = ["--credentials", str(credentials_file)]
    user_id = _tracker(credentials_file)
    globex, audit = _jobcode(credentials_file, "Globex"), _jobcode(credentials_file, "Annual Audit")
    made = _ok(
        qbtime(
            "create-timesheet",
            *creds,
            "--user-id",
            str(user_id),
            "--jobcode-id",
            str(globex),
            "--start",
            "2024-05-06T09:00:00-06:00",
            "--end",
            "2024-05-06T11:00:00-06:00",
            "--param",
            "notes=From the CLI",
        )
    )["timesheets"]["1"]
    assert (made["duration"], made["notes"], made["on_the_clock"]) == (7200, "From the CLI", False)
    query = ["--user-ids", str(user_id), "--start-date", "2024-05-06", "--end-date", "2024-05-06"]
    assert list(_ok(qbtime("get-timesheets", *creds, *query))["timesheets"]) == [str(made["id"])]

    # --end "" is not sent: the timesheet does not go back on the clock.
    updated = _ok(
        qbtime("update-timesheet", *creds, "--id", str(made["id"]), "--jobcode-id", str(audit), "--end", "")
    )
    shown = updated["timesheets"]["1"]
    assert (shown["jobcode_id"], shown["end"], shown["on_the_clock"]) == (
        audit,
        "2024-05-06T11:00:00-06:00",
        False,
    )

    deleted = _ok(qbtime("delete-timesheet", *creds, "--ids", str(made["id"])))
    assert deleted["timesheets"][str(made["id"])]["_status_code"] == 200
    assert _ok(qbtime("get-timesheets", *creds, *query)) == {"timesheets": {}}


def test_get_timesheets_follows_every_page(credentials_file: Path) -> None:
    creds = ["--credentials", str(credentials_file)]
    user_id = _tracker(credentials_file)
    globex = _jobcode(credentials_file, "Globex")
    for day in (7, 8, 9):
        _ok(
            qbtime(
                "create-timesheet",
                *creds,
                "--user-id",
                str(user_id),
                "--jobcode-id",
                str(globex),
                "--start",
                f"2024-05-{day:02}T09:00:00-06:00",
                "--end",
                f"2024-05-{day:02}T10:00:00-06:00",
            )
        )
    query = ["--user-ids", str(user_id), "--start-date", "2024-05-07", "--per-page", "1"]
    assert len(_ok(qbtime("get-timesheets", *creds, *query))["timesheets"]) == 3
    assert len(_ok(qbtime("get-timesheets", *creds, *query, "--max-pages", "2"))["timesheets"]) == 2


# --- refusals ----------------------------------------------------------------------------------------


def test_an_item_the_server_refuses_is_one_line_with_its_status(credentials_file: Path) -> None:
    taken = qbtime(
        "create-user",
        "--credentials",
        str(credentials_file),
        "--username",
        "ada",
        "--first-name",
        "A",
        "--last-name",
        "B",
    )
    assert_refused(
        taken, "refused users item 1: 417 Expectation Failed: Oops! That username is already in use"
    )
    assert taken.stdout == ""
    unknown = qbtime("delete-timesheet", "--credentials", str(credentials_file), "--ids", "987654321")
    assert_refused(unknown, "refused timesheets id 987654321: 404 Not Found")


def test_a_request_the_server_refuses_is_one_line_with_its_status(credentials_file: Path) -> None:
    undated = qbtime("get-timesheets", "--credentials", str(credentials_file), "--active", "yes")
    assert_refused(
        undated, "answered 417: Expectation Failed: One of ids, start_date, modified_before or modified_since"
    )


def test_an_http_error_is_one_line(credentials_file: Path, server: Server) -> None:
    elsewhere = qbtime(
        "get-users", "--credentials", str(credentials_file), "--base-url", f"{server.base_url}/nothing/here"
    )
    assert_refused(elsewhere, f"GET {server.base_url}/nothing/here/users answered 404")


def test_a_server_that_does_not_answer_is_one_line(credentials_file: Path) -> None:
    address = f"http://127.0.0.1:{free_port()}/api/v1"
    assert_refused(
        qbtime("get-users", "--credentials", str(credentials_file), "--base-url", address),
        f"cannot reach {address}/users",
    )


def test_missing_or_unreadable_credentials_are_one_line(tmp_path: Path) -> None:
    assert_refused(
        qbtime("get-users"),
        "no QuickBooks Time credentials: pass --credentials FILE or set QUICKBOOKS_TIME_ACCESS_TOKEN",
    )
    missing = tmp_path / "missing.json"
    assert_refused(qbtime("get-users", "--credentials", str(missing)), f"no credentials file {missing}")
    garbled = tmp_path / "garbled.json"
    garbled.write_text("{not json")
    assert_refused(qbtime("get-users", "--credentials", str(garbled)), f"{garbled} is not JSON")
    tokenless = tmp_path / "tokenless.json"
    tokenless.write_text(json.dumps({"quickbooks_time": {"client_id": "x"}}))
    assert_refused(qbtime("get-users", "--credentials", str(tokenless)), f"{tokenless} holds no access_token")


def test_bad_inputs_are_refused_in_one_line_before_anything_is_sent(credentials_file: Path) -> None:
    creds = ["--credentials", str(credentials_file)]
    assert_refused(qbtime("get-users", *creds, "--param", "usernames"), "expected KEY=VALUE, not 'usernames'")
    assert_refused(
        qbtime("create-user", *creds, "--param", "permissions={oops"), "permissions: '{oops' is not JSON"
    )
    assert_refused(
        qbtime("update-user", *creds, "--param", "last_name=X"), "Update User needs an id or a username"
    )
    assert_refused(qbtime("update-user", *creds, "--id", "ada"), "id must be an integer, not 'ada'")
    assert_refused(qbtime("get-users", *creds, "--active", "maybe"), "Invalid value for '--active'")
    assert_refused(
        qbtime("create-timesheet", *creds, "--user-id", "1", "--jobcode-id", "1", "--start", "", "--end", ""),
        "start and end are required",
    )


# --- token refresh ------------------------------------------------------------------------------------


def test_a_refreshed_token_is_written_back_into_the_whole_demo_json(server: Server, tmp_path: Path) -> None:
    whole = new_demo(server)
    whole["quickbooks_time"]["access_token"] = "revoked-or-bogus"
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(whole, indent=2))
    assert _ok(qbtime("get-users", "--credentials", str(path), "--per-page", "1", "--max-pages", "1"))[
        "users"
    ]
    kept = json.loads(path.read_text())
    assert kept["quickbooks_time"]["access_token"] != "revoked-or-bogus"
    assert kept["quickbooks_time"]["refresh_token"] != whole["quickbooks_time"]["refresh_token"]
    assert {k: v for k, v in kept.items() if k != "quickbooks_time"} == {
        k: v for k, v in whole.items() if k != "quickbooks_time"
    }
    assert _ok(qbtime("get-jobcodes", "--credentials", str(path)))["jobcodes"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.json"]  # no temporary file left behind


def test_tokens_refreshed_from_the_environment_live_only_in_memory(server: Server, tmp_path: Path) -> None:
    block = new_demo(server)["quickbooks_time"]
    env = _env(block, QUICKBOOKS_TIME_ACCESS_TOKEN="revoked-or-bogus")
    assert _ok(qbtime("get-jobcodes", env=env))["jobcodes"]
    # The environment still names the spent refresh token: a second run cannot refresh with it.
    assert_refused(qbtime("get-jobcodes", env=env), "the access token was refused and refreshing it failed: ")


# --- watch ---------------------------------------------------------------------------------------------


def _watched(result: subprocess.CompletedProcess[str]) -> set[tuple[str, str, int]]:
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(line) == {"type", "change", "record"} for line in lines)
    return {(line["type"], line["change"], line["record"]["id"]) for line in lines}


def test_watch_once_prints_only_what_changed_since_the_run_before(server: Server, tmp_path: Path) -> None:
    whole = new_demo(server)
    path = tmp_path / "demo.json"
    path.write_text(json.dumps(whole))
    watch = ["watch", "--credentials", str(path), "--once", "--state", str(tmp_path / "state.json")]
    first = _watched(qbtime(*watch))
    assert {kind for kind, _, _ in first} == {"user", "jobcode"}
    assert {change for _, change, _ in first} == {"new"}

    user_id = _tracker(path)
    globex, mobile_app = _jobcode(path, "Globex"), _jobcode(path, "Mobile App")
    now = datetime.now(UTC).replace(microsecond=0)
    made = _ok(
        qbtime(
            "create-timesheet",
            "--credentials",
            str(path),
            "--user-id",
            str(user_id),
            "--jobcode-id",
            str(globex),
            "--start",
            (now - timedelta(hours=3)).isoformat(),
            "--end",
            (now - timedelta(hours=2)).isoformat(),
        )
    )["timesheets"]["1"]
    api(whole["quickbooks_time"], "PUT", "jobcodes", json={"data": [{"id": mobile_app, "billable": True}]})

    assert _watched(qbtime(*watch)) == {
        ("user", "new", user_id),
        ("timesheet", "new", made["id"]),
        ("jobcode", "changed", mobile_app),
    }
    assert _watched(qbtime(*watch)) == set()


def test_watch_refuses_a_state_file_it_did_not_write(credentials_file: Path, tmp_path: Path) -> None:
    state = tmp_path / "state.json"
    state.write_text(json.dumps(["not", "a", "state"]))
    assert_refused(
        qbtime("watch", "--credentials", str(credentials_file), "--once", "--state", str(state)),
        f"{state} is not a qbtime watch state file (not a JSON object)",
    )
