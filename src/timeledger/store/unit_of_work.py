"""One transaction per unit of work: commit when told to, roll back on anything else."""

from __future__ import annotations

from sqlalchemy import Connection, Engine

from timeledger.store.repositories.credentials import SqlCredentialRepository
from timeledger.store.repositories.currencies import SqlCurrencyRepository
from timeledger.store.repositories.journal_entries import SqlJournalEntryRepository
from timeledger.store.repositories.lists import SqlListRepository
from timeledger.store.repositories.tenancy import SqlTenancyRepository
from timeledger.store.repositories.time_entries import SqlTimeEntryRepository


class SqlUnitOfWork:
    """Reusable: each ``with`` block is one transaction on a pooled connection.

    ``write()`` marks the next block as a writer, which on SQLite takes the write lock at BEGIN.
    """

    lists: SqlListRepository
    time_entries: SqlTimeEntryRepository
    tenancy: SqlTenancyRepository
    credentials: SqlCredentialRepository
    currencies: SqlCurrencyRepository
    journal_entries: SqlJournalEntryRepository

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._conn: Connection | None = None
        self._writing = False

    def write(self) -> SqlUnitOfWork:
        self._writing = True
        return self

    def __enter__(self) -> SqlUnitOfWork:
        conn = self._engine.connect()
        conn.info["write"] = self._writing
        self._conn = conn
        self._transaction = conn.begin()
        self.lists = SqlListRepository(conn)
        self.time_entries = SqlTimeEntryRepository(conn)
        self.tenancy = SqlTenancyRepository(conn)
        self.credentials = SqlCredentialRepository(conn)
        self.currencies = SqlCurrencyRepository(conn)
        self.journal_entries = SqlJournalEntryRepository(conn)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._conn is not None
        try:
            if self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._conn.info["write"] = False
            self._conn.close()
            self._conn = None
            self._writing = False

    def commit(self) -> None:
        self._transaction.commit()
