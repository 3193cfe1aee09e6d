"""With two server workers, a revoked secret key or OAuth token is refused by either worker on the
very next request: no worker keeps authentication it has not checked against the database.

Each connection is pinned to a known worker process: the server side of a loopback connection is
found in /proc (the socket's inode, then the worker holding it), so the test knows it asked the
worker that did not see the revocation.
"""

from __future__ import annotations

import http.client
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import Server, fresh_database, migrate_and_demo, run_cli

QBD_EMPLOYEES = "/v1/quickbooks-desktop/employees"


def _socket_inode(server_port: int, client_port: int) -> str:
    """The inode of the server's end of the loopback connection from ``client_port``."""
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local_port = int(fields[1].rsplit(":", 1)[1], 16)
            remote_port = int(fields[2].rsplit(":", 1)[1], 16)
            if (local_port, remote_port) == (server_port, client_port):
                return fields[9]
    raise AssertionError(f"no server socket for the connection from port {client_port}")


def _holder(workers: list[int], inode: str) -> int:
    for pid in workers:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                if os.readlink(fd) == f"socket:[{inode}]":
                    return pid
            except OSError:
                continue
    raise AssertionError(f"no worker holds the socket {inode}")


def _workers(server: Server) -> list[int]:
    assert server.process is not None
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children").read_text()
    return [int(pid) for pid in children.split()]


def _one_per_worker(server: Server) -> list[http.client.HTTPConnection]:
    """Kept-alive connections, one served by each worker (opened until every worker has one)."""
    workers = _workers(server)
    assert len(workers) == 2, workers
    pinned: dict[int, http.client.HTTPConnection] = {}
    for _ in range(200):
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/v1/end-users")  # answered (401) by whichever worker accepted it
        conn.getresponse().read()
        worker = _holder(workers, _socket_inode(server.port, conn.sock.getsockname()[1]))
        if worker in pinned:
            conn.close()
            continue
        pinned[worker] = conn
        if len(pinned) == len(workers):
            return list(pinned.values())
    raise AssertionError("the connections all went to one worker")


def _status(
    conn: http.client.HTTPConnection, method: str, path: str, headers: dict[str, str], body: str = ""
) -> int:
    conn.request(method, path, body=body or None, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.status


@pytest.fixture()
def two_workers(backend: str, tmp_path: Path) -> Iterator[tuple[Server, dict[str, Any]]]:
    server = Server(fresh_database(backend, tmp_path), workers=2)
    demo = migrate_and_demo(server.database_url, server.base_url)
    server.start()
    try:
        yield server, demo
    finally:
        server.stop()


def test_a_revoked_secret_key_is_refused_by_every_worker_at_once(
    two_workers: tuple[Server, dict[str, Any]],
) -> None:
    server, demo = two_workers
    conductor = demo["conductor"]
    headers = {
        "Authorization": f"Bearer {conductor['api_key']}",
        "Conductor-End-User-Id": conductor["end_user_id"],
    }
    first, second = _one_per_worker(server)
    assert _status(first, "GET", QBD_EMPLOYEES, headers) == 200
    assert _status(second, "GET", QBD_EMPLOYEES, headers) == 200

    revoked = run_cli("keys", "revoke", "--key", conductor["api_key"], database_url=server.database_url)
    assert revoked.returncode == 0, revoked.stderr

    for conn in (first, second):
        conn.request("GET", QBD_EMPLOYEES, headers=headers)
        response = conn.getresponse()
        error = json.loads(response.read())["error"]
        assert (response.status, error["code"]) == (401, "API_KEY_INVALID")


def test_an_oauth_token_revoked_through_one_worker_is_refused_by_the_other(
    two_workers: tuple[Server, dict[str, Any]],
) -> None:
    server, demo = two_workers
    freshbooks = demo["freshbooks"]
    me = "/auth/api/v1/users/me"
    bearer = {"Authorization": f"Bearer {freshbooks['access_token']}"}
    first, second = _one_per_worker(server)
    assert _status(first, "GET", me, bearer) == 200
    assert _status(second, "GET", me, bearer) == 200

    form = f"token={freshbooks['access_token']}&client_id={freshbooks['client_id']}"
    form += f"&client_secret={freshbooks['client_secret']}"
    revoke = {"Content-Type": "application/x-www-form-urlencoded"}
    assert _status(first, "POST", "/auth/oauth/revoke", revoke, form) == 200

    assert _status(second, "GET", me, bearer) == 401
    assert _status(first, "GET", me, bearer) == 401
