"""The sync's memory, in a timeledger database (``--state``): routes, watermarks, pairings, runs.

Every method is its own transaction, so what is recorded survives a kill the moment it returns.
A new state database is migrated by ``open_state`` itself: the sync's tables are part of the
timeledger schema (migration 0010), so the default state is the timeledger database itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from timeledger.connectors.entries import ConnectorError
from timeledger.ledger.clock import utc_now
from timeledger.store.engine import make_engine
from timeledger.store.migrate import MigrationError, upgrade
from timeledger.store.tables import sync_pairings, sync_routes, sync_runs, sync_watermarks

# Pairing statuses.
SYNCED, WRITING, DELETING, REFUSED, CONFLICT = "synced", "writing", "deleting", "refused", "conflict"
OUTSTANDING = (REFUSED, CONFLICT)


class StateError(ConnectorError):
    """The state database cannot be opened, migrated or written."""


@dataclass
class Pairing:
    """What the state knows of one source entry on a route."""

    source_id: str
    status: str
    target_id: str | None
    source_revision: str | None
    target_revision: str | None
    work_date: date
    reason: str | None = None
    read_since: datetime | None = None


@dataclass(frozen=True)
class RunRecord:
    id: int
    source: str
    target: str
    started_at: datetime
    finished_at: datetime | None
    status: str
    options: dict[str, Any]
    report: dict[str, Any] | None
    error: str | None


def open_state(url: str) -> SyncState:
    """The state at ``url``, its schema brought up to date; StateError when that cannot be done."""
    try:
        upgrade(url)
    except MigrationError as error:
        raise StateError(f"the state database cannot be set up: {error}") from None
    except (SQLAlchemyError, ValueError) as error:
        raise StateError(f"the state database cannot be opened: {error}") from None
    return SyncState(make_engine(url))


class SyncState:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def close(self) -> None:
        self._engine.dispose()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                conn.info["write"] = True  # BEGIN IMMEDIATE on SQLite (store/engine.py)
                with conn.begin():
                    yield conn
        except SQLAlchemyError as error:
            raise StateError(f"the state database refused a write: {error.__class__.__name__}") from None

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self._engine.connect() as conn:
                yield conn
        except SQLAlchemyError as error:
            raise StateError(f"the state database cannot be read: {error.__class__.__name__}") from None

    # --- routes and watermarks ---------------------------------------------------------------------

    def route(self, source: str, target: str) -> int:
        """The route's id, made on its first run."""
        query = select(sync_routes.c.id).where(sync_routes.c.source == source, sync_routes.c.target == target)
        with self._read() as conn:
            found = conn.execute(query).scalar()
        if found is not None:
            return int(found)
        try:
            with self._write() as conn:
                made = conn.execute(insert(sync_routes).values(source=source, target=target))
                return int(made.inserted_primary_key[0])
        except StateError:
            with self._read() as conn:  # another run made it first
                found = conn.execute(query).scalar()
            if found is None:
                raise
            return int(found)

    def watermark(self, route: int, since: str) -> datetime | None:
        with self._read() as conn:
            return conn.execute(
                select(sync_watermarks.c.watermark).where(
                    sync_watermarks.c.route_id == route, sync_watermarks.c.since == since
                )
            ).scalar()

    def set_watermark(self, route: int, since: str, watermark: datetime | None) -> None:
        where = and_(sync_watermarks.c.route_id == route, sync_watermarks.c.since == since)
        with self._write() as conn:
            changed = conn.execute(update(sync_watermarks).where(where).values(watermark=watermark))
            if changed.rowcount == 0:
                conn.execute(insert(sync_watermarks).values(route_id=route, since=since, watermark=watermark))

    # --- pairings ----------------------------------------------------------------------------------

    def pairings(self, route: int) -> dict[str, Pairing]:
        c = sync_pairings.c
        query = select(
            c.source_id,
            c.status,
            c.target_id,
            c.source_revision,
            c.target_revision,
            c.work_date,
            c.reason,
            c.read_since,
        ).where(c.route_id == route)
        with self._read() as conn:
            return {row.source_id: Pairing(*row) for row in conn.execute(query)}

    def save(self, route: int, pairings: Iterable[Pairing]) -> None:
        """Record these pairings as they now are, in one transaction."""
        rows = [
            {
                "route_id": route,
                "source_id": p.source_id,
                "status": p.status,
                "target_id": p.target_id,
                "source_revision": p.source_revision,
                "target_revision": p.target_revision,
                "work_date": p.work_date,
                "reason": p.reason,
                "read_since": p.read_since,
                "updated_at": utc_now(),
            }
            for p in pairings
        ]
        if not rows:
            return
        c = sync_pairings.c
        with self._write() as conn:
            ids = [row["source_id"] for row in rows]
            conn.execute(delete(sync_pairings).where(c.route_id == route, c.source_id.in_(ids)))
            conn.execute(insert(sync_pairings), rows)

    def forget(self, route: int, source_ids: Iterable[str]) -> None:
        ids = list(source_ids)
        if not ids:
            return
        c = sync_pairings.c
        with self._write() as conn:
            conn.execute(delete(sync_pairings).where(c.route_id == route, c.source_id.in_(ids)))

    # --- runs --------------------------------------------------------------------------------------

    def begin_run(self, route: int, options: dict[str, Any]) -> int:
        with self._write() as conn:
            made = conn.execute(
                insert(sync_runs).values(
                    route_id=route, started_at=utc_now(), status="running", options=options
                )
            )
            return int(made.inserted_primary_key[0])

    def end_run(self, run: int, status: str, report: dict[str, Any] | None, error: str | None = None) -> None:
        with self._write() as conn:
            conn.execute(
                update(sync_runs)
                .where(sync_runs.c.id == run)
                .values(finished_at=utc_now(), status=status, report=report, error=error)
            )

    def runs(self, limit: int | None = None) -> list[RunRecord]:
        """Past runs, newest first. A run still "running" with no finish was killed (or is going on)."""
        r = sync_runs.c
        query = (
            select(
                r.id,
                sync_routes.c.source,
                sync_routes.c.target,
                r.started_at,
                r.finished_at,
                r.status,
                r.options,
                r.report,
                r.error,
            )
            .join(sync_routes, sync_routes.c.id == r.route_id)
            .order_by(r.id.desc())
            .limit(limit)
        )
        with self._read() as conn:
            return [RunRecord(*row) for row in conn.execute(query)]
