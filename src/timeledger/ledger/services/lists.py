"""Create, read and change list entries: people, customers and jobs, items, classes, wage items, accounts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import (
    NotFoundError,
    StaleRevisionError,
    UnknownFilterValueError,
    UnknownReferenceError,
)
from timeledger.ledger.external_ids import check_external_id
from timeledger.ledger.lists import (
    UPDATABLE_FIELDS,
    ListDraft,
    check_name,
    check_parent,
    full_name_under,
    person_name,
)
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.queries import ListQuery, Page
from timeledger.ledger.records import ListEntry
from timeledger.ledger.values import ListKind


def resolve(
    uow: UnitOfWork, company_key: int, kinds: Iterable[ListKind], key: int | None, field: str
) -> ListEntry | None:
    """The entry a reference field names, or UnknownReferenceError naming that field."""
    if key is None:
        return None
    kinds = tuple(kinds)
    entry = uow.lists.get(company_key, kinds, key)
    if entry is None:
        what = " or ".join(k.value.replace("_", " ") for k in kinds)
        raise UnknownReferenceError(f"The {what} named by {field} does not exist.", field=field)
    return entry


def check_revision(current: int, expected: str) -> None:
    """Refuse a write based on an old copy: the caller must refetch, not fix fields that moved under it."""
    if expected != str(current):
        raise StaleRevisionError(
            f'The provided revision number "{expected}" is out-of-date; the current one is "{current}".',
            given=expected,
            current=current,
        )


def _check_links(uow: UnitOfWork, company_key: int, links: Mapping[str, tuple[ListKind, int | None]]) -> None:
    for role, (kind, key) in links.items():
        resolve(uow, company_key, (kind,), key, role)


def _check_currency(uow: UnitOfWork, company_key: int, key: int | None) -> None:
    """A customer, vendor or account may be kept in any of the company's currencies."""
    if key is not None and uow.currencies.get(company_key, key) is None:
        raise UnknownReferenceError("The currency it names does not exist.", field="currency")


def create_list_entry(uow: UnitOfWork, company_key: int, draft: ListDraft) -> ListEntry:
    """Add an entry to one of the company's lists. Its name must be free within that list."""
    now = utc_now()
    with uow.write():
        parent = resolve(uow, company_key, (draft.kind,), draft.parent_key, "parent")
        name = draft.name
        if draft.kind is ListKind.EMPLOYEE and not name:
            name = person_name(draft.first_name, draft.middle_name, draft.last_name)
        name = check_name(name, draft.kind)
        check_parent(draft.kind, None, parent)
        check_external_id(draft.external_id)
        full_name, sublevel = full_name_under(parent, name)
        _check_links(uow, company_key, draft.links)
        _check_currency(uow, company_key, draft.currency_key)
        entry = uow.lists.add(company_key, draft, name, full_name, sublevel, now)
        uow.commit()
    return entry


def retrieve_list_entry(uow: UnitOfWork, company_key: int, kind: ListKind, key: int) -> ListEntry:
    with uow:
        entry = uow.lists.get(company_key, (kind,), key)
    if entry is None:
        raise NotFoundError(f"No {kind.value.replace('_', ' ')} has that id.")
    return entry


def update_list_entry(
    uow: UnitOfWork,
    company_key: int,
    kind: ListKind,
    key: int,
    expected_revision: str,
    changes: Mapping[str, Any],
    *,
    extra: Mapping[str, Any] | None = None,
    links: Mapping[str, tuple[ListKind, int | None]] | None = None,
) -> ListEntry:
    """Change an entry. Renaming or moving it renames every entry below it in the same transaction.

    ``changes`` holds ledger fields (see ``lists.UPDATABLE_FIELDS``); ``extra`` maps an API's name to
    its attributes, merged key by key into what that API stored; ``links`` replaces the references it names.
    """
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    now = utc_now()
    with uow.write():
        entry = uow.lists.get(company_key, (kind,), key)
        if entry is None:
            raise NotFoundError(f"No {kind.value.replace('_', ' ')} has that id.")
        check_revision(entry.revision, expected_revision)
        parent_key = changes.get("parent_key", entry.parent.key if entry.parent else None)
        parent = resolve(uow, company_key, (kind,), parent_key, "parent")
        name = changes.get("name", entry.name)
        if (
            kind is ListKind.EMPLOYEE
            and "name" not in changes
            and {"first_name", "middle_name", "last_name"} & set(changes)
        ):
            name = person_name(
                changes.get("first_name", entry.first_name),
                changes.get("middle_name", entry.middle_name),
                changes.get("last_name", entry.last_name),
            )
        name = check_name(name, kind)
        check_parent(kind, entry, parent)
        full_name, sublevel = full_name_under(parent, name)
        _check_links(uow, company_key, links or {})
        _check_currency(uow, company_key, changes.get("currency_key"))
        write: dict[str, Any] = {**changes, "name": name, "full_name": full_name, "sublevel": sublevel}
        if extra:
            write["extra"] = {
                **entry.extra,
                **{api: {**entry.extra.get(api, {}), **v} for api, v in extra.items()},
            }
        if links:
            write["links"] = links
        updated = uow.lists.update(entry, entry.revision, write, now)
        if full_name != entry.full_name:
            uow.lists.rename_descendants(
                company_key, kind, entry.full_name, full_name, sublevel - entry.sublevel, now
            )
        uow.commit()
    return updated


def list_list_entries(uow: UnitOfWork, company_key: int, query: ListQuery) -> Page[ListEntry]:
    """Read one list. Exact filters (keys, full names) must each match, or the read is refused."""
    with uow:
        if query.keys:
            found = {
                e.key: e for e in (uow.lists.get(company_key, (query.kind,), k) for k in query.keys) if e
            }
            missing = [k for k in query.keys if k not in found]
            if missing:
                raise UnknownFilterValueError("An id in the filter names nothing.", field="keys")
            items = [found[k] for k in dict.fromkeys(query.keys)]
            return Page(items=items[: query.limit] if query.limit else items, remaining=0)
        if query.full_names:
            found_names = {
                e.full_name.casefold(): e
                for e in uow.lists.by_full_names(company_key, query.kind, query.full_names)
            }
            for wanted in query.full_names:
                if wanted.casefold() not in found_names:
                    raise UnknownFilterValueError(
                        f'There was a required element ("{wanted}") that could not be found.',
                        field="full_names",
                    )
            items = list(
                {found_names[n.casefold()].key: found_names[n.casefold()] for n in query.full_names}.values()
            )
            return Page(items=items[: query.limit] if query.limit else items, remaining=0)
        for currency_key in query.currency_keys:
            if uow.currencies.get(company_key, currency_key) is None:
                raise UnknownFilterValueError(
                    "A currency in the filter does not exist.", field="currency_keys"
                )
        return uow.lists.query(company_key, query)
