"""The QuickBooks Time half of ``timeledger sync``, on ``QuickBooksTimeClient``: timesheets read as
``Entry`` and written back, against the real service (``https://rest.tsheets.com/api/v1``) or any
timeledger.

How a timesheet maps: its user is the person (email, first and last name); its jobcode, traced up
through ``parent_id``, is the customer path (``()`` for jobcode 0); the value of its custom field named
"Service Item" (found by name, the id differs per account) is the service item. A ``regular``
timesheet keeps a start, a ``manual`` one only a date and a duration. QuickBooks Time says nothing of
billing per timesheet, so ``billable`` stays None, and has no field to keep a sync's external id in.
Every request goes through the endpoint's ``Polite`` (the client itself retries nothing).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from timeledger.connectors import entries
from timeledger.connectors import quickbooks_time as qbt
from timeledger.connectors.entries import Changes, Entry, Found, Missing, Person, Refused, Written, folded
from timeledger.connectors.polite import Polite

KIND = "quickbooks-time"
SERVICE_ITEM_FIELD = "Service Item"
# Before QuickBooks Time (TSheets) existed: ``modified_since`` this reads every timesheet. The service
# wants one of ids, start_date or modified_* on every timesheet read (reference §2).
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
# Ids per ``ids=`` read: the largest page (reference §1), so a batch is one page. The service states no
# limit of its own for ``ids`` (reference, uncertainty 13).
IDS_PER_READ = 200
# Wanted dates closer than this are read in one span by ``find``: a read per day would cost more.
FIND_GAP = timedelta(days=7)
# A whole request refused for what one item sent (bad fields, a conflict): that item is refused, the
# run goes on. Anything else (401, 402, 413, 429, 5xx) stops the run.
ITEM_STATUSES = frozenset({400, 403, 404, 406, 409, 417})


# --- errors ---------------------------------------------------------------------------------------


def _refusal(error: qbt.ItemError) -> str:
    """QuickBooks Time's own words for each refused item: ``_status_code``, ``_status_message`` and
    ``_status_extra``."""
    return "; ".join(
        " ".join(
            part
            for part in (
                str(item.get("_status_code", "")),
                str(item.get("_status_message", "")).strip(),
                f"({item['_status_extra']})" if item.get("_status_extra") else "",
            )
            if part
        )
        for item in error.refused.values()
    )


@contextlib.contextmanager
def _reading() -> Iterator[None]:
    """A read that fails stops the run: nothing is known of the entries it would have shown."""
    try:
        yield
    except qbt.ConnectorError as error:
        raise entries.ConnectorError(str(error)) from None


@contextlib.contextmanager
def _writing(what: str) -> Iterator[None]:
    """A write refused for its item is ``Refused`` with the service's message; one refused whole,
    for reasons of the endpoint (credentials, limits, an outage), stops the run."""
    try:
        yield
    except qbt.ItemError as error:
        raise Refused(f"QuickBooks Time refused {what}: {_refusal(error)}") from None
    except qbt.AuthenticationError as error:
        raise entries.ConnectorError(str(error)) from None
    except qbt.ApiError as error:
        if error.status in ITEM_STATUSES:
            raise Refused(f"QuickBooks Time refused {what}: {error.status} {error.message}") from None
        raise entries.ConnectorError(str(error)) from None
    except qbt.InputError as error:
        raise Refused(f"cannot write {what} to QuickBooks Time: {error}") from None
    except qbt.ConnectorError as error:
        raise entries.ConnectorError(str(error)) from None


def _first(results: qbt.Results, resource: str) -> dict[str, Any]:
    """The one item a one-item write answered (keyed "1")."""
    item = (results.get(resource) or {}).get("1")
    if not isinstance(item, dict):
        raise entries.ConnectorError(f"QuickBooks Time answered a write to {resource} without its item")
    return item


def _instant(moment: datetime) -> str:
    """A watermark as QuickBooks Time reads it: whole seconds (rounded down, so nothing is skipped),
    with its offset."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(microsecond=0).isoformat()


def _chunks(values: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


# --- timesheets as entries --------------------------------------------------------------------------


def person_of(user: Mapping[str, Any]) -> Person:
    """A user as the sync knows people: by email, else by "first last"."""
    first, last = str(user.get("first_name") or "").strip(), str(user.get("last_name") or "").strip()
    name = " ".join(p for p in (first, last) if p) or str(user.get("username") or "")
    return Person(
        name=name, email=str(user.get("email") or "").strip() or None, first_name=first, last_name=last
    )


@dataclass
class _Directory:
    """What timesheets refer to by id, read once and kept for the connector's life: users, jobcodes
    (each with its ancestors) and custom fields by id, as the service shows them."""

    client: qbt.QuickBooksTimeClient
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    jobcodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    custom_fields: dict[str, dict[str, Any]] | None = None

    def learn(self, supplemental: Mapping[str, Mapping[str, Any]]) -> None:
        """Keep what a page's supplemental data showed."""
        self.users.update({k: v for k, v in (supplemental.get("users") or {}).items() if isinstance(v, dict)})
        self.jobcodes.update(
            {k: v for k, v in (supplemental.get("jobcodes") or {}).items() if isinstance(v, dict)}
        )

    def service_field_id(self) -> str | None:
        """The id of the custom field named "Service Item", if the account has one."""
        if self.custom_fields is None:
            found = self.client.get_customfields(qbt.CustomFieldsQuery(active="both", applies_to="timesheet"))
            self.custom_fields = {
                k: v for k, v in (found.get("customfields") or {}).items() if isinstance(v, dict)
            }
        named = [
            (not f.get("active", True), k)
            for k, f in self.custom_fields.items()
            if folded(f.get("name")) == folded(SERVICE_ITEM_FIELD)
        ]
        return min(named)[1] if named else None  # an active field before an archived one

    def _fetch(self, resource: str, ids: Iterable[str], params: Mapping[str, str]) -> None:
        wanted = sorted({i for i in ids if i.isdigit()})
        for batch in _chunks(wanted, IDS_PER_READ):
            listing = self.client.get_listing(resource, {"ids": batch, "active": "both", **params})
            self.learn({resource: listing.results.get(resource) or {}})
            self.learn(listing.supplemental)

    def know(self, sheets: Iterable[Mapping[str, Any]]) -> None:
        """Read the users and jobcodes (and their ancestors) these timesheets name that no page's
        supplemental data showed."""
        sheets = list(sheets)
        self._fetch(
            "users", (str(s.get("user_id")) for s in sheets if str(s.get("user_id")) not in self.users), {}
        )
        wanted = {str(s.get("jobcode_id") or 0) for s in sheets}
        while True:
            missing = {m for m in (self._missing_above(j) for j in wanted) if m}
            if not missing:
                return
            before = len(self.jobcodes)
            self._fetch("jobcodes", missing, {"type": "all"})
            if len(self.jobcodes) == before:
                return  # named but not there: ``path`` says which

    def _missing_above(self, key: str) -> str | None:
        """The first jobcode on the way up from ``key`` not yet known, if any."""
        seen: set[str] = set()
        while key not in ("0", "") and key not in seen:
            seen.add(key)
            jobcode = self.jobcodes.get(key)
            if jobcode is None:
                return key
            key = str(jobcode.get("parent_id") or 0)
        return None

    def path(self, jobcode_id: Any) -> tuple[str, ...]:
        """The names from the top jobcode down to this one; ``()`` for none (0)."""
        names: list[str] = []
        key, seen = str(jobcode_id or 0), set()
        while key not in ("0", "") and key not in seen:
            seen.add(key)
            jobcode = self.jobcodes.get(key)
            if jobcode is None:
                raise entries.ConnectorError(f"QuickBooks Time names jobcode {key} but does not show it")
            names.append(str(jobcode.get("name", "")))
            key = str(jobcode.get("parent_id") or 0)
        return tuple(reversed(names))

    def entry(self, sheet: Mapping[str, Any]) -> Entry:
        user = self.users.get(str(sheet.get("user_id")))
        if user is None:
            raise entries.ConnectorError(
                f"QuickBooks Time names user {sheet.get('user_id')} but does not show them"
            )
        custom = sheet.get("customfields")
        service_item = None
        if isinstance(custom, dict) and custom:
            field_id = self.service_field_id()
            value = custom.get(field_id) if field_id else None
            service_item = (value.strip() or None) if isinstance(value, str) else None
        start = str(sheet.get("start") or "")
        try:
            started_at = datetime.fromisoformat(start) if sheet.get("type") == "regular" and start else None
            work_date = date.fromisoformat(str(sheet.get("date")))
        except ValueError:
            raise entries.ConnectorError(
                f"QuickBooks Time shows timesheet {sheet.get('id')} with a date it cannot mean"
            ) from None
        return Entry(
            id=str(sheet["id"]),
            revision=str(sheet.get("last_modified") or ""),
            work_date=work_date,
            duration_seconds=int(sheet.get("duration") or 0),
            person=person_of(user),
            customer=self.path(sheet.get("jobcode_id")),
            service_item=service_item,
            note=str(sheet.get("notes") or ""),
            billable=None,
            running=bool(sheet.get("on_the_clock")),
            started_at=started_at,
        )

    def timesheets(self, params: Mapping[str, Any]) -> list[Entry]:
        """Every timesheet a read finds (every page), as entries, oldest change first."""
        listing = self.client.get_listing("timesheets", {"limit": IDS_PER_READ, **params})
        self.learn(listing.supplemental)
        sheets = [s for s in (listing.results.get("timesheets") or {}).values() if isinstance(s, dict)]
        self.know(sheets)
        found = [self.entry(s) for s in sheets]
        return sorted(found, key=lambda e: (e.revision, int(e.id) if e.id.isdigit() else 0, e.id))


# --- the reader --------------------------------------------------------------------------------------


class QuickBooksTimeReader:
    """Timesheets changed since a watermark (``modified_since``, running ones too) and, given one,
    those deleted since (``timesheets_deleted``: deletes are hard, reference §9.4)."""

    def __init__(self, directory: _Directory) -> None:
        self._directory = directory

    def changes(self, since: datetime | None) -> Changes:
        with _reading():
            # on_the_clock defaults to "no": without "both" a running timer would not show (§2).
            found = self._directory.timesheets(
                {"modified_since": _instant(since or EARLIEST), "on_the_clock": "both"}
            )
            deleted: list[str] = []
            if since is not None:
                gone = self._directory.client.get_deleted_timesheets(
                    qbt.DeletedTimesheetsQuery(
                        modified_since=_instant(since),
                        additional={"supplemental_data": "no", "limit": IDS_PER_READ},
                    )
                )
                deleted = [str(k) for k in (gone.get("timesheets_deleted") or {})]
        return Changes(entries=found, deleted=deleted)


# --- the writer ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Target:
    """What an entry names, as ids and names in QuickBooks Time (None where it is to be created)."""

    user_id: str | None
    jobcode_id: str | None
    service_field: str | None
    service_item: str | None


def _username_of(person: Person) -> str:
    """A username for a new user: the email (unique as emails are), else the name in lower case."""
    if person.email:
        return person.email.strip().lower()
    return re.sub(r"[^a-z0-9]+", ".", person.name.lower()).strip(".")


def _names_of(person: Person) -> tuple[str, str]:
    """(first, last) for a new user: as the source keeps them, else split from the name."""
    if person.first_name.strip() and person.last_name.strip():
        return person.first_name.strip(), person.last_name.strip()
    first, _, last = person.name.strip().partition(" ")
    return first, last.strip()


def _described(person: Person) -> str:
    return f'"{person.name}"' + (f" ({person.email})" if person.email else "")


class QuickBooksTimeWriter:
    """Writes entries as timesheets. Users, jobcodes and the "Service Item" field's items are read once
    (on first need) and kept, with what this writer creates; a user is made able to log time to a
    jobcode by an assignment when neither the jobcode nor one above it is assigned to them or to all."""

    keeps_external_ids = False

    def __init__(self, directory: _Directory, create_missing: bool) -> None:
        self._directory = directory
        self._client = directory.client
        self._create_missing = create_missing
        self._people: list[tuple[str, Person]] | None = None
        self._children: dict[tuple[str, str], str] | None = None  # (parent id, folded name) -> id
        self._items: dict[str, str] | None = None  # folded name -> name, of the Service Item field
        self._assigned: dict[str, set[str]] = {}  # user id -> jobcode ids assigned to them

    # --- what is there ---------------------------------------------------------------------------

    def _known_people(self) -> list[tuple[str, Person]]:
        if self._people is None:
            with _reading():
                users = (
                    self._client.get_users(
                        qbt.UsersQuery(active="both", additional={"supplemental_data": "no"})
                    ).get("users")
                    or {}
                )
            self._directory.users.update(users)
            # Active users first: find_person takes the first match, and an archived one logs no time.
            ordered = sorted(users.items(), key=lambda kv: (not kv[1].get("active", True), kv[0]))
            self._people = [(k, person_of(u)) for k, u in ordered]
        return self._people

    def _known_jobcodes(self) -> dict[tuple[str, str], str]:
        if self._children is None:
            with _reading():
                found = (
                    self._client.get_jobcodes(
                        qbt.JobcodesQuery(active="yes", additional={"type": "all", "supplemental_data": "no"})
                    ).get("jobcodes")
                    or {}
                )
            self._directory.jobcodes.update(found)
            self._children = {}
            for key, jobcode in sorted(found.items()):
                place = (str(jobcode.get("parent_id") or 0), folded(jobcode.get("name")))
                self._children.setdefault(place, key)
        return self._children

    def _service(self) -> tuple[str | None, dict[str, str]]:
        with _reading():
            field_id = self._directory.service_field_id()
            if field_id is not None and self._items is None:
                found = (
                    self._client.get_customfield_items(
                        qbt.CustomFieldItemsQuery(
                            field_id, active="yes", additional={"supplemental_data": "no"}
                        )
                    ).get("customfielditems")
                    or {}
                )
                self._items = {folded(i.get("name")): str(i.get("name")) for i in found.values()}
        return field_id, self._items or {}

    # --- finding, and creating what is missing ---------------------------------------------------

    def _user(self, person: Person, write: bool) -> str | None:
        found = entries.find_person(person, self._known_people())
        if found is not None:
            return found
        if not self._create_missing:
            raise Missing(f"QuickBooks Time has no user {_described(person)}")
        first, last = _names_of(person)
        if not first or not last:
            raise Missing(
                f"QuickBooks Time has no user {_described(person)}, "
                "and a new one needs a first and a last name"
            )
        if not write:
            return None
        # New users may not track time unless told so (reference §2, TS-1006).
        extra: dict[str, Any] = {"permissions": {"time_tracking": True}}
        if person.email:
            extra["email"] = person.email
        with _writing(f"the new user {_described(person)}"):
            made = _first(
                self._client.create_user(qbt.NewUser(_username_of(person), first, last, extra)), "users"
            )
        key = str(made["id"])
        self._directory.users[key] = made
        self._known_people().append((key, person_of(made)))
        return key

    def _jobcode(self, path: tuple[str, ...], write: bool) -> str | None:
        """The jobcode at the end of ``path`` (``"0"`` for none), levels created as needed."""
        children = self._known_jobcodes()
        parent = "0"
        for depth, name in enumerate(path, start=1):
            found = children.get((parent, folded(name)))
            if found is None:
                shown = ":".join(path[:depth])
                if not self._create_missing:
                    raise Missing(f'QuickBooks Time has no jobcode "{shown}"')
                if not write:
                    return None
                with _writing(f'the new jobcode "{shown}"'):
                    made = _first(self._client.create_jobcode(qbt.NewJobcode(name, int(parent))), "jobcodes")
                if "id" not in made:  # 202: one of that name exists there, archived (reference §4)
                    raise Refused(
                        f'QuickBooks Time did not create the jobcode "{shown}": {made.get("_status_code")} '
                        f"{made.get('_status_message', '')} ({made.get('_status_extra', '')})"
                    )
                found = str(made["id"])
                self._directory.jobcodes[found] = made
                children[(parent, folded(name))] = found
            parent = found
        return parent

    def _service_item(self, name: str | None, write: bool) -> tuple[str | None, str | None]:
        """(the Service Item field's id, the item's name there) for ``name``."""
        if not name:
            return None, None
        field_id, items = self._service()
        if field_id is None:
            raise Missing(
                f'QuickBooks Time has no custom field "{SERVICE_ITEM_FIELD}" for the service item "{name}"'
            )
        found = items.get(folded(name))
        if found is not None:
            return field_id, found
        if not self._create_missing:
            raise Missing(f'QuickBooks Time has no service item "{name}"')
        if not write:
            return field_id, None
        with _writing(f'the new service item "{name}"'):
            made = _first(
                self._client.create_customfield_item(qbt.NewCustomFieldItem(field_id, name)),
                "customfielditems",
            )
        items[folded(name)] = str(made.get("name") or name)
        return field_id, items[folded(name)]

    def _target(self, entry: Entry, write: bool) -> _Target:
        user = self._user(entry.person, write)
        jobcode = self._jobcode(entry.customer, write)
        field_id, item = self._service_item(entry.service_item, write)
        return _Target(user, jobcode, field_id, item)

    def _assign(self, user_id: str, jobcode_id: str) -> None:
        """Let the user log time to the jobcode: an assignment, unless it or a jobcode above it is
        assigned to everyone or to them already (a parent's assignment covers its children, §4)."""
        if jobcode_id == "0":
            return
        chain, key = [], jobcode_id
        while key not in ("0", "") and key not in chain:
            chain.append(key)
            key = str((self._directory.jobcodes.get(key) or {}).get("parent_id") or 0)
        if any((self._directory.jobcodes.get(k) or {}).get("assigned_to_all") for k in chain):
            return
        if user_id not in self._assigned:
            with _reading():
                found = (
                    self._client.get_jobcode_assignments(
                        qbt.JobcodeAssignmentsQuery(
                            active="yes", user_ids=[user_id], additional={"supplemental_data": "no"}
                        )
                    ).get("jobcode_assignments")
                    or {}
                )
            self._assigned[user_id] = {
                str(a.get("jobcode_id"))
                for a in found.values()
                if str(a.get("user_id")) in (user_id, "0") and a.get("active", True)
            }
        if self._assigned[user_id] & set(chain):
            return
        with _writing(f"the assignment of jobcode {jobcode_id} to user {user_id}"):
            self._client.create_jobcode_assignment(qbt.NewJobcodeAssignment(int(user_id), int(jobcode_id)))
        self._assigned[user_id].add(jobcode_id)

    def _ready(self, entry: Entry) -> _Target:
        target = self._target(entry, write=True)
        assert target.user_id is not None and target.jobcode_id is not None
        self._assign(target.user_id, target.jobcode_id)
        return target

    # --- the Writer protocol ----------------------------------------------------------------------

    def check(self, entry: Entry) -> None:
        self._target(entry, write=False)

    def _sheet_fields(
        self, entry: Entry, target: _Target, current: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """Notes and the service item of a new timesheet, or of a change to ``current``, whose service
        item is cleared (``""``) when the entry has none. Other custom fields are left as they are."""
        fields: dict[str, Any] = {}
        if entry.note:
            fields["notes"] = entry.note
        if target.service_item is not None:
            fields["customfields"] = {target.service_field: target.service_item}
        elif current is not None and isinstance(current.get("customfields"), dict):
            with _reading():
                field_id = self._directory.service_field_id()
            if field_id is not None and current["customfields"].get(field_id):
                fields["customfields"] = {field_id: ""}
        return fields

    def create(self, entry: Entry, external_id: str) -> Written:
        """A ``regular`` timesheet when the entry's start is known, else a ``manual`` one. The
        external id has nowhere to go: ``find`` pairs entries by their work instead."""
        target = self._ready(entry)
        assert target.user_id is not None and target.jobcode_id is not None
        fields = self._sheet_fields(entry, target, None)
        with _writing(f"the timesheet of {entry.person.name} on {entry.work_date}"):
            if entry.started_at is not None:
                end = entry.started_at + timedelta(seconds=entry.duration_seconds)
                answer = self._client.create_timesheet(
                    qbt.NewTimesheet(
                        int(target.user_id), int(target.jobcode_id), entry.started_at, end, fields
                    )
                )
            else:
                answer = self._client.create_manual_timesheet(
                    qbt.NewManualTimesheet(
                        int(target.user_id),
                        int(target.jobcode_id),
                        entry.work_date,
                        entry.duration_seconds,
                        fields,
                    )
                )
        made = _first(answer, "timesheets")
        return Written(str(made["id"]), str(made.get("last_modified") or ""))

    def _current(self, target_id: str) -> dict[str, Any] | None:
        if not target_id.isdigit():
            return None
        with _reading():
            found = self._client.get_listing(
                "timesheets", {"ids": target_id, "on_the_clock": "both", "supplemental_data": "no"}
            )
        return (found.results.get("timesheets") or {}).get(target_id)

    def update(self, target_id: str, entry: Entry, revision: str | None = None) -> Written:
        """In place; but a timesheet changes neither its user nor its type (regular/manual) once
        made (reference §2), so an entry that moved to another person or kind replaces it: the new
        timesheet's id is returned."""
        current = self._current(target_id)
        if current is None:
            raise Refused(f"QuickBooks Time has no timesheet {target_id} to update")
        target = self._ready(entry)
        regular = entry.started_at is not None
        if str(current.get("user_id")) != target.user_id or (current.get("type") == "regular") != regular:
            # The new one first, so a refusal of it leaves the old as it was; and if the old cannot
            # go, the new one goes again: replaced, or unchanged, never both.
            written = self.create(entry, "")
            try:
                self.delete(target_id)
            except Refused:
                self.delete(written.id)
                raise
            return written
        fields = self._sheet_fields(entry, target, current)
        if regular:
            assert entry.started_at is not None
            start: datetime | None = entry.started_at
            end: datetime | None = entry.started_at + timedelta(seconds=entry.duration_seconds)
        else:
            start = end = None
            fields.update({"date": entry.work_date, "duration": entry.duration_seconds})
        changes = qbt.TimesheetChanges(
            int(target_id), int(target.jobcode_id or 0), start, end, fields, notes=entry.note
        )
        with _writing(f"the change of timesheet {target_id}"):
            made = _first(self._client.update_timesheet(changes), "timesheets")
        return Written(str(made.get("id", target_id)), str(made.get("last_modified") or ""))

    def delete(self, target_id: str) -> None:
        if not target_id.isdigit():
            return
        try:
            with _writing(f"the deletion of timesheet {target_id}"):
                self._client.delete_timesheet([target_id])
        except Refused:
            if self._current(target_id) is not None:
                raise  # gone is fine (404); still there is a refusal

    def revisions(self, ids: Sequence[str]) -> dict[str, str]:
        wanted = sorted({i for i in ids if i.isdigit()}, key=int)
        found: dict[str, str] = {}
        with _reading():
            for batch in _chunks(wanted, IDS_PER_READ):
                listing = self._client.get_listing(
                    "timesheets",
                    {"ids": batch, "on_the_clock": "both", "supplemental_data": "no", "limit": IDS_PER_READ},
                )
                for key, sheet in (listing.results.get("timesheets") or {}).items():
                    if isinstance(sheet, dict):
                        found[str(key)] = str(sheet.get("last_modified") or "")
        return found

    def find(self, wanted: Mapping[str, Entry], taken: Container[str]) -> dict[str, Found]:
        """Timesheets of the wanted dates (read in spans: dates a week or less apart together), not
        taken, each paired with at most one wanted entry by ``same_work``."""
        dates = sorted({e.work_date for e in wanted.values()})
        spans: list[list[date]] = []
        for day in dates:
            if spans and day - spans[-1][-1] <= FIND_GAP:
                spans[-1].append(day)
            else:
                spans.append([day])
        candidates: list[Entry] = []
        with _reading():
            for span in spans:
                read = self._directory.timesheets(
                    {"start_date": span[0].isoformat(), "end_date": span[-1].isoformat()}
                )
                candidates += [c for c in read if c.work_date in set(span) and c.id not in taken]
        found: dict[str, Found] = {}
        used: set[str] = set()
        for external_id, entry in wanted.items():
            for candidate in candidates:
                if candidate.id not in used and entries.same_work(entry, candidate):
                    used.add(candidate.id)
                    found[external_id] = Found(Written(candidate.id, candidate.revision), candidate)
                    break
        return found


# --- the connector ----------------------------------------------------------------------------------


class QuickBooksTimeConnector:
    """One QuickBooks Time account, through one client whose every request goes through ``polite``."""

    kind = KIND

    def __init__(self, client: qbt.QuickBooksTimeClient, company: str) -> None:
        self.client = client
        self.company = company
        self.identity = f"{KIND}:{company}@{client.base_url}"
        self._directory = _Directory(client)

    def reader(self) -> QuickBooksTimeReader:
        return QuickBooksTimeReader(self._directory)

    def writer(self, create_missing: bool) -> QuickBooksTimeWriter:
        return QuickBooksTimeWriter(self._directory, create_missing)

    def close(self) -> None:
        self.client.close()


def _company_of(client: qbt.QuickBooksTimeClient) -> str:
    """Without a ``company_id`` (only the grant gives one, reference §7): the account's
    ``client_url``, its unique name, from the current user (whose object carries no company id)."""
    with _reading():
        listing = client.get_listing("current_user", {"supplemental_data": "no"})
    for user in (listing.results.get("users") or {}).values():
        if isinstance(user, dict) and str(user.get("client_url") or "").strip():
            return str(user["client_url"]).strip()
    raise entries.ConnectorError(f"{client.base_url} names no company for these credentials")


def open_connector(block: Mapping[str, Any], polite: Polite, path: Path) -> QuickBooksTimeConnector:
    """The account ``block`` (the ``quickbooks_time`` block of ``timeledger demo``'s output) names,
    read from ``path``, where refreshed tokens are written back. Retries and pacing are ``polite``'s
    alone: the client is built with none of its own."""
    try:
        credentials = qbt.Credentials.from_mapping(block, str(path))
    except qbt.CredentialsError as error:
        raise entries.ConnectorError(str(error)) from None
    client = qbt.QuickBooksTimeClient(
        credentials,
        base_url=str(block.get("base_url") or "").strip() or None,
        store=qbt.CredentialsFile(path),
        polite=polite,
    )
    try:
        company = str(block.get("company_id") or "").strip() or _company_of(client)
    except entries.ConnectorError:
        client.close()
        raise
    return QuickBooksTimeConnector(client, company)
