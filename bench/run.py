"""Throughput and latency of timeledger's Conductor endpoints against a bare ASGI floor, in one run.

It builds a fresh SQLite database (migrate, demo, a company of 1,000 activities created through the
API and one of 100,000 written in bulk from an API-created template row), starts ``timeledger serve
--workers 1`` and ``bench/bare_app.py`` (the same uvicorn settings, answering with bytes captured from
timeledger), and drives each scenario with ``wrk`` on loopback: a warm-up, then a measured run.

How to read it: *ratio* is timeledger req/s over bare req/s, the share of one server's capacity left
after our framework, auth, SQL and JSON work. *cpu µs* is the server process's CPU time (all threads)
per request: steadier than req/s on a shared machine. The 100k/1k line is what a list page costs in
a big company relative to a small one (judged by CPU per request); the COUNT behind
``remainingCount`` is timed alone under it. The last line says how much CPU other processes took
during the measured runs: above ~10 %, rerun before trusting a verdict near its target.

    python bench/run.py [--duration 10] [--warmup 2] [--threads 1] [--connections 32] [--json out.json]
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
REEXEC_MARK = "TIMELEDGER_BENCH_REEXEC"

QBD = "/v1/quickbooks-desktop"
ACTIVITIES = f"{QBD}/time-tracking-activities"
PAGE_SIZE = 150
PAGE_QUERY = f"limit={PAGE_SIZE}"
SMALL_COMPANY_ROWS = 1_000
BIG_COMPANY_ROWS = 100_000

# The targets: timeledger req/s as a share of bare req/s, and a 100k-row page's cost over a 1k one's.
TARGETS = {"retrieve": 0.30, "create": 0.15}
LIST_COST_TARGET = 1.5
FRAMEWORK_FLOOR = "retrieve bytes via Starlette"


# --- environment: the venv, wrk --------------------------------------------------------------------


def ensure_venv() -> None:
    """Run under the project's virtualenv, building it with ``make`` on a fresh machine."""
    try:
        import timeledger  # noqa: F401
    except ImportError:
        if os.environ.get(REEXEC_MARK):
            sys.exit("bench: timeledger is not importable even in .venv; run `make bench`")
        if not VENV_PYTHON.exists():
            subprocess.run(["make", "-C", str(REPO), ".venv/bin/timeledger"], check=True)
        os.environ[REEXEC_MARK] = "1"
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])


def ensure_wrk() -> str:
    """wrk's path, installing Debian's package first when it is missing (needs root and apt-get)."""
    if not shutil.which("wrk"):
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            sys.exit("bench: wrk is not installed, and installing it needs apt-get as root")
        progress("installing wrk with apt-get")
        if _apt("install", "-y", "-qq", "wrk") != 0:
            _apt("update", "-qq")  # a fresh image may have no package lists yet
            _apt("install", "-y", "-qq", "wrk")
    return shutil.which("wrk") or sys.exit("bench: could not install wrk")


def _apt(*args: str) -> int:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(["apt-get", *args], env=env, stdout=subprocess.DEVNULL, check=False).returncode


def progress(message: str) -> None:
    print(f"bench: {message} ...", file=sys.stderr, flush=True)


# --- processes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Server:
    url: str
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def timeledger_cli(*args: str, database_url: str) -> str:
    env = {**os.environ, "TIMELEDGER_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "timeledger", *args], env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(f"timeledger {' '.join(args)} failed: {done.stderr}")
    return done.stdout


@contextmanager
def running(command: list[str], port: int, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start a server in its own process group, wait until it accepts connections, always stop it."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        wait_until_up(process, port)
        yield Server(f"http://127.0.0.1:{port}", process.pid)
    finally:
        stop(process)


def wait_until_up(process: subprocess.Popen[bytes], port: int, timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stderr = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"server exited during start-up: {stderr}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start within {timeout_s} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group we created, SIGKILL it if it lingers."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    except ProcessLookupError:
        pass


def cpu_seconds(pid: int) -> float | None:
    """User plus system CPU time of a process and all its threads so far (Linux /proc), or None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float | None:
    """CPU time every process on the machine has spent busy so far, over all CPUs (Linux /proc)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return None
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    """CPU time of our finished child processes (each wrk run, once it has exited)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


# --- a small HTTP client for set-up (stdlib only: keep-alive, JSON) ---------------------------------


@dataclass
class Reply:
    status: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Client:
    """One kept-alive connection that sends timeledger's Conductor credentials; non-200 raises."""

    def __init__(self, base_url: str, api_key: str) -> None:
        host, port = base_url.removeprefix("http://").split(":")
        self._conn = http.client.HTTPConnection(host, int(port), timeout=60)
        self._api_key = api_key

    def send(self, method: str, target: str, end_user: str | None, body: bytes | None = None) -> Reply:
        headers = {"Authorization": f"Bearer {self._api_key}", "Content-Type": "application/json"}
        if end_user:
            headers["Conductor-End-User-Id"] = end_user
        self._conn.request(method, target, body=body, headers=headers)
        response = self._conn.getresponse()
        reply = Reply(response.status, response.getheader("content-type", ""), response.read())
        if reply.status != 200:
            raise RuntimeError(f"{method} {target} -> {reply.status}: {reply.body[:300]!r}")
        return reply

    def close(self) -> None:
        self._conn.close()


# --- the data: companies, employees, activities ------------------------------------------------------


def activity_fields(i: int) -> tuple[date, int]:
    """The i-th seeded activity's work date and duration: a year of dates, 15 min to 8 h."""
    return date(2025, 1, 1) + timedelta(days=i % 365), 900 * (1 + i % 32)


def activity_body(employee_id: str, work_date: date, duration_seconds: int) -> bytes:
    minutes = duration_seconds // 60
    return json.dumps(
        {
            "entityId": employee_id,
            "transactionDate": work_date.isoformat(),
            "duration": f"PT{minutes // 60}H{minutes % 60}M",
            "note": "bench",
        }
    ).encode()


def new_company(client: Client, database_url: str, publishable_key: str, name: str) -> tuple[str, str]:
    """An end user created with the CLI (connected), and one employee created through the API."""
    created = timeledger_cli(
        "end-users",
        "create",
        "--organization",
        publishable_key,
        "--company-name",
        name,
        "--email",
        "bench@example.com",
        database_url=database_url,
    )
    end_user = json.loads(created)["end_user_id"]
    body = json.dumps({"firstName": "Bench", "lastName": name.replace(" ", "")}).encode()
    employee = client.send("POST", f"{QBD}/employees", end_user, body).json()["id"]
    return end_user, employee


def seed_through_api(client: Client, end_user: str, employee: str, count: int) -> tuple[float, str]:
    """``count`` activities POSTed one by one; returns seconds taken and the last one's id."""
    started = time.perf_counter()
    last = ""
    for i in range(count):
        body = activity_body(employee, *activity_fields(i))
        last = client.send("POST", ACTIVITIES, end_user, body).json()["id"]
    return time.perf_counter() - started, last


def seed_in_bulk(database_url: str, template_id: str, end_user: str, employee_id: str, count: int) -> float:
    """``count`` activities in one transaction, each a copy of the API-created row ``template_id``
    (so any column the API fills is filled the same way) with only what differs between API-created
    activities changed: key, company, person, work date, duration, and timestamps that increase
    with the key, between the company's creation and now. Returns seconds taken."""
    from sqlalchemy import delete, func, insert, select

    from timeledger.dialects.conductor.ids import parse_list_id, parse_txn_id
    from timeledger.ledger.clock import utc_now
    from timeledger.store.engine import make_engine
    from timeledger.store.tables import companies, time_entries, time_entry_counts, transactions

    started = time.perf_counter()
    engine = make_engine(database_url)
    template_key = parse_txn_id(template_id, "id")
    try:
        with engine.connect() as conn:
            conn.info["write"] = True  # BEGIN IMMEDIATE, as the store's writers do
            with conn.begin():
                company = conn.execute(select(companies).where(companies.c.public_id == end_user)).one()
                txn = conn.execute(select(transactions).where(transactions.c.id == template_key)).one()
                row = conn.execute(select(time_entries).where(time_entries.c.id == template_key)).one()
                first_key = conn.execute(select(func.max(transactions.c.id))).scalar_one() + 1
                begin, end = company.created_at, utc_now()
                same = {"company_id": company.id}
                txn_rows, entry_rows = [], []
                for i in range(count):
                    moment = begin + (end - begin) * (i + 1) / count
                    work_date, duration = activity_fields(i)
                    key = {"id": first_key + i, **same, "created_at": moment}
                    txn_rows.append({**txn._asdict(), **key})
                    entry_rows.append(
                        {
                            **row._asdict(),
                            **key,
                            "person_id": parse_list_id(employee_id, "entityId"),
                            "work_date": work_date,
                            "duration_seconds": duration,
                            "updated_at": moment,
                        }
                    )
                conn.execute(insert(transactions), txn_rows)
                conn.execute(insert(time_entries), entry_rows)
                # The live count of logged entries the API keeps with each create, set as it would be.
                logged = conn.execute(
                    select(func.count())
                    .select_from(time_entries)
                    .where(
                        time_entries.c.company_id == company.id,
                        time_entries.c.deleted_at.is_(None),
                        time_entries.c.duration_seconds.is_not(None),
                    )
                ).scalar_one()
                conn.execute(delete(time_entry_counts).where(time_entry_counts.c.company_id == company.id))
                conn.execute(insert(time_entry_counts).values(company_id=company.id, logged=logged))
    finally:
        engine.dispose()
    return time.perf_counter() - started


def check_bulk_row(client: Client, end_user: str, template: dict[str, Any]) -> None:
    """A bulk-written activity must read back through the API shaped like an API-created one."""
    page = client.send("GET", f"{ACTIVITIES}?limit=1", end_user).json()
    row = page["data"][0]
    same_shape = sorted(row) == sorted(template) and row["revisionNumber"] == template["revisionNumber"]
    if not same_shape or page["remainingCount"] != BIG_COMPANY_ROWS - 1:
        raise RuntimeError(f"bulk-written activity differs from an API-created one: {row} vs {template}")


# --- remainingCount: the COUNT timed in-process -------------------------------------------------------


@dataclass
class CountCost:
    company: str
    page_ms: float  # the repository's query() for the first page: page SELECT, records, COUNT
    count_ms: float  # the COUNT alone, as the repository sent it
    plan: str


def time_count(database_url: str, end_user: str, label: str, repeats: int = 15) -> CountCost:
    """Time the repository's first-page query() and, alone, the COUNT it issues for remainingCount.

    The COUNT is the SQL the repository actually sends (caught by a cursor-execute hook), so this
    keeps measuring the real statement whatever its WHERE becomes."""
    from sqlalchemy import event, select

    from timeledger.ledger.queries import TimeEntryQuery
    from timeledger.store.engine import make_engine
    from timeledger.store.repositories.time_entries import SqlTimeEntryRepository
    from timeledger.store.tables import companies

    engine = make_engine(database_url)
    counts: list[tuple[str, Any]] = []

    def catch_count(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT COUNT("):
            counts.append((statement, parameters))

    query = TimeEntryQuery(limit=PAGE_SIZE)
    try:
        with engine.connect() as conn, conn.begin():
            company_key = conn.execute(
                select(companies.c.id).where(companies.c.public_id == end_user)
            ).scalar_one()
            repository = SqlTimeEntryRepository(conn)
            event.listen(engine, "before_cursor_execute", catch_count)
            repository.query(company_key, query)
            event.remove(engine, "before_cursor_execute", catch_count)
            page_ms = _median_ms(lambda: repository.query(company_key, query), repeats)
            if not counts:
                return CountCost(label, page_ms, 0.0, "no COUNT issued")
            sql, parameters = counts[0]
            count_ms = _median_ms(lambda: conn.exec_driver_sql(sql, parameters).scalar_one(), repeats)
            plan = "; ".join(
                str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters)
            )
    finally:
        engine.dispose()
    return CountCost(label, page_ms, count_ms, plan)


def _median_ms(work: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


# --- scenarios and wrk ---------------------------------------------------------------------------------


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    query: str
    end_user: str
    body: bytes | None = None
    with_bare: bool = True

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


@dataclass
class Load:
    requests_per_s: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int  # non-2xx responses plus socket errors; any makes the figures suspect
    cpu_us_per_request: float | None = None
    # Share of the machine's CPUs that processes other than the server and wrk used meanwhile.
    other_cpu_share: float | None = None


@dataclass
class Row:
    scenario: str
    timeledger: Load
    bare: Load | None = None
    target: float | None = None

    @property
    def ratio(self) -> float | None:
        return self.timeledger.requests_per_s / self.bare.requests_per_s if self.bare else None


@dataclass
class WrkSettings:
    threads: int
    connections: int
    duration_s: int
    warmup_s: int
    executable: str = "wrk"


def lua_script(scenario: Scenario, api_key: str) -> str:
    """Request set-up plus a done() that prints the figures as one JSON line (latencies in µs)."""
    lines = [
        f'wrk.method = "{scenario.method}"',
        f'wrk.headers["Authorization"] = "Bearer {api_key}"',
        f'wrk.headers["Conductor-End-User-Id"] = "{scenario.end_user}"',
        'wrk.headers["Content-Type"] = "application/json"',
    ]
    if scenario.body is not None:
        lines.append(f"wrk.body = [==[{scenario.body.decode()}]==]")
    lines.append(
        """done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "failures": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status + e.connect + e.read + e.write + e.timeout))
end"""
    )
    return "\n".join(lines) + "\n"


def run_wrk(settings: WrkSettings, url: str, script: Path, seconds: int) -> Load:
    command = [
        settings.executable,
        f"-t{settings.threads}",
        f"-c{settings.connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        url,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30, check=True)
    line = next(ln for ln in done.stdout.splitlines() if ln.startswith("BENCH "))
    figures = json.loads(line.removeprefix("BENCH "))
    return Load(
        requests_per_s=figures["requests"] / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        requests=figures["requests"],
        failures=figures["failures"],
    )


def measure(settings: WrkSettings, server: Server, scenario: Scenario, script: Path) -> Load:
    """A warm-up run, then a measured one, around which the server's CPU time is read, and the
    whole machine's, so that CPU used by anything else meanwhile can be reported as noise."""
    url = server.url + scenario.target
    run_wrk(settings, url, script, settings.warmup_s)
    before = (cpu_seconds(server.pid), machine_busy_seconds(), children_cpu_seconds(), time.monotonic())
    load = run_wrk(settings, url, script, settings.duration_s)
    after = (cpu_seconds(server.pid), machine_busy_seconds(), children_cpu_seconds(), time.monotonic())
    if before[0] is None or after[0] is None or not load.requests:
        return load
    server_s = after[0] - before[0]
    load.cpu_us_per_request = server_s / load.requests * 1e6
    if before[1] is not None and after[1] is not None:
        others_s = (after[1] - before[1]) - server_s - (after[2] - before[2])
        load.other_cpu_share = max(0.0, others_s) / ((after[3] - before[3]) * (os.cpu_count() or 1))
    return load


# --- capture for the bare app ----------------------------------------------------------------------------


def capture(client: Client, scenarios: list[Scenario], path: Path) -> None:
    """Record timeledger's response to each scenario's request, in the form bare_app.py reads."""
    captured = []
    for s in scenarios:
        reply = client.send(s.method, s.target, s.end_user, s.body)
        captured.append(
            {
                "method": s.method,
                "path": s.path,
                "query": s.query,
                "end_user": s.end_user,
                "status": reply.status,
                "content_type": reply.content_type,
                "body": base64.b64encode(reply.body).decode(),
            }
        )
    path.write_text(json.dumps(captured))


def time_json_encoders(page_body: bytes, repeats: int = 200) -> dict[str, float]:
    """Milliseconds to encode one list page (150 activities) with the stdlib and with orjson."""
    import orjson

    page = json.loads(page_body)
    return {
        "json": _median_ms(lambda: json.dumps(page, separators=(",", ":")).encode(), repeats),
        "orjson": _median_ms(lambda: orjson.dumps(page), repeats),
    }


# --- the report ---------------------------------------------------------------------------------------


@dataclass
class Report:
    settings: dict[str, Any]
    rows: list[Row]
    list_cost: dict[str, float]  # 100k page over 1k page: by req/s, by p50, by CPU per request
    counts: list[CountCost]
    seeding: dict[str, float] = field(default_factory=dict)
    json_ms: dict[str, float] = field(default_factory=dict)


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def _cpu(load: Load | None) -> str:
    return f"{load.cpu_us_per_request:>7.0f}" if load and load.cpu_us_per_request is not None else f"{'-':>7}"


def _row_line(row: Row) -> str:
    tl, bare = row.timeledger, row.bare
    line = f"{row.scenario:<34} {tl.requests_per_s:>8.0f} {tl.p50_ms:>7.2f} {tl.p99_ms:>8.2f} {_cpu(tl)} | "
    if bare is None or row.ratio is None:
        line += f"{'-':>8} {'-':>6} {'-':>6} {'-':>7} | {'-':>6}"
    else:
        line += f"{bare.requests_per_s:>8.0f} {bare.p50_ms:>6.2f} {bare.p99_ms:>6.2f} {_cpu(bare)} | "
        line += f"{row.ratio:>6.3f}"
        if row.target is not None:
            line += f"  >= {row.target:.2f}  {verdict(row.ratio >= row.target)}"
    failures = tl.failures + (bare.failures if bare else 0)
    return line + (f"  ({failures} FAILED requests: figures invalid)" if failures else "")


def print_report(report: Report) -> None:
    header = (
        f"{'scenario':<34} {'tl req/s':>8} {'p50 ms':>7} {'p99 ms':>8} {'cpu µs':>7} | "
        f"{'bare r/s':>8} {'p50':>6} {'p99':>6} {'cpu µs':>7} | {'ratio':>6}  target   result"
    )
    print("\n" + header + "\n" + "-" * len(header))
    for row in report.rows:
        print(_row_line(row))
    cost = report.list_cost
    judged_by = "CPU/request" if cost["by_cpu"] else "req/s"
    judged = cost["by_cpu"] or cost["by_requests_per_s"]
    print(
        f"\nlist page 100k vs 1k: cost {cost['by_cpu']:.2f}x by CPU/request, "
        f"{cost['by_requests_per_s']:.2f}x by req/s, {cost['by_p50']:.2f}x by p50   "
        f"target <= {LIST_COST_TARGET}x by {judged_by}  {verdict(judged <= LIST_COST_TARGET)}"
    )
    for c in report.counts:
        share = c.count_ms / c.page_ms if c.page_ms else 0
        print(
            f"remainingCount, {c.company}: first-page query() {c.page_ms:.2f} ms in-process, of which the "
            f"COUNT {c.count_ms:.2f} ms ({share:.0%})\n    plan: {c.plan}"
        )
    rows = {r.scenario: r for r in report.rows}
    first, tail = rows["list page (100k)"].timeledger, rows["list page (100k), tail: no COUNT"].timeledger
    if first.cpu_us_per_request is not None and tail.cpu_us_per_request is not None:
        print(
            f"    over HTTP: first page {first.cpu_us_per_request / 1000:.1f} ms CPU/request, a page of the "
            f"same 150 rows with nothing after it to count {tail.cpu_us_per_request / 1000:.1f} ms"
        )
    if report.json_ms:
        print(
            f"encoding one 150-activity page: stdlib json {report.json_ms['json']:.2f} ms, "
            f"orjson {report.json_ms['orjson']:.2f} ms"
        )
    _print_context(report)


def _print_context(report: Report) -> None:
    s, w = report.seeding, report.settings
    print(
        f"\nseeding: {SMALL_COMPANY_ROWS:,} activities through the API in {s['api_s']:.1f} s "
        f"({SMALL_COMPANY_ROWS / s['api_s']:.0f}/s, so {BIG_COMPANY_ROWS:,} would take "
        f"~{BIG_COMPANY_ROWS / SMALL_COMPANY_ROWS * s['api_s']:.0f} s); {BIG_COMPANY_ROWS:,} in bulk "
        f"in {s['bulk_s']:.1f} s"
    )
    print(
        f"settings: wrk -t{w['threads']} -c{w['connections']}, {w['warmup_s']} s warm-up + "
        f"{w['duration_s']} s measured per run, keep-alive, loopback; uvicorn httptools+uvloop, "
        f"1 worker, access log off; SQLite (WAL); {os.cpu_count()} CPUs"
    )
    loads = [load for row in report.rows for load in (row.timeledger, row.bare) if load]
    shares = [load.other_cpu_share for load in loads if load.other_cpu_share is not None]
    if shares:
        noisy = " (busy: expect noisy figures)" if max(shares) > 0.10 else ""
        print(
            f"other processes used {statistics.mean(shares):.0%} of the machine's CPUs on average during "
            f"the measured runs, {max(shares):.0%} at most{noisy}"
        )


def write_json(report: Report, path: Path) -> None:
    data = asdict(report)
    for row, out in zip(report.rows, data["rows"], strict=True):
        out["ratio"] = row.ratio
    path.write_text(json.dumps(data, indent=2))


# --- the run ----------------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="measured seconds per run (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per run (default 2)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--connections", type=int, default=32, help="wrk connections (default 32)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    return parser.parse_args()


def setup_data(client: Client, database_url: str, credentials: dict[str, Any]) -> dict[str, Any]:
    """The companies and ids the scenarios need, and how long seeding took."""
    demo_user, publishable_key = credentials["end_user_id"], credentials["publishable_key"]
    employee = client.send("GET", f"{QBD}/employees", demo_user).json()["data"][0]["id"]
    activity = client.send("GET", f"{ACTIVITIES}?limit=1", demo_user).json()["data"][0]["id"]
    small_user, small_employee = new_company(client, database_url, publishable_key, "Small Co")
    big_user, big_employee = new_company(client, database_url, publishable_key, "Big Co")
    progress(f"creating {SMALL_COMPANY_ROWS:,} activities through the API")
    api_s, template_id = seed_through_api(client, small_user, small_employee, SMALL_COMPANY_ROWS)
    template = client.send("GET", f"{ACTIVITIES}/{template_id}", small_user).json()
    progress(f"writing {BIG_COMPANY_ROWS:,} activities in bulk")
    bulk_s = seed_in_bulk(database_url, template_id, big_user, big_employee, BIG_COMPANY_ROWS)
    check_bulk_row(client, big_user, template)
    return {
        "demo_user": demo_user,
        "employee": employee,
        "activity": activity,
        "small_user": small_user,
        "big_user": big_user,
        "seeding": {"api_s": api_s, "bulk_s": bulk_s},
    }


def tail_cursor(database_url: str, end_user: str) -> str:
    """A cursor 150 rows from the end of the big company: a full page, then nothing left to count."""
    from sqlalchemy import select

    from timeledger.dialects.conductor.paging import encode_cursor
    from timeledger.store.engine import make_engine
    from timeledger.store.tables import companies, time_entries

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            company = select(companies.c.id).where(companies.c.public_id == end_user).scalar_subquery()
            key = conn.execute(
                select(time_entries.c.id)
                .where(time_entries.c.company_id == company)
                .order_by(time_entries.c.id.desc())
                .offset(PAGE_SIZE)
                .limit(1)
            ).scalar_one()
    finally:
        engine.dispose()
    return encode_cursor(("", key))


def scenarios(data: dict[str, Any], tail: str) -> list[Scenario]:
    create = activity_body(data["employee"], date(2026, 1, 5), 5400)
    return [
        Scenario("retrieve", "GET", f"{ACTIVITIES}/{data['activity']}", "", data["demo_user"]),
        Scenario("create", "POST", ACTIVITIES, "", data["demo_user"], create),
        Scenario("list page (1k)", "GET", ACTIVITIES, PAGE_QUERY, data["small_user"]),
        Scenario("list page (100k)", "GET", ACTIVITIES, PAGE_QUERY, data["big_user"]),
        Scenario(
            "list page (100k), tail: no COUNT",
            "GET",
            ACTIVITIES,
            f"{PAGE_QUERY}&cursor={tail}",
            data["big_user"],
            with_bare=False,
        ),
    ]


def start_timeledger(workdir: Path, stack: ExitStack) -> tuple[str, dict[str, Any], Server]:
    """A migrated database with the demo in it, and ``timeledger serve --workers 1`` on it."""
    database_url = f"sqlite:///{workdir / 'bench.db'}"
    timeledger_cli("migrate", database_url=database_url)
    port = free_port()
    demo = timeledger_cli("demo", "--base-url", f"http://127.0.0.1:{port}", database_url=database_url)
    env = {**os.environ, "TIMELEDGER_DATABASE_URL": database_url}
    serve = [sys.executable, "-m", "timeledger", "serve", "--workers", "1", "--port", str(port)]
    server = stack.enter_context(running(serve, port, env))
    return database_url, json.loads(demo)["conductor"], server


def run(args: argparse.Namespace, workdir: Path, stack: ExitStack) -> Report:
    settings = WrkSettings(args.threads, args.connections, args.duration, args.warmup, ensure_wrk())
    progress("migrating, creating the demo, starting timeledger serve")
    database_url, credentials, timeledger = start_timeledger(workdir, stack)
    client = Client(timeledger.url, credentials["api_key"])
    stack.callback(client.close)
    data = setup_data(client, database_url, credentials)
    progress("timing the COUNT behind remainingCount")
    counts = [
        time_count(database_url, data["small_user"], f"{SMALL_COMPANY_ROWS:,} rows"),
        time_count(database_url, data["big_user"], f"{BIG_COMPANY_ROWS:,} rows"),
    ]
    plan = scenarios(data, tail_cursor(database_url, data["big_user"]))
    capture(client, [s for s in plan if s.with_bare], workdir / "responses.json")
    json_ms = time_json_encoders(client.send("GET", f"{ACTIVITIES}?{PAGE_QUERY}", data["small_user"]).body)
    bare_port = free_port()
    bare_app = [sys.executable, str(BENCH / "bare_app.py"), "--port", str(bare_port)]
    bare = stack.enter_context(
        running([*bare_app, "--responses", str(workdir / "responses.json")], bare_port)
    )

    rows = []
    for s in plan:
        script = workdir / f"scenario-{len(rows)}.lua"
        script.write_text(lua_script(s, credentials["api_key"]))
        progress(f"{s.name}: timeledger{', bare' if s.with_bare else ''}")
        row = Row(s.name, measure(settings, timeledger, s, script), target=TARGETS.get(s.name))
        if s.with_bare:
            row.bare = measure(settings, bare, s, script)
        rows.append(row)
    # The framework's own floor: the retrieve bytes through one Starlette route, against bare.
    floor_port = free_port()
    floor_app = [*bare_app[:-2], "--port", str(floor_port), "--responses", str(workdir / "responses.json")]
    with running([*floor_app, "--starlette"], floor_port) as floor:
        progress("retrieve through a bare Starlette route")
        script = workdir / "scenario-floor.lua"
        script.write_text(lua_script(plan[0], credentials["api_key"]))
        rows.append(Row(FRAMEWORK_FLOOR, measure(settings, floor, plan[0], script), bare=rows[0].bare))
    return Report(
        settings=asdict(settings),
        rows=rows,
        list_cost=list_cost(rows[2].timeledger, rows[3].timeledger),
        counts=counts,
        seeding=data["seeding"],
        json_ms=json_ms,
    )


def list_cost(small: Load, big: Load) -> dict[str, float]:
    """A 100k-row page's cost over a 1k-row page's. CPU per request is what the verdict uses: req/s
    understates the COUNT, which SQLite runs off the GIL on the second core while the small page's
    Python work queues for the GIL, so on two CPUs the req/s ratio flaps around the target."""
    by_cpu = 0.0
    if small.cpu_us_per_request and big.cpu_us_per_request:
        by_cpu = big.cpu_us_per_request / small.cpu_us_per_request
    return {
        "by_requests_per_s": small.requests_per_s / big.requests_per_s,
        "by_p50": big.p50_ms / small.p50_ms,
        "by_cpu": by_cpu,
    }


def main() -> None:
    ensure_venv()
    args = parse_args()
    # Ctrl-C and SIGTERM unwind through the ExitStack, so every server we started is stopped. SIGINT
    # is set explicitly: a shell starting us in the background would otherwise have us ignore it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="timeledger-bench-") as tmp, ExitStack() as stack:
        report = run(args, Path(tmp), stack)
    print_report(report)
    if args.json:
        write_json(report, args.json)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("bench: interrupted; every process it started has been stopped")
