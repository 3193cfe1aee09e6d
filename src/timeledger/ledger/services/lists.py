"""Create, read and change list entries: people, customers and jobs, items, classes, wage items, accounts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from timeledger.ledger.clock import utc_now
from timeledger.ledger.errors import (
    DuplicateNameError,
    NotFoundError,
    StaleRevisionError,
    UnknownFilterValueError,
    UnknownReferenceError,
)
from timeledger.ledger.external_ids import check_external_id
from timeledger.ledger.lists import (
    TEXT_LIMITS,
    UPDATABLE_FIELDS,
    ListDraft,
    check_lengths,
    check_name,
    check_parent,
    full_name_under,
    person_name,
)
from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.queries import ListQuery, Page
from timeledger.ledger.records import ListEntry, merged_extra
from timeledger.ledger.values import EntryState, ListKind


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


def _root_below(parent: ListEntry | None) -> int | None:
    """The top of the hierarchy an entry placed below ``parent`` joins (None: it is a top itself)."""
    if parent is None:
        return None
    return parent.root_key or parent.key


# How many numbered variants of a name ``free_name`` tries before giving up.
MAX_NAME_VARIANTS = 1000


def _name_variants(name: str) -> list[str]:
    """``Acme``, ``Acme (2)``, ``Acme (3)``...: deterministic, so the same books give the same names."""
    return [name] + [f"{name} ({n})" for n in range(2, MAX_NAME_VARIANTS + 1)]


def create_list_entry(
    uow: UnitOfWork, company_key: int, draft: ListDraft, *, number_duplicate_names: bool = False
) -> ListEntry:
    """Add an entry to one of the company's lists. Its name must be free within that list, unless
    ``number_duplicate_names``: then a taken name gets the first free suffix " (2)", " (3)"... (for APIs
    whose names need not be unique, such as FreshBooks' client organizations and project titles)."""
    now = utc_now()
    check_lengths({f: getattr(draft, f) for f in TEXT_LIMITS})
    with uow.write():
        parent = resolve(uow, company_key, (draft.kind,), draft.parent_key, "parent")
        name = draft.name
        if draft.kind is ListKind.EMPLOYEE and not name:
            name = person_name(draft.first_name, draft.middle_name, draft.last_name)
        name = check_name(name, draft.kind)
        check_parent(draft.kind, None, parent)
        check_external_id(draft.external_id)
        _check_links(uow, company_key, draft.links)
        _check_currency(uow, company_key, draft.currency_key)
        for candidate in _name_variants(name) if number_duplicate_names else [name]:
            full_name, sublevel = full_name_under(parent, candidate)
            try:
                entry = uow.lists.add(
                    company_key, draft, candidate, full_name, sublevel, now, _root_below(parent)
                )
                break
            except DuplicateNameError:
                if not number_duplicate_names or candidate == f"{name} ({MAX_NAME_VARIANTS})":
                    raise
        uow.commit()
    return entry


def retrieve_list_entry(
    uow: UnitOfWork,
    company_key: int,
    kind: ListKind | Iterable[ListKind],
    key: int,
    *,
    include_deleted: bool = False,
    has_parent: bool | None = None,
) -> ListEntry:
    """One entry of the list ``kind`` (or of any of several, such as every kind of person).
    ``has_parent`` True finds only entries below another (jobs), False only top-level ones."""
    kinds = (kind,) if isinstance(kind, ListKind) else tuple(kind)
    with uow:
        entry = uow.lists.get(company_key, kinds, key, include_deleted=include_deleted)
    if entry is not None and has_parent is not None and (entry.parent is not None) != has_parent:
        entry = None
    if entry is None:
        raise NotFoundError(f"No {' or '.join(k.value.replace('_', ' ') for k in kinds)} has that id.")
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
    number_duplicate_names: bool = False,
    restore: bool = False,
) -> ListEntry:
    """Change an entry. Renaming or moving it renames every entry below it in the same transaction.

    ``changes`` holds ledger fields (see ``lists.UPDATABLE_FIELDS``); ``extra`` maps an API's name to
    its attributes, merged key by key into what that API stored; ``links`` replaces the references it names.
    ``expected_revision`` None changes the entry as it is now (for APIs without revisions);
    ``number_duplicate_names`` is as for ``create_list_entry``; ``restore`` brings back a deleted entry.
    """
    unknown = set(changes) - UPDATABLE_FIELDS
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    check_lengths(changes)
    now = utc_now()
    with uow.write():
        entry = uow.lists.get(company_key, (kind,), key, include_deleted=restore)
        if entry is None:
            raise NotFoundError(f"No {kind.value.replace('_', ' ')} has that id.")
        if expected_revision is not None:
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
        _check_links(uow, company_key, links or {})
        _check_currency(uow, company_key, changes.get("currency_key"))
        write: dict[str, Any] = dict(changes)
        if "parent_key" in changes:
            write["root_key"] = _root_below(parent)
        if restore:
            write["deleted_at"] = None
        if extra:
            write["extra"] = merged_extra(entry.extra, extra)
        if links:
            write["links"] = links
        renaming = number_duplicate_names and name != entry.name
        for candidate in _name_variants(name) if renaming else [name]:
            full_name, sublevel = full_name_under(parent, candidate)
            write.update(name=candidate, full_name=full_name, sublevel=sublevel)
            try:
                updated = uow.lists.update(entry, entry.revision, write, now)
                break
            except DuplicateNameError:
                if not renaming or candidate == f"{name} ({MAX_NAME_VARIANTS})":
                    raise
        if full_name != entry.full_name:
            below = write.get("root_key", entry.root_key) or entry.key
            uow.lists.rename_descendants(
                company_key, kind, entry.full_name, full_name, sublevel - entry.sublevel, now, below
            )
        if updated.is_active != entry.is_active:
            _follow_active(uow, updated, now)
        uow.commit()
    return updated


def _follow_active(uow: UnitOfWork, entry: ListEntry, now: datetime) -> None:
    """As in QuickBooks, what sits below an inactive entry is inactive too, and an entry made active
    again brings back the entries above it; a customer or job made inactive ends its assignments."""
    if not entry.kind.is_hierarchical:
        return
    if not entry.is_active:
        below = uow.lists.descendants(entry.company_key, entry.kind, entry.full_name)
        uow.lists.set_active(entry.company_key, below, False, now)
        if entry.kind is ListKind.CUSTOMER:
            uow.assignments.end_for_customers(entry.company_key, [entry.key, *below], now)
        return
    above: list[int] = []
    parent = entry.parent
    while parent is not None:
        above.append(parent.key)
        found = uow.lists.get(entry.company_key, (entry.kind,), parent.key, include_deleted=True)
        parent = found.parent if found is not None else None
    uow.lists.set_active(entry.company_key, above, True, now)


def delete_list_entry(uow: UnitOfWork, company_key: int, kind: ListKind, key: int) -> ListEntry:
    """Remove an entry from every read; time already recorded against it keeps naming it."""
    now = utc_now()
    with uow.write():
        entry = uow.lists.get(company_key, (kind,), key)
        if entry is None:
            raise NotFoundError(f"No {kind.value.replace('_', ' ')} has that id.")
        deleted = uow.lists.update(entry, entry.revision, {"deleted_at": now}, now)
        if kind is ListKind.CUSTOMER:
            uow.assignments.end_for_customers(company_key, [key], now)
        uow.commit()
    return deleted


def set_list_entry_state(
    uow: UnitOfWork,
    company_key: int,
    kind: ListKind,
    key: int,
    state: EntryState,
    *,
    has_parent: bool | None = None,
) -> ListEntry:
    """Put an entry in ``state``: delete it (once: deleting a deleted entry changes nothing), or make
    it active or inactive, bringing it back if it was deleted. ``has_parent`` narrows which entries
    the key may name, as for ``retrieve_list_entry``."""
    with uow.write():
        current = retrieve_list_entry(
            uow, company_key, kind, key, include_deleted=True, has_parent=has_parent
        )
        if state is EntryState.DELETED:
            changed = (
                current if current.deleted_at is not None else delete_list_entry(uow, company_key, kind, key)
            )
        else:
            changes = {"is_active": state is EntryState.ACTIVE}
            changed = update_list_entry(uow, company_key, kind, key, None, changes, restore=True)
        uow.commit()
    return changed


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


def with_children(uow: UnitOfWork, company_key: int, keys: Iterable[int]) -> set[int]:
    """Which of these entries have an entry directly below them."""
    with uow:
        return uow.lists.with_children(company_key, keys)
