"""``timeledger sandbox reset|seed|export|import|snapshot|restore|clock|fault|realism|log``: the
sandbox API of a running ``timeledger serve --sandbox`` from the shell.

Each command prints the server's JSON answer on stdout. A refusal is one line on stderr and exit
status 1: the server's own message, or that it does not run with ``--sandbox``, or that nothing
answers at ``--url``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
import httpx


class _Sandbox:
    def __init__(self, url: str, end_user: str, api_key: str) -> None:
        self.base = f"{url.rstrip('/')}/_timeledger/companies/{end_user}"
        self.url = url
        self.headers = {"Authorization": f"Bearer {api_key}"}

    def call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            response = httpx.request(method, self.base + path, headers=self.headers, json=body, timeout=300)
        except httpx.HTTPError as error:
            said = error or type(error).__name__
            raise click.ClickException(f"nothing answers at {self.url}: {said}") from None
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if response.is_success:
            return answer
        error = answer.get("error", {}) if isinstance(answer, dict) else {}
        message = str(error.get("message") or response.reason_phrase)
        if response.status_code == 404 and message.startswith("Unrecognized request URL"):
            raise click.ClickException(f"the server at {self.url} does not run with --sandbox")
        raise click.ClickException(f"{response.status_code}: {message}")


def _print(answer: Any) -> None:
    click.echo(json.dumps(answer, indent=2))


def _read_json(path: Path) -> Any:
    try:
        return json.loads(sys.stdin.read() if str(path) == "-" else path.read_text())
    except OSError as error:
        raise click.ClickException(f"cannot read {path}: {error.strerror}") from None
    except ValueError:
        raise click.ClickException(f"{path} is not JSON") from None


@click.group("sandbox")
@click.option("--url", default="http://127.0.0.1:8000", show_default=True, help="The server's address.")
@click.option("--end-user", "end_user", required=True, help="The company's end user id (end_usr_...).")
@click.option(
    "--api-key", envvar="TIMELEDGER_API_KEY", required=True, help="The organization's secret key (sk_...)."
)
@click.pass_context
def sandbox(ctx: click.Context, url: str, end_user: str, api_key: str) -> None:
    """Reset, seed, export, import and snapshot a company of a server run with --sandbox."""
    ctx.obj = _Sandbox(url, end_user, api_key)


@sandbox.command()
@click.pass_obj
def reset(box: _Sandbox) -> None:
    """Empty the company's records; keep its credentials and their people."""
    _print(box.call("POST", "/reset"))


@sandbox.command()
@click.option("--fixture", type=click.Choice(["demo"]), default=None, help="A named set of records.")
@click.option("--file", "path", type=click.Path(path_type=Path), default=None, help="A document of records.")
@click.pass_obj
def seed(box: _Sandbox, fixture: str | None, path: Path | None) -> None:
    """Add the demo's records (--fixture demo), or make the company's records a document's (--file)."""
    if (fixture is None) == (path is None):
        raise click.UsageError("give one of --fixture or --file")
    _print(box.call("POST", "/seed", {"fixture": fixture} if fixture else _read_json(path)))  # type: ignore[arg-type]


@sandbox.command()
@click.option("--output", type=click.Path(path_type=Path), default=None, help="Write it here, not to stdout.")
@click.pass_obj
def export(box: _Sandbox, output: Path | None) -> None:
    """The company's records as one JSON document."""
    document = box.call("GET", "/export")
    if output is None:
        _print(document)
        return
    try:
        output.write_text(json.dumps(document))
    except OSError as error:
        raise click.ClickException(f"cannot write {output}: {error.strerror}") from None


@sandbox.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_obj
def import_(box: _Sandbox, path: Path) -> None:
    """Replace the company's records with a document (a file, or - for stdin)."""
    _print(box.call("POST", "/import", _read_json(path)))


@sandbox.command()
@click.argument("name", required=False)
@click.option("--list", "listing", is_flag=True, help="List the company's snapshots.")
@click.option("--delete", "deleting", is_flag=True, help="Delete the snapshot NAME.")
@click.pass_obj
def snapshot(box: _Sandbox, name: str | None, listing: bool, deleting: bool) -> None:
    """Keep the company's records as snapshot NAME (or --list them, or --delete NAME)."""
    if listing:
        _print(box.call("GET", "/snapshots"))
    elif name is None:
        raise click.UsageError("give a NAME, or --list")
    elif deleting:
        _print(box.call("DELETE", f"/snapshots/{quote(name, safe='')}"))
    else:
        _print(box.call("POST", "/snapshots", {"name": name}))


@sandbox.command()
@click.argument("name")
@click.pass_obj
def restore(box: _Sandbox, name: str) -> None:
    """Put the company's records back as snapshot NAME has them."""
    _print(box.call("POST", f"/snapshots/{quote(name, safe='')}/restore"))


@sandbox.command()
@click.option("--now", default=None, help="The company's now, ISO 8601 with its offset.")
@click.option("--frozen/--running", default=True, show_default=True, help="Stay at --now, or run on from it.")
@click.option("--clear", is_flag=True, help="Back to the real clock.")
@click.pass_obj
def clock(box: _Sandbox, now: str | None, frozen: bool, clear: bool) -> None:
    """Show the company's clock, set it (--now), or clear it."""
    if clear:
        _print(box.call("DELETE", "/clock"))
    elif now is not None:
        _print(box.call("PUT", "/clock", {"now": now, "frozen": frozen}))
    else:
        _print(box.call("GET", "/clock"))


@sandbox.command()
@click.argument("kind", required=False)
@click.option("--api", type=click.Choice(["conductor", "freshbooks", "quickbooks_time"]), default=None)
@click.option("--method", default=None, help="Only requests of this method.")
@click.option("--path", default=None, help="Only requests whose path matches this glob.")
@click.option("--latency-ms", type=int, default=None, help="For a latency fault: the delay.")
@click.option("--probability", type=float, default=None, help="0 to 1 (default 1).")
@click.option("--count", type=int, default=None, help="How many times (default: every time).")
@click.option("--list", "listing", is_flag=True, help="List the company's faults.")
@click.option("--clear", is_flag=True, help="Remove every fault.")
@click.option("--delete", "fault_id", default=None, help="Remove the fault with this id.")
@click.pass_obj
def fault(
    box: _Sandbox,
    kind: str | None,
    api: str | None,
    method: str | None,
    path: str | None,
    latency_ms: int | None,
    probability: float | None,
    count: int | None,
    listing: bool,
    clear: bool,
    fault_id: str | None,
) -> None:
    """Add a fault KIND (connection_error, not_set_up, rate_limit, unavailable, latency) for --api, or
    --list, --clear or --delete ID."""
    if listing:
        _print(box.call("GET", "/faults"))
    elif clear:
        _print(box.call("DELETE", "/faults"))
    elif fault_id is not None:
        _print(box.call("DELETE", f"/faults/{quote(fault_id, safe='')}"))
    elif kind is None or api is None:
        raise click.UsageError("give a fault KIND and --api, or --list, --clear or --delete ID")
    else:
        given = {"method": method, "path": path, "latency_ms": latency_ms, "probability": probability}
        body = {"api": api, "fault": kind, **{k: v for k, v in given.items() if v is not None}}
        if count is not None:
            body["count"] = count
        _print(box.call("POST", "/faults", body))


@sandbox.command()
@click.option("--cursor-expiry", type=float, default=None, help="Conductor cursors' life in seconds.")
@click.option("--rate-limit/--no-rate-limit", default=None, help="QuickBooks Time's 300 a token / 5 min.")
@click.option("--latency", type=click.Choice(["none", "production"]), default=None)
@click.option("--clear", is_flag=True, help="Back to none of it.")
@click.pass_obj
def realism(
    box: _Sandbox, cursor_expiry: float | None, rate_limit: bool | None, latency: str | None, clear: bool
) -> None:
    """Show the company's realism, change it, or clear it."""
    changes = {
        "conductor_cursor_expiry_seconds": cursor_expiry,
        "quickbooks_time_rate_limit": rate_limit,
        "latency": latency,
    }
    changes = {k: v for k, v in changes.items() if v is not None}
    if clear:
        _print(box.call("DELETE", "/realism"))
    elif changes:
        _print(box.call("PUT", "/realism", changes))
    else:
        _print(box.call("GET", "/realism"))


@sandbox.command()
@click.option("--limit", type=click.IntRange(1, 100), default=20, show_default=True)
@click.option("--cursor", default=None, help="The last page's next_cursor.")
@click.option("--replay", "request_id", default=None, help="Send the logged request with this id again.")
@click.pass_obj
def log(box: _Sandbox, limit: int, cursor: str | None, request_id: str | None) -> None:
    """The company's requests to the three APIs, newest first (or --replay ID)."""
    if request_id is not None:
        _print(box.call("POST", f"/requests/{quote(request_id, safe='')}/replay"))
        return
    query = f"?limit={limit}" + (f"&cursor={quote(cursor, safe='')}" if cursor else "")
    _print(box.call("GET", f"/requests{query}"))
