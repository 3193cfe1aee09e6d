"""When each kind of record last changed, for APIs that let a sync poll before it fetches
(QuickBooks Time's ``last_modified_timestamps``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from timeledger.ledger.ports import UnitOfWork
from timeledger.ledger.values import PERSON_KINDS, ListKind


@dataclass(frozen=True, slots=True)
class LatestChanges:
    """The latest change of each kind of record in a company; None where there is none."""

    people: datetime | None
    customers: datetime | None
    assignments: datetime | None
    time_entries: datetime | None
    deleted_time_entries: datetime | None


def latest_changes(uow: UnitOfWork, company_key: int) -> LatestChanges:
    with uow:
        return LatestChanges(
            people=uow.lists.latest_update(company_key, PERSON_KINDS),
            customers=uow.lists.latest_update(company_key, (ListKind.CUSTOMER,)),
            assignments=uow.assignments.latest_update(company_key),
            time_entries=uow.time_entries.latest_update(company_key, deleted=False),
            deleted_time_entries=uow.time_entries.latest_update(company_key, deleted=True),
        )
