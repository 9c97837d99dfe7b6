"""Several server processes on one database (PostgreSQL, or one SQLite file) behave as one server.

Two real ``python -m server`` processes share a database.  Devices push concurrently through
both while another device pulls with a cursor, also through both.  Versions come from the
per-user lock, so the puller must end up with exactly the server's final state: a change that
committed behind its cursor would be missed for good.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.schema import SCHEMA_VERSION
from devsupport.postgres import free_port
from tests.server.helpers import HEADERS, PASSWORD, mutation, new_id

ROOT = Path(__file__).resolve().parents[2]
DEVICES = 4
PUSHES_PER_DEVICE = 15
SHARED_RECORDS = 3


class ServerProcess:
    def __init__(self, database: str, log: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        env = {**os.environ, "SETFLOW_PASSWORD_PROFILE": "CHEAPEST"}
        command = [sys.executable, "-m", "server", "--host", "127.0.0.1", "--port", str(self.port)]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [*command, "--database", database, "--workers", str(workers)],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=1) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    pytest.fail(f"server exited:\n{self.log.read_text()}")
                try:
                    if client.get(self.url + "/api/health").status_code == 200:
                        return
                except httpx.TransportError:
                    time.sleep(0.1)
        pytest.fail(f"server did not start:\n{self.log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def servers(fresh_database_url: str, tmp_path: Path) -> Iterator[list[ServerProcess]]:
    """Two server processes on one database: PostgreSQL, or one SQLite file (one writer at a
    time across processes)."""
    started = [ServerProcess(fresh_database_url, tmp_path / f"server{i}.log") for i in range(2)]
    try:
        for server in started:
            server.wait_ready()
        yield started
    finally:
        for server in started:
            server.stop()


def session(base: str, *, signup: bool = False) -> httpx.Client:
    client = httpx.Client(base_url=base, headers=HEADERS, timeout=30)
    path = "/api/auth/signup" if signup else "/api/auth/login"
    response = client.post(path, json={"email": "ada@example.org", "password": PASSWORD})
    assert response.status_code in (200, 201), response.text
    return client


def test_two_processes_one_database_miss_no_change(servers: list[ServerProcess]) -> None:
    first, second = servers
    session(first.url, signup=True).close()
    shared = [new_id() for _ in range(SHARED_RECORDS)]
    setup = session(second.url)
    response = setup.post(
        "/api/sync",
        json={
            "schemaVersion": SCHEMA_VERSION,
            "deviceId": "setup",
            "mutations": [mutation(rid, fields={"name": "Shared"}) for rid in shared],
        },
    )
    assert response.status_code == 200, response.text
    setup.close()

    errors: list[str] = []
    pushed_versions: list[int] = []
    done = threading.Event()
    lock = threading.Lock()

    def push_from(device: int) -> None:
        clients = [session(s.url) for s in servers]
        try:
            for n in range(PUSHES_PER_DEVICE):
                client = clients[(device + n) % 2]
                batch = [
                    mutation(fields={"name": f"Device {device} #{n}"}),
                    mutation(shared[n % SHARED_RECORDS], base=1, fields={"name": f"d{device}"}),
                    mutation(fields={"name": f"Device {device} #{n}b"}),
                ]
                body = {
                    "schemaVersion": SCHEMA_VERSION,
                    "deviceId": f"device-{device}",
                    "mutations": batch,
                }
                answer = client.post("/api/sync", json=body)
                if answer.status_code != 200:
                    errors.append(answer.text)
                    return
                with lock:
                    pushed_versions.extend(r["version"] for r in answer.json()["results"])
        finally:
            for client in clients:
                client.close()

    seen: dict[tuple[str, str], int] = {}
    cursors: list[int] = []

    def pull_until_done() -> None:
        clients = [session(s.url) for s in servers]
        since, n = 0, 0
        try:
            while True:
                finishing = done.is_set()  # read before pulling: one full pass after the end
                while True:
                    page = clients[n % 2].get("/api/sync", params={"since": since, "limit": 7})
                    n += 1
                    if page.status_code != 200:
                        errors.append(page.text)
                        return
                    data: dict[str, Any] = page.json()
                    versions = [c["version"] for c in data["changes"]]
                    if versions != sorted(set(versions)) or any(v <= since for v in versions):
                        errors.append(f"versions out of order after {since}: {versions}")
                    for change in data["changes"]:
                        seen[(change["table"], change["id"])] = change["version"]
                    since = data["cursor"]
                    cursors.append(since)
                    if not data["hasMore"]:
                        break
                if finishing:
                    return
        finally:
            for client in clients:
                client.close()

    puller = threading.Thread(target=pull_until_done)
    pushers = [threading.Thread(target=push_from, args=(d,)) for d in range(DEVICES)]
    puller.start()
    for t in pushers:
        t.start()
    for t in pushers:
        t.join(timeout=120)
    done.set()
    puller.join(timeout=120)
    assert not puller.is_alive() and not any(t.is_alive() for t in pushers)
    assert errors == []

    final_client = session(first.url)
    final: dict[tuple[str, str], int] = {}
    since = 0
    while True:
        data = final_client.get("/api/sync", params={"since": since}).json()
        final.update({(c["table"], c["id"]): c["version"] for c in data["changes"]})
        since = data["cursor"]
        if not data["hasMore"]:
            break
    final_client.close()

    # The puller, which only ever moved its cursor forward, holds exactly the final state.
    assert seen == final
    assert cursors == sorted(cursors)
    created = DEVICES * PUSHES_PER_DEVICE * 2
    exercises = [k for k in final if k[0] == "exercises"]
    assert len(exercises) == created + SHARED_RECORDS
    # Each written row took its own version: no version was handed out twice.
    assert len(set(final.values())) == len(final)
    assert max(final.values()) >= max(pushed_versions)


def test_workers_share_the_port_and_the_sqlite_file(tmp_path: Path) -> None:
    """``python -m server --workers 2``: two processes answer on one port, one SQLite file."""
    server = ServerProcess(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "w.log", workers=2)
    try:
        server.wait_ready()
        client = session(server.url, signup=True)
        errors: list[str] = []

        def push_many(device: int) -> None:
            # A connection of its own per device: the kernel spreads them over the workers.
            own = session(server.url)
            for n in range(10):
                body = {
                    "schemaVersion": SCHEMA_VERSION,
                    "deviceId": f"d{device}",
                    "mutations": [mutation(fields={"name": f"{device}-{n}"})],
                }
                answer = own.post("/api/sync", json=body)
                if answer.status_code != 200:
                    errors.append(answer.text)
            own.close()

        threads = [threading.Thread(target=push_many, args=(d,)) for d in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert errors == []
        page = client.get("/api/sync", params={"since": 0}).json()
        versions = sorted(c["version"] for c in page["changes"])
        assert versions == list(range(1, 61))  # every push took its own version, none lost
        started = server.log.read_text().count("Started server process")
        assert started == 2, server.log.read_text()
        client.close()
    finally:
        server.stop()
