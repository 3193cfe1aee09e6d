"""Unknown organizations and end users, and out-of-range options: one line and a non-zero exit."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from tests.cli.commands import assert_refused
from tests.servers import free_port, run_cli

NO_ORGANIZATION = "No organization has that publishable key. (pk_bogus)"


def test_a_key_for_an_unknown_organization_is_refused(migrated_database: str) -> None:
    refused = run_cli("keys", "create", "--organization", "pk_bogus", database_url=migrated_database)
    assert_refused(refused, NO_ORGANIZATION)


def test_revoking_a_key_nobody_has_is_refused(migrated_database: str) -> None:
    refused = run_cli("keys", "revoke", "--key", "sk_tl_never_issued", database_url=migrated_database)
    assert_refused(refused, "No organization has that secret key.")


def test_an_end_user_for_an_unknown_organization_is_refused(migrated_database: str) -> None:
    refused = run_cli(
        *("end-users", "create", "--organization", "pk_bogus"),
        *("--company-name", "Acme", "--email", "ap@acme.test"),
        database_url=migrated_database,
    )
    assert_refused(refused, NO_ORGANIZATION)


def test_an_app_for_an_unknown_organization_is_refused(migrated_database: str) -> None:
    refused = run_cli(
        *("oauth-clients", "create", "--organization", "pk_bogus"),
        *("--name", "App", "--redirect-uri", "https://app.example/callback"),
        database_url=migrated_database,
    )
    assert_refused(refused, NO_ORGANIZATION)


def test_a_password_for_an_unknown_organization_is_refused(migrated_database: str) -> None:
    refused = run_cli(
        *("people", "set-password", "--organization", "pk_bogus", "--end-user", "end_usr_bogus"),
        *("--person-email", "ada@example.com", "--password", "a long password"),
        database_url=migrated_database,
    )
    assert_refused(refused, NO_ORGANIZATION)


def test_a_password_for_an_unknown_end_user_is_refused(migrated_database: str, publishable_key: str) -> None:
    refused = run_cli(
        *("people", "set-password", "--organization", publishable_key, "--end-user", "end_usr_bogus"),
        *("--person-email", "ada@example.com", "--password", "a long password"),
        database_url=migrated_database,
    )
    assert_refused(refused, 'No end user with id "end_usr_bogus" exists')


def test_an_end_user_with_an_unknown_currency_is_refused(
    migrated_database: str, publishable_key: str
) -> None:
    refused = run_cli(
        *("end-users", "create", "--organization", publishable_key, "--company-name", "Acme"),
        *("--email", "ap@acme.test", "--home-currency", "XYZ"),
        database_url=migrated_database,
    )
    assert_refused(refused, '"XYZ" is not a built-in currency code')


@pytest.mark.parametrize("command", ["serve", "quickstart"])
@pytest.mark.parametrize("port", ["0", "65536", "-1"])
def test_a_port_outside_1_to_65535_is_refused(command: str, port: str, tmp_path: Path) -> None:
    refused = run_cli(command, "--port", port, database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    line = assert_refused(refused, f"Invalid value for '--port': {port} is not in the range 1<=x<=65535.")
    assert f"Try 'timeledger {command} --help' for help." in line
    assert not (tmp_path / "unused.db").exists()


@pytest.mark.parametrize("workers", ["0", "-2"])
def test_fewer_than_one_worker_is_refused(workers: str, tmp_path: Path) -> None:
    refused = run_cli("serve", "--workers", workers, database_url=f"sqlite:///{tmp_path / 'unused.db'}")
    assert_refused(refused, f"Invalid value for '--workers': {workers} is not in the range x>=1.")


def test_a_missing_required_option_is_one_line_too(migrated_database: str) -> None:
    refused = run_cli("end-users", "create", "--company-name", "Acme", database_url=migrated_database)
    assert_refused(refused, "Missing option '--organization'.")


def test_the_version_is_the_installed_package_version() -> None:
    shown = run_cli("--version", database_url="sqlite:///unused.db")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == f"timeledger, version {version('timeledger')}\n"


def test_an_unknown_sqlite_synchronous_setting_is_refused(migrated_database: str) -> None:
    env = {"TIMELEDGER_SQLITE_SYNCHRONOUS": "off"}
    refused = run_cli("serve", "--port", str(free_port()), database_url=migrated_database, env=env)
    assert_refused(refused, "TIMELEDGER_SQLITE_SYNCHRONOUS is 'off'; it may be normal, full, extra")
