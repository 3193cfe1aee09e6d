"""Run a command beside a throwaway PostgreSQL cluster: a temp dir, a free port, trust auth on
loopback, an unprivileged owner, gone afterwards. The command gets TIMELEDGER_TEST_POSTGRES_URL.

    python scripts/pg_cluster.py [--install] [--optional] -- COMMAND...

--install   apt-get install Debian's postgresql package when no server binary is found (as root)
--optional  without a server binary, run COMMAND anyway (SQLite only) instead of failing
"""

from __future__ import annotations

import argparse
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


def install() -> None:
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "postgresql"],
        check=False,
        env=env,
        stdout=subprocess.DEVNULL,
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def owner() -> str | None:
    """PostgreSQL refuses to run as root: use the postgres (or nobody) account then."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise SystemExit("running as root, and there is no postgres or nobody account to run PostgreSQL as")


def as_owner(user: str | None, command: list[str]) -> list[str]:
    return ["runuser", "-u", user, "--", *command] if user else command


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--install", action="store_true")
    parser.add_argument("--optional", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    bindir = find_bindir()
    if bindir is None and args.install:
        install()
        bindir = find_bindir()
    if bindir is None:
        if not args.optional:
            print("pg_cluster: no PostgreSQL server binary found", file=sys.stderr)
            return 1
        print("pg_cluster: no PostgreSQL server binary; running on SQLite only", file=sys.stderr)
        return subprocess.call(command)
    user = owner()
    data = Path(tempfile.mkdtemp(prefix="timeledger-pg-"))
    if user:
        shutil.chown(data, user)
    port = free_port()
    subprocess.run(
        as_owner(
            user,
            [str(bindir / "initdb"), "-D", str(data / "db"), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    subprocess.run(
        as_owner(
            user,
            [
                str(bindir / "pg_ctl"),
                "-D",
                str(data / "db"),
                "-o",
                options,
                "-l",
                str(data / "log"),
                "-w",
                "start",
            ],
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        env = {
            **os.environ,
            "TIMELEDGER_TEST_POSTGRES_URL": f"postgresql://postgres@127.0.0.1:{port}/postgres",
        }
        print(f"pg_cluster: PostgreSQL from {bindir} on 127.0.0.1:{port}", file=sys.stderr)
        return subprocess.call(command, env=env)
    finally:
        subprocess.run(
            as_owner(user, [str(bindir / "pg_ctl"), "-D", str(data / "db"), "-m", "immediate", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
