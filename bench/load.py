"""The server under load: N simulated devices pushing and pulling for a bounded time, on loopback.

Each device is one keep-alive HTTP/1.1 connection to 127.0.0.1 (a minimal asyncio client, so the
generator costs as little CPU as possible on a small machine) that loops: push one new record,
then pull until ``hasMore`` is false.  Devices are paired into accounts (a phone and a laptop), so
every pull brings the other device's records.  The run stops by itself at the deadline or after
``MAX_REQUESTS_PER_DEVICE``, whichever comes first; traffic only ever goes to 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from app.core.schema import SCHEMA_VERSION
from bench.servers import sign_up

HOST = "127.0.0.1"
MAX_REQUESTS_PER_DEVICE = 200_000
DEVICES_PER_ACCOUNT = 2


class Conn:
    """One keep-alive HTTP/1.1 connection; enough of the protocol for uvicorn's answers."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.cookie = cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(HOST, self.port)

    async def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: {HOST}:{self.port}\r\n"
            f"Cookie: {self.cookie}\r\nX-Setflow-Schema: {SCHEMA_VERSION}\r\nAccept: application/json\r\n"
        )
        if method == "POST":
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + body)
        header = await self.reader.readuntil(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                raise RuntimeError("chunked answers are not expected from the sync API")
        data = await self.reader.readexactly(length) if length else b""
        return status, data

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()


@dataclass
class LoadResult:
    devices: int
    seconds: float
    requests: int = 0
    errors: int = 0
    pushes: int = 0
    pulls: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    generator_cpu_s: float = 0.0

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]


def _session_cookies(ports: list[int], n_devices: int) -> list[tuple[int, str]]:
    """Sign up one account per pair of devices; each device gets its account's cookie and a port."""
    cookies: list[tuple[int, str]] = []
    accounts = (n_devices + DEVICES_PER_ACCOUNT - 1) // DEVICES_PER_ACCOUNT
    for a in range(accounts):
        with httpx.Client(base_url=f"http://{HOST}:{ports[0]}", timeout=30) as client:
            sign_up(client, f"load-{a}-{uuid.uuid4().hex[:8]}@bench.invalid")
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        for _ in range(DEVICES_PER_ACCOUNT):
            if len(cookies) < n_devices:
                # Devices spread over the server processes (several processes on one database).
                cookies.append((ports[len(cookies) % len(ports)], cookie))
    return cookies


async def _device(conn: Conn, device_id: str, deadline: float, result: LoadResult) -> None:
    cursor = 0
    sent = 0
    while time.monotonic() < deadline and sent < MAX_REQUESTS_PER_DEVICE:
        now = int(time.time() * 1000)
        record_id = str(uuid.uuid4())
        body = {
            "schemaVersion": SCHEMA_VERSION,
            "deviceId": device_id,
            "mutations": [
                {
                    "mutationId": str(uuid.uuid4()),
                    "table": "exercises",
                    "id": record_id,
                    "kind": "put",
                    "baseVersion": 0,
                    "fields": {"name": f"Load {sent}", "muscleGroup": "Back"},
                    "clientTime": now,
                }
            ],
        }
        t0 = time.perf_counter()
        status, _ = await conn.request("POST", "/api/sync", json.dumps(body).encode())
        result.latencies_ms.append((time.perf_counter() - t0) * 1000)
        result.requests += 1
        result.pushes += 1
        sent += 1
        if status != 200:
            result.errors += 1
        while time.monotonic() < deadline:
            t0 = time.perf_counter()
            status, data = await conn.request("GET", f"/api/sync?since={cursor}&limit=2000")
            result.latencies_ms.append((time.perf_counter() - t0) * 1000)
            result.requests += 1
            result.pulls += 1
            sent += 1
            if status != 200:
                result.errors += 1
                break
            page: dict[str, Any] = json.loads(data)
            cursor = int(page["cursor"])
            if not page["hasMore"]:
                break


async def _run(cookies: list[tuple[int, str]], seconds: float) -> LoadResult:
    conns = [Conn(port, cookie) for port, cookie in cookies]
    await asyncio.gather(*(c.open() for c in conns))
    result = LoadResult(devices=len(conns), seconds=seconds)
    cpu0 = time.process_time()
    start = time.monotonic()
    deadline = start + seconds
    try:
        await asyncio.wait_for(
            asyncio.gather(*(_device(c, str(uuid.uuid4()), deadline, result) for c in conns)),
            timeout=seconds + 60,
        )
    finally:
        result.seconds = time.monotonic() - start
        result.generator_cpu_s = time.process_time() - cpu0
        await asyncio.gather(*(c.close() for c in conns))
    return result


def run_load(ports: list[int], n_devices: int, seconds: float, warmup: float = 0.0) -> LoadResult:
    """Sign the devices up, then let them push and pull for ``seconds``; stops by itself.

    ``warmup`` seconds of the same load come first, not measured: a fresh server opens its
    database connections and prepares its statements then, so one process and two (which open
    different numbers of them) are compared doing the same steady work."""
    cookies = _session_cookies(ports, n_devices)
    if warmup > 0:
        asyncio.run(_run(cookies, warmup))
    return asyncio.run(_run(cookies, seconds))
