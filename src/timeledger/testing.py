"""The pytest plugin (entry point ``pytest11``): a timeledger sandbox server for the session and a
company of the demo's books for each test, with the three APIs' clients ready on it.

Nothing happens until a test asks for ``timeledger_server`` or ``timeledger_company``: other suites pay
for two options and this module's import, which is why httpx and the SDKs are imported inside. With
``--timeledger-url`` and ``--timeledger-api-key`` (or ``TIMELEDGER_URL`` / ``TIMELEDGER_API_KEY``) the
tests use a running ``timeledger serve --sandbox`` and an organization's secret key on it; without
them the session starts one on a temporary SQLite database (one per xdist worker). Each test's company
is its own, so tests running side by side never see each other's records.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import pytest

if TYPE_CHECKING:
    import httpx
    from conductor import Conductor
    from freshbooks import Client as FreshBooksClient

    from timeledger.connectors.quickbooks_time import QuickBooksTimeClient

CLI = [sys.executable, "-m", "timeledger"]
START_SECONDS = 60
STOP_SECONDS = 10


class SandboxError(Exception):
    """A sandbox call refused (``status`` and the server's ``message``) or unanswered (``status`` None)."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message if status is None else f"{status}: {message}")
        self.message = message
        self.status = status


@dataclass(frozen=True)
class TimeledgerServer:
    """A timeledger server run with ``--sandbox``, and an organization's secret key on it."""

    url: str
    api_key: str


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("timeledger", "timeledger sandbox (timeledger_server, timeledger_company)")
    group.addoption(
        "--timeledger-url",
        default=None,
        help="A running `timeledger serve --sandbox` to test against (default: TIMELEDGER_URL, else a "
        "server started for the session on a temporary SQLite database).",
    )
    group.addoption(
        "--timeledger-api-key",
        default=None,
        help="An organization's secret key (sk_...) on --timeledger-url (default: TIMELEDGER_API_KEY).",
    )


# --- the server ----------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_cli(*args: str) -> str:
    """The CLI's stdout; a failure fails the session's tests with what the CLI said."""
    done = subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        pytest.fail(f"`timeledger {args[0]}` failed: {done.stderr.strip()}", pytrace=False)
    return done.stdout


def _wait_until_answering(url: str, process: subprocess.Popen[bytes], stderr: Path) -> None:
    import httpx

    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = stderr.read_text(errors="replace").strip()
            pytest.fail(f"timeledger serve exited with status {process.returncode}:\n{said}", pytrace=False)
        try:
            httpx.get(f"{url}/v1/end-users", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    pytest.fail(f"timeledger serve did not answer at {url} within {START_SECONDS} s", pytrace=False)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (granian and its workers), SIGKILL to what outlives it."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_SECONDS)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    process.wait()


def _started_server(tmp: Path) -> Iterator[TimeledgerServer]:
    database = f"sqlite:///{tmp / 'timeledger.db'}"
    _run_cli("migrate", "--database", database)
    api_key = json.loads(_run_cli("keys", "create", "--database", database))["secret_key"]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    stderr = tmp / "serve.stderr"
    # Its stderr goes to a file, not a pipe: nobody reads a pipe, and a full one would stop the server.
    with stderr.open("wb") as log:
        process = subprocess.Popen(
            [*CLI, "serve", "--sandbox", "--database", database, "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,  # its own process group: the server and its workers stop together
        )
    try:
        _wait_until_answering(url, process, stderr)
        yield TimeledgerServer(url, api_key)
    finally:
        _stop(process)


def _sandbox_answer(response: httpx.Response, url: str) -> Any:
    """The JSON of a success; a SandboxError carrying the server's message otherwise."""
    if response.is_success:
        return response.json()
    message = _message(response)
    if response.status_code == 404 and message.startswith("Unrecognized request URL"):
        request = response.request
        message = (
            f"the server at {url} does not serve {request.method} {request.url.path}: it runs without "
            "--sandbox, or is a timeledger older than that endpoint"
        )
    raise SandboxError(message, response.status_code)


def _request(http: httpx.Client, method: str, path: str, body: Any = None) -> Any:
    import httpx

    try:
        response = http.request(method, path, json=body)
    except httpx.HTTPError as error:
        raise SandboxError(f"nothing answers at {http.base_url}: {error}") from None
    return _sandbox_answer(response, str(http.base_url).rstrip("/"))


def _check_server(server: TimeledgerServer) -> None:
    """Fail the tests with one line unless ``server`` answers, runs with --sandbox and takes the key.

    The export of an end user nobody has tells all three apart without writing anything: the key is
    checked first (401), then the path (404 ``Unrecognized request URL`` without --sandbox), then the
    end user (404 of its own: all is well).
    """
    import httpx

    try:
        response = httpx.get(
            f"{server.url}/_timeledger/companies/end_usr_timeledger_check/export",
            headers={"Authorization": f"Bearer {server.api_key}"},
            timeout=30,
        )
    except httpx.HTTPError as error:
        pytest.fail(f"nothing answers at --timeledger-url {server.url}: {error}", pytrace=False)
    if response.status_code == 401:
        said = _message(response)
        pytest.fail(f"the server at {server.url} refused --timeledger-api-key: {said}", pytrace=False)
    if response.status_code == 404 and _message(response).startswith("Unrecognized request URL"):
        pytest.fail(f"the server at {server.url} does not run with --sandbox", pytrace=False)


def _message(response: httpx.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.reason_phrase


@pytest.fixture(scope="session")
def timeledger_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TimeledgerServer]:
    """The sandbox server of the session: ``--timeledger-url``'s, or one started for it."""
    url = request.config.getoption("timeledger_url") or os.environ.get("TIMELEDGER_URL")
    api_key = request.config.getoption("timeledger_api_key") or os.environ.get("TIMELEDGER_API_KEY")
    if not url:
        yield from _started_server(tmp_path_factory.mktemp("timeledger"))
        return
    if not api_key:
        pytest.fail(
            "--timeledger-url needs --timeledger-api-key (or TIMELEDGER_API_KEY): an organization's "
            "secret key on that server, as `timeledger keys create` prints it",
            pytrace=False,
        )
    server = TimeledgerServer(url.rstrip("/"), api_key)
    _check_server(server)
    yield server


# --- a company per test --------------------------------------------------------------------------


class SandboxCompany:
    """A company of the demo's books made for one test: its ``credentials`` (``timeledger demo``'s
    shape), a client of each API on them, and the sandbox's calls on it. Each call raises SandboxError
    when the server refuses it."""

    def __init__(self, server: TimeledgerServer, credentials: dict[str, Any], http: httpx.Client) -> None:
        self.server = server
        self.credentials = credentials
        self._http = http
        self._path = f"/_timeledger/companies/{quote(self.end_user_id, safe='')}"

    @property
    def end_user_id(self) -> str:
        return str(self.credentials["conductor"]["end_user_id"])

    @cached_property
    def conductor(self) -> Conductor:
        """conductor-py with strict response validation, as a test should hold the server to it."""
        from conductor import Conductor

        block = self.credentials["conductor"]
        return Conductor(
            api_key=block["api_key"], base_url=block["base_url"], _strict_response_validation=True
        )

    @cached_property
    def freshbooks(self) -> FreshBooksClient:
        """freshbooks-sdk's Client on the company's FreshBooks business."""
        from freshbooks import Client

        block = self.credentials["freshbooks"]
        # The SDK reads FRESHBOOKS_API_URL in its constructor only: set it for that, then put it back.
        saved = os.environ.get("FRESHBOOKS_API_URL")
        os.environ["FRESHBOOKS_API_URL"] = block["api_url"]
        try:
            return Client(
                client_id=block["client_id"],
                client_secret=block["client_secret"],
                redirect_uri=block["redirect_uri"],
                access_token=block["access_token"],
                refresh_token=block["refresh_token"],
            )
        finally:
            if saved is None:
                del os.environ["FRESHBOOKS_API_URL"]
            else:
                os.environ["FRESHBOOKS_API_URL"] = saved

    @cached_property
    def quickbooks_time(self) -> QuickBooksTimeClient:
        """timeledger's QuickBooks Time connector on the company; closed after the test."""
        from timeledger.connectors.quickbooks_time import Credentials, QuickBooksTimeClient

        credentials = Credentials.from_mapping(self.credentials["quickbooks_time"], "the sandbox")
        return QuickBooksTimeClient(credentials)

    def close(self) -> None:
        """Close the clients the test used (an unused one was never built)."""
        for name in ("conductor", "quickbooks_time"):
            client = self.__dict__.get(name)
            if client is not None:
                client.close()

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        return _request(self._http, method, self._path + path, body)

    def reset(self) -> dict[str, Any]:
        """Empty the company's records; its credentials and their people stay."""
        return self._call("POST", "/reset")

    def seed(self, fixture: str = "demo") -> dict[str, Any]:
        """Add a named set of records (the demo's) to the company."""
        return self._call("POST", "/seed", {"fixture": fixture})

    def export(self) -> dict[str, Any]:
        """The company's records as one JSON document, for ``import_``."""
        return self._call("GET", "/export")

    def import_(self, document: dict[str, Any]) -> dict[str, Any]:
        """The company's records become the document's, all or nothing."""
        return self._call("POST", "/import", document)

    def snapshot(self, name: str) -> dict[str, Any]:
        return self._call("POST", "/snapshots", {"name": name})

    def restore(self, name: str) -> dict[str, Any]:
        return self._call("POST", f"/snapshots/{quote(name, safe='')}/restore")

    def delete_snapshot(self, name: str) -> dict[str, Any]:
        return self._call("DELETE", f"/snapshots/{quote(name, safe='')}")

    def snapshots(self) -> list[dict[str, Any]]:
        """The company's snapshots: each one's ``name`` and ``created_at``."""
        return self._call("GET", "/snapshots")["data"]

    def fault(
        self,
        fault: str,
        *,
        api: str,
        method: str | None = None,
        path: str | None = None,
        latency_ms: int | None = None,
        probability: float | None = None,
        count: int | None = None,
    ) -> dict[str, Any]:
        """Make the company's calls of ``api`` (conductor, freshbooks or quickbooks_time) fail with
        ``fault`` (connection_error, not_set_up, rate_limit, unavailable, latency), only those of
        ``method`` and ``path`` (a glob) when given. The answer carries the fault's ``id``."""
        named = {
            "method": method,
            "path": path,
            "latency_ms": latency_ms,
            "probability": probability,
            "count": count,
        }
        body = {"api": api, "fault": fault, **{k: v for k, v in named.items() if v is not None}}
        return self._call("POST", "/faults", body)

    def faults(self) -> list[dict[str, Any]]:
        """The faults in force on the company (``count`` is what remains of each)."""
        return self._call("GET", "/faults")["data"]

    def clear_fault(self, fault_id: int) -> dict[str, Any]:
        return self._call("DELETE", f"/faults/{quote(str(fault_id), safe='')}")

    def clear_faults(self) -> dict[str, Any]:
        return self._call("DELETE", "/faults")

    def set_clock(self, now: datetime | str, frozen: bool = True) -> dict[str, Any]:
        """The company's clock reads ``now`` (aware, or ISO 8601 with its offset: the server refuses a
        naive time), and stays there when ``frozen``; otherwise it runs on from there."""
        shown = now.isoformat() if isinstance(now, datetime) else now
        return self._call("PUT", "/clock", {"now": shown, "frozen": frozen})

    def clock(self) -> dict[str, Any]:
        """The company's clock: ``now`` (ISO 8601), ``frozen``, and whether it is ``set``."""
        return self._call("GET", "/clock")

    def reset_clock(self) -> dict[str, Any]:
        """The company's clock is the real one again."""
        return self._call("DELETE", "/clock")


@pytest.fixture
def timeledger_company(timeledger_server: TimeledgerServer) -> Iterator[SandboxCompany]:
    """A new company of the demo's books for this test alone (made by ``POST /_timeledger/companies``)."""
    import httpx

    headers = {"Authorization": f"Bearer {timeledger_server.api_key}"}
    with httpx.Client(base_url=timeledger_server.url, headers=headers, timeout=120) as http:
        company = SandboxCompany(timeledger_server, _request(http, "POST", "/_timeledger/companies"), http)
        yield company
        company.close()
