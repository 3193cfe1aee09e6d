"""How long ``timeledger sync`` takes to move N entries between two local servers, and where the time goes.

Two fresh SQLite databases, a demo company on each, ``timeledger serve`` on each; N timesheets created
at the source through the QuickBooks Time API (50 a request). Then ``timeledger sync`` from QuickBooks
Time into QuickBooks Desktop (the everyday direction) three times: the first run (creates everything),
a rerun (everything unchanged) and a run after N/10 edits. For each: wall time, entries a second, CPU
seconds of the sync process and of each server (every process of it), and the requests each side
was sent. ``--profile`` runs the first sync under cProfile and prints its own steps by cumulative
time (reading, finding, writing, recording) and the ten most expensive functions by own time, which
shows how much of it is the SDKs, HTTP and the state database.

    python bench/sync.py [--entries 10000] [--profile]
"""

from __future__ import annotations

import argparse
import json
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import cpu_seconds, ensure_venv, free_port, running, timeledger_cli

FIRST_DAY = "2027-01-04"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def seed(block: dict[str, Any], count: int) -> list[int]:
    """``count`` manual timesheets of the demo's first user on its first jobcode, 50 a request."""
    headers = {"Authorization": f"Bearer {block['access_token']}"}
    with httpx.Client(base_url=block["base_url"], headers=headers, timeout=60) as http:
        users = http.get("/users").json()["results"]["users"]
        jobcodes = http.get("/jobcodes").json()["results"]["jobcodes"]
        user = next(u for u in users.values() if u["email"] == "ada@example.com")["id"]
        jobcode = next(j for j in jobcodes.values() if j["name"] == "Website Redesign")["id"]
        made: list[int] = []
        for start in range(0, count, 50):
            items = [
                {
                    "user_id": user,
                    "jobcode_id": jobcode,
                    "type": "manual",
                    "date": f"2027-{1 + n % 12:02d}-{1 + n % 28:02d}",
                    "duration": 60 * (1 + n % 480),
                    "notes": f"Bench entry {n}",
                    "customfields": {"1": "Consulting"},
                }
                for n in range(start, min(start + 50, count))
            ]
            answer = http.post("/timesheets", json={"data": items}).json()["results"]["timesheets"]
            made += [int(item["id"]) for item in answer.values()]
        return made


def edit(block: dict[str, Any], ids: list[int]) -> None:
    headers = {"Authorization": f"Bearer {block['access_token']}"}
    with httpx.Client(base_url=block["base_url"], headers=headers, timeout=60) as http:
        for start in range(0, len(ids), 50):
            items = [{"id": i, "notes": f"Bench entry {i}, edited"} for i in ids[start : start + 50]]
            http.put("/timesheets", json={"data": items}).raise_for_status()


def sync_run(label: str, command: list[str], servers: dict[str, int], entries: int) -> dict[str, Any]:
    pids = servers.items()
    before = {name: cpu_seconds(pid) or 0.0 for name, pid in pids}
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{label}: sync exited {done.returncode}: {done.stderr}")
    report = json.loads(done.stdout)
    requests = next((line for line in done.stderr.splitlines() if line.startswith("Requests:")), "")
    return {
        "run": label,
        "wall_s": round(wall, 2),
        "entries_per_s": round(entries / wall, 1),
        "sync_cpu_s": round(_children_cpu() - cpu_before, 2),
        **{
            f"{name}_cpu_s": round((cpu_seconds(pid) or 0.0) - before[name], 2)
            for name, pid in servers.items()
        },
        "requests": requests.removeprefix("Requests: "),
        "report": {k: (len(v) if isinstance(v, list) else v) for k, v in report.items()},
    }


def main() -> None:
    ensure_venv()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true", help="profile the first run's sync process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        sides: dict[str, dict[str, Any]] = {}
        servers: dict[str, int] = {}
        for name in ("source", "target"):
            url = f"sqlite:///{tmp}/{name}.db"
            port = free_port()
            timeledger_cli("migrate", database_url=url)
            demo = json.loads(
                timeledger_cli("demo", "--base-url", f"http://127.0.0.1:{port}", database_url=url)
            )
            (Path(tmp) / f"{name}.json").write_text(json.dumps(demo))
            server = stack.enter_context(
                running(
                    [sys.executable, "-m", "timeledger", "serve", "--port", str(port)],
                    port,
                    {"TIMELEDGER_DATABASE_URL": url, "PATH": "/usr/bin:/bin"},
                )
            )
            sides[name], servers[name] = demo, server.pid
        print(f"seeding {args.entries} timesheets at the source ...", file=sys.stderr)
        ids = seed(sides["source"]["quickbooks_time"], args.entries)
        sync = [
            "sync",
            "--from", f"quickbooks-time:{tmp}/source.json",
            "--to", f"quickbooks-desktop:{tmp}/target.json",
            "--since", FIRST_DAY[:4] + "-01-01",
            "--state", f"sqlite:///{tmp}/state.db",
            "--json",
        ]  # fmt: skip
        command = [sys.executable, "-m", "timeledger", *sync]
        if args.profile:
            command = [sys.executable, "-m", "cProfile", "-o", f"{tmp}/sync.prof", "-m", "timeledger", *sync]
        rows = [sync_run("first run", command, servers, args.entries)]
        plain = [sys.executable, "-m", "timeledger", *sync]
        rows.append(sync_run("rerun, nothing changed", plain, servers, args.entries))
        edit(sides["source"]["quickbooks_time"], ids[: args.entries // 10])
        rows.append(sync_run(f"after {args.entries // 10} edits", plain, servers, args.entries // 10))
        for row in rows:
            print(json.dumps(row))
        if args.profile:
            stats = pstats.Stats(f"{tmp}/sync.prof")
            print("\nfirst run (under cProfile, so slower), the sync's own steps by cumulative time:")
            ours = r"timeledger/connectors/(sync/engine|sync/state|\w+)\.py"
            stats.sort_stats("cumulative").print_stats(ours, 14)
            print("the ten most expensive functions by own time:")
            stats.sort_stats("tottime").print_stats(10)


if __name__ == "__main__":
    main()
