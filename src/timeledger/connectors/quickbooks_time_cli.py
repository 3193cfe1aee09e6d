"""``timeledger qbtime``: the QuickBooks Time connector's nine actions, each printing the response's
``results`` as JSON, and ``watch``, its new-records trigger, one JSON line per record.

A refusal is one line on stderr and a non-zero exit: an item QuickBooks Time refused (its status
and ``_status_extra``), a whole request refused (its status and message), no answer at all.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from timeledger.connectors.quickbooks_time import QuickBooksTimeClient, TriggerState

F = TypeVar("F", bound=Callable[..., Any])

CREDENTIALS_HELP = (
    "A JSON file of credentials (access_token, refresh_token, client_id, client_secret, base_url), or "
    "the whole `timeledger demo` JSON (its quickbooks_time block is used). Refreshed tokens are written "
    "back to it. Without it: QUICKBOOKS_TIME_ACCESS_TOKEN, _REFRESH_TOKEN, _CLIENT_ID, _CLIENT_SECRET "
    "and _BASE_URL, whose refreshed tokens live only as long as the command."
)


def _connection(command: F) -> F:
    """The options every command takes: where the credentials are, and which server to call."""
    command = click.option(
        "--base-url",
        default=None,
        help="The API's root (default: the credentials' base_url, else https://rest.tsheets.com/api/v1).",
    )(command)
    return click.option(
        "--credentials",
        "credentials_path",
        default=None,
        envvar="QUICKBOOKS_TIME_CREDENTIALS",
        type=click.Path(dir_okay=False, path_type=Path),
        help=CREDENTIALS_HELP + " [env: QUICKBOOKS_TIME_CREDENTIALS]",
    )(command)


def _params(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for text in values:
        key, sep, value = text.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, not {text!r}.")
        if value.lstrip()[:1] in ("{", "["):
            try:
                parsed[key.strip()] = json.loads(value)
                continue
            except ValueError:
                raise click.BadParameter(f"{key.strip()}: {value!r} is not JSON.") from None
        parsed[key.strip()] = value
    return parsed


param_option = click.option(
    "--param",
    "additional",
    multiple=True,
    callback=_params,
    metavar="KEY=VALUE",
    help="An additional parameter (repeatable): into the query string of a read, into the item of a "
    'write. A VALUE starting with { or [ is sent as JSON (permissions={"time_tracking":true}); an empty '
    "one is not sent.",
)


def _paging(command: F) -> F:
    for option in reversed(
        (
            click.option(
                "--active",
                type=click.Choice(["yes", "no", "both"]),
                default=None,
                help="Active records, archived ones, or both (the API's default when omitted).",
            ),
            click.option(
                "--per-page", type=click.IntRange(min=1), default=None, help="Records per page (max 50)."
            ),
            click.option(
                "--page", type=click.IntRange(min=1), default=None, help="The page to start at (1)."
            ),
            click.option(
                "--max-pages",
                type=click.IntRange(min=1),
                default=None,
                help="Stop after this many pages (default: follow `more` to the last).",
            ),
            param_option,
        )
    ):
        command = option(command)
    return command


def _ids(text: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (text or "").split(",") if p.strip())


@contextmanager
def _refusals() -> Iterator[None]:
    """Every connector error as one line on stderr and exit status 1."""
    from timeledger.connectors.quickbooks_time import ConnectorError

    try:
        yield
    except ConnectorError as error:
        raise click.ClickException(" ".join(str(error).split())) from None


@contextmanager
def _client(credentials_path: Path | None, base_url: str | None) -> Iterator[QuickBooksTimeClient]:
    from timeledger.connectors.quickbooks_time import Credentials, CredentialsFile, QuickBooksTimeClient

    with _refusals():
        store = None
        if credentials_path is not None:
            store = CredentialsFile(credentials_path)
            credentials = store.load()
        else:
            found = Credentials.from_env(os.environ)
            if found is None:
                raise click.ClickException(
                    "no QuickBooks Time credentials: pass --credentials FILE "
                    "or set QUICKBOOKS_TIME_ACCESS_TOKEN"
                )
            credentials = found
        with QuickBooksTimeClient(credentials, base_url=base_url, store=store) as client:
            yield client


def _print(results: Any) -> None:
    click.echo(json.dumps(results, indent=2))


@click.group("qbtime")
def qbtime() -> None:
    """QuickBooks Time, the real service or a timeledger: the connector's actions and its trigger."""


@qbtime.command("get-users")
@_connection
@_paging
def get_users(
    credentials_path: Path | None,
    base_url: str | None,
    active: Any,
    per_page: int | None,
    page: int | None,
    max_pages: int | None,
    additional: dict[str, Any],
) -> None:
    """Get Users (every page unless --max-pages)."""
    from timeledger.connectors.quickbooks_time import UsersQuery

    with _client(credentials_path, base_url) as client:
        _print(client.get_users(UsersQuery(active, per_page, page, additional), max_pages=max_pages))


@qbtime.command("create-user")
@_connection
@click.option("--username", required=True, help="The user's username (unique in the account).")
@click.option("--first-name", required=True)
@click.option("--last-name", required=True)
@param_option
def create_user(
    credentials_path: Path | None,
    base_url: str | None,
    username: str,
    first_name: str,
    last_name: str,
    additional: dict[str, Any],
) -> None:
    """Create User (new users may not track time unless permissions say so)."""
    from timeledger.connectors.quickbooks_time import NewUser

    with _client(credentials_path, base_url) as client:
        _print(client.create_user(NewUser(username, first_name, last_name, additional)))


@qbtime.command("update-user")
@_connection
@click.option("--id", "user_id", default=None, help="The user's id (used when given).")
@click.option("--username", default=None, help="The user's username (used without --id).")
@param_option
def update_user(
    credentials_path: Path | None,
    base_url: str | None,
    user_id: str | None,
    username: str | None,
    additional: dict[str, Any],
) -> None:
    """Update User, named by --id or --username; the changes are --param KEY=VALUE."""
    from timeledger.connectors.quickbooks_time import UserChanges

    with _client(credentials_path, base_url) as client:
        _print(client.update_user(UserChanges(user_id, username, additional)))


@qbtime.command("get-jobcodes")
@_connection
@_paging
def get_jobcodes(
    credentials_path: Path | None,
    base_url: str | None,
    active: Any,
    per_page: int | None,
    page: int | None,
    max_pages: int | None,
    additional: dict[str, Any],
) -> None:
    """Get Job Codes (every page unless --max-pages)."""
    from timeledger.connectors.quickbooks_time import JobcodesQuery

    with _client(credentials_path, base_url) as client:
        _print(client.get_jobcodes(JobcodesQuery(active, per_page, page, additional), max_pages=max_pages))


@qbtime.command("get-jobcode-assignments")
@_connection
@_paging
@click.option("--user-ids", default=None, help="Comma-separated user ids.")
def get_jobcode_assignments(
    credentials_path: Path | None,
    base_url: str | None,
    active: Any,
    per_page: int | None,
    page: int | None,
    max_pages: int | None,
    additional: dict[str, Any],
    user_ids: str | None,
) -> None:
    """Get Job Code Assignments (every page unless --max-pages)."""
    from timeledger.connectors.quickbooks_time import JobcodeAssignmentsQuery

    query = JobcodeAssignmentsQuery(active, per_page, page, _ids(user_ids), additional)
    with _client(credentials_path, base_url) as client:
        _print(client.get_jobcode_assignments(query, max_pages=max_pages))


@qbtime.command("get-timesheets")
@_connection
@_paging
@click.option("--user-ids", default=None, help="Comma-separated user ids.")
@click.option("--jobcode-ids", default=None, help="Comma-separated jobcode ids (their children too).")
@click.option("--start-date", default=None, metavar="YYYY-MM-DD", help="Timesheets on or after this date.")
@click.option("--end-date", default=None, metavar="YYYY-MM-DD", help="Timesheets on or before this date.")
def get_timesheets(
    credentials_path: Path | None,
    base_url: str | None,
    active: Any,
    per_page: int | None,
    page: int | None,
    max_pages: int | None,
    additional: dict[str, Any],
    user_ids: str | None,
    jobcode_ids: str | None,
    start_date: str | None,
    end_date: str | None,
) -> None:
    """Get Time Sheets. QuickBooks Time needs --start-date (or ids or modified_since as a --param)."""
    from timeledger.connectors.quickbooks_time import TimesheetsQuery

    query = TimesheetsQuery(
        active, per_page, page, _ids(user_ids), _ids(jobcode_ids), start_date, end_date, additional
    )
    with _client(credentials_path, base_url) as client:
        _print(client.get_timesheets(query, max_pages=max_pages))


TIME_HELP = "ISO 8601 with the offset, in the user's local time: 2024-07-23T09:00:00-06:00."


@qbtime.command("create-timesheet")
@_connection
@click.option("--user-id", required=True)
@click.option("--jobcode-id", required=True)
@click.option("--start", required=True, help=TIME_HELP)
@click.option("--end", required=True, help=TIME_HELP)
@param_option
def create_timesheet(
    credentials_path: Path | None,
    base_url: str | None,
    user_id: str,
    jobcode_id: str,
    start: str,
    end: str,
    additional: dict[str, Any],
) -> None:
    """Create Timesheet (a regular one, from --start to --end)."""
    from timeledger.connectors.quickbooks_time import NewTimesheet

    with _client(credentials_path, base_url) as client:
        _print(client.create_timesheet(NewTimesheet(user_id, jobcode_id, start, end, additional)))


@qbtime.command("update-timesheet")
@_connection
@click.option("--id", "timesheet_id", required=True)
@click.option("--jobcode-id", default=None)
@click.option("--start", default=None, help=TIME_HELP)
@click.option("--end", default=None, help=TIME_HELP)
@param_option
def update_timesheet(
    credentials_path: Path | None,
    base_url: str | None,
    timesheet_id: str,
    jobcode_id: str | None,
    start: str | None,
    end: str | None,
    additional: dict[str, Any],
) -> None:
    """Update Timesheet: only what is given changes (an empty value is not sent)."""
    from timeledger.connectors.quickbooks_time import TimesheetChanges

    with _client(credentials_path, base_url) as client:
        _print(client.update_timesheet(TimesheetChanges(timesheet_id, jobcode_id, start, end, additional)))


@qbtime.command("delete-timesheet")
@_connection
@click.option("--ids", required=True, help="Comma-separated timesheet ids.")
def delete_timesheet(credentials_path: Path | None, base_url: str | None, ids: str) -> None:
    """Delete Timesheet: each of --ids."""
    with _client(credentials_path, base_url) as client:
        _print(client.delete_timesheet(_ids(ids)))


def _read_state(path: Path | None) -> TriggerState:
    from timeledger.connectors.quickbooks_time import TriggerState

    if path is None or not path.exists():
        return TriggerState()
    try:
        return TriggerState.from_json(json.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise click.ClickException(f"cannot read the state file {path}: {error.strerror}") from None
    except ValueError as error:
        raise click.ClickException(f"{path} is not a qbtime watch state file ({error})") from None


@qbtime.command("watch")
@_connection
@click.option(
    "--interval", type=click.FloatRange(min=1), default=60.0, show_default=True, help="Seconds between polls."
)
@click.option("--once", is_flag=True, help="Poll once and exit.")
@click.option(
    "--state",
    "state_path",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where what was seen is kept between runs, so a restart neither repeats nor skips "
    "(default: nowhere; every run starts afresh).",
)
def watch(
    credentials_path: Path | None, base_url: str | None, interval: float, once: bool, state_path: Path | None
) -> None:
    """The "new records" trigger: print each new or changed timesheet, user and jobcode as one JSON
    line, {"type": ..., "change": "new"|"changed", "record": {...}}. Timesheets show once off the clock."""
    from timeledger.connectors.quickbooks_time import (
        ApiError,
        ConnectorError,
        NewRecordsTrigger,
        UnreachableError,
        write_json_atomically,
    )

    trigger_state = _read_state(state_path)
    with _client(credentials_path, base_url) as client:
        trigger = NewRecordsTrigger(client, trigger_state)
        while True:
            try:
                records = trigger.poll()
            except (UnreachableError, ApiError) as error:
                # A long watch outlives a network blip or a busy server; a refused token it does not.
                transient = isinstance(error, UnreachableError) or error.status in (429, 500, 502, 503, 504)
                if once or not transient:
                    raise
                click.echo(f"poll failed, trying again in {interval:g} s: {error}", err=True)
                time.sleep(interval)
                continue
            for record in records:
                click.echo(json.dumps(record.to_json(), separators=(",", ":")))
            sys.stdout.flush()
            # Saved once printed: a crash in between repeats a record rather than losing it.
            if state_path is not None:
                try:
                    write_json_atomically(state_path, trigger.state.to_json())
                except OSError as error:
                    raise ConnectorError(
                        f"cannot write the state file {state_path}: {error.strerror}"
                    ) from None
            if once:
                return
            time.sleep(interval)
