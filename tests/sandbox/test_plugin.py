"""The pytest plugin (``timeledger.testing``) as a developer's project uses it: small test projects run
by pytest in a subprocess, on the plugin's own server or on a running sandbox server, alone or with
two xdist workers at once."""

from __future__ import annotations

import json
from pathlib import Path

import httpcore  # noqa: F401
import httpx
import pytest

from tests.conftest import BACKENDS
from tests.servers import Server, free_port, run_cli

pytest_plugins = ["pytester"]

# The plugin is a client: what it does does not depend on the database behind the server, so the tests
# that drive a running sandbox server drive one of them only (the endpoints it calls are tested on both
# in this package's other modules): PostgreSQL's where there is one, else SQLite's.
on_one_backend = pytest.mark.parametrize("backend", [BACKENDS[-1]], indirect=True)
# pytester drops the modules first imported during its test: httpx imports httpcore at its first request
# and maps httpcore's exceptions by class, so a later test's httpcore (a new copy) would escape unmapped.
# Imported here, before any test, it is kept.

BOOKS = '''
import os
from pathlib import Path

import pytest

from timeledger.testing import SandboxError


@pytest.fixture
def company(timeledger_company, timeledger_server, request):
    """The plugin's company, each test's end user id and the server's URL noted for the outer test."""
    notes = Path(os.environ["PLUGIN_NOTES"])
    (notes / request.node.name).write_text(timeledger_company.end_user_id)
    (notes / "url").write_text(timeledger_server.url)
    return timeledger_company


def activities(company):
    qbd = company.conductor.qbd
    return list(qbd.time_tracking_activities.list(conductor_end_user_id=company.end_user_id, limit=150))


def add_activity(company, note):
    qbd = company.conductor.qbd
    employee = qbd.employees.list(conductor_end_user_id=company.end_user_id).data[0]
    qbd.time_tracking_activities.create(
        conductor_end_user_id=company.end_user_id,
        entity_id=employee.id,
        transaction_date="2027-01-04",
        duration="PT1H",
        note=note,
    )


def test_conductor_lists_the_demos_twenty_activities(company):
    assert len(activities(company)) == 20


def test_freshbooks_signs_in_as_the_companys_login(company):
    assert company.freshbooks.current_user().email == company.credentials["freshbooks"]["login"]["email"]


def test_quickbooks_time_lists_the_companys_user(company):
    assert company.credentials["quickbooks_time"]["user_id"] in company.quickbooks_time.get_users()["users"]


def test_restoring_a_snapshot_undoes_a_write(company):
    company.snapshot("before")
    add_activity(company, "after the snapshot")
    assert len(activities(company)) == 21
    company.restore("before")
    assert len(activities(company)) == 20
    assert [s["name"] for s in company.snapshots()] == ["before"]


def test_reset_empties_the_books_and_import_brings_them_back(company):
    document = company.export()
    company.reset()
    assert activities(company) == []
    company.import_(document)
    assert len(activities(company)) == 20


def test_a_refusal_is_a_sandbox_error_with_the_servers_message(company):
    with pytest.raises(SandboxError) as refused:
        company.restore("never-taken")
    assert (refused.value.status, refused.value.message) == (404, 'No snapshot named "never-taken" exists.')
'''

SIDE_BY_SIDE = """
import os
import time
from pathlib import Path

import pytest


@pytest.mark.parametrize("me", ["left", "right"])
def test_a_company_holds_only_its_own_writes(timeledger_company, me):
    company, qbd = timeledger_company, timeledger_company.conductor.qbd
    employee = qbd.employees.list(conductor_end_user_id=company.end_user_id).data[0]
    qbd.time_tracking_activities.create(
        conductor_end_user_id=company.end_user_id,
        entity_id=employee.id,
        transaction_date="2027-01-04",
        duration="PT1H",
        note=f"written by {me}",
    )
    # Meet the other test: each reads only once both have written, so neither can pass alone.
    meeting = Path(os.environ["PLUGIN_NOTES"])
    (meeting / me).write_text(os.environ.get("PYTEST_XDIST_WORKER", "no worker"))
    other = meeting / ("right" if me == "left" else "left")
    deadline = time.monotonic() + 60
    while not other.exists():
        assert time.monotonic() < deadline, f"the other test never ran alongside {me}"
        time.sleep(0.05)
    listed = qbd.time_tracking_activities.list(conductor_end_user_id=company.end_user_id, limit=150)
    assert [a.note for a in listed if (a.note or "").startswith("written by")] == [f"written by {me}"]
"""

CLOCK = """
from datetime import datetime, timezone

import pytest

from timeledger.testing import SandboxError


def stamped(company):
    qbd = company.conductor.qbd
    employee = qbd.employees.list(conductor_end_user_id=company.end_user_id).data[0]
    made = qbd.time_tracking_activities.create(
        conductor_end_user_id=company.end_user_id,
        entity_id=employee.id,
        transaction_date="2027-01-04",
        duration="PT1H",
    )
    return datetime.fromisoformat(made.created_at)


def test_a_frozen_clock_stamps_new_records_until_it_is_reset(timeledger_company):
    frozen = datetime(2030, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    timeledger_company.set_clock(frozen)
    assert stamped(timeledger_company) == stamped(timeledger_company) == frozen
    clock = timeledger_company.clock()
    assert (datetime.fromisoformat(clock["now"]), clock["frozen"]) == (frozen, True)
    timeledger_company.set_clock("2031-06-07T08:09:10+00:00")
    assert stamped(timeledger_company) == datetime(2031, 6, 7, 8, 9, 10, tzinfo=timezone.utc)
    timeledger_company.reset_clock()
    assert stamped(timeledger_company).year == datetime.now(timezone.utc).year
    with pytest.raises(SandboxError) as refused:
        timeledger_company.set_clock(datetime(2030, 1, 2))
    said = '"now" must carry its offset (Z, or +HH:MM).'
    assert (refused.value.status, refused.value.message) == (400, said)
"""

FAULTS = """
import conductor
import pytest


def test_an_injected_rate_limit_is_what_conductor_raises_until_cleared(timeledger_company):
    company = timeledger_company
    qbd = company.conductor.with_options(max_retries=0).qbd
    made = company.fault("rate_limit", api="conductor", path="*/employees*")
    assert [f["id"] for f in company.faults()] == [made["id"]]
    with pytest.raises(conductor.RateLimitError):
        qbd.employees.list(conductor_end_user_id=company.end_user_id)
    company.clear_fault(made["id"])
    assert company.faults() == []
    company.fault("unavailable", api="conductor", method="GET")
    company.fault("latency", api="freshbooks", latency_ms=1)
    assert company.clear_faults() == {"deleted": 2}
    assert company.faults() == []
    assert qbd.employees.list(conductor_end_user_id=company.end_user_id).data
"""


@pytest.fixture
def notes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory the inner tests write to (``PLUGIN_NOTES``); the outer environment's timeledger
    settings kept out, so only the options given reach the inner run."""
    for name in ("TIMELEDGER_URL", "TIMELEDGER_API_KEY", "PYTEST_DISABLE_PLUGIN_AUTOLOAD"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "notes"
    folder.mkdir()
    monkeypatch.setenv("PLUGIN_NOTES", str(folder))
    return folder


@pytest.fixture
def sandbox_key(sandbox_server: Server) -> str:
    """A new organization's secret key on the sandbox server, as `timeledger keys create` prints it."""
    made = run_cli("keys", "create", database_url=sandbox_server.database_url)
    assert made.returncode == 0, made.stderr
    return str(json.loads(made.stdout)["secret_key"])


def on(server: Server, key: str) -> list[str]:
    return ["--timeledger-url", server.base_url, "--timeledger-api-key", key]


def end_user_ids(notes: Path) -> set[str]:
    return {p.read_text() for p in notes.glob("test_*")}


def test_without_options_each_test_gets_a_demo_company_on_the_plugins_own_server(
    pytester: pytest.Pytester, notes: Path
) -> None:
    pytester.makepyfile(test_books=BOOKS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=6)
    assert len(end_user_ids(notes)) == 6  # a company of its own for each test
    url = (notes / "url").read_text()
    with pytest.raises(httpx.ConnectError):  # the session's server is stopped with the session
        httpx.get(f"{url}/v1/end-users", timeout=5)


@on_one_backend
def test_with_url_and_key_the_tests_run_on_that_server(
    pytester: pytest.Pytester, notes: Path, sandbox_server: Server, sandbox_key: str
) -> None:
    pytester.makepyfile(test_books=BOOKS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *on(sandbox_server, sandbox_key))
    result.assert_outcomes(passed=6)
    assert (notes / "url").read_text() == sandbox_server.base_url
    headers = {"Authorization": f"Bearer {sandbox_key}"}
    for end_user_id in end_user_ids(notes):  # the companies are the key's organization's, on that server
        url = f"{sandbox_server.base_url}/_timeledger/companies/{end_user_id}/snapshots"
        assert httpx.get(url, headers=headers, timeout=30).status_code == 200


@on_one_backend
def test_two_tests_running_at_once_see_only_their_own_companys_writes(
    pytester: pytest.Pytester, notes: Path, sandbox_server: Server, sandbox_key: str
) -> None:
    pytester.makepyfile(test_side_by_side=SIDE_BY_SIDE)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "xdist", "-n", "2", *on(sandbox_server, sandbox_key)
    )
    result.assert_outcomes(passed=2)
    assert {(notes / "left").read_text(), (notes / "right").read_text()} == {"gw0", "gw1"}


@on_one_backend
def test_a_bad_api_key_fails_each_test_with_the_servers_refusal_in_one_line(
    pytester: pytest.Pytester, notes: Path, sandbox_server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makepyfile(test_books=BOOKS)
    said = (
        f"the server at {sandbox_server.base_url} refused --timeledger-api-key: "
        "The API key provided is invalid."
    )
    by_option = pytester.runpytest_subprocess("-p", "no:cacheprovider", *on(sandbox_server, "sk_tl_wrong"))
    monkeypatch.setenv("TIMELEDGER_URL", sandbox_server.base_url)
    monkeypatch.setenv("TIMELEDGER_API_KEY", "sk_tl_wrong")
    by_environment = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    for result in (by_option, by_environment):
        result.assert_outcomes(errors=6)
        assert result.stdout.lines.count(said) == 6
        assert "Traceback" not in result.stdout.str() and "httpx" not in result.stdout.str()


@on_one_backend
@pytest.mark.parametrize("case", ["nothing answers", "no sandbox", "no key", "migrate fails"])
def test_a_server_the_plugin_cannot_use_fails_the_run_in_one_line(
    pytester: pytest.Pytester, notes: Path, server: Server, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    plain_key = server.demo["conductor"]["api_key"]  # type: ignore[attr-defined]
    options, said = {
        "nothing answers": (
            ["--timeledger-url", nowhere, "--timeledger-api-key", "sk_tl_any"],
            f"nothing answers at --timeledger-url {nowhere}: ",
        ),
        "no sandbox": (
            ["--timeledger-url", server.base_url, "--timeledger-api-key", plain_key],
            f"the server at {server.base_url} does not run with --sandbox",
        ),
        "no key": (
            ["--timeledger-url", server.base_url],
            "--timeledger-url needs --timeledger-api-key (or TIMELEDGER_API_KEY): ",
        ),
        "migrate fails": ([], "`timeledger migrate` failed: Error: TIMELEDGER_SQLITE_SYNCHRONOUS is "),
    }[case]
    if case == "migrate fails":
        monkeypatch.setenv("TIMELEDGER_SQLITE_SYNCHRONOUS", "often")
    pytester.makepyfile(test_books=BOOKS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *options)
    result.assert_outcomes(errors=6)
    assert sum(line.startswith(said) for line in result.stdout.lines) == 6
    assert "Traceback" not in result.stdout.str()


@pytest.mark.parametrize("inner", [CLOCK, FAULTS], ids=["clock", "faults"])
@on_one_backend
def test_the_clock_and_fault_helpers_drive_the_companys_clock_and_faults(
    pytester: pytest.Pytester, notes: Path, sandbox_server: Server, sandbox_key: str, inner: str
) -> None:
    pytester.makepyfile(test_helpers=inner)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *on(sandbox_server, sandbox_key))
    result.assert_outcomes(passed=1)


def test_the_plugin_adds_its_options_and_nothing_runs_for_a_project_that_does_not_use_it(
    pytester: pytest.Pytester, notes: Path
) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--timeledger-url", "http://nowhere")
    result.assert_outcomes(passed=1)
    helped = pytester.runpytest_subprocess("--help")
    helped.stdout.fnmatch_lines(["*--timeledger-url=TIMELEDGER_URL*", "*--timeledger-api-key=*"])
