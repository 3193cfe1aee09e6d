"""SIGKILL the server in the middle of a burst of creates: every acknowledged create survives whole,
and nothing half-written is left behind."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import conductor as conductor_sdk
import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conformance.conductor.conftest import make_client
from tests.servers import Server, fresh_database, migrate_and_demo


@pytest.fixture
def crashable(backend: str, tmp_path: Path) -> Iterator[Server]:
    """A server of its own: this test kills it."""
    server = Server(fresh_database(backend, tmp_path))
    server.demo = migrate_and_demo(server.database_url, server.base_url)  # type: ignore[attr-defined]
    server.start()
    yield server
    server.stop()


def test_acknowledged_creates_survive_a_sigkill(crashable: Server) -> None:
    demo: dict[str, Any] = crashable.demo  # type: ignore[attr-defined]
    end_user = demo["conductor"]["end_user_id"]
    client = make_client(crashable, demo["conductor"]["api_key"])
    person = client.qbd.employees.list(conductor_end_user_id=end_user).data[0]
    acknowledged: list[Any] = []
    lock = threading.Lock()
    stop = threading.Event()

    def burst(worker: int) -> None:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                created = client.qbd.time_tracking_activities.create(
                    entity_id=person.id,
                    transaction_date="2026-06-01",
                    duration="PT1H15M",
                    note=f"burst {worker}-{n}",
                    conductor_end_user_id=end_user,
                )
            except (conductor_sdk.APIConnectionError, httpx.TransportError):
                return
            with lock:
                acknowledged.append(created)

    threads = [threading.Thread(target=burst, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len(acknowledged) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    crashable.kill()
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acknowledged) >= 40, "the burst never got going"

    crashable.start()
    for created in acknowledged:
        assert (
            client.qbd.time_tracking_activities.retrieve(created.id, conductor_end_user_id=end_user)
            == created
        )
    stored = list(
        client.qbd.time_tracking_activities.list(
            conductor_end_user_id=end_user,
            transaction_date_from="2026-06-01",
            transaction_date_to="2026-06-01",
        )
    )
    assert {a.id for a in acknowledged} <= {a.id for a in stored}
    assert all(a.note and a.note.startswith("burst ") and a.duration == "PT1H15M" for a in stored)

    # No transaction key without its time entry, no time entry without its key.
    engine = create_engine(crashable.database_url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        orphans = conn.execute(
            text(
                "SELECT count(*) FROM transactions t LEFT JOIN time_entries e ON e.id = t.id "
                "WHERE t.kind = 'time_entry' AND e.id IS NULL"
            )
        ).scalar_one()
    engine.dispose()
    assert orphans == 0
