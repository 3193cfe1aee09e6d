"""What was deleted, and when: how a sync reading one API learns that records went away through
any of them. Deletes are soft, so every deleted list entry and transaction keeps its row and its
``deleted_at``; an entry brought back since (FreshBooks can) is no longer deleted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.records import DeletedRecord
from timeledger.ledger.values import ListKind, TransactionKind


def list_deleted_list_entries(
    uow: UnitOfWork,
    company_key: int,
    kinds: Sequence[ListKind],
    *,
    deleted_after: datetime | None = None,
    deleted_before: datetime | None = None,
) -> list[DeletedRecord]:
    """The entries of these lists deleted within [deleted_after, deleted_before] (None: open):
    grouped by list in the order ``kinds`` names them, each group in the order of deletion."""
    with uow:
        found = uow.lists.deleted(company_key, kinds, deleted_after, deleted_before)
    return _grouped(found, kinds)


def list_deleted_transactions(
    uow: UnitOfWork,
    company_key: int,
    kinds: Sequence[TransactionKind],
    *,
    deleted_after: datetime | None = None,
    deleted_before: datetime | None = None,
) -> list[DeletedRecord]:
    """Time and journal entries deleted within the window, grouped by kind in the order ``kinds``
    names them, each group in the order of deletion. A time entry deleted while its timer still
    ran is left out: it had recorded no time, so no reader without timers ever saw it."""
    found: list[DeletedRecord] = []
    with uow:
        for kind in dict.fromkeys(kinds):
            repository = uow.time_entries if kind is TransactionKind.TIME_ENTRY else uow.journal_entries
            found += repository.deleted(company_key, deleted_after, deleted_before)
    return found


def _grouped(found: list[DeletedRecord], kinds: Sequence[ListKind]) -> list[DeletedRecord]:
    order: dict[ListKind | TransactionKind, int] = {k: n for n, k in enumerate(dict.fromkeys(kinds))}
    # A stable sort: within a kind, the store's order of deletion stands.
    return sorted(found, key=lambda record: order[record.kind])
