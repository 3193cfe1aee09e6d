"""The QuickBooks Desktop half of ``timeledger sync``: time tracking activities read as neutral
``Entry`` values and written back, through conductor-py, against the real Conductor
(https://api.conductor.is/v1) or any timeledger's ``/v1``.

Every request goes through the endpoint's ``Polite`` (the SDK's own retries are off), and no SDK
exception escapes: QuickBooks refusing one entry is ``Refused``, with Conductor's own message;
credentials refused, QuickBooks unreachable, a 5xx or an answer that makes no sense is ``ConnectorError``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import conductor
import httpx
from conductor import Conductor, omit

from timeledger.connectors.entries import (
    KINDS,
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
)
from timeledger.connectors.polite import Polite

if TYPE_CHECKING:  # conductor-py's model modules: for annotations only, they take a second to import
    from conductor.resources.qbd import QbdResource
    from conductor.types.qbd import Employee, OtherName, ServiceItem, TimeTrackingActivity, Vendor
    from conductor.types.qbd.time_tracking_activity import Entity

KIND = KINDS[0]
DEFAULT_BASE_URL = "https://api.conductor.is/v1"
# The most a page holds and the most ids one ``ids`` filter answers (conductor-py's ``limit``: 1 to
# 150; timeledger cuts an ``ids`` answer at ``limit`` too, so a bigger batch would lose entries).
PAGE = 150
# QuickBooks Desktop answers through the Web Connector on the end user's machine: Conductor's own
# default of two minutes a request, but a quick failure when the server cannot be reached at all.
TIMEOUT = httpx.Timeout(120.0, connect=10.0)
IN_QBD = "in QuickBooks Desktop"

BillingStatus = Literal["billable", "has_been_billed", "not_billable"]
_BILLABLE: dict[str | None, bool | None] = {"billable": True, "has_been_billed": True, "not_billable": False}
_DURATION = re.compile(r"P(?:([0-9]+)D)?(?:T(?:([0-9]+)H)?(?:([0-9]+)M)?(?:([0-9]+)(?:[.,][0-9]+)?S)?)?")
# Conductor's error types that stop the run whatever the status: credentials, and QuickBooks Desktop
# not reachable on the end user's side (INTEGRATION_CONNECTION_ERROR, Conductor's error handling guide).
_RUN_STOPPERS = ("AUTHENTICATION_ERROR", "PERMISSION_ERROR", "INTEGRATION_CONNECTION_ERROR", "INTERNAL_ERROR")
# QuickBooks' status for "the object specified in the request cannot be found".
_NOT_FOUND_CODES = ("3120",)


def open_connector(block: Mapping[str, Any], polite: Polite, path: Path) -> ConductorConnector:
    """The ``conductor`` block of ``timeledger demo``'s output (or one written the same way) opened:
    ``api_key`` and ``end_user_id`` are required, ``base_url`` defaults to the real Conductor."""
    api_key = _required(block, "api_key", path)
    end_user_id = _required(block, "end_user_id", path)
    base_url = block.get("base_url") or DEFAULT_BASE_URL
    if not isinstance(base_url, str) or not base_url.strip():
        raise ConnectorError(f"{path}: the conductor base_url is not a URL")
    base_url = base_url.strip().rstrip("/")
    client = Conductor(
        api_key=api_key,
        base_url=base_url,
        max_retries=0,  # retries are Polite's, one rule for every connector
        http_client=httpx.Client(transport=polite.httpx_transport(), timeout=TIMEOUT),
        _strict_response_validation=True,
    )
    return ConductorConnector(_Endpoint(client, end_user_id, base_url))


def _required(block: Mapping[str, Any], key: str, path: Path) -> str:
    value = block.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConnectorError(f"{path}: the conductor block has no {key}")
    return value.strip()


# --- errors ---------------------------------------------------------------------------------------


def _error_fields(error: conductor.APIStatusError) -> Mapping[str, Any]:
    """The ``error`` object of Conductor's error body, as conductor-py decoded it ({} if none)."""
    body = error.body
    inner = body.get("error") if isinstance(body, Mapping) else None
    return inner if isinstance(inner, Mapping) else {}


def _said(error: conductor.APIStatusError) -> str:
    """Conductor's own words for a refusal: its ``message`` (else ``userFacingMessage``), one line."""
    fields = _error_fields(error)
    text = fields.get("message") or fields.get("userFacingMessage") or error.message
    return f"{error.status_code}: {' '.join(str(text).split())}"


def _is_refusal(error: conductor.APIStatusError) -> bool:
    """Whether Conductor refused this one request rather than the whole run. QuickBooks refusing the
    data is INTEGRATION_ERROR whatever the status (Conductor answers those with 502); any other 4xx
    is about the request too, except credentials and a 429 that ``Polite`` has given up on."""
    if error.status_code in (401, 403, 429):
        return False
    kind = _error_fields(error).get("type")
    if kind == "INTEGRATION_ERROR":
        return True
    return kind not in _RUN_STOPPERS and 400 <= error.status_code < 500


def _is_gone(error: conductor.APIStatusError) -> bool:
    return error.status_code == 404 or _error_fields(error).get("integrationCode") in _NOT_FOUND_CODES


def _reason(error: BaseException) -> str:
    text = str(error.__cause__ or error) or type(error).__name__
    return " ".join(text.split())


@dataclass
class _Endpoint:
    """One company on one Conductor: the SDK client and the end user every request is for."""

    client: Conductor
    end_user_id: str
    base_url: str
    _verified: bool = field(default=False, init=False)

    @property
    def qbd(self) -> QbdResource:
        return self.client.qbd

    @contextmanager
    def answers(self, what: str, *, refusable: bool = False) -> Iterator[None]:
        """conductor-py's exceptions raised inside, as ours: ``Refused`` for a refusal of this one
        request when ``refusable`` (a write), else ``ConnectorError``."""
        where = f"Conductor at {self.base_url}"
        try:
            yield
        except conductor.APIStatusError as error:
            if refusable and _is_refusal(error):
                raise Refused(f"Conductor answered {_said(error)}") from None
            raise ConnectorError(f"{where} refused {what}: {_said(error)}") from None
        except conductor.APIConnectionError as error:
            raise ConnectorError(f"{where} could not be reached ({what}): {_reason(error)}") from None
        except conductor.APIResponseValidationError:
            raise ConnectorError(f"{where} answered {what} with something conductor-py cannot read") from None
        except conductor.ConductorError as error:
            raise ConnectorError(f"{where}: {what} failed: {_reason(error)}") from None

    def verify(self) -> None:
        """Check once that the key and the end user are known. A writer needs it: an unknown end user
        is a 404 like an unknown activity, which would otherwise read as "already deleted"."""
        if self._verified:
            return
        with self.answers(f"looking up end user {self.end_user_id}"):
            self.client.end_users.retrieve(self.end_user_id)
        self._verified = True


# --- values ---------------------------------------------------------------------------------------


def _instant(moment: datetime) -> str:
    """An ``updatedAfter``/``deletedAfter`` value: ISO 8601 with its offset (naive means UTC), to the
    second QuickBooks keeps; dropping the fraction only reads a little more, never less."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.isoformat(timespec="seconds")


def parse_duration(text: str) -> int | None:
    """``PTnHnMnS`` (days tolerated, a fraction of a second dropped) as seconds; None if unreadable."""
    match = _DURATION.fullmatch(text)
    if match is None or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + seconds


def render_duration(seconds: int) -> str:
    """Hours, minutes and seconds: QuickBooks keeps the seconds although it shows none."""
    hours, rest = divmod(seconds, 3600)
    return f"PT{hours}H{rest // 60}M{rest % 60}S"


def _path_key(parts: Sequence[str]) -> str:
    """A full name ("Acme:Website") as a key: QuickBooks full names are not case-sensitive."""
    return ":".join(folded(p) for p in parts)


def _guid_key(text: str) -> str:
    """An external id as a key: QuickBooks may hand a GUID back braced or in capitals."""
    return text.strip().strip("{}").casefold()


def _billing_status(billable: bool | None, has_customer: bool, has_item: bool) -> BillingStatus | None:
    """What to send as ``billingStatus`` (None: nothing). QuickBooks bills time only with a customer
    and a service item, and refuses a billable activity without both; such an entry is written as
    ``not_billable`` rather than refused, so its hours still reach QuickBooks. Unknown billability is
    left to QuickBooks' default (billable with a customer) unless that default would be refused."""
    if billable and has_customer and has_item:
        return "billable"
    if billable is None and (has_item or not has_customer):
        return None
    return "not_billable"


def _person(record: Employee | Vendor | OtherName) -> Person:
    return Person(
        name=record.name,
        email=record.email or None,
        first_name=record.first_name or "",
        last_name=record.last_name or "",
    )


def _name_parts(person: Person) -> tuple[str, str]:
    """First and last name for a new employee: the person's own, else their name split at the first
    space (a one-word name is a first name)."""
    if person.first_name or person.last_name:
        return person.first_name, person.last_name
    first, _, last = " ".join(person.name.split()).partition(" ")
    return first, last


def _missing_person(person: Person) -> str:
    named = f"with email {person.email} or name {person.name}" if person.email else f"named {person.name}"
    return f"no employee, vendor or other name {named} {IN_QBD}"


# --- the company's lists --------------------------------------------------------------------------


class _Directory:
    """The company's people, customers, service items and income accounts, each read once per run
    when first needed and kept; what the writer creates is added, so it is created once."""

    def __init__(self, endpoint: _Endpoint) -> None:
        self._endpoint = endpoint
        self._people: list[tuple[str, Person]] | None = None
        self._people_by_id: dict[str, Person] = {}
        self._customers: dict[str, str] | None = None
        self._items: dict[str, str] | None = None
        self._item_accounts: list[str] = []
        self._income_accounts: list[str] | None = None

    def _list(self, what: str, read: Callable[..., Any], **query: Any) -> list[Any]:
        with self._endpoint.answers(f"listing {what}"):
            return list(read(conductor_end_user_id=self._endpoint.end_user_id, **query))

    def _data(self, what: str, read: Callable[..., Any], **query: Any) -> list[Any]:
        """An unpaged list (employees, other names, accounts): QuickBooks answers it whole."""
        with self._endpoint.answers(f"listing {what}"):
            return list(read(conductor_end_user_id=self._endpoint.end_user_id, **query).data)

    def people(self) -> list[tuple[str, Person]]:
        """Employees, then vendors, then other names; the active ones of all three before any inactive
        one, so a name shared with someone made inactive finds the one still working."""
        if self._people is None:
            qbd = self._endpoint.qbd
            records = [
                *self._data("employees", qbd.employees.list, status="all"),
                *self._list("vendors", qbd.vendors.list, status="all", limit=PAGE),
                *self._data("other names", qbd.other_names.list, status="all"),
            ]
            records.sort(key=lambda r: not r.is_active)  # stable: the kinds keep their order
            self._people = [(r.id, _person(r)) for r in records]
            self._people_by_id = dict(self._people)
        return self._people

    def person_of(self, entity: Entity) -> Person:
        """The person an activity's ``entity`` ref names (the ref has only id and full name)."""
        self.people()
        return self._people_by_id.get(entity.id) or Person(name=entity.full_name or "")

    def person_id(self, person: Person) -> str | None:
        return find_person(person, self.people())

    def add_person(self, key: str, person: Person) -> None:
        self.people().append((key, person))
        self._people_by_id[key] = person

    def customers(self) -> dict[str, str]:
        if self._customers is None:
            found = self._list("customers", self._endpoint.qbd.customers.list, status="all", limit=PAGE)
            self._customers = {_path_key(c.full_name.split(":")): c.id for c in found}
        return self._customers

    def items(self) -> dict[str, str]:
        if self._items is None:
            read = self._endpoint.qbd.service_items.list
            found = self._list("service items", read, status="all", limit=PAGE)
            self._items = {_path_key(i.full_name.split(":")): i.id for i in found}
            self._item_accounts = [a for a in map(_posting_account, found) if a]
        return self._items

    def income_account(self) -> str | None:
        """The account a new service item posts to (QuickBooks requires one: ``postingAccountId``):
        the active income account most of the company's service items already post to, so new work
        is booked as existing work is; with none, the first active income account by full name."""
        if self._income_accounts is None:
            read = self._endpoint.qbd.accounts.list
            found = self._data("income accounts", read, account_type="income", status="active")
            self._income_accounts = [a.id for a in sorted(found, key=lambda a: folded(a.full_name))]
        self.items()
        used = Counter(a for a in self._item_accounts if a in self._income_accounts)
        if used:
            return used.most_common(1)[0][0]
        return self._income_accounts[0] if self._income_accounts else None

    def entry(self, activity: TimeTrackingActivity) -> Entry:
        """An activity in neutral terms. Conductor never shows a running timer nor a start time."""
        seconds = parse_duration(activity.duration)
        if seconds is None:
            raise ConnectorError(
                f"Conductor at {self._endpoint.base_url} sent time tracking activity {activity.id} "
                f"with a duration that is not PTnHnMnS: {activity.duration!r}"
            )
        customer = activity.customer.full_name if activity.customer else None
        item = activity.service_item.full_name if activity.service_item else None
        return Entry(
            id=activity.id,
            revision=activity.revision_number,
            work_date=activity.transaction_date,
            duration_seconds=seconds,
            person=self.person_of(activity.entity),
            customer=tuple(customer.split(":")) if customer else (),
            service_item=item or None,
            note=activity.note or "",
            billable=_BILLABLE.get(activity.billing_status),
        )


def _posting_account(item: ServiceItem) -> str | None:
    """The income account a service item posts its sales to, if it says."""
    if item.sales_or_purchase_details and item.sales_or_purchase_details.posting_account:
        return item.sales_or_purchase_details.posting_account.id
    if item.sales_and_purchase_details and item.sales_and_purchase_details.income_account:
        return item.sales_and_purchase_details.income_account.id
    return None


# --- the connector --------------------------------------------------------------------------------


class ConductorConnector:
    """One end user (a QuickBooks Desktop company) on one Conductor, as a source or a target. The
    reader and the writer share its lists, read once per run."""

    kind = KIND

    def __init__(self, endpoint: _Endpoint) -> None:
        self._endpoint = endpoint
        self._directory = _Directory(endpoint)
        self.company = endpoint.end_user_id
        self.identity = f"{KIND}:{endpoint.end_user_id}@{endpoint.base_url}"

    def reader(self) -> ConductorReader:
        return ConductorReader(self._endpoint, self._directory)

    def writer(self, create_missing: bool) -> ConductorWriter:
        return ConductorWriter(self._endpoint, self._directory, create_missing)

    def close(self) -> None:
        self._endpoint.client.close()  # and the httpx client it was given, with Polite's transport


class ConductorReader:
    """Changes by ``updatedAfter``; deletions from QuickBooks' deleted-transactions list, which
    remembers 90 days (an older watermark misses older deletes)."""

    def __init__(self, endpoint: _Endpoint, directory: _Directory) -> None:
        self._endpoint = endpoint
        self._directory = directory

    def changes(self, since: datetime | None) -> Changes:
        query = {} if since is None else {"updated_after": _instant(since)}
        with self._endpoint.answers("listing time tracking activities"):
            # Every page first, then the lists: Conductor's cursor expires 10 s after a page.
            activities = list(
                self._endpoint.qbd.time_tracking_activities.list(
                    conductor_end_user_id=self._endpoint.end_user_id, limit=PAGE, **query
                )
            )
        deleted = self._deleted(since) if since is not None else []
        return Changes([self._directory.entry(a) for a in activities], deleted)

    def _deleted(self, since: datetime) -> list[str]:
        with self._endpoint.answers("listing deleted time tracking activities"):
            found = self._endpoint.qbd.deleted_transactions.list(
                conductor_end_user_id=self._endpoint.end_user_id,
                transaction_types=["time_tracking"],
                deleted_after=_instant(since),
            )
        return [d.id for d in found.data]


@dataclass(frozen=True)
class _Refs:
    entity_id: str
    customer_id: str | None
    service_item_id: str | None

    def billing_status(self, billable: bool | None) -> BillingStatus | None:
        return _billing_status(billable, self.customer_id is not None, self.service_item_id is not None)


class ConductorWriter:
    """Writes time tracking activities, each carrying the sync's external id. The person is found by
    email, then name, among employees, vendors and other names; the customer or job by its full
    path; the service item by full name. With ``create_missing`` what is absent is created: a person
    as an employee, each missing level of a customer:job path, a service item posting to the income
    account ``_Directory.income_account`` chooses."""

    keeps_external_ids = True

    def __init__(self, endpoint: _Endpoint, directory: _Directory, create_missing: bool) -> None:
        self._endpoint = endpoint
        self._directory = directory
        self._create_missing = create_missing
        # Activities ``revisions`` read, kept for the update that usually follows: read once, not twice.
        self._seen: dict[str, TimeTrackingActivity] = {}

    @property
    def _user(self) -> str:
        return self._endpoint.end_user_id

    def check(self, entry: Entry) -> None:
        self._endpoint.verify()
        self._check(entry)

    def _check(self, entry: Entry) -> None:
        d = self._directory
        missing = []
        if d.person_id(entry.person) is None:
            missing.append(_missing_person(entry.person))
        if entry.customer and _path_key(entry.customer) not in d.customers():
            missing.append(f'no customer or job "{":".join(entry.customer)}" {IN_QBD}')
        new_item = bool(entry.service_item) and _path_key(_item_path(entry)) not in d.items()
        if new_item:
            missing.append(f'no service item "{entry.service_item}" {IN_QBD}')
        if missing and not self._create_missing:
            raise Missing("; ".join(missing))
        if new_item and d.income_account() is None:
            raise Missing(f'no active income account {IN_QBD} for a new service item "{entry.service_item}"')

    def _refs(self, entry: Entry) -> _Refs:
        """The ids the entry's names resolve to, creating what is absent when allowed."""
        self._check(entry)
        d = self._directory
        entity_id = d.person_id(entry.person) or self._create_employee(entry.person)
        customer_id = self._chain("customer", entry.customer, d.customers(), self._create_customer)
        item_id = self._chain("service item", _item_path(entry), d.items(), self._create_item)
        return _Refs(entity_id, customer_id, item_id)

    def _chain(
        self,
        what: str,
        path: Sequence[str],
        known: dict[str, str],
        create: Callable[[str, str | None], str],
    ) -> str | None:
        """The id of ``path``'s last level, creating each missing level under its parent."""
        parent: str | None = None
        for depth in range(1, len(path) + 1):
            key = _path_key(path[:depth])
            if key not in known:
                with self._endpoint.answers(f"creating {what} {':'.join(path[:depth])}", refusable=True):
                    known[key] = create(path[depth - 1].strip(), parent)
            parent = known[key]
        return parent

    def _create_customer(self, name: str, parent_id: str | None) -> str:
        made = self._endpoint.qbd.customers.create(
            conductor_end_user_id=self._user, name=name, parent_id=parent_id or omit
        )
        return made.id

    def _create_item(self, name: str, parent_id: str | None) -> str:
        account = self._directory.income_account()
        assert account is not None, "_check refuses a new service item without an income account"
        made = self._endpoint.qbd.service_items.create(
            conductor_end_user_id=self._user,
            name=name,
            parent_id=parent_id or omit,
            sales_or_purchase_details={"posting_account_id": account},
        )
        return made.id

    def _create_employee(self, person: Person) -> str:
        first, last = _name_parts(person)
        with self._endpoint.answers(f"creating employee {person.name}", refusable=True):
            made = self._endpoint.qbd.employees.create(
                conductor_end_user_id=self._user,
                first_name=first or omit,
                last_name=last or omit,
                email=person.email or omit,
            )
        self._directory.add_person(made.id, _person(made))
        return made.id

    def create(self, entry: Entry, external_id: str) -> Written:
        self._endpoint.verify()
        refs = self._refs(entry)
        status = refs.billing_status(entry.billable)
        with self._endpoint.answers("creating a time tracking activity", refusable=True):
            made = self._endpoint.qbd.time_tracking_activities.create(
                conductor_end_user_id=self._user,
                entity_id=refs.entity_id,
                transaction_date=entry.work_date,
                duration=render_duration(entry.duration_seconds),
                customer_id=refs.customer_id or omit,
                service_item_id=refs.service_item_id or omit,
                note=entry.note or omit,
                billing_status=status or omit,
                external_id=external_id,
            )
        return Written(made.id, made.revision_number)

    def update(self, target_id: str, entry: Entry, revision: str | None = None) -> Written:
        """Rewrite the activity from ``entry`` on ``revision`` (else its current one). The activity is
        read first: conductor-py cannot clear a reference, so an entry that dropped its customer or
        service item is refused rather than half applied; ``duration`` and ``entityId`` go on every
        update, as Conductor needs them."""
        self._endpoint.verify()
        current = self._seen.pop(target_id, None)
        if current is None or (revision and current.revision_number != revision):
            current = self._current(target_id)
        kept = [
            what
            for what, had, has in (
                ("customer", current.customer, entry.customer),
                ("service item", current.service_item, entry.service_item),
            )
            if had is not None and had.id and not has
        ]
        if kept:
            raise Refused(
                f"time tracking activity {target_id} has a {' and a '.join(kept)} the entry no longer "
                "names; Conductor's update cannot remove one"
            )
        refs = self._refs(entry)
        status = refs.billing_status(entry.billable)
        with self._endpoint.answers(f"updating time tracking activity {target_id}", refusable=True):
            updated = self._endpoint.qbd.time_tracking_activities.update(
                target_id,
                conductor_end_user_id=self._user,
                revision_number=revision or current.revision_number,
                entity_id=refs.entity_id,
                transaction_date=entry.work_date,
                duration=render_duration(entry.duration_seconds),
                customer_id=refs.customer_id or omit,
                service_item_id=refs.service_item_id or omit,
                note=entry.note,  # sent even when empty, which clears it
                billing_status=status or omit,
            )
        return Written(updated.id, updated.revision_number)

    def _current(self, target_id: str) -> TimeTrackingActivity:
        if not target_id:
            raise Refused("no time tracking activity id to update")
        with self._endpoint.answers(f"reading time tracking activity {target_id}", refusable=True):
            return self._endpoint.qbd.time_tracking_activities.retrieve(
                target_id, conductor_end_user_id=self._user
            )

    def delete(self, target_id: str) -> None:
        if not target_id:
            return
        self._endpoint.verify()
        with self._endpoint.answers(f"deleting time tracking activity {target_id}", refusable=True):
            try:
                self._endpoint.qbd.time_tracking_activities.delete(
                    target_id, conductor_end_user_id=self._user
                )
            except conductor.APIStatusError as error:
                if not _is_gone(error):
                    raise

    def revisions(self, ids: Sequence[str]) -> dict[str, str]:
        self._endpoint.verify()
        wanted = list(dict.fromkeys(i for i in ids if i))
        found: dict[str, str] = {}
        for start in range(0, len(wanted), PAGE):
            found.update(self._revisions_of(wanted[start : start + PAGE]))
        return found

    def _revisions_of(self, batch: list[str]) -> dict[str, str]:
        """Conductor refuses a whole ``ids`` filter when one id names nothing (conductor-py's ``ids``):
        the batch is then halved until the ids still there are read and the gone ones are alone."""
        try:
            with self._endpoint.answers("reading time tracking activities by id", refusable=True):
                page = self._endpoint.qbd.time_tracking_activities.list(
                    conductor_end_user_id=self._user, ids=batch, limit=PAGE
                )
                self._seen.update((a.id, a) for a in page)
                return {a.id: a.revision_number for a in page}
        except Refused:
            if len(batch) == 1:
                return {}
            half = len(batch) // 2
            return {**self._revisions_of(batch[:half]), **self._revisions_of(batch[half:])}

    def find(self, wanted: Mapping[str, Entry], taken: Container[str]) -> dict[str, Found]:
        """By external id alone, among the activities dated within the wanted entries' dates; ``taken``
        plays no part, as an external id names one source entry."""
        if not wanted:
            return {}
        self._endpoint.verify()
        keys = {_guid_key(k): k for k in wanted}
        dates = [e.work_date for e in wanted.values()]
        with self._endpoint.answers("listing time tracking activities"):
            activities = list(
                self._endpoint.qbd.time_tracking_activities.list(
                    conductor_end_user_id=self._user,
                    transaction_date_from=min(dates),
                    transaction_date_to=max(dates),
                    limit=PAGE,
                )
            )
        found: dict[str, Found] = {}
        for activity in activities:
            key = keys.get(_guid_key(activity.external_id)) if activity.external_id else None
            if key is not None:
                written = Written(activity.id, activity.revision_number)
                found[key] = Found(written, self._directory.entry(activity))
        return found


def _item_path(entry: Entry) -> tuple[str, ...]:
    """A service item's full name as its path ("Consulting:Web" is "Web" under "Consulting")."""
    return tuple(entry.service_item.split(":")) if entry.service_item else ()
