"""A sandbox company's clock and faults (``timeledger serve --sandbox``)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, insert, select, update

from timeledger.ledger.clock import CompanyClock
from timeledger.ledger.faults import (
    RATE_LIMIT_WINDOW_SECONDS,
    REQUEST_LOG_SIZE,
    Fault,
    LoggedRequest,
    Realism,
)
from timeledger.store.tables import (
    sandbox_clocks,
    sandbox_faults,
    sandbox_rates,
    sandbox_realism,
    sandbox_requests,
)


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

    def realism(self, company_key: int) -> Realism:
        r = sandbox_realism.c
        row = self._conn.execute(
            select(r.cursor_expiry_seconds, r.rate_limit, r.latency).where(r.company_id == company_key)
        ).first()
        return Realism(*row) if row else Realism()

    def set_realism(self, company_key: int, realism: Realism) -> None:
        r = sandbox_realism.c
        self._conn.execute(delete(sandbox_realism).where(r.company_id == company_key))
        if realism != Realism():
            self._conn.execute(
                insert(sandbox_realism).values(
                    company_id=company_key,
                    cursor_expiry_seconds=realism.conductor_cursor_expiry_seconds,
                    rate_limit=realism.quickbooks_time_rate_limit,
                    latency=realism.latency,
                )
            )

    def count_request(self, token_hash: str, now: datetime) -> tuple[int, datetime]:
        """One more request of this token in its window (a new window once the last one ended): the
        count so far and when the window began."""
        r = sandbox_rates.c
        row = self._conn.execute(select(r.window_start, r.count).where(r.token_hash == token_hash)).first()
        if row is None or now - row.window_start >= timedelta(seconds=RATE_LIMIT_WINDOW_SECONDS):
            self._conn.execute(delete(sandbox_rates).where(r.token_hash == token_hash))
            self._conn.execute(insert(sandbox_rates).values(token_hash=token_hash, window_start=now, count=1))
            return 1, now
        self._conn.execute(update(sandbox_rates).where(r.token_hash == token_hash).values(count=r.count + 1))
        return row.count + 1, row.window_start

    def log_request(self, company_key: int, entry: LoggedRequest) -> None:
        """Keep ``entry``, and only the newest REQUEST_LOG_SIZE of the company's."""
        q = sandbox_requests.c
        values = {k: v for k, v in entry.__dict__.items() if k != "id"}
        made = self._conn.execute(insert(sandbox_requests).values(company_id=company_key, **values))
        newest = int(made.inserted_primary_key[0])
        oldest_kept = select(q.id).where(q.company_id == company_key, q.id <= newest).order_by(q.id.desc())
        cut = self._conn.execute(oldest_kept.offset(REQUEST_LOG_SIZE).limit(1)).scalar()
        if cut is not None:
            self._conn.execute(delete(sandbox_requests).where(q.company_id == company_key, q.id <= cut))

    def requests(self, company_key: int, limit: int, before: int | None = None) -> list[LoggedRequest]:
        """Newest first; ``before`` an id: those older than it."""
        q = sandbox_requests.c
        query = select(
            q.id, q.at, q.api, q.method, q.path, q.status, q.duration_ms, q.request, q.response, q.token_hash
        ).where(q.company_id == company_key)
        if before is not None:
            query = query.where(q.id < before)
        return [LoggedRequest(*row) for row in self._conn.execute(query.order_by(q.id.desc()).limit(limit))]

    def request(self, company_key: int, request_id: int) -> LoggedRequest | None:
        found = self.requests(company_key, 1, request_id + 1)
        return found[0] if found and found[0].id == request_id else None
