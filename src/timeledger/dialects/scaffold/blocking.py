"""Calling the store (blocking I/O) from async handlers.

PostgreSQL calls wait on the network, so they run on worker threads where those waits overlap.
SQLite calls run in-process and hold the GIL while they work, so a thread hop only adds cost
(measured with ``bench/run.py``): they run inline on the event loop. With several ``--workers``
on one SQLite file, a writer may then wait on the loop for another process's write lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

T = TypeVar("T")


async def run_blocking(request: Request, function: Callable[..., T], *args: Any) -> T:
    if request.app.state.inline_store_calls:
        return function(*args)
    return await run_in_threadpool(function, *args)
