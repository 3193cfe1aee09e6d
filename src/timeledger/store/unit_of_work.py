"""One transaction per unit of work: commit when told to, roll back on anything else.

A request opens one unit of work around everything it does (``dialects/scaffold``); the ledger
services it calls open their own ``with uow`` blocks too, so that they also work alone (the CLI,
the demo, tests). A block opened while another is open joins it: it runs in the same transaction,
and its ``commit()`` leaves the commit to the block that opened the transaction. So a request
commits once, at the end, or not at all.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, Engine

from timeledger.store.repositories.assignments import SqlAssignmentRepository
from timeledger.store.repositories.company_data import SqlCompanyData
from timeledger.store.repositories.credentials import SqlCredentialRepository
from timeledger.store.repositories.currencies import SqlCurrencyRepository
from timeledger.store.repositories.journal_entries import SqlJournalEntryRepository
from timeledger.store.repositories.lists import SqlListRepository
from timeledger.store.repositories.sandbox import SqlSandboxRepository
from timeledger.store.repositories.tenancy import SqlTenancyRepository
from timeledger.store.repositories.time_entries import SqlTimeEntryRepository


class KeptConnections:
    """One open connection per thread, kept between units of work instead of going back to the
    pool: checking a connection out and in again costs more than the statements of a retrieve
    (``python bench/statements.py`` times an empty unit of work both ways).

    For SQLite, where a connection is a file handle that cannot drop; a PostgreSQL connection
    goes back to the pool, which pings it before the next use. A unit of work opened while the
    thread's connection is in use (a separate transaction) gets its own from the pool.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._idle = threading.local()

    def acquire(self) -> Connection:
        conn: Connection | None = getattr(self._idle, "conn", None)
        self._idle.conn = None
        if conn is None or conn.closed or conn.invalidated:
            return self._engine.connect()
        return conn

    def release(self, conn: Connection) -> None:
        if getattr(self._idle, "conn", None) is None and not conn.invalidated:
            self._idle.conn = conn
        else:
            conn.close()


class SqlUnitOfWork:
    """Reusable: each outermost ``with`` block is one transaction on a pooled connection.

    ``write()`` marks the next block as a writer, which on SQLite takes the write lock at BEGIN.
    A writer nested in a reader is a bug (the lock would be taken late, where SQLite can refuse
    it), so it raises rather than quietly upgrading.
    """

    lists: SqlListRepository
    time_entries: SqlTimeEntryRepository
    tenancy: SqlTenancyRepository
    credentials: SqlCredentialRepository
    currencies: SqlCurrencyRepository
    journal_entries: SqlJournalEntryRepository
    assignments: SqlAssignmentRepository

    def __init__(self, engine: Engine, kept: KeptConnections | None = None) -> None:
        self._engine = engine
        self._kept = kept
        self._conn: Connection | None = None
        self._wants_write = False
        self._depth = 0

    def write(self) -> SqlUnitOfWork:
        self._wants_write = True
        return self

    def __enter__(self) -> SqlUnitOfWork:
        wants_write, self._wants_write = self._wants_write, False
        if self._conn is not None:
            if wants_write and not self._conn.info["write"]:
                raise RuntimeError("a write was started inside a read-only unit of work")
            self._depth += 1
            return self
        conn = self._kept.acquire() if self._kept else self._engine.connect()
        conn.info["write"] = wants_write
        self._conn = conn
        self._transaction = conn.begin()
        self.lists = SqlListRepository(conn)
        self.time_entries = SqlTimeEntryRepository(conn)
        self.tenancy = SqlTenancyRepository(conn)
        self.credentials = SqlCredentialRepository(conn)
        self.currencies = SqlCurrencyRepository(conn)
        self.journal_entries = SqlJournalEntryRepository(conn)
        self.assignments = SqlAssignmentRepository(conn)
        self.company_data = SqlCompanyData(conn)
        self.sandbox = SqlSandboxRepository(conn)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._conn is not None
        if self._depth:
            self._depth -= 1
            return
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._conn.info["write"] = False
            self._kept.release(self._conn) if self._kept else self._conn.close()
            self._conn = None

    def commit(self) -> None:
        """Commit the transaction, unless this block joined one: then its opener commits."""
        if self._depth == 0:
            self._transaction.commit()

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of the open transaction that fails alone: on an exception, what it wrote is
        undone and the exception goes on; the rest of the transaction stays usable."""
        assert self._conn is not None, "a savepoint needs an open unit of work"
        with self._conn.begin_nested():
            yield
