"""``timeledger serve`` says where it listens, logs requests only when asked, and refuses a busy port."""

from __future__ import annotations

import socket

import httpx
from sqlalchemy.engine import make_url

from tests.cli.commands import assert_refused, start_cli, stop, wait_until_answering
from tests.servers import free_port, run_cli


def test_serve_says_where_it_listens_and_logs_no_requests_by_default(migrated_database: str) -> None:
    port = free_port()
    process = start_cli("serve", "--port", str(port), database_url=migrated_database)
    assert process.stderr is not None
    shown = make_url(migrated_database).render_as_string(hide_password=True)
    assert process.stderr.readline() == (
        f"timeledger serving on http://127.0.0.1:{port} (database {shown}, 1 worker)\n"
    )
    wait_until_answering(process, f"http://127.0.0.1:{port}")
    assert httpx.get(f"http://127.0.0.1:{port}/v1/end-users").status_code == 401
    stdout, stderr = stop(process)
    assert stdout == ""
    assert stderr == ""


def test_serve_with_an_access_log_prints_each_request(migrated_database: str) -> None:
    port = free_port()
    process = start_cli("serve", "--port", str(port), "--access-log", database_url=migrated_database)
    wait_until_answering(process, f"http://127.0.0.1:{port}")
    httpx.get(f"http://127.0.0.1:{port}/v1/end-users")
    stdout, _ = stop(process)
    assert '"GET /v1/end-users HTTP/1.1" 401' in stdout


def test_serve_on_a_port_in_use_is_refused(migrated_database: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = run_cli("serve", "--port", str(port), database_url=migrated_database)
    assert_refused(refused, f"port {port} on 127.0.0.1 is already in use")
