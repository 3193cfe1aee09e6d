"""One sync run: read what changed at the source, decide per entry, write to the target, remember.

The decisions, per source entry:
- a running timer is skipped (it comes back changed once it stops);
- never written (or refused before): created, unless the target already holds it (found by the
  external id QuickBooks Desktop keeps, or, after a run killed mid-write, by its content);
- written and changed since: updated, unless the target changed since the sync wrote it (a conflict,
  left alone without ``overwrite``); deleted at the source: deleted likewise.

Work goes in batches of ``BATCH``: the intents of a batch are recorded before its first write and
the outcomes after its last, so a kill anywhere loses at most a batch of records, and the next run
looks for those writes (``Writer.find``) before writing again. The watermark moves only at the end
of a run, never past an entry still refused or in conflict (it is read again next time).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from tqdm import tqdm

from timeledger.connectors.entries import Connector, ConnectorError, Entry, Found, Refused, Writer, same_work
from timeledger.connectors.sync.state import (
    CONFLICT,
    DELETING,
    OUTSTANDING,
    REFUSED,
    SYNCED,
    WRITING,
    Pairing,
    SyncState,
)
from timeledger.ledger.clock import utc_now

# Changes are read from this long before the last run started: clocks of two machines differ, and an
# entry read twice is only compared, never written twice.
OVERLAP = timedelta(minutes=2)
BATCH = 50
# The namespace of the external ids the sync gives what it writes: uuid5(this, kind/company/id).
EXTERNAL_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/timeledger/timeledger/sync")


def external_id(kind: str, company: str, entry_id: str) -> str:
    """The same source entry gets the same id in every run and every state."""
    return str(uuid.uuid5(EXTERNAL_ID_NAMESPACE, f"{kind}/{company}/{entry_id}"))


@dataclass(frozen=True)
class Options:
    since: date | None = None
    dry_run: bool = False
    create_missing: bool = False
    overwrite: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat() if self.since else None,
            "dry_run": self.dry_run,
            "create_missing": self.create_missing,
            "overwrite": self.overwrite,
        }


@dataclass
class Report:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    skipped: int = 0
    conflicts: list[dict[str, str]] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Every entry written or unchanged: nothing refused, nothing in conflict."""
        return not self.conflicts and not self.refused

    def to_json(self) -> dict[str, Any]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "conflicts": len(self.conflicts),
            "refused": list(self.refused),
        }

    def summary(self) -> str:
        return (
            f"{self.created} created, {self.updated} updated, {self.deleted} deleted, "
            f"{self.unchanged} unchanged, {self.skipped} skipped, {len(self.conflicts)} in conflict, "
            f"{len(self.refused)} refused"
        )


class RunFailed(ConnectorError):
    """The run stopped part-way; ``report`` holds what it did before."""

    def __init__(self, message: str, report: Report) -> None:
        super().__init__(message)
        self.report = report


@dataclass
class _Work:
    """One decision to carry out: create/update ``entry``, or delete ``pairing``'s target entry."""

    action: str  # "create" | "update" | "delete"
    source_id: str
    entry: Entry | None
    pairing: Pairing | None


def _chunks(items: Sequence[_Work], size: int) -> Iterator[Sequence[_Work]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Sync:
    """A run from ``source`` to ``target`` with ``state``. ``say`` prints a line on stderr (each
    refusal and conflict); ``progress`` shows a bar there."""

    def __init__(
        self,
        source: Connector,
        target: Connector,
        state: SyncState,
        options: Options,
        *,
        say: Callable[[str], None],
        progress: bool = False,
    ) -> None:
        self.source, self.target, self.state, self.options = source, target, state, options
        self._say = say
        self._progress = progress
        self.report = Report()

    def run(self) -> Report:
        route = self.state.route(self.source.identity, self.target.identity)
        since_key = self.options.since.isoformat() if self.options.since else ""
        read_since = self.state.watermark(route, since_key)
        started = utc_now()
        run = None if self.options.dry_run else self.state.begin_run(route, self.options.to_json())
        try:
            self._run(route, read_since)
        except ConnectorError as error:
            if run is not None:
                self.state.end_run(run, "failed", self.report.to_json(), str(error))
            raise RunFailed(str(error), self.report) from None
        if not self.options.dry_run:
            self.state.set_watermark(route, since_key, self._next_watermark(route, started - OVERLAP))
        if run is not None:
            status = "finished" if self.report.complete else "incomplete"
            self.state.end_run(run, status, self.report.to_json())
        return self.report

    def _in_scope(self, work_date: date) -> bool:
        return self.options.since is None or work_date >= self.options.since

    def _run(self, route: int, read_since: datetime | None) -> None:
        changes = self.source.reader().changes(read_since)
        pairings = self.state.pairings(route)
        entries = {entry.id: entry for entry in changes.entries}
        deleted = set(changes.deleted)
        if read_since is None:  # a full read: what is paired and no longer there was deleted
            deleted |= {sid for sid, p in pairings.items() if p.target_id is not None and sid not in entries}
        work: list[_Work] = []
        touched: set[str] = set()
        for entry in entries.values():
            if entry.id in deleted or not self._in_scope(entry.work_date):
                continue
            pairing = pairings.get(entry.id)
            if entry.running:
                self.report.skipped += 1
                touched.add(entry.id)
            elif pairing is None or pairing.target_id is None:
                work.append(_Work("create", entry.id, entry, pairing))
            elif pairing.status != SYNCED or pairing.source_revision != entry.revision:
                work.append(_Work("update", entry.id, entry, pairing))
        gone = []
        for source_id in sorted(deleted):
            pairing = pairings.get(source_id)
            if pairing is None:
                continue
            if pairing.target_id is None:
                gone.append(source_id)  # refused or never written: nothing to delete
            else:
                work.append(_Work("delete", source_id, None, pairing))
        if gone and not self.options.dry_run:
            self.state.forget(route, gone)
        touched |= {item.source_id for item in work} | set(gone)
        self._carry_out(route, read_since, work, pairings)
        self.report.unchanged += sum(
            1
            for sid, p in pairings.items()
            if sid not in touched and p.status == SYNCED and p.target_id and self._in_scope(p.work_date)
        )

    def _carry_out(
        self, route: int, read_since: datetime | None, work: list[_Work], pairings: dict[str, Pairing]
    ) -> None:
        writer = self.target.writer(self.options.create_missing)
        found = self._already_written(writer, work, pairings)
        current = writer.revisions(
            [item.pairing.target_id for item in work if item.pairing and item.pairing.target_id]
        )
        bar = tqdm(total=len(work), unit="entry", disable=not self._progress, leave=False, dynamic_ncols=True)
        try:
            for batch in _chunks(work, BATCH):
                if not self.options.dry_run:
                    self.state.save(route, [self._intent(item) for item in batch])
                outcomes: list[Pairing] = []
                forgotten: list[str] = []
                try:
                    for item in batch:
                        outcome = self._one(writer, item, found, current, read_since)
                        if outcome is None:
                            forgotten.append(item.source_id)
                        else:
                            outcomes.append(outcome)
                        bar.update()
                finally:  # record what this batch did, even when the run stops part-way
                    if not self.options.dry_run:
                        # The item that failed keeps its intent (its write may have gone out);
                        # those after it were never tried and go back to what they were.
                        untried = batch[len(outcomes) + len(forgotten) + 1 :]
                        outcomes += [item.pairing for item in untried if item.pairing is not None]
                        forgotten += [item.source_id for item in untried if item.pairing is None]
                        self.state.save(route, outcomes)
                        self.state.forget(route, forgotten)
        finally:
            bar.close()

    def _already_written(
        self, writer: Writer, work: list[_Work], pairings: dict[str, Pairing]
    ) -> dict[str, Found]:
        """Target entries an earlier write made from entries about to be created: any of them when
        the target keeps the sync's external ids, else those a killed run was writing."""
        wanted = {
            self._external_id(item.source_id): item.entry
            for item in work
            if item.action == "create"
            and item.entry is not None
            and (writer.keeps_external_ids or (item.pairing is not None and item.pairing.status == WRITING))
        }
        if not wanted:
            return {}
        taken = {p.target_id for p in pairings.values() if p.target_id}
        return writer.find(wanted, taken)

    def _external_id(self, source_id: str) -> str:
        return external_id(self.source.kind, self.source.company, source_id)

    def _intent(self, item: _Work) -> Pairing:
        pairing, entry = item.pairing, item.entry
        if item.action == "delete":
            assert pairing is not None
            return Pairing(**{**pairing.__dict__, "status": DELETING})
        assert entry is not None
        return Pairing(
            source_id=entry.id,
            status=WRITING,
            target_id=pairing.target_id if pairing else None,
            source_revision=entry.revision,
            target_revision=pairing.target_revision if pairing else None,
            work_date=entry.work_date,
        )

    def _one(
        self,
        writer: Writer,
        item: _Work,
        found: dict[str, Found],
        current: dict[str, str],
        read_since: datetime | None,
    ) -> Pairing | None:
        """Carry out one decision; the pairing as it now stands, or None when it is to be forgotten."""
        try:
            if item.action == "delete":
                return self._delete(writer, item, current)
            assert item.entry is not None
            if item.action == "create":
                return self._create(writer, item.entry, found)
            return self._update(writer, item, current)
        except Refused as refusal:
            return self._outstanding(item, REFUSED, refusal.reason, read_since)
        except _Conflict as conflict:
            return self._outstanding(item, CONFLICT, conflict.reason, read_since)

    def _create(self, writer: Writer, entry: Entry, found: dict[str, Found]) -> Pairing:
        key = self._external_id(entry.id)
        earlier = found.get(key)
        if earlier is not None:
            if same_work(earlier.entry, entry):
                self.report.unchanged += 1
                return self._synced(entry, earlier.written.id, earlier.written.revision)
            return self._write_update(writer, entry, earlier.written.id, earlier.written.revision)
        if self.options.dry_run:
            writer.check(entry)
            self.report.created += 1
            return self._synced(entry, None, None)
        written = writer.create(entry, key)
        self.report.created += 1
        return self._synced(entry, written.id, written.revision)

    def _update(self, writer: Writer, item: _Work, current: dict[str, str]) -> Pairing:
        pairing, entry = item.pairing, item.entry
        assert pairing is not None and pairing.target_id is not None and entry is not None
        now = current.get(pairing.target_id)
        if now is None:
            if not self.options.overwrite:
                raise _Conflict(
                    f"target entry {pairing.target_id} was deleted in the target since the last sync; "
                    "not updated"
                )
            return self._create(writer, entry, {})
        self._check_unchanged(pairing, now, WRITING, "not updated")
        return self._write_update(writer, entry, pairing.target_id, now)

    def _write_update(self, writer: Writer, entry: Entry, target_id: str, revision: str) -> Pairing:
        if self.options.dry_run:
            writer.check(entry)
            self.report.updated += 1
            return self._synced(entry, target_id, None)
        written = writer.update(target_id, entry, revision)
        self.report.updated += 1
        return self._synced(entry, written.id, written.revision)

    def _delete(self, writer: Writer, item: _Work, current: dict[str, str]) -> None:
        pairing = item.pairing
        assert pairing is not None and pairing.target_id is not None
        now = current.get(pairing.target_id)
        if now is None:
            return None  # gone from the target already
        self._check_unchanged(pairing, now, DELETING, "not deleted")
        if not self.options.dry_run:
            writer.delete(pairing.target_id)
        self.report.deleted += 1
        return None

    def _check_unchanged(self, pairing: Pairing, now: str, interrupted: str, outcome: str) -> None:
        """A conflict when the target entry is not as the sync left it, unless ``overwrite`` (or the
        sync itself was writing it when a run was killed)."""
        if self.options.overwrite or pairing.status == interrupted or now == pairing.target_revision:
            return
        raise _Conflict(
            f"target entry {pairing.target_id} was changed in the target since the last sync "
            f"(revision {now}, synced {pairing.target_revision}); {outcome}"
        )

    def _synced(self, entry: Entry, target_id: str | None, target_revision: str | None) -> Pairing:
        return Pairing(entry.id, SYNCED, target_id, entry.revision, target_revision, entry.work_date)

    def _outstanding(self, item: _Work, status: str, reason: str, read_since: datetime | None) -> Pairing:
        """A refused or conflicting entry: kept as it was synced (if ever), read again next run."""
        (self.report.refused if status == REFUSED else self.report.conflicts).append(
            {"source_id": item.source_id, "reason": reason}
        )
        self._say(f"{'refused' if status == REFUSED else 'conflict'} {item.source_id}: {reason}")
        before = item.pairing
        synced = before is not None and before.status in (SYNCED, CONFLICT, WRITING, DELETING)
        work_date = item.entry.work_date if item.entry else before.work_date  # type: ignore[union-attr]
        return Pairing(
            source_id=item.source_id,
            status=status,
            target_id=before.target_id if before else None,
            source_revision=before.source_revision if synced and before else None,
            target_revision=before.target_revision if before else None,
            work_date=work_date,
            reason=reason,
            read_since=read_since,
        )

    def _next_watermark(self, route: int, candidate: datetime) -> datetime | None:
        """``candidate``, or earlier: the read that found an entry still outstanding."""
        pins = [p.read_since for p in self.state.pairings(route).values() if p.status in OUTSTANDING]
        if any(pin is None for pin in pins):
            return None
        return min([candidate, *(pin for pin in pins if pin is not None)])


class _Conflict(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
