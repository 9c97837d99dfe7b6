"""A throwaway PostgreSQL cluster for tests: made in a temp folder, removed afterwards.

Uses Debian's server binaries (``/usr/lib/postgresql/<n>/bin``).  PostgreSQL refuses to run as
root, so when the tests run as root the cluster runs as the ``postgres`` OS user via ``runuser``.
Anything missing or failing raises ``PostgresError``: callers fail the test, they never skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

READY_TIMEOUT = 30.0


class PostgresError(RuntimeError):
    pass


def find_bindir() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    on_path = shutil.which("postgres")
    if on_path:
        candidates.append(Path(on_path).parent)
    for bindir in candidates:
        if (bindir / "postgres").is_file() and (bindir / "initdb").is_file():
            return bindir
    raise PostgresError(
        "PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and PATH): "
        "`make system` installs Debian's postgresql package."
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresCluster:
    def __init__(self) -> None:
        self.bindir = find_bindir()
        self.as_root = os.geteuid() == 0
        self.base = Path(tempfile.mkdtemp(prefix="setflow-pg-"))
        self.data = self.base / "data"
        self.sockets = self.base / "sockets"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log = self.base / "postgres.log"

    def _command(self, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self.as_root else list(args)

    def start(self) -> PostgresCluster:
        self.sockets.mkdir(parents=True)
        if self.as_root:
            shutil.chown(self.base, "postgres", "postgres")
            shutil.chown(self.sockets, "postgres", "postgres")
        initdb = subprocess.run(
            self._command(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ),
            capture_output=True,
            text=True,
        )
        if initdb.returncode != 0:
            raise PostgresError(f"initdb failed:\n{initdb.stdout}\n{initdb.stderr}")
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                self._command(
                    str(self.bindir / "postgres"),
                    "-D",
                    str(self.data),
                    "-p",
                    str(self.port),
                    "-k",
                    str(self.sockets),
                    "-c",
                    "listen_addresses=127.0.0.1",
                    # A throwaway cluster: speed over durability.
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=200",
                ),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_ready()
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise PostgresError(f"postgres exited at startup:\n{self.log.read_text()}")
            try:
                with psycopg.connect(self.url("postgres"), connect_timeout=2):
                    return
            except psycopg.OperationalError as err:
                if time.monotonic() > deadline:
                    raise PostgresError(
                        f"postgres did not start: {err}\n{self.log.read_text()}"
                    ) from err
                time.sleep(0.1)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A fresh, empty database; its ``postgresql://`` URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # "fast" shutdown: do not wait for clients to leave.  (Signals sent to runuser are
            # not passed on to postgres, so ask pg_ctl.)
            subprocess.run(
                self._command(
                    str(self.bindir / "pg_ctl"), "stop", "-D", str(self.data), "-m", "fast", "-w"
                ),
                capture_output=True,
                timeout=60,
            )
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.base, ignore_errors=True)
