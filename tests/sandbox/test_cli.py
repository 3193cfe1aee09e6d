"""``timeledger sandbox`` against the sandbox server, as a developer runs it from a shell."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from tests.sandbox.conftest import Company
from tests.servers import CLI, Server, free_port


def sandbox(
    company: Company, *args: str, key: str | None = None, url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TIMELEDGER_API_KEY": key or company.demo["conductor"]["api_key"]}
    where = ["--url", url or company.server.base_url, "--end-user", company.end_user_id]
    command = [*CLI, "sandbox", *where, *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def test_snapshot_reset_restore_export_and_import_from_the_shell(company: Company, tmp_path: Path) -> None:
    made = sandbox(company, "snapshot", "before")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout)["name"] == "before"
    listed = json.loads(sandbox(company, "snapshot", "--list").stdout)
    assert [s["name"] for s in listed["data"]] == ["before"]

    exported = tmp_path / "books.json"
    assert sandbox(company, "export", "--output", str(exported)).returncode == 0
    assert json.loads(sandbox(company, "reset").stdout) == {"end_user_id": company.end_user_id, "reset": True}
    assert json.loads(sandbox(company, "export").stdout)["tables"]["time_entries"] == []

    assert json.loads(sandbox(company, "restore", "before").stdout) == {"name": "before", "restored": True}
    assert json.loads(sandbox(company, "export").stdout) == json.loads(exported.read_text())
    assert sandbox(company, "reset").returncode == 0
    assert json.loads(sandbox(company, "import", str(exported)).stdout)["imported"] is True
    assert json.loads(sandbox(company, "export").stdout) == json.loads(exported.read_text())
    assert sandbox(company, "snapshot", "before", "--delete").returncode == 0
    assert json.loads(sandbox(company, "snapshot", "--list").stdout) == {"data": []}

    assert sandbox(company, "reset").returncode == 0
    seeded = sandbox(company, "seed", "--fixture", "demo")
    assert (seeded.returncode, json.loads(seeded.stdout)["seeded"]) == (0, "demo")


def test_refusals_are_one_line(company: Company, server: Server) -> None:
    missing = sandbox(company, "restore", "never-taken")
    said = 'Error: 404: No snapshot named "never-taken" exists.'
    assert (missing.returncode, missing.stderr.strip()) == (1, said)
    bad_key = sandbox(company, "export", key="sk_tl_wrong")
    assert bad_key.returncode == 1 and bad_key.stderr.startswith("Error: 401: ")
    plain = sandbox(company, "export", url=server.base_url)  # the session server runs without --sandbox
    assert (plain.returncode, plain.stderr.strip()) == (
        1,
        f"Error: the server at {server.base_url} does not run with --sandbox",
    )
    nowhere = sandbox(company, "export", url=f"http://127.0.0.1:{free_port()}")
    assert nowhere.returncode == 1 and nowhere.stderr.startswith(
        "Error: nothing answers at http://127.0.0.1:"
    )
    both = sandbox(company, "seed")
    assert both.returncode == 2 and "give one of --fixture or --file" in both.stderr


def test_clock_fault_realism_and_log_from_the_shell(company: Company) -> None:
    frozen = json.loads(sandbox(company, "clock", "--now", "2030-01-02T03:04:05Z").stdout)
    assert frozen == {"now": "2030-01-02T03:04:05+00:00", "frozen": True, "set": True}
    assert json.loads(sandbox(company, "clock").stdout)["now"] == "2030-01-02T03:04:05+00:00"
    assert json.loads(sandbox(company, "clock", "--clear").stdout)["set"] is False

    made = json.loads(
        sandbox(company, "fault", "unavailable", "--api", "quickbooks_time", "--count", "1").stdout
    )
    assert (made["fault"], made["count"]) == ("unavailable", 1)
    assert [f["id"] for f in json.loads(sandbox(company, "fault", "--list").stdout)["data"]] == [made["id"]]
    assert json.loads(sandbox(company, "fault", "--delete", str(made["id"])).stdout)["deleted"] is True
    refused = sandbox(company, "fault", "latency", "--api", "conductor")
    assert (refused.returncode, refused.stderr.strip()) == (
        1,
        'Error: 400: "latency_ms" must be a whole number from 1 to 60000.',
    )

    realism = json.loads(sandbox(company, "realism", "--rate-limit", "--cursor-expiry", "10").stdout)
    assert realism == {
        "conductor_cursor_expiry_seconds": 10,
        "quickbooks_time_rate_limit": True,
        "latency": "none",
    }
    assert json.loads(sandbox(company, "realism", "--clear").stdout)["quickbooks_time_rate_limit"] is False

    company.qbd.employees.list(conductor_end_user_id=company.end_user_id)
    logged = json.loads(sandbox(company, "log", "--limit", "1").stdout)["data"]
    assert [(e["api"], e["path"]) for e in logged] == [("conductor", "/v1/quickbooks-desktop/employees")]
    again = json.loads(sandbox(company, "log", "--replay", logged[0]["id"]).stdout)
    assert again["status"] == 200 and again["body"]["objectType"] == "list"
