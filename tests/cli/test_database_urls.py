"""A database URL that cannot work is one line and a non-zero exit, from every command that opens
the database, and a password in a URL is never printed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.cli.commands import assert_refused
from tests.servers import fresh_database, run_cli
from timeledger.store.engine import normalise_url

BAD_URLS = {
    "nonsense": "'nonsense' is not a database URL",
    "mysql://u@h/db": "timeledger stores its data in SQLite or PostgreSQL, not mysql",
    "postgresql://u@127.0.0.1:1/db": "cannot connect to the database postgresql://u@127.0.0.1:1/db",
    "sqlite:////no/such/dir/x.db": "the folder /no/such/dir for the SQLite database",
}

# Each with the options it requires, so only the database can be what is wrong.
COMMANDS = {
    "migrate": ["migrate"],
    "demo": ["demo"],
    "serve": ["serve", "--port", "8799"],
    "keys create": ["keys", "create"],
    "end-users create": [
        *("end-users", "create", "--organization", "pk_tl_x"),
        *("--company-name", "Acme", "--email", "ap@acme.test"),
    ],
    "oauth-clients create": [
        *("oauth-clients", "create", "--organization", "pk_tl_x"),
        *("--name", "App", "--redirect-uri", "https://app.example/callback"),
    ],
    "people set-password": [
        *("people", "set-password", "--organization", "pk_tl_x", "--end-user", "end_usr_x"),
        *("--person-email", "ada@example.com", "--password", "a long password"),
    ],
    "quickstart": ["quickstart", "--port", "8799", "--credentials", "{tmp}/.demo.json"],
}


def _args(command: str, tmp_path: Path) -> list[str]:
    return [arg.format(tmp=tmp_path) for arg in COMMANDS[command]]


@pytest.mark.parametrize("url", BAD_URLS)
@pytest.mark.parametrize("command", COMMANDS)
def test_a_bad_database_url_is_one_line_naming_the_problem(command: str, url: str, tmp_path: Path) -> None:
    assert_refused(run_cli(*_args(command, tmp_path), database_url=url), BAD_URLS[url])


def test_the_database_option_is_checked_like_the_environment_variable(tmp_path: Path) -> None:
    refused = run_cli("migrate", "--database", "mysql://u@h/db", database_url="sqlite:///unused.db")
    assert_refused(refused, "not mysql")


@pytest.mark.parametrize("command", ["migrate", "serve", "keys create", "quickstart"])
def test_a_password_in_a_database_url_is_masked_in_the_refusal(command: str, tmp_path: Path) -> None:
    refused = run_cli(*_args(command, tmp_path), database_url="postgresql://u:hunter2@127.0.0.1:1/db")
    line = assert_refused(refused, "postgresql://u:***@127.0.0.1:1/db")
    assert "hunter2" not in line


def test_a_password_in_a_url_that_does_not_parse_is_masked_too() -> None:
    line = assert_refused(run_cli("migrate", database_url="postgres//u:hunter2@h/db"), "not a database URL")
    assert "hunter2" not in line


@pytest.mark.parametrize("command", ["demo", "serve", "keys create", "end-users create"])
def test_a_command_on_an_unmigrated_database_says_to_migrate_first(
    command: str, backend: str, tmp_path: Path
) -> None:
    url = fresh_database(backend, tmp_path)
    assert_refused(run_cli(*_args(command, tmp_path), database_url=url), "run `timeledger migrate` first")


if os.environ.get("TIMELEDGER_TEST_POSTGRES_URL"):  # SQLite URLs carry no password: nothing to hide there

    def test_migrate_prints_the_url_it_migrated_without_its_password(tmp_path: Path) -> None:
        # The test cluster trusts loopback connections, so the password is carried but never checked.
        url = make_url(fresh_database("postgresql", tmp_path)).set(password="hunter2")
        migrated = run_cli("migrate", database_url=url.render_as_string(hide_password=False))
        assert migrated.returncode == 0, migrated.stderr
        assert migrated.stderr == f"database is up to date: {url.render_as_string(hide_password=True)}\n"
        assert "hunter2" not in migrated.stderr


def test_a_database_from_a_newer_timeledger_is_one_line(backend: str, tmp_path: Path) -> None:
    url = fresh_database(backend, tmp_path)
    assert run_cli("migrate", database_url=url).returncode == 0
    engine = create_engine(normalise_url(url))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    assert_refused(run_cli("migrate", database_url=url), "Can't locate revision identified by '9999'")
