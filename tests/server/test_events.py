"""Live streams (``GET /api/sync/events``) on real server processes, as a browser would hold one.

The server under test runs as ``python -m server`` with a short heartbeat; a device's stream is
read in a thread, event by event.
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.core.schema import SCHEMA_VERSION
from devsupport.postgres import PostgresCluster
from server.events import Stream
from tests.server.helpers import HEADERS, PASSWORD, mutation
from tests.server.test_processes import ServerProcess

SCHEMA = {"schema": HEADERS["X-Setflow-Schema"]}
WAIT = 10.0


class Events:
    """One device's open stream: each event as ``(kind, data)``, in order, from a thread."""

    def __init__(self, client: httpx.Client, **headers: str) -> None:
        self.received: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.status: int | None = None
        self.opened = threading.Event()
        self.closed = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._read, args=(client, headers), daemon=True)
        self._thread.start()
        _readers.append(self._thread)
        assert self.opened.wait(WAIT), "the stream did not answer"

    def _read(self, client: httpx.Client, headers: dict[str, str]) -> None:
        try:
            with client.stream(
                "GET", "/api/sync/events", params=SCHEMA, headers=headers, timeout=None
            ) as response:
                self.status = response.status_code
                self.content_type = response.headers.get("content-type", "")
                self.opened.set()
                kind, data = "message", ""
                for line in response.iter_lines():
                    if self._stop:
                        return
                    if line.startswith("event: "):
                        kind = line[7:]
                    elif line.startswith("data: "):
                        data = line[6:]
                    elif line == "" and data:
                        self.received.put((kind, json.loads(data)))
                        kind, data = "message", ""
        except httpx.HTTPError:
            pass
        finally:
            self.opened.set()
            self.closed.set()

    def next(self, kind: str | None = None, timeout: float = WAIT) -> tuple[str, Any]:
        """The next event (of ``kind``, skipping others); fails after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                event = self.received.get(timeout=max(left, 0.001))
            except queue.Empty:
                pytest.fail(f"no {kind or 'event'} within {timeout} s")
            if kind is None or event[0] == kind:
                return event

    def none(self, kind: str, within: float) -> None:
        deadline = time.monotonic() + within
        while (left := deadline - time.monotonic()) > 0:
            try:
                event = self.received.get(timeout=left)
            except queue.Empty:
                return
            assert event[0] != kind, f"unexpected {event}"

    def stop(self) -> None:
        self._stop = True


# Every client and stream a test opens, closed when it ends: the servers have stopped by then,
# which ends every stream (an open client's sockets would outlive the test).
_clients: list[httpx.Client] = []
_readers: list[threading.Thread] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _readers:
        _readers.pop().join(WAIT)
    while _clients:
        _clients.pop().close()


def account(base: str, email: str = "ada@example.org", *, signup: bool = True) -> httpx.Client:
    client = httpx.Client(base_url=base, headers=HEADERS, timeout=30)
    _clients.append(client)
    path = "/api/auth/signup" if signup else "/api/auth/login"
    answer = client.post(path, json={"email": email, "password": PASSWORD})
    assert answer.status_code in (200, 201), answer.text
    return client


def push(client: httpx.Client, device: str, count: int = 1) -> list[int]:
    body = {
        "schemaVersion": SCHEMA_VERSION,
        "deviceId": device,
        "mutations": [mutation(fields={"name": f"Squat {n}"}) for n in range(count)],
    }
    answer = client.post("/api/sync", json=body)
    assert answer.status_code == 200, answer.text
    return [r["version"] for r in answer.json()["results"]]


def start(database: str, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("SETFLOW_HEARTBEAT", "0.5")
    server = ServerProcess(database, tmp_path / f"{name}.log")
    server.wait_ready()
    return server


@pytest.fixture
def sqlite_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    server = start(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, "server", monkeypatch)
    yield server
    server.stop()


def test_a_push_pokes_the_accounts_other_devices_with_its_version(sqlite_server: Any) -> None:
    phone = account(sqlite_server.url)
    laptop = account(sqlite_server.url, signup=False)
    stranger = account(sqlite_server.url, "eve@example.org")
    push(phone, "phone")
    on_laptop = Events(laptop)
    on_strangers = Events(stranger)
    assert on_laptop.status == 200
    assert on_laptop.content_type.startswith("text/event-stream")
    assert on_laptop.next("hello")[1]["version"] == 1  # where the account is now

    versions = push(phone, "phone", 3)
    poke = on_laptop.next("poke")[1]
    assert poke == {"version": versions[-1], "by": "phone"}
    on_strangers.none("poke", within=1.5)  # another account hears nothing
    on_laptop.stop()
    on_strangers.stop()


def test_heartbeats_keep_an_idle_stream_alive(sqlite_server: Any) -> None:
    events = Events(account(sqlite_server.url))
    events.next("hello")
    assert events.next("ping", timeout=3) == ("ping", {})
    assert events.next("ping", timeout=3) == ("ping", {})
    events.stop()


def test_the_stream_is_refused_signed_out_cross_site_and_without_schema(
    sqlite_server: Any,
) -> None:
    with httpx.Client(base_url=sqlite_server.url, timeout=10) as anonymous:
        answer = anonymous.get("/api/sync/events", params=SCHEMA)
    assert answer.status_code == 401
    assert answer.json()["error"] == "unauthorized"

    client = account(sqlite_server.url)
    evil = client.get("/api/sync/events", params=SCHEMA, headers={"Origin": "https://evil.test"})
    assert evil.status_code == 403
    site = client.get("/api/sync/events", params=SCHEMA, headers={"Sec-Fetch-Site": "cross-site"})
    assert site.status_code == 403
    assert client.get("/api/sync/events").status_code == 400
    assert client.get("/api/sync/events", params={"schema": "99"}).status_code == 426
    assert (
        client.get("/api/sync/events", params={"schema": "2"}).status_code == 426
    )  # before supersets
    # The same origin is welcome.
    events = Events(client, Origin=sqlite_server.url)
    assert events.status == 200
    events.stop()


def test_stopping_the_server_ends_open_streams_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = start(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path, "server", monkeypatch)
    events = Events(account(server.url))
    events.next("hello")
    began = time.monotonic()
    server.stop()
    assert time.monotonic() - began < 4  # not the 5 s grace period, let alone forever
    assert events.closed.wait(WAIT)


@pytest.mark.postgres
def test_two_processes_on_postgresql_poke_each_others_devices(
    pg_cluster: PostgresCluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = pg_cluster.create_database()
    first = start(database, tmp_path, "first", monkeypatch)
    second = start(database, tmp_path, "second", monkeypatch)
    try:
        phone = account(first.url)
        laptop = account(second.url, signup=False)
        on_laptop = Events(laptop)  # held by the second process
        on_phone = Events(account(first.url, signup=False))  # held by the first
        on_laptop.next("hello")
        on_phone.next("hello")
        versions = push(phone, "phone", 2)  # made by the first process
        assert on_laptop.next("poke")[1] == {"version": versions[-1], "by": "phone"}
        assert on_phone.next("poke")[1] == {"version": versions[-1], "by": "phone"}
        versions = push(laptop, "laptop")  # and back
        assert on_phone.next("poke")[1] == {"version": versions[-1], "by": "laptop"}
        on_laptop.stop()
        on_phone.stop()
    finally:
        first.stop()
        second.stop()


def test_worker_processes_on_one_sqlite_file_poke_each_others_devices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``--workers 2`` connections land on either process; every stream hears every push."""
    monkeypatch.setenv("SETFLOW_HEARTBEAT", "0.5")
    server = ServerProcess(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path / "w.log", workers=2)
    try:
        server.wait_ready()
        account(server.url).close()
        streams = [Events(account(server.url, signup=False)) for _ in range(6)]
        for events in streams:
            events.next("hello")
        pushers = [account(server.url, signup=False) for _ in range(4)]
        for n, client in enumerate(pushers):
            version = push(client, f"device-{n}")[-1]
            for events in streams:
                assert events.next("poke")[1]["version"] == version
        for events in streams:
            events.stop()
    finally:
        server.stop()


def test_pokes_waiting_to_be_written_merge_into_one() -> None:
    stream = Stream(user_id=1, version=0)
    stream.poke(5, "phone")
    stream.poke(7, "phone")
    assert (stream.pending, stream.version, stream.by) == (True, 7, "phone")
    stream.poke(6, "laptop")  # another device's change is in it: the phone must pull too
    assert (stream.version, stream.by) == (7, None)
    stream.poke(9, "phone")
    assert (stream.version, stream.by) == (9, None)
