"""Who may track time on a customer or job: QuickBooks Time's jobcode assignments, one ledger record.

An assignment names a person, or nobody in particular (``person`` None: everyone, QuickBooks Time's
"assigned to all"). It is never removed, only made inactive; assigning the same person again makes it
active again. Only active customers and jobs are assigned: making one inactive ends its assignments,
and those of every job below it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from timeledger.ledger.errors import RuleError
from timeledger.ledger.records import ListEntry, Ref
from timeledger.ledger.values import ListKind


@dataclass(frozen=True, slots=True)
class JobAssignment:
    key: int
    company_key: int
    person: Ref | None
    customer: Ref
    is_active: bool
    created_at: datetime
    updated_at: datetime
    customer_is_active: bool = True


def check_assignable(customer: ListEntry) -> None:
    """Only an active customer or job takes assignments."""
    if customer.kind is not ListKind.CUSTOMER:
        raise RuleError(
            "invalid_assignment", f'"{customer.full_name}" is not a customer or job.', field="customer"
        )
    if not customer.is_active:
        raise RuleError("inactive_reference", f'"{customer.full_name}" is inactive.', field="customer")
