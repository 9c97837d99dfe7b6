"""The real Setflow server in a child process, which a test can stop and start again."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ("index.html", "manifest.json", "sw.js", "pyscript.toml", "app", "icons", "vendor")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_is_closed(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def copy_public_files(dest: Path) -> Path:
    """A deployable copy of the app's public files, for tests that deploy a change."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PUBLIC:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, dest / name)
    return dest


class LiveServer:
    def __init__(
        self,
        database: str,
        static_root: Path | None = None,
        port: int | None = None,
        workers: int = 1,
        env: dict[str, str] | None = None,
    ):
        self.database = database
        self.workers = workers
        self.env = env or {}
        self.static_root = static_root
        self.port = port or free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LiveServer:
        env = dict(os.environ)
        # One machine signs up every test's accounts.
        env.setdefault("SETFLOW_SIGNUPS_PER_HOUR", "100000")
        env.update(self.env)
        if self.static_root is not None:
            env["SETFLOW_STATIC_ROOT"] = str(self.static_root)
        cmd = [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(self.port)]
        # The server's stderr goes to a file, not a pipe: a pipe nobody reads fills up and
        # blocks the server, and an unclosed one leaks.
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            [*cmd, "--database", self.database, "--workers", str(self.workers)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                err = self.log.read().decode(errors="replace")
                raise RuntimeError(f"server exited with {self.process.returncode}:\n{err}")
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not answer /api/health within 30 s")

    def stop(self) -> None:
        """Stop the process we started (by its own PID) and prove the port refuses connections."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None
        if self.log is not None:
            self.log.close()
            self.log = None
        deadline = time.monotonic() + 10
        while not port_is_closed(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"port {self.port} still accepts connections after stop")
            time.sleep(0.1)
