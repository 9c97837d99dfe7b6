"""The processes a run needs: the app server, the bench's static server, the CouchDB peer.

The app server is the e2e tests' ``LiveServer`` (the real ``python -m server`` in a child process,
stopped by its own PID); every process here is stopped by the PID we started, and every port is
checked closed afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from app.core.schema import SCHEMA_VERSION
from devsupport.live_server import LiveServer, free_port, port_is_closed

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "bench" / "pages"
POUCH_DIST = ROOT / "node_modules" / "pouchdb" / "dist"

# Sign-ups are setup, not what is measured: the cheapest argon2 parameters keep them quick.
os.environ.setdefault("SETFLOW_PASSWORD_PROFILE", "CHEAPEST")


def _wait_http(url: str, process: subprocess.Popen[bytes], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            err = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{err}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{what} did not answer {url} within {timeout} s")


def _stop(process: subprocess.Popen[bytes], port: int) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)
    deadline = time.monotonic() + 10
    while not port_is_closed(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"port {port} still accepts connections after stop")
        time.sleep(0.05)


@contextmanager
def app_server(database: str) -> Iterator[LiveServer]:
    live = LiveServer(database).start()
    try:
        yield live
    finally:
        live.stop()


@contextmanager
def static_server(data_dir: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.static_server", str(port), str(data_dir)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(url + "/bench/blank.html", proc, "static server")
        yield url
    finally:
        _stop(proc, port)


@contextmanager
def couch_server() -> Iterator[str]:
    """express-pouchdb (minimumForPouchDB) on an in-memory PouchDB, on loopback."""
    port = free_port()
    proc = subprocess.Popen(
        ["node", str(ROOT / "bench" / "couch_server.js"), str(port), str(PAGES), str(POUCH_DIST)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_http(url + "/db/", proc, "CouchDB peer (node bench/couch_server.js)")
        yield url
    finally:
        _stop(proc, port)


# --- the app server's API, from Python (setup only: seeding accounts and records) -------------
SCHEMA = {"X-Setflow-Schema": str(SCHEMA_VERSION)}


def sign_up(client: httpx.Client, email: str, password: str = "benchmark-password") -> None:
    r = client.post("/api/auth/signup", json={"email": email, "password": password})
    r.raise_for_status()


def push(client: httpx.Client, device_id: str, mutations: list[dict[str, Any]]) -> dict[str, Any]:
    body = {"schemaVersion": SCHEMA_VERSION, "deviceId": device_id, "mutations": mutations}
    r = client.post("/api/sync", json=body, headers=SCHEMA)
    r.raise_for_status()
    return dict(r.json())


def pull_all(client: httpx.Client) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []
    since = 0
    while True:
        r = client.get("/api/sync", params={"since": since, "limit": 5000}, headers=SCHEMA)
        r.raise_for_status()
        page = r.json()
        changes.extend(page["changes"])
        since = page["cursor"]
        if not page["hasMore"]:
            return changes


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, separators=(",", ":")))
