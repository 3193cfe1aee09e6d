"""``timeledger quickstart`` checks what it is about to print: a port it can listen on, kept
credentials that still open this database, and a FreshBooks access token that still works."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.cli.commands import assert_refused, read_json, start_cli, stop, wait_until_answering
from tests.servers import free_port, fresh_database, migrate_and_demo, run_cli


@pytest.fixture
def database(backend: str, tmp_path: Path) -> str:
    return fresh_database(backend, tmp_path)


def quickstart(database: str, credentials: Path) -> tuple[dict[str, Any], str]:
    """Run quickstart until it serves; return what it printed and what it said on stderr."""
    port = free_port()
    process = start_cli(
        "quickstart", "--port", str(port), "--credentials", str(credentials), database_url=database
    )
    try:
        assert process.stdout is not None
        printed = read_json(process.stdout)
        wait_until_answering(process, printed["base_url"])
        _check_printed(printed)
    finally:
        _, stderr = stop(process)
    assert "Traceback" not in stderr, stderr
    assert json.loads(credentials.read_text()) == printed
    return printed, stderr


def _check_printed(printed: dict[str, Any]) -> None:
    """Both blocks of what was printed open the demo company, while the server runs."""
    conductor = printed["conductor"]
    end_users = httpx.get(
        f"{conductor['base_url']}/end-users", headers={"Authorization": f"Bearer {conductor['api_key']}"}
    )
    assert end_users.status_code == 200, end_users.text
    assert conductor["end_user_id"] in [user["id"] for user in end_users.json()["data"]]
    freshbooks = printed["freshbooks"]
    me = httpx.get(
        f"{freshbooks['api_url']}/auth/api/v1/users/me",
        headers={"Authorization": f"Bearer {freshbooks['access_token']}"},
    )
    assert me.status_code == 200, me.text
    assert me.json()["response"]["id"] == freshbooks["identity_id"]


def test_quickstart_on_a_port_in_use_is_refused_before_printing_credentials(
    database: str, tmp_path: Path
) -> None:
    credentials = tmp_path / ".demo.json"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        refused = run_cli(
            "quickstart", "--port", str(port), "--credentials", str(credentials), database_url=database
        )
    line = assert_refused(refused, f"port {port} on 127.0.0.1 is already in use")
    assert "make run" in line and "PORT=" in line
    assert refused.stdout == ""
    assert not credentials.exists()


def test_quickstart_creates_a_demo_once_and_keeps_it(database: str, tmp_path: Path) -> None:
    credentials = tmp_path / ".demo.json"
    first, said = quickstart(database, credentials)
    assert f"creating a demo; its credentials are kept in {credentials}" in said
    again, said_again = quickstart(database, credentials)
    assert again["conductor"] == {**first["conductor"], "base_url": again["conductor"]["base_url"]}
    assert again["freshbooks"]["access_token"] == first["freshbooks"]["access_token"]
    assert [line for line in said_again.splitlines() if not line.startswith("timeledger serving on ")] == []


def test_quickstart_replaces_credentials_that_do_not_open_this_database(
    database: str, tmp_path: Path
) -> None:
    credentials = tmp_path / ".demo.json"
    credentials.write_text(
        json.dumps(
            {
                "base_url": "http://127.0.0.1:8000",
                "conductor": {"api_key": "sk_tl_bogus", "end_user_id": "end_usr_bogus"},
                "freshbooks": {"access_token": "bogus", "refresh_token": "bogus"},
            }
        )
    )
    printed, said = quickstart(database, credentials)
    assert printed["conductor"]["api_key"] != "sk_tl_bogus"
    assert (
        f"the credentials in {credentials} do not work with this database "
        "(Conductor says: The API key provided is invalid.); creating a new demo"
    ) in said


def test_quickstart_replaces_a_file_that_is_not_json(database: str, tmp_path: Path) -> None:
    credentials = tmp_path / ".demo.json"
    credentials.write_text("{ not json")
    _, said = quickstart(database, credentials)
    assert f"the credentials in {credentials} do not work with this database (it is not JSON)" in said


def test_quickstart_replaces_an_unknown_freshbooks_access_token_with_one_that_works(
    database: str, tmp_path: Path
) -> None:
    kept = migrate_and_demo(database, "http://127.0.0.1:8000")
    kept["freshbooks"]["access_token"] = "a token this database never issued"
    credentials = tmp_path / ".demo.json"
    credentials.write_text(json.dumps(kept))
    printed, said = quickstart(database, credentials)
    assert printed["conductor"]["api_key"] == kept["conductor"]["api_key"]
    assert printed["freshbooks"]["refresh_token"] != kept["freshbooks"]["refresh_token"]
    assert "the FreshBooks access token" in said and "issued a new one" in said


def test_quickstart_replaces_a_revoked_freshbooks_token_with_one_that_works(
    database: str, tmp_path: Path
) -> None:
    credentials = tmp_path / ".demo.json"
    port = free_port()
    process = start_cli(
        "quickstart", "--port", str(port), "--credentials", str(credentials), database_url=database
    )
    try:
        assert process.stdout is not None
        first = read_json(process.stdout)
        wait_until_answering(process, first["base_url"])
        freshbooks = first["freshbooks"]
        revoked = httpx.post(
            f"{first['base_url']}/auth/oauth/revoke",
            data={
                "token": freshbooks["access_token"],
                "client_id": freshbooks["client_id"],
                "client_secret": freshbooks["client_secret"],
            },
        )
        assert revoked.status_code == 200, revoked.text
    finally:
        stop(process)
    # Revoking the access token ends its refresh token too: only a new grant can help.
    printed, said = quickstart(database, credentials)
    assert printed["freshbooks"]["access_token"] != freshbooks["access_token"]
    assert printed["freshbooks"]["client_id"] == freshbooks["client_id"]
    assert "the FreshBooks access token" in said and "issued a new one" in said
