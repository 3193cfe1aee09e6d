"""The FreshBooks half of ``timeledger sync``, on freshbooks-sdk, against FreshBooks
(``https://api.freshbooks.com``) or any timeledger: a reader of the time entries changed since a
watermark and a writer of entries. Names cross, ids do not: a teammate by email then name (the Team
Members resource), a client by its organization, a project by its title under its client, a service
by its name.

Every request goes through the endpoint's ``Polite`` (the SDK's own retries are off), and no SDK
exception leaves this module: a refusal of one entry's write is ``Refused`` with FreshBooks' own
message, anything that stops the run is a one-line ``ConnectorError``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import requests
from freshbooks import Client, FilterBuilder, PaginateBuilder
from freshbooks.errors import FreshBooksClientConfigError, FreshBooksError, FreshBooksNotImplementedError

from timeledger.connectors.entries import (
    Changes,
    ConnectorError,
    Entry,
    Found,
    Missing,
    Person,
    Refused,
    Written,
    find_person,
    folded,
    same_work,
)
from timeledger.connectors.polite import Polite, polite_session
from timeledger.connectors.quickbooks_time import CredentialsFile, write_json_atomically

DEFAULT_API_URL = "https://api.freshbooks.com"
# The block of a ``timeledger demo`` JSON that holds these credentials.
BLOCK = "freshbooks"
REQUIRED = ("access_token", "business_id", "account_id")
PER_PAGE = 100  # FreshBooks' largest page (reference §2.4)
# A local work date spans these instants at most: from UTC+14 (its start) to UTC-12 (its end).
EARLIEST_OFFSET, LATEST_OFFSET = timedelta(hours=14), timedelta(hours=12)
# Dates this close together are read with one ranged list rather than one list each.
DATE_GAP = timedelta(days=3)

T = TypeVar("T")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _instant(moment: datetime) -> str:
    """An instant as FreshBooks writes them, ``2016-08-16T20:00:00Z``: a literal ``Z`` rather than
    ``+00:00``, whose ``+`` the SDK would send unencoded in a query string (reference §1.4)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_instant(text: Any) -> datetime | None:
    """FreshBooks' ``...Z`` (or an offset, or fractional seconds); naive means UTC."""
    if not isinstance(text, str) or not text.strip():
        return None
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _id_text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _int_or_none(value: Any) -> int | None:
    try:
        return None if value in (None, "") else int(value)
    except (TypeError, ValueError):
        return None


def revision_of(raw: Mapping[str, Any]) -> str:
    """A FreshBooks time entry's revision: FreshBooks keeps none, so a digest of the fields that
    matter to the sync, canonical (ids as text, the start in UTC) so that the same entry read by a
    list, a get or a write's answer has the same one."""
    timer = raw.get("timer") if isinstance(raw.get("timer"), dict) else {}
    started_at = _parse_instant(raw.get("started_at"))
    fields = {
        "identity_id": _id_text(raw.get("identity_id")),
        "client_id": _id_text(raw.get("client_id")),
        "project_id": _id_text(raw.get("project_id")),
        "service_id": _id_text(raw.get("service_id")),
        "started_at": _instant(started_at) if started_at else None,
        "duration": _int_or_none(raw.get("duration")),
        "note": raw.get("note") or "",
        "billable": raw.get("billable"),
        "billed": raw.get("billed"),
        "is_logged": raw.get("is_logged"),
        "timer_running": bool(timer.get("is_running")),
    }
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _message(error: FreshBooksError) -> str:
    """FreshBooks' own words: each field error of a project-like answer (``{"errno", "error":
    {field: text}}``), else the message the SDK read (reference §1.6)."""
    details = error.error_details or []
    if details and all(isinstance(d, dict) and len(d) == 1 and "message" not in d for d in details):
        return _one_line("; ".join(f"{field}: {text}" for d in details for field, text in d.items()))
    text = error.args[0] if error.args and error.args[0] else error.error_code
    return _one_line(text or "no message")


# --- the endpoint ----------------------------------------------------------------------------------


class _Endpoint:
    """One FreshBooks business through the SDK: every request polite, a 401 cured by one refresh
    whose tokens are written back to the endpoint file, every SDK error turned into ours."""

    def __init__(self, block: Mapping[str, Any], polite: Polite, path: Path) -> None:
        self.api_url = str(block.get("api_url") or DEFAULT_API_URL).rstrip("/")
        self.business_id = int(block["business_id"])
        self.account_id = str(block["account_id"])
        self._polite = polite
        self._path = path
        self._refreshable = all(
            isinstance(block.get(k), str) and block[k]
            for k in ("refresh_token", "client_id", "client_secret")
        )
        self._client = Client(
            client_id=str(block.get("client_id") or ""),
            client_secret=block.get("client_secret") or None,
            # The SDK will not refresh without a redirect URI (reference §7): the block's, else a stand-in.
            redirect_uri=block.get("redirect_uri") or "https://localhost/",
            access_token=str(block["access_token"]),
            refresh_token=block.get("refresh_token") or None,
            auto_retry=False,  # the rate cap and the 429/503 retries are Polite's
        )
        # The SDK reads FRESHBOOKS_API_URL once, in its constructor (reference §1.1); setting the URLs
        # after it lets two endpoints at two URLs live in one process, whatever the environment says.
        self._client.base_url = self.api_url
        self._client.token_url = f"{self.api_url}/auth/oauth/token"
        self._sessions: list[requests.Session] = []

    def resource(self, name: str) -> Any:
        """``client.<name>``, sending through Polite. The SDK makes a resource, with its own session
        and a copy of the access token, per access: so one per request, made inside ``call``."""
        resource = getattr(self._client, name)
        self._sessions.append(polite_session(resource.session, self._polite))
        return resource

    def get_json(self, path: str, params: Mapping[str, str]) -> dict[str, Any]:
        """A GET the SDK has no method for (team members), sent as the SDK sends its own; an error
        is raised as the SDK raises one of the auth family (``error_description``)."""
        session = polite_session(requests.Session(), self._polite)
        self._sessions.append(session)
        response = session.get(
            f"{self.api_url}{path}",
            params=dict(params),
            headers={
                "Authorization": f"Bearer {self._client.access_token}",
                "user-agent": self._client.user_agent,
            },
            timeout=self._client.timeout,
        )
        try:
            body = response.json()
        except ValueError:
            raise FreshBooksError(response.status_code, "Failed to parse response", response.text) from None
        if response.status_code >= 400 or not isinstance(body, dict):
            found = body if isinstance(body, dict) else {}
            text = found.get("error_description") or found.get("message") or found.get("error")
            raise FreshBooksError(response.status_code, str(text or "Unknown error"), raw_response=body)
        return body

    def call(self, what: str, action: Callable[[], T], *, refusable: bool = False, absent: bool = False) -> T:
        """``action()``, which makes its resources with ``resource``; ``what`` names it in errors.
        A 401 is refreshed once, then the action runs again with the new token. ``refusable``: a
        4xx (but 401, 403 and 429, which no other entry would fare better with) is this entry's
        ``Refused``; everything else is a ConnectorError. ``absent``: a 404 raises ``_Absent``."""
        refreshed = False
        while True:
            try:
                return action()
            except FreshBooksError as error:
                if error.status_code == 401 and not refreshed and self._refreshable:
                    self._refresh()
                    refreshed = True
                    continue
                raise self._failure(what, error, refusable, absent, refreshed) from None
            except (requests.ConnectionError, requests.Timeout) as error:
                raise ConnectorError(
                    f"cannot reach FreshBooks at {self.api_url} ({what}): {_one_line(error)}"
                ) from None
            except requests.RequestException as error:
                raise ConnectorError(
                    f"FreshBooks at {self.api_url} failed {what}: {_one_line(error)}"
                ) from None
            except (
                FreshBooksNotImplementedError,
                FreshBooksClientConfigError,
                KeyError,
                TypeError,
                ValueError,
            ) as error:
                # The SDK trips over an answer it cannot read (a list without paging, say).
                raise ConnectorError(
                    f"FreshBooks at {self.api_url} gave an answer to {what} that makes no sense: "
                    f"{type(error).__name__} {_one_line(error)}"
                ) from None
            finally:
                for session in self._sessions:
                    session.close()
                self._sessions.clear()

    def call_or_none(self, what: str, action: Callable[[], T], *, refusable: bool = False) -> T | None:
        """``call``, with None for a 404: the thing is gone."""
        try:
            return self.call(what, action, refusable=refusable, absent=True)
        except _Absent:
            return None

    def _failure(
        self, what: str, error: FreshBooksError, refusable: bool, absent: bool, refreshed: bool
    ) -> Exception:
        status, message = error.status_code, _message(error)
        if status == 404 and absent:
            return _Absent()
        if refusable and 400 <= status < 500 and status not in (401, 403, 429):
            return Refused(f"FreshBooks refused {what} ({status}): {message}")
        if status == 401:
            why = (
                "even after refreshing it"
                if refreshed
                else "and it cannot be refreshed (the endpoint file has no refresh_token, client_id and "
                "client_secret)"
            )
            return ConnectorError(
                f"FreshBooks at {self.api_url} refused the access token (401) {why}: {message}"
            )
        return ConnectorError(f"FreshBooks at {self.api_url} answered {status} to {what}: {message}")

    def _refresh(self) -> None:
        """One refresh, its tokens written back where they came from, under the folder's lock: two
        processes sharing the file must not both spend the same refresh token. If another one
        already refreshed, its tokens are taken instead."""
        if not (os.access(self._path, os.W_OK) and os.access(self._path.parent, os.W_OK)):
            raise ConnectorError(
                f"FreshBooks refused the access token and {self._path} is not writable, so it is not "
                "refreshed (the rotated tokens would be lost)"
            )
        with CredentialsFile(self._path).locked():
            data, block = self._read_file()
            if block.get("access_token") and block["access_token"] != self._client.access_token:
                self._client.access_token = block["access_token"]
                self._client.refresh_token = block.get("refresh_token") or self._client.refresh_token
                return
            # The SDK posts the refresh with ``requests.post``, outside any session Polite could be
            # mounted on: paced and counted here, though a 429 there is not waited out.
            self._polite.pace()
            try:
                self._client.refresh_access_token()
            except FreshBooksError as error:
                raise ConnectorError(
                    f"FreshBooks at {self.api_url} refused the access token and refreshing it failed "
                    f"({error.status_code}): {_message(error)}"
                ) from None
            except requests.RequestException as error:
                raise ConnectorError(
                    f"FreshBooks at {self.api_url} refused the access token and refreshing it failed: "
                    f"{_one_line(error)}"
                ) from None
            except (FreshBooksClientConfigError, KeyError, TypeError, ValueError) as error:
                raise ConnectorError(
                    f"FreshBooks at {self.api_url} answered the token refresh with something unreadable: "
                    f"{type(error).__name__} {_one_line(error)}"
                ) from None
            block["access_token"] = self._client.access_token
            block["refresh_token"] = self._client.refresh_token
            try:
                write_json_atomically(self._path, data)
            except OSError as error:
                raise ConnectorError(
                    f"the FreshBooks tokens were refreshed but cannot be written to {self._path}: "
                    f"{error.strerror}"
                ) from None

    def _read_file(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the whole endpoint file, the object holding the tokens in it)."""
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ConnectorError(f"cannot read the endpoint file {self._path}: {_one_line(error)}") from None
        if not isinstance(data, dict):
            raise ConnectorError(f"{self._path} holds no JSON object")
        block = data.get(BLOCK)
        return data, block if isinstance(block, dict) else data

    def pages(
        self, what: str, name: str, list_page: Callable[[Any, PaginateBuilder], Any]
    ) -> list[dict[str, Any]]:
        """Every item of a list the SDK pages (``list_page(resource, paginator)``), page by page while
        its ``pages`` says there are more."""
        items: list[dict[str, Any]] = []
        page = 1
        while True:
            paginator = PaginateBuilder(page, PER_PAGE)
            found = self.call(what, lambda paginator=paginator: list_page(self.resource(name), paginator))
            batch = [result.data for result in found]
            items.extend(batch)
            paging = found.pages
            if not batch or paging is None or page >= int(paging.pages or 0):
                return items
            page += 1


class _Absent(Exception):
    """A 404 where the caller asked for None instead."""


# --- what the business holds: teammates, clients, projects, services -------------------------------


@dataclass(frozen=True)
class _Member:
    identity_id: int | None
    person: Person
    active: bool


@dataclass(frozen=True)
class _Named:
    """A client, project or service: its id, name, whether it is live, and a project's client."""

    id: int
    name: str
    active: bool = True
    client_id: int | None = None


def _client_name(client: Mapping[str, Any]) -> str:
    """A client's name: its organization, else its person's name, else its email."""
    person = " ".join(p.strip() for p in (client.get("fname"), client.get("lname")) if p and p.strip())
    for candidate in (client.get("organization"), person, client.get("email")):
        if isinstance(candidate, str) and candidate.strip():
            return candidate.strip()
    return f"client {client.get('id')}"


class _Directory:
    """The business's teammates, clients, projects and services, each read once when first needed
    and kept for the run (with what the writer creates added)."""

    def __init__(self, endpoint: _Endpoint) -> None:
        self._endpoint = endpoint
        self._team: list[_Member] | None = None
        self._clients: dict[int, _Named] | None = None
        self._projects: dict[int, _Named] | None = None
        self._services: dict[int, _Named] | None = None
        self._zones: dict[int, ZoneInfo | None] = {}

    # --- teammates --------------------------------------------------------------------------------

    def team(self) -> list[_Member]:
        """Team members, the active ones first (so a name or email shared with a former teammate
        finds the current one)."""
        if self._team is None:
            members = [self._member(m) for m in self._team_members()]
            self._team = sorted(members, key=lambda m: not m.active)
        return self._team

    def _team_members(self) -> list[dict[str, Any]]:
        e = self._endpoint
        path = f"/auth/api/v1/businesses/{e.business_id}/team_members"
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            params = {"page": str(page), "per_page": str(PER_PAGE)}
            body = e.call("GET team members", lambda params=params: e.get_json(path, params))
            batch = [m for m in body.get("response") or [] if isinstance(m, dict)]
            found.extend(batch)
            meta = body.get("meta") if isinstance(body.get("meta"), dict) else {}
            # FreshBooks documents ``page``, ``per_page`` and ``total`` here, not ``pages``.
            total = _int_or_none(meta.get("total"))
            if not batch or total is None or len(found) >= total:
                return found
            page += 1

    @staticmethod
    def _member(raw: Mapping[str, Any]) -> _Member:
        first, last = str(raw.get("first_name") or "").strip(), str(raw.get("last_name") or "").strip()
        email = raw.get("email") if isinstance(raw.get("email"), str) and raw["email"].strip() else None
        name = " ".join(p for p in (first, last) if p) or email or f"team member {raw.get('uuid')}"
        return _Member(
            _int_or_none(raw.get("identity_id")),
            Person(name=name, email=email, first_name=first, last_name=last),
            raw.get("active") is not False,
        )

    def person(self, identity_id: Any) -> Person:
        wanted = _int_or_none(identity_id)
        for member in self.team():
            if wanted is not None and member.identity_id == wanted:
                return member.person
        # Not a team member (FreshBooks shows only people of the business): the id is all we know.
        return Person(name=f"FreshBooks identity {identity_id}")

    def identity_of(self, wanted: Person) -> int | None:
        known = [(str(m.identity_id), m.person) for m in self.team() if m.identity_id is not None]
        found = find_person(wanted, known)
        return None if found is None else int(found)

    def zone_of(self, identity_id: int) -> ZoneInfo | None:
        """The teammate's time zone, as their latest time entry shows it (``local_timezone``):
        FreshBooks keeps a work date in it, and tells it nowhere else. None if they have none yet."""
        if identity_id not in self._zones:
            e = self._endpoint
            filters = FilterBuilder()
            filters.equals("identity_id", identity_id)
            found = e.call(
                "GET time entries",
                lambda: e.resource("time_entries").list(
                    e.business_id, builders=[filters, PaginateBuilder(1, 1)]
                ),
            )
            zone = None
            for result in found:
                # A zone this machine does not know is as good as none.
                with contextlib.suppress(ZoneInfoNotFoundError, ValueError):
                    zone = ZoneInfo(str(result.data.get("local_timezone")))
            self._zones[identity_id] = zone
        return self._zones[identity_id]

    # --- clients, projects, services --------------------------------------------------------------

    def clients(self) -> dict[int, _Named]:
        if self._clients is None:
            e = self._endpoint
            found = e.pages("GET clients", "clients", lambda r, p: r.list(e.account_id, builders=[p]))
            self._clients = {
                int(c["id"]): _Named(int(c["id"]), _client_name(c), c.get("vis_state") in (0, None))
                for c in found
            }
        return self._clients

    def projects(self) -> dict[int, _Named]:
        if self._projects is None:
            e = self._endpoint
            found = e.pages("GET projects", "projects", lambda r, p: r.list(e.business_id, builders=[p]))
            self._projects = {int(p["id"]): self._project(p) for p in found}
        return self._projects

    @staticmethod
    def _project(raw: Mapping[str, Any]) -> _Named:
        active = raw.get("active") is not False and raw.get("complete") is not True
        return _Named(int(raw["id"]), str(raw.get("title") or ""), active, _int_or_none(raw.get("client_id")))

    def services(self) -> dict[int, _Named]:
        if self._services is None:
            e = self._endpoint
            found = e.pages("GET services", "services", lambda r, p: r.list(e.business_id, builders=[p]))
            self._services = {
                int(s["id"]): _Named(int(s["id"]), str(s.get("name") or ""), s.get("vis_state") in (0, None))
                for s in found
                if s.get("vis_state") != 1  # deleted
            }
        return self._services

    def client(self, client_id: int) -> _Named:
        """A client by id: from the list, else (a deleted one, which lists leave out) read alone."""
        clients = self.clients()
        if client_id not in clients:
            e = self._endpoint
            raw = e.call_or_none(
                f"GET client {client_id}", lambda: e.resource("clients").get(e.account_id, client_id)
            )
            name = _client_name(raw.data) if raw is not None and raw.data else f"client {client_id}"
            clients[client_id] = _Named(client_id, name, False)
        return clients[client_id]

    def project(self, project_id: int) -> _Named:
        projects = self.projects()
        if project_id not in projects:
            e = self._endpoint
            raw = e.call_or_none(
                f"GET project {project_id}", lambda: e.resource("projects").get(e.business_id, project_id)
            )
            found = raw is not None and bool(raw.data)
            projects[project_id] = (
                self._project(raw.data) if found else _Named(project_id, f"project {project_id}", False)
            )
        return projects[project_id]

    def service(self, service_id: int) -> _Named:
        services = self.services()
        if service_id not in services:
            e = self._endpoint
            raw = e.call_or_none(
                f"GET service {service_id}", lambda: e.resource("services").get(e.business_id, service_id)
            )
            name = str(raw.data.get("name")) if raw is not None and raw.data else f"service {service_id}"
            services[service_id] = _Named(service_id, name, False)
        return services[service_id]

    @staticmethod
    def _named(found: Iterable[_Named], name: str, client_id: int | None = None) -> int | None:
        """The id of the one called ``name`` (under ``client_id`` for projects), a live one first."""
        matches = [n for n in found if folded(n.name) == folded(name) and n.client_id == client_id]
        matches.sort(key=lambda n: (not n.active, n.id))
        return matches[0].id if matches else None

    def client_named(self, name: str) -> int | None:
        return self._named(self.clients().values(), name)

    def project_named(self, client_id: int, title: str) -> int | None:
        return self._named(self.projects().values(), title, client_id)

    def service_named(self, name: str) -> int | None:
        return self._named(self.services().values(), name)

    def added(self, kind: str, named: _Named) -> int:
        {"client": self.clients, "project": self.projects, "service": self.services}[kind]()[named.id] = named
        return named.id

    # --- time entries -----------------------------------------------------------------------------

    def entry(self, raw: Mapping[str, Any]) -> Entry:
        """A FreshBooks time entry in the sync's terms; ConnectorError for one that makes no sense."""
        try:
            return self._entry(raw)
        except (KeyError, TypeError, ValueError) as error:
            raise ConnectorError(
                f"FreshBooks at {self._endpoint.api_url} sent a time entry that makes no sense: "
                f"{type(error).__name__} {_one_line(error)}"
            ) from None

    def _entry(self, raw: Mapping[str, Any]) -> Entry:
        started_at = _parse_instant(raw.get("started_at"))
        local = raw.get("local_started_at")
        # The work date is the local one where FreshBooks shows it, else the UTC date of the start.
        if isinstance(local, str) and local.strip():
            work_date = datetime.fromisoformat(local.strip().replace("Z", "")).date()
        elif started_at is not None:
            work_date = started_at.date()
        else:
            raise ValueError(f"time entry {raw.get('id')} has no started_at")
        timer = raw.get("timer") if isinstance(raw.get("timer"), dict) else {}
        billable = raw.get("billable")
        service_id = _int_or_none(raw.get("service_id"))
        return Entry(
            id=str(raw["id"]),
            revision=revision_of(raw),
            work_date=work_date,
            duration_seconds=_int_or_none(raw.get("duration")) or 0,
            person=self.person(raw.get("identity_id")),
            customer=self._customer(_int_or_none(raw.get("client_id")), _int_or_none(raw.get("project_id"))),
            service_item=self.service(service_id).name if service_id is not None else None,
            note=str(raw.get("note") or ""),
            billable=billable if isinstance(billable, bool) else None,
            running=raw.get("is_logged") is False or bool(timer.get("is_running")),
            started_at=started_at,
        )

    def _customer(self, client_id: int | None, project_id: int | None) -> tuple[str, ...]:
        """(client,) or (client, project); a project of no client (FreshBooks' internal ones) alone."""
        project = self.project(project_id) if project_id is not None else None
        client_id = client_id if client_id is not None else (project.client_id if project else None)
        path = (self.client(client_id).name,) if client_id is not None else ()
        return (*path, project.name) if project is not None else path


# --- the reader ------------------------------------------------------------------------------------


class FreshBooksReader:
    """Time entries of every teammate (``team=true``: FreshBooks shows only the caller's own without
    it), running timers included (``include_unlogged``), as the sync's entries."""

    def __init__(self, endpoint: _Endpoint) -> None:
        self._endpoint = endpoint
        self._directory = _Directory(endpoint)

    def changes(self, since: datetime | None) -> Changes:
        """All entries, or those updated since ``since`` with the deleted ones (``updated_since`` and
        ``include_deleted``, reference §2.3); a deleted one is an entry with ``active`` false."""
        e = self._endpoint
        filters = FilterBuilder()
        filters.boolean("team", True)
        filters.boolean("include_unlogged", True)
        if since is not None:
            filters.date_time("updated_since", _instant(since))
            filters.boolean("include_deleted", True)
        found = e.pages(
            "GET time entries", "time_entries", lambda r, p: r.list(e.business_id, builders=[filters, p])
        )
        entries, deleted = [], []
        for raw in found:
            if raw.get("active") is False:
                if since is not None:
                    deleted.append(str(raw["id"]))
                continue
            entries.append(self._directory.entry(raw))
        return Changes(entries, deleted)


# --- the writer ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Refs:
    """What a time entry names, as FreshBooks ids (None: nothing, or a dry run's "would create")."""

    identity_id: int
    client_id: int | None
    project_id: int | None
    service_id: int | None


class FreshBooksWriter:
    """Entries written as logged FreshBooks time entries. FreshBooks has nowhere to keep the sync's
    external id, so entries are found again by their content (``find``)."""

    keeps_external_ids = False

    def __init__(self, endpoint: _Endpoint, create_missing: bool) -> None:
        self._endpoint = endpoint
        self._directory = _Directory(endpoint)
        self._create_missing = create_missing

    # --- references -------------------------------------------------------------------------------

    def _refs(self, entry: Entry, *, write: bool) -> _Refs:
        """The ids ``entry`` names; with ``write`` and ``create_missing``, what is missing is created
        (without ``write``, a dry run, it would be). Missing otherwise."""
        d = self._directory
        identity_id = d.identity_of(entry.person)
        if identity_id is None:
            # FreshBooks' API cannot add a teammate (they are invited in its web app): always Missing.
            person = entry.person
            named = f"email {person.email} or name {person.name}" if person.email else f"name {person.name}"
            raise Missing(
                f"no FreshBooks team member with {named} (FreshBooks cannot add one through its API)"
            )
        if len(entry.customer) > 2:
            raise Missing(
                "FreshBooks keeps a client and one level of project below it, so "
                f'"{":".join(entry.customer)}" has no place there'
            )
        client_id = project_id = service_id = None
        if entry.customer:
            client = entry.customer[0]
            client_id = d.client_named(client)
            if client_id is None:
                self._may_create(f'no FreshBooks client named "{client}"')
                client_id = self._create_client(client) if write else None
            if len(entry.customer) == 2:
                title = entry.customer[1]
                project_id = d.project_named(client_id, title) if client_id is not None else None
                if project_id is None:
                    self._may_create(f'no FreshBooks project "{title}" of the client "{client}"')
                    project_id = self._create_project(client_id, title) if write and client_id else None
        if entry.service_item:
            service_id = d.service_named(entry.service_item)
            if service_id is None:
                self._may_create(f'no FreshBooks service named "{entry.service_item}"')
                service_id = self._create_service(entry.service_item) if write else None
        return _Refs(identity_id, client_id, project_id, service_id)

    def _may_create(self, missing: str) -> None:
        if not self._create_missing:
            raise Missing(missing)

    def _create_client(self, name: str) -> int:
        e = self._endpoint
        made = e.call(
            f'POST client "{name}"',
            lambda: e.resource("clients").create(e.account_id, {"organization": name}),
            refusable=True,
        )
        return self._directory.added("client", _Named(int(made.data["id"]), _client_name(made.data)))

    def _create_project(self, client_id: int, title: str) -> int:
        e = self._endpoint
        # Hourly: the kind of project time is logged against and billed by.
        body = {"title": title, "client_id": client_id, "project_type": "hourly_rate"}
        made = e.call(
            f'POST project "{title}"',
            lambda: e.resource("projects").create(e.business_id, body),
            refusable=True,
        )
        return self._directory.added("project", _Named(int(made.data["id"]), title, True, client_id))

    def _create_service(self, name: str) -> int:
        e = self._endpoint
        made = e.call(
            f'POST service "{name}"',
            lambda: e.resource("services").create(e.business_id, {"name": name}),
            refusable=True,
        )
        return self._directory.added("service", _Named(int(made.data["id"]), name))

    # --- writes -----------------------------------------------------------------------------------

    def _start(self, entry: Entry, identity_id: int) -> datetime:
        """The entry's start, or, for an entry kept as a date and a duration, noon of its work date in
        the teammate's time zone: FreshBooks dates an entry by its start in that zone, and noon keeps
        the date whatever the daylight-saving shift. A teammate with no entries yet shows no zone; noon
        UTC then keeps the date in every zone west of UTC+12."""
        if entry.started_at is not None:
            return entry.started_at
        zone = self._directory.zone_of(identity_id) or UTC
        return datetime.combine(entry.work_date, time(12), tzinfo=zone)

    def _body(self, entry: Entry, refs: _Refs) -> dict[str, Any]:
        body: dict[str, Any] = {
            "is_logged": True,
            "duration": entry.duration_seconds,
            "note": entry.note,
            "started_at": _instant(self._start(entry, refs.identity_id)),
            "identity_id": refs.identity_id,
            "client_id": refs.client_id,
            "project_id": refs.project_id,
            "service_id": refs.service_id,
        }
        if entry.billable is not None:
            body["billable"] = entry.billable
        return body

    def check(self, entry: Entry) -> None:
        self._refs(entry, write=False)

    def create(self, entry: Entry, external_id: str) -> Written:
        """A new logged entry; ``external_id`` is not kept (FreshBooks has no field for it)."""
        e = self._endpoint
        body = self._body(entry, self._refs(entry, write=True))
        made = e.call(
            "POST time entry",
            lambda: e.resource("time_entries").create(e.business_id, body),
            refusable=True,
        )
        return Written(str(made.data["id"]), revision_of(made.data))

    def update(self, target_id: str, entry: Entry, revision: str | None = None) -> Written:
        e = self._endpoint
        key = self._key(target_id)
        body = self._body(entry, self._refs(entry, write=True))
        changed = e.call(
            f"PUT time entry {key}",
            lambda: e.resource("time_entries").update(e.business_id, key, body),
            refusable=True,
        )
        return Written(str(changed.data["id"]), revision_of(changed.data))

    def delete(self, target_id: str) -> None:
        e = self._endpoint
        key = self._key(target_id)
        # A 404: already gone, which is what was asked.
        e.call_or_none(
            f"DELETE time entry {key}",
            lambda: e.resource("time_entries").delete(e.business_id, key),
            refusable=True,
        )

    @staticmethod
    def _key(target_id: str) -> int:
        key = _int_or_none(target_id)
        if key is None or key <= 0:
            raise Refused(f"{target_id!r} is no FreshBooks time entry id")
        return key

    # --- reads ------------------------------------------------------------------------------------

    def revisions(self, ids: Sequence[str]) -> dict[str, str]:
        """Each entry read alone; one gone (404) or deleted (``active`` false) is absent."""
        e = self._endpoint
        found: dict[str, str] = {}
        for target_id in ids:
            key = _int_or_none(target_id)
            if key is None or key <= 0:
                continue
            got = e.call_or_none(
                f"GET time entry {key}", lambda key=key: e.resource("time_entries").get(e.business_id, key)
            )
            if got is not None and got.data and got.data.get("active") is not False:
                found[target_id] = revision_of(got.data)
        return found

    def find(self, wanted: Mapping[str, Entry], taken: Container[str]) -> dict[str, Found]:
        """The target's entries on the wanted work dates (FreshBooks filters by start, in UTC, so each
        run of nearby dates is read with a margin for every time zone, then kept by work date), each
        paired with at most one wanted entry it records the same work as."""
        dates = {entry.work_date for entry in wanted.values()}
        candidates = [
            entry
            for raw in self._entries_around(sorted(dates))
            if str(raw.get("id")) not in taken and raw.get("active") is not False
            for entry in [self._directory.entry(raw)]
            if entry.work_date in dates and not entry.running
        ]
        candidates.sort(key=lambda entry: _int_or_none(entry.id) or 0)
        found: dict[str, Found] = {}
        used: set[str] = set()
        for external_id, source in wanted.items():
            for entry in candidates:
                if entry.id not in used and same_work(source, entry):
                    used.add(entry.id)
                    found[external_id] = Found(Written(entry.id, entry.revision), entry)
                    break
        return found

    def _entries_around(self, dates: list[date]) -> list[dict[str, Any]]:
        e = self._endpoint
        by_id: dict[str, dict[str, Any]] = {}
        for first, last in _runs(dates):
            filters = FilterBuilder()
            filters.boolean("team", True)
            start = datetime.combine(first, time.min, tzinfo=UTC) - EARLIEST_OFFSET
            end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=UTC) + LATEST_OFFSET
            filters.date_time("started_from", _instant(start))
            filters.date_time("started_to", _instant(end))

            def listed(resource: Any, paginator: PaginateBuilder, filters: FilterBuilder = filters) -> Any:
                return resource.list(e.business_id, builders=[filters, paginator])

            for raw in e.pages("GET time entries", "time_entries", listed):
                by_id[str(raw.get("id"))] = raw
        return list(by_id.values())


def _runs(dates: Sequence[date]) -> list[tuple[date, date]]:
    """Sorted dates as (first, last) runs, a new run where the gap exceeds ``DATE_GAP``."""
    runs: list[tuple[date, date]] = []
    for day in dates:
        if runs and day - runs[-1][1] <= DATE_GAP:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


# --- the connector ---------------------------------------------------------------------------------


class FreshBooksConnector:
    """One FreshBooks business at one API URL."""

    kind = "freshbooks"

    def __init__(self, endpoint: _Endpoint) -> None:
        self._endpoint = endpoint
        self.company = str(endpoint.business_id)
        self.identity = f"freshbooks:{endpoint.business_id}@{endpoint.api_url}"

    def reader(self) -> FreshBooksReader:
        return FreshBooksReader(self._endpoint)

    def writer(self, create_missing: bool) -> FreshBooksWriter:
        return FreshBooksWriter(self._endpoint, create_missing)

    def close(self) -> None:
        """Nothing stays open: every request's session is closed once it is answered."""


def open_connector(block: Mapping[str, Any], polite: Polite, path: Path) -> FreshBooksConnector:
    """The FreshBooks business of a ``timeledger demo`` ``freshbooks`` block (``api_url`` defaults to
    FreshBooks' own), read from ``path`` (a whole demo JSON or the block alone), where refreshed tokens
    are written back. Nothing is sent until the first read or write."""
    for key in REQUIRED:
        value = block.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise ConnectorError(f"the FreshBooks endpoint in {path} has no {key}")
    if _int_or_none(block["business_id"]) is None:
        raise ConnectorError(f"the FreshBooks endpoint in {path} has a business_id that is not a number")
    return FreshBooksConnector(_Endpoint(block, polite, path))
