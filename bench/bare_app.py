"""The floor for ``bench/run.py``: a raw ASGI callable with no framework, auth, database or rendering.

It answers each request with bytes captured from timeledger for the same method, path, query and
end user, on granian with the settings ``timeledger serve`` uses (ASGI, the same worker count), so
timeledger's req/s divided by this app's is the share of the server's time left after our own
framework, auth, SQL and JSON work.

    python bench/bare_app.py --port 8001 --responses responses.json [--workers 1] [--starlette]

With ``--starlette`` the same bytes come through one Starlette route: the framework's own floor.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

END_USER_HEADER = b"conductor-end-user-id"
NOT_FOUND = b'{"error":"no captured response for this request"}'
RESPONSES_ENV = "TIMELEDGER_BENCH_RESPONSES"
STARLETTE_ENV = "TIMELEDGER_BENCH_STARLETTE"

# What identifies a captured response: method, path, raw query string, end-user header.
RouteKey = tuple[str, str, bytes, bytes]


@dataclass(frozen=True)
class Captured:
    """One response as timeledger sent it; the request-id header keeps the response the same size."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


def load_responses(path: Path) -> dict[RouteKey, Captured]:
    """Read the file ``run.py`` writes: a JSON list of requests and the response each got."""
    responses: dict[RouteKey, Captured] = {}
    for item in json.loads(path.read_text()):
        body = base64.b64decode(item["body"])
        key = (item["method"], item["path"], item["query"].encode(), item["end_user"].encode())
        headers = [
            (b"content-type", item["content_type"].encode()),
            (b"content-length", str(len(body)).encode()),
            (b"conductor-request-id", b"req_0000000000000000"),
        ]
        responses[key] = Captured(item["status"], headers, body)
    return responses


class BareApp:
    """Looks the request up in a dict and sends the captured bytes; nothing else."""

    def __init__(self, responses: dict[RouteKey, Captured]) -> None:
        self._responses = responses
        self.missing = Captured(
            404,
            [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(NOT_FOUND))],
            NOT_FOUND,
        )

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        # Drain the body as any real app must before answering a POST on a kept-alive connection.
        message = await receive()
        while message.get("more_body", False):
            message = await receive()
        end_user = next((v for k, v in scope["headers"] if k == END_USER_HEADER), b"")
        key = (scope["method"], scope["path"], scope["query_string"], end_user)
        captured = self._responses.get(key, self.missing)
        await send({"type": "http.response.start", "status": captured.status, "headers": captured.headers})
        await send({"type": "http.response.body", "body": captured.body})

    @staticmethod
    async def _lifespan(receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return


def starlette_app(responses: dict[RouteKey, Captured]) -> Any:
    """The same lookup behind one Starlette route: what the framework alone costs per request."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    missing = BareApp(responses).missing

    async def answer(request: Request) -> Response:
        await request.body()
        end_user = request.headers.get("conductor-end-user-id", "").encode()
        key = (request.method, request.url.path, request.scope["query_string"], end_user)
        captured = responses.get(key, missing)
        headers = {k.decode(): v.decode() for k, v in captured.headers if k != b"content-length"}
        return Response(captured.body, status_code=captured.status, headers=headers)

    return Starlette(routes=[Route("/{path:path}", answer, methods=["GET", "POST"])])


def app_from_env() -> Any:
    """granian's factory, called in each worker: the app over the responses file ``main`` names."""
    responses = load_responses(Path(os.environ[RESPONSES_ENV]))
    return starlette_app(responses) if os.environ.get(STARLETTE_ENV) else BareApp(responses)


def main() -> None:
    from granian import Granian
    from granian.constants import Interfaces
    from granian.log import LogLevels

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--responses", type=Path, required=True, help="JSON written by bench/run.py")
    parser.add_argument("--starlette", action="store_true", help="serve through one Starlette route")
    args = parser.parse_args()
    os.environ[RESPONSES_ENV] = str(args.responses.resolve())
    if args.starlette:
        os.environ[STARLETTE_ENV] = "1"
    # The settings of `timeledger serve` (src/timeledger/cli.py), this module as the target.
    Granian(
        "bare_app:app_from_env",
        factory=True,
        interface=Interfaces.ASGI,
        address=args.host,
        port=args.port,
        workers=args.workers,
        working_dir=Path(__file__).resolve().parent,
        log_level=LogLevels.warning,
    ).serve()


if __name__ == "__main__":
    main()
