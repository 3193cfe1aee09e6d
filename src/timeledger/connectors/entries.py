"""What every connector reads and writes for ``timeledger sync``: a time entry in neutral terms, the
two halves of a connector (a reader of changes, a writer of entries) and the errors they raise.

Each service's module (``conductor.py``, ``freshbooks.py``, ``quickbooks_time_sync.py``) turns its
API's records into ``Entry`` and back; the sync (``connectors/sync/``) only ever sees these types, so
any reader pairs with any writer. Names, not ids, cross between services: a person by email, then
by name; a customer or job by its path (``("Acme", "Website")``); a service item by its name.
"""

from __future__ import annotations

from collections.abc import Container, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

KINDS = ("quickbooks-desktop", "quickbooks-time", "freshbooks")


class ConnectorError(Exception):
    """The run cannot go on against this endpoint (unreachable, credentials refused, an answer that
    makes no sense); the message is one line, for a person."""


class Refused(Exception):
    """The target will not take this one entry; ``reason`` is the target's own error, or names what
    is missing. The run goes on with the next entry."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Missing(Refused):
    """A person, customer, job or service item the entry names does not exist in the target, and
    may not (``create_missing`` off) or cannot (a FreshBooks teammate) be created."""


@dataclass(frozen=True)
class Person:
    """Whose time it is. ``name`` is what people see ("Ada Lovelace", or a vendor's name);
    ``first_name``/``last_name`` are kept where the API has them, for creating the person."""

    name: str
    email: str | None = None
    first_name: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class Entry:
    """One time entry. ``revision`` changes whenever the entry does, in its API's own terms
    (Conductor's ``revisionNumber``, QuickBooks Time's ``last_modified``, a digest of a FreshBooks
    entry's fields). ``customer`` is the path from the top customer down to the job, ``()`` for
    none. ``started_at`` is known where the API keeps a start (FreshBooks, a regular timesheet);
    ``billable`` is None where the API does not say. A ``running`` entry is a timer still going."""

    id: str
    revision: str
    work_date: date
    duration_seconds: int
    person: Person
    customer: tuple[str, ...] = ()
    service_item: str | None = None
    note: str = ""
    billable: bool | None = None
    running: bool = False
    started_at: datetime | None = None


@dataclass(frozen=True)
class Changes:
    """What a reader found since a watermark: entries created or changed (running timers included:
    the sync skips them) and the ids of entries deleted."""

    entries: list[Entry]
    deleted: list[str]


@dataclass(frozen=True)
class Written:
    """An entry as the target keeps it after a write: its id and revision there."""

    id: str
    revision: str


@dataclass(frozen=True)
class Found:
    """An entry already in the target that an earlier run wrote from a source entry."""

    written: Written
    entry: Entry


def folded(text: str | None) -> str:
    """Text as names are compared: case and runs of white space ignored."""
    return " ".join((text or "").split()).casefold()


def same_person(a: Person, b: Person) -> bool:
    """The sync's rule for people: the same email when both have one, else the same name."""
    if a.email and b.email:
        return folded(a.email) == folded(b.email)
    return folded(a.name) == folded(b.name)


def find_person(wanted: Person, people: Sequence[tuple[str, Person]]) -> str | None:
    """The id of the person ``wanted`` is among ``(id, person)`` pairs: by email first, then by name."""
    if wanted.email:
        for key, person in people:
            if person.email and folded(person.email) == folded(wanted.email):
                return key
    for key, person in people:
        if folded(person.name) == folded(wanted.name):
            return key
    return None


def same_work(a: Entry, b: Entry) -> bool:
    """Whether two entries record the same work, as far as every API can keep it: QuickBooks
    Desktop keeps whole minutes, so durations are compared to the minute."""
    return (
        a.work_date == b.work_date
        and a.duration_seconds // 60 == b.duration_seconds // 60
        and same_person(a.person, b.person)
        and tuple(map(folded, a.customer)) == tuple(map(folded, b.customer))
        and folded(a.service_item) == folded(b.service_item)
        and folded(a.note) == folded(b.note)
    )


class Reader(Protocol):
    """The source half: what changed since a watermark, by the API's own means."""

    def changes(self, since: datetime | None) -> Changes:
        """Entries created or changed after ``since`` (all of them when None) and, when ``since`` is
        given, the ids of entries deleted after it. Pages through everything; raises
        ConnectorError when the run cannot go on."""
        ...


class Writer(Protocol):
    """The target half. Every method raises Refused for an entry the target will not take and
    ConnectorError when the run cannot go on. The person, customer/job and service item an entry
    names are looked up by name (read once and kept for the run) and, when the writer was opened
    with ``create_missing``, created if absent; otherwise Missing."""

    keeps_external_ids: bool
    """Whether entries written here carry the sync's ``external_id`` (QuickBooks Desktop), so an
    entry written by a run whose state was lost can always be found again."""

    def check(self, entry: Entry) -> None:
        """Raise Missing if ``entry`` names something the target lacks and may not create; reads
        only (what a dry run does instead of writing)."""
        ...

    def revisions(self, ids: Sequence[str]) -> dict[str, str]:
        """The current revision of each of these target entries; an entry gone is absent."""
        ...

    def find(self, wanted: Mapping[str, Entry], taken: Container[str]) -> dict[str, Found]:
        """Entries already in the target written from ``wanted`` (external id -> source entry):
        by external id where the target keeps one, else by ``same_work`` among entries of the
        same dates not in ``taken`` (the target ids already paired). Keyed by external id."""
        ...

    def create(self, entry: Entry, external_id: str) -> Written: ...

    def update(self, target_id: str, entry: Entry, revision: str | None = None) -> Written:
        """Rewrite the target entry from ``entry``. ``revision`` is the target revision the sync saw
        last: where the API updates by revision (Conductor) it is the one sent, so a change made in
        the target since is refused by the target instead of overwritten."""
        ...

    def delete(self, target_id: str) -> None:
        """Delete it; an entry already gone is not an error."""
        ...


class Connector(Protocol):
    """One endpoint file opened: a company on a server, as a source or a target."""

    kind: str
    company: str
    """The company's id on its service (Conductor end user id, FreshBooks business id, QuickBooks
    Time company id): with ``kind`` and an entry id, what a deterministic external id is made of."""
    identity: str
    """A stable name of this company on this server (kind, server and company), for the state."""

    def reader(self) -> Reader: ...

    def writer(self, create_missing: bool) -> Writer: ...

    def close(self) -> None: ...


Block = Mapping[str, Any]
