"""SQLite's durability setting: each connection the engine opens runs with the one asked for."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from timeledger.store.engine import make_engine

# PRAGMA synchronous answers with a number.
LEVELS = {"normal": 1, "full": 2, "extra": 3}


@pytest.mark.parametrize("setting", sorted(LEVELS))
def test_every_connection_runs_with_the_synchronous_setting_asked_for(setting: str, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}", setting)
    try:
        with engine.connect() as first, engine.connect() as second:
            for conn in (first, second):
                assert conn.execute(text("PRAGMA synchronous")).scalar() == LEVELS[setting]
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()
