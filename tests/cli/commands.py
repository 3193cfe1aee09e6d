"""The ``timeledger`` command run as a newcomer runs it: a real subprocess, read from its pipes."""

from __future__ import annotations

import json
import os
import subprocess
import time
from typing import IO, Any

import httpx

from tests.servers import CLI


def assert_refused(result: subprocess.CompletedProcess[str], words: str) -> str:
    """A refusal: a non-zero exit and one line on stderr, naming the problem (``words``)."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.removesuffix("\n").split("\n")
    assert len(lines) == 1 and lines[0].strip(), result.stderr
    assert words in lines[0], lines[0]
    return lines[0]


def start_cli(*args: str, database_url: str) -> subprocess.Popen[str]:
    """A long-running command (``serve``, ``quickstart``) with both pipes open for reading."""
    env = {**os.environ, "TIMELEDGER_DATABASE_URL": database_url}
    return subprocess.Popen([*CLI, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def read_json(stream: IO[str]) -> Any:
    """The JSON object printed first on ``stream`` (indented: it ends at a line holding only ``}``)."""
    lines = []
    for line in stream:
        lines.append(line)
        if line.rstrip("\n") == "}":
            return json.loads("".join(lines))
    raise AssertionError(f"no JSON object before the output ended: {''.join(lines)!r}")


def wait_until_answering(process: subprocess.Popen[str], base_url: str) -> None:
    """Until the server answers HTTP (30 s at most: a start-up bound, not an assertion on speed)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server exited: {process.communicate()}")
        try:
            httpx.get(f"{base_url}/v1/end-users", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("the server did not answer within 30 s")


def stop(process: subprocess.Popen[str]) -> tuple[str, str]:
    """Stop the command as Ctrl-C would, and return what it wrote since it was last read."""
    process.terminate()
    try:
        return process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()
