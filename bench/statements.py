"""What one statement costs through SQLAlchemy and as a hot statement (``store/hot.py``), in-process.

It migrates a fresh SQLite database, creates the demo, and times the statement every Conductor
request runs (the secret key's organization and the named company, one read) both ways inside one
transaction, and a unit of work's begin and rollback around nothing. Medians of repeated batches,
CPU time of this process: the figures behind the choice to run hot statements on the driver.

    python bench/statements.py [--repeats 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


def _cli(*args: str, database_url: str) -> str:
    env = {**os.environ, "TIMELEDGER_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "timeledger", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"timeledger {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def _median_us(work: Callable[[], object], repeats: int, batches: int = 7) -> float:
    work()
    samples = []
    for _ in range(batches):
        started = time.process_time()
        for _ in range(repeats):
            work()
        samples.append((time.process_time() - started) / repeats * 1e6)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--repeats", type=int, default=2000, help="statements per timed batch")
    args = parser.parse_args()

    from timeledger.auth.keys import hash_secret
    from timeledger.store.engine import make_engine
    from timeledger.store.repositories.tenancy import _KEY_AND_COMPANY
    from timeledger.store.unit_of_work import KeptConnections, SqlUnitOfWork

    with tempfile.TemporaryDirectory(prefix="timeledger-statements-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        _cli("migrate", database_url=url)
        demo = json.loads(_cli("demo", database_url=url))["conductor"]
        params = {"key_hash": hash_secret(demo["api_key"]), "public_id": demo["end_user_id"]}
        engine = make_engine(url)
        statement = _KEY_AND_COMPANY._statement  # the Core statement the hot one was made from
        with engine.connect() as conn, conn.begin():
            through_sqlalchemy = _median_us(
                lambda: conn.execute(statement, params).mappings().first(), args.repeats
            )
            hot = _median_us(lambda: _KEY_AND_COMPANY.first(conn, params), args.repeats)

        def unit(uow: SqlUnitOfWork) -> None:
            with uow:
                pass

        pooled = _median_us(lambda: unit(SqlUnitOfWork(engine)), args.repeats)
        kept = KeptConnections(engine)
        reused = _median_us(lambda: unit(SqlUnitOfWork(engine, kept)), args.repeats)
        engine.dispose()
    for label, figure in (
        ("authentication read through Connection.execute", through_sqlalchemy),
        ("the same read as a hot statement", hot),
        ("an empty unit of work, pooled connection", pooled),
        ("an empty unit of work, kept connection", reused),
    ):
        print(f"{label:<48} {figure:6.1f} µs")


if __name__ == "__main__":
    main()
