"""``timeledger sync`` and ``timeledger sync-runs``.

Exit codes: 0 every entry written or unchanged; 3 some refused or in conflict (the report says
which); 1 the run could not complete (an endpoint unreachable or refusing the credentials, a state
that cannot be opened). With ``--json`` stdout holds only the report; everything else is stderr.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

import click

from timeledger.connectors.entries import Connector, ConnectorError
from timeledger.connectors.sync.endpoints import parse_endpoint
from timeledger.settings import Settings

if TYPE_CHECKING:
    from timeledger.connectors.sync.state import RunRecord, SyncState

# The engine, the state (SQLAlchemy, Alembic) and the SDKs are imported when a sync runs, not by
# every ``timeledger`` command that starts.

INCOMPLETE = 3
REPORT_KEYS = ("created", "updated", "deleted", "unchanged", "skipped", "conflicts", "refused")

state_option = click.option(
    "--state",
    "state_url",
    default=None,
    help="Database URL of the sync's state (default: TIMELEDGER_DATABASE_URL, else "
    "sqlite:///./timeledger.db); a new one is set up on first use.",
)


def _endpoint(_ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, Any]:
    try:
        return parse_endpoint(value)
    except ValueError as error:
        raise click.BadParameter(str(error), param=param) from None


def _state(url: str | None) -> SyncState:
    from timeledger.connectors.sync.state import open_state

    try:
        return open_state(url or Settings.from_env(None).database_url)
    except ConnectorError as error:
        raise click.ClickException(str(error)) from None


def _err(line: str) -> None:
    click.echo(line, err=True)


@click.command("sync")
@click.option("--from", "source", required=True, metavar="KIND:FILE", callback=_endpoint, help="The source.")
@click.option("--to", "target", required=True, metavar="KIND:FILE", callback=_endpoint, help="The target.")
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Only entries whose work date is on or after this day (YYYY-MM-DD).",
)
@click.option("--dry-run", is_flag=True, help="Report what would be done; write nothing.")
@click.option(
    "--create-missing", is_flag=True, help="Create people, customers, jobs and items the target lacks."
)
@click.option(
    "--overwrite", is_flag=True, help="Write over entries changed in the target since the last sync."
)
@state_option
@click.option(
    "--max-rate",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="At most this many requests a second to each side "
    "(default: no cap; 429 and 503 are always honoured).",
)
@click.option("--json", "as_json", is_flag=True, help="Print only the report, as JSON, on stdout.")
def sync(
    source: tuple[str, Any],
    target: tuple[str, Any],
    since: Any,
    dry_run: bool,
    create_missing: bool,
    overwrite: bool,
    state_url: str | None,
    max_rate: float | None,
    as_json: bool,
) -> None:
    """Move time entries from one endpoint to another. KIND is one of quickbooks-desktop,
    quickbooks-time, freshbooks; FILE is that service's block of `timeledger demo`'s output (or the
    whole output), with production URLs for a real account."""
    from timeledger.connectors.polite import Polite
    from timeledger.connectors.sync.endpoints import open_endpoint
    from timeledger.connectors.sync.engine import Options, RunFailed, Sync

    options = Options(
        since=since.date() if since else None,
        dry_run=dry_run,
        create_missing=create_missing,
        overwrite=overwrite,
    )
    state = _state(state_url)
    opened: list[Connector] = []
    polite = (Polite(max_rate), Polite(max_rate))
    try:
        try:
            for (kind, path), side in zip((source, target), polite, strict=True):
                opened.append(open_endpoint(kind, path, side))
        except ConnectorError as error:
            raise click.ClickException(str(error)) from None
        if opened[0].identity == opened[1].identity:
            raise click.ClickException("--from and --to name the same company")
        run = Sync(*opened, state, options, say=_err, progress=sys.stderr.isatty())
        try:
            report = run.run()
        except RunFailed as failure:
            _err(f"Stopped: {failure.report.summary()} before the failure")
            raise click.ClickException(str(failure)) from None
        finally:
            _err(f"Requests: {polite[0].requests} to the source, {polite[1].requests} to the target")
    finally:
        for connector in opened:
            connector.close()
        state.close()
    prefix = "Dry run: would have " if dry_run else ""
    if as_json:
        _err(prefix + report.summary())
        click.echo(json.dumps(report.to_json()))
    else:
        click.echo(prefix + report.summary())
    if not report.complete:
        sys.exit(INCOMPLETE)


def _run_json(run: RunRecord) -> dict[str, Any]:
    return {
        "id": run.id,
        "source": run.source,
        "target": run.target,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "status": run.status,
        "options": run.options,
        "report": run.report,
        "error": run.error,
    }


@click.command("sync-runs")
@state_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the newest this many.")
@click.option("--json", "as_json", is_flag=True, help="Print the runs as one JSON array.")
def sync_runs(state_url: str | None, limit: int | None, as_json: bool) -> None:
    """Past sync runs (not dry runs), newest first, with their reports. A run "running" with no
    finish was killed, or is still going."""
    state = _state(state_url)
    try:
        runs = state.runs(limit)
    except ConnectorError as error:
        raise click.ClickException(str(error)) from None
    finally:
        state.close()
    if as_json:
        click.echo(json.dumps([_run_json(run) for run in runs]))
        return
    for run in runs:
        report = run.report or {}
        counts = ", ".join(
            f"{report[key] if key != 'refused' else len(report[key])} {key}"
            for key in REPORT_KEYS
            if key in report
        )
        line = f"#{run.id} {run.started_at:%Y-%m-%d %H:%M:%S} {run.status}: {run.source} -> {run.target}"
        click.echo(line + (f" ({counts})" if counts else "") + (f"; error: {run.error}" if run.error else ""))
    if not runs:
        click.echo("No sync runs in this state.")
