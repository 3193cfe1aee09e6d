"""A typed client of the QuickBooks Time API v1 on httpx: the nine actions of the QuickBooks Time
connector (seed 002; reference §8), its "new records" polling trigger (reference §9.5), and what
``timeledger sync`` needs besides (every page with its supplemental data, deleted timesheets, manual
timesheets, jobcodes, assignments, custom fields and their items), against the real service
(``https://rest.tsheets.com/api/v1``) or any timeledger (``/api/v1``).

Errors, all ``ConnectorError``: ``InputError`` (refused before anything is sent), ``CredentialsError``
(a credentials file that cannot be read or written), ``UnreachableError`` (no HTTP answer),
``ApiError`` (the whole request refused; > ``AuthenticationError`` for a 401 a refresh could not
cure), ``ItemError`` (an item of a write refused by its own ``_status_code``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import httpx

from timeledger.connectors.polite import Polite

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: files are then written unlocked
    fcntl = None  # type: ignore[assignment]

DEFAULT_BASE_URL = "https://rest.tsheets.com/api/v1"
# The block of a ``timeledger demo`` JSON that holds these credentials.
DEMO_BLOCK = "quickbooks_time"
USER_AGENT = "timeledger-qbtime/0.1"

Active = Literal["yes", "no", "both"]
# An action's answer: the response's ``results``, e.g. {"timesheets": {"<id or position>": {...}}}.
Results = dict[str, Any]


class ConnectorError(Exception):
    """Anything the connector could not do; the message is one line, for a person."""


class InputError(ConnectorError):
    """An action's input is missing or malformed: nothing was sent."""


class CredentialsError(ConnectorError):
    """A credentials file that cannot be read, holds no access token, or cannot be written back."""


class UnreachableError(ConnectorError):
    """No HTTP answer: the address is wrong, nothing listens there, or the connection broke."""


class ApiError(ConnectorError):
    """The whole request refused: the HTTP status and QuickBooks Time's message (``{"error": {...}}``
    or OAuth's ``{"error", "error_description"}``), or the reason phrase when the body is neither."""

    def __init__(self, status: int, message: str, method: str, url: str, *, context: str = "") -> None:
        super().__init__(f"{context}{method} {url} answered {status}: {message}")
        self.status = status
        self.message = message


class AuthenticationError(ApiError):
    """401: the access token was refused and no refresh could replace it."""


class ItemError(ConnectorError):
    """Items of a write refused with their own ``_status_code`` (300 or more) in a 2xx response.
    ``results`` is the whole answer: the other items of the batch may have succeeded. Items are
    named by their position in the request (``item 1``) or, for a delete, by id (``id 123``)."""

    def __init__(
        self, resource: str, refused: Mapping[str, Mapping[str, Any]], results: Results, label: str = "item"
    ) -> None:
        shown = "; ".join(
            f"{label} {key}: {item.get('_status_code')} {item.get('_status_message', '')}"
            + (f": {item['_status_extra']}" if item.get("_status_extra") else "")
            for key, item in refused.items()
        )
        super().__init__(f"QuickBooks Time refused {resource} {shown}")
        self.refused = dict(refused)
        self.results = results


# --- credentials ---------------------------------------------------------------------------------


@dataclass
class Credentials:
    """An access token, and what it takes to refresh it (all four of ``refresh_token``, ``client_id``
    and ``client_secret``); ``base_url`` when the credentials name their server."""

    access_token: str
    refresh_token: str = ""
    client_id: str = ""
    client_secret: str = ""
    base_url: str = ""

    @property
    def can_refresh(self) -> bool:
        return bool(self.refresh_token and self.client_id and self.client_secret)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any], where: str) -> Credentials:
        """From a JSON object (a credentials file, or the demo's ``quickbooks_time`` block); other keys
        (``company_id``, ``redirect_uri``, ...) are ignored. CredentialsError without an access token."""
        token = values.get("access_token")
        if not isinstance(token, str) or not token.strip():
            raise CredentialsError(f"{where} holds no access_token")
        texts = {
            name: values[name] if isinstance(values.get(name), str) else ""
            for name in ("refresh_token", "client_id", "client_secret", "base_url")
        }
        return cls(access_token=token.strip(), **texts)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> Credentials | None:
        """From ``QUICKBOOKS_TIME_ACCESS_TOKEN`` (and ``_REFRESH_TOKEN``, ``_CLIENT_ID``,
        ``_CLIENT_SECRET``, ``_BASE_URL``); None when no access token is set."""
        token = env.get("QUICKBOOKS_TIME_ACCESS_TOKEN", "").strip()
        if not token:
            return None
        return cls(
            access_token=token,
            refresh_token=env.get("QUICKBOOKS_TIME_REFRESH_TOKEN", "").strip(),
            client_id=env.get("QUICKBOOKS_TIME_CLIENT_ID", "").strip(),
            client_secret=env.get("QUICKBOOKS_TIME_CLIENT_SECRET", "").strip(),
            base_url=env.get("QUICKBOOKS_TIME_BASE_URL", "").strip(),
        )


def write_json_atomically(path: Path, data: Any) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it over ``path``: a reader sees
    the old file or the new one, never half of one. The file keeps its permissions (new: 0600)."""
    try:
        mode = path.stat().st_mode & 0o7777
    except FileNotFoundError:
        mode = 0o600
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(data, out, indent=2)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


@dataclass(frozen=True)
class CredentialsFile:
    """A JSON file of credentials: an object with ``access_token`` and the rest, or a whole
    ``timeledger demo`` JSON, whose ``quickbooks_time`` block is used. Rotated tokens are written back
    into the same place, every other key of the file kept as it was."""

    path: Path

    def _read(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the whole file, the object holding the credentials)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CredentialsError(f"no credentials file {self.path}") from None
        except OSError as error:
            raise CredentialsError(f"cannot read {self.path}: {error.strerror}") from None
        except ValueError:
            raise CredentialsError(f"{self.path} is not JSON") from None
        if not isinstance(data, dict):
            raise CredentialsError(f"{self.path} holds no JSON object")
        block = data.get(DEMO_BLOCK)
        return data, block if isinstance(block, dict) else data

    def load(self) -> Credentials:
        return Credentials.from_mapping(self._read()[1], str(self.path))

    def check_writable(self) -> None:
        """CredentialsError if rotated tokens could not be written back: refreshing would then spend
        the refresh token and lose its successor."""
        if not (os.access(self.path, os.W_OK) and os.access(self.path.parent, os.W_OK)):
            raise CredentialsError(
                f"the access token was refused and {self.path} is not writable, so it is not refreshed "
                "(the rotated tokens would be lost)"
            )

    def store(self, credentials: Credentials) -> None:
        """Write the access and refresh tokens back where they were read from."""
        data, block = self._read()
        block["access_token"] = credentials.access_token
        block["refresh_token"] = credentials.refresh_token
        try:
            write_json_atomically(self.path, data)
        except OSError as error:
            raise CredentialsError(
                f"cannot write the rotated tokens to {self.path}: {error.strerror}"
            ) from None

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Held while tokens are refreshed, so two processes sharing the file do not both spend the
        same refresh token (the second use of one revokes the whole chain). The lock is on the
        folder, which the atomic rename leaves in place (a lock on the file would not survive it)."""
        if fcntl is None:  # pragma: no cover
            yield
            return
        folder = os.open(self.path.parent, os.O_RDONLY)
        try:
            fcntl.flock(folder, fcntl.LOCK_EX)
            yield
        finally:
            os.close(folder)  # closing releases the lock


# --- action inputs -------------------------------------------------------------------------------
# The seed connector's inputs, one dataclass per action. ``additional`` is its "Additional Query
# Parameters": merged into the query string of a GET, into the body item of a POST or PUT (§8).


@dataclass(frozen=True)
class UsersQuery:
    """Get Users."""

    active: Active | None = None
    per_page: int | None = None
    page: int | None = None
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobcodesQuery:
    """Get Job Codes."""

    active: Active | None = None
    per_page: int | None = None
    page: int | None = None
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class JobcodeAssignmentsQuery:
    """Get Job Code Assignments."""

    active: Active | None = None
    per_page: int | None = None
    page: int | None = None
    user_ids: Sequence[int | str] = ()
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TimesheetsQuery:
    """Get Time Sheets. QuickBooks Time wants ``start_date`` (or ``ids`` or ``modified_since`` among
    the additional parameters); ``active`` is sent as the seed sends it, though no timesheet filter
    reads it (reference §2)."""

    active: Active | None = None
    per_page: int | None = None
    page: int | None = None
    user_ids: Sequence[int | str] = ()
    jobcode_ids: Sequence[int | str] = ()
    start_date: date | str | None = None
    end_date: date | str | None = None
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NewTimesheet:
    """Create Timesheet: a ``regular`` timesheet; all four inputs required. Times in ISO 8601 with
    their offset (an aware datetime, or text such as ``2024-07-23T09:00:00-06:00``)."""

    user_id: int | str
    jobcode_id: int | str
    start: datetime | str
    end: datetime | str
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class TimesheetChanges:
    """Update Timesheet: only ``id`` required; a field left None is not sent, and so not changed.
    ``notes`` is sent even empty (``""`` clears them), unlike the seed's inputs."""

    id: int | str
    jobcode_id: int | str | None = None
    start: datetime | str | None = None
    end: datetime | str | None = None
    additional: Mapping[str, Any] = field(default_factory=dict)
    notes: str | None = None


@dataclass(frozen=True)
class NewUser:
    """Create User."""

    username: str
    first_name: str
    last_name: str
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class UserChanges:
    """Update User, named by ``id`` or else ``username``; the changes go in ``additional`` (to rename
    a user, name it by id and send the new ``username`` there)."""

    id: int | str | None = None
    username: str | None = None
    additional: Mapping[str, Any] = field(default_factory=dict)


# --- beyond the nine actions: what the sync needs --------------------------------------------------


@dataclass(frozen=True)
class NewManualTimesheet:
    """A ``manual`` timesheet: a date and a duration in seconds (kept in 36-second steps, reference
    §2), no start or end; ``jobcode_id`` 0 for none."""

    user_id: int | str
    jobcode_id: int | str
    date: date | str
    duration: int
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DeletedTimesheetsQuery:
    """``GET /timesheets_deleted`` (reference §9.4): ``ids``, ``modified_since``/``modified_before``
    or both dates are required by the service."""

    ids: Sequence[int | str] = ()
    modified_since: datetime | str | None = None
    modified_before: datetime | str | None = None
    start_date: date | str | None = None
    end_date: date | str | None = None
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NewJobcode:
    """A jobcode: only ``name`` required; ``parent_id`` 0 is the top level."""

    name: str
    parent_id: int | str = 0
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NewJobcodeAssignment:
    """Let ``user_id`` (0: everyone) track time on ``jobcode_id`` and its children."""

    user_id: int | str
    jobcode_id: int | str


@dataclass(frozen=True)
class CustomFieldsQuery:
    """``GET /customfields``; the service's defaults are ``active=yes``, ``applies_to=timesheet``."""

    ids: Sequence[int | str] = ()
    active: Active | None = None
    applies_to: str | None = None
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CustomFieldItemsQuery:
    """``GET /customfielditems`` of one custom field (``customfield_id`` required); ``name`` is a
    prefix, ``*`` standing for any text."""

    customfield_id: int | str
    ids: Sequence[int | str] = ()
    active: Active | None = None
    name: str | None = None
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class NewCustomFieldItem:
    """A choice of a managed-list custom field; ``short_code`` letters and digits, unique in the
    account."""

    customfield_id: int | str
    name: str
    short_code: str | None = None
    additional: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Listing:
    """A GET read through every page: its ``results`` and its ``supplemental_data`` (the users,
    jobcodes and custom fields the results name), each by type, then by id as a string."""

    results: Results
    supplemental: dict[str, dict[str, Any]]


def _unset(value: Any) -> bool:
    # An empty value is never sent (§8): an ``end`` of "" on a PUT would put a timesheet back on
    # the clock, and an empty filter is no filter.
    if isinstance(value, str):
        return not value.strip()
    return value is None or (isinstance(value, list | tuple) and not value)


def _moment(value: Any, name: str) -> Any:
    """Dates and aware datetimes in ISO 8601; anything else as it is."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InputError(f"{name} needs its offset from UTC (an aware datetime)")
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _fields(named: Mapping[str, Any], additional: Mapping[str, Any]) -> dict[str, Any]:
    """A body item: the set values of ``named``, then of ``additional`` (merged last, as the seed
    merges it, so it may override)."""
    merged = {**named, **additional}
    return {k: _moment(v, k) for k, v in merged.items() if not _unset(v)}


def _query_text(value: Any) -> str:
    """A query value as QuickBooks Time reads it: lists as CSV, booleans yes/no."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list | tuple):
        return ",".join(str(v).strip() for v in value)
    return value if isinstance(value, str) else json.dumps(value)


def _query(named: Mapping[str, Any], additional: Mapping[str, Any]) -> dict[str, str]:
    return {k: _query_text(v) for k, v in _fields(named, additional).items()}


def _required(**values: Any) -> None:
    missing = [name for name, value in values.items() if _unset(value)]
    if missing:
        raise InputError(f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} required")


# --- the client ----------------------------------------------------------------------------------


def _error_message(response: httpx.Response) -> str:
    """QuickBooks Time's ``{"error": {"code", "message"}}``, OAuth's ``{"error", "error_description"}``,
    else the reason phrase."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict) and error.get("message"):
        message = " ".join(str(error["message"]).split())
    elif isinstance(error, str):
        detail = body.get("error_description") if isinstance(body, dict) else None
        message = f"{error}: {detail}" if detail else error
    else:
        message = response.reason_phrase or "no message"
    if response.headers.get("retry-after"):
        message += f" (Retry-After: {response.headers['retry-after']})"
    return message


class QuickBooksTimeClient:
    """The connector's actions. Every call sends ``Authorization: Bearer``; a 401 with refresh
    credentials refreshes once through ``POST {base_url}/grant`` and retries, the rotated tokens kept
    in ``credentials`` and written back to ``store`` (a ``CredentialsFile``) when given. A 429 or 503
    is retried ``retries`` times after ``Retry-After`` or, without one, after ``base_delay`` doubled
    each time up to ``max_delay``; a ``Retry-After`` beyond ``max_delay`` is an ApiError at once
    (the rule of ``polite.Polite``; pass one as ``polite`` to share its pace and counts, as the sync
    does, and the four retry arguments are then its). ``sleep`` and ``transport`` are for tests."""

    def __init__(
        self,
        credentials: Credentials,
        *,
        base_url: str | None = None,
        store: CredentialsFile | None = None,
        retries: int = 3,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
        polite: Polite | None = None,
    ) -> None:
        self.credentials = credentials
        self.base_url = (base_url or credentials.base_url or DEFAULT_BASE_URL).rstrip("/")
        self._store = store
        polite = polite or Polite(retries=retries, base_delay=base_delay, max_wait=max_delay, sleep=sleep)
        self._http = httpx.Client(
            timeout=timeout,
            transport=polite.httpx_transport(transport),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> QuickBooksTimeClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- HTTP ------------------------------------------------------------------------------------

    def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One request; a 429 or 503 is waited out and repeated by the transport (``Polite``), writes
        too: a 429 was not carried out, and a 503 is QuickBooks Time's "temporarily unavailable"
        (reference §1), which the official .NET SDK retries for every method."""
        try:
            return self._http.request(method, url, **kwargs)
        except httpx.HTTPError as error:
            raise UnreachableError(f"cannot reach {url}: {error or type(error).__name__}") from None

    def _authorized(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.credentials.access_token}"}
        return self._send(method, url, headers=headers, **kwargs)

    def _request(
        self, method: str, resource: str, *, params: Mapping[str, str] | None = None, body: Any = None
    ) -> dict[str, Any]:
        url = f"{self.base_url}/{resource}"
        kwargs: dict[str, Any] = {"params": params or None}
        if body is not None:
            kwargs["json"] = body
        refused_token = self.credentials.access_token
        response = self._authorized(method, url, **kwargs)
        if response.status_code == 401 and self._renew(refused_token):
            response = self._authorized(method, url, **kwargs)
        if not response.is_success:
            kind = AuthenticationError if response.status_code == 401 else ApiError
            raise kind(response.status_code, _error_message(response), method, url)
        try:
            answer = response.json()
        except ValueError:
            raise ApiError(response.status_code, "the answer is not JSON", method, url) from None
        if not isinstance(answer, dict):
            raise ApiError(response.status_code, "the answer is not a JSON object", method, url)
        return answer

    def _renew(self, refused_token: str) -> bool:
        """After a 401: newer tokens, from the store (another process refreshed them) or from the
        token endpoint. False when there is nothing to refresh with."""
        if not self.credentials.can_refresh:
            return False
        with self._store.locked() if self._store else contextlib.nullcontext():
            if self._store is not None:
                stored = self._store.load()
                if stored.access_token != refused_token:
                    self.credentials = replace(
                        self.credentials, access_token=stored.access_token, refresh_token=stored.refresh_token
                    )
                    return True
                self._store.check_writable()
            self._refresh()
            if self._store is not None:
                self._store.store(self.credentials)
        return True

    def _refresh(self) -> None:
        """``grant_type=refresh_token`` at ``/grant`` (reference §7): client credentials in the body."""
        url = f"{self.base_url}/grant"
        response = self._send(
            "POST",
            url,
            data={
                "grant_type": "refresh_token",
                "client_id": self.credentials.client_id,
                "client_secret": self.credentials.client_secret,
                "refresh_token": self.credentials.refresh_token,
            },
        )
        tokens: Any = None
        if response.is_success:
            with contextlib.suppress(ValueError):
                tokens = response.json()
        if not isinstance(tokens, dict) or not isinstance(tokens.get("access_token"), str):
            raise AuthenticationError(
                response.status_code,
                _error_message(response),
                "POST",
                url,
                context="the access token was refused and refreshing it failed: ",
            )
        self.credentials = replace(
            self.credentials,
            access_token=tokens["access_token"],
            # A server that does not rotate refresh tokens leaves the old one good.
            refresh_token=tokens.get("refresh_token") or self.credentials.refresh_token,
        )

    # --- reads -----------------------------------------------------------------------------------

    def _pages(self, resource: str, params: dict[str, str], max_pages: int | None) -> Results:
        return self._walk(resource, params, max_pages).results

    def _walk(self, resource: str, params: dict[str, str], max_pages: int | None) -> Listing:
        """Every page from ``page`` (the first unless given) while ``more`` is true, at most
        ``max_pages``; their results and supplemental data merged, keyed by id as QuickBooks Time
        keys them."""
        merged: Results = {resource: {}}
        supplemental: dict[str, dict[str, Any]] = {}
        try:
            page = int(params.get("page") or 1)
        except ValueError:
            raise InputError(f"page must be an integer, not {params['page']!r}") from None
        fetched = 0
        while True:
            answer = self._request(
                "GET", resource, params={**params, "page": str(page)} if fetched else params
            )
            fetched += 1
            results = answer.get("results")
            found = False
            for key, value in results.items() if isinstance(results, dict) else ():
                if isinstance(value, dict | list):  # an empty map may come as [] (reference, uncertainty 2)
                    merged.setdefault(key, {}).update(value or {})
                    found = found or bool(value)
                else:
                    merged[key] = value
            extra = answer.get("supplemental_data")
            for key, value in extra.items() if isinstance(extra, dict) else ():
                if isinstance(value, dict):
                    supplemental.setdefault(key, {}).update(value)
            # An empty page ends the walk whatever ``more`` says: no endless loop on a confused server.
            if answer.get("more") is not True or not found or (max_pages and fetched >= max_pages):
                return Listing(merged, supplemental)
            page += 1

    def get_users(self, query: UsersQuery = UsersQuery(), *, max_pages: int | None = None) -> Results:
        named = {"active": query.active, "per_page": query.per_page, "page": query.page}
        return self._pages("users", _query(named, query.additional), max_pages)

    def get_jobcodes(
        self, query: JobcodesQuery = JobcodesQuery(), *, max_pages: int | None = None
    ) -> Results:
        named = {"active": query.active, "per_page": query.per_page, "page": query.page}
        return self._pages("jobcodes", _query(named, query.additional), max_pages)

    def get_jobcode_assignments(
        self, query: JobcodeAssignmentsQuery = JobcodeAssignmentsQuery(), *, max_pages: int | None = None
    ) -> Results:
        named = {
            "active": query.active,
            "per_page": query.per_page,
            "page": query.page,
            "user_ids": tuple(query.user_ids),
        }
        return self._pages("jobcode_assignments", _query(named, query.additional), max_pages)

    def get_timesheets(self, query: TimesheetsQuery, *, max_pages: int | None = None) -> Results:
        named = {
            "active": query.active,
            "per_page": query.per_page,
            "page": query.page,
            "user_ids": tuple(query.user_ids),
            "jobcode_ids": tuple(query.jobcode_ids),
            "start_date": query.start_date,
            "end_date": query.end_date,
        }
        return self._pages("timesheets", _query(named, query.additional), max_pages)

    def get_listing(
        self, resource: str, params: Mapping[str, Any] | None = None, *, max_pages: int | None = None
    ) -> Listing:
        """Any list endpoint (``timesheets``, ``users``, ...), every page, with its supplemental data,
        which the actions drop (§8). ``params`` as the query string, lists as CSV, unset ones left out."""
        return self._walk(resource, _query(dict(params or {}), {}), max_pages)

    def get_deleted_timesheets(
        self, query: DeletedTimesheetsQuery, *, max_pages: int | None = None
    ) -> Results:
        named = {
            "ids": tuple(query.ids),
            "modified_since": query.modified_since,
            "modified_before": query.modified_before,
            "start_date": query.start_date,
            "end_date": query.end_date,
        }
        return self._pages("timesheets_deleted", _query(named, query.additional), max_pages)

    def get_customfields(
        self, query: CustomFieldsQuery = CustomFieldsQuery(), *, max_pages: int | None = None
    ) -> Results:
        named = {"ids": tuple(query.ids), "active": query.active, "applies_to": query.applies_to}
        return self._pages("customfields", _query(named, query.additional), max_pages)

    def get_customfield_items(self, query: CustomFieldItemsQuery, *, max_pages: int | None = None) -> Results:
        _required(customfield_id=query.customfield_id)
        named = {
            "customfield_id": query.customfield_id,
            "ids": tuple(query.ids),
            "active": query.active,
            "name": query.name,
        }
        return self._pages("customfielditems", _query(named, query.additional), max_pages)

    def get_last_modified_timestamps(self, endpoints: Sequence[str] = ()) -> dict[str, str]:
        """When each resource last changed (reference §9.4), for pollers to skip what did not."""
        answer = self._request(
            "GET", "last_modified_timestamps", params=_query({"endpoints": tuple(endpoints)}, {})
        )
        found = (answer.get("results") or {}).get("last_modified_timestamps")
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}

    # --- writes ----------------------------------------------------------------------------------

    def _write(self, method: str, resource: str, item: dict[str, Any]) -> Results:
        return self._checked(resource, self._request(method, resource, body={"data": [item]}))

    @staticmethod
    def _checked(resource: str, answer: dict[str, Any], label: str = "item") -> Results:
        """The answer's ``results``; ItemError if an item carries a status of 300 or more."""
        results = answer.get("results") if isinstance(answer.get("results"), dict) else {}
        items = results.get(resource) if isinstance(results.get(resource), dict) else {}
        refused = {
            key: item
            for key, item in items.items()
            if isinstance(item, dict) and int(item.get("_status_code") or 200) >= 300
        }
        if refused:
            raise ItemError(resource, refused, results, label)
        return results

    def create_timesheet(self, timesheet: NewTimesheet) -> Results:
        _required(
            user_id=timesheet.user_id,
            jobcode_id=timesheet.jobcode_id,
            start=timesheet.start,
            end=timesheet.end,
        )
        named = {
            "user_id": timesheet.user_id,
            "jobcode_id": timesheet.jobcode_id,
            "type": "regular",  # the seed hard-codes it (§8)
            "start": timesheet.start,
            "end": timesheet.end,
        }
        return self._write("POST", "timesheets", _fields(named, timesheet.additional))

    def update_timesheet(self, changes: TimesheetChanges) -> Results:
        _required(id=changes.id)
        named = {
            "id": changes.id,
            "jobcode_id": changes.jobcode_id,
            "start": changes.start,
            "end": changes.end,
        }
        item = _fields(named, changes.additional)
        if changes.notes is not None:
            item["notes"] = changes.notes
        return self._write("PUT", "timesheets", item)

    def create_manual_timesheet(self, timesheet: NewManualTimesheet) -> Results:
        _required(user_id=timesheet.user_id, jobcode_id=timesheet.jobcode_id, date=timesheet.date)
        named = {
            "user_id": timesheet.user_id,
            "jobcode_id": timesheet.jobcode_id,
            "type": "manual",
            "date": timesheet.date,
            "duration": timesheet.duration,
        }
        return self._write("POST", "timesheets", _fields(named, timesheet.additional))

    def create_jobcode(self, jobcode: NewJobcode) -> Results:
        """A jobcode. The service answers 202, not an error, when its parent already has one of that
        name and type (reference §4): that item then carries no ``id``."""
        _required(name=jobcode.name)
        named = {"name": jobcode.name, "parent_id": jobcode.parent_id}
        return self._write("POST", "jobcodes", _fields(named, jobcode.additional))

    def create_jobcode_assignment(self, assignment: NewJobcodeAssignment) -> Results:
        _required(user_id=assignment.user_id, jobcode_id=assignment.jobcode_id)
        named = {"user_id": assignment.user_id, "jobcode_id": assignment.jobcode_id}
        return self._write("POST", "jobcode_assignments", _fields(named, {}))

    def create_customfield_item(self, item: NewCustomFieldItem) -> Results:
        _required(customfield_id=item.customfield_id, name=item.name)
        named = {"customfield_id": item.customfield_id, "name": item.name, "short_code": item.short_code}
        return self._write("POST", "customfielditems", _fields(named, item.additional))

    def delete_timesheet(self, ids: Sequence[int | str]) -> Results:
        """Delete Timesheet: ``DELETE /timesheets?ids=`` (the seed labels its input "Job Code IDs" but
        sends timesheet ids, §8). Results are keyed by each id as passed."""
        wanted = [str(i).strip() for i in ids if str(i).strip()]
        if not wanted:
            raise InputError("ids is required")
        answer = self._request("DELETE", "timesheets", params={"ids": ",".join(wanted)})
        return self._checked("timesheets", answer, label="id")

    def create_user(self, user: NewUser) -> Results:
        _required(username=user.username, first_name=user.first_name, last_name=user.last_name)
        named = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name}
        return self._write("POST", "users", _fields(named, user.additional))

    def update_user(self, changes: UserChanges) -> Results:
        """By ``id`` when one is given (it must be an integer), else by ``username`` (§8)."""
        if not _unset(changes.id):
            if not str(changes.id).strip().isdigit():
                raise InputError(f"id must be an integer, not {changes.id!r}")
            named: dict[str, Any] = {"id": int(str(changes.id).strip())}
        elif not _unset(changes.username):
            named = {"username": changes.username}
        else:
            raise InputError("Update User needs an id or a username")
        return self._write("PUT", "users", _fields(named, changes.additional))


# --- the "new records" trigger -------------------------------------------------------------------

# What the trigger watches: the record type it reports, and the resource it reads.
WATCHED = (("timesheet", "timesheets"), ("user", "users"), ("jobcode", "jobcodes"))
# A resource whose last_modified_timestamps value is unchanged is skipped only if that value is this
# much older than the previous poll: the values are whole seconds, so a change made in the same
# second as an earlier one, after the previous poll read it, would not move it (and this absorbs a
# little clock difference with the server).
SKIP_MARGIN = timedelta(seconds=5)


@dataclass(frozen=True)
class NewRecord:
    """A record the trigger reports: its type (``timesheet``, ``user``, ``jobcode``), whether it is
    ``new`` or ``changed`` since the previous poll, and the record as QuickBooks Time shows it."""

    type: str
    change: str
    record: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"type": self.type, "change": self.change, "record": self.record}


@dataclass
class TriggerState:
    """What the trigger remembers between polls (``to_json``/``from_json`` for a state file): when the
    previous poll started, the last_modified_timestamps it read, and per resource each record seen,
    by id, with its ``last_modified`` and a digest of its content."""

    last_poll: datetime | None = None
    timestamps: dict[str, str] = field(default_factory=dict)
    seen: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "last_poll": self.last_poll.isoformat() if self.last_poll else None,
            "timestamps": self.timestamps,
            "seen": self.seen,
        }

    @classmethod
    def from_json(cls, data: Any) -> TriggerState:
        """ValueError for anything but what ``to_json`` writes."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        last = data.get("last_poll")
        timestamps, seen = data.get("timestamps", {}), data.get("seen", {})
        if not isinstance(timestamps, dict) or not isinstance(seen, dict):
            raise ValueError("timestamps and seen must be objects")
        if not all(isinstance(v, dict) for v in seen.values()):
            raise ValueError("seen must hold an object per resource")
        polled = datetime.fromisoformat(last) if isinstance(last, str) else None
        if polled is not None and polled.tzinfo is None:
            raise ValueError("last_poll needs its offset")
        return cls(polled, dict(timestamps), {k: dict(v) for k, v in seen.items()})


# Fields that move without the record changing (a user's last sign-in), left out of the digest.
VOLATILE_FIELDS = frozenset({"last_active"})


def _seen_as(record: dict[str, Any]) -> dict[str, str]:
    # The digest catches a change made within the second of the one before it: last_modified is
    # whole seconds, and would not tell them apart.
    content = {k: v for k, v in record.items() if k not in VOLATILE_FIELDS}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return {
        "last_modified": str(record.get("last_modified", "")),
        "digest": hashlib.sha256(canonical.encode()).hexdigest()[:32],
    }


class NewRecordsTrigger:
    """The connector's "New Records" trigger (reference §9.5): timesheets read with only
    ``start_date`` (the UTC date of the previous poll, less a day), so, ``on_the_clock`` defaulting
    to ``no``, a running timesheet shows up once clocked out; users and jobcodes (active or not, of
    every type) read whole. Each poll reports what is new or changed since the one before, by id,
    comparing ``last_modified`` and content. A resource whose ``last_modified_timestamps`` entry has
    not moved is not read at all. Like the seed's, it does not see a timesheet dated before its
    window (one entered for last week) nor deletions.

    The first poll (an empty state) reports every user and jobcode and the timesheets of today and
    yesterday."""

    def __init__(
        self,
        client: QuickBooksTimeClient,
        state: TriggerState | None = None,
        *,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self.state = state or TriggerState()
        self._now = now or (lambda: datetime.now(UTC))

    def _skippable(self, resource: str, stamps: Mapping[str, str]) -> bool:
        previous, current = self.state.timestamps.get(resource), stamps.get(resource)
        if not previous or previous != current or self.state.last_poll is None:
            return False
        try:
            changed = datetime.fromisoformat(current)
        except ValueError:
            return False
        return changed.tzinfo is not None and changed + SKIP_MARGIN <= self.state.last_poll

    def _fetch(self, resource: str, last_poll: datetime) -> dict[str, Any]:
        quiet = {"supplemental_data": "no"}
        if resource == "timesheets":
            # A day before the seed's start_date: a timesheet's date is its user's local date, up to
            # a day behind UTC west of it, and the seed's would miss an evening's timesheets there.
            since = last_poll.astimezone(UTC).date() - timedelta(days=1)
            found = self.client.get_timesheets(TimesheetsQuery(start_date=since, additional=quiet))
        elif resource == "users":
            found = self.client.get_users(UsersQuery(active="both", additional=quiet))
        else:
            found = self.client.get_jobcodes(
                JobcodesQuery(active="both", additional={**quiet, "type": "all"})
            )
        return found.get(resource) or {}

    def poll(self) -> list[NewRecord]:
        """One poll: the records new or changed since the previous one (in ``state``, updated only
        once every resource has been read, so a failed poll changes nothing)."""
        started = self._now()
        last_poll = self.state.last_poll or started
        stamps = self.client.get_last_modified_timestamps([resource for _, resource in WATCHED])
        reported: list[NewRecord] = []
        seen = dict(self.state.seen)
        for kind, resource in WATCHED:
            if self._skippable(resource, stamps):
                continue
            before = self.state.seen.get(resource, {})
            now_seen: dict[str, dict[str, str]] = {}
            for key, record in self._fetch(resource, last_poll).items():
                if not isinstance(record, dict):
                    continue
                now_seen[key] = _seen_as(record)
                if before.get(key) != now_seen[key]:
                    reported.append(NewRecord(kind, "changed" if key in before else "new", record))
            # Timesheets: only those of the window are kept; the next window starts no earlier.
            seen[resource] = now_seen
        self.state = TriggerState(started, dict(stamps), seen)
        return reported
