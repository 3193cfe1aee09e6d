"""The ``timeledger`` command: migrate, demo, serve, keys, end-users, oauth-clients, people, quickstart,
qbtime (the QuickBooks Time connector, ``connectors/quickbooks_time_cli.py``), sync and sync-runs
(``connectors/sync/cli.py``), sandbox (``sandbox_cli.py``).

Every refusal is one line on stderr (``Error: ...``) and a non-zero exit: a bad database URL, an
unknown organization, a busy port. Tracebacks are for bugs.
"""

from __future__ import annotations

import copy
import errno
import json
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from timeledger.connectors.quickbooks_time_cli import qbtime
from timeledger.connectors.sync.cli import sync, sync_runs
from timeledger.sandbox_cli import sandbox
from timeledger.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from timeledger.store.unit_of_work import SqlUnitOfWork


@contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    """click prints a usage block above a usage error; we keep its hint and drop the block, so a
    bad option value reads like every other refusal."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # not an error to shorten: it shows the help
    except click.UsageError as error:
        if error.ctx is None:
            raise
        hint = f"Try '{error.ctx.command_path} --help' for help."
        raise click.UsageError(f"{error.format_message()} {hint}") from None


class _Timeledger(click.Group):
    """The top-level group, whose ``make_context`` parses the first word and whose ``invoke`` parses
    and runs every subcommand: a usage error from any of them passes through here."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _one_line_usage_errors():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage_errors():
            return super().invoke(ctx)


database_option = click.option(
    "--database",
    "database_url",
    envvar="TIMELEDGER_DATABASE_URL",
    default=None,
    help="Database URL: sqlite:///path/file.db or postgresql://user:password@host/db "
    "(default: TIMELEDGER_DATABASE_URL, else sqlite:///./timeledger.db).",
)
host_option = click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
port_option = click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="Port to listen on."
)


def _settings(database_url: str | None) -> Settings:
    try:
        return Settings.from_env(database_url)
    except ValueError as error:
        raise click.ClickException(str(error)) from None


def _upgrade(url: str) -> None:
    from timeledger.store.migrate import MigrationError, upgrade

    try:
        upgrade(url)
    except MigrationError as error:
        raise click.ClickException(f"cannot migrate the database {_shown(url)}: {error}") from None


def _shown(url: str) -> str:
    from timeledger.store.urls import masked

    return masked(url)


def _engine(settings: Settings, *, migrated: bool = True) -> Engine:
    """An engine that has reached the database (and, if ``migrated``, found its schema current);
    else one line on stderr saying what is wrong."""
    from timeledger.store.migrate import pending
    from timeledger.store.urls import DatabaseUrlError, connect

    try:
        engine = connect(settings.database_url)
    except DatabaseUrlError as error:
        raise click.ClickException(str(error)) from None
    if migrated and pending(engine):
        engine.dispose()
        raise click.ClickException(
            f"the database {_shown(settings.database_url)} is not migrated; run `timeledger migrate` first"
        )
    return engine


def _uow(settings: Settings) -> SqlUnitOfWork:
    from timeledger.store.unit_of_work import SqlUnitOfWork

    return SqlUnitOfWork(_engine(settings))


def _check_port_free(host: str, port: int, advice: str) -> None:
    """Refuse, in one line, a host and port nothing can listen on; bound the way granian binds
    (SO_REUSEADDR), so a port left in TIME_WAIT by a stopped server counts as free."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise click.ClickException(f"port {port} on {host} is already in use; {advice}") from None
            raise click.ClickException(f"cannot listen on {host} port {port}: {error.strerror}") from None


def _address(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


@click.group(cls=_Timeledger)
@click.version_option(package_name="timeledger", prog_name="timeledger")
def main() -> None:
    """timeledger: one ledger of work time, served as Conductor's QuickBooks Desktop API and as
    FreshBooks time tracking."""


main.add_command(qbtime)
main.add_command(sync)
main.add_command(sync_runs)
main.add_command(sandbox)


@main.command()
@database_option
def migrate(database_url: str | None) -> None:
    """Apply the database migrations (safe to run again)."""
    settings = _settings(database_url)
    _engine(settings, migrated=False).dispose()
    _upgrade(settings.database_url)
    click.echo(f"database is up to date: {_shown(settings.database_url)}", err=True)


@main.command()
@database_option
@click.option(
    "--base-url",
    default="http://127.0.0.1:8000",
    show_default=True,
    help="The server's address, written into the printed credentials.",
)
def demo(database_url: str | None, base_url: str) -> None:
    """Create a new organization and company with sample data; print its credentials as JSON."""
    from timeledger.demo import create_demo

    credentials = create_demo(_uow(_settings(database_url)), base_url.rstrip("/"))
    click.echo(json.dumps(credentials, indent=2))


def _log_config() -> dict[str, Any]:
    """granian's logging with its messages on stderr (warnings only, set by the caller) and the
    access lines, when asked for, on stdout."""
    from granian.log import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["console"]["stream"] = "ext://sys.stderr"
    return config


@main.command()
@database_option
@host_option
@port_option
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1), help="Worker processes.")
@click.option(
    "--access-log/--no-access-log",
    default=False,
    show_default=True,
    help="Print one line per request on stdout.",
)
@click.option(
    "--sandbox",
    is_flag=True,
    help="Also serve the /_timeledger/ API for tests: reset, seed, export, import, snapshots.",
)
def serve(
    database_url: str | None, host: str, port: int, workers: int, access_log: bool, sandbox: bool
) -> None:
    """Run the HTTP server. Refuses an unmigrated database: run `timeledger migrate` first."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    settings = _settings(database_url)
    _engine(settings).dispose()
    _check_port_free(host, port, "stop what holds it, or pick another with --port")
    os.environ["TIMELEDGER_DATABASE_URL"] = settings.database_url
    os.environ["TIMELEDGER_SANDBOX"] = "1" if sandbox else ""
    click.echo(
        f"timeledger serving on {_address(host, port)} (database {_shown(settings.database_url)}, "
        f"{workers} worker{'' if workers == 1 else 's'}{', sandbox' if sandbox else ''})",
        err=True,
    )
    Granian(
        "timeledger.app:app_from_env",
        factory=True,
        interface=Interfaces.ASGI,
        address=host,
        port=port,
        workers=workers,
        log_level=LogLevels.warning,
        log_dictconfig=_log_config(),
        log_access=access_log,
    ).serve()


@main.group("keys")
def keys_group() -> None:
    """Organization secret keys."""


@keys_group.command("create")
@database_option
@click.option(
    "--organization", "publishable_key", default=None, help="Publishable key of an existing organization."
)
@click.option("--name", default="My organization", show_default=True, help="Name of a new organization.")
def keys_create(database_url: str | None, publishable_key: str | None, name: str) -> None:
    """Create a secret key (and, without --organization, a new organization). Shown once."""
    from timeledger.auth.errors import AuthError
    from timeledger.auth.keys import create_api_key, create_organization

    uow = _uow(_settings(database_url))
    if publishable_key:
        try:
            secret = create_api_key(uow, publishable_key)
        except AuthError as error:
            raise click.ClickException(f"{error.message} ({publishable_key})") from None
    else:
        organization, secret = create_organization(uow, name)
        publishable_key = organization.publishable_key
    click.echo(json.dumps({"secret_key": secret, "publishable_key": publishable_key}, indent=2))
    click.echo("The secret key is shown only now; timeledger keeps only its hash.", err=True)


@keys_group.command("revoke")
@database_option
@click.option("--key", "secret", required=True, help="The secret key to revoke (sk_...).")
def keys_revoke(database_url: str | None, secret: str) -> None:
    """Revoke a secret key: requests that send it are refused from the next one on."""
    from timeledger.auth.errors import AuthError
    from timeledger.auth.keys import revoke_api_key

    try:
        revoke_api_key(_uow(_settings(database_url)), secret)
    except AuthError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"revoked the secret key {secret[:10]}...", err=True)


@main.group("end-users")
def end_users_group() -> None:
    """Conductor end users (companies)."""


@end_users_group.command("create")
@database_option
@click.option("--organization", "publishable_key", required=True, help="The organization's publishable key.")
@click.option("--company-name", required=True, help="The company's name.")
@click.option("--email", required=True, help="The company's email address.")
@click.option("--source-id", default="", help="Your own id for this end user (default: the company name).")
@click.option(
    "--connected/--not-connected",
    default=True,
    show_default=True,
    help="Mark QuickBooks Desktop as connected, skipping the auth-session link.",
)
@click.option(
    "--home-currency", default="USD", show_default=True, help="ISO code of the company's home currency."
)
@click.option(
    "--time-zone",
    default="UTC",
    show_default=True,
    help="IANA time zone (America/Denver): every person's, unless they have their own.",
)
def end_users_create(
    database_url: str | None,
    publishable_key: str,
    company_name: str,
    email: str,
    source_id: str,
    connected: bool,
    home_currency: str,
    time_zone: str,
) -> None:
    """Create an end user (a company) for an organization."""
    from timeledger.ledger.errors import LedgerError
    from timeledger.ledger.services.companies import create_company

    uow = _uow(_settings(database_url))
    with uow:
        organization = uow.tenancy.organization_by_publishable_key(publishable_key)
    if organization is None:
        raise click.ClickException(f"No organization has that publishable key. ({publishable_key})")
    try:
        company = create_company(
            uow,
            organization.key,
            company_name,
            email,
            source_id or company_name,
            connected=connected,
            home_currency_code=home_currency,
            time_zone=time_zone,
        )
    except LedgerError as error:
        raise click.ClickException(error.message) from None
    click.echo(json.dumps({"end_user_id": company.public_id}))


@main.group("oauth-clients")
def oauth_clients_group() -> None:
    """OAuth 2.0 apps (FreshBooks and QuickBooks Time API callers)."""


@oauth_clients_group.command("create")
@database_option
@click.option("--organization", "publishable_key", required=True, help="The organization's publishable key.")
@click.option("--name", required=True, help="The app's name, shown on the consent page.")
@click.option(
    "--redirect-uri", "redirect_uris", required=True, multiple=True, help="May be given several times."
)
@click.option("--scope", "scopes", multiple=True, help="Scopes the app may ask for (default: all).")
def oauth_clients_create(
    database_url: str | None,
    publishable_key: str,
    name: str,
    redirect_uris: tuple[str, ...],
    scopes: tuple[str, ...],
) -> None:
    """Register an app. Its client secret is shown once; timeledger keeps only its hash."""
    from timeledger.auth.errors import AuthError
    from timeledger.auth.oauth import create_oauth_client
    from timeledger.auth.scopes import ALL_SCOPES

    try:
        client, secret = create_oauth_client(
            _uow(_settings(database_url)), publishable_key, name, redirect_uris, scopes or ALL_SCOPES
        )
    except AuthError as error:
        detail = f" ({publishable_key})" if error.code == "invalid_publishable_key" else ""
        raise click.ClickException(error.message + detail) from None
    click.echo(
        json.dumps(
            {
                "client_id": client.client_id,
                "client_secret": secret,
                "redirect_uris": list(client.redirect_uris),
                "scopes": list(client.scopes),
            },
            indent=2,
        )
    )
    click.echo("The client secret is shown only now; timeledger keeps only its hash.", err=True)


@main.group("people")
def people_group() -> None:
    """People of a company (employees, vendors, other names)."""


@people_group.command("set-password")
@database_option
@click.option("--organization", "publishable_key", required=True, help="The organization's publishable key.")
@click.option("--end-user", "end_user_id", required=True, help="The company's Conductor end user id.")
@click.option("--person-email", required=True, help="The email on the person's record.")
@click.option("--login-email", default=None, help="The email to sign in with (default: --person-email).")
@click.password_option("--password", help="At least 8 characters (asked for twice when not given).")
def people_set_password(
    database_url: str | None,
    publishable_key: str,
    end_user_id: str,
    person_email: str,
    login_email: str | None,
    password: str,
) -> None:
    """Let a person sign in (on the OAuth consent page) with an email and a password."""
    from timeledger.auth.errors import AuthError
    from timeledger.auth.logins import set_password
    from timeledger.dialects.freshbooks.ids import render_identity_id
    from timeledger.ledger.queries import ListQuery
    from timeledger.ledger.services.lists import list_list_entries
    from timeledger.ledger.values import PERSON_KINDS

    uow = _uow(_settings(database_url))
    with uow:
        organization = uow.tenancy.organization_by_publishable_key(publishable_key)
        company = uow.tenancy.company(organization.key, end_user_id) if organization else None
    if organization is None:
        raise click.ClickException(f"No organization has that publishable key. ({publishable_key})")
    if company is None:
        raise click.ClickException(f'No end user with id "{end_user_id}" exists in that organization.')
    people = [
        entry
        for kind in sorted(PERSON_KINDS)
        for entry in list_list_entries(
            uow, company.key, ListQuery(kind=kind, field_equals=(("email", person_email),), limit=2)
        ).items
    ]
    if len(people) != 1:
        raise click.ClickException(f"{len(people)} people have the email {person_email}; need exactly one")
    try:
        set_password(uow, company, people[0].key, login_email or person_email, password)
    except AuthError as error:
        raise click.ClickException(error.message) from None
    identity_id = render_identity_id(people[0].key)  # as FreshBooks' /users/me shows it
    click.echo(json.dumps({"identity_id": identity_id, "login_email": login_email or person_email}))


@main.command()
@database_option
@host_option
@port_option
@click.option(
    "--credentials",
    default=".demo.json",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where the demo credentials are kept between runs.",
)
@click.pass_context
def quickstart(ctx: click.Context, database_url: str | None, host: str, port: int, credentials: Path) -> None:
    """Migrate, create demo data once (kept in --credentials), print how to call it, then serve
    (with the sandbox API)."""
    from timeledger.demo import create_demo, snippet
    from timeledger.store.unit_of_work import SqlUnitOfWork

    settings = _settings(database_url)
    engine = _engine(settings, migrated=False)
    # Checked before anything is printed: credentials for a server that cannot start mislead.
    other = port + 1 if port < 65535 else port - 1
    _check_port_free(host, port, f"stop what holds it, or pick another port: PORT={other} make run")
    _upgrade(settings.database_url)
    base_url = f"http://{host}:{port}"
    data = _kept_demo(SqlUnitOfWork(engine), credentials) if credentials.exists() else None
    if data is None:
        if not credentials.exists():
            click.echo(f"creating a demo; its credentials are kept in {credentials}", err=True)
        data = create_demo(SqlUnitOfWork(engine), base_url)
    engine.dispose()
    # The keys are kept from the first run; the addresses follow this run's host and port.
    data["base_url"] = base_url
    data["conductor"]["base_url"] = f"{base_url}/v1"
    data["freshbooks"].update(api_url=base_url, auth_url=base_url)
    data["quickbooks_time"]["base_url"] = f"{base_url}/api/v1"
    try:
        credentials.write_text(json.dumps(data, indent=2))
    except OSError as error:
        raise click.ClickException(f"cannot write {credentials}: {error.strerror}") from None
    click.echo(json.dumps(data, indent=2))
    click.echo("\n# Paste into Python (pip install conductor-py):\n" + snippet(data) + "\n")
    sys.stdout.flush()
    ctx.invoke(serve, database_url=settings.database_url, host=host, port=port, workers=1, sandbox=True)


def _kept_demo(uow: SqlUnitOfWork, credentials: Path) -> dict[str, Any] | None:
    """The credentials kept in the file if they still work here (with a FreshBooks token renewed
    if it no longer works); None, said on stderr, if a new demo is needed."""
    from timeledger.demo_credentials import StaleDemoError, checked_demo, read_kept

    try:
        data, renewed = checked_demo(uow, read_kept(credentials))
    except StaleDemoError as error:
        click.echo(
            f"the credentials in {credentials} do not work with this database ({error}); creating a new demo",
            err=True,
        )
        return None
    if renewed:
        click.echo(
            f"the FreshBooks access token in {credentials} was invalid, expired or about to expire; "
            "issued a new one",
            err=True,
        )
    return data
