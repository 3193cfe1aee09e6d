"""Two real timeledger servers on separate databases, a source and a target, and ``timeledger sync``
run as a user runs it: a subprocess, endpoint files written from ``timeledger demo``'s output, a
state database of the test's own. Every test takes companies of its own on both servers."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.servers import CLI, Server, fresh_database, new_demo, started_server


@pytest.fixture(scope="package")
def target_server(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The target: a second server on a database of its own (the session ``server`` is the source)."""
    srv = started_server(fresh_database(backend, tmp_path_factory.mktemp(f"target-{backend}")))
    yield srv
    srv.stop()


@dataclass
class Side:
    """A company on one server: its demo credentials, and the endpoint file a sync is given."""

    server: Server
    demo: dict[str, Any]
    file: Path

    def endpoint(self, kind: str) -> str:
        return f"{kind}:{self.file}"


@pytest.fixture
def source(server: Server, tmp_path: Path) -> Side:
    demo = new_demo(server)
    file = tmp_path / "source.json"
    file.write_text(json.dumps(demo))
    return Side(server, demo, file)


@pytest.fixture
def target(target_server: Server, tmp_path: Path) -> Side:
    demo = new_demo(target_server)
    file = tmp_path / "target.json"
    file.write_text(json.dumps(demo))
    return Side(target_server, demo, file)


@dataclass
class Outcome:
    returncode: int
    report: dict[str, Any] | None
    stdout: str
    stderr: str


def run_sync(state: Path, *args: str, json_out: bool = True, timeout: float = 300) -> Outcome:
    """``timeledger sync ARGS --state sqlite:///STATE [--json]``."""
    command = [*CLI, "sync", *args, "--state", f"sqlite:///{state}", *(["--json"] if json_out else [])]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    report = None
    if json_out and done.stdout.strip():
        report = json.loads(done.stdout)
    return Outcome(done.returncode, report, done.stdout, done.stderr)


def counts(report: dict[str, Any]) -> dict[str, Any]:
    """The report's counts, refusals as their number."""
    return {**report, "refused": len(report["refused"])}
