"""Does checking passwords stall everyone else? Latency of cheap requests while sign-ins flood the
consent page, against the same requests with no sign-ins, in one run.

It builds a fresh SQLite database (migrate, demo), starts ``timeledger serve --workers 1`` (SQLite:
store calls run on the event loop, where a password check would stall every request), and runs
*probes*: a few clients each sending ``GET /v1/end-users`` with the demo's Conductor key at a fixed
interval, recording each latency. Phases, each measured for ``--duration`` seconds:

1. no sign-ins: the floor;
2. ``--logins`` clients posting wrong passwords to the consent page as fast as they are answered,
   every attempt with a new unknown email (the decoy check costs what a real one does) and each
   client through an app of its own (the demo's, and more registered with its redirect URI), so no
   throttle engages: every attempt runs scrypt, which is what this measures;
3. the same flood through one app, once its throttle has engaged and the attempts let in before it
   have been answered: every attempt is refused 429 without hashing, so this is the cost of refusing
   a flood (two short reads per attempt, plus the page), not of hashing.

How to read it: phase 2's probe p99 near phase 1's means hashing leaves the loop alone (before the
check moved to worker threads, 40 wrong passwords put every request at ~2.6 s). The login columns
say how many attempts were answered which way; a 429 in phase 2 means the figure understates the load.

    python bench/login_stall.py [--duration 5] [--logins 40] [--probes 4] [--interval-ms 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from run import free_port, progress, running, timeledger_cli

REPO = Path(__file__).resolve().parent.parent
VENV_PYTHON = REPO / ".venv" / "bin" / "python"
REEXEC_MARK = "TIMELEDGER_BENCH_REEXEC"
PROBE_PATH = "/v1/end-users"


def ensure_venv() -> None:
    """Run under the project's virtualenv (timeledger and httpx importable), building it if need be."""
    try:
        import httpx  # noqa: F401

        import timeledger  # noqa: F401
    except ImportError:
        if os.environ.get(REEXEC_MARK):
            sys.exit("login_stall: timeledger or httpx is not importable even in .venv; run `make bench`")
        if not VENV_PYTHON.exists():
            import subprocess

            subprocess.run(["make", "-C", str(REPO), ".venv/bin/timeledger"], check=True)
        os.environ[REEXEC_MARK] = "1"
        os.execv(str(VENV_PYTHON), [str(VENV_PYTHON), __file__, *sys.argv[1:]])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5, help="seconds measured per phase")
    parser.add_argument("--warmup", type=float, default=1, help="seconds of sign-ins before measuring")
    parser.add_argument("--logins", type=int, default=40, help="concurrent wrong-password clients")
    parser.add_argument("--probes", type=int, default=4, help="concurrent cheap-request clients")
    parser.add_argument("--interval-ms", type=float, default=20, help="each probe's pause between requests")
    return parser.parse_args()


# --- set-up: a database, the demo, an app per sign-in client -----------------------------------------


@dataclass(frozen=True)
class Setup:
    database_url: str
    api_key: str
    authorize_urls: list[str]  # one per sign-in client, each of a different app; the first is the demo's


def prepare(tmp: Path, base_url: str, apps: int) -> Setup:
    from urllib.parse import urlencode

    from timeledger.auth.oauth import create_oauth_client
    from timeledger.store.engine import make_engine
    from timeledger.store.unit_of_work import SqlUnitOfWork

    database_url = f"sqlite:///{tmp / 'timeledger.db'}"
    timeledger_cli("migrate", database_url=database_url)
    demo = json.loads(timeledger_cli("demo", "--base-url", base_url, database_url=database_url))
    fb = demo["freshbooks"]
    client_ids = [fb["client_id"]]
    # More apps, registered as an operator would (directly, not through a CLI process per app).
    engine = make_engine(database_url)
    try:
        uow = SqlUnitOfWork(engine)
        for n in range(1, apps):
            client, _ = create_oauth_client(
                uow, demo["conductor"]["publishable_key"], f"Bench app {n}", [fb["redirect_uri"]]
            )
            client_ids.append(client.client_id)
    finally:
        engine.dispose()
    query = {"response_type": "code", "redirect_uri": fb["redirect_uri"]}
    urls = [f"{base_url}/oauth/authorize?{urlencode({**query, 'client_id': c})}" for c in client_ids]
    return Setup(database_url, demo["conductor"]["api_key"], urls)


# --- the load ----------------------------------------------------------------------------------------


@dataclass
class Phase:
    name: str
    probe_ms: list[float] = field(default_factory=list)
    login_ms: list[float] = field(default_factory=list)
    login_statuses: Counter[int] = field(default_factory=Counter)
    last_status: dict[int, int] = field(default_factory=dict)  # sign-in client -> its latest answer
    seconds: float = 0.0


async def probe(client: Any, api_key: str, until: float, interval_s: float, into: list[float]) -> None:
    headers = {"Authorization": f"Bearer {api_key}"}
    while time.perf_counter() < until:
        started = time.perf_counter()
        response = await client.get(PROBE_PATH, headers=headers)
        into.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"GET {PROBE_PATH} -> {response.status_code}: {response.text[:300]}")
        await asyncio.sleep(interval_s)


async def sign_in_wrongly(client: Any, url: str, stop: asyncio.Event, phase: Phase, n: int) -> None:
    while not stop.is_set():
        email = f"bench-{uuid.uuid4().hex[:12]}@example.invalid"
        started = time.perf_counter()
        response = await client.post(
            url, data={"email": email, "password": "wrong password!", "decision": "approve"}
        )
        phase.login_ms.append((time.perf_counter() - started) * 1000)
        phase.login_statuses[response.status_code] += 1
        phase.last_status[n] = response.status_code


async def measure(
    name: str,
    base_url: str,
    api_key: str,
    login_urls: list[str],
    args: argparse.Namespace,
    ready: Callable[[Phase], bool] = lambda _: True,
) -> Phase:
    """Start the sign-in clients (if any), wait for ``ready`` and the warm-up, then probe."""
    import httpx

    phase = Phase(name)
    limits = httpx.Limits(max_connections=len(login_urls) + args.probes + 1)
    async with httpx.AsyncClient(base_url=base_url, timeout=120, limits=limits) as client:
        stop = asyncio.Event()
        flood = [
            asyncio.create_task(sign_in_wrongly(client, url, stop, phase, n))
            for n, url in enumerate(login_urls)
        ]
        if flood:
            while not ready(phase):
                await asyncio.sleep(0.05)
            await asyncio.sleep(args.warmup)
        counted_from = phase.login_statuses.copy()
        started = time.perf_counter()
        until = started + args.duration
        await asyncio.gather(
            *(
                probe(client, api_key, until, args.interval_ms / 1000, phase.probe_ms)
                for _ in range(args.probes)
            )
        )
        phase.seconds = time.perf_counter() - started
        stop.set()
        await asyncio.gather(*flood)
        # Only what was answered while the probes ran (and the requests in flight as they stopped).
        phase.login_statuses -= counted_from
    return phase


async def run_phases(setup: Setup, base_url: str, args: argparse.Namespace) -> list[Phase]:
    logins = args.logins
    one_app = [setup.authorize_urls[0]] * logins
    return [
        await measure("no sign-ins", base_url, setup.api_key, [], args),
        await measure(
            f"{logins} wrong passwords in flight, each hashed",
            base_url,
            setup.api_key,
            setup.authorize_urls,
            args,
        ),
        await measure(
            f"{logins} wrong passwords in flight, all throttled",
            base_url,
            setup.api_key,
            one_app,
            args,
            # Every client's latest answer a 429: the attempts let in before the throttle engaged
            # have all been hashed and answered, so what is measured is refusals alone.
            ready=lambda phase: (
                len(phase.last_status) == logins
                and all(status == 429 for status in phase.last_status.values())
            ),
        ),
    ]


# --- the report --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def print_report(phases: list[Phase], args: argparse.Namespace) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"login_stall: timeledger serve --workers 1 on SQLite, {os.cpu_count()} CPUs (load {load:.1f}); "
        f"{args.probes} probe(s) GET {PROBE_PATH} {args.interval_ms:g} ms apart; {args.duration:g} s a phase"
    )
    print(
        f"{'phase':<44}{'probes':>7}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'logins/s':>10}{'login p50 ms':>14}  login answers"
    )
    for p in phases:
        answers = ", ".join(f"{status} x{n}" for status, n in sorted(p.login_statuses.items())) or "-"
        logins = sum(p.login_statuses.values())
        rate = f"{logins / p.seconds:.1f}" if logins else "-"
        login_p50 = f"{statistics.median(p.login_ms):.0f}" if p.login_ms else "-"
        print(
            f"{p.name:<44}{len(p.probe_ms):>7}{percentile(p.probe_ms, 0.5):>9.1f}"
            f"{percentile(p.probe_ms, 0.99):>9.1f}{max(p.probe_ms):>9.1f}{rate:>10}{login_p50:>14}  {answers}"
        )
    if phases[1].login_statuses[429]:
        print(
            "login_stall: some sign-ins were throttled in the hashed phase; its figure understates the load"
        )


def main() -> None:
    ensure_venv()
    args = parse_args()
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with tempfile.TemporaryDirectory(prefix="timeledger-login-stall-") as tmp, ExitStack() as stack:
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        progress("migrating a fresh SQLite database and loading the demo")
        setup = prepare(Path(tmp), base_url, apps=args.logins)
        env = {**os.environ, "TIMELEDGER_DATABASE_URL": setup.database_url}
        command = [sys.executable, "-m", "timeledger", "serve", "--port", str(port), "--workers", "1"]
        stack.enter_context(running(command, port, env))
        progress("measuring")
        phases = asyncio.run(run_phases(setup, base_url, args))
    print_report(phases, args)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("login_stall: interrupted; the server it started has been stopped")
