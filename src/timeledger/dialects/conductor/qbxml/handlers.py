"""One handler per qbXML request the passthrough answers from the ledger (``TimeTrackingQueryRq``,
``TimeTrackingAddRq``, ``TimeTrackingModRq``, the list queries), and ``answer(call)`` for a whole body."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from timeledger.dialects.conductor.ids import render_list_id, render_txn_id
from timeledger.dialects.conductor.qbxml import message
from timeledger.dialects.conductor.qbxml.lists import (
    LIST_RETS,
    ListQueryRequest,
    ListRet,
    parse_list_query,
    render_list_ret,
)
from timeledger.dialects.conductor.qbxml.message import QbxmlRequest, RefSpec
from timeledger.dialects.conductor.qbxml.statuses import (
    OK,
    UNSUPPORTED_REQUEST,
    QbxmlStatusError,
    Status,
    refusal_status,
)
from timeledger.dialects.conductor.qbxml.time_tracking import (
    TIME_TRACKING,
    TIME_TRACKING_RET,
    TimeTrackingChange,
    TimeTrackingQuery,
    parse_time_tracking_add,
    parse_time_tracking_mod,
    parse_time_tracking_query,
    render_time_tracking,
)
from timeledger.dialects.conductor.wire import currencies as currency_wire
from timeledger.dialects.conductor.wire import lists as list_wire
from timeledger.dialects.scaffold.endpoints import Call
from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import (
    LedgerError,
    NotFoundError,
    UnknownFilterValueError,
    UnknownReferenceError,
)
from timeledger.ledger.journal import Currency
from timeledger.ledger.queries import CurrencyQuery, ListQuery, TimeEntryQuery
from timeledger.ledger.records import ListEntry, TimeEntry
from timeledger.ledger.services import currencies, journal_entries, lists, time_entries
from timeledger.ledger.tenancy import Company
from timeledger.ledger.time_entries import TimeEntryDraft, work_date_of
from timeledger.ledger.values import ActiveStatus, ListKind

# Time entries are read in pages of this many until a query has all it asked for.
_PAGE = 500


@dataclass(frozen=True, slots=True)
class Operation:
    """One request's handling: ``parse`` reads it (no I/O), ``run`` answers it from the ledger."""

    parse: Callable[[QbxmlRequest], Any]
    run: Callable[[Call[Company], QbxmlRequest, Any], dict[str, Any]]


def answer(call: Call[Company]) -> dict[str, Any]:
    """The passthrough's answer: each request's response, under its name. Every request of the
    body is read before any runs, since QuickBooks refuses a message that breaks its schema whole.
    Then each runs in a savepoint of the request's unit of work: one refused leaves nothing behind,
    and the others still run and commit, each answered with its own status."""
    requests = message.read_requests(call.json())
    plans = [(request, _plan(request)) for request in requests]
    return message.render_body((request, _run(call, request, plan)) for request, plan in plans)


def _plan(request: QbxmlRequest) -> Any:
    """The request parsed, or the status it is answered with without running."""
    operation = OPERATIONS.get(request.name)
    try:
        message.check_request_id(request)
        return UNSUPPORTED_REQUEST if operation is None else operation.parse(request)
    except QbxmlStatusError as refused:
        return refused.status


def _run(call: Call[Company], request: QbxmlRequest, plan: Any) -> dict[str, Any]:
    if isinstance(plan, Status):
        return message.answer(request, plan)
    try:
        with call.uow.savepoint():
            return OPERATIONS[request.name].run(call, request, plan)
    except QbxmlStatusError as refused:
        return message.answer(request, refused.status)


@contextmanager
def _refused(change: TimeTrackingChange) -> Iterator[None]:
    """A ledger refusal of a write, as QuickBooks' status for it."""
    try:
        yield
    except LedgerError as error:
        raise QbxmlStatusError(refusal_status(error, change.sent, TIME_TRACKING)) from None


def _named(call: Call[Company], kinds: tuple[ListKind, ...], full_name: str) -> ListEntry | None:
    """The entry of one of these lists with this full name, as the REST ``fullNames`` filter finds it."""
    for kind in kinds:
        try:
            page = lists.list_list_entries(
                call.uow, call.caller.key, ListQuery(kind, full_names=(full_name,))
            )
        except UnknownFilterValueError:
            continue
        return page.items[0]
    return None


def _key(call: Call[Company], ref: RefSpec, field: str) -> int:
    """A reference's key: its ListID's, or that of the entry its FullName names."""
    if ref.key is not None:
        return ref.key
    found = _named(call, ref.kinds, ref.full_name or "")
    if found is None:
        raise UnknownReferenceError("No entry has that full name.", field=field)
    return found.key


def _keys(call: Call[Company], change: TimeTrackingChange) -> dict[str, int]:
    # ``person_key`` is ``person`` in the ledger's refusals, and so on.
    return {f: _key(call, ref, f.removesuffix("_key")) for f, ref in change.refs.items()}


# --- time tracking --------------------------------------------------------------------------------


def time_tracking_query(
    call: Call[Company], request: QbxmlRequest, parsed: TimeTrackingQuery
) -> dict[str, Any]:
    missing: list[str] = []
    if parsed.txn_ids:
        keys = tuple(dict.fromkeys(key for _, key in parsed.txn_ids))
        page = time_entries.list_time_entries(
            call.uow, call.caller.key, TimeEntryQuery(key_filter=keys, limit=len(keys))
        )
        found = {render_txn_id(e.key, e.created_at).upper(): e for e in page.items}
        wanted = dict.fromkeys(text.upper() for text, _ in parsed.txn_ids)
        entries = [found[t] for t in wanted if t in found]
        missing = [text for text, _ in parsed.txn_ids if text.upper() not in found]
    else:
        query = parsed.query
        if parsed.entities:
            people, missing = _people(call, parsed.entities)
            if not people:  # an entity filter that names nobody matches nothing, not everything
                return message.query_answer(request, TIME_TRACKING_RET, [], missing)
            query = replace(query, person_keys=people, exact=False)
        entries = _all_time_entries(call, query, parsed.max_returned)
    rets = [message.only(render_time_tracking(e), parsed.include) for e in entries]
    return message.query_answer(request, TIME_TRACKING_RET, rets, missing)


def _people(
    call: Call[Company], entities: tuple[tuple[RefSpec, str], ...]
) -> tuple[tuple[int, ...], list[str]]:
    """The keys of the people an entity filter names, and what it named that is nobody."""
    keys: list[int] = []
    missing: list[str] = []
    for ref, sent in entities:
        if ref.key is not None:
            try:
                entry = lists.retrieve_list_entry(call.uow, call.caller.key, ref.kinds, ref.key)
            except NotFoundError:
                entry = None
            if entry is not None and not message.same_id(sent, render_list_id(entry.key, entry.created_at)):
                entry = None
        else:
            entry = _named(call, ref.kinds, ref.full_name or "")
        if entry is None:
            missing.append(sent)
        else:
            keys.append(entry.key)
    return tuple(dict.fromkeys(keys)), missing


def _all_time_entries(
    call: Call[Company], query: TimeEntryQuery, max_returned: int | None
) -> list[TimeEntry]:
    """Every entry the query matches, or the first ``max_returned``: a qbXML query is not paged."""
    found: list[TimeEntry] = []
    after = None
    while max_returned is None or len(found) < max_returned:
        limit = _PAGE if max_returned is None else min(_PAGE, max_returned - len(found))
        page = time_entries.list_time_entries(
            call.uow, call.caller.key, replace(query, limit=limit, after=after)
        )
        found += page.items
        if not page.remaining or not page.items:
            break
        after = page.items[-1].key
    return found


def time_tracking_add(
    call: Call[Company], request: QbxmlRequest, change: TimeTrackingChange
) -> dict[str, Any]:
    with _refused(change):
        # A TimeTrackingAdd without a TxnDate is for today, in the company's time zone.
        fields = {"work_date": work_date_of(utc_now(), call.caller.time_zone), **change.fields}
        draft = TimeEntryDraft(**fields, **_keys(call, change))
        entry = time_entries.create_time_entry(call.uow, call.caller.key, draft)
    return message.answer(
        request,
        OK,
        (TIME_TRACKING_RET, message.only(render_time_tracking(entry), change.include)),
    )


def time_tracking_mod(
    call: Call[Company], request: QbxmlRequest, change: TimeTrackingChange
) -> dict[str, Any]:
    assert change.txn is not None
    sent, key = change.txn
    with _refused(change):
        current = time_entries.retrieve_time_entry(call.uow, call.caller.key, key)
        if not message.same_id(sent, render_txn_id(current.key, current.created_at)):
            raise NotFoundError("No time entry has that id.")
        changes = {**change.fields, **_keys(call, change)}
        entry = time_entries.update_time_entry(call.uow, call.caller.key, key, change.edit_sequence, changes)
    return message.answer(
        request,
        OK,
        (TIME_TRACKING_RET, message.only(render_time_tracking(entry), change.include)),
    )


# --- list objects and currencies ------------------------------------------------------------------


def _exact(wanted: tuple[tuple[str, int], ...], found: dict[str, Any]) -> tuple[list[Any], list[str]]:
    """What ListIDs found (by the whole ID, upper-cased), in the order asked, and those that found nothing."""
    ordered = dict.fromkeys(text.upper() for text, _ in wanted)
    return [found[t] for t in ordered if t in found], [
        text for text, _ in wanted if text.upper() not in found
    ]


def _list_query(obj: ListRet) -> Callable[[Call[Company], QbxmlRequest, Any], dict[str, Any]]:
    rest = next(o for o in list_wire.LIST_OBJECTS if o.object_type == obj.object_type)
    assert obj.kind is not None

    def run(call: Call[Company], request: QbxmlRequest, parsed: ListQueryRequest) -> dict[str, Any]:
        assert obj.kind is not None
        missing: list[str] = []
        if parsed.list_ids:
            keys = tuple(dict.fromkeys(key for _, key in parsed.list_ids))
            query = ListQuery(obj.kind, key_filter=keys, status=ActiveStatus.ALL)
            page = lists.list_list_entries(call.uow, call.caller.key, query)
            entries, missing = _exact(
                parsed.list_ids, {render_list_id(e.key, e.created_at).upper(): e for e in page.items}
            )
        elif parsed.full_names:
            entries = []
            for name in dict.fromkeys(parsed.full_names):
                entry = _named(call, (obj.kind,), name)
                if entry is None:
                    missing.append(name)
                else:
                    entries.append(entry)
        else:
            assert isinstance(parsed.query, ListQuery)
            entries = lists.list_list_entries(call.uow, call.caller.key, parsed.query).items
        # Accounts show balances computed from posted journal lines, as in the REST API.
        balances = (
            journal_entries.account_balances(call.uow, call.caller.key, entries)
            if obj.kind is ListKind.ACCOUNT
            else {}
        )
        rets = [
            message.only(
                render_list_ret(obj, list_wire.render_list_object(rest, e, balance=balances.get(e.key))),
                parsed.include,
            )
            for e in entries
        ]
        return message.query_answer(request, obj.ret_name, rets, missing)

    run.__name__ = obj.request_name
    return run


def currency_query(call: Call[Company], request: QbxmlRequest, parsed: ListQueryRequest) -> dict[str, Any]:
    missing: list[str] = []
    found: list[Currency] = []
    if parsed.list_ids:
        by_id = {}
        for _, key in parsed.list_ids:
            try:
                currency = currencies.retrieve_currency(call.uow, call.caller.key, key)
            except NotFoundError:
                continue
            by_id[render_list_id(currency.key, currency.created_at).upper()] = currency
        found, missing = _exact(parsed.list_ids, by_id)
    elif parsed.full_names:
        for name in dict.fromkeys(parsed.full_names):
            try:
                found += currencies.list_currencies(call.uow, call.caller.key, CurrencyQuery(names=(name,)))
            except UnknownFilterValueError:
                missing.append(name)
    else:
        assert isinstance(parsed.query, CurrencyQuery)
        found = currencies.list_currencies(call.uow, call.caller.key, parsed.query)
    rets = [
        message.only(render_list_ret(_CURRENCY, currency_wire.render_currency(c)), parsed.include)
        for c in found
    ]
    return message.query_answer(request, _CURRENCY.ret_name, rets, missing)


_CURRENCY = next(o for o in LIST_RETS if o.kind is None)

OPERATIONS: dict[str, Operation] = {
    "TimeTrackingQueryRq": Operation(parse_time_tracking_query, time_tracking_query),
    "TimeTrackingAddRq": Operation(parse_time_tracking_add, time_tracking_add),
    "TimeTrackingModRq": Operation(parse_time_tracking_mod, time_tracking_mod),
    **{
        o.request_name: Operation(partial(parse_list_query, o), _list_query(o))
        for o in LIST_RETS
        if o.kind is not None
    },
    _CURRENCY.request_name: Operation(partial(parse_list_query, _CURRENCY), currency_query),
}
