"""Real timeledger server processes for the tests: a fresh database per backend, the real CLI,
a free loopback port. Nothing here mocks the server or the database."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

CLI = [sys.executable, "-m", "timeledger"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_database(backend: str, tmp_dir: Path) -> str:
    """A new, empty database: a file for SQLite, a new database on the test cluster for PostgreSQL."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_dir / f'timeledger-{uuid.uuid4().hex[:8]}.db'}"
    admin_url = os.environ["TIMELEDGER_TEST_POSTGRES_URL"]
    name = f"timeledger_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(
        make_url(admin_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def run_cli(
    *args: str, database_url: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "TIMELEDGER_DATABASE_URL": database_url, **(env or {})}
    return subprocess.run([*CLI, *args], env=full_env, capture_output=True, text=True, timeout=120)


@dataclass
class Server:
    """A ``timeledger serve`` process. ``restart()`` starts it again on the same port and database.

    Its stderr is read as it comes (the last lines kept): unread, a full pipe would stop the server
    at the next traceback it logs.
    """

    database_url: str
    port: int = field(default_factory=free_port)
    workers: int = 1
    sandbox: bool = False
    process: subprocess.Popen[bytes] | None = None
    _log: deque[str] = field(default_factory=lambda: deque(maxlen=5000), repr=False)
    _log_lines: int = field(default=0, repr=False)
    _log_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Server:
        env = {**os.environ, "TIMELEDGER_DATABASE_URL": self.database_url}
        self.process = subprocess.Popen(
            [*CLI, "serve", "--port", str(self.port), "--workers", str(self.workers)]
            + (["--sandbox"] if self.sandbox else []),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,  # the server and its worker processes: one group to kill
        )
        reader = threading.Thread(target=self._read_log, args=(self.process.stderr,), daemon=True)
        reader.start()
        deadline = time.monotonic() + 30
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    reader.join(timeout=5)
                    raise RuntimeError(f"server exited: {self.log_since(0)}")
                try:
                    httpx.get(f"{self.base_url}/v1/end-users", timeout=1)
                    return self
                except httpx.TransportError:
                    time.sleep(0.05)
            raise RuntimeError("server did not start within 30 s")
        except BaseException:  # a server that did not come up is not left behind
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
            raise

    def _read_log(self, stream: Any) -> None:
        for line in stream:
            with self._log_lock:
                self._log.append(line.decode(errors="replace"))
                self._log_lines += 1

    def log_mark(self) -> int:
        """A point in the server's stderr, for ``log_since``."""
        return self._log_lines

    def log_since(self, mark: int) -> str:
        """What the server wrote to stderr after ``mark`` (as far as the kept lines reach)."""
        with self._log_lock:
            lines = list(self._log)[max(len(self._log) - (self._log_lines - mark), 0) :]
        return "".join(lines)

    def log_after(self, mark: int, settle_seconds: float = 1.0) -> str:
        """``log_since(mark)`` once the server has stopped writing (a traceback arrives in pieces)."""
        deadline, seen = time.monotonic() + settle_seconds, -1
        while time.monotonic() < deadline and seen != self._log_lines:
            seen = self._log_lines
            time.sleep(0.1)
        return self.log_since(mark)

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as in a crash or power cut."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def migrate_and_demo(database_url: str, base_url: str) -> dict[str, Any]:
    migrated = run_cli("migrate", database_url=database_url)
    assert migrated.returncode == 0, migrated.stderr
    demo = run_cli("demo", "--base-url", base_url, database_url=database_url)
    assert demo.returncode == 0, demo.stderr
    return json.loads(demo.stdout)


def store_fingerprint(database_url: str) -> str:
    """A digest of every row of every table: equal before and after means nothing was written."""
    from timeledger.store.engine import normalise_url
    from timeledger.store.tables import metadata

    digest = hashlib.sha256()
    engine = create_engine(normalise_url(database_url))
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            for row in conn.execute(table.select().order_by(*order)):
                digest.update(repr(tuple(row)).encode())
    engine.dispose()
    return digest.hexdigest()


_demo_engines: dict[str, Any] = {}


def new_demo(server: Server) -> dict[str, Any]:
    """Another demo company on a running server, with credentials of its own, made as ``timeledger
    demo`` makes it (``create_demo`` on the server's database) without starting a process for it."""
    from timeledger.demo import create_demo
    from timeledger.store.engine import make_engine
    from timeledger.store.unit_of_work import SqlUnitOfWork

    engine = _demo_engines.get(server.database_url)
    if engine is None:
        engine = _demo_engines[server.database_url] = make_engine(server.database_url)
    return create_demo(SqlUnitOfWork(engine), server.base_url)


def started_server(database_url: str, *, sandbox: bool = False) -> Server:
    """A server of its own on ``database_url`` (a fresh database), migrated, with a demo, running."""
    srv = Server(database_url, sandbox=sandbox)
    migrate_and_demo(srv.database_url, srv.base_url)
    return srv.start()


def freshbooks_client(demo: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """A freshbooks-sdk client of a demo's company, and its ``freshbooks`` block. The SDK reads its URL
    from FRESHBOOKS_API_URL when a client is constructed; the variable is put back afterwards."""
    from freshbooks import Client

    block = demo["freshbooks"]
    saved = os.environ.get("FRESHBOOKS_API_URL")
    os.environ["FRESHBOOKS_API_URL"] = block["api_url"]
    try:
        return Client(client_id=block["client_id"], access_token=block["access_token"]), block
    finally:
        if saved is None:
            os.environ.pop("FRESHBOOKS_API_URL", None)
        else:
            os.environ["FRESHBOOKS_API_URL"] = saved
