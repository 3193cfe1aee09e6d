"""Conductor's journal-entry endpoints: create, retrieve, update, list, delete and void."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from starlette.routing import BaseRoute, Route

from timeledger.dialects.conductor import journal_wire as wire
from timeledger.dialects.conductor.endpoints import Call, endpoint
from timeledger.dialects.conductor.ids import parse_txn_id, render_txn_id, require_same_id
from timeledger.dialects.conductor.paging import cursor_page
from timeledger.ledger.errors import LedgerError, UnknownReferenceError
from timeledger.ledger.journal import JournalEntry
from timeledger.ledger.services import journal_entries

JOURNAL_ENTRIES = "/v1/quickbooks-desktop/journal-entries"


@contextmanager
def _lines_named(paths: Sequence[str]) -> Iterator[None]:
    """A refusal about a line names it as the caller wrote it (``debitLines[1].accountId``)."""
    try:
        yield
    except LedgerError as error:
        error.field = wire.wire_field(error.field, paths)
        raise


def _entry(call: Call, company_key: int) -> JournalEntry:
    """The entry the path names: its key finds it, and its created time must match too."""
    entry = journal_entries.retrieve_journal_entry(call.uow, company_key, parse_txn_id(call.path["id"], "id"))
    require_same_id(call.path["id"], render_txn_id(entry.key, entry.created_at))
    return entry


def create_journal_entry(call: Call) -> dict[str, Any]:
    company = call.company()
    draft, paths = wire.parse_journal_entry(call.json())
    with _lines_named(paths):
        entry = journal_entries.create_journal_entry(call.uow, company, draft)
    return wire.render_journal_entry(entry)


def retrieve_journal_entry(call: Call) -> dict[str, Any]:
    company = call.company()
    return wire.render_journal_entry(_entry(call, company.key))


def update_journal_entry(call: Call) -> dict[str, Any]:
    company = call.company()
    body = call.json()
    revision, changes, lines, paths = wire.parse_journal_entry_update(body)
    current = _entry(call, company.key)
    # As with the entry's own ID, a line ID's created part must match, or it names no line.
    rendered = {ln.key: render_txn_id(ln.key, ln.created_at).upper() for ln in current.lines}
    for index, change in enumerate(lines or ()):
        sent = body["lines"][index]["id"].upper()
        if change.key is not None and rendered.get(change.key, sent) != sent:
            raise UnknownReferenceError(
                "No line of this journal entry has that id.", field=f"{paths[index]}.id"
            )
    key = current.key
    with _lines_named(paths):
        entry = journal_entries.update_journal_entry(call.uow, company, key, revision, changes, lines)
    return wire.render_journal_entry(entry)


def list_journal_entries(call: Call) -> dict[str, Any]:
    company = call.company()
    query = wire.parse_journal_entry_query(call.query)
    page = journal_entries.list_journal_entries(call.uow, company.key, query)
    data = [wire.render_journal_entry(e, include_lines=query.include_lines) for e in page.items]
    return cursor_page(JOURNAL_ENTRIES, data, page.remaining, page.last)


def delete_journal_entry(call: Call) -> dict[str, Any]:
    company = call.company()
    key = _entry(call, company.key).key
    return wire.render_deleted(journal_entries.delete_journal_entry(call.uow, company.key, key))


def void_journal_entry(call: Call) -> dict[str, Any]:
    company = call.company()
    key = _entry(call, company.key).key
    return wire.render_voided(journal_entries.void_journal_entry(call.uow, company.key, key))


JOURNAL_ROUTES: list[BaseRoute] = [
    Route(JOURNAL_ENTRIES, endpoint(create_journal_entry), methods=["POST"]),
    Route(JOURNAL_ENTRIES, endpoint(list_journal_entries), methods=["GET"]),
    Route(f"{JOURNAL_ENTRIES}/{{id}}", endpoint(retrieve_journal_entry), methods=["GET"]),
    Route(f"{JOURNAL_ENTRIES}/{{id}}", endpoint(update_journal_entry), methods=["POST"]),
    Route(f"{JOURNAL_ENTRIES}/{{id}}", endpoint(delete_journal_entry), methods=["DELETE"]),
    Route(f"{JOURNAL_ENTRIES}/{{id}}/void", endpoint(void_journal_entry), methods=["POST"]),
]
