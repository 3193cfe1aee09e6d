"""Settings from the environment, read once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///./timeledger.db"
# SQLite's PRAGMA synchronous in WAL mode: "normal" keeps every commit through a crash of the
# process (SIGKILL included); "full" and "extra" also through a power cut or an OS crash, at the
# price of an fsync per commit.
SQLITE_SYNCHRONOUS = ("normal", "full", "extra")


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    sqlite_synchronous: str = "normal"
    # ``timeledger serve --sandbox``: the ``/_timeledger/`` API for developers' tests (reset,
    # snapshots, ...). Set through the environment so each granian worker process reads it.
    sandbox: bool = False

    @classmethod
    def from_env(cls, database_url: str | None = None) -> Settings:
        synchronous = os.environ.get("TIMELEDGER_SQLITE_SYNCHRONOUS", "normal").strip().lower()
        if synchronous not in SQLITE_SYNCHRONOUS:
            raise ValueError(
                f"TIMELEDGER_SQLITE_SYNCHRONOUS is {synchronous!r}; it may be {', '.join(SQLITE_SYNCHRONOUS)}"
            )
        return cls(
            database_url=database_url or os.environ.get("TIMELEDGER_DATABASE_URL") or DEFAULT_DATABASE_URL,
            sqlite_synchronous=synchronous,
            sandbox=os.environ.get("TIMELEDGER_SANDBOX", "").strip().lower() in ("1", "true", "yes"),
        )
