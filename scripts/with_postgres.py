#!/usr/bin/env python3
"""Run a command against a throwaway PostgreSQL cluster, then remove the cluster.

    python scripts/with_postgres.py -- pytest -q

The cluster is made with the system's initdb/pg_ctl in a temporary folder,
listens on 127.0.0.1 on a free port, and the command gets DATABASE_URL
pointing at it. PostgreSQL refuses to run as root, so when we are root (as in
CI) the server commands run as the `postgres` system user. Durability is
switched off: the data is thrown away anyway, and tests run faster.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SERVER_USER = "postgres"


def find_bindir() -> Path:
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.insert(1, str(Path(on_path).resolve().parent))
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    sys.exit("with_postgres: initdb/pg_ctl not found; install PostgreSQL (apt-get install postgresql).")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_server_user(command: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", SERVER_USER, "--", *command]


def main(argv: list[str]) -> int:
    if "--" not in argv:
        sys.exit("usage: with_postgres.py -- COMMAND [ARGS...]")
    command = argv[argv.index("--") + 1 :]
    bindir = find_bindir()
    workdir = Path(tempfile.mkdtemp(prefix="rep-pg-"))
    data, sockets, log = workdir / "data", workdir / "sockets", workdir / "server.log"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(workdir, SERVER_USER)
        shutil.chown(sockets, SERVER_USER)
    port = free_port()
    options = (
        f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
    )
    started = False
    try:
        subprocess.run(
            as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--no-locale",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            as_server_user(
                [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "start"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        version = (data / "PG_VERSION").read_text().strip()
        print(f"with_postgres: PostgreSQL {version} on 127.0.0.1:{port} ({workdir})", flush=True)
        env = dict(os.environ, DATABASE_URL=f"postgres://postgres@127.0.0.1:{port}/rencontres")
        return subprocess.run(command, env=env, check=False).returncode
    except subprocess.CalledProcessError as error:
        if log.exists():
            print(log.read_text(), file=sys.stderr)
        print(f"with_postgres: {error}", file=sys.stderr)
        return 1
    finally:
        if started:
            subprocess.run(
                as_server_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
