"""The ``timeledger`` command: migrate, demo, serve, keys, end-users, oauth-clients, people, quickstart."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from timeledger.settings import Settings

database_option = click.option(
    "--database",
    "database_url",
    envvar="TIMELEDGER_DATABASE_URL",
    default=None,
    help="Database URL (default: TIMELEDGER_DATABASE_URL, else sqlite:///./timeledger.db).",
)


def _settings(database_url: str | None) -> Settings:
    return Settings.from_env(database_url)


def _uow(settings: Settings):  # type: ignore[no-untyped-def]
    from timeledger.store.engine import make_engine
    from timeledger.store.unit_of_work import SqlUnitOfWork

    return SqlUnitOfWork(make_engine(settings.database_url))


@click.group()
def main() -> None:
    """timeledger: one ledger of work time, served as Conductor's QuickBooks Desktop API and more."""


@main.command()
@database_option
def migrate(database_url: str | None) -> None:
    """Apply the database migrations (safe to run again)."""
    from timeledger.store.migrate import upgrade

    settings = _settings(database_url)
    upgrade(settings.database_url)
    click.echo(f"database is up to date: {settings.database_url}", err=True)


@main.command()
@database_option
@click.option(
    "--base-url", default="http://127.0.0.1:8000", show_default=True, help="Where the server listens."
)
def demo(database_url: str | None, base_url: str) -> None:
    """Create a new organization and company with sample data; print its credentials as JSON."""
    from timeledger.demo import create_demo

    credentials = create_demo(_uow(_settings(database_url)), base_url.rstrip("/"))
    click.echo(json.dumps(credentials, indent=2))


@main.command()
@database_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int)
def serve(database_url: str | None, host: str, port: int, workers: int) -> None:
    """Run the HTTP server. Refuses an unmigrated database: run `timeledger migrate` first."""
    import uvicorn

    from timeledger.store.engine import make_engine
    from timeledger.store.migrate import pending

    settings = _settings(database_url)
    engine = make_engine(settings.database_url)
    if pending(engine):
        raise click.ClickException(
            f"the database {settings.database_url} is not migrated; run `timeledger migrate` first"
        )
    engine.dispose()
    os.environ["TIMELEDGER_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "timeledger.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http="httptools",
        loop="uvloop",
        access_log=False,
        log_level="warning",
    )


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
    from timeledger.auth.keys import create_api_key, create_organization

    uow = _uow(_settings(database_url))
    if publishable_key:
        secret = create_api_key(uow, publishable_key)
    else:
        organization, secret = create_organization(uow, name)
        publishable_key = organization.publishable_key
    click.echo(json.dumps({"secret_key": secret, "publishable_key": publishable_key}, indent=2))
    click.echo("The secret key is shown only now; timeledger keeps only its hash.", err=True)


@main.group("end-users")
def end_users_group() -> None:
    """Conductor end users (companies)."""


@end_users_group.command("create")
@database_option
@click.option("--organization", "publishable_key", required=True, help="The organization's publishable key.")
@click.option("--company-name", required=True)
@click.option("--email", required=True)
@click.option("--source-id", default="", help="Your own id for this end user.")
@click.option(
    "--connected/--not-connected",
    default=True,
    show_default=True,
    help="Mark QuickBooks Desktop as connected, skipping the auth-session link.",
)
@click.option(
    "--home-currency", default="USD", show_default=True, help="ISO code of the company's home currency."
)
def end_users_create(
    database_url: str | None,
    publishable_key: str,
    company_name: str,
    email: str,
    source_id: str,
    connected: bool,
    home_currency: str,
) -> None:
    """Create an end user (a company) for an organization."""
    from timeledger.ledger.errors import LedgerError
    from timeledger.ledger.services.companies import create_company

    uow = _uow(_settings(database_url))
    with uow:
        organization = uow.tenancy.organization_by_publishable_key(publishable_key)
    if organization is None:
        raise click.ClickException("no organization has that publishable key")
    try:
        company = create_company(
            uow,
            organization.key,
            company_name,
            email,
            source_id or company_name,
            connected=connected,
            home_currency_code=home_currency,
        )
    except LedgerError as error:
        raise click.ClickException(error.message) from None
    click.echo(json.dumps({"end_user_id": company.public_id}))


@main.group("oauth-clients")
def oauth_clients_group() -> None:
    """OAuth 2.0 apps (FreshBooks and QuickBooks Time callers)."""


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
        raise click.ClickException(error.message) from None
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
@click.password_option("--password", help="At least 8 characters.")
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
    from timeledger.ledger.queries import ListQuery
    from timeledger.ledger.services.lists import list_list_entries
    from timeledger.ledger.values import PERSON_KINDS

    uow = _uow(_settings(database_url))
    with uow:
        organization = uow.tenancy.organization_by_publishable_key(publishable_key)
        company = uow.tenancy.company(organization.key, end_user_id) if organization else None
    if company is None:
        raise click.ClickException(f"no end user has the id {end_user_id}")
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
    click.echo(json.dumps({"identity_id": people[0].key, "login_email": login_email or person_email}))


@main.command()
@database_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--credentials", default=".demo.json", show_default=True, type=click.Path(path_type=Path))
@click.pass_context
def quickstart(ctx: click.Context, database_url: str | None, host: str, port: int, credentials: Path) -> None:
    """Migrate, create demo data once (kept in --credentials), print how to call it, then serve."""
    from timeledger.demo import create_demo, snippet
    from timeledger.store.migrate import upgrade

    settings = _settings(database_url)
    upgrade(settings.database_url)
    base_url = f"http://{host}:{port}"
    data = (
        json.loads(credentials.read_text()) if credentials.exists() else create_demo(_uow(settings), base_url)
    )
    # The keys are kept from the first run; the addresses follow this run's host and port.
    data["base_url"] = base_url
    data["conductor"]["base_url"] = f"{base_url}/v1"
    if "freshbooks" in data:
        data["freshbooks"].update(api_url=base_url, auth_url=base_url)
    credentials.write_text(json.dumps(data, indent=2))
    click.echo(json.dumps(data, indent=2))
    click.echo("\n# Paste into Python (pip install conductor-py):\n" + snippet(data) + "\n")
    sys.stdout.flush()
    ctx.invoke(serve, database_url=settings.database_url, host=host, port=port, workers=1)
