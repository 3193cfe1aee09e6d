"""Conductor's list-object endpoints: create, retrieve, update and list for each list type."""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from timeledger.dialects.conductor.endpoints import Call, endpoint
from timeledger.dialects.conductor.ids import parse_list_id, render_list_id, require_same_id
from timeledger.dialects.conductor.list_wire import (
    LIST_OBJECTS,
    ListObject,
    parse_list_object,
    parse_list_object_update,
    parse_list_query,
    render_list_object,
)
from timeledger.dialects.conductor.paging import cursor_page, plain_list
from timeledger.dialects.conductor.validation import validate_query
from timeledger.ledger.records import ListEntry
from timeledger.ledger.services import journal_entries, lists
from timeledger.ledger.values import ListKind


def _handlers(obj: ListObject) -> list[BaseRoute]:
    base = f"/v1/quickbooks-desktop/{obj.path}"

    def _existing(call: Call, company_key: int) -> ListEntry:
        """The entry the path names; its ID's created part must match too, or it names nothing."""
        entry = lists.retrieve_list_entry(
            call.uow, company_key, obj.kind, parse_list_id(call.path["id"], "id")
        )
        require_same_id(call.path["id"], render_list_id(entry.key, entry.created_at))
        return entry

    def _render(
        call: Call, company_key: int, entries: list[ListEntry], options: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        # Accounts show balances computed from posted journal lines; other lists keep none.
        balances = (
            journal_entries.account_balances(call.uow, company_key, entries)
            if obj.kind is ListKind.ACCOUNT
            else {}
        )
        return [render_list_object(obj, e, options=options, balance=balances.get(e.key)) for e in entries]

    def create(call: Call) -> dict[str, Any]:
        company = call.company()
        draft = parse_list_object(obj, call.json())
        return _render(call, company.key, [lists.create_list_entry(call.uow, company.key, draft)])[0]

    def retrieve(call: Call) -> dict[str, Any]:
        company = call.company()
        return _render(call, company.key, [_existing(call, company.key)])[0]

    def update(call: Call) -> dict[str, Any]:
        company = call.company()
        revision, changes, extra, links = parse_list_object_update(obj, call.json())
        key = _existing(call, company.key).key
        entry = lists.update_list_entry(
            call.uow, company.key, obj.kind, key, revision, changes, extra=extra, links=links
        )
        return _render(call, company.key, [entry])[0]

    def list_(call: Call) -> dict[str, Any]:
        company = call.company()
        query = parse_list_query(obj, call.query)
        options = validate_query(f"{obj.operations}.list", call.query)
        page = lists.list_list_entries(call.uow, company.key, query)
        data = _render(call, company.key, page.items, options)
        if obj.is_paged:
            return cursor_page(base, data, page.remaining, page.last)
        return plain_list(base, data)

    for handler, name in ((create, "create"), (retrieve, "retrieve"), (update, "update"), (list_, "list")):
        handler.__name__ = f"{name}_{obj.operations}"  # names the handler in logs: create_vendors
    routes: list[BaseRoute] = [
        Route(base, endpoint(create), methods=["POST"]),
        Route(base, endpoint(list_), methods=["GET"]),
        Route(f"{base}/{{id}}", endpoint(retrieve), methods=["GET"]),
    ]
    if obj.can_update:
        routes.append(Route(f"{base}/{{id}}", endpoint(update), methods=["POST"]))
    return routes


LIST_ROUTES: list[BaseRoute] = [route for obj in LIST_OBJECTS for route in _handlers(obj)]
