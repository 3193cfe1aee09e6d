"""A sandbox company's clock and faults (``timeledger serve --sandbox``)."""

from __future__ import annotations

from sqlalchemy import Connection, delete, insert, select, update

from timeledger.ledger.clock import CompanyClock
from timeledger.ledger.faults import Fault
from timeledger.store.tables import sandbox_clocks, sandbox_faults


class SqlSandboxRepository:
    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def clock(self, company_key: int) -> CompanyClock | None:
        c = sandbox_clocks.c
        row = self._conn.execute(select(c.now, c.frozen, c.set_at).where(c.company_id == company_key)).first()
        return CompanyClock(row.now, row.frozen, row.set_at) if row else None

    def set_clock(self, company_key: int, clock: CompanyClock | None) -> None:
        c = sandbox_clocks.c
        self._conn.execute(delete(sandbox_clocks).where(c.company_id == company_key))
        if clock is not None:
            self._conn.execute(
                insert(sandbox_clocks).values(
                    company_id=company_key, now=clock.now, frozen=clock.frozen, set_at=clock.set_at
                )
            )

    def faults(self, company_key: int, api: str | None = None) -> list[Fault]:
        f = sandbox_faults.c
        query = select(
            f.id, f.api, f.method, f.path, f.fault, f.latency_ms, f.probability, f.remaining, f.created_at
        ).where(f.company_id == company_key)
        if api is not None:
            query = query.where(f.api == api)
        return [Fault(*row) for row in self._conn.execute(query.order_by(f.id))]

    def add_fault(self, company_key: int, fault: Fault) -> Fault:
        values = {k: v for k, v in fault.__dict__.items() if k != "id"}
        made = self._conn.execute(insert(sandbox_faults).values(company_id=company_key, **values))
        return Fault(int(made.inserted_primary_key[0]), *list(values.values()))

    def spend_fault(self, company_key: int, fault_id: int) -> bool:
        """One use of a counted fault; False when another request took the last one first."""
        f = sandbox_faults.c
        spent = self._conn.execute(
            update(sandbox_faults)
            .where(f.company_id == company_key, f.id == fault_id, f.remaining > 0)
            .values(remaining=f.remaining - 1)
        )
        self._conn.execute(delete(sandbox_faults).where(f.id == fault_id, f.remaining <= 0))
        return spent.rowcount == 1

    def delete_faults(self, company_key: int, fault_id: int | None = None) -> int:
        f = sandbox_faults.c
        where = f.company_id == company_key
        if fault_id is not None:
            where = where & (f.id == fault_id)
        return self._conn.execute(delete(sandbox_faults).where(where)).rowcount
